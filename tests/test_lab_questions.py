"""The lab's questions: every discussion item of the lab reports as a sweep on the lab's set-up, both lab
data sets and 5 seeds, gradient descent and Adam side by side where the optimizer matters; their answers
come from what was measured."""

import re

import pytest

from backproplab.errors import ConfigError
from backproplab.experiments import lab_answers, lab_questions
from backproplab.experiments.lab_answers import answer, questions_in_words
from backproplab.experiments.lab_questions import LAB_QUESTIONS, Question, lab_sweeps, weights_of
from backproplab.experiments.lab_setup import CLASSIC, DEFAULT, setup_from_file
from backproplab.experiments.summary import _mean_std


def _row(label, accuracies, dataset="xor", chance=None, **extra):
    mean, std = _mean_std(accuracies)
    return {"point": {"dataset": dataset}, "label": label, "seeds": len(accuracies), "test_accuracy_mean": mean,
            "test_accuracy_std": std, "reached": 0, "epochs_to_target_median": None, "epochs_to_target_mean": None,
            "epochs_to_target_std": None, "epochs": 2000, "diverged": 0, "diagnoses": {}, "chance": chance, **extra}


def _question(name):
    return next(q for q in LAB_QUESTIONS if q.name == name)


def test_every_discussion_item_of_the_lab_reports_is_a_question_in_the_labs_order():
    assert [q.name for q in LAB_QUESTIONS] == [
        "learning-rate", "hidden-units", "without-activation", "no-activation-anywhere", "activation", "optimizer",
        "bias", "loss", "batch-size", "depth", "step-decay"]
    for q in LAB_QUESTIONS:
        assert q.title.endswith("?") and "{verdict}" in q.answer
        assert q.asked_by and set(q.asked_by) <= {"000", "001", "002", "003", "004"}


def test_each_question_is_a_sweep_of_both_lab_sets_over_five_seeds_on_the_default_set_up():
    sweeps = lab_sweeps(DEFAULT, 2000)
    for folder, (question, words, spec) in sweeps.items():
        assert spec.vary["dataset"] == ["linear", "xor"] and spec.seeds == 5
        assert spec.title == question.title
        epochs = {spec.config(p, 0).epochs for p in spec.points()}
        assert epochs == ({200} if question.name == "batch-size" else {1000} if question.name == "optimizer" else {2000}), folder
        for option in question.vary:  # only the option in question changes
            assert option in spec.vary
    assert {q.name for q, _, _ in sweeps.values()} == {q.name for q in LAB_QUESTIONS}


def test_questions_that_depend_on_the_optimizer_show_gradient_descent_and_adam_side_by_side():
    sweeps = lab_sweeps(DEFAULT, 2000)
    for name in ("learning-rate", "hidden-units", "without-activation", "loss"):
        gd, adam = sweeps[f"{name}/sgd"][2], sweeps[f"{name}/adam"][2]
        assert gd.base["optimizer"] == "sgd" and adam.base["optimizer"] == "adam"
        if name != "learning-rate":
            assert (gd.base["lr"], adam.base["lr"]) == (1.0, 0.01)  # each at its own rate
    assert sweeps["learning-rate/sgd"][2].vary["lr"] == [0.01, 0.1, 1.0, 10.0, 100.0]
    assert sweeps["learning-rate/adam"][2].vary["lr"] == [0.0001, 0.001, 0.01, 0.1, 1.0]
    assert sweeps["hidden-units/sgd"][1] == "gradient descent at learning rate 1"
    assert sweeps["learning-rate/sgd"][1] == "gradient descent"  # its rate is what varies
    assert "activation/sgd" not in sweeps and "activation" in sweeps  # on the set-up's own optimizer only


def test_the_classic_set_up_is_the_hand_outs_and_runs_adam_beside_it():
    config = CLASSIC.config("xor", seed=0)
    assert (config.optimizer, config.lr, config.init, config.activation, config.hidden) == \
        ("sgd", 1.0, "normal", ("sigmoid",), (8, 8))
    assert CLASSIC.optimizers() == [("sgd", 1.0), ("adam", 0.01)]
    assert DEFAULT.optimizers() == [("adam", 0.01), ("sgd", 1.0)]
    sweeps = lab_sweeps(CLASSIC, 2000)
    assert sweeps["activation"][2].config({"dataset": "xor", "activation": ("tanh",)}, 0).init == "normal"


def test_a_set_up_file_gives_its_network_and_training_to_both_lab_sets():
    setup = setup_from_file("xor-2-7-7-1-mse-sgd")
    assert "dataset" not in setup.options and setup.options["hidden"] == (7, 7)
    linear = setup.config("linear", seed=3)
    assert (linear.dataset, linear.loss, linear.batch_size, linear.lr, linear.epochs, linear.seed) == \
        ("linear", "mse", 1, 0.1, 15000, 3)
    assert setup.config("linear", seed=3, epochs=10).epochs == 10  # --epochs over the set-up's own
    with pytest.raises(ConfigError, match="varies dataset, lr; a lab set-up is one network"):
        setup_from_file("learning-rate.toml")
    with pytest.raises(ConfigError, match="unknown set-up 'no-such-set-up': neither a file nor a shipped set-up"):
        setup_from_file("no-such-set-up")


