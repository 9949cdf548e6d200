"""Parameter: a trainable array and its gradient."""

import numpy as np


class Parameter:
    """A trainable array and the gradient of the loss with respect to it.

    ``grad`` has the shape of ``data`` and starts at zero. Every backward pass
    adds into it (``grad += ...``), so the gradients of several uses of a
    parameter add up, until ``zero_grad()`` sets it back to zero (PyTorch's
    ``zero_grad(set_to_none=False)``).

    ``grad_is_zero`` is True from ``zero_grad()`` (and from creation) until
    ``add_to_grad`` first adds into ``grad``; that first sum after zeroing is the
    product itself, which ``add_to_grad`` then writes straight into ``grad``,
    saving a temporary and a pass over it. Any other use of ``grad`` (a layer's
    ``grad += ...``, a read, an assignment) sets it to False, so a gradient added
    by hand is never written over: a tied weight, used by a Linear layer and by a
    layer of your own, gets the sum of both.
    """

    __slots__ = ("data", "_grad", "grad_is_zero")

    def __init__(self, data):
        self.data = np.asarray(data)
        self.set_zero_grad(np.zeros_like(self.data))

    @property
    def grad(self):
        self.grad_is_zero = False  # whoever takes it may add into it
        return self._grad

    @grad.setter
    def grad(self, value):
        self._grad = value
        self.grad_is_zero = False

    def set_zero_grad(self, grad):
        """Take ``grad``, an array of zeros, as this parameter's gradient."""
        self._grad = grad
        self.grad_is_zero = True

    def add_to_grad(self, a, b):
        """grad += a @ b (a matrix or matrix-vector product): written into grad when it is still zero."""
        if self.grad_is_zero:
            try:
                np.dot(a, b, self._grad)  # out=grad, passed by position: a little faster on small arrays
                self.grad_is_zero = False
                return
            except ValueError:  # out= takes only grad's exact dtype (a float64 input into a float32 layer)
                pass
        self.grad += np.dot(a, b)

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
        self.set_zero_grad(np.zeros_like(data))
