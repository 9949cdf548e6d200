"""Where backproplab check finds the pieces of network.py's Model (see docs/check.md)."""
from network import Model

WEIGHTS, BIASES, LOSS, REDUCTION = "out_in", "flat", "bce", "sum"
update, loss = Model.update, Model.loss  # already of the form f(network, ...)

def build(weights, biases, lr):
    model = Model()
    for dense, w, b in zip(model.layers[::2], weights, biases): dense.weight, dense.bias = w, b
    return model

def forward(model, X):
    model.forward(X)
    return {"z": [s.z for s in model.layers[1::2]], "a": [s.out for s in model.layers[1::2]]}

def backward(model, X, y):
    model.backprop(model.layers[-1].out, y)
    return {"da": [s.upstream for s in model.layers[1::2]], "delta": [d.delta for d in model.layers[::2]],
            "dW": [d.grad_weight for d in model.layers[::2]], "db": [d.grad_bias for d in model.layers[::2]]}

def parameters(model): return [d.weight for d in model.layers[::2]], [d.bias for d in model.layers[::2]]
