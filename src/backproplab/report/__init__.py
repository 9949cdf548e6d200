"""``backproplab report``: one self-contained HTML page (and a Markdown twin) for runs and sweeps.

The folder may be a run (``metrics.json``), a sweep (``sweep.json``) or a folder holding
such folders. A lab folder (``backproplab lab``: a run per data set, the question sweeps
under ``sweeps/``) gets the lab's report: set-up, data sets, then the lab's questions in
the lab's order, each opening with its measured answer (``lab``). Every page has a table of
contents. Figures are embedded in the HTML as base64 PNGs, so the page needs no network and
no other file; the Markdown links the PNGs beside it.

The top of the upper layer: it reads what ``outputs`` and ``experiments`` wrote (and redraws
a sweep's figures through ``experiments``); only the command line imports it.
"""

import datetime
import os

from ..atomic import write_text
from ..errors import ConfigError
from ..version import __version__
from .document import Document
from .drawing import draw_sweeps
from .lab import is_lab_folder, lab_report
from .sections import find_sections, run_section, sweep_section

__all__ = ["find_sections", "write_report"]


def write_report(folder):
    """Write report.html and report.md into ``folder``; return the HTML path."""
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        raise ConfigError(f"report: {folder!r} is not a folder; give a run or sweep folder")
    sections = find_sections(folder)
    if not sections:
        raise ConfigError(f"report: {folder!r} holds no run (metrics.json) or sweep (sweep.json)")
    doc = Document(folder)
    lab = is_lab_folder(folder)
    title = "The backpropagation lab" if lab else "backproplab report"
    doc.heading(title, level=1, anchor="top")
    doc.para(f"{os.path.abspath(folder)}, written {datetime.datetime.now():%Y-%m-%d %H:%M} by backproplab "
             f"{__version__}", css="meta")
    try:
        if lab:
            lab_report(doc, folder)
        else:
            doc.contents()
            drawn = draw_sweeps([path for kind, path in sections if kind == "sweep"])
            for kind, path in sections:
                if kind == "run":
                    run_section(doc, path)
                else:
                    sweep_section(doc, path, drawn=drawn)
    except (KeyError, TypeError, IndexError) as e:  # a file that parses but is not what backproplab wrote
        raise ConfigError(f"report: a run or sweep in {folder!r} has a missing or malformed field "
                          f"({type(e).__name__}: {e}); run it again into a new folder") from None
    html_path = os.path.join(folder, "report.html")
    write_text(html_path, doc.page(title))
    write_text(os.path.join(folder, "report.md"), doc.markdown())
    return html_path
