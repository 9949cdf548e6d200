"""Parameter: a trainable array and its gradient."""

import numpy as np


class Parameter:
    """A trainable array and the gradient of the loss with respect to it.

    ``grad`` has the shape of ``data`` and starts at zero. Every backward pass
    adds into it (``grad += ...``), so the gradients of several uses of a
    parameter add up, until ``zero_grad()`` sets it back to zero (PyTorch's
    ``zero_grad(set_to_none=False)``). A reference to ``grad`` stays the
    gradient: a layer of your own may hold it and add into it, as a tied weight does.
    """

    __slots__ = ("data", "grad")

    def __init__(self, data):
        self.data = np.asarray(data)
        self.grad = np.zeros_like(self.data)

    @property
    def shape(self):
        return self.data.shape

    def __repr__(self):
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"

    # A pickled or copied parameter keeps its values only: its gradient comes from the last batch, so it
    # starts again at zero, and a saved model is the size of its weights.
    def __getstate__(self):
        return self.data

    def __setstate__(self, data):
        self.data = data
        self.grad = np.zeros_like(data)
