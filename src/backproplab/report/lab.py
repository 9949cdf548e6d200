"""The report of a lab folder, as a teacher hands it out: the set-up, the two data sets, then the
lab's questions in the lab's order, each opening with its answer, and where to go further.

A lab folder is what ``backproplab lab`` writes: a run per data set (``linear/``, ``xor/``)
and, with ``--report``, a sweep per question under ``sweeps/``.
"""

import os

from ..errors import ConfigError
from ..experiments import SweepSpec
from ..experiments.lab_questions import GOING_FURTHER, LAB_DATA, LAB_QUESTIONS, SWEEPS_FOLDER, answer
from ..experiments.shipped import find_sweep_file
from .sections import find_sections, kind, read_metrics, read_sweep, run_section, setup_rows, sweep_section, value_text

# The set-up options a lab run's report names (the data set has a section of its own).
NETWORK_KEYS = ("hidden", "activation", "output_activation", "loss", "init", "optimizer", "lr", "batch_size",
                "epochs", "seed")


def is_lab_folder(folder):
    """True when ``folder`` holds a run of each of the lab's data sets, as ``backproplab lab`` writes it."""
    return all(kind(os.path.join(folder, name)) == "run" for name in LAB_DATA)


def lab_report(doc, folder):
    """Write the lab's report into ``doc``: set-up, data sets, questions, going further, anything else."""
    runs = {name: read_metrics(os.path.join(folder, name)) for name in LAB_DATA}
    questions = _sweep_folders(folder, LAB_QUESTIONS)
    doc.contents()
    _setup(doc, runs, [read_sweep(path)[0] for path in questions.values()])
    doc.heading("The data sets", anchor="data-sets")
    for name, (title, description) in LAB_DATA.items():
        m = runs[name]
        run_section(doc, os.path.join(folder, name), heading=f"{title}: {m['n_train']} training points", level=3,
                    setup=False, intro=[description], anchor=f"data-{name}")
    doc.heading("The lab's questions", anchor="questions")
    for question in LAB_QUESTIONS:
        _question(doc, question, questions.get(question.name))
    further = _sweep_folders(folder, GOING_FURTHER)
    _going_further(doc, further)
    done = {os.path.join(folder, name) for name in LAB_DATA} | set(questions.values()) | set(further.values())
    rest = [(k, path) for k, path in find_sections(folder) if path not in done]
    if rest:
        doc.heading("Other runs and sweeps in this folder", anchor="other")
        for k, path in rest:
            (run_section if k == "run" else sweep_section)(doc, path, level=3)


def _sweep_folders(folder, questions):
    """{question name: its sweep folder} of the questions measured in this lab folder."""
    found = {}
    for question in questions:
        path = os.path.join(folder, SWEEPS_FOLDER, question.name)
        if kind(path) == "sweep":
            found[question.name] = path
    return found


def _setup(doc, runs, specs):
    doc.heading("Set-up", anchor="set-up")
    configs = {name: m["config"] for name, m in runs.items()}
    columns = [dict(setup_rows(c, NETWORK_KEYS)) for c in configs.values()]
    first = next(iter(configs.values()))
    if all(c == columns[0] for c in columns):
        doc.para(f"Both data sets train the same network from scratch by backpropagation: 2 inputs, hidden layers of "
                 f"{value_text('hidden', first['hidden'])} {value_text('activation', first['activation'])} units and "
                 f"one output, trained on the {first['loss']} loss by {first['optimizer']} at learning rate "
                 f"{first['lr']} for {first['epochs']:,} epochs, from seed {first['seed']}.")
        doc.table(("option", "value"), list(columns[0].items()))
    else:
        doc.para("Each data set trains its own network from scratch by backpropagation:")
        doc.table(("option", *configs), [(key, *(c[key] for c in columns)) for key in columns[0]])
    if specs:
        epochs = sorted({spec.config(p, 0).epochs for spec in specs for p in spec.points()})
        seeds = sorted({spec.seeds for spec in specs})
        doc.para(f"Each question below is a sweep of this network, trained for "
                 f"{_names([f'{e:,}' for e in epochs], 'or')} epochs from {_names([str(s) for s in seeds], 'or')} "
                 "seeds per setting, changing only the option in question; its set-up line names the data set. "
                 "A setting is called better than another only when its lead exceeds the spread over seeds.")


def _names(items, joint="and"):
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {joint} " + items[-1]


def _question(doc, question, path):
    if path is None:
        doc.heading(question.title, level=3, anchor=f"q-{question.name}")
        doc.para("Not measured in this folder: backproplab lab --report runs this question's sweep.")
        return
    sweep_section(doc, path, heading=question.title, level=3, anchor=f"q-{question.name}",
                  answer=lambda spec, rows: answer(question, spec, rows))


def _going_further(doc, measured):
    doc.heading("Going further", anchor="going-further")
    for question in GOING_FURTHER:
        if question.name in measured:
            sweep_section(doc, measured[question.name], heading=question.title, level=3, anchor=f"q-{question.name}",
                          answer=lambda spec, rows, q=question: answer(q, spec, rows))
    waiting = [q for q in GOING_FURTHER if q.name not in measured]
    if waiting:
        doc.para("The sweeps that come with backproplab take the discussion further, each over 5 seeds; run one "
                 "with the command beside it (add --report for its own page).")
        rows = [(q.title, f"backproplab sweep {q.name}", _shipped_question(q.name)) for q in waiting]
        doc.table(("question", "command", "what it runs"), rows, css="commands")


def _shipped_question(name):
    """The question text of a shipped sweep file ('' where this installation has none)."""
    try:
        return SweepSpec.from_toml(find_sweep_file(name)).question
    except ConfigError:
        return ""