def test_a_set_up_name_refused_suggests_only_set_ups_that_are_accepted():
    # a shipped sweep is named for what it varies, which a set-up may not: it is no suggestion
    with pytest.raises(ConfigError) as err:
        setup_from_file("learning-rate")
    assert "varies dataset, lr" in str(err.value) and "did you mean" not in str(err.value)
    with pytest.raises(ConfigError) as err:
        setup_from_file("xor-2-7-7-1-mse")
    message = str(err.value)
    assert "sweep file" not in message
    suggested = re.search(r"did you mean '([^']+)'", message).group(1)
    assert setup_from_file(suggested).options["hidden"] == (7, 7)  # the suggestion is one --setup takes


def test_depth_is_compared_at_about_the_same_number_of_weights():
    counts = [weights_of(h) for h in lab_questions.DEPTHS]
    assert counts == [105, 105, 109] and weights_of((8, 8)) == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1


def test_an_answer_is_its_template_filled_with_the_measured_verdict():
    question = _question("learning-rate")
    spec = dict((w, s) for f, (q, w, s) in lab_sweeps(DEFAULT, 2000).items() if f == "learning-rate/adam")["Adam"]
    rows = [_row("lr 0.0001", [0.5] * 5, "linear", chance=0.52), _row("lr 0.001", [0.6, 0.62, 0.64], "linear"),
            _row("lr 0.01", [1.0] * 3, "linear"), _row("lr 0.1", [1.0] * 3, "linear"),
            _row("lr 1", [0.52] * 3, "linear", chance=0.52)]
    rows += [dict(r, point={"dataset": "xor"}) for r in rows]
    said = answer(question, spec, rows, "Adam")
    assert said.startswith("With Adam: of the learning rates tried for 2,000 epochs, on the linear set, lr 0.01 and "
                           "lr 0.1 do equally well within the spread over seeds (100.0% mean test accuracy at best)")
    assert "; on XOR, " in said and said.endswith("fall behind.")


def test_settings_are_named_in_words_longest_label_first():
    question = _question("batch-size")
    spec = question.sweeps(DEFAULT, 2000)[0][2]
    rows = [_row("dataset linear, batch_size full", [0.5] * 3, "linear", chance=0.52),
            _row("dataset linear, batch_size 10", [1.0] * 3, "linear"),
            _row("dataset linear, batch_size 1", [0.99, 1.0, 0.98], "linear")]
    rows += [dict(r, point={"dataset": "xor"}, label=r["label"].replace("linear", "xor")) for r in rows]
    said = answer(question, spec, rows)
    assert "batches of 10" in said and "one sample" in said and "the full batch" in said
    assert "batch_size" not in said


def test_a_sweep_of_one_setting_has_no_answer():
    question = Question("one", "One?", ("000",), "{verdict}")
    spec = question.sweeps(DEFAULT, 10)[0][2]
    spec.vary = {}
    assert answer(question, spec, [_row("one setting", [1.0])]) is None


def _sweep_rows(spec, accuracy):
    """A summary row per setting of ``spec``, its mean test accuracy ``accuracy(config)``."""
    rows = []
    for point in spec.points():
        config = spec.config(point, 0)
        rows.append(_row(str(point), [accuracy(config)] * 5, config.dataset, reached=5 * (accuracy(config) == 1.0)))
    return rows


def test_report_004s_questions_are_answered_from_the_measured_numbers():
    sweeps = lab_sweeps(CLASSIC, 2000)
    activation = sweeps["without-activation/sgd"][2]
    rates = sweeps["learning-rate/sgd"][2]
    bias = sweeps["bias"][2]
    measured = {
        "without-activation": (activation, _sweep_rows(activation, lambda c: 0.524 if c.dataset == "xor" and
                                                        c.activation == ("identity",) else 1.0)),
        "learning-rate": (rates, _sweep_rows(rates, lambda c: 0.5 if c.lr in (0.01, 100.0) else 1.0)),
        "bias": (bias, _sweep_rows(bias, lambda c: 0.6 if c.dataset == "xor" and not c.bias else 0.98)),
    }
    said = dict(questions_in_words(measured))
    assert len(said) == 3
    assert "on XOR, which no straight line separates, the network scored 52.4% mean test accuracy against 100.0% " \
           "with the sigmoid" in said["What is the purpose of activation functions?"]
    rate = said["What might happen if the learning rate is too large or too small?"]
    assert "at learning rate 0.01 on XOR, 0 of 5 seeds reached 100%" in rate and "at learning rate 100," in rate
    biases = said["What is the purpose of weights and biases in a neural network?"]
    assert "the linear set scored 98.0% mean test accuracy without biases and 98.0% with them, XOR 60.0% without " \
           "and 98.0% with." in biases and "hardly need" not in biases
    measured["bias"] = (bias, _sweep_rows(bias, lambda c: 0.98))
    assert "The lab's sets hardly need the shift" in dict(questions_in_words(measured))[
        "What is the purpose of weights and biases in a neural network?"]
    # the sigmoid network that did not learn XOR either is said to, not hidden
    measured["without-activation"] = (activation, _sweep_rows(activation, lambda c: 0.524 if c.dataset == "xor"
                                                               else 1.0))
    assert "had not learned XOR either" in dict(questions_in_words(measured))[
        "What is the purpose of activation functions?"]


