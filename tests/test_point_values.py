"""Values to regress onto, on 2-D points: the playground's surfaces (``playground-plane``,
``playground-gauss-mix``) and a file of points with ``--targets values``. A linear output, the loss
and R² without an accuracy, a heat map of the prediction, and ``predict`` printing values; a value
without a meaning gets a one-line error."""

import json

import numpy as np
import pytest

from backproplab.cli import main
from backproplab.data.features import features
from backproplab.errors import ConfigError
from backproplab.experiments.spec import SweepSpec
from backproplab.model_file import load_model
from backproplab.nn import ACTIVATIONS, LOSSES, Identity, Linear, Sequential, Sigmoid, Tanh
from backproplab.optim import SGD
from backproplab.plots import value_map
from backproplab.report.sections import prediction_rows, results_rows
from backproplab.run import RunConfig, make_data, prepare, train
from backproplab.training import fit


@pytest.mark.parametrize("options, words", [
    ({"dataset": "playground-plane", "loss": "bce"}, "--dataset playground-plane holds values to regress onto; "
                                                     "--loss bce is for classes: use --loss mse or half_sse"),
    ({"dataset": "playground-gauss-mix", "loss": "cross_entropy"}, "--loss cross_entropy is for classes"),
    ({"dataset": "playground-plane", "loss": "mse", "target_accuracy": 0.9}, "--target-accuracy needs classes"),
    ({"dataset": "xor", "targets": "values"}, "--targets applies to"),
    ({"dataset": "playground-circle", "targets": "values"}, "--targets applies to"),
    ({"dataset": "playground-plane", "targets": "numbers"}, "'numbers'"),
    ({"dataset": "csv-points", "data": "p.csv", "targets": "values", "loss": "bce"}, "--loss bce is for classes"),
])
def test_a_value_without_a_meaning_gets_one_line(options, words):
    with pytest.raises(ConfigError) as error:
        RunConfig.for_dataset(**options)
    assert words in str(error.value) and "\n" not in str(error.value)


def test_a_sweep_of_values_is_refused_in_one_line():
    """A sweep's results are accuracies, which values to regress onto have none of."""
    with pytest.raises(ConfigError) as error:
        SweepSpec(base={"dataset": "playground-plane", "loss": "mse"}, vary={"lr": [0.01, 0.1]})
    assert "a sweep compares accuracies; --dataset playground-plane holds values" in str(error.value)


def test_a_surface_gives_values_and_a_linear_output_or_with_targets_classes_the_signs():
    config = RunConfig.for_dataset(dataset="playground-plane", loss="mse", n=60, test_size=20, noise=0.1)
    data = make_data(config)
    assert data.n_classes == 0 and data.y_train.dtype == np.float64 and len(np.unique(data.y_train)) == 40
    # the plane's targets are (x1 + x2) / 10 of the points before their noise: within noise of it
    assert np.abs(data.y_train - data.X_train.sum(axis=1) / 10).max() < 0.4
    prepared = prepare(config)
    assert prepared.head.output_activation == ACTIVATIONS.name_of(Identity) and prepared.head.outputs == 1
    assert not isinstance(prepared.model.layers[-1], Sigmoid)  # the value as it is
    signs = make_data(config.replace(targets="classes", loss="bce"))
    assert signs.n_classes == 2 and np.array_equal(signs.y_train, (data.y_train > 0).astype(np.int64))


