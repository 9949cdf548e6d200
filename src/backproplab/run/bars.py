"""Progress bars for people: tqdm on a terminal or in a notebook, one finished line in a log.

``terminal_bar`` is a bar factory (see ``backproplab.progress``) that the command line
installs for every bar it shows (training epochs, sweeps, downloads); ``watched_bar_factory``
gives it to the Python API's bars in a notebook, where a person watches too.

In a notebook, tqdm's bar is its widget where ipywidgets is installed and its text bar
otherwise (the notebook redraws it in place, on one line): never ``tqdm.auto``, which warns
"IProgress not found" without ipywidgets.
"""

import sys

from tqdm import notebook, std

from ..progress import LineBar, bar_factory


def in_notebook():
    """Whether this is a Jupyter kernel (its module is loaded only there)."""
    return "ipykernel" in sys.modules


def _tqdm_class():
    return notebook.tqdm if in_notebook() and notebook.IProgress is not None else std.tqdm


def terminal_bar(total=None, desc="", unit="it", file=None, **options):
    """tqdm's bar, fitted to the terminal's width (redrawn when it changes), where a person
    watches: a terminal or a notebook; in a file or pipe, LineBar's single finished line."""
    stream = file if file is not None else sys.stderr
    if not (in_notebook() or (hasattr(stream, "isatty") and stream.isatty())):
        return LineBar(total, desc, unit, file)
    return _tqdm_class()(total=total, desc=desc, unit=unit, file=file, dynamic_ncols=True, mininterval=0.1,
                         unit_scale=unit == "B", leave=True)


def watched_bar_factory():
    """The factory of a bar drawn from Python: the one chosen with ``set_bar_factory``; where none was, in a
    notebook, ``terminal_bar`` (a live bar, not LineBar's line at the end); else LineBar."""
    chosen = bar_factory()
    return terminal_bar if chosen is LineBar and in_notebook() else chosen
