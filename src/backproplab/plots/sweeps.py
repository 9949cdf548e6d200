"""Figures of a sweep: the loss curves and the test accuracy of every setting over its seeds.

Both take panels: the settings drawn together (one data set, one value of every option but
the first) share a panel, and the first option's values are its lines or bars, each in the
same colour in every panel. Legends sit below the panels, off the data.
"""

import warnings

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .canvas import Canvas, epoch_ticks, log_range
from .style import LINE, figure, legend_outside, line_colours, own_layout, save, set_suptitle, short_series


def _grid(n, columns):
    """(rows, columns) of ``n`` panels: ``columns`` if given, else a row of up to three, four as 2 x 2."""
    cols = columns or (n if n <= 3 else 2 if n == 4 else 3)
    return -(-n // cols), cols


def _colours(panels):
    """One colour per label, the same in every panel, in the order labels first appear."""
    labels = list(dict.fromkeys(label for _, items, *_ in panels for label, *_ in items))
    return dict(zip(labels, line_colours(len(labels))))


def _hide_unused(axes, n):
    for ax in axes.ravel()[n:]:
        ax.set_axis_off()


CURVE_PANEL = (3.2, 2.8)  # inches of one panel of sweep_curves
CURVE_GAPS = {True: (0.9, 0.5), False: (0.9, 1.0)}  # between panels: with one epoch axis for all, or each its own


def sweep_curves(panels, path=None, title="", ax=None, columns=None, option=None):
    """Training loss against epoch, one colour per setting: the median over seeds and the min-max band.

    ``panels`` is a list of (panel title, [(label, [loss list of each seed], epochs), ...]), ``epochs``
    the epochs the losses are at (without it: 1, 2, ... every epoch); settings of
    different data sets, or of different values of a second option, go to different panels.
    ``option`` names what the labels are values of (the legend's title). A curve of a single
    epoch is drawn as a point with its range. Every panel is drawn into one Axes (see canvas), the
    losses as their log10 in it; the caller's ``ax`` is one Axes.
    """
    rows, cols = _grid(len(panels), columns)
    colours = _colours(panels)
    curves = [[_curve(label, loss, at) for label, loss, *at in groups] for _, groups in panels]
    epoch_axes = [epoch_ticks(1, max((int(c[1][-1]) for c in drawn if c), default=1)) for drawn in curves]
    shared = all(axis == epoch_axes[0] for axis in epoch_axes)
    (width, height), (gap_x, gap_y) = CURVE_PANEL, CURVE_GAPS[shared]
    extent = (-0.85, cols * width + (cols - 1) * gap_x + 0.2, -0.6, rows * height + (rows - 1) * gap_y + 0.3)
    fig, ax = figure(figsize=(max(6.4, extent[1] - extent[0] + 0.2), 3.2 * rows + 1.5), ax=ax, layout="panels")
    if own_layout(fig):
        own_layout(fig).set(left=0.1, right=0.1, bottom=0.1, top=0.1)
    canvas = Canvas(ax, extent)
    for k, ((panel_title, _), drawn, (xlim, xticks)) in enumerate(zip(panels, curves, epoch_axes)):
        # Each panel on its own loss scale: the chessboard's loss stays near ln 2 for long while XOR's falls
        # to 1e-4, and one shared axis would flatten the chessboard's curves into a single line.
        ylim = log_range([v for c in drawn if c for v in np.concatenate(c[2:])])
        corner = ((k % cols) * (width + gap_x), (rows - 1 - k // cols) * (height + gap_y))
        panel = canvas.panel(corner, (width, height), xlim, ylim)
        for label, epochs, median, low, high in filter(None, drawn):
            x, y = panel.place(epochs, _log(median))
            y_low, y_high = (panel.place(epochs, _log(v))[1] for v in (low, high))
            if len(epochs) == 1:  # a band of one epoch has no width: draw the point and its range
                ax.errorbar(x, y, yerr=[y - y_low, y_high - y], color=colours[label], capsize=3,
                            **short_series(1))
            else:
                ax.plot(x, y, color=colours[label], linewidth=1.5, **short_series(len(epochs)))
                ax.fill_between(x, y_low, y_high, color=colours[label], alpha=0.15)
        lowest = not shared or k + cols >= len(panels)  # no panel below it
        panel.xticks(xticks, labels=lowest)
        panel.log_yticks(minor_grid=False)
        panel.labels(title=panel_title, title_size=10, xlabel="epoch" if lowest else None, below=0.28,
                     ylabel="training loss" if k % cols == 0 else None, left=0.5)
    handles = [Line2D([], [], color=c, lw=2) for c in colours.values()]
    legend_outside(fig, [ax], handles, list(colours),
                   title=f"{option + ': ' if option else ''}median over seeds, band from lowest to highest")
    set_suptitle(fig, title)
    canvas.finish()
    return save(fig, path)


def _curve(label, losses, at):
    """(label, epochs, median, lowest, highest) of one setting's losses over seeds, None without any epoch."""
    length = min((len(c) for c in losses), default=0)
    if length == 0:
        return None
    data = np.array([[np.nan if v is None else v for v in c[:length]] for c in losses], dtype=float)
    epochs = np.asarray(at[0][:length]) if at else np.arange(1, length + 1)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN epochs of diverged runs
        return label, epochs, np.nanmedian(data, axis=0), np.nanmin(data, axis=0), np.nanmax(data, axis=0)


def _log(values):
    """log10 of each loss; NaN for a loss of 0 or one not finite, which a log scale has no place for."""
    shown = np.isfinite(values) & (values > 0)
    return np.where(shown, np.log10(np.where(shown, values, 1.0)), np.nan)


def sweep_accuracy(panels, path=None, title="", ax=None, columns=None, option=None):
    """Mean test accuracy of every setting, with the lowest and highest seed, and the chance level.

    ``panels`` is a list of (panel title, [(label, [test accuracy of each seed]), ...], chance), with
    accuracies as fractions; ``chance`` (or None) is the accuracy of always answering the most common
    class, drawn as a dashed line. The ticks end at 100%. ``option`` names what the labels are
    values of (the x axis's label).
    """
    rows, cols = _grid(len(panels), columns)
    widest = max(len(bars) for _, bars, _ in panels)
    fig, axes = figure(rows, cols, figsize=(max(6.4, cols * max(3.2, 0.8 * widest + 1.2)), 3.4 * rows + 1.4),
                       squeeze=False, ax=ax, layout="panels", sharey=True)
    if own_layout(fig):  # one accuracy axis, labelled on the left only: narrow gaps
        own_layout(fig).set(wspace=0.35)
    colours = _colours(panels)
    for ax, (panel_title, bars, chance) in zip(axes.ravel(), panels):
        values = [100 * np.asarray([v for v in seeds if v is not None], dtype=float) for _, seeds in bars]
        means = np.array([v.mean() if v.size else np.nan for v in values])
        low = np.array([v.min() if v.size else np.nan for v in values])
        high = np.array([v.max() if v.size else np.nan for v in values])
        positions = np.arange(len(bars))
        ax.bar(positions, means, color=[colours[label] for label, _ in bars], alpha=0.85)
        ax.errorbar(positions, means, yerr=[means - low, high - means], fmt="none", ecolor="black", capsize=4, lw=1)
        # Each bar gets about 0.8 inch, room for some 10 characters at 8 pt; longer labels are tilted.
        tilt = max(len(label) for label, _ in bars) > 10
        names = [f"{label} ({m:.1f}%)" if tilt else f"{label}\n{m:.1f}%" for (label, _), m in zip(bars, means)]
        ax.set_xticks(positions, names, rotation=30 if tilt else 0, ha="right" if tilt else "center", fontsize=8)
        if own_layout(fig):  # room under the panels for the labels: two lines, or tilted ones (sin 30 = 0.5)
            longest = max(len(name) for name in names)
            tick_height = 0.5 * longest * 8 * 0.6 / 72 + 0.15 if tilt else 2 * 8 * LINE
            own_layout(fig).set(bottom=max(own_layout(fig).margins["bottom"], tick_height + 0.45),
                                hspace=max(own_layout(fig).margins["hspace"], tick_height + 0.75))
        if chance is not None:
            ax.axhline(100 * chance, color="0.25", linestyle="--", linewidth=1)
            panel_title += f" (chance {100 * chance:.1f}%)"
        # A little room above 100% so that bars and whisker caps at 100% stand clear of the frame;
        # no tick above 100, where no accuracy can be.
        ax.set_ylim(0, 104)
        ax.set_yticks(range(0, 101, 20))
        ax.set_xlabel(option or "")
        ax.set_title(panel_title, fontsize=10, y=1.0)
        ax.grid(axis="y", alpha=0.3)
    for ax in axes[:, 0]:
        ax.set_ylabel("test accuracy (%)")
    _hide_unused(axes, len(panels))
    handles = [Patch(color="0.6"), Line2D([], [], color="black", marker="|", markersize=10, lw=0)]
    labels = ["mean over seeds", "lowest to highest seed"]
    if any(chance is not None for *_, chance in panels):
        handles.append(Line2D([], [], color="0.25", linestyle="--", lw=1))
        labels.append("chance: always the most common class")
    legend_outside(fig, axes, handles, labels, ncol=len(labels))
    set_suptitle(fig, title)
    return save(fig, path)
