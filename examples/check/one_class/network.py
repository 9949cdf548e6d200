"""A two-hidden-layer network as one class that owns its weight matrices.

Weights are (in, out) and biases (1, n). ``train`` runs forward and backward
over the data; ``backward`` works out every gradient, keeps them in
``self.grads`` (and returns them) and takes the gradient descent step on the weights itself. The
loss is half the sum of squared errors, and the sigmoid's derivative is
written in terms of its output.
"""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_slope(out):
    """sigma'(z) from out = sigma(z)."""
    return out * (1.0 - out)


class TwoHiddenNet:
    def __init__(self, n_in=2, n_hidden1=4, n_hidden2=4, n_out=1, learning_rate=0.5, seed=0):
        rng = np.random.default_rng(seed)
        self.learning_rate = learning_rate
        self.w1, self.b1 = rng.normal(size=(n_in, n_hidden1)), np.zeros((1, n_hidden1))
        self.w2, self.b2 = rng.normal(size=(n_hidden1, n_hidden2)), np.zeros((1, n_hidden2))
        self.w3, self.b3 = rng.normal(size=(n_hidden2, n_out)), np.zeros((1, n_out))

    def forward(self, inputs):
        self.inputs = inputs
        self.h1 = sigmoid(inputs @ self.w1 + self.b1)
        self.h2 = sigmoid(self.h1 @ self.w2 + self.b2)
        self.out = sigmoid(self.h2 @ self.w3 + self.b3)
        return self.out

    def backward(self, labels):
        error = self.out - labels  # dL/d(out) of 1/2 sum (out - y)^2
        d3 = error * sigmoid_slope(self.out)
        d2 = (d3 @ self.w3.T) * sigmoid_slope(self.h2)
        d1 = (d2 @ self.w2.T) * sigmoid_slope(self.h1)
        self.grads = {"error": error, "d3": d3, "d2": d2, "d1": d1,
                      "w3": self.h2.T @ d3, "b3": d3.sum(axis=0, keepdims=True),
                      "w2": self.h1.T @ d2, "b2": d2.sum(axis=0, keepdims=True),
                      "w1": self.inputs.T @ d1, "b1": d1.sum(axis=0, keepdims=True)}
        for name in ("w1", "b1", "w2", "b2", "w3", "b3"):
            setattr(self, name, getattr(self, name) - self.learning_rate * self.grads[name])
        return self.grads

    def train(self, inputs, labels, epochs=1000):
        for _ in range(epochs):
            self.forward(inputs)
            self.backward(labels)