def test_a_file_of_values_is_read_as_values_and_float_labels_alone_are_refused(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{k},{k * k % 7},{0.25 * k - 1}\n" for k in range(10)))
    config = RunConfig.for_dataset(dataset="csv-points", data=str(path), test_size=3, targets="values", loss="mse")
    data = make_data(config)
    assert sorted(np.concatenate([data.y_train, data.y_test])) == [0.25 * k - 1 for k in range(10)]
    with pytest.raises(ConfigError) as error:
        make_data(config.replace(targets="auto", loss="bce"))
    assert "labels must be integers" in str(error.value) and "add --targets values" in str(error.value)


def test_a_file_of_points_without_a_header_has_its_label_in_the_last_column(tmp_path):
    """As the playground reads an upload, and as the exported command must read it again."""
    path = tmp_path / "points.csv"
    path.write_text("".join(f"{k},{k * k % 7},{0.5 * k}\n" for k in range(8)))
    for targets, loss in (("values", "mse"), ("auto", "bce")):
        if targets == "auto":
            path.write_text("".join(f"{k},{k * k % 7},{k % 2}\n" for k in range(8)))
        data = make_data(RunConfig.for_dataset(dataset="csv-points", data=str(path), test_size=2, targets=targets,
                                               loss=loss))
        assert np.concatenate([data.X_train, data.X_test]).shape == (8, 2)
        assert sorted(np.concatenate([data.y_train, data.y_test])) == sorted(
            0.5 * k if targets == "values" else k % 2 for k in range(8))


def test_training_on_values_books_the_loss_and_no_accuracy():
    config = RunConfig.for_dataset(dataset="playground-gauss-mix", loss="mse", n=80, hidden=(5,),
                                   activation=("tanh",), epochs=30, lr=0.05, features=("x1", "x2", "x1*x2"))
    run = train(config)
    assert run.history.accuracy == [None] * 30 and run.history.loss[-1] < run.history.loss[0]
    with pytest.raises(ConfigError, match="y must hold finite values to regress onto"):
        fit(run.model, run.loss_fn, SGD(run.model.parameters()), run.data.X_train, np.full(len(run.data.y_train), np.nan), epochs=1, classes=False)


@pytest.mark.slow
def test_backproplab_train_writes_a_regression_run_and_predict_gives_its_values(tmp_path, capsys):
    folder = tmp_path / "run"
    assert main(["train", "--dataset", "playground-gauss-mix", "--loss", "mse", "--n", "200", "--hidden", "8",
                 "--activation", "tanh", "--features", "x1", "x2", "x1*x2", "--epochs", "60", "--lr", "0.03",
                 "--out", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "test R² " in out and "accuracy" not in out
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["test_accuracy"] is None and metrics["history"]["accuracy"] == [None] * 60
    assert metrics["test_r2"] > 0.3 and metrics["test_loss"] > 0
    assert {"prediction.png", "learning_curve.png", "network.png", "model.npz"} <= {p.name for p in folder.iterdir()}
    assert not (folder / "decision_boundary.png").exists()  # no classes to draw the boundary of
    # predict reads raw x1, x2 and gives the network's values on the features
    points = np.random.default_rng(0).uniform(-5, 5, (6, 2))
    (tmp_path / "points.csv").write_text("".join(f"{float(a)!r},{float(b)!r}\n" for a, b in points))
    assert main(["predict", "--model", str(folder / "model.npz"), "--data", str(tmp_path / "points.csv"),
                 "--out", str(tmp_path / "values.csv")]) == 0
    written = np.loadtxt(tmp_path / "values.csv", delimiter=",", skiprows=1)
    model, _ = load_model(folder / "model.npz")
    model.eval()
    expected = model.forward(features(points, ("x1", "x2", "x1*x2")))[:, 0]
    assert np.allclose(written[:, 1], expected, rtol=1e-5, atol=1e-6)
    assert main(["predict", "--model", str(folder / "model.npz"), "--data", str(tmp_path / "points.csv"),
                 "--kaggle", str(tmp_path / "k.csv")]) == 2
    assert "predicts values, not classes" in capsys.readouterr().err
    # the report says what ran: a linear output, R² in place of an accuracy, the heat map
    assert main(["report", str(folder)]) == 0
    report = (folder / "report.md").read_text()
    assert "identity (chosen for values to regress onto)" in report and f"{metrics['test_r2']:.5g}" in report
    assert "(prediction.png)" in report and "accuracy" not in report
    first = metrics["predictions"][0]
    assert "| sample | target | prediction |" in report
    assert f"| 0 | {first['truth']:.5g} | {first['prediction']:.5g} |" in report


@pytest.mark.parametrize("targets, loss, label", [("values", "mse", "0.5"), ("classes", "bce", "1")])
def test_a_file_of_one_point_is_refused_in_one_line_naming_its_rows(tmp_path, targets, loss, label):
    """One row leaves either no point to train on or none to test on."""
    path = tmp_path / "one.csv"
    path.write_text(f"x1,x2,label\n0.1,0.2,{label}\n")
    with pytest.raises(ConfigError) as error:
        make_data(RunConfig.for_dataset(dataset="csv-points", data=str(path), targets=targets, loss=loss))
    assert "1 row in" in str(error.value) and "give at least 2" in str(error.value) and "\n" not in str(error.value)
    path.write_text(f"x1,x2,label\n0.1,0.2,{label}\n0.3,0.4,{0 if targets == 'classes' else 0.7}\n")
    data = make_data(RunConfig.for_dataset(dataset="csv-points", data=str(path), targets=targets, loss=loss))
    assert len(data.y_train) == 1 and len(data.y_test) == 1


def test_early_stopping_on_an_accuracy_is_refused_for_values_in_one_line():
    with pytest.raises(ConfigError) as error:
        RunConfig.for_dataset(dataset="playground-plane", loss="mse", early_stopping=5, monitor="val_accuracy")
    assert "--monitor val_accuracy needs classes" in str(error.value) and "\n" not in str(error.value)
    RunConfig.for_dataset(dataset="playground-plane", loss="mse", early_stopping=5, monitor="val_loss")


@pytest.mark.parametrize("verbose", [1, 2])
def test_fit_on_values_with_progress_shows_the_loss_and_no_accuracy(capsys, verbose):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 2)), rng.normal(size=20)
    model = Sequential(Linear(2, 5, rng=1), Tanh(), Linear(5, 1, rng=2))
    history = fit(model, LOSSES.get("mse")(), SGD(model.parameters(), lr=0.01), X, y, epochs=2, batch_size=8,
                  classes=False, verbose=verbose, validation_data=(X[:5], y[:5]))
    shown = capsys.readouterr()
    assert history.accuracy == [None, None]
    assert "loss" in shown.out + shown.err and "accuracy" not in shown.out + shown.err


def test_a_regression_whose_loss_blows_up_is_diagnosed_diverged_and_one_that_learns_is_not():
    config = RunConfig.for_dataset(dataset="playground-plane", loss="mse", optimizer="sgd", lr=50.0, epochs=50)
    run = train(config)
    assert run.history.accuracy[-1] is None and run.history.loss[-1] > 1e6 * run.history.loss[0]
    assert run.diagnosis.kind == "diverged" and "the loss grew from" in run.diagnosis.line()
    calm = train(config.replace(lr=0.05))
    assert calm.history.loss[-1] < calm.history.loss[0] and calm.diagnosis is None


@pytest.mark.slow
def test_a_diverged_regression_prints_and_reports_compact_numbers_and_its_diagnosis(tmp_path, capsys):
    folder = tmp_path / "run"
    assert main(["train", "--dataset", "playground-plane", "--loss", "mse", "--optimizer", "sgd", "--lr", "50",
                 "--epochs", "50", "--out", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "diagnosis: diverged: the loss grew from" in out
    shown = [line for line in out.splitlines() if ("loss" in line or "prediction" in line) and "diagnosis" not in line]
    assert shown and max(len(line) for line in shown) < 120
    assert main(["report", str(folder)]) == 0
    report = (folder / "report.md").read_text()
    assert "| diagnosis | diverged: the loss grew from" in report and "training went well" not in report
    rows = [line for line in report.splitlines() if line.startswith(("| test loss", "| training loss", "| test R"))]
    assert len(rows) == 3 and max(len(line) for line in rows) < 120


@pytest.mark.parametrize("offset", [0.0, 100.0])
def test_the_prediction_map_spans_the_values_own_range_so_values_far_from_zero_are_told_apart(offset):
    """Targets of 95 to 105 get the whole colour scale, as -5 to 5 do (whose 0 stays white)."""
    X = np.random.default_rng(0).uniform(-5, 5, (50, 2))
    y = offset + X[:, 0]
    fig = value_map(lambda grid: offset + grid[:, 0], X, y)
    image = fig.axes[0].images[0]
    shade = image.to_rgba(image.get_array())[..., :3]
    assert shade.reshape(-1, 3).std(axis=0).max() > 0.2  # blue to red across the map, not one flat colour
    assert image.norm.vmin == pytest.approx(offset + min(X[:, 0].min(), -4.9), abs=0.2)
    assert image.norm.vmax == pytest.approx(offset + max(X[:, 0].max(), 4.9), abs=0.2)
    points = fig.axes[0].collections[0]
    assert points.norm.vmin == image.norm.vmin and points.norm.vmax == image.norm.vmax


def test_a_regression_report_has_targets_and_predictions_in_five_digits_and_no_accuracy_row():
    """Targets of 0 and 1 with predictions between are still values, not classes and their probabilities."""
    predictions = [{"sample": 0, "truth": 1.0, "prediction": 0.8123456789}, {"sample": 1, "truth": 0.0,
                                                                              "prediction": 101.23456789}]
    header, rows = prediction_rows(predictions, values=True)
    assert header == ("sample", "target", "prediction") and rows == [(0, "1", "0.81235"), (1, "0", "101.23")]
    config = RunConfig.for_dataset(dataset="playground-plane", loss="mse", epochs=5)
    metrics = {"test_accuracy": None, "test_loss": 1.23456789e10, "test_r2": -2.5e20, "final_loss": 3.0e9,
               "train_accuracy": None, "epochs": 5, "seconds": 0.1, "n_train": 200, "config": config.as_dict()}
    shown = dict(results_rows(metrics))
    assert not any("accuracy" in name for name in shown)
    assert shown["test loss"] == "1.2346e+10" and shown["training loss during the last epoch"].startswith("3e+09 (")
    assert shown["test R² (share of the targets' variance explained)"] == "-2.5e+20"
