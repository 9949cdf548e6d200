"""A run's and a sweep's part of a report: set-up, results, figures with captions, predictions, trace.

Captions say how to read a figure (what the colours, lines and marks mean); the figure's own
title says what it shows, so a caption never repeats it.
"""

import os

from ..errors import ConfigError
from ..experiments import point_label, sentences, table, write_sweep_outputs
from ..experiments.lab_questions import DATA_NAMES
from ..experiments.sweep import read_sweep as read_finished
from ..records import read_record
from ..outputs.metrics import how_training_measured, loss_text
from ..tracing import Trace
from .setup import SETUP_HEADER, setup_rows

REWRITE = "remove the file, or train again to rewrite it"

RUN_CAPTIONS = {
    "comparison.png": "Left, each test point in the colour of its true class; right, in the colour of the class the "
                      "network predicts. A black ring marks every point the network gets wrong.",
    "learning_curve.png": "",  # see _learning_curve_caption
    "decision_boundary.png": "The network's output, P(class 1), over the input square with the training points on "
                             "top: red towards class 1, blue towards class 0, the black line where it crosses 0.5.",
    "confusion_matrix.png": "How many test samples of each true class (rows) the network put in each class "
                            "(columns); the diagonal holds the right answers.",
    "misclassified.png": "Test images the network gets wrong, each labelled with its true and its predicted class.",
    "prediction.png": "The network's value over the input square as a heat map, with the training points filled "
                      "with their targets on the same colour scale: a point that stands out from the shading "
                      "beneath it is one the network has not learnt.",
    "network.png": "Read it from left to right, as the forward pass runs: lines are weights, orange positive and "
                   "purple negative, thicker when larger; a circle's colours run from blue (low) to red (high).",
    "neurons.png": "One row per hidden layer, one map per unit, on one colour scale per row: the pieces the "
                   "output combines into its boundary.",
    "gradients.png": "The size of each layer's weight gradient per epoch, on a log scale: a first layer (W1) far "
                     "below the output layer's would mean vanishing gradients.",
}
SWEEP_CAPTIONS = {
    "curves.png": "Each line is the median over the seeds of a setting's training loss per epoch; its band spans "
                  "the lowest to the highest seed.",
    "accuracy.png": "Bars give the mean over the seeds, whiskers the lowest and highest seed; the dashed line is "
                    "chance, what always answering the most common class scores.",
    "boundaries.png": "Each setting's network output over the input square after training (seed 0), with the "
                      "training points: red towards class 1, blue towards class 0.",
    "gradients.png": "One panel per setting, one line per layer from the first (dark) to the output layer "
                     "(bright), on a log scale: a first layer far below the output layer means vanishing gradients.",
}


def kind(folder):
    """'run', 'sweep' or None: what ``folder`` holds."""
    if os.path.isfile(os.path.join(folder, "metrics.json")):
        return "run"
    if os.path.isfile(os.path.join(folder, "sweep.json")):
        return "sweep"
    return None


def find_sections(folder):
    """(kind, path) of every run and sweep in ``folder``: itself, its sub-folders and theirs."""
    if kind(folder):
        return [(kind(folder), folder)]
    found = []
    for name in _listed(folder):
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            if kind(path):
                found.append((kind(path), path))
            else:
                found += [(kind(os.path.join(path, n)), os.path.join(path, n)) for n in _listed(path)
                          if os.path.isdir(os.path.join(path, n)) and kind(os.path.join(path, n))]
    return found


def _listed(folder):
    """The sorted names in ``folder``; one line when it cannot be read (no permission)."""
    try:
        return sorted(os.listdir(folder))
    except OSError as e:
        raise ConfigError(f"report: the folder {folder!r} cannot be read ({e.strerror}); "
                          "give yourself read permission on it (chmod u+rx), or move it out of the way") from None


def read_metrics(folder):
    return read_record(os.path.join(folder, "metrics.json"), "metrics", REWRITE)


def _percent(value):
    return "-" if value is None else f"{100 * value:.2f}%"


def _loss(value, general=False):
    """As the run printed it (``loss_text``); ``general``: five significant digits, for values to regress onto,
    whose losses take the targets' scale."""
    return "-" if value is None else f"{value:.5g}" if general else loss_text(value)


def _during(m):
    """How the run's training scores were measured: 'each batch before its update, with dropout'."""
    config = m.get("config", {})
    return how_training_measured(m.get("n_train", 0), config.get("batch_size"), config.get("dropout"))


