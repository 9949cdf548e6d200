"""Every diagnosis, each on a network built to fail that way, and none on a run that went well."""

import json
import warnings

import numpy as np
import pytest

from backproplab.cli import main
from backproplab.nn import ACTIVATIONS, Sequential, get_loss
from backproplab.nn.linear import Linear
from backproplab.run import RunConfig, train
from backproplab.training import DivergenceWarning, History, diagnose
from backproplab.training.optimum import at_linear_optimum, linear_optimum_loss


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
    # how often and how much, in numbers read off the same losses: a reader can weigh it
    rises = np.mean(losses[1:] > 1.01 * losses[:-1])
    assert f"rose from one epoch to the next on {rises:.0%} of the last 1,000 epochs" in run.diagnosis.seen
    assert f"between {losses.min():.3g} and {losses.max():.3g}" in run.diagnosis.seen


def test_a_loss_still_falling_when_the_epochs_run_out_is_not_converged():
    run = _run(dataset="linear", epochs=100)
    assert run.history.loss[-1] < run.history.loss[-3]
    assert run.diagnosis.kind == "not_converged" and "still falling" in run.diagnosis.seen


def test_history_alone_is_enough_for_a_diagnosis():
    history = History(epoch=[1, 2, 3], loss=[0.7, 0.5, 0.3], accuracy=[0.5, 0.6, 0.7])
    assert diagnose(history).kind == "not_converged"
    assert diagnose(History(epoch=[1], loss=[0.1], accuracy=[1.0])) is None


@pytest.mark.slow
def test_train_at_lr_100_says_what_happened(tmp_path, capsys):
    assert main(["train", "--lr", "100", "--print-every", "0", "--out", str(tmp_path / "run")]) == 0
    out = capsys.readouterr().out
    line = next(text for text in out.splitlines() if text.startswith("diagnosis: "))
    assert "saturated" in line and "likely cause" in line and "try " in line
    assert out.splitlines()[-2:] == [f"figures, model and metrics in {tmp_path / 'run'}", line]  # the last line, as the docs say
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["diagnosis"]["kind"] == "saturated" and metrics["diagnosis"]["message"] in line
    assert main(["train", "--print-every", "0", "--out", str(tmp_path / "good")]) == 0
    assert json.loads((tmp_path / "good" / "metrics.json").read_text())["diagnosis"] is None


@pytest.mark.slow
def test_each_lab_section_ends_with_its_diagnosis(tmp_path, capsys):
    assert main(["lab", "--epochs", "5", "--out", str(tmp_path / "lab")]) == 0  # 5 epochs: not converged on both
    lines = capsys.readouterr().out.splitlines()
    finals = [i for i, text in enumerate(lines) if text.startswith("final ")]
    assert len(finals) == 2
    assert all(lines[i + 1].startswith("diagnosis: not converged") for i in finals)


@pytest.mark.slow
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


# --- too few epochs for a trend; runs with validation data (images, CSV tables) ---

def test_a_run_too_short_for_a_trend_gets_no_verdict_on_one():
    one = diagnose(History(epoch=[1], loss=[1.14], accuracy=[0.63]))  # one epoch: nothing to compare it with
    assert one.kind == "not_converged" and "only 1 epoch" in one.seen
    assert "flat" not in one.seen and "local minimum" not in one.cause and "more --epochs" in one.fix
    two = diagnose(History(epoch=[1, 2], loss=[0.7, 0.5], accuracy=[0.5, 0.6]))
    assert "still falling" not in two.seen and "only 2 epochs" in two.seen


def _validated(loss, val_loss, val_accuracy, **more):
    n = len(loss)
    return History(epoch=list(range(1, n + 1)), loss=loss, accuracy=[0.6] * n, val_loss=val_loss,
                   val_accuracy=val_accuracy, **more)


def test_one_epoch_judged_on_its_validation_set_went_well():
    # MNIST's MLP after one epoch: 63% running training accuracy with dropout, 88% on the validation images
    assert diagnose(_validated([1.14], [0.42], [0.88])) is None


