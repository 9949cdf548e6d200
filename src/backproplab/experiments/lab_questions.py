"""The lab's questions, in the lab's order, and how each is answered from what its sweep measured.

``backproplab lab --report`` runs LAB_QUESTIONS as short sweeps on top of the lab's set-up
(``lab_sweeps``); GOING_FURTHER names the shipped sweeps (``experiments/*.toml``) that take
the discussion further. A question's answer is one sentence: its template filled with the
verdicts of ``summary`` on the measured results, which name a winner only beyond the spread
over seeds.
"""

from dataclasses import dataclass, field

from .spec import SweepSpec
from .summary import verdict_phrase, verdicts

LAB_SEEDS = 3  # seeds per setting in the lab's own sweeps: quick, yet a spread to judge differences by
SWEEPS_FOLDER = "sweeps"  # a lab folder's sub-folder of question sweeps, one per question name

# How the answers and the report name the lab's data sets.
DATA_NAMES = {"linear": "the linear set", "xor": "XOR"}
LAB_DATA = {
    "linear": ("The linear set",
               "Points drawn uniformly in the unit square, labelled by which side of the diagonal they lie on: "
               "class 0 where x1 > x2, class 1 where x1 < x2. A network that learns it has found a straight line."),
    "xor": ("XOR easy",
            "The lab's 21 fixed points on the two diagonals of the unit square: class 0 on the rising diagonal, "
            "class 1 on the falling one, without the point where they cross. No straight line separates the "
            "classes, so the network must bend its boundary."),
}


@dataclass(frozen=True)
class Question:
    """One question of the lab: its sweep (on top of the lab's set-up) and its answer's template.

    ``answer`` may use {epochs}, {seeds}, {data} (the data set, when there is one) and {verdict}:
    what the findings say about the settings compared, per data set.
    """

    name: str       # the folder under sweeps/ (and, for GOING_FURTHER, the shipped sweep file)
    title: str
    answer: str
    question: str = ""  # what the sweep runs, for the report
    vary: dict = field(default_factory=dict)

    def spec(self, epochs, seeds=LAB_SEEDS):
        """The lab's sweep of this question: the lab's network for ``epochs`` epochs, ``seeds`` seeds."""
        base = {"epochs": epochs} if "dataset" in self.vary else {"dataset": "xor", "epochs": epochs}
        return SweepSpec(base=base, vary=self.vary, seeds=seeds, title=self.title, question=self.question)


LAB_QUESTIONS = (
    Question("learning-rate", "What does the learning rate do?",
             "Of the learning rates tried for {epochs:,} epochs on {data}, {verdict}.",
             "The lab's network on XOR, trained by Adam at four learning rates, 0.001 to 1.",
             {"lr": [0.001, 0.01, 0.1, 1.0]}),
    Question("hidden-units", "What does the number of hidden units do?",
             "Of the hidden layers tried for {epochs:,} epochs on {data}, {verdict}.",
             "Two hidden layers of 1 to 16 units each (hidden 4-4 is two layers of 4), on XOR.",
             {"hidden": ["1-1", "2-2", "4-4", "8-8", "16-16"]}),
    Question("without-activation", "What happens without activation functions?",
             "With and without a hidden activation, after {epochs:,} epochs: {verdict}.",
             "The hidden layers with no activation (identity) against the lab's sigmoid, the output sigmoid kept, "
             "on both data sets. Without a hidden activation the layers compose into one linear map, so the network "
             "is a logistic regression: it can draw a straight boundary and no other.",
             {"dataset": ["linear", "xor"], "activation": ["identity", "sigmoid"]}),
)

_MEASURED = "Measured over {seeds} seeds: {verdict}."
GOING_FURTHER = (
    Question("activation", "Sigmoid, tanh or ReLU?", _MEASURED),
    Question("optimizer", "Which optimizer?", _MEASURED),
    Question("depth", "One, two or three hidden layers?", _MEASURED),
    Question("bias", "What are the biases for?", _MEASURED),
    Question("schedule", "Constant learning rate or step decay?", _MEASURED),
    Question("batch-size", "Full batch, mini-batch or one sample at a time?", _MEASURED),
)


def lab_sweeps(epochs, seeds=LAB_SEEDS):
    """{name: SweepSpec} of the lab's questions, in the lab's order (``lab --report`` runs them)."""
    return {q.name: q.spec(epochs, seeds) for q in LAB_QUESTIONS}


def answer(question, spec, rows):
    """The question's one-sentence answer, from the summary ``rows`` of its sweep ``spec``; None when the
    sweep compared nothing (a single setting)."""
    found = verdicts(spec, rows)
    if not found:
        return None
    target = f"{100 * spec.target_accuracy:g}%"
    datasets = list(dict.fromkeys(v.dataset for v in found))
    if len(found) == 1:
        verdict = verdict_phrase(found[0], target)
    else:  # one clause per comparison, named by its data set (and grouping, as the findings name it)
        verdict = "; ".join(f"{_where(v, len(datasets) == len(found))}, {verdict_phrase(v, target)}" for v in found)
    epochs = max(spec.config(p, 0).epochs for p in spec.points())
    text = question.answer.format(epochs=epochs, seeds=spec.seeds, verdict=verdict,
                                  data=DATA_NAMES.get(datasets[0], datasets[0]) if len(datasets) == 1 else "")
    return text[0].upper() + text[1:]


def _where(verdict, by_dataset_only):
    """'on XOR', or the findings' own 'on xor, at 200 epochs each' when a data set has several comparisons."""
    if by_dataset_only:
        return f"on {DATA_NAMES.get(verdict.dataset, verdict.dataset)}"
    return verdict.where[0].lower() + verdict.where[1:]


def all_questions():
    """The lab's questions, then those going further, in the order a report shows them."""
    return LAB_QUESTIONS + GOING_FURTHER
