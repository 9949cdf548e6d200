"""A trace as text (aligned columns), Markdown, HTML or JSON.

All four are drawn from one list of blocks (headings, lines, tables and matrices),
so they say the same. Tables have one row per entry of an array: every neuron of a
small network; a matrix of up to 10 x 10 entries (a small weight matrix) is laid out
in its rows and columns; an array of more than ``limit`` entries becomes one summary
line (shape, norm, min, max and its largest entries) unless ``full``.
"""

import html
import json
import shutil
import textwrap

import numpy as np

from ..validation import check_choice, check_int
from .notation import layer_title, loss_words, settings_text
from .record import record_trace

FORMATS = ("text", "markdown", "html", "json")
LIMIT = 64  # entries of an array shown one by one; larger ones are summarised unless full
MATRIX = 10  # a matrix of at most this many rows and columns is printed as a matrix
DIGITS = 6  # significant digits of every number printed
_TOP = 5    # largest entries named in a summary


def trace(model, x, y, loss, optimizer=None, *, check_entries=64, seed=0, update_notes=()):
    """Trace one sample ``x`` with target ``y`` through ``model``: see ``Trace``.

    The forward pass, the ``loss``, the backward pass and, with ``optimizer`` (an
    Optimizer of the model's parameters, with its state, or a registered name),
    one update, all computed by the engine on a float64 copy, and every gradient
    compared with central differences. ``print(trace(...))`` shows it as text.
    ``update_notes`` are said with the update (why the optimizer starts fresh, say).
    """
    return Trace(record_trace(model, x, y, loss, optimizer, check_entries=check_entries, seed=seed,
                              update_notes=update_notes))


def _num(v, digits=DIGITS):
    return f"{float(v):.{digits}g}"


def _index(shape, flat_index):
    if len(shape) <= 1:
        return str(flat_index)
    return ",".join(map(str, np.unravel_index(flat_index, shape)))


def _summary(name, a, check=None, digits=DIGITS):
    a = np.asarray(a, dtype=np.float64)
    flat = a.reshape(-1)
    top = np.argsort(-np.abs(flat), kind="stable")[:_TOP]
    line = (f"{name} ({_shape(a)}): norm {_num(np.linalg.norm(flat), digits)}, min {_num(flat.min(), digits)}, "
            f"max {_num(flat.max(), digits)}; largest: "
            + ", ".join(f"entry {_index(a.shape, i)} = {_num(flat[i], digits)}" for i in top))
    if check is not None:
        line += (f"; numeric check on {check['checked']:,} of {check['of']:,} entries, "
                 f"rel. error of the array {check['rel_error']:.1e}")
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

    def render(self, fmt="text", full=False, level=3, digits=DIGITS):
        """The trace in ``fmt``; ``level`` is its headings' level in Markdown and HTML (3: ###, h3);
        ``digits`` the significant digits of its numbers."""
        check_choice("trace format", fmt, FORMATS)
        if fmt == "json":
            return self.as_json()
        digits = check_int("digits", digits, 1, 17, fix="a float64 holds 17 significant digits")
        blocks = _blocks(self.record, LIMIT if not full else None, digits)
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


# --- blocks -------------------------------------------------------------------------------------

def _how_to_read(r):
    """The paragraph that opens a trace: its parts in order, its symbols, its numbering and its checks."""
    numbers = [layer["symbols"].get("layer") for layer in r["layers"]]
    count = max((n for n in numbers if n is not None), default=0)
    update = ("; last, the optimizer changes every weight and bias once, from its gradient (Update)"
              if "optimizer" in r else "")
    return ("How to read this. The sample x goes forward through the network, layer by layer (Forward pass); "
            "the loss L measures how far the output is from the target y (Loss); then the gradient of L flows back "
            "from the output to the input (Backward pass), each step made from the one above it by the chain rule "
            f"its formula states{update}. The network's {count} layers are numbered 1 to {count}, as their "
            "symbols are: layer l takes a(l-1), the output of the layer before it (a0 = x), multiplies it by its "
            "weights Wl and adds its biases bl to give zl, and its activation gives al from zl. dL/dv, the "
            "gradient of L with respect to v, is how much L changes per unit change of v. Every gradient is shown "
            "beside a numeric estimate of it (numeric) and their relative error (rel. error), which is tiny, "
            "about 1e-6 or less, when the backward pass is right.")