def results_rows(m):
    # The training scores are the last epoch's means, taken as it ran: say so, or they pass for the
    # trained network's (on images, with dropout, they trail the validation and test scores).
    during = f"({_during(m)})"
    values = "test_r2" in m  # values to regress onto: R² in place of an accuracy they have none of
    rows = [("test accuracy", _percent(m["test_accuracy"])), ("test loss", _loss(m.get("test_loss"), values))]
    if values:
        rows[0] = ("test R² (share of the targets' variance explained)", _loss(m["test_r2"], general=True))
    val_loss = (m.get("history") or {}).get("val_loss")
    if m.get("n_val") and val_loss:
        rows += [("validation accuracy after the last epoch",
                  f"{_percent(m.get('val_accuracy'))} (on {m['n_val']:,} samples held out of the training set)"),
                 ("validation loss after the last epoch", _loss(val_loss[-1]))]
    rows.append(("training loss during the last epoch",
                 "-" if m.get("final_loss") is None else f"{_loss(m['final_loss'], values)} {during}"))
    if not values:
        rows.append(("training accuracy during the last epoch",
                     "-" if m.get("train_accuracy") is None else f"{_percent(m['train_accuracy'])} {during}"))
    rows += [("epochs", f"{m['epochs']:,}"), ("training time", f"{m['seconds']:.2f} s"),
             ("test set", m.get("test_set", "")), ("how it ended", m.get("stop_reason", "")),
             ("diagnosis", m["diagnosis"]["message"] if m.get("diagnosis") else "none: training went well")]
    return rows


def _learning_curve_caption(m):
    """Which curves the learning curve holds, read from what the run measured."""
    history = m.get("history", {})
    if history.get("val_loss"):
        return (f"Loss (log scale) and accuracy per epoch: on the training set (blue) during each epoch "
                f"({_during(m)}), on the validation set (orange) after it.")
    if history.get("test_loss"):
        where = "on the training points (blue) and on the test points (green)"
    elif m.get("test_is_training"):
        where = "on the training points; they are the test points too, so one curve serves both"
    else:
        where = "on the training points"
    measured = "Loss (log scale)" if "test_r2" in m else "Loss (log scale) and accuracy"  # values: no accuracy
    return f"{measured} after every epoch, {where}."


def run_figures(doc, folder, m):
    """The run's figures, each with its caption."""
    for name, caption in RUN_CAPTIONS.items():
        path = os.path.join(folder, name)
        if os.path.exists(path):
            doc.figure(path, _learning_curve_caption(m) if name == "learning_curve.png" else caption)


def run_section(doc, folder, heading=None, level=2, setup=True, intro=(), anchor=None):
    """One run: ``intro`` paragraphs, its set-up (unless ``setup`` is False), results, figures,
    predictions and trace."""
    m = read_metrics(folder)
    doc.heading(heading or f"Run: {m['dataset']} ({os.path.basename(os.path.normpath(folder))})", level, anchor)
    for text in intro:
        doc.para(text)
    if setup:
        doc.para("Set-up")
        doc.table(SETUP_HEADER, setup_rows(m["config"]), css="setup")
    doc.para("Results")
    doc.table(("measure", "value"), results_rows(m))
    run_figures(doc, folder, m)
    if m.get("predictions"):
        header, rows = prediction_rows(m["predictions"], values="test_r2" in m)
        doc.details(f"Prediction for each of the {len(rows)} test samples", header, rows)
    if os.path.isfile(os.path.join(folder, "trace.json")):
        trace_section(doc, os.path.join(folder, "trace.json"), level + 1)
    return m


def _is_probability(p):
    return isinstance(p["prediction"], float) and 0 <= p["prediction"] <= 1 and p["truth"] in (0, 1)


def prediction_rows(predictions, values=False):
    """(header, rows) of the predictions table: for two classes the output P(class 1) to three decimals,
    the class it means (class 1 from 0.5 up) and whether that is right; for ``values`` to regress onto,
    the target and the prediction to five significant digits."""
    if values:
        return ("sample", "target", "prediction"), [(p["sample"], _loss(p["truth"], general=True),
                                                     _loss(p["prediction"], general=True)) for p in predictions]
    if not all(_is_probability(p) for p in predictions):
        return ("sample", "true class", "prediction"), [(p["sample"], p["truth"], p["prediction"]) for p in predictions]
    rows = []
    for p in predictions:
        predicted = int(p["prediction"] >= 0.5)
        rows.append((p["sample"], p["truth"], f"{p['prediction']:.3f}", predicted,
                     "right" if predicted == p["truth"] else "wrong"))
    return ("sample", "true class", "network output P(class 1)", "predicted class", "right or wrong"), rows


