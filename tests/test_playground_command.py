"""The page's ``backproplab train`` command trains what the page trains: run from the command
line, it draws the same points and split, starts from the same weights, and books the same
training and test loss at every epoch (the page's losses, which train.py repeats)."""

import json
import shlex

import numpy as np
import pytest

from backproplab.cli import main
from backproplab.model_file import load_model
from backproplab.playground import Session
from backproplab.playground.script import python_script

pytestmark = pytest.mark.slow  # each runs backproplab train end to end

SETUPS = [
    {"dataset": "circle", "noise": 20, "points": 120, "ratio": 70, "features": ["x1", "x2", "x1^2", "x2^2"],
     "hidden": [4, 3], "activation": ["tanh", "relu"], "batch": 7, "regularization": "l2", "reg_rate": 0.01,
     "schedule": "cosine", "budget": 6, "seed": 5, "init_seed": 3},
    {"dataset": "spiral", "classes": 3, "loss": "cross_entropy", "hidden": [5], "activation": ["relu"],
     "features": ["x1", "sin(x2)", "x1*x2"], "optimizer": "adam", "schedule": "step", "dropout": 0.1,
     "regularization": "l1", "reg_rate": 0.003, "budget": 5},
    {"dataset": "gauss", "points": 50, "batch": 50, "hidden": [3], "activation": ["sigmoid"], "schedule": "plateau",
     "noise": 35, "budget": 5, "target_accuracy": 1.0},
    {"dataset": "circle", "hidden": [6], "activation": ["tanh"], "optimizer": "adam", "lr": 0.1, "budget": 200,
     "target_loss": 0.05},  # stops at the loss, as the page does
    {"dataset": "xor", "hidden": [3], "activation": ["tanh"], "schedule": "exponential", "budget": 5,
     "init_seed": 9, "features": ["x1*x2", "sin(x1)"]},
    {"dataset": "spiral", "classes": 3, "loss": "cross_entropy", "hidden": [], "activation": [], "budget": 4,
     "features": ["x1", "x2", "x1^2", "x2^2", "sin(x1)"]},  # no hidden layer: a linear model of the features
    # a generator of the lab's, placed in [-5, 5]^2 and split as the page does
    {"dataset": "lab-chessboard", "noise": 20, "points": 200, "ratio": 70, "hidden": [6, 5],
     "activation": ["relu", "tanh"], "features": ["x1", "x2", "sin(x1)"], "optimizer": "adam", "lr": 0.01,
     "schedule": "cosine", "regularization": "l2", "reg_rate": 0.003, "batch": 16, "budget": 6, "dropout": 0.1},
    {"dataset": "lab-xor", "ratio": 60, "hidden": [4], "activation": ["tanh"], "batch": 5, "budget": 5},
    {"dataset": "lab-spiral", "classes": 3, "loss": "cross_entropy", "points": 90, "hidden": [4],
     "activation": ["tanh"], "noise": 10, "budget": 4, "seed": 2},
    # regression: the page's surfaces, values regressed onto by a linear output
    {"dataset": "plane", "problem": "regression", "loss": "mse", "noise": 15, "points": 150, "ratio": 60,
     "hidden": [4], "activation": ["tanh"], "batch": 8, "budget": 5, "seed": 3, "target_accuracy": 0.9},
    {"dataset": "gauss-mix", "problem": "regression", "loss": "mse", "hidden": [6, 3], "activation": ["tanh", "relu"],
     "features": ["x1", "x2", "x1*x2", "sin(x1)"], "optimizer": "adam", "schedule": "cosine", "dropout": 0.1,
     "regularization": "l2", "reg_rate": 0.003, "budget": 5, "init_seed": 4},
    {"dataset": "gauss-mix", "problem": "regression", "loss": "mse", "hidden": [], "activation": [], "budget": 4,
     "target_loss": 0.02},  # a linear model of the points
    # and a surface's signs as two classes, as the page classifies a surface
    {"dataset": "plane", "hidden": [3], "activation": ["tanh"], "budget": 4, "noise": 20},
]


def page_run(session, epochs=None):
    """The page's (training loss, test loss) after each epoch, trained until its budget or a target
    stops it (or for ``epochs``, as a student who presses pause)."""
    while not session.stopped and (epochs is None or session.epoch < epochs):
        session.train_epoch()
    return [(h["train_loss"], h["test_loss"]) for h in session.history[1:]]


@pytest.mark.parametrize("settings", SETUPS)
def test_the_command_trains_the_page_s_run_epoch_by_epoch(settings, tmp_path):
    check_the_command(Session(settings), tmp_path)


