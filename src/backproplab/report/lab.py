"""The report of a lab folder, as a teacher hands it out: the set-up and why, the two data sets, how
backpropagation computes the gradients, then every question of the lab reports in the lab's order,
each opening with its answer, report 004's questions in words, and (``--full``) an appendix.

A lab folder is what ``backproplab lab`` writes: a run per data set (``linear/``, ``xor/``),
``lab.json`` (the set-up), and, with ``--report``, a sweep per question under ``sweeps/``
(one per optimizer where the question runs with gradient descent and Adam side by side).
"""

import os

from ..errors import ConfigError
from ..experiments import SweepSpec
from ..experiments.lab_answers import answer, preferred, questions_in_words
from ..experiments.lab_setup import read_lab_setup
from ..experiments.lab_questions import GD, LAB_DATA, LAB_QUESTIONS, SWEEPS_FOLDER, optimizer_words
from ..experiments.shipped import find_sweep_file, shipped_sweeps
from .derivation import derivation_section
from .drawing import draw_sweeps
from .lab_appendix import APPENDIX_FOLDER, appendix_section, appendix_sweeps
from .sections import find_sections, kind, read_metrics, read_sweep, run_section, sweep_section
from .setup import SETUP_HEADER, setup_rows, value_words

# The set-up options a lab run's report names (the data set has a section of its own).
NETWORK_KEYS = ("hidden", "activation", "output_activation", "loss", "init", "optimizer", "lr", "batch_size",
                "epochs", "seed")


def is_lab_folder(folder):
    """True when ``folder`` holds a run of each of the lab's data sets, as ``backproplab lab`` writes it."""
    return all(kind(os.path.join(folder, name)) == "run" for name in LAB_DATA)


def lab_report(doc, folder):
    """Write the lab's report into ``doc``: set-up, data sets, the backward pass, questions, anything else."""
    runs = {name: read_metrics(os.path.join(folder, name)) for name in LAB_DATA}
    sweeps = _question_sweeps(folder)
    setup = read_lab_setup(folder)
    done = {os.path.join(folder, name) for name in LAB_DATA} | {p for found in sweeps.values() for p, _ in found}
    appendix = os.path.join(folder, APPENDIX_FOLDER)
    rest = [(k, path) for k, path in find_sections(folder) if path not in done and not path.startswith(appendix)]
    drawn = draw_sweeps([p for found in sweeps.values() for p, _ in found] + appendix_sweeps(folder)
                        + [path for k, path in rest if k == "sweep"])
    doc.contents()
    doc.para(f"The lab trains a network with two hidden layers by backpropagation on two small data sets. This "
             f"report runs it on {_setup_name(setup)}, then answers the discussion questions of five students' "
             "reports of the lab (lab reports 000 to 004; backproplab's experiments/setups reproduces the set-up of "
             "each) from sweeps measured here, each over several seeds.")
    _setup(doc, runs, [spec for found in sweeps.values() for _, spec in found], setup)
    doc.heading("The data sets", anchor="data-sets")
    for name, (title, description) in LAB_DATA.items():
        m = runs[name]
        run_section(doc, os.path.join(folder, name), heading=f"{title}: {m['n_train']} training points", level=3,
                    setup=False, intro=[description], anchor=f"data-{name}")
    derivation_section(doc, runs["xor"]["config"], [(LAB_DATA[name][0], f"data-{name}") for name in LAB_DATA])
    doc.heading("The lab's questions", anchor="questions")
    measured = {}
    for question in LAB_QUESTIONS:
        found = _question(doc, question, sweeps.get(question.name, []), drawn)
        if found:
            measured[question.name] = preferred(found)[2:]
    _in_words(doc, measured)
    appendix_section(doc, folder, drawn)
    if rest:
        doc.heading("Other runs and sweeps in this folder", anchor="other")
        for k, path in rest:
            if k == "run":
                run_section(doc, path, level=3)
            else:
                sweep_section(doc, path, level=3, drawn=drawn)
    _going_further(doc)


def _setup_name(setup):
    if setup["name"] == "default":
        return "backproplab's default set-up"
    return "the lab hand-out's set-up" if setup["name"] == "classic" else f"the set-up {setup['name']}"


def _question_sweeps(folder):
    """{question name: [(sweep folder, its spec)]} of the question sweeps measured in this folder."""
    found = {}
    for question in LAB_QUESTIONS:
        paths = _sub_sweeps(os.path.join(folder, SWEEPS_FOLDER, question.name))
        if paths:
            found[question.name] = [(path, read_sweep(path)[0]) for path in paths]
    return found


def _sub_sweeps(path):
    """[path] when ``path`` is a sweep; else its sub-folders that are (one per optimizer), in name order."""
    if kind(path) == "sweep":
        return [path]
    if not os.path.isdir(path):
        return []
    found = [os.path.join(path, name) for name in sorted(os.listdir(path)) if kind(os.path.join(path, name)) == "sweep"]
    return sorted(found, key=lambda p: os.path.basename(p) != GD)  # gradient descent first, as the students ran it


