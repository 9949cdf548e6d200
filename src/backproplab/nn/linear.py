"""The fully connected layer."""

import numpy as np

from ..rng import as_generator
from ..validation import check_bool, check_int
from . import functional as F
from .init import get_bias_initializer, get_initializer
from .module import Module, Parameter


class Linear(Module):
    """Fully connected layer: out = x @ W.T + b (PyTorch's layout).

    Shapes: x (N, in_features) -> out (N, out_features);
    weight W (out_features, in_features); bias b (out_features,).

    Backward, with dout = dL/dout of shape (N, out_features):
        dW = dout.T @ x,   db = dout.sum(axis=0),   dx = dout @ W.

    ``bias=False`` drops b (out = x @ W.T; ``self.bias`` is None, as in
    PyTorch). ``bias_init`` names how b starts: ``zeros`` (the default),
    ``ones``, ``normal`` or ``uniform`` (see ``init.BIAS_INITIALIZERS``).
    """

    # The trace's symbol for its output, and its forward and backward formulas ({o} output, {i} input, {l} layer).
    symbol = "z"
    formula = "{o} = W{l} {i} + b{l}"
    derivative = "dL/dW{l} = dL/d{o} {i}^T;  dL/db{l} = dL/d{o};  dL/d{i} = W{l}^T dL/d{o}"
    starts_layer = True  # numbers a new layer: W1, b1, z1 ...
    example_arguments, example_input_shape = (3, 4), (5, 3)
    saved_for_backward = ("_x",)

    def __init__(self, in_features, out_features, bias=True, *, init="xavier", bias_init="zeros", rng=None,
                 dtype=np.float64):
        self.in_features = check_int("in_features", in_features, 1)
        self.out_features = check_int("out_features", out_features, 1)
        check_bool("bias", bias)
        self.init = init
        get_bias_initializer(bias_init)  # an unknown name fails here, with the choices
        self.bias_init = bias_init
        self.weight = Parameter(np.empty((self.out_features, self.in_features), dtype=dtype))
        self.bias = Parameter(np.zeros(self.out_features, dtype=dtype)) if bias else None
        self.reset_parameters(as_generator(rng))
        self._x = None

    def reset_parameters(self, rng):
        """Draw W with this layer's initialiser, then b with its bias initialiser."""
        w = get_initializer(self.init)(self.weight.data.shape, rng)
        self.weight.data[...] = w
        if self.bias is not None:
            self.bias.data[...] = get_bias_initializer(self.bias_init)(self.bias.data.shape, self.in_features, rng)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """out = x W^T + b."""
        self._x = x
        out = np.dot(x, self.weight.data.T)  # np.dot: the same product as @, with less call overhead
        if self.bias is not None:
            out += self.bias.data
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dW = dout^T x,   db = sum of dout over the batch,   dx = dout W."""
        self.backward_params(dout)
        return np.dot(dout, self.weight.data)  # np.dot: as forward, less call overhead than @

    def backward_params(self, dout):
        """dW = dout^T x and db = sum of dout only: all a first layer needs, since nobody uses its dx."""
        x = self.saved(self._x)
        if x.ndim != 2:  # (N, ..., in): fold the leading axes into the batch
            x, dout = x.reshape(-1, x.shape[-1]), dout.reshape(-1, dout.shape[-1])
        self.weight.grad += dout.T @ x  # @ rather than np.dot: BLAS is faster with this transposed factor
        if self.bias is not None:
            self.bias.grad += F.column_sum(dout)  # dout.sum(axis=0), as one product: faster on small arrays

    def config(self):
        config = {"in_features": self.in_features, "out_features": self.out_features}
        if self.bias is None:
            config["bias"] = False  # named only when off, so the default layer's description is unchanged
        return config
