"""A figure of the caller's, returned as a notebook cell's value, is drawn once, not twice.

Given ``ax=``, a figure function draws into the caller's figure and returns it. In a
notebook, a figure made with pyplot is drawn when the cell ends (the inline backend), and,
as the cell's last line, the returned figure would be drawn as the cell's value too: twice.
IPython shows an object through its ``_ipython_display_`` when it has one, also where the
inline backend shows its figures: the caller's figure gets one that draws it as IPython
would and, under the inline backend, closes it in pyplot, which would draw it again.

A figure the functions make themselves is outside pyplot, drawn once as a cell's value; it
has a ``_repr_png_``, so that it is drawn also before pyplot has set up the notebook's
figure display (IPython's own PNG of a figure, where it is set up, takes its place).
"""

import importlib
import io

import matplotlib
from matplotlib._pylab_helpers import Gcf  # pyplot's figures, read without importing pyplot

HOOK = "_ipython_display_"  # IPython calls it, when an object has it, in place of its own display


def pyplot_holds(fig):
    """Whether ``fig`` is one of pyplot's open figures."""
    return any(manager.canvas.figure is fig for manager in Gcf.get_all_fig_managers())


class ShownOnce:
    """``fig._ipython_display_``: what IPython calls to show ``fig``, as a cell's value or for pyplot."""

    def __init__(self, fig):
        self.fig = fig

    def __call__(self):
        if pyplot_holds(self.fig) and "inline" in matplotlib.get_backend():
            Gcf.destroy_fig(self.fig)  # drawn now: the inline backend would draw it again as the cell ends
        delattr(self.fig, HOOK)  # drawn the usual way, as a PNG
        try:
            # IPython is the only caller, so it is loaded; imported by name, not to make it a dependency
            importlib.import_module("IPython.display").display(self.fig)
        finally:
            setattr(self.fig, HOOK, self)


class PNG:
    """``fig._repr_png_``: the figure as a PNG, as the inline backend draws it (trimmed to what is drawn)."""

    def __init__(self, fig):
        self.fig = fig

    def __call__(self):
        png = io.BytesIO()
        self.fig.savefig(png, format="png", bbox_inches="tight")
        return png.getvalue()


def drawn_as_png(fig):
    """``fig`` (one of the functions' own), which IPython draws as a PNG as a cell's value."""
    setattr(fig, "_repr_png_", PNG(fig))
    return fig


def shown_once(fig):
    """``fig``, which IPython draws once as a cell's value also where pyplot would draw it as the cell ends."""
    if HOOK not in vars(fig):
        setattr(fig, HOOK, ShownOnce(fig))
    return fig
