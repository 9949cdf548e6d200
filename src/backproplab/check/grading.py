"""Grade a submission's numbers: compare every item with the engine, find the first difference, name the mistake."""

import re
from dataclasses import dataclass, field

import numpy as np

from . import inputs
from .compare import Comparison, compare, same
from .items import ancestors, graded_items
from .mistakes import catalogue, simulate
from .protocol import declared_from, to_student_bias, to_student_weight
from .reference import reference_values

CASES = ("batch", "sample")
FORWARD = ("z", "a", "loss")


@dataclass
class Row:
    """One graded item: its comparison with the engine, with the student's own central differences, its verdict."""

    key: str
    label: str
    engine: Comparison
    case: str = ""  # the case that failed, when one did
    own: Comparison | None = None
    verdict: str = "pass"  # pass, FAIL, not shown
    note: str = ""

    @property
    def graded(self):
        return self.verdict != "not shown"

    @property
    def passed(self):
        return self.verdict.startswith("pass")


@dataclass
class Result:
    path: str
    declared: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)
    first: Row | None = None
    mistakes: dict = field(default_factory=dict)  # key of a failing item that starts a chain -> the likely mistake
    notes: list = field(default_factory=list)
    error: str = ""  # nothing could be graded: the code never got as far as its first number
    crash: str = ""  # the code stopped with an error after some numbers: those are graded
    seconds: float = 0.0

    @property
    def score(self):
        return sum(row.passed for row in self.rows if row.graded)

    @property
    def total(self):
        return sum(row.graded for row in self.rows) if not self.error else max(1, len(self.rows))

    @property
    def passed(self):
        return not self.error and not self.crash and self.score == self.total


def in_student_layout(key, value, declared):
    """A value of the engine's layout as the student's code holds it."""
    if value is None:
        return None
    name = key.rstrip("0123456789")
    if name in ("W", "dW"):
        return to_student_weight(value, declared.weights)
    if name in ("b", "db"):
        return to_student_bias(value, declared.biases)
    return value


class Grader:
    def __init__(self, outcome):
        self.declared = declared_from(outcome.declared)
        self.arrays = outcome.arrays
        self.layers = len(self.declared.sizes) - 1
        self.has_biases = self.declared.biases != "none"
        self.weights, self.biases = inputs.initial_parameters(self.declared.sizes, self.has_biases)
        self.cases = inputs.cases(self.declared.sizes[0], self.declared.sizes[-1])
        self.reference = {case: self.run(case) for case in CASES}
        d = self.declared
        self.mistakes = catalogue(d.sizes, d.layer_activations(), d.loss, d.reduction, self.has_biases)
        self._runs = {}  # index of a mistake -> its values in each case, computed once for every item it may explain

    def run(self, case, mistake=None):
        X, y = self.cases[case]
        d = self.declared
        if mistake is None:
            return reference_values(self.weights, self.biases, X, y, d.layer_activations(), d.loss, d.reduction,
                                    inputs.LEARNING_RATE)
        return simulate(self.weights, self.biases, X, y, d.layer_activations(), d.loss, d.reduction, inputs.LEARNING_RATE,
                        mistake)

    def student(self, case, step, key):
        return self.arrays.get(f"{case}/{step}/{key}")

    def expected(self, values, step, key):
        return in_student_layout(key, values.get(f"{step}/{key}"), self.declared)

    def order_hints(self):
        """A sentence for each list given last layer first (the order the backward pass computes them in)."""
        hints = []
        for name in ("z", "a", "da", "delta", "dW", "db"):
            keys = [f"{name}{l}" for l in range(1, self.layers + 1)]
            mine = [self.student("batch", 1, key) for key in keys]
            expected = [self.expected(self.reference["batch"], 1, key) for key in keys]
            shown = [i for i, value in enumerate(mine) if value is not None]
            if len(shown) > 1 and not all(same(mine[i], expected[i]) for i in shown) \
                    and all(same(mine[i], expected[self.layers - 1 - i]) for i in shown):
                hints.append(f"the list {name!r} runs from the last layer to the first; give the first layer first")
        return hints

    def _pairs(self, key):
        """(case, step, key) of every number the item ``key`` compares."""
        if key == "step2":
            return [("batch", 2, f"{p}{l}") for l in range(1, self.layers + 1) for p in ("W", "b")[:1 + self.has_biases]]
        return [(case, 1, key) for case in CASES]

    def compare_item(self, item):
        pairs = self._pairs(item.key)
        if all(self.student(*pair) is None for pair in pairs):
            return Comparison(False, problem="not shown"), ""
        if item.key != "step2":  # a case the code stopped in is judged on the other
            pairs = [pair for pair in pairs if self.student(*pair) is not None]
        for case, step, key in pairs:
            found = compare(self.student(case, step, key), self.expected(self.reference[case], step, key),
                            strict=key.startswith(("W", "dW")))  # a transposed vector is a transposed matrix
            if not found.ok:
                label = f"{case}, {key}" if item.key == "step2" else case
                return found, label
        return found, ""

    def explain(self, item, ancestors_of, passed=()):
        """The mistake whose numbers are the student's at ``item`` (and most often elsewhere), or ''.

        A mistake must also leave the student's numbers where they agreed with the engine
        (``passed``, the keys of items that passed): one that changes dL/da3 cannot explain a
        wrong dW2 when the student's dL/da3 is right."""
        targets = {item.key} | ancestors_of[item.key]
        agreed = [pair for key in passed for pair in self._pairs(key) if self.student(*pair) is not None]
        best, best_score = "", -1
        for i, mistake in enumerate(self.mistakes):
            if not _touches(mistake, targets, self.layers):
                continue
            if i not in self._runs:
                self._runs[i] = {case: self.run(case, mistake) for case in CASES}
            runs = self._runs[i]
            if not all(same(self.student(case, step, key), self.expected(runs[case], step, key))
                       for case, step, key in agreed):
                continue
            changed, matched = False, True
            for case, step, key in self._pairs(item.key):
                mine = self.student(case, step, key)
                predicted = self.expected(runs[case], step, key)
                if mine is None:
                    continue
                matched = matched and same(mine, predicted)
                strict = key.startswith(("W", "dW"))
                changed = changed or not same(predicted, self.expected(self.reference[case], step, key), strict)
            if matched and changed:
                score = sum(same(self.arrays[name], self.expected(runs[name.split("/")[0]], int(name.split("/")[1]),
                                                                  name.split("/")[2]))
                            for name in self.arrays if name.split("/")[0] in CASES)
                if score > best_score:
                    best, best_score = mistake.text, score
        return best


