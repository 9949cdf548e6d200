"""A two-hidden-layer network written as plain functions over a dict of matrices.

Parameters W1..W3 are (in, out) and b1..b3 are (1, n). ``forward`` returns
the cache Z1..Z3, A1..A3; ``backward`` walks back through it with dA3..dA1
and dZ3..dZ1; the sigmoid's derivative takes the sigmoid's output. The loss
is binary cross-entropy averaged over the batch.
"""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_derivative(a):
    return a * (1.0 - a)


def init_params(sizes=(2, 4, 4, 1), seed=0):
    rng = np.random.default_rng(seed)
    params = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), 1):
        params[f"W{i}"] = rng.normal(size=(n_in, n_out))
        params[f"b{i}"] = np.zeros((1, n_out))
    return params


def forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    A1 = sigmoid(Z1)
    Z2 = A1 @ params["W2"] + params["b2"]
    A2 = sigmoid(Z2)
    Z3 = A2 @ params["W3"] + params["b3"]
    A3 = sigmoid(Z3)
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2, "Z3": Z3, "A3": A3}


def cross_entropy(y, A3):
    return float(-np.mean(y * np.log(A3) + (1 - y) * np.log(1 - A3)))


def cross_entropy_derivative(y, A3):
    return (A3 - y) / (A3 * (1 - A3)) / len(y)


def backward(X, y, params, cache):
    A1, A2, A3 = cache["A1"], cache["A2"], cache["A3"]
    dA3 = cross_entropy_derivative(y, A3)
    dZ3 = dA3 * sigmoid_derivative(A3)
    dW3 = A2.T @ dZ3
    db3 = np.sum(dZ3, axis=0, keepdims=True)

    dA2 = dZ3 @ params["W3"].T
    dZ2 = dA2 * sigmoid_derivative(A2)
    dW2 = A1.T @ dZ2
    db2 = np.sum(dZ2, axis=0, keepdims=True)

    dA1 = dZ2 @ params["W2"].T
    dZ1 = dA1 * sigmoid_derivative(A1)
    dW1 = X.T @ dZ1
    db1 = np.sum(dZ1, axis=0, keepdims=True)
    return {"dA3": dA3, "dZ3": dZ3, "dW3": dW3, "db3": db3, "dA2": dA2, "dZ2": dZ2, "dW2": dW2, "db2": db2,
            "dA1": dA1, "dZ1": dZ1, "dW1": dW1, "db1": db1}


def update(params, grads, lr):
    for name in params:
        params[name] = params[name] - lr * grads["d" + name]
