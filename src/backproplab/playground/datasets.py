"""The playground's data: points in the square [-6, 6]^2, their labels and the input features.

Its own shapes (``data.plane_shapes``: circle, xor, gauss, spiral for classification;
plane and gauss-mix for regression, which ``backproplab train`` draws the same way), every 2-D generator registered in ``data.DATASETS``
(named ``lab-<name>``, mapped from the unit square into the playground's square),
and ``csv``, points a user uploaded. ``noise`` is a percentage, 0 to 50.
"""

import inspect
import os
import tempfile

from ..data import DATASETS
from ..data.features import FEATURES, features  # noqa: F401 (the page's inputs, imported from here)
from ..data.plane_shapes import MULTI_CLASS, SHAPES, SURFACES
from ..data.csv_table import read_labelled, read_table, read_valued
from ..errors import ConfigError
from ..run.point_inputs import place

SQUARE = 6.0  # the map covers [-SQUARE, SQUARE] on both axes
_LAB_PREFIX = "lab-"

CLASSIFICATION = dict(SHAPES.items())
REGRESSION = dict(SURFACES.items())


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
        X, y = (read_valued if regression else read_labelled)(path, label)
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
    return place(X, {"low": X.min(axis=0), "high": X.max(axis=0), "square": 5}), y
