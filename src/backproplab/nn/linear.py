"""The fully connected layer."""

import numpy as np

from ..errors import ConfigError
from ..rng import as_generator
from . import functional as F
from .init import get_initializer
from .module import Module, Parameter


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


class Linear(Module):
    """Fully connected layer: out = x @ W.T + b (PyTorch's layout).

    Shapes: x (N, in_features) -> out (N, out_features);
    weight W (out_features, in_features); bias b (out_features,).

    Backward, with dout = dL/dout of shape (N, out_features):
        dW = dout.T @ x,   db = dout.sum(axis=0),   dx = dout @ W.
    """

    def __init__(self, in_features, out_features, *, init="xavier", rng=None, dtype=np.float64):
        self.in_features = _positive_int("in_features", in_features)
        self.out_features = _positive_int("out_features", out_features)
        self.init = init
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        self.bias = Parameter(np.zeros(self.out_features, dtype=dtype))
        self.reset_parameters(as_generator(rng))
        self._x = None

    def reset_parameters(self, rng):
        """Draw W with this layer's initialiser; set b to zero."""
        w = get_initializer(self.init)(self.weight.data.shape, rng)
        self.weight.data[...] = w
        self.bias.data[...] = 0

    def forward(self, x):
        # np.dot rather than @: the same BLAS call with less dispatch, which
        # counts on small networks; the bias is added in place.
        self._x = x
        out = np.dot(x, self.weight.data.T)
        out += self.bias.data
        return out

    def backward(self, dout):
        self.backward_params(dout)
        return np.dot(dout, self.weight.data)

    def backward_params(self, dout):
        """Only dW and db (for a first layer, whose dx nobody needs)."""
        if self._x is None:
            raise RuntimeError("Linear.backward called before forward")
        w, b, x = self.weight, self.bias, self._x
        if x.ndim != 2:  # (N, ..., in): fold the leading axes into the batch
            x, dout = x.reshape(-1, x.shape[-1]), dout.reshape(-1, dout.shape[-1])
        ones = F.ones(dout.shape[0], dout.dtype)
        exact = dout.dtype == x.dtype == w.grad.dtype  # np.dot(out=) takes no casting
        # On large blocks np.matmul handles the transposed factor faster; on tiny
        # ones np.dot's lower call overhead is what counts.
        product = np.matmul if x.size > 4096 else np.dot
        if w.fresh and exact:  # the gradient is still zero: write instead of add
            product(dout.T, x, out=w.grad)
        else:
            w.grad += product(dout.T, x)
        if b.fresh and exact:  # column sums as one product: faster than a reduce
            np.dot(ones, dout, out=b.grad)
        else:
            b.grad += np.dot(ones, dout)
        w.fresh = b.fresh = False

    def config(self):
        return {"in_features": self.in_features, "out_features": self.out_features}
