"""The reference numbers: the engine's layers, activation and loss on the same weights, in float64.

Every quantity the checker compares comes from ``backproplab.nn`` itself
(``Linear``, the registered activation, the loss) and one plain gradient
descent step of ``backproplab.optim.SGD``, in the engine's layout: W (out, in),
b (out,). Keys are ``"<step>/<quantity><layer>"``, as the student's are.
"""

import numpy as np

from ..nn.activations import ACTIVATIONS
from ..nn.linear import Linear
from ..nn.losses import get_loss
from ..optim.sgd import SGD


def reference_values(weights, biases, X, y, activation_names, loss, reduction, lr, steps=2):
    """Forward values, loss, dL/da, dL/dz, dW, db and the parameters after each of ``steps`` updates.

    ``activation_names`` names each layer's activation, first layer first.
    """
    linears, activations = [], []
    for w, b, activation in zip(weights, biases, activation_names):
        layer = Linear(w.shape[1], w.shape[0], bias=b is not None)
        layer.weight.data[...] = w
        if b is not None:
            layer.bias.data[...] = b
        linears.append(layer)
        activations.append(ACTIVATIONS.get(activation)())
    params = [p for layer in linears for p in layer.parameters()]
    optimizer = SGD(params, lr=lr)
    loss_fn = get_loss(loss, reduction)
    values = {}
    for step in range(1, steps + 1):
        a = X
        for l, (layer, act) in enumerate(zip(linears, activations), 1):
            values[f"{step}/z{l}"] = z = layer.forward(a).copy()
            values[f"{step}/a{l}"] = a = act.forward(z).copy()
        values[f"{step}/loss"] = np.array(loss_fn.forward(a, y))
        da = loss_fn.backward()
        optimizer.zero_grad()
        for l in range(len(linears), 0, -1):
            layer = linears[l - 1]
            values[f"{step}/da{l}"] = da.copy()
            values[f"{step}/delta{l}"] = delta = activations[l - 1].backward(da).copy()
            da = layer.backward(delta)
            values[f"{step}/dW{l}"] = layer.weight.grad.copy()
            if layer.bias is not None:
                values[f"{step}/db{l}"] = layer.bias.grad.copy()
        optimizer.step()
        for l, layer in enumerate(linears, 1):
            values[f"{step}/W{l}"] = layer.weight.data.copy()
            if layer.bias is not None:
                values[f"{step}/b{l}"] = layer.bias.data.copy()
    return values
