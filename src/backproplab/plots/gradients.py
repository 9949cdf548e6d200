"""The norm of each layer's weight gradient per epoch, on a log scale: of one run, or of a sweep's runs side by side."""

import math

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.lines import Line2D

from .canvas import Canvas, epoch_ticks, log_range, power_label
from .free_spot import free_spot, note_size, traced
from .style import (
    FewMinorTicks, PowerLabels, epoch_axis, figure, legend_outside, own_layout, save, set_suptitle, short_series,
)


FLOOR_DECADES = 12  # decades a log axis of gradient norms shows below the largest: 1e-120 would squeeze the rest
NOTE = {"fontsize": 7, "color": "#444444", "bbox": {"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1}}


def draw_gradient_norms(ax, norms, legend=True, epochs=None):
    """One line per layer (first dark, last bright): its weight-gradient norm per epoch, log scale.

    ``epochs``: the epoch of each value (default 1, 2, 3 ...). Values more than FLOOR_DECADES decades below
    the largest are drawn at that floor, marked, and a note in the panel says so, as it says where a gradient
    is exactly 0; the note sits where it covers no curve.
    """
    names = list(norms)
    colours = _layer_colours(len(names))
    arrays = {name: np.asarray(norms[name], dtype=float) for name in names}
    floor = _floor(arrays.values())
    zero, raised, x = {}, False, np.arange(1)  # each layer's epochs of a gradient exactly 0
    for k, (name, colour) in enumerate(zip(names, colours)):
        x = np.arange(1, len(arrays[name]) + 1) if epochs is None else np.asarray(epochs)
        values, zero[name], low = _floored(arrays[name], floor)
        where = " (first layer)" if k == 0 else " (output layer)" if k == len(names) - 1 else ""
        drawn = int(np.count_nonzero(np.isfinite(values)))
        ax.plot(x, values, color=colour, lw=1.2, label=name + where, **short_series(drawn))
        if low.any():  # unlabelled: the legend keeps to the layers
            ax.plot(x[low], values[low], ls="none", marker="v", ms=5, color=colour)
            raised = True
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(PowerLabels())
    ax.yaxis.set_minor_locator(FewMinorTicks())
    if not names or not len(x):
        ax.set_xlabel("epoch")
    else:
        epoch_axis(ax, int(x[-1]))
        if x[-1] > 10:  # the whole run, also where the lines stop (the axis would shrink to what is drawn)
            pad = 0.05 * (x[-1] - x[0])
            ax.set_xlim(x[0] - pad, x[-1] + pad)
        notes = [_zero_note(x, zero), raised and f"▼ a value below {power_label(floor)}, drawn at it\n"
                                                 f"(the axis keeps to {FLOOR_DECADES} decades below the largest)"]
        _note(ax, "\n".join(note for note in notes if note))
    ax.grid(alpha=0.3, which="both")
    if legend:
        ax.legend(fontsize=7, ncol=2 if len(names) > 5 else 1, loc="best", framealpha=0.8)


def _note(ax, note):
    """``note`` in the panel ``ax``, where it covers no curve (see free_spot)."""
    if not note:
        return
    ax.get_xlim(), ax.get_ylim()  # the limits the curves set, before they are read below
    fraction = ax.transData + ax.transAxes.inverted()
    points = [traced(*fraction.transform(line.get_xydata()).T) for line in ax.lines]
    box = ax.get_position()
    size = (box.width * ax.figure.get_figwidth(), box.height * ax.figure.get_figheight())
    x, y, ha, va = free_spot(np.concatenate(points), note_size(note, NOTE["fontsize"]), size)
    ax.text(x, y, note, transform=ax.transAxes, ha=ha, va=va, **NOTE)


def _floor(arrays):
    """The lowest value a log axis of ``arrays`` shows: FLOOR_DECADES decades below the decade of the largest
    (0 without a value above 0)."""
    tops = [float(np.max(v[np.isfinite(v) & (v > 0)])) for v in arrays if np.any(np.isfinite(v) & (v > 0))]
    return 10.0 ** (math.floor(math.log10(max(tops))) - FLOOR_DECADES) if tops else 0.0


def _floored(values, floor):
    """(values to draw, where they are exactly 0, where they were raised to ``floor``): 0 as NaN (a log scale
    has no 0), values in (0, floor) at ``floor``."""
    values = np.array(values, dtype=float)
    zero = values <= 0
    values[zero] = np.nan
    low = np.isfinite(values) & (values < floor)
    values[low] = floor
    return values, zero, low


def _zero_note(x, zero, short=False):
    """What to say of the gradients that are exactly 0 (``zero``: each layer's epochs of one), else None;
    ``short``: in a few words, for a small panel whose key explains "all exactly 0"."""
    layers = [name for name, z in zero.items() if z.any()]
    if not layers:
        return None
    every = np.all(list(zero.values()), axis=0)  # the epochs where no layer's gradient moves
    moving = np.flatnonzero(~every)
    start = int(moving[-1]) + 1 if moving.size else 0
    if start < len(every):  # saturated or dead: nothing moves from there on
        # a sweep keeps every k-th epoch: "after" the last one recorded non-zero is all it knows
        when = f"after epoch {x[start - 1]}" if start else "at every epoch"
        return f"all exactly 0\n{when}" if short else f"every layer's gradient is exactly 0\n{when} (a log scale has no 0)"
    if short:
        return f"{', '.join(layers)} exactly 0\nat some epochs"
    return f"the gradient of {', '.join(layers)} is\nexactly 0 at some epochs (a log scale has no 0)"


def _depth_cmap():
    return LinearSegmentedColormap.from_list("depth", ["#08306b", "#2ca02c", "#ffb000"])


def _layer_colours(n):
    """From dark (first layer) to bright (output layer); one layer alone is dark."""
    cmap = _depth_cmap()
    return [cmap(v) for v in np.linspace(0.0, 0.9, n)] if n > 1 else [cmap(0.0)]


MIN_GRADIENT_LAYERS = 3  # weight layers a gradients figure needs to show something


def gradients_worth_drawing(norms):
    """Whether a figure of the gradient norms ``norms`` (one entry per weight layer, besides an optional
    ``epoch``) teaches anything: only with at least MIN_GRADIENT_LAYERS weight layers. The gradient
    reaching W1 then has passed at least two activations on its way down, and whether it shrinks from
    layer to layer (vanishing gradients) can be seen; with one or two layers there is no such path."""
    return sum(1 for name in norms if name != "epoch") >= MIN_GRADIENT_LAYERS


def gradient_norms(norms, path=None, title="", ax=None):
    """The norm of each layer's weight gradient per epoch (log scale); W1 is the first layer."""
    fig, ax = figure(figsize=(7, 4.4), ax=ax, layout="panels")
    draw_gradient_norms(ax, norms)
    ax.set_ylabel("||dL/dW||  (RMS over the epoch's batches)")
    ax.set_title(title or "Weight-gradient norm of each layer", fontsize=10, y=1.0)
    return save(fig, path)


GRID_PANEL = (2.9, 1.9)  # inches of one panel of gradient_norms_grid
GRID_GAP_X = 0.3  # between columns, which share the y labels of the first
# between rows: a title, and each panel's epoch labels unless the panels share one epoch axis
GRID_GAP_Y = {True: 0.45, False: 0.85}


def gradient_norms_grid(panels, path=None, title="", columns=None, ax=None):
    """Gradient-norm panels side by side on one log scale: ``panels`` is a list of (label, norms), one per
    setting; ``norms`` may hold the ``epoch`` of each value (a sweep keeps every k-th epoch).

    Every panel is drawn into one Axes (see canvas), the norms as their log10 in it; the caller's ``ax``
    is one Axes. Panels of the same epochs label them under the lowest panel of each column only.
    """
    cols = columns or min(4, len(panels))
    rows = -(-len(panels) // cols)
    series = [_drawn_norms(norms) for _, norms in panels]
    epoch_axes = [epoch_ticks(epochs[0], epochs[-1]) if len(epochs) else ((0.5, 1.5), []) for epochs, _ in series]
    shared = all(axis == epoch_axes[0] for axis in epoch_axes)
    (width, height), gap_x, gap_y = GRID_PANEL, GRID_GAP_X, GRID_GAP_Y[shared]
    extent = (-0.75, cols * width + (cols - 1) * gap_x + 0.15, -0.55, rows * height + (rows - 1) * gap_y + 0.3)
    fig, ax = figure(figsize=(extent[1] - extent[0] + 0.2, 2.8 * rows + 0.5), ax=ax, layout="panels")
    if own_layout(fig):
        own_layout(fig).set(left=0.1, right=0.1, bottom=0.1, top=0.1)
    canvas = Canvas(ax, extent)
    floor = _floor([values for _, layers in series for values in layers.values()])
    ylim = log_range([max(v, floor) for _, layers in series for values in layers.values() for v in values if v > 0])
    said = set()  # the short notes written, which the key explains
    for k, ((label, _), (epochs, layers), (xlim, xticks)) in enumerate(zip(panels, series, epoch_axes)):
        corner = ((k % cols) * (width + gap_x), (rows - 1 - k // cols) * (height + gap_y))
        panel = canvas.panel(corner, (width, height), xlim, ylim)
        zero, raised, points = {}, False, []
        for (name, values), colour in zip(layers.items(), _layer_colours(len(layers))):
            values, zero[name], low = _floored(values, floor)
            x, y = panel.place(epochs, np.log10(values))
            ax.plot(x, y, color=colour, lw=1.2, **short_series(int(np.count_nonzero(np.isfinite(values)))))
            if low.any():
                ax.plot(x[low], y[low], ls="none", marker="v", ms=4, color=colour)
                raised = True
            points.append(traced((x - corner[0]) / width, (y - corner[1]) / height))
        lowest = not shared or k + cols >= len(panels)  # no panel below it
        panel.xticks(xticks, labels=lowest)
        panel.log_yticks(labels=k % cols == 0)
        panel.labels(title=label, xlabel="epoch" if lowest else None, below=0.28,
                     ylabel="||dL/dW||" if k % cols == 0 else None, left=0.5, ylabel_size=8)
        notes = [_zero_note(epochs, zero, short=True) if len(epochs) else None, raised and "▼ drawn at the floor"]
        note = "\n".join(n for n in notes if n)
        if note:
            said |= {"all" if note.startswith("all") else "some" if "some" in note else "", "▼" if raised else ""}
            fx, fy, ha, va = free_spot(np.concatenate(points), note_size(note, NOTE["fontsize"]), (width, height))
            canvas.text(corner[0] + fx * width, corner[1] + fy * height, note, ha=ha, va=va, **NOTE)
    keys = {"all": "all exactly 0: every layer's gradient is exactly 0, not drawn (a log scale has no 0)",
            "some": "exactly 0 at some epochs: not drawn there (a log scale has no 0)",
            "▼": f"▼: a value below {power_label(floor) if floor else 0}, drawn at it, "
                 f"{FLOOR_DECADES} decades under the largest"}
    cmap = _depth_cmap()
    handles = [Line2D([], [], color=cmap(v), lw=2) for v in (0.0, 0.45, 0.9)]
    legend_outside(fig, [ax], handles, ["first layer (W1)", "layers between", "output layer"],
                   title="\n".join(["line colour: a layer's depth"] + [keys[key] for key in keys if key in said]), ncol=3)
    set_suptitle(fig, title, fontsize=10)
    canvas.finish()
    return save(fig, path, dpi=100)


def _drawn_norms(norms):
    """(epochs, {layer: norms as floats}) of one panel: the ``epoch`` entry, else 1, 2, 3 ..."""
    norms = dict(norms)
    epochs = norms.pop("epoch", None)
    layers = {name: np.asarray(values, dtype=float) for name, values in norms.items()}
    longest = max((len(values) for values in layers.values()), default=0)
    return np.arange(1, longest + 1) if epochs is None else np.asarray(epochs), layers
