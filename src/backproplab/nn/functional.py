"""Numerically stable elementwise functions shared by layers and losses."""

import functools

import numpy as np


def sigmoid(x):
    """1 / (1 + e^-x), without overflow for any finite x.

    e^-x is computed from -x capped at the largest exponent the dtype can
    take (88 for float32, 709 for float64), so it never overflows; below
    -88 (resp. -709) the result stays at about 6e-39 (resp. 1e-308) instead
    of going on down into subnormals. Five vectorised NumPy calls, exact to
    an ulp elsewhere: the cheapest stable form, which counts on small networks.
    """
    cap, one = _sigmoid_constants(x.dtype)
    out = np.negative(x, dtype=one.dtype)
    np.minimum(out, cap, out=out)
    np.exp(out, out=out)
    out += one
    return np.reciprocal(out, out=out)


@functools.lru_cache(maxsize=8)
def _sigmoid_constants(dtype):
    """(the largest whole number whose exp is finite, 1) as 0-d arrays of the float
    dtype computed in, which NumPy takes faster than Python floats."""
    dtype = dtype if dtype.kind == "f" else np.dtype(np.float64)
    return np.array(np.floor(np.log(np.finfo(dtype).max)), dtype=dtype), np.array(1, dtype=dtype)


def log_softmax(z):
    """log(softmax(z)) along the last axis; shifting by the max avoids overflow."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z):
    """exp(z_i) / sum_j exp(z_j) along the last axis, shifted by the max."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softplus(x):
    """log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|)."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


@functools.lru_cache(maxsize=16)
def ones(n, dtype):
    """A read-only vector of n ones, cached: the left factor of column sums."""
    out = np.ones(n, dtype=dtype)
    out.flags.writeable = False
    return out


def column_sum(a):
    """a.sum(axis=0) for a 2-D array, as one matrix-vector product: ones(N) @ a.

    The same sums (tests/test_layers.py checks it), several times faster than
    NumPy's reduction along axis 0 for tall arrays such as a convolution's
    (N*H*W, C) gradient, and half the time for a small layer's.
    """
    return np.dot(ones(a.shape[0], a.dtype), a)
