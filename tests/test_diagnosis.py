"""Every diagnosis, each on a network built to fail that way, and none on a run that went well."""

import json
import warnings

import numpy as np

from backproplab.cli import main
from backproplab.run import RunConfig, train
from backproplab.training import DivergenceWarning, History, diagnose


def _run(**options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        return train(RunConfig.for_dataset(print_every=0, **options))


def test_a_run_that_went_well_has_no_diagnosis():
    assert _run().diagnosis is None  # the lab's network on XOR


def test_non_finite_loss_is_diverged():
    run = _run(dataset="linear", activation=("identity",), loss="mse", output_activation="identity",
               optimizer="sgd", lr=1e6, epochs=50)
    assert run.history.diverged
    assert run.diagnosis.kind == "diverged" and "non-finite" in run.diagnosis.seen


def test_a_loss_grown_far_above_its_start_is_diverged_while_finite():
    # no activation anywhere, MSE, Adam at lr 1000: the loss grows to ~1e9 and stays finite
    run = _run(activation=("identity",), loss="mse", output_activation="identity", lr=1000.0)
    assert not run.history.diverged and run.history.loss[-1] > 1e6
    assert run.diagnosis.kind == "diverged" and "grew from" in run.diagnosis.seen


def test_outputs_pinned_at_0_or_1_are_saturated():
    run = _run(lr=100.0)  # the lab's network, Adam at lr 100
    assert run.diagnosis.kind == "saturated"
    assert "learning rate" in run.diagnosis.fix


def test_one_output_for_every_point_is_stuck():
    run = _run(activation=("identity",))  # a linear model on XOR: the best it does is the class prior
    assert run.diagnosis.kind == "stuck"
    assert abs(run.history.loss[-1] - np.log(2)) < 0.01
    assert "no hidden activation" in run.diagnosis.cause


def test_relu_units_that_never_fire_are_dead():
    run = _run(activation=("relu",), init="he", optimizer="sgd", lr=5.0)
    assert run.diagnosis.kind == "dead_relu"


def test_a_loss_rising_and_falling_is_oscillating():
    run = _run(dataset="linear", loss="mse", optimizer="sgd", lr=30.0)
    losses = np.array(run.history.loss[1000:])
    assert np.mean(losses[1:] > losses[:-1]) > 0.25
    assert run.diagnosis.kind == "oscillating"


def test_a_loss_still_falling_when_the_epochs_run_out_is_not_converged():
    run = _run(dataset="linear", epochs=100)
    assert run.history.loss[-1] < run.history.loss[-3]
    assert run.diagnosis.kind == "not_converged" and "still falling" in run.diagnosis.seen


def test_history_alone_is_enough_for_a_diagnosis():
    history = History(epoch=[1, 2, 3], loss=[0.7, 0.5, 0.3], accuracy=[0.5, 0.6, 0.7])
    assert diagnose(history).kind == "not_converged"
    assert diagnose(History(epoch=[1], loss=[0.1], accuracy=[1.0])) is None


def test_train_at_lr_100_says_what_happened(tmp_path, capsys):
    assert main(["train", "--lr", "100", "--print-every", "0", "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    line = next(text for text in out.splitlines() if text.startswith("diagnosis: "))
    assert "saturated" in line and "likely cause" in line and "try " in line
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["diagnosis"]["kind"] == "saturated" and metrics["diagnosis"]["message"] in line
    assert main(["train", "--print-every", "0", "--out", str(tmp_path / "good")]) == 0
    assert json.loads((tmp_path / "good" / "metrics.json").read_text())["diagnosis"] is None


def test_sweep_results_name_the_diagnosis(tmp_path):
    assert main(["sweep", "--dataset", "xor", "--vary", "activation=identity", "--seeds", "1", "--workers", "1",
                 "--out", str(tmp_path / "sweep")]) == 0
    lines = (tmp_path / "sweep" / "results.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["diagnosis"] == "stuck"


def test_a_fix_never_suggests_what_the_run_already_does():
    # the lab's network (Xavier, Adam) stopped on XOR's plateau, long before it learns
    run = _run(epochs=50)
    assert run.diagnosis.kind == "stuck"
    assert "xavier" not in run.diagnosis.fix and "adam" not in run.diagnosis.fix
    assert "more --epochs" in run.diagnosis.fix
    # the same plateau under plain SGD from standard-normal weights is offered both
    again = diagnose(run.history, run.model, run.loss_fn, run.data.X_train, run.data.y_train,
                     settings={"init": "normal", "optimizer": "sgd"})
    assert "--init xavier" in again.fix and "adam" in again.fix
