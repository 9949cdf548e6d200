"""The playground's data: points in the square [-6, 6]^2, their labels and the input features.

Four shapes of its own (circle, xor, gauss, spiral for classification; plane and
gauss-mix for regression), every 2-D generator registered in ``data.DATASETS``
(named ``lab-<name>``, mapped from the unit square into the playground's square),
and ``csv``, points a user uploaded. ``noise`` is a percentage, 0 to 50.
"""

import inspect
import os
import tempfile

import numpy as np

from ..data import DATASETS
from ..data.csv_table import read_labelled, read_table
from ..errors import ConfigError

SQUARE = 6.0  # the map covers [-SQUARE, SQUARE] on both axes
_LAB_PREFIX = "lab-"

FEATURES = {
    "x1": lambda X: X[:, 0],
    "x2": lambda X: X[:, 1],
    "x1^2": lambda X: X[:, 0] ** 2,
    "x2^2": lambda X: X[:, 1] ** 2,
    "x1*x2": lambda X: X[:, 0] * X[:, 1],
    "sin(x1)": lambda X: np.sin(X[:, 0]),
    "sin(x2)": lambda X: np.sin(X[:, 1]),
}


def features(X, names):
    """The network's inputs: one column per feature name, computed from the points X (N, 2)."""
    return np.column_stack([FEATURES[name](X) for name in names])


def _circle(n, noise, classes, rng):
    """Class 1 inside radius 2.5, class 0 on a ring from 3.5 to 5; noise jitters the points."""
    y = np.arange(n) % 2
    radius = np.where(y == 1, rng.uniform(0, 2.5, n), rng.uniform(3.5, 5.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X + noise * 2.5 * rng.standard_normal(X.shape), y


def _xor(n, noise, classes, rng):
    """Uniform points away from the axes, class 1 where x1 and x2 have the same sign."""
    X = rng.uniform(0.3, 5.0, (n, 2)) * rng.choice([-1.0, 1.0], (n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return X + noise * 2.5 * rng.standard_normal(X.shape), y


def _gauss(n, noise, classes, rng):
    """One Gaussian cluster per class, centres on a circle of radius 3 (two classes: (2, 2), (-2, -2))."""
    y = np.arange(n) % classes
    angle = np.pi / 4 + 2 * np.pi * np.arange(classes) / classes
    centres = 2.9 * np.column_stack([np.cos(angle), np.sin(angle)])
    return centres[y] + (0.5 + 3 * noise) * rng.standard_normal((n, 2)), y


def _spiral(n, noise, classes, rng):
    """One arm per class, turning 1.75 times from the centre out to radius 5."""
    y = np.arange(n) % classes
    t = rng.uniform(0, 1, n)
    angle = 1.75 * 2 * np.pi * t + 2 * np.pi * y / classes
    X = 5 * t[:, None] * np.column_stack([np.sin(angle), np.cos(angle)])
    return X + noise * 2 * rng.standard_normal(X.shape), y


def _plane(n, noise, classes, rng):
    """Regression: target (x1 + x2) / 10, in [-1, 1]."""
    X = rng.uniform(-5, 5, (n, 2))
    return X + noise * 2.5 * rng.standard_normal(X.shape), (X[:, 0] + X[:, 1]) / 10


def _gauss_mix(n, noise, classes, rng):
    """Regression: a sum of four signed bumps, in [-1, 1]."""
    X = rng.uniform(-5, 5, (n, 2))
    bumps = ((-2.5, -2.5, -1), (2.5, 2.5, -1), (-2.5, 2.5, 1), (2.5, -2.5, 1))
    target = sum(sign * np.exp(-((X[:, 0] - a) ** 2 + (X[:, 1] - b) ** 2) / 4) for a, b, sign in bumps)
    return X + noise * 2.5 * rng.standard_normal(X.shape), np.clip(target, -1, 1)


CLASSIFICATION = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral}
REGRESSION = {"plane": _plane, "gauss-mix": _gauss_mix}
MULTI_CLASS = ("gauss", "spiral")  # playground shapes that take more than two classes


def dataset_names():
    """Every data set the page offers, registered generators read now."""
    return [*CLASSIFICATION, *REGRESSION, *(_LAB_PREFIX + name for name in DATASETS.names()), "csv"]


def takes_classes(name):
    """True when the data set's number of classes can be chosen."""
    if name.startswith(_LAB_PREFIX):
        return "classes" in inspect.signature(DATASETS.get(name[len(_LAB_PREFIX):])).parameters
    return name in MULTI_CLASS


def _registered(name, n, noise, classes, rng):
    """A registered generator's points, from the unit square to [-5, 5]^2 (its noise in unit-square units)."""
    generator = DATASETS.get(name)
    params = inspect.signature(generator).parameters
    offered = {"n": n, "noise": 0.2 * noise, "classes": classes, "seed": rng}
    X, y = generator(**{key: value for key, value in offered.items() if key in params})
    return 10 * X - 5, y


def generate(name, n, noise_percent, classes, rng):
    """(X (n, 2), y) of the data set ``name``; fixed sets keep their own size."""
    noise = noise_percent / 100
    if name.startswith(_LAB_PREFIX):
        return _registered(name[len(_LAB_PREFIX):], n, noise, classes, rng)
    table = {**CLASSIFICATION, **REGRESSION}
    return table[name](n, noise, classes, rng)


def is_regression(name):
    return name in REGRESSION


def read_upload(body, max_points, max_classes, regression=False):
    """(X (N, 2) scaled into [-5, 5]^2, y) from the bytes of an uploaded CSV.

    The file is read by the CLI's reader (``data.csv_table``), so it gets the same
    checks and messages: two feature columns and a label column, named ``label``
    in a header or else the last column. The labels are class numbers 0, 1, ...;
    with ``regression`` they are targets, any finite numbers. Each feature column
    is scaled linearly so its range spans [-5, 5], which is where the map shows it.
    """
    fd, path = tempfile.mkstemp(prefix="playground-", suffix=".csv")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
        header, table = read_table(path)  # finite numbers only, or a message naming the row
        label = "label" if header and "label" in header else table.shape[1] - 1
        if regression:
            if table.shape[1] < 2:
                raise ConfigError("the uploaded file has only a target column; it needs features too")
            column = header.index(label) if isinstance(label, str) else label
            X, y = np.delete(table, column, axis=1), table[:, column]
        else:
            X, y = read_labelled(path, label)
    except ConfigError as e:
        text = str(e).replace(f"data file {path!r}", "the uploaded file").replace(repr(path), "the uploaded file")
        raise ConfigError(text) from None
    finally:
        os.unlink(path)
    if X.shape[1] != 2:
        raise ConfigError(f"the uploaded file has {X.shape[1]} feature columns; give two (x1, x2) and a label")
    if not 4 <= len(y) <= max_points:
        raise ConfigError(f"the uploaded file has {len(y)} rows; give 4 to {max_points}")
    if not regression and y.max() >= max_classes:
        raise ConfigError(f"the uploaded labels go up to {y.max()}; give classes 0 .. {max_classes - 1}")
    low, high = X.min(axis=0), X.max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    return 10 * (X - low) / span - 5, y
