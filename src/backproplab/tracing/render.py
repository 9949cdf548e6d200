"""A trace as text (aligned columns), Markdown, HTML or JSON.

All four are drawn from one list of blocks (see ``blocks``: headings, prose, lines,
tables and matrices), so they say the same; ``full`` prints every entry of an array
that would otherwise be summarised.
"""

import html
import json
import shutil
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..validation import check_choice, check_int
from .blocks import DIGITS, trace_blocks
from .record import record_trace

if TYPE_CHECKING:  # for the annotations only
    from ..nn import Loss, Module
    from ..optim import Optimizer

FORMATS = ("text", "markdown", "html", "json")
LIMIT = 64  # entries of an array shown one by one; larger ones are summarised unless full


def trace(model: "Module", x: np.ndarray, y: np.ndarray | float | int, loss: "Loss | str",
          optimizer: "Optimizer | str | None" = None, *, check_entries: int = 64, seed: int = 0,
          update_notes: Sequence[str] = ()) -> "Trace":
    """Trace one sample ``x`` with target ``y`` through ``model``: see ``Trace``.

    The forward pass, the ``loss``, the backward pass and, with ``optimizer`` (an
    Optimizer of the model's parameters, with its state, or a registered name),
    one update, all computed by the engine on a float64 copy, and every gradient
    compared with central differences. ``print(trace(...))`` shows it as text.
    ``update_notes`` are said with the update (why the optimizer starts fresh, say).
    """
    return Trace(record_trace(model, x, y, loss, optimizer, check_entries=check_entries, seed=seed,
                              update_notes=update_notes))


class Trace:
    """What ``trace`` recorded: ``record`` (arrays), and ``text()``, ``markdown()``, ``html()``, ``as_json()``.

    The JSON form is ``{"sample": {"x", "y"}, "model": str, "loss": {"name", "value", "formula",
    "gradient_formula", "output", "target", "gradient", "reduction", "mean_over"}, "layers": [{"name",
    "type", "formula", "backward_formula", "symbols", "forward": {symbol: array}, "backward":
    {"dL/d<symbol>": array, "check": {"dL/d<symbol>": {"entries", "numeric", "checked", "of",
    "rel_error", "verdicts"}}}, "update": {symbol: {"before", "gradient", <optimizer state>, "change",
    "after"}}}], "optimizer": {"name", "hyperparameters", "step", "fresh", "formula", "notes"},
    "loss_after_update": float, "gradcheck_max_rel_error": float, "gradcheck": {"passed", "checked",
    "failed", "within_rounding", "rounding", "rtol", "scale", "eps", "h"}, "notes": [str]}``, arrays as
    nested lists. A layer's ``symbols["layer"]`` is the number its symbols carry (W1, z1: 1);
    ``rel_error`` is the array's, norm(g - numeric) / (norm(g) + norm(numeric)); ``verdicts`` says of
    each checked entry 'ok', 'rounding' (it agrees only within ``gradcheck["rounding"]``, the error the
    numeric estimate can carry) or 'FAIL' (see ``gradcheck.agreement``); ``mean_over`` is the n a 'mean'
    loss divides by.
    """

    def __init__(self, record):
        self.record = record

    @property
    def gradcheck_max_rel_error(self):
        return self.record["gradcheck_max_rel_error"]

    @property
    def gradcheck_passed(self):
        """True when every checked entry agrees with its numeric estimate, within its rounding."""
        return self.record["gradcheck"]["passed"]

    def as_dict(self):
        """The record with arrays as (nested) lists: what ``as_json`` writes."""
        return _jsonable(self.record)

    def as_json(self):
        return json.dumps(self.as_dict(), indent=1)

    def render(self, fmt="text", full=False, level=3, digits=DIGITS):
        """The trace in ``fmt``; ``level`` is its headings' level in Markdown and HTML (3: ###, h3);
        ``digits`` the significant digits of its numbers."""
        check_choice("trace format", fmt, FORMATS)
        if fmt == "json":
            return self.as_json()
        digits = check_int("digits", digits, 1, 17, fix="a float64 holds 17 significant digits")
        blocks = trace_blocks(self.record, LIMIT if not full else None, digits)
        if fmt == "text":
            return _text(blocks)
        return {"markdown": _markdown, "html": _html}[fmt](blocks, level)

    def text(self, full=False, digits=DIGITS):
        return self.render("text", full, digits=digits)

    def markdown(self, full=False, level=3):
        return self.render("markdown", full, level)

    def html(self, full=False, level=3):
        """An HTML fragment (a ``div``), as the report embeds it (under a heading of ``level`` - 1)."""
        return self.render("html", full, level)

    def html_page(self, full=False, digits=DIGITS):
        """A whole HTML page holding the trace, to open in a browser."""
        return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>backproplab trace</title>'
                "<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0}"
                "td,th{border:1px solid #ccc;padding:2px 8px}th{background:#f3f6fa}</style></head><body>"
                + self.render("html", full, digits=digits) + "</body></html>\n")

    def _repr_html_(self):
        return self.html()

    def __str__(self):
        return self.text()


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


