"""``backproplab report``: one self-contained HTML page (and a Markdown twin) for runs and sweeps.

The folder may be a run (``metrics.json``), a sweep (``sweep.json``) or a
folder holding such folders (a lab run with its sweeps). Figures are
embedded in the HTML as base64 PNGs, so the page needs no network and no
other file; the Markdown links the PNGs beside it.

The top of the upper layer: it reads what ``outputs`` and ``experiments``
wrote (and redraws a sweep's figures through ``experiments``); only the
command line imports it.
"""

import base64
import datetime
import html
import json
import os

from .atomic import write_text
from .errors import ConfigError
from .experiments import read_results, read_spec, sentences, table, write_sweep_outputs
from .limits import check_regular_file
from .tracing import Trace
from .version import __version__

RUN_FIGURES = (("comparison.png", "Ground truth beside prediction"), ("learning_curve.png", "Learning curve"),
               ("decision_boundary.png", "Decision boundary"), ("confusion_matrix.png", "Confusion matrix"),
               ("misclassified.png", "Misclassified test images"),
               ("network.png", "The network: weights by sign and size, each neuron filled with its output"),
               ("neurons.png", "Each hidden neuron's output over the input square"),
               ("gradients.png", "Weight-gradient norm of each layer per epoch"))
SWEEP_FIGURES = (("curves.png", "Learning curves per setting"), ("accuracy.png", "Test accuracy per setting"),
                 ("boundaries.png", "Decision boundaries, seed 0"),
                 ("gradients.png", "Weight-gradient norm of each layer per epoch, seed 0"))
_REWRITE = "remove the file, or train again to rewrite it"
STYLE = """body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}h1{border-bottom:2px solid #1f77b4}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#f3f6fa}figure{margin:1em 0}img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:13px}
.findings li{margin:.3em 0}details{margin:1em 0}code{background:#f3f3f3;padding:0 3px}"""


def _kind(folder):
    if os.path.isfile(os.path.join(folder, "metrics.json")):
        return "run"
    if os.path.isfile(os.path.join(folder, "sweep.json")):
        return "sweep"
    return None


def find_sections(folder):
    """(kind, path) of every run and sweep in ``folder``: itself, its sub-folders and theirs."""
    if _kind(folder):
        return [(_kind(folder), folder)]
    found = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            if _kind(path):
                found.append((_kind(path), path))
            else:
                found += [(_kind(os.path.join(path, n)), os.path.join(path, n)) for n in sorted(os.listdir(path))
                          if os.path.isdir(os.path.join(path, n)) and _kind(os.path.join(path, n))]
    return found


class _Doc:
    """Writes the same content as HTML and as Markdown."""

    def __init__(self, root):
        self.root, self.html, self.md = root, [], []

    def heading(self, text, level=2):
        self.html.append(f"<h{level}>{html.escape(text)}</h{level}>")
        self.md += ["#" * level + " " + text, ""]

    def para(self, text):
        self.html.append(f"<p>{html.escape(text)}</p>")
        self.md += [text, ""]

    def bullets(self, items, css=""):
        self.html.append(f'<ul class="{css}">' + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
        self.md += [f"- {i}" for i in items] + [""]

    def table(self, header, rows):
        head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
        self.html.append(f"<table><tr>{head}</tr>{body}</table>")
        self.md += ["| " + " | ".join(map(str, header)) + " |", "|" + " --- |" * len(header)]
        self.md += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows] + [""]

    def figure(self, path, caption):
        check_regular_file(path, "figure", _REWRITE)  # a FIFO would block the read for ever
        with open(path, "rb") as f:
            data = base64.b64encode(f.read()).decode("ascii")
        self.html.append(f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
                         f"<figcaption>{html.escape(caption)}</figcaption></figure>")
        self.md += [f"![{caption}]({os.path.relpath(path, self.root)})", ""]

    def details(self, summary, header, rows):
        self.html.append(f"<details><summary>{html.escape(summary)}</summary>")
        self.table(header, rows)
        self.html.append("</details>")


def _read_json(path):
    """The JSON a run wrote to ``path``; one line for a special file or a damaged one."""
    check_regular_file(path, "run file", _REWRITE)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except ValueError as e:  # JSONDecodeError and UnicodeDecodeError both are
        raise ConfigError(f"{path!r} is damaged ({e}); {_REWRITE}") from None


def _setup_rows(config):
    keys = ("dataset", "model", "hidden", "conv", "activation", "output_activation", "dropout", "loss", "init",
            "optimizer", "lr", "schedule", "epochs", "batch_size", "dtype", "seed")
    shown = []
    for key in keys:
        value = config.get(key)
        if key == "conv" and config.get("model") != "cnn":
            continue
        if isinstance(value, list):
            value = "-".join(map(str, value)) if key in ("hidden", "conv") else "/".join(map(str, value))
        shown.append((key, "full batch" if key == "batch_size" and value is None else value))
    return shown


