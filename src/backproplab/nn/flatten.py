"""Flatten: the bridge from image layers to fully connected ones."""

from .module import Module


class Flatten(Module):
    """out = x.reshape(N, -1): (N, C, H, W) -> (N, C*H*W), in C, H, W order as in PyTorch.

    Backward: no arithmetic, dx = dout.reshape(x.shape).
    """

    def __init__(self):
        self._shape = None

    def forward(self, x):
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout):
        if self._shape is None:
            raise RuntimeError("Flatten.backward called before forward")
        return dout.reshape(self._shape)