@pytest.mark.parametrize("settings", [
    {"dataset": "circle", "hidden": [4], "activation": ["tanh"], "schedule": "cosine", "batch": 20},
    {"dataset": "gauss", "hidden": [3], "activation": ["relu"], "schedule": "onecycle", "optimizer": "adam",
     "batch": 30, "noise": 30},
    {"dataset": "xor", "hidden": [3], "activation": ["tanh"], "schedule": "exponential", "points": 100,
     "target_loss": 0.001},  # a target not reached
])
def test_a_page_without_a_budget_exports_the_epochs_it_has_trained(settings, tmp_path):
    """Trained until paused, at epoch 7: the command trains those 7 epochs, on the schedule the page
    runs over its 1000, and ends where the page is."""
    session = Session(settings)
    page_run(session, epochs=7)
    assert "--epochs 7 " in session.frame(-1, 0)["command"]
    check_the_command(session, tmp_path)


def test_the_script_of_a_page_without_a_budget_trains_the_epochs_it_has_trained():
    session = Session({"dataset": "gauss", "hidden": [3], "activation": ["tanh"], "schedule": "cosine", "batch": 25})
    page = page_run(session, epochs=4)
    scope = {}
    exec(compile(python_script(session), "train.py", "exec"), scope)  # trains the 4 epochs the page has trained
    assert len(scope["history"]) == len(page) == 4
    assert np.allclose(scope["history"], page, rtol=0, atol=1e-9)


def check_the_command(session, tmp_path):
    """Run the command ``session`` shows; its losses at every epoch and its final weights are the page's."""
    # trained to its end first (a page without a budget: as far as it went)
    page = page_run(session, None if session.settings["budget"] else session.epoch)
    lines = session.frame(-1, 0)["command"].splitlines()
    (command,) = [line for line in lines if not line.startswith("#")]
    assert [line for line in lines if line.startswith("#")] == [
        "# the page's set-up as a backproplab train command: the same data, weights and losses"]
    words = shlex.split(command)
    assert words[:2] == ["backproplab", "train"]
    assert main([*words[1:], "--out", str(tmp_path / "run")]) == 0
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    cli = list(zip(metrics["history"]["loss"], metrics["history"]["test_loss"]))
    assert len(cli) == len(page) >= 1
    assert np.allclose(cli, page, rtol=0, atol=1e-9)
    # and so the weights it ends with
    model, _ = load_model(tmp_path / "run" / "model.npz")
    for ours, theirs in zip(model.parameters(), session.model.parameters(), strict=True):
        assert np.allclose(ours.data, theirs.data, rtol=0, atol=1e-9)


@pytest.mark.parametrize("settings", [
    {"hidden": [4], "activation": ["tanh"], "budget": 5, "batch": 5, "features": ["x1", "x2", "x1*x2"]},
    {"hidden": [3, 3], "activation": ["relu", "tanh"], "budget": 4, "ratio": 60, "optimizer": "adam",
     "loss": "cross_entropy", "regularization": "l1", "reg_rate": 0.002, "seed": 4, "init_seed": 6},
])
def test_the_command_of_an_upload_trains_the_page_s_run_on_the_file(settings, tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    rows = rng.uniform(-2, 7, (40, 2))
    text = "x1,x2,label\n" + "".join(f"{a:.3f},{b:.3f},{int(a + b > 5) + int(a > 4)}\n" for a, b in rows)
    (tmp_path / "points.csv").write_text(text)
    monkeypatch.chdir(tmp_path)  # the command reads points.csv, the uploaded file
    session = Session()
    session.upload(text.encode())
    session.apply({**session.settings, **settings})
    check_the_command(session, tmp_path)


@pytest.mark.parametrize("settings, header", [
    ({"hidden": [4], "activation": ["tanh"], "budget": 5, "batch": 4}, "x1,x2,label\n"),
    ({"hidden": [3, 2], "activation": ["relu", "tanh"], "budget": 4, "ratio": 70, "optimizer": "adam",
      "features": ["x1", "x2", "x1^2"], "regularization": "l1", "reg_rate": 0.001, "seed": 2}, ""),  # no header
])
def test_the_command_of_a_regression_upload_trains_the_page_s_run_on_the_file(settings, header, tmp_path, monkeypatch):
    """An uploaded file of values to regress onto: ``--dataset csv-points --targets values``; a file
    without a header has its targets in the last column, there as on the page."""
    rng = np.random.default_rng(5)
    rows = rng.uniform(-3, 8, (40, 2))
    text = header + "".join(f"{a:.3f},{b:.3f},{0.1 * a - 0.3 * b + 0.05 * a * b:.4f}\n" for a, b in rows)
    (tmp_path / "points.csv").write_text(text)
    monkeypatch.chdir(tmp_path)
    session = Session({"dataset": "plane", "problem": "regression", "loss": "mse"})
    session.upload(text.encode())
    session.apply({**session.settings, **settings})
    assert session.settings["dataset"] == "csv" and session.n_classes == 0
    check_the_command(session, tmp_path)
