"""What every figure shares: the class colours, a new figure and saving it to a file.

Figures are ``matplotlib.figure.Figure`` objects drawn straight to files:
no pyplot, so no global figure list to close and no GUI backend to choose.
Importing this package leaves matplotlib's backend as the user set it.
"""

import os

import numpy as np
from matplotlib.figure import Figure

from ..atomic import replace_atomically
from ..errors import ConfigError

# Class k is always drawn in CLASS_COLOURS[k], in every panel and figure.
CLASS_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def class_colours(labels):
    """The colour of each label's class."""
    return [CLASS_COLOURS[int(k) % len(CLASS_COLOURS)] for k in labels]


def class_legend(ax, classes):
    """A legend naming each class in its colour."""
    for k in classes:
        ax.scatter([], [], c=CLASS_COLOURS[k % len(CLASS_COLOURS)], label=f"class {k}")
    ax.legend(loc="best", fontsize=8, framealpha=0.8)


def figure(nrows=1, ncols=1, figsize=None, ax=None, **subplots):
    """A new figure and its axes, like ``pyplot.subplots`` but outside pyplot's global state.

    Given ``ax`` (the caller's own Axes, e.g. in a notebook: one, or a sequence of
    nrows * ncols for a figure of several panels), draws there instead: returns the
    figure those axes belong to and the axes, shaped as ``subplots`` would shape them.
    """
    if ax is None:
        fig = Figure(figsize=figsize)
        return fig, fig.subplots(nrows, ncols, **subplots)
    axes = np.empty(np.size(np.asarray(ax, dtype=object)), dtype=object)
    axes[:] = list(np.asarray(ax, dtype=object).flat)
    if axes.size != nrows * ncols:
        raise ConfigError(f"this figure draws {nrows * ncols} panel(s) ({nrows} x {ncols}); pass ax= as that many "
                          f"Axes, got {axes.size}")
    if not subplots.get("squeeze", True):
        return axes[0].figure, axes.reshape(nrows, ncols)
    if axes.size == 1:
        return axes[0].figure, axes[0]
    return axes[0].figure, axes if 1 in (nrows, ncols) else axes.reshape(nrows, ncols)


def save(fig, path, dpi=110, tight_layout=True, **savefig):
    """Lay the figure out and write it to ``path`` (the format follows the extension); returns the figure.

    With ``path`` None nothing is written: the caller keeps the figure (to show it in a notebook).
    """
    if path is None:
        return fig
    if tight_layout:
        fig.tight_layout()
    fmt = os.path.splitext(path)[1][1:] or "png"
    replace_atomically(path, lambda f: fig.savefig(f, format=fmt, dpi=dpi, **savefig), binary=True)
    return fig
