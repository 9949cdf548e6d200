"""``backproplab exercise DIR``: a smaller copy of the lab's network as an exercise, with stubs to fill and the check to run.

It writes ``network.py``, whose forward, backward and update are stubs (each
docstring gives the shapes and what to compute, not how), and the
``check_adapter.py`` that lets ``backproplab check DIR`` grade it. The network
file is in cells (``# %%``), so it also opens as a notebook in Jupyter (with
jupytext) or VS Code. Nothing that exists is overwritten.
"""

import os

from ..atomic import write_text
from ..errors import ConfigError
from .protocol import ADAPTER_NAME

NETWORK = '''"""A 2-4-4-1 network: 2 inputs, two hidden layers of 4 sigmoid units, 1 sigmoid output, binary cross-entropy
(the lab's own network is 2-8-8-1: the same, with 8 units a layer).

Fill in forward, backward and update, then run:  backproplab check {folder}
Every array has one row per sample. Weights W1..W3 are (in, out), biases b1..b3 are (1, out).
"""

# %%
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def init_params(sizes=(2, 4, 4, 1), seed=0):
    """W1 (2, 4), b1 (1, 4), W2 (4, 4), b2 (1, 4), W3 (4, 1), b3 (1, 1): random weights, zero biases."""
    rng = np.random.default_rng(seed)
    params = {{}}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), 1):
        params[f"W{{i}}"] = rng.normal(size=(n_in, n_out))
        params[f"b{{i}}"] = np.zeros((1, n_out))
    return params


def cross_entropy(y, A3):
    """The loss: binary cross-entropy of the predictions A3 (N, 1) for the labels y (N, 1), averaged over the N samples."""
    return float(-np.mean(y * np.log(A3) + (1 - y) * np.log(1 - A3)))


# %%
def forward(X, params):
    """Run the batch X (N, 2) through the network.

    Each layer i computes Zi (N, out), the affine map of the layer's input with Wi and bi,
    and Ai = sigmoid(Zi), which is the next layer's input; X is the first layer's input.
    Return the cache {{"Z1", "A1", "Z2", "A2", "Z3", "A3"}}; A3 (N, 1) is the prediction.
    """
    raise NotImplementedError("forward: compute Z1, A1, Z2, A2, Z3, A3")


# %%
def backward(X, y, params, cache):
    """The gradients of cross_entropy(y, A3) with respect to everything, from the output down.

    For each layer i, from 3 down to 1:
      dAi  (N, out): dL/dAi; for i = 3 it comes from the loss, below from the layer above;
      dZi  (N, out): dL/dZi, through the sigmoid;
      dWi  (in, out): dL/dWi, the shape of Wi;
      dbi  (1, out): dL/dbi, the shape of bi.
    Remember that the loss is an average over the batch.
    Return them all in a dict: {{"dA3": ..., "dZ3": ..., "dW3": ..., "db3": ..., "dA2": ..., ...}}.
    """
    raise NotImplementedError("backward: compute dA3, dZ3, dW3, db3 and so on down to layer 1")


# %%
def update(params, grads, lr):
    """One step of plain gradient descent on every Wi and bi with the learning rate lr, in params."""
    raise NotImplementedError("update: move every parameter one step")


# %%
if __name__ == "__main__":
    X = np.random.default_rng(1).uniform(0, 1, (100, 2))
    y = (X[:, :1] > X[:, 1:]).astype(float)  # the lab's linear data: which side of the diagonal
    params = init_params()
    for epoch in range(5000):
        cache = forward(X, params)
        update(params, backward(X, y, params, cache), 0.5)
        if epoch % 1000 == 0:
            print(f"epoch {{epoch}}  loss {{cross_entropy(y, cache['A3']):.4f}}")
'''

ADAPTER = '''"""Where backproplab check finds the pieces of network.py (the check protocol: docs/check.md)."""
import network

LOSS = "bce"

def build(weights, biases, lr):
    return {"params": {f"{p}{i}": v for p, vs in (("W", weights), ("b", biases)) for i, v in enumerate(vs, 1)}}

def forward(net, X):
    net["cache"] = c = network.forward(X, net["params"])
    return {"z": [c["Z1"], c["Z2"], c["Z3"]], "a": [c["A1"], c["A2"], c["A3"]]}

def backward(net, X, y):
    net["grads"] = g = network.backward(X, y, net["params"], net["cache"])
    layers = {name: [g[f"{name}{i}"] for i in (1, 2, 3)] for name in ("dA", "dZ", "dW", "db")}
    return {"da": layers["dA"], "delta": layers["dZ"], "dW": layers["dW"], "db": layers["db"]}

def update(net, lr): network.update(net["params"], net["grads"], lr)
def parameters(net): return [net["params"][f"W{i}"] for i in (1, 2, 3)], [net["params"][f"b{i}"] for i in (1, 2, 3)]
def loss(net, output, y): return network.cross_entropy(y, output)
'''


def write_exercise(folder):
    """Write network.py and check_adapter.py into ``folder`` (made if missing); the paths written."""
    targets = {os.path.join(folder, "network.py"): NETWORK.format(folder=folder),
               os.path.join(folder, ADAPTER_NAME): ADAPTER}
    for path in targets:
        if os.path.exists(path):
            raise ConfigError(f"{path!r} already exists; choose an empty folder for the exercise")
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise ConfigError(f"{folder!r} is a file; give a folder for the exercise")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:  # a file on the way, a read-only place
        raise ConfigError(f"cannot make the folder {folder!r} ({e.strerror}); give a folder you can write to") from None
    for path, content in targets.items():
        write_text(path, content)
    return list(targets)