def trace_section(doc, path, level=4):
    """The run's trace.json (backproplab trace of one training point), folded, as HTML and Markdown,
    its headings at ``level``."""
    trace = Trace(read_record(path, "trace", REWRITE))
    try:
        summary = f"Backpropagation by hand: {trace.record['sample'].get('source', 'one training point')}"
        doc.folded(summary, trace.html(level=level), trace.markdown(level=level))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:  # fields deeper than its format lists
        raise ConfigError(f"{path!r} is damaged ({type(e).__name__}: {e}); {REWRITE}") from None


def sweep_setup(spec):
    """'XOR, 200 epochs; varied: lr 0.001, 0.01, 0.1 and 1; 3 seeds per setting'."""
    def values(name, vs):
        shown = [point_label({name: v}).removeprefix(f"{name} ") for v in vs]
        return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]

    def fixed(name, value):
        if name == "dataset":
            return DATA_NAMES.get(value, f"data set {value}")
        if name == "epochs":
            return f"{value:,} epochs"
        return point_label({name: value})

    varied = "; ".join(f"{name} {values(name, vs)}" for name, vs in spec.vary.items())
    base = ", ".join(fixed(name, value) for name, value in spec.base.items()) or "defaults"
    return f"{base[0].upper() + base[1:]}; varied: {varied or 'nothing'}; {spec.seeds} seeds per setting"


def _data_named(finding):
    """'On xor: ...' -> 'On XOR: ...': a finding names its data set as the report does."""
    for name, words in DATA_NAMES.items():
        if finding.startswith(f"On {name}:") or finding.startswith(f"On {name},"):
            return f"On {words}{finding[3 + len(name):]}"
    return finding


def _loss_text(mean, std):
    """'0.0145 ± 0.0182', or in powers of ten when four decimals would show 0.0000: '2.1e-05 ± 1.3e-05'."""
    if mean is None:
        return "diverged"
    if mean == 0 or mean >= 0.00005:
        return f"{mean:.4f} ± {std:.4f}"
    return f"{mean:.1e} ± {std:.1e}"


def sweep_table(spec, rows):
    """(header, body) of the sweep's summary table, its test losses readable however small."""
    header, *body = table(spec, rows)
    cells = [[c.strip() for c in line.strip("|").split(" | ")] for line in [header] + body[1:]]
    head, body = cells[0], cells[1:]
    if "test loss (mean ± sd)" in head:
        column = head.index("test loss (mean ± sd)")
        for line, r in zip(body, rows):
            line[column] = _loss_text(r.get("test_loss_mean"), r.get("test_loss_std")) if r["seeds"] else "-"
    return head + ["diagnosis"], [line + [_trouble(r)] for line, r in zip(body, rows)]


def _trouble(row):
    """'saturated in 2 of 3 seeds, stuck in 1 of 3': a setting's diagnoses, as its findings name them."""
    seeds = row["seeds"]
    found = [f"{kind.replace('_', ' ')} in {n} of {seeds}" for kind, n in (row.get("diagnoses") or {}).items()]
    if not found and row.get("diverged"):
        found = [f"diverged in {row['diverged']} of {seeds}"]
    return ", ".join(found) or "none"


def read_sweep(folder):
    """(spec, finished results in run order) of a sweep folder."""
    finished = read_finished(folder)
    return finished.spec, list(finished)


def sweep_section(doc, folder, heading=None, level=2, answer=None, anchor=None, intro=(), question=True,
                  drawn=None):
    """One sweep: ``intro`` paragraphs, ``answer(spec, rows)`` (a sentence, or None), then the question
    (unless ``question`` is False: the caller said it), the set-up, the table, the findings and the figures.
    ``drawn`` maps folders whose summary and figures are already written to their rows (``draw_sweeps``).
    Returns the summary rows (None when nothing finished)."""
    spec, results = read_sweep(folder)
    doc.heading(heading or f"Sweep: {spec.title or os.path.basename(os.path.normpath(folder))}", level, anchor)
    for text in intro:
        doc.para(text)
    if not results:
        doc.para("No finished runs yet.")
        return None
    rows = (drawn or {}).get(folder) or write_sweep_outputs(spec, folder, results)
    said = answer(spec, rows) if answer else None
    if said:
        doc.para(said, css="answer")
    if spec.question and question:
        doc.para(spec.question)
    complete = len(results) == len(spec.runs())
    doc.para(f"Set-up: {sweep_setup(spec)}"
             + ("" if complete else f" ({len(results)} of {len(spec.runs())} runs finished)") + ".")
    doc.table(*sweep_table(spec, rows), css="sweep")
    # the findings after the first, one per setting and saying what the table holds: the comparisons
    findings = [_data_named(f) for f in sentences(spec, rows)[len(rows):]]
    if findings:
        doc.bullets(findings, css="findings")
    for name, caption in SWEEP_CAPTIONS.items():
        path = os.path.join(folder, name)
        if os.path.exists(path):
            doc.figure(path, caption)
    return rows
