"""A trace as text (aligned columns), Markdown, HTML or JSON.

All four are drawn from one list of blocks (headings, lines and tables), so they
say the same. Tables have one row per entry of an array: every neuron and weight
of a small network; an array of more than ``limit`` entries becomes one summary
line (shape, norm, min, max and its largest entries) unless ``full``.
"""

import html
import json
import shutil
import textwrap

import numpy as np

from ..validation import check_choice
from .notation import layer_title, loss_words, settings_text
from .record import record_trace

FORMATS = ("text", "markdown", "html", "json")
LIMIT = 64  # entries of an array shown one by one; larger ones are summarised unless full
_TOP = 5    # largest entries named in a summary


def trace(model, x, y, loss, optimizer=None, *, check_entries=64, seed=0):
    """Trace one sample ``x`` with target ``y`` through ``model``: see ``Trace``.

    The forward pass, the ``loss``, the backward pass and, with ``optimizer`` (an
    Optimizer of the model's parameters, with its state, or a registered name),
    one update, all computed by the engine on a float64 copy, and every gradient
    compared with central differences. ``print(trace(...))`` shows it as text.
    """
    return Trace(record_trace(model, x, y, loss, optimizer, check_entries=check_entries, seed=seed))


def _num(v):
    return f"{float(v):.6g}"


def _index(shape, flat_index):
    if len(shape) <= 1:
        return str(flat_index)
    return ",".join(map(str, np.unravel_index(flat_index, shape)))


def _summary(name, a, check=None):
    a = np.asarray(a, dtype=np.float64)
    flat = a.reshape(-1)
    top = np.argsort(-np.abs(flat), kind="stable")[:_TOP]
    line = (f"{name} ({_shape(a)}): norm {_num(np.linalg.norm(flat))}, min {_num(flat.min())}, "
            f"max {_num(flat.max())}; largest: " + ", ".join(f"entry {_index(a.shape, i)} = {_num(flat[i])}"
                                                             for i in top))
    if check is not None:
        line += f"; numeric check on {check['checked']:,} of {check['of']:,} entries, rel. error {check['rel_error']:.1e}"
    return line


def _entry_error(g, n):
    denom = abs(g) + abs(n)
    return 0.0 if denom == 0 else abs(g - n) / denom


class Trace:
    """What ``trace`` recorded: ``record`` (arrays), and ``text()``, ``markdown()``, ``html()``, ``as_json()``.

    The JSON form is ``{"sample": {"x", "y"}, "model": str, "loss": {"name", "value", "formula",
    "gradient_formula", "output", "target", "gradient"}, "layers": [{"name", "type", "formula",
    "backward_formula", "symbols", "forward": {symbol: array}, "backward": {"dL/d<symbol>": array,
    "check": {"dL/d<symbol>": {"entries", "numeric", "checked", "of", "rel_error"}}}, "update":
    {symbol: {"before", "gradient", <optimizer state>, "change", "after"}}}], "optimizer": {"name",
    "hyperparameters", "step", "formula"}, "loss_after_update": float, "gradcheck_max_rel_error":
    float, "notes": [str]}``, arrays as nested lists.
    """

    def __init__(self, record):
        self.record = record

    @property
    def gradcheck_max_rel_error(self):
        return self.record["gradcheck_max_rel_error"]

    def as_dict(self):
        """The record with arrays as (nested) lists: what ``as_json`` writes."""
        return _jsonable(self.record)

    def as_json(self):
        return json.dumps(self.as_dict(), indent=1)

    def render(self, fmt="text", full=False, level=3):
        """The trace in ``fmt``; ``level`` is its headings' level in Markdown and HTML (3: ###, h3)."""
        check_choice("trace format", fmt, FORMATS)
        if fmt == "json":
            return self.as_json()
        blocks = _blocks(self.record, LIMIT if not full else None)
        if fmt == "text":
            return _text(blocks)
        return {"markdown": _markdown, "html": _html}[fmt](blocks, level)

    def text(self, full=False):
        return self.render("text", full)

    def markdown(self, full=False, level=3):
        return self.render("markdown", full, level)

    def html(self, full=False, level=3):
        """An HTML fragment (a ``div``), as the report embeds it (under a heading of ``level`` - 1)."""
        return self.render("html", full, level)

    def html_page(self, full=False):
        """A whole HTML page holding the trace, to open in a browser."""
        return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>backproplab trace</title>'
                "<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0}"
                "td,th{border:1px solid #ccc;padding:2px 8px}th{background:#f3f6fa}</style></head><body>"
                + self.html(full) + "</body></html>\n")

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


