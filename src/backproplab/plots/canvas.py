"""Panels of a grid drawn into one Axes: each panel a framed box with its own ticks, labels and grid lines.

An Axes per panel costs more to draw than the panel's lines: every Axes builds its tick objects, and a
log scale its locators and formatters, at each draw. Here a grid of panels is one Axes (the canvas),
measured in inches, and a panel maps its data into its box by plain arithmetic: a log axis is the
log10 of the values on a linear one, with the decades labelled by hand (10⁻³, as matplotlib writes them).
The tick marks and grid lines of every panel are one collection each.
"""

import math

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from .style import own_layout

TICK = 3.5 / 72  # inches of a tick mark, as matplotlib draws them
PAD = 3.5 / 72  # inches between a tick mark and its label
GRID = {"colors": "#b0b0b0", "linewidths": 0.8, "alpha": 0.3}  # matplotlib's grid lines at alpha 0.3
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
PANEL_TITLE = "panel title"  # the gid of each panel's title among the canvas's texts
DECADE_ROOM = 0.3  # inches of axis per decade label at least: a wider span labels every 2nd (3rd ...) decade


def power_label(value):
    """'10⁻³' for 0.001, '2×10⁻³' for 0.002: a value of a log axis in plain text with superscripts."""
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = round(value / 10.0 ** exponent)
    power = "10" + str(exponent).translate(SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa}×{power}"


def log_ticks(low, high, most=6):
    """(labelled, unlabelled) tick values of a log axis from 10**low to 10**high (``low``, ``high`` in
    decades): the decades (every k-th where there are more than ``most``, at multiples of k), with more
    where fewer than two decades fall inside; unlabelled marks at 2 .. 9 of each decade on a short axis,
    at 2 and 5 on a longer one."""
    decades = list(range(math.ceil(low - 1e-9), math.floor(high + 1e-9) + 1))
    step = max(1, math.ceil(len(decades) / most))
    minor_subs = range(2, 10) if high - low <= 1.5 else (2, 5)
    inside = [m * 10.0 ** k for k in range(math.floor(low), math.ceil(high) + 1) for m in minor_subs
              if low <= math.log10(m) + k <= high]
    labelled = [10.0 ** k for k in decades if k % step == 0]  # 10⁰ among them, as matplotlib labels
    if len(decades) < 2:  # 2× and 5× labelled too, or every mark where even these are fewer than two
        extra = [v for v in inside if round(v / 10.0 ** math.floor(math.log10(v))) in (2, 5)]
        labelled = sorted(labelled + (extra if len(decades) + len(extra) >= 2 else inside))
    unlabelled = [v for v in inside if v not in labelled] if step == 1 else []
    return labelled, unlabelled


def log_range(values):
    """(low, high) in decades of a log axis showing every positive finite one of ``values``, with
    matplotlib's margin of 5% of the span on each side; one decade around 1 without any such value."""
    values = np.asarray(values, dtype=float)
    logs = np.log10(values[np.isfinite(values) & (values > 0)])
    if not logs.size:
        return -0.5, 0.5
    low, high = float(logs.min()), float(logs.max())
    if high - low < 1e-9:
        return low - 0.5, high + 0.5
    margin = 0.05 * (high - low)
    return low - margin, high + margin


