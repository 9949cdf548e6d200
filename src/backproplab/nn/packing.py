"""Packing a model's parameters into one contiguous array, for speed.

Sequential keeps all its parameters in one contiguous array per model (each
``Parameter.data`` is a view into it, fixed for the life of the model), so that
an optimizer can update every weight with one NumPy call per formula instead of
one per parameter: on the lab's small networks that is most of the time.
"""

import numpy as np


def pack_parameters(params):
    """Move ``params`` into one contiguous array, and their gradients into another.

    Each ``data`` and ``grad`` becomes a view of its slice; values are kept.
    Does nothing when the parameters have different dtypes. An optimizer
    given parameters packed this way updates them all at once (see ``Optimizer``).
    """
    params = list({id(p): p for p in params}.values())
    if not params or len({p.data.dtype for p in params}) != 1:
        return
    flat = np.empty(sum(p.data.size for p in params), dtype=params[0].data.dtype)
    flat_grad = np.empty_like(flat)
    offset = 0
    for p in params:
        size, shape = p.data.size, p.data.shape
        flat[offset:offset + size] = p.data.reshape(-1)
        flat_grad[offset:offset + size] = p.grad.reshape(-1)
        p.data = flat[offset:offset + size].reshape(shape)
        p.grad = flat_grad[offset:offset + size].reshape(shape)
        offset += size
