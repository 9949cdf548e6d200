"""Dropout, inverted: scale at training time so evaluation needs no change."""

import numpy as np

from ..rng import as_generator
from ..validation import check_number
from .module import Module


class Dropout(Module):
    """In training: out = x * m / (1 - p), with m ~ Bernoulli(1 - p) drawn per element.
    In eval mode: out = x.

    Backward: dx = dout * m / (1 - p) with the same mask (dx = dout in eval mode).
    The mask comes from ``rng`` (an int seed or a Generator), so a seeded run
    drops the same units every time.
    """

    # The trace's symbol for its output, and its forward and backward formulas ({o} output, {i} input, {l} layer).
    symbol = "h"
    formula = "{o} = {i} * m / (1 - p), mask m ~ Bernoulli(1 - p)"
    derivative = "dL/d{i} = dL/d{o} * m / (1 - p)"
    example_arguments = (0.3,)
    saved_for_backward = ("_scale",)

    def __init__(self, p: float = 0.5, *, rng: np.random.Generator | int | None = None) -> None:
        self.p = check_number("dropout probability p", p, 0.0, 1.0, high_open=True)
        self.rng = as_generator(rng)
        self._scale: float | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        if not self.training or self.p == 0:
            self._scale = 1.0
            return x
        keep = self.rng.random(x.shape, dtype=np.float32) >= self.p
        self._scale = keep.astype(x.dtype) * (1.0 / (1.0 - self.p))
        return x * self._scale

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout * self.saved(self._scale)

    def config(self):
        return {"p": self.p}
