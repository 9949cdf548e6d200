"""Pictures of a network on 2-D inputs: the diagram and every neuron's output map (the gradient norms: gradients).

Only arrays come in: each layer's weights and each neuron's output over a grid
of the input square (``outputs`` computes them from a model).
"""

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.patches import Circle

# the gradient norms are drawn beside the network: importable from here, as they always were
from .gradients import gradient_norms, gradient_norms_grid, gradients_worth_drawing  # noqa: F401
from .style import figure, own_layout, save, set_suptitle

MAX_UNITS = 12  # neurons drawn per layer; wider layers show their first ones and say how many more
_SIGN = {True: "#ff7f0e", False: "#7b4ea3"}  # positive weights orange, negative purple
# low blue, high red: as the decision boundary draws P(class 1) (class 0 blue, class 1 red)
_MAP = LinearSegmentedColormap.from_list("neuron", ["#1f77b4", "#ffffff", "#d62728"])


def _norm(values, scale=None):
    """Colour limits of maps: symmetric about 0 if they change sign, else their range. Maps that do not
    change (a saturated or dead neuron) have no range: they get ``scale``, their layer's fixed one (see
    ``_layer_scale``), so that a neuron pinned at 0 and one pinned at 1 are drawn blue and red, as a
    neuron that spans 0 to 1 is drawn at its ends."""
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    scale = scale or _layer_scale(values)
    if _constant(lo, hi, scale):
        return scale
    if lo < 0 < hi:
        m = max(-lo, hi)
        return -m, m
    return lo, hi


CONSTANT = 1e-6  # outputs spanning less than this part of their layer's scale are one colour: constant


def _constant(lo, hi, scale):
    """Whether values from ``lo`` to ``hi`` are one value on the colour ``scale``."""
    return hi - lo <= CONSTANT * (scale[1] - scale[0])


def _layer_scale(values):
    """The fixed colour scale of a layer's outputs, from their values: 0 to 1 if they lie within it
    (sigmoid, softmax, probabilities, a ReLU below 1), else -1 to 1 (tanh), else 0 to their largest if
    none is negative (ReLU), else symmetric about 0."""
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    if 0 <= lo and hi <= 1:
        return 0.0, 1.0
    if -1 <= lo and hi <= 1:
        return -1.0, 1.0
    if lo >= 0:
        return 0.0, hi
    m = max(-lo, abs(hi))
    return -m, m


def _constant_value(values, scale):
    """The one value of a neuron's map that does not change, else None."""
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    return (lo + hi) / 2 if _constant(lo, hi, scale) else None


def network_diagram(weights, maps, extent, path=None, title="", layer_names=None, ax=None, biases=None):
    """Inputs, hidden neurons and outputs as circles, each filled with its output map; weights as lines.

    ``weights``: the (out, in) weight matrix of each layer; ``maps``: for the inputs and each
    layer, an array (units, R, R) of every unit's output over the grid spanning ``extent``
    (x0, x1, y0, y1). A line's width follows |w| (relative to the largest), its colour the sign.
    ``biases``: each layer's bias vector (or None for a layer without), written beside its units.
    Units are numbered from 0 in each layer and layer k's values are a_k, W_k and b_k, as the trace
    numbers them: entry i,j of W_k joins unit j of a_(k-1) to unit i of a_k.
    """
    n_cols, gap, radius = len(maps), 2.6, 0.4
    shown = [min(m.shape[0], MAX_UNITS) for m in maps]
    height = max(shown)
    fig, ax = figure(figsize=(0.8 * (gap * (n_cols - 1) + 1.8), 0.8 * (height + 2.4)), ax=ax, layout="panels")
    if own_layout(fig):
        own_layout(fig).set(left=0.05, right=0.05, bottom=0.05)
    ys = [np.arange(k)[::-1] + (height - k) / 2 for k in shown]
    largest = max(float(np.abs(w).max()) for w in weights) or 1.0
    for col, w in enumerate(weights):
        # one collection per layer: hundreds of separate lines cost a separate draw each
        pairs = [(j, i) for j in range(shown[col + 1]) for i in range(shown[col])]
        ax.add_collection(LineCollection(
            [[(gap * col, ys[col][i]), (gap * (col + 1), ys[col + 1][j])] for j, i in pairs],
            colors=[_SIGN[bool(w[j, i] >= 0)] for j, i in pairs],
            linewidths=[0.3 + 4.0 * abs(w[j, i]) / largest for j, i in pairs], alpha=0.7, zorder=1))
        ax.text(gap * (col + 0.5), height - 0.35, f"W{col + 1}" + (f", b{col + 1}" if _has(biases, col) else ""),
                ha="center", va="bottom", fontsize=8, color="#444444")
    names = layer_names or (["inputs"] + [f"layer {k}" for k in range(1, n_cols - 1)] + ["output"])
    constants = 0  # neurons whose output is one value everywhere
    for col, m in enumerate(maps):
        scale = _layer_scale(m)
        for i in range(shown[col]):
            lo, hi = _norm(m[i], scale)  # each neuron on its own scale: the shape of what it computes
            x, y = gap * col, ys[col][i]
            # the map drawn into the diagram's own axes, clipped to the circle: no axes per neuron
            image = ax.imshow(m[i], origin="lower", extent=(x - radius, x + radius, y - radius, y + radius),
                              cmap=_MAP, vmin=lo, vmax=hi, zorder=3, interpolation="bilinear")
            circle = Circle((x, y), radius, facecolor="none", edgecolor="black", lw=1, zorder=4)
            ax.add_patch(circle)
            image.set_clip_path(circle)
            value = _constant_value(m[i], scale)
            if value is not None:  # no shape to show: its value, which its colour gives on the fixed scale
                constants += 1  # rounded as a reader reads a colour: 1e-236 is 0 (+ 0.0: no "-0")
                ax.text(x, y, f"{round(value, 2) + 0.0:.3g}", ha="center", va="center", fontsize=7, zorder=5,
                        bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 0.5})
            ax.text(x - radius * 0.78, y + radius * 0.78, str(i), ha="center", va="center", fontsize=7, zorder=5,
                    bbox={"boxstyle": "circle,pad=0.15", "facecolor": "white", "edgecolor": "0.4", "lw": 0.5})
            if col and _has(biases, col - 1):
                ax.text(x + radius * 0.2, y - radius - 0.04, f"b {float(biases[col - 1][i]):+.2f}", ha="left",
                        va="top", fontsize=6.5, zorder=5, bbox={"facecolor": "white", "alpha": 0.8,
                                                                "edgecolor": "none", "pad": 0.5})
        label = f"{names[col]}\na{col}, units 0-{m.shape[0] - 1}" if m.shape[0] > 1 else f"{names[col]}\na{col}, unit 0"
        label += f"\n(first {shown[col]} of {m.shape[0]})" if m.shape[0] > shown[col] else ""
        ax.text(gap * col, -0.75, label, ha="center", va="top", fontsize=9)
    ax.set_xlim(-0.9, gap * (n_cols - 1) + 0.9)
    ax.set_ylim(-2.4, height + 0.1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.text(gap * (n_cols - 1) / 2, -2.35, "neuron colour: its output over the input square, blue low, red high\n"
            "(each neuron on its own colour scale; the neuron maps give the values)\n"
            + ("a constant neuron: its value, written in it, on a fixed scale (0 blue, 1 red for outputs in 0-1)\n" if constants
               else "") +
            "number: the unit, counted from 0 in each layer as in the trace" + ("; b: its bias" if biases else ""),
            ha="center", va="bottom",
            fontsize=8, color="#444444")
    ax.plot([], [], color=_SIGN[True], lw=2, label="weight > 0")
    ax.plot([], [], color=_SIGN[False], lw=2, label="weight < 0")
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9, title="line width: |weight|", title_fontsize=8)
    ax.set_title(title or "The network: each neuron's output over the input square", fontsize=10, y=1.0)
    return save(fig, path)


