"""Figures of 2-D points: ground truth beside prediction, and decision boundaries."""

import numpy as np
from contourpy import contour_generator
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, ListedColormap
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Affine2D

from .style import (
    CLASS_COLOURS, MISTAKE_COLOUR, class_colours, colour_bar, figure, legend_outside, own_layout, save, set_suptitle,
)


# The line a generated data set's labels change on, where there is one: (its equation, two of its points).
# The linear set is labelled 0 where x1 > x2, else 1. XOR's two diagonals cross and no one line parts them.
TRUE_BOUNDARIES = {"linear": ("x2 = x1", ((0.0, 0.0), (1.0, 1.0)))}


def true_boundary(dataset):
    """The true boundary of the data set named ``dataset`` as (equation, (point, point)), else None."""
    return TRUE_BOUNDARIES.get(dataset)

TRUE_LINE = {"color": "0.3", "linestyle": "--", "linewidth": 1.2, "zorder": 0.5}


def comparison(X, y_true, y_pred, path=None, title="", ax=None, dataset=None):
    """The lab's two panels: ground truth beside prediction, same class colours.

    Each misclassified point is ringed in both panels, and the title and legend say how many there are.
    ``dataset``: the name of the generated set the points come from; where its labels follow one line
    (see TRUE_BOUNDARIES), that line is drawn dashed in both panels.
    """
    fig, axes = figure(1, 2, figsize=(10, 5.2), sharex=True, sharey=True, ax=ax, layout="panels")
    classes = sorted(set(np.unique(y_true)) | set(np.unique(y_pred)))
    wrong = y_true != y_pred
    n_wrong = int(np.count_nonzero(wrong))
    for ax, labels, name in ((axes[0], y_true, "Ground truth"), (axes[1], y_pred, "Prediction")):
        ax.scatter(X[:, 0], X[:, 1], c=class_colours(labels), s=28, edgecolors="white", linewidths=0.5)
        ax.scatter(X[wrong, 0], X[wrong, 1], s=150, facecolors="none", edgecolors=MISTAKE_COLOUR, linewidths=1.6)
        ax.set_title(name, y=1.0)
        ax.set_xlabel("x1")
        ax.set_aspect("equal", adjustable="box")
    axes[0].set_ylabel("x2")
    handles = [Line2D([], [], ls="", marker="o", color=CLASS_COLOURS[k % len(CLASS_COLOURS)]) for k in classes]
    handles.append(Line2D([], [], ls="", marker="o", markersize=12, markerfacecolor="none",
                          markeredgecolor=MISTAKE_COLOUR, markeredgewidth=1.6))
    labels = [f"class {k}" for k in classes] + [f"misclassified ({n_wrong})"]
    known = true_boundary(dataset)
    if known:
        equation, (start, end) = known
        for ax in axes:
            ax.plot([start[0], end[0]], [start[1], end[1]], **TRUE_LINE)
        handles.append(Line2D([], [], **TRUE_LINE))
        labels.append(f"true boundary: {equation}")
    legend_outside(fig, axes, handles, labels, ncol=len(labels))
    set_suptitle(fig, f"{title}  ({n_wrong} of {len(y_true)} misclassified, ringed)".strip(), fontsize=12)
    return save(fig, path)


def decision_boundary(predict_proba, X, y, path=None, title="", resolution=200, ax=None):
    """The network's output over the input square, with the points on top.

    ``predict_proba(grid)`` returns P(class 1) of shape (M,) for two classes,
    or class probabilities (M, C) for more, where the most likely class is shown.
    """
    fig, ax = figure(figsize=(5.6, 5.4), ax=ax, layout="panels")
    image = draw_boundary(ax, predict_proba, X, y, resolution)
    boundary_key(fig, [ax], image, np.unique(y))
    ax.set_title(title or "Decision boundary", y=1.0)
    return save(fig, path)


def boundary_key(fig, axes, image, classes):
    """One key for decision-boundary panels: a colour bar of P(class 1) beside them (two classes, where
    ``image`` is a panel's shading) and, below them, a legend of the class markers and the boundary line
    (where a panel of ``axes`` draws one).

    Without ``image`` (more than two classes) the shading is the most likely class, as the legend says.
    """
    if image is not None:
        bar = colour_bar(fig, axes, image, label="P(class 1)", ticks=np.linspace(0, 1, 5))
        bar.ax.axhline(0.5, color="black", linewidth=1)  # the level the panels' black line is drawn at
    handles = [Line2D([], [], ls="", marker="o", markerfacecolor=CLASS_COLOURS[int(k) % len(CLASS_COLOURS)],
                      markeredgecolor="black", markeredgewidth=0.5) for k in classes]
    labels = [f"class {k}" for k in classes]
    title = None if image is not None else "shading: the most likely class"
    drawn = any(len(lines.get_segments()) for ax in axes for lines in ax.collections
                if lines.get_gid() == BOUNDARY_LINE["gid"])
    if image is not None and drawn:
        handles.append(Line2D([], [], color="black", linewidth=1))
        labels.append(BOUNDARY_LINE["gid"])
    elif image is not None:  # P(class 1) on one side of 0.5 all over: a network that answers one class
        title = "no boundary line: P(class 1) does not cross 0.5 in the square shown"
    return legend_outside(fig, axes, handles, labels, title=title)