# --- blocks -------------------------------------------------------------------------------------

def _blocks(r, limit):
    """The trace as ("h", text), ("p", text), ("f", text: a layer's formula) and ("table", header, rows) blocks."""
    network = ", ".join(layer_title(layer) for layer in r["layers"])
    out = [("h", "Trace of one sample"), ("p", f"network, from input to output: {network}"),
           ("p", f"sample: a0 = x = {_vector(r['sample']['x'])}, target y = {_vector(r['sample']['y'])}")]
    out += [("p", f"note: {n}") for n in r["notes"]]
    if any(layer["type"] == "Linear" for layer in r["layers"]):
        out.append(("p", "note: the tables count from 0; entry i is unit i, and entry i,j of a weight matrix W joins "
                         "unit j of the layer's input to unit i of its output"))
    out.append(("h", "Forward pass"))
    for i, layer in enumerate(r["layers"]):
        sizes = ", ".join(f"{k} {_shape(v)}" for k, v in layer["forward"].items())
        out.append(("f", f"{_layer_label(layer)}   {layer['formula']}   (sizes: {sizes})"))
        arrays = dict(layer["forward"])
        if i:  # a layer's input is the previous layer's output, shown just above
            arrays.pop(layer["symbols"]["in"])
        out += _tables(arrays, {}, limit, apart=_input_side(layer))
    loss = r["loss"]
    out.append(("h", "Loss"))
    reduction = "" if loss.get("reduction", "mean") == "mean" else f", reduction '{loss['reduction']}'"
    out.append(("p", f"{loss['formula']} = {_num(loss['value'])}   ({loss_words(loss['name'])}{reduction})"))
    out.append(("p", f"{loss['gradient_formula']} = {_vector(loss['gradient'])}"))
    out.append(("h", "Backward pass, from the loss down"))
    for layer in reversed(r["layers"]):
        formula = layer["backward_formula"]
        out.append(("f", f"{_layer_label(layer)}   {formula}"))
        arrays = {k: v for k, v in layer["backward"].items() if k != "check"}
        out += _tables(arrays, layer["backward"]["check"], limit, apart=_input_side(layer))
    out.append(("p", f"largest relative error against central differences: {r['gradcheck_max_rel_error']:.2e}"))
    if "optimizer" in r:
        opt = r["optimizer"]
        out.append(("h", f"Update: {opt['name']}, {settings_text(opt['hyperparameters'])}; step t = {opt['step']}"))
        out.append(("p", opt["formula"]))
        for layer in r["layers"]:
            for symbol, columns in layer["update"].items():
                out.append(("f", f"{_layer_label(layer)}   {symbol}"))
                out += _tables({f"{symbol} {k}": v for k, v in columns.items()}, {}, limit, prefix=symbol)
        out.append(("p", f"loss after the update: {_num(r['loss_after_update'])} "
                         f"(before: {_num(loss['value'])})"))
    return out


def _shape(v):
    """An array's size as a student writes it: '8 x 2' for a matrix, '8' for a vector, '1' for a number."""
    return " x ".join(map(str, np.shape(v))) or "1"


def _vector(v):
    v = np.asarray(v, dtype=np.float64).reshape(-1)
    if v.size > 8:
        return f"({v.size} values, first {', '.join(_num(x) for x in v[:4])} ...)"
    return _num(v[0]) if v.size == 1 else "(" + ", ".join(_num(x) for x in v) + ")"