def _touches(mistake, targets, layers):
    names = {"update": ("W", "b"), "update W": ("W",), "update b": ("b",)}.get(mistake.quantity, (mistake.quantity,))
    layers_hit = range(1, layers + 1) if mistake.layer is None else (mistake.layer,)
    keys = {f"{n}{l}" for n in names for l in layers_hit} | ({"step2"} if mistake.quantity.startswith("update") else set())
    keys |= {"loss"} if mistake.quantity == "loss" else set()
    return bool(keys & targets)


def _kind(mistake):
    """A mistake's words without its layer numbers: the same line of code may make it in every layer."""
    return re.sub(r"\d", "#", mistake)


def grade(outcome, path):
    """The Result of a submission from its sandbox Outcome."""
    result = Result(path=str(path), declared=dict(outcome.declared), notes=list(outcome.notes),
                    error=outcome.error, seconds=outcome.seconds)
    reached = [key for key in outcome.arrays if key.split("/")[1] not in ("0",)]
    if outcome.error and not reached:  # it stopped before its first number: nothing to grade
        return result
    result.error, result.crash = "", outcome.error  # what ran before the error is graded
    grader = Grader(outcome)
    result.notes += grader.order_hints()
    items = graded_items(grader.layers, grader.has_biases)
    ancestors_of = ancestors(items)
    failed, passed = {}, []
    for item in items:
        engine, case = grader.compare_item(item)
        if engine.ok:
            passed.append(item.key)
        row = Row(item.key, item.label, engine, case)
        own = outcome.arrays.get(f"own/{item.key}")
        if own is not None and grader.student("batch", 1, item.key) is not None:
            row.own = compare(grader.student("batch", 1, item.key), own)
        if engine.ok and row.own is not None and not row.own.ok:
            row.note = "but not the gradient of your own loss (see vs own Δ)"
        if engine.problem == "not shown" and not item.required:
            row.verdict = "not shown"
        elif engine.problem == "not shown" and result.crash:
            row.engine, row.verdict, row.note = Comparison(False, problem="not reached"), "FAIL", "the code stopped before"
        elif not engine.ok:
            roots = [failed[k] for k in failed if k in ancestors_of[item.key]]
            if roots:
                origin = roots[0]
                own_ok = row.own is not None and row.own.ok
                if own_ok and origin.key.rstrip("0123456789") in FORWARD:
                    row.verdict, row.note = "pass", "matches your own forward pass"
                else:
                    row.verdict, row.note = "FAIL", f"follows from {origin.label}"
                    failed[item.key] = origin
            else:
                row.verdict = "FAIL"
                failed[item.key] = row
                with np.errstate(all="ignore"):
                    mistake = grader.explain(item, ancestors_of, passed)
                same_as = next((r for r in result.rows if mistake and _kind(result.mistakes.get(r.key, "")) == _kind(mistake)),
                               None)
                if same_as is not None:  # one line of code makes it in every layer (a class used for each)
                    row.note = f"follows from the same mistake as {same_as.label}"
                elif mistake:
                    result.mistakes[item.key] = mistake
                result.first = result.first or row
        result.rows.append(row)
    return result


def explained(result):
    """(row, mistake text) of every failing item that starts a chain, first first."""
    return [(row, result.mistakes.get(row.key, "")) for row in result.rows
            if row.verdict == "FAIL" and not row.note]