def draw_boundary(ax, predict_proba, X, y, resolution=200, transform=None):
    """Draw one decision-boundary panel on ``ax``; returns the colour image for a colour bar (2 classes).

    ``predict_proba`` is as for ``decision_boundary``; the grid spans the unit
    square and every point of ``X``, which are drawn on top in their class colours.
    ``transform`` (data to display, e.g. ``place + ax.transData``) draws the panel elsewhere in ``ax``
    and leaves the axes' limits and labels alone.
    """
    lo, hi = boundary_extent(X)
    xs, ys, grid = _grid(lo, hi, resolution)
    with _one_blas_thread():
        proba = np.asarray(predict_proba(grid))
    placed = {} if transform is None else {"transform": transform}
    image = _shade(ax, proba, xs, ys, placed)
    ax.add_collection(LineCollection(_half_lines(proba, xs, ys), **BOUNDARY_LINE, **placed), autolim=not placed)
    ax.scatter(X[:, 0], X[:, 1], c=class_colours(y), **POINTS, **placed)
    if transform is None:
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
    return image


# where P(class 1) = 0.5; the gid finds the lines for the key, which names them only where some are drawn
BOUNDARY_LINE = {"colors": "black", "linewidths": 1, "zorder": 2, "gid": "boundary: P(class 1) = 0.5"}
POINTS = {"s": 18, "edgecolors": "black", "linewidths": 0.5, "zorder": 1}


def _one_blas_thread():
    """BLAS on one thread while a grid is predicted: its products are small, and on two busy cores a
    second thread only waits for the first (a 14,400 x 26 by 26 x 26 product took five times as long)."""
    from threadpoolctl import threadpool_limits  # a dependency, loaded by the figures that predict

    return threadpool_limits(limits=1, user_api="blas")


def _grid(lo, hi, resolution):
    """The x and y values of a ``resolution`` x ``resolution`` grid from ``lo`` to ``hi``, and its points (M, 2)."""
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def _shade(ax, proba, xs, ys, placed):
    """The grid's shading as one image (its pixels are the grid's cells, one artist): P(class 1) for two
    classes, returned for a colour bar, else the most likely class (returns None)."""
    shading = {"origin": "lower", "extent": (xs[0], xs[-1], ys[0], ys[-1]), "interpolation": "nearest", "zorder": 0,
               **placed}
    if proba.ndim == 1:
        cmap = LinearSegmentedColormap.from_list("classes", [CLASS_COLOURS[0], "white", CLASS_COLOURS[1]])
        return ax.imshow(proba.reshape(len(ys), len(xs)), cmap=cmap, vmin=0.0, vmax=1.0, alpha=0.8, **shading)
    n = proba.shape[1]
    cmap = ListedColormap([CLASS_COLOURS[k % len(CLASS_COLOURS)] for k in range(n)])
    ax.imshow(proba.argmax(axis=1).reshape(len(ys), len(xs)), cmap=cmap, vmin=-0.5, vmax=n - 0.5, alpha=0.35,
              **shading)
    return None


def _half_lines(proba, xs, ys):
    """The lines where P(class 1) = 0.5, each an (n, 2) array of points; none for more than two classes."""
    if proba.ndim != 1:
        return []
    return contour_generator(xs, ys, proba.reshape(len(ys), len(xs))).lines(0.5)


def boundary_extent(X):
    """(low, high) corners of what a boundary panel shows: the unit square and every point, with a margin."""
    return np.minimum(X.min(axis=0), 0.0) - 0.05, np.maximum(X.max(axis=0), 1.0) + 0.05


SQUARE = 2.55  # inches of one panel of boundaries_grid
GAPS = {True: (0.12, 0.16), False: (0.3, 0.36)}  # between squares, in squares, with shared tick labels or not


