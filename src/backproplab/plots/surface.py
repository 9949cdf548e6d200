"""The network's prediction over the plane as a heat map: a regression's answer to a surface of values."""

import numpy as np
from matplotlib.colors import Normalize, TwoSlopeNorm

from .points import boundary_extent
from .style import colour_bar, figure, save

VALUES_MAP = "coolwarm"  # low values blue, high red, the middle white: the playground's regression colours


def value_scale(values):
    """The colour scale over the values' own range, so that targets of 95 to 105 span it as -1 to 1 do:
    white at 0 when the range holds both signs (the playground's colours: the sign of a value), else at
    its middle."""
    lo, hi = float(values.min()), float(values.max())
    if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1.0):  # one value: a scale of some width about it
        lo, hi = lo - max(abs(lo), 1.0) * 1e-3, hi + max(abs(hi), 1.0) * 1e-3
    return TwoSlopeNorm(0.0, lo, hi) if lo < 0 < hi else Normalize(lo, hi)


def value_map(predict, X, y, path=None, title="", resolution=200, ax=None):
    """The value ``predict(grid)`` (shape (M,)) over the points' square as a heat map, with the points
    ``X`` on top filled with their target values ``y`` on the same colour scale, so a point that
    stands out from the shading beneath it is one the network has not learnt."""
    fig, ax = figure(figsize=(5.8, 5.4), ax=ax, layout="panels")
    lo, hi = boundary_extent(X)
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    values = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()]))).reshape(gx.shape)
    finite = np.concatenate([values[np.isfinite(values)], y])
    scale = value_scale(finite)
    image = ax.imshow(values, cmap=VALUES_MAP, norm=scale, origin="lower", interpolation="nearest",
                      extent=(lo[0], hi[0], lo[1], hi[1]), alpha=0.85, zorder=0)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=VALUES_MAP, norm=value_scale(finite), s=18, edgecolors="black",
               linewidths=0.5)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    colour_bar(fig, [ax], image, label="value: the network's (shading), the target's (points)")
    ax.set_title(title or "Prediction", y=1.0)
    return save(fig, path)
