"""Small pictures of the page's choices, made once for its options: a few points of each data set
(its thumbnail, a click choosing it) and each input feature's value over the square (the input
column of the network, where a click adds or drops that feature)."""

import numpy as np

from .datasets import FEATURES, dataset_names, features, generate, is_regression
from .frames import NEURON_SIZE, as_bytes, grid

PREVIEW_POINTS = 80


def dataset_previews(seed=0):
    """{name: [[x1, x2, label or target], ...]} of every generated data set, noise-free, two classes."""
    previews = {}
    for name in dataset_names():
        if name == "csv":
            continue
        X, y = generate(name, PREVIEW_POINTS, 0, 2, np.random.default_rng(seed))
        target = y.astype(np.float64) if is_regression(name) else y
        previews[name] = [[round(float(a), 2), round(float(b), 2), round(float(t), 3)] for (a, b), t in zip(X, target)]
    return previews


def feature_maps():
    """{feature: its value over the square, as a thumbnail scaled to [-1, 1] by its largest size}."""
    maps = {}
    for name in FEATURES:
        values = features(grid(NEURON_SIZE), [name])[:, 0]
        maps[name] = as_bytes(values / (np.abs(values).max() or 1.0), -1, 1)
    return maps
