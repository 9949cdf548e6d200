"""Dropout, inverted: scale at training time so evaluation needs no change."""

import numpy as np

from ..errors import ConfigError
from ..rng import as_generator
from .module import Module


class Dropout(Module):
    """In training: out = x * m / (1 - p), with m ~ Bernoulli(1 - p) drawn per element.
    In eval mode: out = x.

    Backward: dx = dout * m / (1 - p) with the same mask (dx = dout in eval mode).
    The mask comes from ``rng`` (an int seed or a Generator), so a seeded run
    drops the same units every time.
    """

    def __init__(self, p=0.5, *, rng=None):
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p < 1:
            raise ConfigError(f"dropout probability p must be in [0, 1), got {p!r}")
        self.p = float(p)
        self.rng = as_generator(rng)
        self._scale = None

    def forward(self, x):
        if not self.training or self.p == 0:
            self._scale = 1.0
            return x
        keep = self.rng.random(x.shape, dtype=np.float32) >= self.p
        self._scale = keep.astype(x.dtype) * (1.0 / (1.0 - self.p))
        return x * self._scale

    def backward(self, dout):
        if self._scale is None:
            raise RuntimeError("Dropout.backward called before forward")
        return dout * self._scale

    def config(self):
        return {"p": self.p}
