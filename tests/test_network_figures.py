"""network.png, neurons.png and gradients.png of every 2-D run, and the gradient norms behind them."""

import copy
import json

import numpy as np
import pytest

import backproplab as bl
from backproplab.cli import main
from backproplab.run import RunConfig, train
from backproplab.training import GradientNorms

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_a_run_writes_the_three_pictures_and_its_gradient_norms(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--dataset", "xor", "--epochs", "40", "--print-every", "0", "--out", str(out)]) == 0
    for name in ("network.png", "neurons.png", "gradients.png"):
        data = (out / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000, name
    metrics = json.loads((out / "metrics.json").read_text())
    assert list(metrics["gradient_norms"]) == ["W1", "W2", "W3"]
    assert all(len(v) == 40 and min(v) > 0 for v in metrics["gradient_norms"].values())
    trace = json.loads((out / "trace.json").read_text())
    assert trace["gradcheck_max_rel_error"] < 1e-6 and "largest loss" in trace["sample"]["source"]


def test_gradient_norms_are_the_norms_of_the_engines_gradients():
    X, y = bl.data.xor_easy()
    rng = np.random.default_rng(0)
    model = bl.Sequential(bl.Linear(2, 4, rng=rng), bl.Tanh(), bl.Linear(4, 1, rng=rng), bl.Sigmoid())
    reference = copy.deepcopy(model).to(np.float64)
    norms = GradientNorms()
    bl.fit(model, bl.BCELoss(), bl.SGD(model.parameters(), lr=0.5), X, y, epochs=1, callbacks=[norms])
    loss_fn = bl.BCELoss()
    loss_fn(reference(X), y)
    reference.backward(loss_fn.backward())
    assert norms.norms["W1"] == [pytest.approx(np.linalg.norm(reference[0].weight.grad), rel=1e-12)]
    assert norms.norms["W2"] == [pytest.approx(np.linalg.norm(reference[2].weight.grad), rel=1e-12)]


def test_mini_batch_norms_are_the_root_mean_square_over_the_epochs_batches():
    X, y = bl.data.xor_easy()
    rng = np.random.default_rng(0)
    model = bl.Sequential(bl.Linear(2, 3, rng=rng), bl.Sigmoid(), bl.Linear(3, 1, rng=rng), bl.Sigmoid())

    class Squares(bl.training.Callback):
        def __init__(self):
            self.squares = []

        def on_batch_end(self, n_samples, loss, n_correct):
            self.squares.append(float(np.sum(model[0].weight.grad ** 2)))

    squares, norms = Squares(), GradientNorms()
    bl.fit(model, bl.BCELoss(), bl.SGD(model.parameters(), lr=0.1), X, y, epochs=1, batch_size=5,
           callbacks=[squares, norms], seed=0)
    assert len(squares.squares) == 5
    assert norms.norms["W1"][0] == pytest.approx(np.sqrt(np.mean(squares.squares)), rel=1e-12)


def test_a_deep_sigmoid_network_shows_vanishing_gradients_a_relu_one_does_not():
    ratios = {}
    for activation in ("sigmoid", "relu"):
        norms = GradientNorms()
        config = RunConfig(dataset="xor", hidden=(8,) * 8, activation=(activation,), epochs=1, print_every=0,
                           init="he" if activation == "relu" else "xavier")
        train(config, callbacks=[norms])
        assert list(norms.norms) == [f"W{k}" for k in range(1, 10)]
        ratios[activation] = norms.norms["W9"][0] / norms.norms["W1"][0]  # last layer over first, epoch 1
    assert ratios["sigmoid"] >= 100, ratios
    assert ratios["relu"] < 100, ratios


@pytest.mark.slow
def test_a_2d_run_records_its_test_loss_every_epoch_unless_the_test_set_is_the_training_set(tmp_path, capsys):
    out = tmp_path / "linear"
    assert main(["train", "--dataset", "linear", "--epochs", "30", "--print-every", "0", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    history = metrics["history"]
    assert len(history["test_loss"]) == len(history["test_accuracy"]) == 30 and not metrics["test_is_training"]
    assert history["test_loss"][-1] == pytest.approx(metrics["test_loss"])  # the last epoch's is the final one
    assert history["test_accuracy"][-1] == metrics["test_accuracy"]
    assert history["test_loss"] != history["loss"]  # 100 other points
    out = tmp_path / "xor"
    assert main(["train", "--dataset", "xor", "--epochs", "30", "--print-every", "0", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test_is_training"] and "test_loss" not in metrics["history"]  # XOR is tested on itself


@pytest.mark.slow
def test_a_run_whose_updates_overflow_still_draws_its_pictures_and_prints_its_loss_short(tmp_path, capsys):
    out = tmp_path / "run"
    main(["train", "--dataset", "linear", "--activation", "identity", "--loss", "mse", "--output-activation",
          "identity", "--optimizer", "sgd", "--lr", "1e6", "--epochs", "50", "--print-every", "0", "--out", str(out)])
    printed = capsys.readouterr()
    assert "training diverged" in printed.out + printed.err and "Traceback" not in printed.err
    for name in ("network.png", "neurons.png"):
        assert (out / name).read_bytes().startswith(PNG), name
    final = next(line for line in printed.out.splitlines() if line.startswith("final training loss"))
    assert len(final) < 80 and "e+" in final  # 1.4123e+213, not 214 digits
