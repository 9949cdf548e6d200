"""The fixed numbers every submission is checked with.

The weights are non-symmetric and non-zero: with equal or zero weights a
transposed matrix, a swapped index or a missing input multiplies the same
numbers and a wrong backward pass would pass. The batch has five samples, a
size no layer has, so that a product taken the wrong way round cannot line up
by accident.
"""

import numpy as np

BATCH = 5
LEARNING_RATE = 0.1
SEED = 20240917


def initial_parameters(sizes, with_biases):
    """Weights (out, in) and biases (out,) of every layer, in the engine's layout.

    Each entry has magnitude between 0.2 and 1.0 and a random sign; no two are equal.
    """
    rng = np.random.default_rng(SEED)
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        magnitude = rng.uniform(0.2, 1.0, (n_out, n_in))
        weights.append(magnitude * rng.choice([-1.0, 1.0], (n_out, n_in)))
        biases.append(rng.uniform(0.1, 0.5, n_out) * rng.choice([-1.0, 1.0], n_out) if with_biases else None)
    return weights, biases


def cases(n_inputs, n_outputs):
    """The two inputs a submission is checked on: a batch of five, and a single sample."""
    rng = np.random.default_rng(SEED + 1)
    X = rng.uniform(-1.0, 1.0, (BATCH, n_inputs))
    y = np.zeros((BATCH, n_outputs))
    y[[0, 2, 3]] = 1.0
    return {"batch": (X, y), "sample": (X[1:2].copy(), np.ones((1, n_outputs)))}