def _run_section(doc, folder):
    m = _read_json(os.path.join(folder, "metrics.json"))
    doc.heading(f"Run: {m['dataset']} ({os.path.basename(os.path.normpath(folder))})")
    doc.para("Set-up")
    doc.table(("option", "value"), _setup_rows(m["config"]))
    results = [("test accuracy", f"{100 * m['test_accuracy']:.2f}%"),
               ("test loss", "-" if m.get("test_loss") is None else f"{m['test_loss']:.5f}"),
               ("final training loss", "-" if m.get("final_loss") is None else f"{m['final_loss']:.5f}"),
               ("training accuracy", "-" if m.get("train_accuracy") is None else f"{100 * m['train_accuracy']:.2f}%"),
               ("epochs", m["epochs"]), ("training time", f"{m['seconds']:.2f} s"),
               ("test set", m.get("test_set", "")), ("how it ended", m.get("stop_reason", "")),
               ("diagnosis", m["diagnosis"]["message"] if m.get("diagnosis") else "none: training went well")]
    doc.para("Results")
    doc.table(("measure", "value"), results)
    for name, caption in RUN_FIGURES:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            doc.figure(path, f"{m['dataset']}: {caption}")
    if m.get("predictions"):
        rows = [(p["sample"], p["truth"], p["prediction"]) for p in m["predictions"]]
        doc.details(f"Prediction for each of the {len(rows)} test samples", ("sample", "ground truth", "prediction"), rows)
    if os.path.isfile(os.path.join(folder, "trace.json")):
        _trace_section(doc, os.path.join(folder, "trace.json"))


def _trace_section(doc, path):
    """The run's trace.json (backproplab trace of one training point), folded, as HTML and Markdown."""
    trace = Trace(_read_json(path))
    summary = f"Backpropagation by hand: {trace.record['sample'].get('source', 'one training point')}"
    doc.html.append(f"<details><summary>{html.escape(summary)}</summary>{trace.html()}</details>")
    doc.md += [f"<details><summary>{html.escape(summary)}</summary>", "", trace.markdown(), "</details>", ""]


def _sweep_section(doc, folder):
    spec = read_spec(folder)
    finished = read_results(folder)
    results = [finished[key] for key, _, _ in spec.runs() if key in finished]  # in run order
    if not results:
        doc.heading(f"Sweep: {spec.title or os.path.basename(folder)}")
        doc.para("No finished runs yet.")
        return
    complete = len(results) == len(spec.runs())
    rows = write_sweep_outputs(spec, folder, results)
    doc.heading(f"Sweep: {spec.title or os.path.basename(os.path.normpath(folder))}")
    if spec.question:
        doc.para(spec.question)
    varied = ", ".join(f"{k} in {{{', '.join(map(str, v))}}}" for k, v in spec.as_dict()["vary"].items())
    base = ", ".join(f"{k} {v}" for k, v in spec.as_dict()["base"].items())
    doc.para(f"Set-up: {base or 'defaults'}; varied: {varied or 'nothing'}; {spec.seeds} seeds per setting"
             + ("" if complete else f" ({len(results)} of {len(spec.runs())} runs finished)") + ".")
    header, *body = table(spec, rows)
    cells = [line.strip("|").split(" | ") for line in [header] + body[1:]]
    doc.table([c.strip() for c in cells[0]], [[c.strip() for c in row] for row in cells[1:]])
    doc.bullets(sentences(spec, rows), css="findings")
    for name, caption in SWEEP_FIGURES:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            doc.figure(path, f"{spec.title or 'sweep'}: {caption}")


def write_report(folder):
    """Write report.html and report.md into ``folder``; return the HTML path."""
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        raise ConfigError(f"report: {folder!r} is not a folder; give a run or sweep folder")
    sections = find_sections(folder)
    if not sections:
        raise ConfigError(f"report: {folder!r} holds no run (metrics.json) or sweep (sweep.json)")
    doc = _Doc(folder)
    doc.heading("backproplab report", level=1)
    doc.para(f"{os.path.abspath(folder)} - written {datetime.datetime.now():%Y-%m-%d %H:%M} by backproplab {__version__}")
    for kind, path in sections:
        try:
            (_run_section if kind == "run" else _sweep_section)(doc, path)
        except (KeyError, TypeError, IndexError) as e:  # a file that parses but is not what backproplab wrote
            raise ConfigError(f"report: the {kind} in {path!r} has a missing or malformed field "
                              f"({type(e).__name__}: {e}); run it again into a new folder") from None
    page = ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>backproplab report</title>"
            f"<style>{STYLE}</style></head><body>" + "\n".join(doc.html) + "</body></html>\n")
    html_path = os.path.join(folder, "report.html")
    write_text(html_path, page)
    write_text(os.path.join(folder, "report.md"), "\n".join(doc.md))
    return html_path
