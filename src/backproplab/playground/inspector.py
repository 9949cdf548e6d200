"""The inspector: one neuron (or one weight) of the page's network on one training point.

It shows the numbers backpropagation uses for that neuron: its inputs a, weights w,
bias b, z = w.a + b, its activation's output, delta = dL/dz and dL/dw = delta * a, and
the deltas of every layer, from the output back to the first.
"""

import math

import numpy as np

from ..errors import ConfigError
from ..nn import Dropout, Linear


def linear(session, index):
    """Linear layer ``index`` of the session's network (a ConfigError naming the range otherwise)."""
    if not 0 <= index < len(session.linears):
        raise ConfigError(f"layer must be 0 .. {len(session.linears) - 1}, got {index}")
    return session.linears[index]


def checked_target(session, layer, neuron, point, source=None):
    """(layer, neuron, point, source), each checked against the network and the training points."""
    w = linear(session, layer).weight.data
    units = w.shape[0]
    if not 0 <= neuron < units:
        raise ConfigError(f"layer {layer} has neurons 0 .. {units - 1}, got {neuron}")
    if not 0 <= point < len(session.y_train):
        raise ConfigError(f"point must be 0 .. {len(session.y_train) - 1}, got {point}")
    if source is not None and not 0 <= source < w.shape[1]:
        raise ConfigError(f"layer {layer} has weights from inputs 0 .. {w.shape[1] - 1}, got {source}")
    return layer, neuron, point, source


def one_point(session, p):
    """Forward and backward on training point p alone (see ``forward_backward``)."""
    return forward_backward(session, session.inputs_train[p:p + 1], session.y_train[p:p + 1])[:4]


def forward_backward(session, x, y):
    """Forward and backward on the rows (x, y), in eval mode, leaving the gradients as they were:
    (each layer's input, each layer's output, dL/d(each layer's output), the loss, and each
    Linear's (dL/dW, dL/db) on those rows)."""
    model, loss_fn = session.model, session.loss_fn
    model.eval()
    inputs, outputs = [], []
    saved = [(layer.weight.grad.copy(), layer.bias.grad.copy()) for layer in session.linears]
    for layer in session.linears:
        layer.weight.grad[...], layer.bias.grad[...] = 0.0, 0.0
    with np.errstate(all="ignore"):
        for layer in model.layers:
            inputs.append(x)
            x = layer.forward(x)
            outputs.append(x)
        loss = loss_fn.forward(x, y)
        dout = loss_fn.backward()
        grads = [None] * len(model.layers)
        for i in reversed(range(len(model.layers))):
            grads[i] = dout
            dout = model.layers[i].backward(dout)
    computed = [(layer.weight.grad.copy(), layer.bias.grad.copy()) for layer in session.linears]
    for layer, (gw, gb) in zip(session.linears, saved):
        layer.weight.grad[...], layer.bias.grad[...] = gw, gb
    return inputs, outputs, grads, loss, computed


def unit_deltas(session, layer_index, unit):
    """delta = dL/dz of unit ``unit`` of Linear ``layer_index`` at each training point, each as
    that point's own loss would give it (the mean loss's delta times the number of points)."""
    inputs, outputs, grads, loss, _ = forward_backward(session, session.inputs_train, session.y_train)
    position = session.model.layers.index(session.linears[layer_index])
    return np.nan_to_num(grads[position][:, unit] * len(session.y_train))


def gradients(session):
    """With ``session.show_gradients``: every weight's dL/dW and every neuron's delta averaged over
    the training points (dL/db, for a loss that is a mean), of the network now, in eval mode."""
    if not session.show_gradients:
        return None
    computed = forward_backward(session, session.inputs_train, session.y_train)[4]
    return [{"weight": np.nan_to_num(gw).tolist(), "delta": np.nan_to_num(gb).tolist()} for gw, gb in computed]


def inspection(session):
    """For the inspected neuron on its point: inputs a, weights w, bias b, z = w.a + b, its
    activation's output, delta = dL/dz, and dL/dw = delta * a (the numbers backpropagation uses);
    for an inspected weight, its value, that delta, the input it multiplies and dL/dw = delta * a;
    and the backward pass: delta of every layer's neurons, from the output back to the first layer."""
    if session.inspect is None:
        return None
    layer_index, j, p, source = session.inspect
    inputs, outputs, grads, loss = one_point(session, p)
    layers, linears = session.model.layers, session.linears
    positions = [layers.index(layer) for layer in linears]
    i = positions[layer_index]
    nxt = layers[i + 1] if i + 1 < len(layers) else None
    activated = nxt is not None and not isinstance(nxt, (Linear, Dropout))
    a_in, delta = inputs[i][0], grads[i][0, j]
    weight = None
    if source is not None:  # one weight: w, the delta of the neuron it feeds, the activation it multiplies
        weight = {"from": source, "value": float(linears[layer_index].weight.data[j, source]),
                  "delta": float(delta), "input": float(a_in[source]), "grad": float(delta * a_in[source])}
    return {
        "layer": layer_index, "neuron": j, "point": p, "x": session.X_train[p].round(4).tolist(),
        "target": float(session.y_train[p]), "inputs": a_in.round(5).tolist(),
        "weights": linears[layer_index].weight.data[j].round(5).tolist(),
        "bias": round(float(linears[layer_index].bias.data[j]), 5), "z": float(outputs[i][0, j]),
        "activation": type(nxt).__name__ if activated else "none",
        "a": float(outputs[i + 1][0, j] if activated else outputs[i][0, j]),
        "delta": float(delta), "grad_w": (delta * a_in).tolist(),
        "loss": float(loss) if math.isfinite(loss) else None, "weight": weight,
        "backward": [{"layer": k, "delta": grads[positions[k]][0].tolist()} for k in reversed(range(len(positions)))],
    }