def _setup(doc, runs, specs, setup):
    doc.heading("Set-up", anchor="set-up")
    configs = {name: m["config"] for name, m in runs.items()}
    columns = [setup_rows(c, NETWORK_KEYS) for c in configs.values()]
    first = next(iter(configs.values()))
    if all(c == columns[0] for c in columns):
        doc.para(f"Both data sets train the same network from scratch by backpropagation: 2 inputs, "
                 f"{_layers(first['hidden'], value_words('activation', first))} and one "
                 f"{value_words('output_activation', first).split(' (')[0]} output, trained on the "
                 f"{value_words('loss', first)} loss by {value_words('optimizer', first).split(' (')[0]} at learning "
                 f"rate {first['lr']:g}, {value_words('batch_size', first).split(' (')[0]}, for {first['epochs']:,} "
                 f"epochs, from seed {first['seed']}. Each setting below is an option of backproplab train.")
        doc.table(SETUP_HEADER, columns[0], css="setup")
    else:
        doc.para("Each data set trains its own network from scratch by backpropagation:")
        doc.table(("setting", *configs, "command-line option"),
                  [(words, *(c[i][1] for c in columns), flag) for i, (words, _, flag) in enumerate(columns[0])],
                  css="setup")
    doc.para(f"Why this set-up: {setup['why']}")
    if specs:
        epochs = sorted({spec.config(p, 0).epochs for spec in specs for p in spec.points()})
        seeds = sorted({spec.seeds for spec in specs})
        doc.para(f"Each question below is a sweep of this network on both data sets, trained for "
                 f"{_names([f'{e:,}' for e in epochs], 'or')} epochs with {_names([str(s) for s in seeds], 'or')} "
                 "seeds per setting, changing only the option in question. A setting is called better than another "
                 "only when its lead exceeds the spread over seeds; a mean over seeds says how many seeds it covers.")


def _layers(hidden, activation):
    """'two hidden layers of 8 sigmoid units each' for [8, 8]; '... of 8 and 4 sigmoid units' for [8, 4]."""
    widths = list(hidden) if isinstance(hidden, (list, tuple)) else [hidden]
    count = {1: "one hidden layer", 2: "two hidden layers", 3: "three hidden layers"}
    count = count.get(len(widths), f"{len(widths)} hidden layers")
    if len(set(widths)) == 1:
        return f"{count} of {widths[0]} {activation} units" + (" each" if len(widths) > 1 else "")
    return f"{count} of {_names([str(w) for w in widths])} {activation} units"


def _names(items, joint="and"):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {joint} " + items[-1]


def _question(doc, question, sweeps, drawn):
    """The question's section; returns [(folder, words, spec, rows)] of its sweeps that finished runs."""
    asked = f"Asked in lab report{'s' if len(question.asked_by) > 1 else ''} {_names(list(question.asked_by))}."
    if not sweeps:
        doc.heading(question.title, level=3, anchor=f"q-{question.name}")
        doc.para(asked + " Not measured in this folder: backproplab lab --report runs this question's sweeps.")
        return []
    found = []
    if len(sweeps) == 1:
        path, spec = sweeps[0]
        rows = sweep_section(doc, path, heading=question.title, level=3, anchor=f"q-{question.name}", intro=[asked],
                             answer=lambda s, r: answer(question, s, r), drawn=drawn)
        found.append((path, "", spec, rows))
    else:  # one sweep per optimizer, side by side
        doc.heading(question.title, level=3, anchor=f"q-{question.name}")
        doc.para(asked + (f" {question.question}" if question.question else "")
                 + " It runs once with each optimizer, each at its own learning rate.")
        for path, spec in sweeps:
            words = _optimizer_words(question, spec)
            rows = sweep_section(doc, path, heading=f"With {words}", level=4, question=False,
                                 answer=lambda s, r, w=words: answer(question, s, r, w), drawn=drawn)
            found.append((path, words, spec, rows))
    if question.name == "hidden-units":
        doc.link("What each hidden unit of the lab's own networks learned is drawn in their neurons.png, in the data "
                 "sets' sections:", [(LAB_DATA[name][0], f"data-{name}") for name in LAB_DATA])
    return [f for f in found if f[3] is not None]


def _optimizer_words(question, spec):
    config = spec.config(spec.points()[0], 0)
    return optimizer_words(config.optimizer, None if "lr" in spec.vary else config.lr)


def _in_words(doc, measured):
    said = questions_in_words(measured)
    if not said:
        return
    doc.heading("Lab report 004's questions, in words", anchor="in-words")
    doc.para("Report 004 ends with three questions to answer in words. Here each is answered from the numbers of "
             "the sweeps above (gradient descent's, where a question ran with both optimizers).")
    for question, text in said:
        doc.para(question, css="question")
        doc.para(text, css="answer")


def _going_further(doc):
    doc.heading("Going further", anchor="going-further")
    names = [name for name in shipped_sweeps() if "/" not in name]
    specs = {name: _shipped_spec(name) for name in names}
    doc.para("The sweeps that come with backproplab ask these questions on their own set-ups, and on the chessboard "
             "too; run one with the command beside it (add --report for its own page). backproplab lab --report "
             "--full adds the chessboard, MNIST and a convolutional network to this report.")
    rows = [(specs[n].title if specs[n] else n, f"backproplab sweep {n}", specs[n].question if specs[n] else "")
            for n in names]
    doc.table(("question", "command", "what it runs"), rows, css="commands")


def _shipped_spec(name):
    """The shipped sweep file's spec (None where this installation has none)."""
    try:
        return SweepSpec.from_toml(find_sweep_file(name))
    except ConfigError:
        return None