def test_a_validation_loss_that_stopped_falling_at_a_decent_accuracy_is_converged():
    # Fashion-MNIST's 20-epoch MLP: one cycle has taken the rate to ~0, the training loss (dropout on) still
    # creeps down, the validation loss is flat at 90%
    loss = list(np.geomspace(1.0, 0.197, 20))
    val = list(np.geomspace(0.56, 0.2725, 18)) + [0.2715, 0.2711]
    history = _validated(loss, val, [0.81] + [0.88] * 18 + [0.9018], lr=list(np.geomspace(2e-3, 1e-8, 20)))
    assert diagnose(history) is None


def test_a_validation_loss_still_falling_is_not_converged():
    history = _validated([1.0, 0.6, 0.5, 0.45, 0.42], [0.8, 0.5, 0.4, 0.33, 0.28], [0.7, 0.8, 0.85, 0.88, 0.9])
    found = diagnose(history)
    assert found.kind == "not_converged" and "validation loss still falling (0.33 -> 0.28)" in found.seen
    assert "more --epochs" in found.fix and found.cause == "too few epochs for this learning rate"
    history.lr = [1e-3, 8e-4, 4e-4, 1e-4, 1e-6]  # one cycle, run down to almost 0
    assert diagnose(history).cause == "too few epochs: the schedule ran its rate down while the loss still fell"


def test_a_validation_loss_flat_far_below_a_decent_accuracy_is_a_plateau():
    y = np.repeat(np.arange(10), 20)  # ten balanced classes: chance 10%, decent from 77.5%
    history = _validated(list(np.geomspace(2.0, 1.0, 10)), [1.6, 1.5] + [1.45] * 8, [0.4] + [0.45] * 9)
    found = diagnose(history, y=y)
    assert found.kind == "not_converged" and "validation accuracy 45%" in found.seen
    assert "validation loss no lower since epoch 3 (1.45)" in found.seen and "plateau" in found.cause


def test_a_network_that_fits_its_training_set_better_than_new_data_is_not_on_a_plateau():
    # a small table: the training loss keeps falling, the validation loss has been flat at twice it since epoch 6
    y = np.repeat([0, 1], 50)  # chance 50%, decent from 87.5%
    history = _validated(list(np.geomspace(0.6, 0.15, 10)), [0.5, 0.4, 0.35, 0.33, 0.315] + [0.31] * 5, [0.85] * 10)
    assert diagnose(history, y=y) is None


def test_a_flat_validation_loss_once_the_schedule_ran_down_asks_for_more_epochs():
    # ten epochs of a cosine decay on a table: loss and accuracy alike on both sets, the rate almost 0 at the end
    y = np.repeat([0, 1], 50)
    history = _validated([0.69, 0.62, 0.58, 0.56, 0.55, 0.545, 0.54, 0.538, 0.537, 0.536],
                         [0.66, 0.6, 0.57, 0.556, 0.55, 0.547, 0.546, 0.5455, 0.5455, 0.5455], [0.71] * 10,
                         lr=list(1e-3 * (1 + np.cos(np.pi * np.arange(10) / 10)) / 2))
    found = diagnose(history, y=y)
    assert found.kind == "not_converged" and "once the learning rate had run down to 2.4e-05" in found.seen
    assert "local minimum" not in found.cause and found.fix.startswith("more --epochs")


def test_an_early_stopped_run_is_judged_on_the_epoch_it_kept():
    history = _validated([1.0, 0.5, 0.3, 0.2, 0.1, 0.05], [0.6, 0.4, 0.35, 0.36, 0.4, 0.45],
                         [0.8, 0.88, 0.9, 0.9, 0.89, 0.7], best_epoch=3, stop_reason="early stopping")
    assert diagnose(history) is None