def boundaries_grid(panels, path=None, title="", ax=None):
    """Decision boundaries side by side: ``panels`` is a list of (label, predict_proba, X, y).

    Every panel is drawn into one Axes, in its own framed square with its ticks: an Axes per panel
    costs more to draw than the panel's picture. Panels of one extent (the unit square) label their
    ticks as shared axes do, on the lowest square of each column and the first of each row. The
    caller's ``ax`` is one Axes.
    """
    cols = min(4, len(panels))
    rows = -(-len(panels) // cols)
    extents = [boundary_extent(X) for *_, X, _ in panels]
    shared = all(np.array_equal(np.concatenate(e), np.concatenate(extents[0])) for e in extents)
    gap_x, gap_y = GAPS[shared]  # room for the tick labels, "x1", "x2" and titles
    left, bottom = -0.24, -0.2  # what the first column's "x2" and the last row's "x1" take
    width, height = cols + (cols - 1) * gap_x, rows + (rows - 1) * gap_y + 0.12
    fig, ax = figure(figsize=(SQUARE * (width - left) + 1.3, SQUARE * (height - bottom) + 1.0), ax=ax,
                     layout="panels")
    if own_layout(fig):
        own_layout(fig).set(left=0.1, right=0.2, bottom=0.1, top=0.1)
    grids = [_grid(lo, hi, 120) for lo, hi in extents]
    with _one_blas_thread():
        probas = [np.asarray(predict_proba(grid)) for (_, predict_proba, *_), (*_, grid) in zip(panels, grids)]
    images, frames, marks, lines, points, colours = [], [], [], [], [], []
    for k, ((label, _, X, y), (lo, hi), (xs, ys, _), proba) in enumerate(zip(panels, extents, grids, probas)):
        x0, y0 = (k % cols) * (1 + gap_x), (rows - 1 - k // cols) * (1 + gap_y)
        scale = 1.0 / max(hi - lo)  # the panel's data into its square, x and y alike
        place = Affine2D().translate(-lo[0], -lo[1]).scale(scale).translate(x0, y0)
        images.append(_shade(ax, proba, xs, ys, {"transform": place + ax.transData}))
        lines += [place.transform(line) for line in _half_lines(proba, xs, ys)]
        points.append(place.transform(np.asarray(X[:, :2], dtype=float)))
        colours += class_colours(y)
        frames.append([(x0, y0), (x0 + 1, y0), (x0 + 1, y0 + 1), (x0, y0 + 1), (x0, y0)])
        x_labels, y_labels = not shared or k + cols >= len(panels), not shared or k % cols == 0
        for value in _few_ticks(lo[0], hi[0]):
            at = x0 + (value - lo[0]) * scale
            marks.append([(at, y0), (at, y0 - 0.025)])
            if x_labels:
                ax.text(at, y0 - 0.04, f"{value:g}", ha="center", va="top", fontsize=9)
        for value in _few_ticks(lo[1], hi[1]):
            at = y0 + (value - lo[1]) * scale
            marks.append([(x0, at), (x0 - 0.025, at)])
            if y_labels:
                ax.text(x0 - 0.04, at, f"{value:g}", ha="right", va="center", fontsize=9)
        if x_labels:
            ax.text(x0 + 0.5, y0 - 0.11, "x1", ha="center", va="top", fontsize=10)
        if y_labels:
            ax.text(x0 - 0.13, y0 + 0.5, "x2", ha="right", va="center", rotation=90, fontsize=10)
        ax.text(x0 + 0.5, y0 + 1.02, label, ha="center", va="bottom", fontsize=9)
    ax.add_collection(LineCollection(lines, **BOUNDARY_LINE))
    points = np.concatenate(points)  # every panel's points as one collection
    ax.scatter(points[:, 0], points[:, 1], c=colours, **POINTS)
    ax.add_collection(LineCollection(frames, colors="black", linewidths=0.8, zorder=3))
    ax.add_collection(LineCollection(marks, colors="black", linewidths=0.8))
    ax.set_xlim(left, width)
    ax.set_ylim(bottom, height)
    ax.set_aspect("equal")
    ax.set_xticks([])  # a canvas for the squares, which carry their own frames and ticks
    ax.set_yticks([])
    ax.spines[:].set_visible(False)
    # every two-class panel shades P(class 1) on the same 0 to 1 levels, so one colour bar serves them all
    image = next((im for im in images if im is not None), None)
    classes = np.unique(np.concatenate([np.asarray(y) for *_, y in panels]))
    boundary_key(fig, [ax], image, classes)
    set_suptitle(fig, title, fontsize=10)
    return save(fig, path, dpi=100)


def _few_ticks(low, high):
    """Two or three round values inside [low, high]: enough ticks to read a small panel."""
    return [v for v in MaxNLocator(nbins=2, steps=[5, 10]).tick_values(low, high) if low <= v <= high]
