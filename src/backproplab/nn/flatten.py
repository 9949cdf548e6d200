"""Flatten: the bridge from image layers to fully connected ones."""

import numpy as np

from .module import Module


class Flatten(Module):
    """out = x.reshape(N, -1): (N, C, H, W) -> (N, C*H*W), in C, H, W order as in PyTorch.

    Backward: no arithmetic, dx = dout.reshape(x.shape), laid out in memory
    like x was (e.g. channels-last), so the layer before works on matching layouts.
    """

    # The trace's symbol for its output, and its forward and backward formulas ({o} output, {i} input, {l} layer).
    symbol = "f"
    formula = "{o} = {i} laid out as one vector"
    derivative = "dL/d{i} = dL/d{o} laid out as {i}"
    example_input_shape = (2, 3, 4, 5)
    saved_for_backward = ("_x",)

    def __init__(self):
        self._x = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = x
        return x.reshape(x.shape[0], -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        x = self.saved(self._x)
        dx = np.empty_like(x, dtype=dout.dtype)  # in the memory layout of x: faster for the layer before
        dx[...] = dout.reshape(x.shape)
        return dx
