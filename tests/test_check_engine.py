"""lab --engine and train --engine: the lab trained by a student's own code, in the checker's child process.

A correct network of each shape in examples/check/ trains exactly as the engine's run of the same
set-up from the same weights; a network whose check fails is refused with its first failing item;
code that hangs or quits while training ends in one line, in bounded time.
"""

import json
import pathlib
import re
import shlex
import time

import numpy as np
import pytest
from printed_text import find_lines
from test_check import BUGS, REPORT_004_DW1, SHAPES, submission

from backproplab.check import StudentEngine, student_config
from backproplab.check.engine_run import Refused
from backproplab.check.protocol import Declared
from backproplab.cli import main
from backproplab.errors import ConfigError
from backproplab.run import RunConfig, train_recorded

ROOT = pathlib.Path(__file__).resolve().parents[1]

# The lab's XOR passes a saddle near epoch 1,100 at the rate it trains with, where differences of
# rounding (1e-16, from sums taken in another order) grow to visible ones: compared before it.
EPOCHS = {"xor": 1000, "linear": 2000}


def test_the_run_takes_the_networks_set_up_and_plain_gradient_descent():
    declared = Declared(loss="half_sse", reduction="sum", sizes=(2, 3, 5, 1), biases="none")
    config = student_config(declared, RunConfig(dataset="linear"))
    assert (config.hidden, config.loss, config.loss_reduction, config.bias) == ((3, 5), "half_sse", "sum", False)
    assert config.optimizer == "sgd" and config.momentum is None and config.schedule == "constant"
    assert config.lr == pytest.approx(0.5 / config.n_points)  # a summed loss takes the rate per point
    given = student_config(declared, RunConfig(dataset="linear", lr=0.01), {"lr": 0.01})
    assert given.lr == 0.01


@pytest.mark.parametrize("option, value, words", [("optimizer", "adam", "--optimizer adam cannot apply"),
                                                  ("hidden", (8, 8), "--hidden 8 8 cannot apply"),
                                                  ("loss", "mse", "--loss mse cannot apply")])
def test_an_option_the_network_cannot_follow_is_refused_by_name(option, value, words):
    config = RunConfig(dataset="xor", **{option: value})
    with pytest.raises(ConfigError, match=words):
        student_config(Declared(), config, {option: value})


@pytest.mark.slow
@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_trains_the_lab_as_the_engine_does_from_the_same_weights(tmp_path, shape):
    engine = StudentEngine(str(submission(tmp_path / shape, shape)), time_limit=60)
    for dataset, epochs in EPOCHS.items():
        config = engine.lab_config(dataset, 0, epochs, 0)
        mine, reference = engine.train(config), train_recorded(config, write=None)
        for name in ("loss", "accuracy"):
            np.testing.assert_allclose(getattr(mine.history, name), getattr(reference.history, name), rtol=1e-9,
                                       atol=1e-12, err_msg=f"{shape} {dataset} {name}")
        assert (mine.test_curve is None) == (reference.test_curve is None) == (dataset == "xor")
        if mine.test_curve:
            np.testing.assert_allclose(mine.test_curve["loss"], reference.test_curve["loss"], rtol=1e-9)
        for layer, norms in reference.gradient_norms.items():
            np.testing.assert_allclose(mine.gradient_norms[layer], norms, rtol=1e-8, err_msg=layer)
        for mine_p, reference_p in zip(mine.model.parameters(), reference.model.parameters()):
            np.testing.assert_allclose(mine_p.data, reference_p.data, rtol=1e-8, atol=1e-12)
    assert mine.history.accuracy[-1] >= 0.9 and mine.history.loss[-1] < 0.5 * mine.history.loss[0]  # it learns linear


@pytest.mark.slow
def test_mini_batches_are_shuffled_as_the_engine_shuffles_them(tmp_path):
    engine = StudentEngine(str(submission(tmp_path / "mine", "layers_model")))
    given = {"batch_size": 16, "lr": 0.05, "epochs": 60}
    config = engine.config_for(RunConfig.for_dataset(dataset="circles", print_every=0, **given), given)
    mine, reference = engine.train(config), train_recorded(config, write=None)
    assert config.shuffle and config.lr == 0.05
    np.testing.assert_allclose(mine.history.loss, reference.history.loss, rtol=1e-9)
    np.testing.assert_allclose(mine.test_curve["accuracy"], reference.test_curve["accuracy"])


@pytest.mark.parametrize("argv, words", [(["train", "--engine", "x.py", "--resume", "runs/x"], "drop one"),
                                         (["lab", "--time-limit", "3"], "--time-limit applies to --engine PATH")])
def test_engine_options_given_where_they_cannot_apply_are_refused(capsys, argv, words):
    assert main(argv) != 0
    assert words in capsys.readouterr().err


@pytest.mark.slow
def test_lab_engine_writes_the_labs_files_and_says_whose_network_they_show(tmp_path, capsys):
    path = str(submission(tmp_path / "mine", "plain_functions"))
    assert main(["lab", "--engine", path, "--epochs", "300", "--out", str(tmp_path / "lab"), "--report"]) == 0
    out = capsys.readouterr().out
    assert f"running on your network {path}: it passes the check (26/26)" in out
    assert "== xor, your network (mine): hidden 4-4 sigmoid, output sigmoid, loss bce, sgd lr 2" in out
    assert "the figures draw your final weights through the engine's forward pass" in out
    for dataset in ("linear", "xor"):
        folder = tmp_path / "lab" / dataset
        assert {"model.npz", "metrics.json", "learning_curve.png", "decision_boundary.png", "comparison.png",
                "gradients.png", "trace.json"} <= {p.name for p in folder.iterdir()}
        metrics = json.loads((folder / "metrics.json").read_text())
        reference = train_recorded(StudentEngine(path).lab_config(dataset, 0, 300, 0), write=None)
        assert metrics["final_loss"] == pytest.approx(reference.history.loss[-1], rel=1e-9)
        assert metrics["config"]["optimizer"] == "sgd" and len(metrics["predictions"]) > 20
    assert (tmp_path / "lab" / "report.html").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("command", [["lab"], ["train", "--dataset", "circles"]])