def _layer_label(layer):
    """'Layer 0, Linear 2 -> 8:' (the layer's index in the network, then the layer)."""
    return f"Layer {layer['name'].split(':')[0]}, {layer_title(layer)}:"


def _input_side(layer):
    """The names of a layer's input and its gradient when the layer has parameters: its input
    units are not its output units, even where they are as many."""
    sym = layer["symbols"]
    if set(sym) <= {"in", "out", "formula", "backward_formula"}:
        return ()
    return (sym["in"], f"dL/d{sym['in']}")


def _tables(arrays, checks, limit, prefix=None, apart=()):
    """Arrays of one shape side by side (those named in ``apart`` on their own), one row per entry,
    each checked gradient followed by its numeric value and relative error; arrays over ``limit``
    entries as summary lines."""
    groups = {}
    for name, a in arrays.items():
        groups.setdefault((name in apart, np.shape(a)), []).append(name)
    blocks = []
    for (_, shape), names in groups.items():
        size = int(np.prod(shape))
        if limit is not None and size > limit:
            blocks += [("p", _summary(n, arrays[n], checks.get(n))) for n in names]
            continue
        header, columns = ["entry"], []
        for n in names:
            a = np.asarray(arrays[n], dtype=np.float64).reshape(-1)
            header.append(n[len(prefix) + 1:] if prefix else n)
            columns.append([_num(v) for v in a])
            check = checks.get(n)
            if check is not None:
                numeric = dict(zip(np.asarray(check["entries"]).tolist(), check["numeric"]))
                tag = "" if sum(m in checks for m in names) == 1 else f" {n}"
                header += [f"numeric{tag}", f"rel. error{tag}"]
                columns.append([_num(numeric[k]) if k in numeric else "-" for k in range(size)])
                columns.append([f"{_entry_error(a[k], numeric[k]):.1e}" if k in numeric else "-" for k in range(size)])
        rows = [[_index(shape, k)] + [c[k] for c in columns] for k in range(size)]
        blocks.append(("table", header, rows))
    return blocks


# --- formats ------------------------------------------------------------------------------------

def _text(blocks):
    width = max(60, shutil.get_terminal_size((100, 24)).columns - 1)
    lines = []
    for block in blocks:
        if block[0] == "h":
            lines += ["", block[1], "=" * min(len(block[1]), width)]
        elif block[0] in ("p", "f"):
            lines += textwrap.wrap(block[1], width, subsequent_indent="        ", break_on_hyphens=False)
        else:
            _, header, rows = block
            widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
            for row in [header] + rows:
                lines.append("    " + "  ".join(str(c).rjust(w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(lines).lstrip("\n") + "\n"


def _markdown(blocks, level=3):
    lines = []
    for block in blocks:
        if block[0] == "h":
            lines += [f"{'#' * level} {block[1]}", ""]
        elif block[0] in ("p", "f"):
            lines += [f"`{block[1]}`" if block[0] == "f" else block[1], ""]
        else:
            _, header, rows = block
            lines += ["| " + " | ".join(header) + " |", "|" + " ---: |" * len(header)]
            lines += ["| " + " | ".join(map(str, row)) + " |" for row in rows] + [""]
    return "\n".join(lines)


def _html(blocks, level=3):
    parts = ['<div class="trace"><style>.trace-table td{text-align:right;font-variant-numeric:tabular-nums}</style>']
    for block in blocks:
        if block[0] == "h":
            parts.append(f"<h{level}>{html.escape(block[1])}</h{level}>")
        elif block[0] in ("p", "f"):
            parts.append(f"<p><code>{html.escape(block[1])}</code></p>")
        else:
            _, header, rows = block
            head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
            body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
            parts.append(f'<table class="trace-table"><tr>{head}</tr>{body}</table>')
    parts.append("</div>")
    return "\n".join(parts)
