"""What every figure shares: the class colours, a new figure and saving it to a file.

Figures are ``matplotlib.figure.Figure`` objects drawn straight to files:
no pyplot, so no global figure list to close and no GUI backend to choose.
Importing this package leaves matplotlib's backend as the user set it.
"""

import math
import os
import re
import textwrap

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.layout_engine import LayoutEngine
from matplotlib.ticker import LogFormatter, LogFormatterSciNotation, LogLocator, MaxNLocator

from ..atomic import replace_atomically
from ..errors import ConfigError
from .notebook import drawn_as_png, shown_once

# Class k is always drawn in CLASS_COLOURS[k], in every panel and figure.
CLASS_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

MISTAKE_COLOUR = "black"  # the ring around a misclassified point: apart from every class colour


def class_colours(labels):
    """The colour of each label's class."""
    return [CLASS_COLOURS[int(k) % len(CLASS_COLOURS)] for k in labels]


def line_colours(n):
    """Colours for ``n`` lines told apart by colour alone: matplotlib's ten (C0 .. C9), or, for more,
    ``n`` steps along a dark-to-bright map, so that no two lines share a colour."""
    if n <= 10:
        return [f"C{k}" for k in range(n)]
    cmap = matplotlib.colormaps["viridis"]
    return [cmap(v) for v in np.linspace(0.0, 0.92, n)]


class PlainMinorLabels(LogFormatter):
    """Minor ticks of a log axis labelled where matplotlib would label them (a loss within about one
    decade), as plain numbers: "0.6" rather than "6 x 10^-1"."""

    def __call__(self, x, pos=None):
        return f"{x:g}" if super().__call__(x, pos) else ""


class PowerLabels(LogFormatterSciNotation):
    """Labels of a log axis as matplotlib writes them (10⁻³, 2×10⁻³), in plain text with superscript
    characters: the same look, without a mathtext parse for every label of every figure."""

    SUPERSCRIPT = str.maketrans("-−0123456789", "⁻⁻⁰¹²³⁴⁵⁶⁷⁸⁹")

    def __call__(self, x, pos=None):
        label = super().__call__(x, pos)
        math = re.fullmatch(r"\$\\mathdefault\{(.*)\}\$", label)
        if not math:
            return label
        body = math.group(1).replace(r"\times", "×")
        return re.sub(r"\^\{?([-−]?\d+)\}?", lambda power: power.group(1).translate(self.SUPERSCRIPT), body)


class FewMinorTicks(LogLocator):
    """Minor ticks of a log axis: at 2 .. 9 of each decade where the axis spans little more than one
    (there they carry the plain labels), at 2 and 5 only where it spans more: marks a reader cannot
    tell apart are artists to draw all the same."""

    def __init__(self):
        super().__init__(subs=np.arange(2.0, 10.0))

    def tick_values(self, vmin, vmax):
        span = abs(math.log10(vmax / vmin)) if vmin > 0 and vmax > 0 else 0.0
        self._subs = np.arange(2.0, 10.0) if span <= 1.5 else np.array([2.0, 5.0])
        return super().tick_values(vmin, vmax)


def short_series(n):
    """Line options that keep a series of ``n`` values visible: a marker when a line has too few points."""
    return {"marker": "o", "markersize": 4} if n < 3 else {}


def epoch_axis(ax, n):
    """An x axis of epochs 1 .. ``n``: whole numbers only, each one marked when there are few."""
    ax.set_xlabel("epoch")
    if 0 < n <= 10:
        ax.set_xticks(range(1, n + 1))
        ax.set_xlim(0.5, n + 0.5)
    else:
        # round steps (200, not 150), so that a run of 1,000 or 5,000 epochs ends on a tick
        # and as many ticks as the panel's width has room for
        ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", integer=True, steps=[1, 2, 2.5, 5, 10]))


