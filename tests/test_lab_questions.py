"""The lab's questions: their sweeps come from the experiments layer, their answers from what was measured."""

import inspect

import pytest

from backproplab.cli import lab as lab_command
from backproplab.experiments import lab_questions
from backproplab.experiments.lab_questions import LAB_QUESTIONS, answer, lab_sweeps
from backproplab.experiments.summary import _mean_std


def _row(label, accuracies, dataset="xor", chance=None):
    mean, std = _mean_std(accuracies)
    return {"point": {"dataset": dataset}, "label": label, "seeds": len(accuracies), "test_accuracy_mean": mean,
            "test_accuracy_std": std, "reached": 0, "epochs_to_target_median": None, "epochs_to_target_mean": None,
            "epochs_to_target_std": None, "epochs": 2000, "diverged": 0, "diagnoses": {}, "chance": chance}


def test_the_lab_command_runs_the_questions_of_the_experiments_layer():
    assert "lab_questions import SWEEPS_FOLDER, lab_sweeps" in inspect.getsource(lab_command.run)
    specs = lab_sweeps(2000)
    assert list(specs) == ["learning-rate", "hidden-units", "without-activation"]  # the lab's order
    for question, spec in zip(LAB_QUESTIONS, specs.values()):
        assert spec.title == question.title and spec.seeds == lab_questions.LAB_SEEDS
        assert all(spec.config(p, 0).epochs == 2000 for p in spec.points())


def test_an_answer_is_its_template_filled_with_the_measured_verdict():
    question = LAB_QUESTIONS[0]
    spec = question.spec(2000)
    rows = [_row("lr 0.001", [0.6, 0.62, 0.64]), _row("lr 0.01", [1.0] * 3), _row("lr 0.1", [1.0] * 3),
            _row("lr 1", [0.52] * 3, chance=11 / 21)]
    assert answer(question, spec, rows) == (
        "Of the learning rates tried for 2,000 epochs on XOR, lr 0.01 and lr 0.1 do equally well within the spread "
        "over seeds (100.0% mean test accuracy at best); lr 0.001 (62.0%) and lr 1 (52.0%, no better than chance) "
        "fall behind.")
    rows[1] = _row("lr 0.01", [0.9, 0.92, 0.94])  # now 0.1 leads beyond the spread
    assert answer(question, spec, rows).startswith(
        "Of the learning rates tried for 2,000 epochs on XOR, lr 0.1 does best (100.0% mean test accuracy), ahead of "
        "lr 0.01 (92.0%) by more than the spread over seeds;")


def test_an_answer_over_two_data_sets_says_each():
    question = LAB_QUESTIONS[2]
    spec = question.spec(200)
    rows = [_row("dataset linear, activation identity", [0.99, 0.98, 1.0], "linear"),
            _row("dataset linear, activation sigmoid", [0.99, 1.0, 0.98], "linear"),
            _row("dataset xor, activation identity", [0.524] * 3, "xor", chance=0.524),
            _row("dataset xor, activation sigmoid", [1.0] * 3, "xor")]
    said = answer(question, spec, rows)
    assert said.startswith("With and without a hidden activation, after 200 epochs: on the linear set, no hidden "
                           "activation and the sigmoid do equally well")
    assert "; on XOR, the sigmoid does best (100.0% mean test accuracy), ahead of no hidden activation " \
           "(52.4%, no better than chance)" in said
    assert "activation identity" not in said and "activation sigmoid" not in said  # the settings in words


def test_a_sweep_of_one_setting_has_no_answer():
    question = LAB_QUESTIONS[0]
    assert answer(question, question.spec(10), [_row("lr 0.1", [1.0])]) is None


@pytest.mark.parametrize("question", lab_questions.all_questions(), ids=lambda q: q.name)
def test_every_question_has_a_title_and_an_answer_template_with_its_verdict(question):
    assert question.title.endswith("?") and "{verdict}" in question.answer


def test_the_data_sets_are_described_as_they_are():
    from backproplab.data.synthetic import linear, xor_easy

    X, y = xor_easy()
    description = lab_questions.LAB_DATA["xor"][1]
    assert f"{len(y)} fixed points" in description
    assert f"{(y == 0).sum()} of class 0 on the rising" in description and f"{(y == 1).sum()} of class 1" in description
    assert all(X[y == 0, 0] == X[y == 0, 1]) and y[(X[:, 0] == 0.5) & (X[:, 1] == 0.5)].tolist() == [0]
    X, y = linear(200, seed=0)
    assert "class 0 where x1 > x2, class 1 where x1 < x2" in lab_questions.LAB_DATA["linear"][1]
    assert all(y[X[:, 0] > X[:, 1]] == 0) and all(y[X[:, 0] < X[:, 1]] == 1)
