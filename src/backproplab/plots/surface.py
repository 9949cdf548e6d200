"""The network's prediction over the plane as a heat map: a regression's answer to a surface of values."""

import numpy as np

from .points import boundary_extent
from .style import colour_bar, figure, save

VALUES_MAP = "coolwarm"  # negative values blue, positive red, 0 white: the playground's regression colours


def value_map(predict, X, y, path=None, title="", resolution=200, ax=None):
    """The value ``predict(grid)`` (shape (M,)) over the points' square as a heat map, with the points
    ``X`` on top filled with their target values ``y`` on the same colour scale, so a point that
    stands out from the shading beneath it is one the network has not learnt."""
    fig, ax = figure(figsize=(5.8, 5.4), ax=ax, layout="panels")
    lo, hi = boundary_extent(X)
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    values = np.asarray(predict(np.column_stack([gx.ravel(), gy.ravel()]))).reshape(gx.shape)
    finite = np.concatenate([values[np.isfinite(values)], y])
    reach = max(float(np.abs(finite).max()), 1e-12)  # a scale symmetric about 0
    image = ax.imshow(values, cmap=VALUES_MAP, vmin=-reach, vmax=reach, origin="lower", interpolation="nearest",
                      extent=(lo[0], hi[0], lo[1], hi[1]), alpha=0.85, zorder=0)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=VALUES_MAP, vmin=-reach, vmax=reach, s=18, edgecolors="black",
               linewidths=0.5)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    colour_bar(fig, [ax], image, label="value: the network's (shading), the target's (points)")
    ax.set_title(title or "Prediction", y=1.0)
    return save(fig, path)