def test_a_question_without_its_sweep_is_not_answered_in_words():
    assert questions_in_words({}) == []
    assert lab_answers.preferred([("a", "Adam", lab_sweeps(DEFAULT, 10)["loss/adam"][2], []),
                                  ("b", "GD", lab_sweeps(DEFAULT, 10)["loss/sgd"][2], [])])[0] == "b"


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


def test_lab_refuses_full_without_report_and_two_set_ups(tmp_path, capsys):
    from backproplab.cli import main

    assert main(["lab", "--full", "--out", str(tmp_path / "a")]) == 2
    assert "--full adds an appendix to the report; give --report too" in capsys.readouterr().err
    assert not (tmp_path / "a").exists()
    with pytest.raises(SystemExit):
        main(["lab", "--classic", "--setup", "xor-2-7-7-1-mse-sgd"])
    assert "not allowed with argument" in capsys.readouterr().err


@pytest.mark.slow
def test_lab_on_a_set_up_trains_it_on_both_sets_and_records_it(tmp_path):
    import json

    from backproplab.cli import main
    from backproplab.experiments.lab_setup import read_lab_setup

    out = tmp_path / "lab"
    assert main(["lab", "--setup", "xor-2-7-7-1-mse-sgd", "--epochs", "20", "--print-every", "0",
                 "--out", str(out)]) == 0
    for name in ("linear", "xor"):
        config = json.loads((out / name / "metrics.json").read_text())["config"]
        assert (config["hidden"], config["loss"], config["batch_size"], config["epochs"]) == ([7, 7], "mse", 1, 20)
    assert read_lab_setup(out)["name"] == "xor-2-7-7-1-mse-sgd"
    out = tmp_path / "classic"
    assert main(["lab", "--classic", "--epochs", "20", "--print-every", "0", "--out", str(out)]) == 0
    assert json.loads((out / "xor" / "metrics.json").read_text())["config"]["optimizer"] == "sgd"
    assert read_lab_setup(out)["why"].startswith("the lab hand-out's set-up")


def test_the_appendix_asks_the_questions_on_the_chessboard_and_mnist_where_its_files_are(monkeypatch):
    from backproplab.experiments import lab_appendix

    monkeypatch.setattr(lab_appendix, "images_available", lambda: False)
    found = lab_appendix.appendix_sweeps(DEFAULT, 2000)
    assert set(found) == {"chessboard/hidden-units/sgd", "chessboard/hidden-units/adam", "chessboard/activation",
                          "chessboard/depth", "chessboard/bias", "chessboard/step-decay"}
    assert all(spec.vary["dataset"] == ["chessboard"] and spec.seeds == 5 for _, spec in found.values())
    monkeypatch.setattr(lab_appendix, "images_available", lambda: True)
    question, spec = lab_appendix.appendix_sweeps(DEFAULT, 2000)["mnist"]
    assert spec.vary == {"model": ["mlp", "cnn"]} and spec.config({"model": "cnn"}, 0).dataset == "mnist"
    assert question.asked_by == ("003",)


@pytest.mark.slow
def test_the_report_shows_an_appendix_sweep_with_its_answer(tmp_path):
    import re

    from backproplab.cli import main

    root = tmp_path / "lab"
    assert main(["lab", "--epochs", "30", "--print-every", "0", "--out", str(root)]) == 0
    assert main(["sweep", "--dataset", "chessboard", "--vary", "hidden=26,8-8", "--seeds", "2", "--epochs", "30",
                 "--out", str(root / "appendix" / "chessboard" / "depth")]) == 0
    assert main(["report", str(root)]) == 0
    page = (root / "report.html").read_text()
    appendix = page.split('<h2 id="appendix">')[1]
    assert appendix.startswith("Appendix: the chessboard, MNIST and convolution</h2>")
    assert "On the chessboard: one, two or three hidden layers" in appendix
    assert re.search(r'<p class="answer">At about the same number of weights, after 30 epochs: [^<]*hidden 8-8',
                     appendix)