def epoch_ticks(first, last):
    """(x limits, ticks) of an epoch axis from epoch ``first`` to ``last``: each epoch marked when there
    are at most 10 (limits half an epoch beyond), else round whole numbers and a margin of 5% each side."""
    if last <= 10:
        return (0.5, last + 0.5), list(range(1, int(last) + 1))
    pad = 0.05 * (last - first)
    low, high = first - pad, last + pad
    ticks = MaxNLocator(nbins=5, integer=True, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    return (low, high), [t for t in ticks if low <= t <= high]


class Panel:
    """A box of ``size`` (width, height) inches at ``corner`` (lower left) of the canvas ``ax``, showing
    x from ``xlim`` and y from ``ylim`` (decades on a log axis): ``place`` maps data into the box."""

    def __init__(self, canvas, corner, size, xlim, ylim):
        self.canvas, self.ax = canvas, canvas.ax
        (self.x0, self.y0), (self.width, self.height) = corner, size
        self.xlim, self.ylim = xlim, ylim

    def place(self, x, y):
        """Canvas coordinates of the data points (x, y); y already in decades on a log axis."""
        (x_low, x_high), (y_low, y_high) = self.xlim, self.ylim
        return (self.x0 + (np.asarray(x, dtype=float) - x_low) / (x_high - x_low) * self.width,
                self.y0 + (np.asarray(y, dtype=float) - y_low) / (y_high - y_low) * self.height)

    def xticks(self, ticks, labels=True, fontsize=10):
        """Marks and grid lines at the x values ``ticks``, labelled where ``labels`` (the lowest row)."""
        x, _ = self.place(ticks, np.zeros(len(ticks)))
        for at, value in zip(x, ticks):
            self.canvas.marks.append([(at, self.y0), (at, self.y0 - TICK)])
            self.canvas.grid.append([(at, self.y0), (at, self.y0 + self.height)])
            if labels:
                self.canvas.text(at, self.y0, f"{value:g}", (0, -TICK - PAD), ha="center", va="top",
                                 fontsize=fontsize)

    def log_yticks(self, labels=True, fontsize=10, minor_grid=True):
        """The log axis's ticks and grid lines (at the unlabelled marks too where ``minor_grid``); its labels
        only where ``labels`` (the first column). On an axis of fewer than two decades the labels are
        plain numbers ("0.6"), as matplotlib labels a short log axis, else powers of ten ("10⁻³")."""
        labelled, unlabelled = log_ticks(*self.ylim, most=max(2, int(self.height / DECADE_ROOM)))
        plain = sum(abs(math.log10(v) - round(math.log10(v))) < 1e-9 for v in labelled) < 2
        for value in labelled + unlabelled:
            _, at = self.place([0.0], [math.log10(value)])
            at = float(at[0])
            length = TICK if value in labelled else TICK * 4 / 7  # minor marks as matplotlib draws them
            self.canvas.marks.append([(self.x0, at), (self.x0 - length, at)])
            if minor_grid or value in labelled:
                self.canvas.grid.append([(self.x0, at), (self.x0 + self.width, at)])
            if labels and value in labelled:
                self.canvas.text(self.x0, at, f"{value:g}" if plain else power_label(value), (-TICK - PAD, 0),
                                 ha="right", va="center", fontsize=fontsize)

    def labels(self, title=None, xlabel=None, ylabel=None, title_size=9, label_size=10, below=0.24, left=0.5,
               ylabel_size=None):
        """The panel's title above its box, ``xlabel`` ``below`` inches under it, ``ylabel`` ``left`` of it."""
        middle_x, middle_y = self.x0 + self.width / 2, self.y0 + self.height / 2
        if title:
            self.canvas.text(middle_x, self.y0 + self.height, title, (0, 0.06), ha="center", va="bottom",
                             fontsize=title_size, gid=PANEL_TITLE)
        if xlabel:
            self.canvas.text(middle_x, self.y0, xlabel, (0, -below), ha="center", va="top", fontsize=label_size)
        if ylabel:
            self.canvas.text(self.x0, middle_y, ylabel, (-left, 0), ha="right", va="center", rotation=90,
                             fontsize=ylabel_size or label_size)


class Canvas:
    """One Axes holding panels, in inches: ``extent`` (x0, x1, y0, y1) is what it shows. ``finish`` draws
    every panel's frame, tick marks and grid lines, and sizes a figure of its own to show the canvas at
    one inch per unit."""

    def __init__(self, ax, extent):
        self.ax, self.extent = ax, extent
        self.frames, self.marks, self.grid = [], [], []
        self._shifts = {}  # one transform per offset: building one per text costs as much as drawing it

    def panel(self, corner, size, xlim, ylim):
        x0, y0 = corner
        self.frames.append([(x0, y0), (x0 + size[0], y0), (x0 + size[0], y0 + size[1]), (x0, y0 + size[1]),
                            (x0, y0)])
        return Panel(self, corner, size, xlim, ylim)

    def text(self, x, y, text, offset=(0, 0), **options):
        """``text`` at canvas point (x, y), moved by ``offset`` inches: the same room at any scale."""
        if offset not in self._shifts:
            shift = ScaledTranslation(*offset, self.ax.figure.dpi_scale_trans)
            self._shifts[offset] = self.ax.transData + shift
        return self.ax.text(x, y, text, transform=self._shifts[offset], **options)

    def finish(self):
        ax = self.ax
        ax.add_collection(LineCollection(self.grid, zorder=0.5, **GRID))
        ax.add_collection(LineCollection(self.frames, colors="black", linewidths=0.8, zorder=3))
        ax.add_collection(LineCollection(self.marks, colors="black", linewidths=0.8, zorder=3))
        x0, x1, y0, y1 = self.extent
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal")
        ax.set_xticks([])  # the panels carry their own frames and ticks
        ax.set_yticks([])
        ax.spines[:].set_visible(False)
        fig = ax.figure
        if own_layout(fig):
            top, bottom = own_layout(fig).room(fig)
            fig.set_size_inches(fig.get_figwidth(), (y1 - y0) + top + bottom)
