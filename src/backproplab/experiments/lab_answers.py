"""The lab's questions answered in sentences, from what their sweeps measured.

A question's answer is its template filled with the verdicts of ``summary``, which name a winner
only beyond the spread over seeds. Report 004's three questions in words (the purpose of
activations, of the learning rate's size, of weights and biases) are answered from the numbers
of the sweeps that measure them.
"""

from .lab_questions import DATA_NAMES, GD, IDENTITY, SIGMOID
from .summary import verdict_phrase, verdicts


def answer(question, spec, rows, words=""):
    """The question's one-sentence answer, from the summary ``rows`` of its sweep ``spec`` (run with
    ``words``, e.g. 'gradient descent at learning rate 1'); None when the sweep compared nothing."""
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
    for label, said in sorted(question.names.items(), key=lambda item: -len(item[0])):  # 'lr 10' before 'lr 1'
        verdict = verdict.replace(label, said)
    text = question.answer.format(epochs=epochs, seeds=spec.seeds, verdict=verdict,
                                  data=DATA_NAMES.get(datasets[0], datasets[0]) if len(datasets) == 1 else "")
    text = f"With {words}: {text[0].lower() + text[1:]}" if words else text
    return text[0].upper() + text[1:]


def _where(verdict, by_dataset_only):
    """'on XOR', or the findings' own 'on xor, at 200 epochs each' when a data set has several comparisons."""
    if by_dataset_only:
        return f"on {DATA_NAMES.get(verdict.dataset, verdict.dataset)}"
    return verdict.where[0].lower() + verdict.where[1:]


def setting(spec, rows, **point):
    """The summary row of the setting whose options include ``point`` (None when the sweep has none)."""
    for p, row in zip(spec.points(), rows):
        config = spec.config(p, 0)
        if all(getattr(config, k) == v for k, v in point.items()):
            return row
    return None


def _percent(row):
    return f"{100 * row['test_accuracy_mean']:.1f}%"


def purpose_of_activations(spec, rows):
    """From the without-activation sweep: why a network needs them, in the numbers of XOR and the linear set."""
    pairs = {d: (setting(spec, rows, dataset=d, activation=(IDENTITY,)), setting(spec, rows, dataset=d,
                                                                                 activation=(SIGMOID,)))
             for d in DATA_NAMES}
    if not all(a and b for a, b in pairs.values()):
        return None
    (lin_none, lin_sig), (xor_none, xor_sig) = pairs["linear"], pairs["xor"]
    return (f"They make the network non-linear, so that it can bend its boundary. Without a hidden activation the "
            f"layers compose into one linear map: on XOR, which no straight line separates, the network scored "
            f"{_percent(xor_none)} mean test accuracy against {_percent(xor_sig)} with the sigmoid, while on the "
            f"linear set, which one line separates, it scored {_percent(lin_none)} against {_percent(lin_sig)}."
            + ("" if xor_sig["test_accuracy_mean"] - xor_none["test_accuracy_mean"] > 0.1 else
               f" Within {xor_sig['epochs']:,} epochs the sigmoid network had not learned XOR either, so these runs do "
               "not show the difference."))


def size_of_the_learning_rate(spec, rows):
    """From the learning-rate sweep: what too small and too large did, on XOR."""
    rates = sorted({spec.config(p, 0).lr for p in spec.points()})
    low, high = (setting(spec, rows, dataset="xor", lr=r) for r in (rates[0], rates[-1]))
    if low is None or high is None:
        return None
    seeds, epochs = low["seeds"], low["epochs"]
    large = _how_it_failed(high)
    return (f"Too small, and training is slow: at learning rate {rates[0]:g} on XOR, {low['reached']} of {seeds} "
            f"seeds reached 100% training accuracy within {epochs:,} epochs (mean test accuracy {_percent(low)}). "
            f"Too large, and each step overshoots the valley it aims for: at learning rate {rates[-1]:g}, {large}, "
            f"{high['reached']} of {seeds} seeds reached 100% and the mean test accuracy was {_percent(high)}.")


def _how_it_failed(row):
    """'diagnosed saturated on 3 of 5 seeds': the run diagnoses of a failing setting, in words."""
    if row.get("diagnoses"):
        kinds = sorted(row["diagnoses"].items(), key=lambda item: -item[1])
        return "diagnosed " + ", ".join(f"{kind.replace('_', ' ')} on {n}" for kind, n in kinds) + \
            f" of {row['seeds']} seeds"
    if row["diverged"]:
        return f"{row['diverged']} of {row['seeds']} seeds diverged"
    return "no run failed outright"


def weights_and_biases(spec, rows):
    """From the bias sweep: what the weights and the biases each contribute, in the numbers of both sets."""
    found = {(d, b): setting(spec, rows, dataset=d, bias=b) for d in DATA_NAMES for b in (True, False)}
    if None in found.values():
        return None
    text = (f"Together they are what training learns. Each unit computes a weighted sum of its inputs plus its bias, "
            f"then its activation: the weights set the direction and steepness of the unit's boundary, the bias "
            f"shifts it away from the origin. Measured here, the linear set scored {_percent(found['linear', False])} "
            f"mean test accuracy without biases and {_percent(found['linear', True])} with them, XOR "
            f"{_percent(found['xor', False])} without and {_percent(found['xor', True])} with.")
    if all(abs(found[d, False]["test_accuracy_mean"] - found[d, True]["test_accuracy_mean"]) < 0.02
           for d in DATA_NAMES):
        text += (" The lab's sets hardly need the shift: the linear set's boundary, x1 = x2, passes through the "
                 "origin, and a sigmoid unit gives 0.5 at z = 0, which acts as a bias for every layer after the "
                 "first. Boundaries away from the origin, as on the chessboard, do need biases (backproplab sweep "
                 "bias).")
    return text


# Report 004's questions, each answered from the sweep of the question that measures it.
IN_WORDS = (
    ("What is the purpose of activation functions?", "without-activation", purpose_of_activations),
    ("What might happen if the learning rate is too large or too small?", "learning-rate", size_of_the_learning_rate),
    ("What is the purpose of weights and biases in a neural network?", "bias", weights_and_biases),
)


def questions_in_words(measured):
    """[(question, answer)] of report 004's questions; ``measured`` maps a question's name to the
    (spec, rows) of its sweep (gradient descent's where it ran once per optimizer)."""
    said = []
    for question, name, answer_from in IN_WORDS:
        if name in measured:
            text = answer_from(*measured[name])
            if text:
                said.append((question, text))
    return said


def preferred(sweeps):
    """Of a question's sweeps [(folder, words, spec, rows)], the one run with gradient descent, else the first."""
    return next((s for s in sweeps if s[2].config(s[2].points()[0], 0).optimizer == GD), sweeps[0])