def wrap_title(fig, text, fontsize):
    """``text`` broken into lines that fit the width of ``fig`` at ``fontsize`` points."""
    if not text:
        return text
    # An average character of the default sans-serif font is about 0.6 em wide; keep a margin.
    chars = max(20, int(0.92 * fig.get_figwidth() * 72 / (0.6 * fontsize)))
    return "\n".join(textwrap.fill(line, chars) for line in text.split("\n"))


def set_suptitle(fig, text, fontsize=11):
    """The figure's title, wrapped to its width (a long title is never cut off at the edges)."""
    if text:
        fig.suptitle(wrap_title(fig, text, fontsize), fontsize=fontsize)


LINE = 1.3 / 72  # inches a line of text takes per point of its size


class PanelsLayout(LayoutEngine):
    """The layout of a figure of its own: margins in inches, reckoned from what the figure holds (its
    title's lines, the rows of the legend below the panels, a colour bar on the right) when it is drawn.

    Nothing is measured, so a figure is drawn once: a measured layout (constrained, or a tight bounding
    box) lays out every text and tick of the figure again before drawing it. The margins leave room
    for tick labels of up to about six characters and one line of axis label on each side. Panel
    titles are set at a fixed height (``set_title(..., y=1.0)``) for the same reason: left to itself,
    matplotlib measures every tick label at each draw to lift a title above them.
    """

    _adjust_compatible = True
    _colorbar_gridspec = False

    def __init__(self, left=0.85, right=0.3, bottom=0.6, top=0.12, wspace=0.9, hspace=1.0):
        super().__init__()
        self.margins = {"left": left, "right": right, "bottom": bottom, "top": top, "wspace": wspace,
                        "hspace": hspace}
        self.colorbar = None  # the colour bar's axes, placed right of the panels

    def set(self, **margins):
        """Change margins (inches), e.g. ``bottom=1.2`` for tilted tick labels."""
        self.margins.update(margins)

    def room(self, fig):
        """(top, bottom): inches above the panels (margin, the title's lines, panel titles) and below them
        (margin, the legend's rows)."""
        m = self.margins
        top = m["top"]
        if fig.get_suptitle():
            top += (fig.get_suptitle().count("\n") + 1) * fig._suptitle.get_fontsize() * LINE + 0.08
        if any(ax.get_title() for ax in self._panels(fig)):
            top += 0.26
        bottom = m["bottom"]
        for legend in fig.legends:
            rows = -(-len(legend.get_texts()) // legend._ncols)
            bottom += rows * 0.22 + (0.2 if legend.get_title().get_text() else 0.0) + 0.12
        return top, bottom

    def _panels(self, fig):
        return [ax for ax in fig.axes if ax is not self.colorbar and ax.get_subplotspec() is not None]

    def execute(self, fig):
        m = self.margins
        width, height = fig.get_size_inches()
        top, bottom = self.room(fig)
        if fig.get_suptitle():
            fig._suptitle.set_y(1 - 0.1 / height)  # 0.1 inch from the top, as tall as the figure may be
        panels = self._panels(fig)
        right = m["right"] + (0.95 if self.colorbar is not None else 0.0)
        if not panels:
            return
        grid = panels[0].get_subplotspec().get_gridspec()
        rows, cols = grid.get_geometry()
        panel_width = (width - m["left"] - right - (cols - 1) * m["wspace"]) / cols
        panel_height = (height - top - bottom - (rows - 1) * m["hspace"]) / rows
        fig.subplots_adjust(left=m["left"] / width, right=1 - right / width, bottom=bottom / height,
                            top=1 - top / height, wspace=m["wspace"] / max(panel_width, 0.1),
                            hspace=m["hspace"] / max(panel_height, 0.1))
        if self.colorbar is not None:  # as tall as the panels are drawn (a square panel may be less than its slot)
            for ax in panels:
                ax.apply_aspect()
            boxes = [ax.get_position(original=False) for ax in panels if ax.axison]
            low, high = min(b.y0 for b in boxes), max(b.y1 for b in boxes)
            self.colorbar.set_position([max(b.x1 for b in boxes) + 0.2 / width, low, 0.14 / width, high - low])


def own_layout(fig):
    """The PanelsLayout of a figure of its own, else None (the caller's figure keeps its own layout)."""
    engine = fig.get_layout_engine()
    return engine if isinstance(engine, PanelsLayout) else None


def colour_bar(fig, axes, image, **options):
    """A colour bar of ``image`` for the panels ``axes``: right of them in a figure of its own."""
    engine = own_layout(fig)
    if engine is None:
        return fig.colorbar(image, ax=list(axes), fraction=0.04, aspect=30, pad=0.02, **options)
    engine.colorbar = fig.add_axes([0.9, 0.1, 0.02, 0.8], label="<colorbar>")
    return fig.colorbar(image, cax=engine.colorbar, **options)


def legend_outside(fig, axes, handles, labels, title=None, ncol=None):
    """One legend for every panel, below them, off the data.

    In a figure of its own (PanelsLayout) the legend gets room under the panels;
    drawn into the caller's axes, it goes on the first of them.
    """
    if ncol is None:  # rows of at most six, as even as can be
        rows = -(-len(labels) // 6)
        ncol = -(-len(labels) // rows)
    if own_layout(fig):
        return fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.01), ncol=ncol, fontsize=8,
                          title=title, title_fontsize=8, frameon=False)
    return np.asarray(axes, dtype=object).flat[0].legend(handles, labels, fontsize=8, title=title, title_fontsize=8,
                                                           loc="best", framealpha=0.8)


def title_of(fig):
    """The figure's title: its suptitle, else the first panel's title (one line)."""
    text = fig.get_suptitle() or next((ax.get_title() for ax in fig.axes if ax.get_title()), "")
    return " ".join(text.split())


def figure(nrows=1, ncols=1, figsize=None, ax=None, layout=None, **subplots):
    """A new figure and its axes, like ``pyplot.subplots`` but outside pyplot's global state.

    Given ``ax`` (the caller's own Axes, e.g. in a notebook: one, or a sequence of
    nrows * ncols for a figure of several panels), draws there instead: returns the
    figure those axes belong to and the axes, shaped as ``subplots`` would shape them.
    ``layout`` ("panels", see PanelsLayout, or a matplotlib layout) is that of a new figure; the
    caller's figure keeps its own.
    """
    if ax is None:
        fig = drawn_as_png(Figure(figsize=figsize, layout=PanelsLayout() if layout == "panels" else layout))
        return fig, fig.subplots(nrows, ncols, **subplots)
    axes = np.empty(np.size(np.asarray(ax, dtype=object)), dtype=object)
    axes[:] = list(np.asarray(ax, dtype=object).flat)
    shown_once(axes[0].figure)  # the caller's figure, perhaps pyplot's: drawn once in a notebook
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
    A PNG carries the figure's title as its ``Title`` text, so a report can tell it from a caption.
    A figure with a layout engine of its own (PanelsLayout) is laid out by it, not by ``tight_layout``.
    """
    if path is None:
        return fig
    if own_layout(fig):  # laid out here, once: savefig draws a figure with a layout engine twice
        own_layout(fig).execute(fig)
        fig.set_layout_engine(None)
    elif tight_layout and fig.get_layout_engine() is None:
        fig.tight_layout()
    fmt = os.path.splitext(path)[1][1:] or "png"
    if fmt == "png":
        savefig.setdefault("metadata", {"Title": title_of(fig)})
    if fmt == "png":  # a quick compression: the files are drawn often and read locally
        savefig.setdefault("pil_kwargs", {"compress_level": 1})
    replace_atomically(path, lambda f: fig.savefig(f, format=fmt, dpi=dpi, **savefig), binary=True)
    return fig