def _blocks(r, limit, digits=DIGITS):
    """The trace as ("h", text), ("r", prose), ("p", text), ("f", text: a layer's formula), ("table", header, rows)
    and ("matrices", [(header, rows), ...]: matrices laid out side by side where they fit) blocks."""
    num = lambda v: _num(v, digits)  # noqa: E731 - every number of the trace, at its digits
    network = ", ".join(layer_title(layer) for layer in r["layers"])
    labels = _layer_labels(r["layers"])
    out = [("h", "Trace of one sample"), ("r", _how_to_read(r)), ("p", f"network, from input to output: {network}"),
           ("p", f"sample: a0 = x = {_vector(r['sample']['x'], digits)}, "
                 f"target y = {_vector(r['sample']['y'], digits)}")]
    out += [("p", f"note: {n}") for n in r["notes"]]
    if any(layer["type"] == "Linear" for layer in r["layers"]):
        out.append(("p", "note: the tables count from 0; entry i is unit i, and row i, column j of a weight matrix W "
                         "joins unit j of the layer's input to unit i of its output"))
    out.append(("h", "Forward pass"))
    for i, layer in enumerate(r["layers"]):
        sizes = ", ".join(f"{k} {_shape(v)}" for k, v in layer["forward"].items())
        out.append(("f", f"{labels[i]}   {layer['formula']}   (sizes: {sizes})"))
        arrays = dict(layer["forward"])
        if i:  # a layer's input is the previous layer's output, shown just above
            arrays.pop(layer["symbols"]["in"])
        out += _tables(arrays, {}, limit, digits, apart=_input_side(layer))
    out += _loss_blocks(r["loss"], num)
    out.append(("h", "Backward pass, from the loss down"))
    for i in reversed(range(len(r["layers"]))):
        layer = r["layers"][i]
        out.append(("f", f"{labels[i]}   {layer['backward_formula']}"))
        arrays = {k: v for k, v in layer["backward"].items() if k != "check"}
        out += _tables(arrays, layer["backward"]["check"], limit, digits, apart=_input_side(layer))
    out.append(("p", "largest relative error of a whole array against central differences, "
                     f"norm(g - numeric) / (norm(g) + norm(numeric)): {r['gradcheck_max_rel_error']:.2e}"))
    if "optimizer" in r:
        out += _update_blocks(r, labels, limit, digits)
    return out


def _loss_blocks(loss, num):
    reduction = "" if loss.get("reduction", "mean") == "mean" else f", reduction '{loss['reduction']}'"
    out = [("h", "Loss"), ("p", f"{loss['formula']} = {num(loss['value'])}   ({loss_words(loss['name'])}{reduction})")]
    gradient = f"{loss['gradient_formula']} = {_vector(loss['gradient'], num=num)}"
    n = loss.get("mean_over")
    if n is not None and (" / n" in loss["gradient_formula"] or "mean(" in loss["formula"]):
        gradient += f"   (n = {n}, the number of terms the mean is over)"
    return out + [("p", gradient)]


def _update_blocks(r, labels, limit, digits):
    opt = r["optimizer"]
    out = [("h", f"Update: {opt['name']}, {settings_text(opt['hyperparameters'])}; step t = {opt['step']}"),
           ("p", opt["formula"])]
    out += [("p", f"note: {n}") for n in _update_notes(r)]
    for i, layer in enumerate(r["layers"]):
        for symbol, columns in layer["update"].items():
            out.append(("f", f"{labels[i]}   {symbol}"))
            out += _tables({f"{symbol} {k}": v for k, v in columns.items()}, {}, limit, digits, prefix=symbol)
    out.append(("p", f"loss after the update: {_num(r['loss_after_update'], digits)} "
                     f"(before: {_num(r['loss']['value'], digits)})"))
    return out


_PLAIN = {"before", "gradient", "change", "after"}  # an update's columns when the optimizer keeps no state


def _update_notes(r):
    """Why every weight moves by about as much, when a fresh optimizer's state makes it so; the caller's
    notes (a model file keeps no optimizer state). Nothing for an optimizer without state (plain SGD)."""
    opt = r["optimizer"]
    updates = [u for layer in r["layers"] for u in layer["update"].values()]
    if not any(set(u) - _PLAIN for u in updates):
        return []
    notes = list(opt.get("notes", []))
    g = np.concatenate([np.abs(np.asarray(u["gradient"], dtype=np.float64)).reshape(-1) for u in updates])
    moved = np.concatenate([np.abs(np.asarray(u["change"], dtype=np.float64)).reshape(-1) for u in updates])
    moved = moved[g > 0]
    g = g[g > 0]
    if opt.get("fresh") and g.size and moved.max() <= 1.5 * moved.min() and g.max() > 2 * g.min():
        notes.append(f"this is {opt['name']}'s first step, from a fresh state: every weight moves by about "
                     f"{_num(np.median(moved), 2)} whatever the size of its gradient, as it divides each gradient "
                     "by a running average of its size, which at the first step is that gradient's own size; plain "
                     "gradient descent (optimizer sgd) moves each weight by -lr g")
    elif opt.get("fresh"):
        notes.append(f"this is {opt['name']}'s first step, from a fresh state (its running values start at zero)")
    return notes


