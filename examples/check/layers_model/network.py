"""A two-hidden-layer network built from layer objects that each know their forward and backward.

Dense keeps its weight as (out, in), PyTorch's way, and a bias of shape (n,);
Sigmoid writes its derivative in terms of its input z. The loss is binary
cross-entropy summed over the batch.
"""

import numpy as np


class Dense:
    def __init__(self, n_in, n_out, rng):
        self.weight = rng.normal(0.0, 1.0, (n_out, n_in))
        self.bias = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.weight.T + self.bias

    def backprop(self, delta):
        """delta = dL/dz (N, out) -> dL/dx (N, in); keeps dL/dW and dL/db for update."""
        self.delta = delta
        self.grad_weight = delta.T @ self.x
        self.grad_bias = delta.sum(axis=0)
        return delta @ self.weight

    def update(self, lr):
        self.weight -= lr * self.grad_weight
        self.bias -= lr * self.grad_bias


class Sigmoid:
    def forward(self, z):
        self.z = z
        self.out = 1.0 / (1.0 + np.exp(-z))
        return self.out

    def backprop(self, upstream):
        """upstream = dL/da -> dL/dz, with sigma'(z) = sigma(z) (1 - sigma(z))."""
        self.upstream = upstream
        s = 1.0 / (1.0 + np.exp(-self.z))
        return upstream * s * (1.0 - s)


class Model:
    def __init__(self, sizes=(2, 4, 4, 1), seed=0):
        rng = np.random.default_rng(seed)
        self.layers = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            self.layers += [Dense(n_in, n_out, rng), Sigmoid()]

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, p, y):
        return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))

    def backprop(self, p, y):
        upstream = (p - y) / (p * (1 - p))
        for layer in reversed(self.layers):
            upstream = layer.backprop(upstream)

    def update(self, lr):
        for layer in self.layers[::2]:
            layer.update(lr)