def _has(biases, k):
    """Whether layer ``k`` has biases to write."""
    return biases is not None and k < len(biases) and biases[k] is not None


CELL = 1.4  # inches one neuron's map takes in the neuron maps


def neuron_maps(maps, extent, path=None, title="", layer_names=None, X=None, ax=None):
    """Every hidden neuron's output over the input square: one row per layer, one colour bar per row.

    ``maps`` is one array (units, R, R) per hidden layer; ``X``, if given, is drawn as dots. All maps
    are drawn into one Axes, each at its own square (an Axes per neuron costs more than its map); the
    caller's ``ax`` is one Axes.
    """
    cols = min(max(m.shape[0] for m in maps), MAX_UNITS)
    rows = len(maps)
    gap, row_gap = 0.1, 0.3  # between squares, in squares: a row's gap holds its "unit c" labels
    bar_x = cols + (cols - 1) * gap + 0.08  # each row's colour bar, right of its last square
    width, height = bar_x + 0.1, rows * (1 + row_gap)
    fig, ax = figure(figsize=(CELL * width + 1.1, CELL * height + 0.55), ax=ax, layout="panels")
    if own_layout(fig):
        own_layout(fig).set(left=0.35, right=0.6, bottom=0.1, top=0.1)
    names = layer_names or [f"layer {k}" for k in range(1, rows + 1)]
    more = f" (the first {cols} units of each layer)" if max(m.shape[0] for m in maps) > cols else ""
    set_suptitle(fig, (title or "Each hidden neuron's output over the input square") + more, fontsize=10)
    corners = []  # the lower left corner of every square drawn
    for r, m in enumerate(maps):
        lo, hi = _norm(m[:cols])
        y0 = (rows - 1 - r) * (1 + row_gap)
        for c in range(min(cols, m.shape[0])):
            x0 = c * (1 + gap)
            corners.append((x0, y0))
            image = ax.imshow(m[c], origin="lower", extent=(x0, x0 + 1, y0, y0 + 1), cmap=_MAP, vmin=lo, vmax=hi)
            ax.text(x0 + 0.5, y0 + 1.05, f"unit {c}", ha="center", va="bottom", fontsize=8)
        ax.text(-0.08, y0 + 0.5, names[r], rotation=90, ha="right", va="center", fontsize=8)
        fig.colorbar(image, cax=ax.inset_axes([bar_x, y0, 0.1, 1], transform=ax.transData))
    frames = [[(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1), (x, y)] for x, y in corners]
    ax.add_collection(LineCollection(frames, colors="black", linewidths=0.8, zorder=3))
    if X is not None:  # every map's dots as one collection: the points scaled into each square
        unit = (np.asarray(X[:, :2], dtype=float) - (extent[0], extent[2])) / (extent[1] - extent[0],
                                                                              extent[3] - extent[2])
        dots = np.concatenate([unit + corner for corner in corners])
        ax.scatter(dots[:, 0], dots[:, 1], s=1, c="black", alpha=0.25, linewidths=0, zorder=2)
    ax.set_xlim(-0.12, width)
    ax.set_ylim(0, height - 0.1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return save(fig, path, dpi=110)
