"""The playground's 2-D data sets: shapes drawn in the square [-5, 5]^2 (a little beyond with noise).

Four classification shapes (``SHAPES``: circle, xor, gauss, spiral) and two regression
surfaces (``SURFACES``: plane, gauss-mix, whose targets lie in [-1, 1]). Every generator
takes ``(n, noise, classes, seed)``: ``noise`` is a fraction (0.5 for the page's 50%) that
scales each shape's own jitter, ``classes`` is used by gauss and spiral, ``seed`` is an int
or a ``numpy.random.Generator``. The command line offers the shapes as ``playground-<name>``.
"""

import numpy as np

from ..registry import Registry
from ..rng import as_generator

SHAPES = Registry("playground shape")
SURFACES = Registry("playground surface")
MULTI_CLASS = ("gauss", "spiral")  # the shapes that take more than two classes


@SHAPES.register("circle")
def circle(n, noise=0.0, classes=2, seed=None):
    """Class 1 inside radius 2.5, class 0 on a ring from 3.5 to 5; noise jitters the points."""
    rng = as_generator(seed)
    y = np.arange(n) % 2
    radius = np.where(y == 1, rng.uniform(0, 2.5, n), rng.uniform(3.5, 5.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return X + noise * 2.5 * rng.standard_normal(X.shape), y


@SHAPES.register("xor")
def xor_quadrants(n, noise=0.0, classes=2, seed=None):
    """Uniform points away from the axes, class 1 where x1 and x2 have the same sign."""
    rng = as_generator(seed)
    X = rng.uniform(0.3, 5.0, (n, 2)) * rng.choice([-1.0, 1.0], (n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return X + noise * 2.5 * rng.standard_normal(X.shape), y


@SHAPES.register("gauss")
def gauss(n, noise=0.0, classes=2, seed=None):
    """One Gaussian cluster per class, centres on a circle of radius 2.9 (two classes: about (2, 2), (-2, -2))."""
    rng = as_generator(seed)
    y = np.arange(n) % classes
    angle = np.pi / 4 + 2 * np.pi * np.arange(classes) / classes
    centres = 2.9 * np.column_stack([np.cos(angle), np.sin(angle)])
    return centres[y] + (0.5 + 3 * noise) * rng.standard_normal((n, 2)), y


@SHAPES.register("spiral")
def spiral_arms(n, noise=0.0, classes=2, seed=None):
    """One arm per class, turning 1.75 times from the centre out to radius 5."""
    rng = as_generator(seed)
    y = np.arange(n) % classes
    t = rng.uniform(0, 1, n)
    angle = 1.75 * 2 * np.pi * t + 2 * np.pi * y / classes
    X = 5 * t[:, None] * np.column_stack([np.sin(angle), np.cos(angle)])
    return X + noise * 2 * rng.standard_normal(X.shape), y


@SURFACES.register("plane")
def plane(n, noise=0.0, classes=2, seed=None):
    """Regression: target (x1 + x2) / 10, in [-1, 1]."""
    rng = as_generator(seed)
    X = rng.uniform(-5, 5, (n, 2))
    return X + noise * 2.5 * rng.standard_normal(X.shape), (X[:, 0] + X[:, 1]) / 10


@SURFACES.register("gauss-mix")
def gauss_mix(n, noise=0.0, classes=2, seed=None):
    """Regression: a sum of four signed bumps, in [-1, 1]."""
    rng = as_generator(seed)
    X = rng.uniform(-5, 5, (n, 2))
    bumps = ((-2.5, -2.5, -1), (2.5, 2.5, -1), (-2.5, 2.5, 1), (2.5, -2.5, 1))
    target = sum(sign * np.exp(-((X[:, 0] - a) ** 2 + (X[:, 1] - b) ** 2) / 4) for a, b, sign in bumps)
    return X + noise * 2.5 * rng.standard_normal(X.shape), np.clip(target, -1, 1)
