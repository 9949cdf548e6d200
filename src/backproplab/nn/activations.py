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
    """What every activation declares about itself, read by the trace, the report, predict_proba and diagnosis.

    ``formula``: a = f(z), and ``derivative``: f'(z) in terms of a and z, written with ``{z}`` and ``{a}``
    and the layer's ``config()`` (``{negative_slope:g}``); ``words``: its name in a report;
    ``outputs_probabilities``: its outputs read as probabilities (predict_proba takes them as they are);
    ``saturates_at``: the (low, high) values its output flattens at, where its gradient vanishes
    (diagnosis counts units pinned there); ``dies_below``: the input below which its gradient is 0
    (diagnosis counts units that never rise above it, 'dead'); ``linear``: it leaves z as it is
    (a network of only these is one linear function); ``hidden_layer = False``: an output only.
    """

    formula: str | None = None
    derivative: str | None = None
    words: str | None = None
    outputs_probabilities = False
    saturates_at: tuple[float, float] | None = None
    dies_below: float | None = None
    linear = False
    hidden_layer = True
    _cache: object = None
    saved_for_backward: tuple[str, ...] = ("_cache",)

    def _cached(self):
        cache = self._cache
        return cache if cache is not None else self.saved(cache)  # saved(): the error of a backward before forward


@ACTIVATIONS.register("sigmoid")
class Sigmoid(_Activation):
    """out = 1 / (1 + e^-x).   Backward: dx = dout * out * (1 - out)."""

    formula = "1 / (1 + exp(-{z}))"
    derivative = "{a} (1 - {a})"
    words = "sigmoid"
    outputs_probabilities = True
    saturates_at = (0.0, 1.0)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._cache = out = F.sigmoid(x)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        out = self._cached()
        dx = np.subtract(1.0, out)
        dx *= out
        dx *= dout
        return dx


@ACTIVATIONS.register("tanh")
class Tanh(_Activation):
    """out = tanh(x).   Backward: dx = dout * (1 - out^2)."""

    formula = "tanh({z})"
    derivative = "1 - {a}^2"
    words = "tanh"
    saturates_at = (-1.0, 1.0)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._cache = out = np.tanh(x)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        out = self._cached()
        return dout * (1.0 - out * out)


@ACTIVATIONS.register("relu")
class ReLU(_Activation):
    """out = max(x, 0).   Backward: dx = dout * [x > 0] (0 at x = 0, as in PyTorch)."""

    formula = "max({z}, 0)"
    derivative = "1 if {z} > 0 else 0"
    words = "ReLU"
    dies_below = 0.0

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._cache = x > 0
        return np.maximum(x, 0)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * self._cached()


@ACTIVATIONS.register("leaky_relu")
class LeakyReLU(_Activation):
    """out = x if x > 0 else slope * x.   Backward: dx = dout * (1 if x > 0 else slope)."""

    formula = "{z} if {z} > 0 else {negative_slope:g} {z}"
    derivative = "1 if {z} > 0 else {negative_slope:g}"
    words = "leaky ReLU"

    def __init__(self, negative_slope: float = 0.01) -> None:
        self.negative_slope = check_number("negative_slope", negative_slope, 0.0, 1.0, high_open=True)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._cache = positive = x > 0
        return np.where(positive, x, self.negative_slope * x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return np.where(self._cached(), dout, self.negative_slope * dout)

    def config(self):
        return {"negative_slope": self.negative_slope}


@ACTIVATIONS.register("identity")
class Identity(_Activation):
    """out = x ("no activation").   Backward: dx = dout."""

    formula = "{z}"
    derivative = "1"
    words = "none (identity)"
    linear = True

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._cache = True
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
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

    formula = "exp({z}_i) / sum_j exp({z}_j)"
    words = "softmax"
    outputs_probabilities = True

    hidden_layer = False  # it mixes a layer's units into one distribution: an output, not a hidden layer

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._cache = out = F.softmax(x)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        out = self._cached()
        return out * (dout - (dout * out).sum(axis=-1, keepdims=True))


def get_activation(name):
    """A new activation layer from its registry name, e.g. ``'relu'``."""
    return ACTIVATIONS.get(name)()
