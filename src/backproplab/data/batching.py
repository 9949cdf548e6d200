"""Splitting data and walking it in mini-batches."""

from collections.abc import Iterator

import numpy as np

from ..errors import ConfigError
from ..rng import as_generator


def check_dataset(X, y, name="data", classes=True):
    """Validate a data set and return it as (float array (N, D) or (N, C, H, W), int labels (N,));
    with ``classes=False``, y holds values to regress onto (finite floats (N,)).

    Raises a one-line ConfigError for anything a training run cannot use.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim not in (2, 4):
        raise ConfigError(
            f"{name}: X must be 2-D (samples, features) or 4-D images (samples, channels, height, width), "
            f"got shape {X.shape}; reshape it"
        )
    if X.shape[0] == 0:
        raise ConfigError(f"{name}: X has no samples; give at least one")
    if not np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.complexfloating):
        raise ConfigError(f"{name}: X must be real numbers, got dtype {X.dtype}")
    # A sum in X's own dtype is finite for most finite data and costs no big temporary (for
    # float32, a quarter of the time of a float64 sum); only when it is not (NaN, inf, or
    # overflow) is the exact check needed.
    if np.issubdtype(X.dtype, np.floating) and not _finite_sum(X) and not np.isfinite(X).all():
        bad = int(np.argwhere(~np.isfinite(X.reshape(len(X), -1)))[0][0])
        raise ConfigError(f"{name}: X holds NaN or inf (first at row {bad}); remove or impute those rows")
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ConfigError(
            f"{name}: y must have shape ({X.shape[0]},), one label per row of X, got {y.shape}"
        )
    if not classes:
        if not np.issubdtype(y.dtype, np.number) or not np.all(np.isfinite(y)):
            raise ConfigError(f"{name}: y must hold finite values to regress onto, got {y.dtype} with NaN or inf")
        return X, y.astype(np.float64, copy=False)
    if not np.issubdtype(y.dtype, np.integer):
        if not np.issubdtype(y.dtype, np.number) or not np.all(np.isfinite(y)) or np.any(np.mod(y, 1)):
            raise ConfigError(f"{name}: y must hold integer class labels 0, 1, ..., got dtype {y.dtype}")
        y = y.astype(np.int64)
    if y.min() < 0:
        raise ConfigError(f"{name}: class labels must be >= 0, got {int(y.min())}")
    return X, y


def _finite_sum(X):
    """Whether X's sum in its own dtype is finite; an overflow just says False."""
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(X.sum()))


def train_test_split(X: np.ndarray, y: np.ndarray, test_size: float = 0.25,
                     seed: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split into (X_train, X_test, y_train, y_test).

    ``test_size`` is a fraction in (0, 1) or a number of samples.
    """
    n = len(X)
    if isinstance(test_size, float) and 0 < test_size < 1:
        n_test = max(1, int(round(test_size * n)))
    elif isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool) and 0 < test_size < n:
        n_test = int(test_size)
    else:
        raise ConfigError(
            f"test_size must be a fraction in (0, 1) or a count in 1..{n - 1}, got {test_size!r}"
        )
    order = as_generator(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def count_batches(n: int, batch_size: int | None = None) -> int:
    """How many mini-batches ``batches(n, batch_size)`` yields: ceil(n / batch_size), 1 for full batch."""
    return 1 if batch_size is None or batch_size >= n else -(-n // batch_size)


def batches(n: int, batch_size: int | None = None, rng: np.random.Generator | int | None = None,
            shuffle: bool = True) -> Iterator[np.ndarray | slice]:
    """Yield index arrays covering range(n) once, in mini-batches.

    batch_size None means one full batch in the original order; otherwise
    the order is shuffled with ``rng`` each time this is called (once per epoch),
    or, with ``shuffle=False``, kept: slices 0..batch_size, ... in the same order every epoch.
    """
    if batch_size is None or batch_size >= n:
        yield slice(None)
        return
    if not shuffle:
        for start in range(0, n, batch_size):
            yield slice(start, start + batch_size)
        return
    order = as_generator(rng).permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]