def test_a_network_whose_check_fails_is_refused_with_its_first_failing_item(tmp_path, capsys, command):
    path = str(submission(tmp_path / "004", "plain_functions", BUGS["004-dW1-no-input"][1]))
    assert main([*command, "--engine", path, "--out", str(tmp_path / "run")]) != 0
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.startswith("error: refused: your backward pass fails the check at layer 1 dW: shape (1, 4), not (2, 4)")
    assert "likely mistake: dW1 is built from no input" in err
    assert err.endswith(f"(run `backproplab check {path}` for the whole report)")
    assert not (tmp_path / "run").exists()


# Code that passes the check (a few calls of update) and then misbehaves while training.
LATER = ("def update(net, lr):\n    global CALLS\n    CALLS += 1\n    if CALLS > 100:\n        {act}\n"
         "    network.update(net['params'], net['grads'], lr)\n")
HOSTILE = {"an endless loop": ("while True: pass", "did not finish within 3 s in update at epoch"),
           "os._exit": ("import os; os._exit(3)", "ended the checking process with exit status 3 in update at epoch"),
           "an exception": ("raise KeyError('grads')", "raised KeyError: 'grads'")}


@pytest.mark.slow
@pytest.mark.parametrize("name", HOSTILE)
def test_code_that_fails_while_training_ends_in_one_line_in_bounded_time(tmp_path, capsys, name):
    act, words = HOSTILE[name]
    adapter = [("def update(net, lr): network.update(net[\"params\"], net[\"grads\"], lr)\n",
                "CALLS = 0\n" + LATER.format(act=act))]
    path = str(submission(tmp_path / "later", "plain_functions", adapter_edits=adapter))
    started = time.perf_counter()
    assert main(["train", "--engine", path, "--time-limit", "3", "--out", str(tmp_path / "run")]) != 0
    assert time.perf_counter() - started < 30
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error: stopped: your code ") and words in err, err
    with pytest.raises(Refused, match="while training on xor"):
        engine = StudentEngine(path, time_limit=3)
        engine.train(engine.config_for(RunConfig(dataset="xor", epochs=200)))


@pytest.mark.slow
def test_trace_engine_shows_each_number_beside_the_engines_and_where_they_part(tmp_path, capsys):
    right = str(submission(tmp_path / "right", "plain_functions"))
    assert main(["trace", "--engine", right, "--dataset", "linear", "--sample", "3"]) == 0
    out = capsys.readouterr().out
    verdicts = [line for line in out.splitlines() if line and not line.startswith(" ")][1:-1]  # between source and check
    assert len(verdicts) == 25 and all(line.endswith(": agree") for line in verdicts), verdicts
    assert out.count("  engine  [") == out.count("  yours   [") == 25
    wrong = str(submission(tmp_path / "004", "plain_functions", BUGS["004-dW1-no-input"][1]))
    assert main(["trace", "--engine", wrong, "--dataset", "linear", "--sample", "3"]) == 0
    out = capsys.readouterr().out
    assert "layer 1 δ = dL/dz: agree" in out and "layer 1 dW: DIFFER: shape (1, 4), not (2, 4)" in out
    assert "layer 1 W after one step: DIFFER: relative error" in out and "the check: 23/26" in out


@pytest.mark.slow
def test_the_lab_on_your_own_code_in_docs_check_md_prints_what_the_page_shows(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["exercise", "my_lab"]) == 0
    page = (ROOT / "docs" / "check.md").read_text(encoding="utf-8")
    section = page.split("## The lab on your own code")[1].split("## From Python")[0]
    sessions = re.findall(r"\n```\n(\$ .*?)\n```", section, re.S)
    assert len(sessions) == 3
    network = (ROOT / "examples" / "check" / "plain_functions" / "network.py").read_text(encoding="utf-8")
    for i, session in enumerate(sessions):
        fixed = i == 2  # the page shows the lab once dW1 is X.T @ dZ1
        (tmp_path / "my_lab" / "network.py").write_text(network if fixed else network.replace(
            "    dW1 = X.T @ dZ1", REPORT_004_DW1), encoding="utf-8")
        command, *shown = session.split("\n")
        capsys.readouterr()
        assert (main(shlex.split(command)[2:]) == 0) == (not shown[0].startswith("error:"))
        captured = capsys.readouterr()
        printed = (captured.out + captured.err).rstrip("\n").split("\n")
        for run in "\n".join(shown).split("\n  ...\n"):
            assert find_lines(printed, run.split("\n")) is not None, run


@pytest.mark.slow
def test_a_regression_on_your_network_measures_its_loss_and_no_accuracy(tmp_path):
    """Values to regress onto have no class to count right: the loss only, as the engine's own run."""
    engine = StudentEngine(str(submission(tmp_path / "one_class", "one_class")), time_limit=60)
    config = engine.config_for(RunConfig.for_dataset(dataset="playground-plane", loss="half_sse", epochs=20))
    mine, reference = engine.train(config), train_recorded(config, write=None)
    assert mine.history.accuracy == reference.history.accuracy == [None] * 20
    assert mine.test_curve["accuracy"] == [None] * 20
    np.testing.assert_allclose(mine.history.loss, reference.history.loss, rtol=1e-9)
    np.testing.assert_allclose(mine.test_curve["loss"], reference.test_curve["loss"], rtol=1e-9)
