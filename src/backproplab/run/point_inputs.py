"""How generated 2-D points become a network's inputs: placed on a square (``--square``), then
turned into the chosen features (``--features``), as the playground does both."""

import numpy as np

from ..data.csv_table import read_labelled, read_table, read_valued
from ..data.features import PLAIN, features
from ..errors import ConfigError


def on_square(config, X):
    """Points of a generator's unit square mapped onto [-square, square]^2 (--square), as the playground places them."""
    if config.square is None:
        return X
    return 2 * config.square * X - config.square


def with_features(config, data):
    """``data`` whose inputs are the --features of its 2-D points (the points kept to draw them)."""
    if tuple(config.features) == PLAIN or data.X_train.shape[1:] != (2,):
        return data
    same = data.X_test is data.X_train  # a fixed set is its own test set, and stays so
    data.points_train, data.points_test = data.X_train, data.X_test
    data.X_train = features(data.X_train, config.features)
    data.X_test = data.X_train if same else features(data.X_test, config.features)
    return data


def read_points(config, values=False):
    """(X, y, placement), the 2-D points and labels (with ``values``: targets, any numbers) of ``--data``, the
    column ``--label-column`` or, in a file without a header, the last; with --square, each column placed
    linearly so that its range over the file spans [-square, square], as the playground places an uploaded
    file, and ``placement`` the record of it that the model file keeps (else None)."""
    if not config.data:
        raise ConfigError(f"--dataset {config.dataset} needs --data FILE.csv: two columns x1, x2 and a label")
    label = config.label_column
    if label == "label" and read_table(config.data)[0] is None:  # no header: the last column, as the page reads it
        label = -1
    try:
        X, y = (read_valued if values else read_labelled)(config.data, label)
    except ConfigError as e:
        if "labels must be integers" in str(e):  # values to regress onto, read as classes
            raise ConfigError(f"{e}; for values to regress onto add --targets values") from None
        raise
    if X.shape[1] != 2:
        raise ConfigError(f"--data {config.data!r} has {X.shape[1]} feature columns; --dataset {config.dataset} "
                          "takes 2-D points, x1 and x2 (use --dataset csv for a table)")
    if config.square is None:
        return X, y, None
    placement = {"low": X.min(axis=0).tolist(), "high": X.max(axis=0).tolist(), "square": config.square}
    return place(X, placement), y, placement


def place(X, placement):
    """``X`` placed as ``placement`` says: each column's [low, high] linearly onto [-square, square] (a column
    of one value at -square). Training places a file's points so; predict places new points alike."""
    low, high, square = np.asarray(placement["low"]), np.asarray(placement["high"]), placement["square"]
    span = np.where(high > low, high - low, 1.0)
    return 2 * square * (X - low) / span - square