def test_a_confident_network_of_ten_classes_is_not_saturated():
    # every logit 50 for the right class: P(class 9) is ~0 or ~1 on every point, as in a well-trained MNIST MLP
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 300)
    X = 50.0 * np.eye(10)[y]
    layer = Linear(10, 10, rng=0)
    layer.weight.data[...], layer.bias.data[...] = np.eye(10), 0.0
    history = _validated([0.5, 0.3, 0.25, 0.24], [0.32, 0.3, 0.29, 0.29], [0.9, 0.91, 0.92, 0.92])
    assert diagnose(history, Sequential(layer), get_loss("cross_entropy"), X, y) is None


def _tiny_run(tiny_mnist, **changes):
    return _run(**{"dataset": "mnist", "data_dir": str(tiny_mnist), "download": False, "val_size": 100,
                   "batch_size": 32, **changes})


def test_one_epoch_on_images_that_went_well_has_no_diagnosis(tiny_mnist):
    run = _tiny_run(tiny_mnist, epochs=1)
    assert run.history.accuracy[-1] < 0.9 and run.history.val_accuracy[-1] > 0.9  # a mean over the first epoch
    assert run.diagnosis is None


@pytest.mark.slow
def test_an_image_run_that_learnt_nothing_is_told_its_learning_rate(tiny_mnist):
    run = _tiny_run(tiny_mnist, epochs=2, lr=1e-6)
    assert run.diagnosis.kind == "stuck" and "no lower than the class prior's" in run.diagnosis.seen
    assert "too small a learning rate" in run.diagnosis.cause and "learning rate 10-100x larger" in run.diagnosis.fix
    assert _tiny_run(tiny_mnist, epochs=1, lr=10.0).diagnosis.kind == "dead_relu"


def _no_activation_run(dataset, epochs=2000, lr=0.001):
    """The shipped no-activation sweep's set-up: identity everywhere, MSE, gradient descent from normal weights."""
    config = RunConfig(dataset=dataset, hidden=(8, 8), activation=("identity",), output_activation="identity",
                       loss="mse", init="normal", optimizer="sgd", lr=lr, epochs=epochs, print_every=0)
    return train(config)


def _ordinary_least_squares_loss(X, y):
    design = np.hstack([X, np.ones((len(X), 1))])
    beta = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)[0]
    return float(np.mean((design @ beta - y) ** 2))


def test_a_linear_network_at_the_least_squares_optimum_is_not_asked_for_more_epochs():
    run = _no_activation_run("linear")
    X, y = run.data.X_train, run.data.y_train
    assert run.history.loss[-1] == pytest.approx(_ordinary_least_squares_loss(X, y), rel=1e-8)
    assert run.diagnosis.kind == "linear_optimum"
    assert "least-squares optimum of a linear model" in run.diagnosis.seen
    assert "epochs" not in run.diagnosis.fix and "learning rate" not in run.diagnosis.fix
    assert linear_optimum_loss(run.model, run.loss_fn, X, y) == pytest.approx(_ordinary_least_squares_loss(X, y),
                                                                              rel=1e-12)


def test_only_a_linear_model_on_squared_error_at_its_optimum_is_called_so():
    early = _no_activation_run("linear", epochs=5)  # linear and least squares, but far from the optimum yet
    assert early.diagnosis is None or early.diagnosis.kind != "linear_optimum"
    X, y = early.data.X_train, early.data.y_train
    assert at_linear_optimum(early.model, early.loss_fn, X, y) is None
    sigmoid = Sequential(Linear(2, 8), ACTIVATIONS["sigmoid"](), Linear(8, 1))
    assert linear_optimum_loss(sigmoid, early.loss_fn, X, y) is None  # not a linear model
    assert linear_optimum_loss(early.model, get_loss("bce_logits"), X, y) is None  # not least squares
    bottleneck = Sequential(Linear(2, 1), Linear(1, 2))
    assert linear_optimum_loss(bottleneck, early.loss_fn, X, np.eye(2)[y]) is None  # rank capped at 1