# --- formats ------------------------------------------------------------------------------------

def _text(blocks):
    width = max(60, shutil.get_terminal_size((100, 24)).columns - 1)
    lines = []
    for block in blocks:
        if block[0] == "h":
            lines += ["", block[1], "=" * min(len(block[1]), width)]
        elif block[0] in ("p", "f"):
            lines += textwrap.wrap(block[1], width, subsequent_indent="        ", break_on_hyphens=False)
        elif block[0] == "r":
            lines += textwrap.wrap(block[1], width, break_on_hyphens=False) + [""]
        elif block[0] == "table":
            lines += ["    " + line.rstrip() for line in _aligned(block[1], block[2])]
        else:
            lines += _side_by_side([_aligned(header, rows) for header, rows in block[1]], width)
    return "\n".join(lines).lstrip("\n") + "\n"


def _aligned(header, rows):
    """A table's lines, every column right-aligned to its widest cell."""
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    return ["  ".join(str(c).rjust(w) for c, w in zip(row, widths)) for row in [header] + rows]


def _side_by_side(tables, width, gap=4):
    """Tables (lists of lines of one width) next to each other while they fit in ``width``, then below."""
    lines, shelf = [], []
    for table in tables:
        if shelf and gap + sum(len(t[0]) + gap for t in shelf) + len(table[0]) > width:
            lines += _shelf(shelf, gap)
            shelf = []
        shelf.append(table)
    return lines + _shelf(shelf, gap)


def _shelf(tables, gap):
    height = max(len(t) for t in tables)
    padded = [t + [" " * len(t[0])] * (height - len(t)) for t in tables]
    return [(" " * gap + (" " * gap).join(row)).rstrip() for row in zip(*padded)]


def _markdown(blocks, level=3):
    lines = []
    for block in blocks:
        if block[0] == "h":
            lines += [f"{'#' * level} {block[1]}", ""]
        elif block[0] in ("p", "f"):
            lines += [f"`{block[1]}`" if block[0] == "f" else block[1], ""]
        elif block[0] == "r":
            lines += [block[1], ""]
        else:
            for header, rows in _tables_of(block):
                lines += ["| " + " | ".join(header) + " |", "|" + " ---: |" * len(header)]
                lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows] + [""]
    return "\n".join(lines)


def _tables_of(block):
    """A table block's one table, or a matrices block's matrices, as (header, rows)."""
    return [block[1:]] if block[0] == "table" else block[1]


def _html(blocks, level=3):
    parts = ['<div class="trace"><style>.trace-table td{text-align:right;font-variant-numeric:tabular-nums}</style>']
    for block in blocks:
        if block[0] == "h":
            parts.append(f"<h{level}>{html.escape(block[1])}</h{level}>")
        elif block[0] in ("p", "f"):
            parts.append(f"<p><code>{html.escape(block[1])}</code></p>")
        elif block[0] == "r":
            parts.append(f"<p>{html.escape(block[1])}</p>")
        else:
            for header, rows in _tables_of(block):
                head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
                body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                               for row in rows)
                parts.append(f'<table class="trace-table"><tr>{head}</tr>{body}</table>')
    parts.append("</div>")
    return "\n".join(parts)
