"""The lab's questions: their sweeps come from the experiments layer, their answers from what was measured."""

import pytest

from backproplab import cli
from backproplab.experiments import lab_questions
from backproplab.experiments.lab_questions import LAB_QUESTIONS, answer, lab_sweeps
from backproplab.experiments.summary import _mean_std


def _row(label, accuracies, dataset="xor", chance=None):
    mean, std = _mean_std(accuracies)
    return {"point": {"dataset": dataset}, "label": label, "seeds": len(accuracies), "test_accuracy_mean": mean,
            "test_accuracy_std": std, "reached": 0, "epochs_to_target_median": None, "epochs_to_target_mean": None,
            "epochs_to_target_std": None, "epochs": 2000, "diverged": 0, "diagnoses": {}, "chance": chance}


def test_the_lab_command_runs_the_questions_of_the_experiments_layer():
    assert cli.lab_sweeps is lab_questions.lab_sweeps
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
    assert said.startswith("With and without a hidden activation, after 200 epochs: on the linear set, activation "
                           "identity and activation sigmoid do equally well")
    assert "; on XOR, activation sigmoid does best (100.0% mean test accuracy), ahead of activation identity " \
           "(52.4%, no better than chance)" in said


def test_a_sweep_of_one_setting_has_no_answer():
    question = LAB_QUESTIONS[0]
    assert answer(question, question.spec(10), [_row("lr 0.1", [1.0])]) is None


@pytest.mark.parametrize("question", lab_questions.all_questions(), ids=lambda q: q.name)
def test_every_question_has_a_title_and_an_answer_template_with_its_verdict(question):
    assert question.title.endswith("?") and "{verdict}" in question.answer
