"""Progress bars for people: tqdm on a terminal or in a notebook, one finished line in a log.

``terminal_bar`` is a bar factory (see ``backproplab.progress``) that the command line
installs for every bar it shows (training epochs, sweeps, downloads).
"""

import sys

from tqdm.auto import tqdm

from ..progress import LineBar


def _in_notebook():
    return "ipykernel" in sys.modules


def terminal_bar(total=None, desc="", unit="it", file=None, **options):
    """tqdm's bar, fitted to the terminal's width (redrawn when it changes), where a person
    watches: a terminal or a notebook; in a file or pipe, LineBar's single finished line."""
    stream = file if file is not None else sys.stderr
    if not (_in_notebook() or (hasattr(stream, "isatty") and stream.isatty())):
        return LineBar(total, desc, unit, file)
    return tqdm(total=total, desc=desc, unit=unit, file=file, dynamic_ncols=True, mininterval=0.1,
                unit_scale=unit == "B", leave=True)
