"""Input features of 2-D points, as TensorFlow Playground offers them: x1, x2, their squares,
their product and their sines. A network fed ``x1^2`` and ``x2^2`` separates a circle with one neuron."""

import numpy as np

FEATURES = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] ** 2,
    "x2^2": lambda X: X[:, 1] ** 2,
    "x1*x2": lambda X: X[:, 0] * X[:, 1],
    "sin(x1)": lambda X: np.sin(X[:, 0]),
    "sin(x2)": lambda X: np.sin(X[:, 1]),
}
PLAIN = ("x1", "x2")  # the points themselves


def features(X, names):
    """The network's inputs: one column per feature name, computed from the points X (N, 2)."""
    return np.column_stack([FEATURES[name](X) for name in names])
