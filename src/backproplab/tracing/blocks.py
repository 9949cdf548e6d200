"""A trace as blocks: headings, prose, formula lines, tables and matrices, in the textbook's notation.

Tables have one row per entry of an array: every neuron of a small network; a matrix
of up to MATRIX x MATRIX entries (a small weight matrix) is laid out in its rows and
columns; an array of more than ``limit`` entries becomes one summary line (shape,
norm, min, max and its largest entries). ``render`` draws text, Markdown and HTML
from these blocks, so the three say the same.
"""

import numpy as np

from .notation import layer_title, loss_words, settings_text

MATRIX = 10  # a matrix of at most this many rows and columns is printed as a matrix
DIGITS = 6  # significant digits of every number printed
_TOP = 5    # largest entries named in a summary


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
        verdicts = check.get("verdicts", [])
        for verdict, words in (("rounding", "within rounding"), ("FAIL", "FAIL")):
            if verdict in verdicts:
                line += f", {verdicts.count(verdict):,} {words}"
    return line


def _entry_error(g, n):
    denom = abs(g) + abs(n)
    with np.errstate(invalid="ignore"):  # inf beside inf has no relative error: nan, printed as such
        return 0.0 if denom == 0 else abs(g - n) / denom


def _error_cell(g, n, verdict):
    """An entry's rel. error as printed: 'rounding' when its difference is within the estimate's rounding
    (a relative error of it would only alarm), the number followed by FAIL when the entry disagrees."""
    if verdict == "rounding":
        return "rounding"
    return f"{_entry_error(g, n):.1e}" + (" FAIL" if verdict == "FAIL" else "")


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
            f"its formula states{update}. {_numbered(count)}: layer l takes a(l-1), the output of the layer "
            "before it (a0 = x), multiplies it by its weights Wl and adds its biases bl to give zl, and its "
            "activation gives al from zl. dL/dv, the gradient of L with respect to v, is how much L changes "
            "per unit change of v. Every gradient is shown "
            "beside a numeric estimate of it (numeric) and their relative error (rel. error), which is tiny, "
            "about 1e-6 or less, when the backward pass is right; an entry too small to check that finely, its "
            "difference within the estimate's own rounding error, shows 'rounding' instead, and a wrong one FAIL.")


def _numbered(count):
    if count == 1:
        return "The network's one layer is numbered 1, as its symbols are"
    return f"The network's {count} layers are numbered 1 to {count}, as their symbols are"


def trace_blocks(r, limit, digits=DIGITS):
    """The trace as ("h", text), ("r", prose), ("p", text), ("f", text: a layer's formula), ("table",
    header, rows) and ("matrices", [(header, rows), ...]: laid out side by side where they fit) blocks."""
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
    out.append(("p", "largest relative error of an array, norm(g - numeric) / (norm(g) + norm(numeric)): "
                     f"{r['gradcheck_max_rel_error']:.2e}"))
    if "gradcheck" in r:
        out.append(("p", _verdict_line(r["gradcheck"])))
    if "optimizer" in r:
        out += _update_blocks(r, labels, limit, digits)
    return out


def _verdict_line(check):
    """The check in one line: passed (and how many entries only within rounding), or how many FAIL."""
    if check["failed"]:
        return (f"gradient check: FAILED, {check['failed']:,} of {check['checked']:,} checked entries disagree with "
                "their numeric estimates (marked FAIL): the backward pass is wrong there or below")
    rounding = check["within_rounding"]
    within = (f", {rounding:,} of them only within the estimate's rounding (too small for a finer check)"
              if rounding else "")
    return f"gradient check: passed, all {check['checked']:,} checked entries agree with their numeric estimates{within}"


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
                entries = np.asarray(check["entries"]).tolist()
                numeric = dict(zip(entries, check["numeric"]))
                verdicts = dict(zip(entries, check.get("verdicts", ["ok"] * len(entries))))
                tag = "" if sum(m in checks for m in names) == 1 else f" {n}"
                columns.append((f"numeric{tag}", [_num(numeric[k], digits) if k in numeric else "-"
                                                  for k in range(size)]))
                columns.append((f"rel. error{tag}", [_error_cell(a[k], numeric[k], verdicts[k]) if k in numeric
                                                     else "-" for k in range(size)]))
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
