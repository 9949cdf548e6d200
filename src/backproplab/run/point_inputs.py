"""How generated 2-D points become a network's inputs: placed on a square (``--square``), then
turned into the chosen features (``--features``), as the playground does both."""

from ..data.features import PLAIN, features


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