def _layer_labels(layers):
    """'Layer 1 (Linear 2 -> 8):' for the layer that starts layer 1, 'Layer 1, its Sigmoid:' for those
    that follow it, numbered as their symbols are (W1, z1, a1); 'Before layer 1, Flatten:' before any."""
    labels, seen = [], set()
    for i, layer in enumerate(layers):
        number, title = layer["symbols"].get("layer"), layer_title(layer)
        if number is None:  # a record written before layers carried their number
            labels.append(f"Layer {layer['name'].split(':')[0]}, {title}:")
        elif number == 0:
            labels.append(f"Before layer 1, {title}:")
        elif number in seen:
            labels.append(f"Layer {number}, its {title}:")
        else:
            labels.append(f"Layer {number} ({title}):")
        seen.add(number)
    return labels


def _shape(v):
    """An array's size as a student writes it: '8 x 2' for a matrix, '8' for a vector, '1' for a number."""
    return " x ".join(map(str, np.shape(v))) or "1"


def _vector(v, digits=DIGITS, num=None):
    num = num or (lambda x: _num(x, digits))
    v = np.asarray(v, dtype=np.float64).reshape(-1)
    if v.size > 8:
        return f"({v.size} values, first {', '.join(num(x) for x in v[:4])} ...)"
    return num(v[0]) if v.size == 1 else "(" + ", ".join(num(x) for x in v) + ")"


def _input_side(layer):
    """The names of a layer's input and its gradient when the layer has parameters: its input
    units are not its output units, even where they are as many."""
    sym = layer["symbols"]
    if set(sym) <= {"in", "out", "layer", "formula", "backward_formula"}:
        return ()
    return (sym["in"], f"dL/d{sym['in']}")


def _is_matrix(shape):
    return len(shape) == 2 and max(shape) <= MATRIX


def _tables(arrays, checks, limit, digits=DIGITS, prefix=None, apart=()):
    """Arrays of one shape side by side (those named in ``apart`` on their own): a matrix of up to
    MATRIX x MATRIX in its rows and columns, any other array one row per entry; each checked
    gradient followed by its numeric value and relative error; arrays over ``limit`` entries as
    summary lines."""
    groups = {}
    for name, a in arrays.items():
        groups.setdefault((name in apart, np.shape(a)), []).append(name)
    blocks = []
    for (_, shape), names in groups.items():
        size = int(np.prod(shape))
        if not _is_matrix(shape) and limit is not None and size > limit:
            blocks += [("p", _summary(n, arrays[n], checks.get(n), digits)) for n in names]
            continue
        columns = []  # (header, [one text per entry])
        for n in names:
            a = np.asarray(arrays[n], dtype=np.float64).reshape(-1)
            columns.append((n[len(prefix) + 1:] if prefix else n, [_num(v, digits) for v in a]))
            check = checks.get(n)
            if check is not None:
                numeric = dict(zip(np.asarray(check["entries"]).tolist(), check["numeric"]))
                tag = "" if sum(m in checks for m in names) == 1 else f" {n}"
                columns.append((f"numeric{tag}", [_num(numeric[k], digits) if k in numeric else "-"
                                                  for k in range(size)]))
                columns.append((f"rel. error{tag}", [f"{_entry_error(a[k], numeric[k]):.1e}" if k in numeric else "-"
                                                     for k in range(size)]))
        if _is_matrix(shape):
            blocks.append(("matrices", [_matrix(header, cells, shape) for header, cells in columns]))
        else:
            rows = [[_index(shape, k)] + [cells[k] for _, cells in columns] for k in range(size)]
            blocks.append(("table", ["entry"] + [header for header, _ in columns], rows))
    return blocks


def _matrix(name, cells, shape):
    """A matrix as a table: its name above its column numbers, each row led by its row number."""
    rows, cols = shape
    return [name] + [str(j) for j in range(cols)], [[str(i)] + cells[i * cols:(i + 1) * cols] for i in range(rows)]


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
