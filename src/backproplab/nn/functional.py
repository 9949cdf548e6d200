"""Numerically stable elementwise functions shared by layers and losses."""

import numpy as np


def sigmoid(x):
    """1 / (1 + e^-x), computed without overflow for any finite x.

    e = exp(-|x|) never overflows; for x >= 0 the result is 1 / (1 + e) and
    for x < 0 it is e / (1 + e), which are the same function.
    """
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


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
