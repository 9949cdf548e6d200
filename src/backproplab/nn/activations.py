"""Activation layers. Each backward multiplies dout by the local derivative.

Where the derivative is a simple function of the output it uses the cached
output (as scikit-learn does), which saves recomputing the forward pass.
"""

import numpy as np

from ..registry import Registry
from ..validation import check_number
from . import functional as F
from .module import Module

# Every activation by the name the CLI, sweeps and get_activation use.
ACTIVATIONS = Registry("activation")


class _Activation(Module):
    _cache = None

    def _cached(self):
        return self.saved(self._cache)


@ACTIVATIONS.register("sigmoid")
class Sigmoid(_Activation):
    """out = 1 / (1 + e^-x).   Backward: dx = dout * out * (1 - out)."""

    def forward(self, x):
        self._cache = out = F.sigmoid(x)
        return out

    def backward(self, dout):
        out = self._cached()
        dx = np.subtract(1.0, out)
        dx *= out
        dx *= dout
        return dx


@ACTIVATIONS.register("tanh")
class Tanh(_Activation):
    """out = tanh(x).   Backward: dx = dout * (1 - out^2)."""

    def forward(self, x):
        self._cache = out = np.tanh(x)
        return out

    def backward(self, dout):
        out = self._cached()
        return dout * (1.0 - out * out)


@ACTIVATIONS.register("relu")
class ReLU(_Activation):
    """out = max(x, 0).   Backward: dx = dout * [x > 0] (0 at x = 0, as in PyTorch)."""

    def forward(self, x):
        self._cache = x > 0
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * self._cached()


@ACTIVATIONS.register("leaky_relu")
class LeakyReLU(_Activation):
    """out = x if x > 0 else slope * x.   Backward: dx = dout * (1 if x > 0 else slope)."""

    def __init__(self, negative_slope=0.01):
        self.negative_slope = check_number("negative_slope", negative_slope, 0.0, 1.0, high_open=True)

    def forward(self, x):
        self._cache = positive = x > 0
        return np.where(positive, x, self.negative_slope * x)

    def backward(self, dout):
        return np.where(self._cached(), dout, self.negative_slope * dout)

    def config(self):
        return {"negative_slope": self.negative_slope}


@ACTIVATIONS.register("identity")
class Identity(_Activation):
    """out = x ("no activation").   Backward: dx = dout."""

    def forward(self, x):
        self._cache = True
        return x

    def backward(self, dout):
        self._cached()
        return dout


@ACTIVATIONS.register("softmax")
class Softmax(_Activation):
    """out_i = exp(x_i) / sum_j exp(x_j) over the last axis.

    Backward: the Jacobian is diag(out) - out out^T, so
        dx = out * (dout - sum_j(dout_j * out_j)).
    For training a classifier prefer CrossEntropyLoss on logits, which fuses
    the two and is more stable; Softmax is here for probabilities.
    """

    hidden_layer = False  # it mixes a layer's units into one distribution: an output, not a hidden layer

    def forward(self, x):
        self._cache = out = F.softmax(x)
        return out

    def backward(self, dout):
        out = self._cached()
        return out * (dout - (dout * out).sum(axis=-1, keepdims=True))


def get_activation(name):
    """A new activation layer from its registry name, e.g. ``'relu'``."""
    return ACTIVATIONS.get(name)()
