"""Generated 2-D classification data sets.

Every generator returns ``(X, y)``: X of shape (n, 2) in float64, y integer
class labels of shape (n,). Points lie in (or near) the unit square, so the
same plots and networks serve them all. Randomness comes only from ``seed``
(an int or a ``numpy.random.Generator``).
"""

import numpy as np

from ..registry import Registry
from ..limits import check_size
from ..rng import as_generator
from ..validation import check_int, check_number

# Every generated 2-D data set by the name the CLI, sweeps and get_dataset use.
DATASETS = Registry("dataset")


def _check_n(n, low=1):
    check_int("n", n, low)
    return check_size("points", n, "n", "draw fewer points")


def _check_noise(noise):
    return check_number("noise", noise, 0.0, 10.0, high_open=True)


def _check_classes(classes):
    return check_int("classes", classes, 2, 26)


@DATASETS.register("linear")
def linear(n: int = 100, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The lab's data: n uniform points in the unit square, label 0 where x > y, else 1."""
    n = _check_n(n)
    X = as_generator(seed).uniform(0.0, 1.0, size=(n, 2))
    y = np.where(X[:, 0] > X[:, 1], 0, 1)
    return X, y


@DATASETS.register("xor")
def xor_easy() -> tuple[np.ndarray, np.ndarray]:
    """The lab's 21 fixed "XOR easy" points: two crossing diagonals.

    (0.1 i, 0.1 i) is labelled 0 for i = 0..10, and (0.1 i, 1 - 0.1 i) is
    labelled 1 for i = 0..10 except 5, where the diagonals cross.
    """
    zeros = [(0.1 * i, 0.1 * i) for i in range(11)]
    ones = [(0.1 * i, 1.0 - 0.1 * i) for i in range(11) if i != 5]
    points, labels = [], []
    for a, b in zip(zeros, ones + [None]):
        points.append(a)
        labels.append(0)
        if b is not None:
            points.append(b)
            labels.append(1)
    return np.array(points, dtype=np.float64), np.array(labels, dtype=np.int64)


@DATASETS.register("chessboard")
def chessboard(n: int = 400, squares: int = 4, noise: float = 0.0,
               seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points labelled by the colour of a squares x squares chessboard cell.

    ``noise`` is the standard deviation of Gaussian jitter added to the points
    after labelling, so noisy points may stray across cell borders.
    """
    n, noise = _check_n(n), _check_noise(noise)
    check_int("squares", squares, 1, 32)
    rng = as_generator(seed)
    X = rng.uniform(0.0, 1.0, size=(n, 2))
    cells = np.floor(X * squares).astype(np.int64)
    y = (cells[:, 0] + cells[:, 1]) % 2
    return X + noise * rng.standard_normal(X.shape), y


@DATASETS.register("circles")
def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5,
            seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric rings centred at (0.5, 0.5): outer radius 0.4 is class 0,
    inner radius 0.4 * factor is class 1, each jittered by ``noise``."""
    n, noise = _check_n(n, 2), _check_noise(noise)
    check_number("factor", factor, 0.0, 1.0, low_open=True, high_open=True)
    rng = as_generator(seed)
    y = np.arange(n) % 2
    angle = rng.uniform(0.0, 2 * np.pi, size=n)
    radius = np.where(y == 0, 0.4, 0.4 * factor)
    X = 0.5 + radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X + noise * rng.standard_normal(X.shape), y


@DATASETS.register("spiral")
def spiral(n: int = 300, classes: int = 2, noise: float = 0.05, turns: float = 1.0,
           seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms (CS231n's spiral data), one arm per class.

    Arm k runs from the centre (0.5, 0.5) outwards to radius 0.45 while its
    angle turns ``turns`` full circles; ``noise`` jitters the points.
    """
    n, noise, classes = _check_n(n, 2), _check_noise(noise), _check_classes(classes)
    rng = as_generator(seed)
    y = np.arange(n) % classes
    t = rng.uniform(0.05, 1.0, size=n)
    angle = 2 * np.pi * (turns * t + y / classes)
    X = 0.5 + 0.45 * t[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X + noise * rng.standard_normal(X.shape), y


@DATASETS.register("blobs")
def blobs(n: int = 300, classes: int = 3, noise: float = 0.1, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs of standard deviation ``noise`` around centres spaced
    evenly on a circle of radius 0.3 about (0.5, 0.5)."""
    n, noise, classes = _check_n(n, 2), _check_noise(noise), _check_classes(classes)
    rng = as_generator(seed)
    y = np.arange(n) % classes
    angle = 2 * np.pi * np.arange(classes) / classes
    centres = 0.5 + 0.3 * np.column_stack([np.cos(angle), np.sin(angle)])
    return centres[y] + noise * rng.standard_normal((n, 2)), y
