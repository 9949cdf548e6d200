"""A file of points placed on --square in training is placed alike by predict: the model file records
each column's low and high over the file and the square, and a model file without that record
predicts on its inputs as they are, as before. (A damaged record: tests/test_npz_judged.py.)"""

import csv

import numpy as np
import pytest

from backproplab.cli import main
from backproplab.model_file import load_model, save_model
from backproplab.outputs import positive_class_scores
from backproplab.run import RunConfig, make_data, prepare, prepare_inputs
from backproplab.run.predict import saved_loss

SQUARE = 5.0


def _points(tmp_path, n=30):
    """A labelled file of points far from [-5, 5]^2 (x1 in 100..140, x2 in -0.02..0.02), and the points."""
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.uniform(100, 140, n), rng.uniform(-0.02, 0.02, n)])
    y = (X[:, 0] - 120 > 1000 * X[:, 1]).astype(int)
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,label\n" + "".join(f"{a!r},{b!r},{c}\n" for (a, b), c in zip(X.tolist(), y)))
    return path, X


def _placed(X):
    """The points as --square places them, worked out here: each column's range over the file onto [-5, 5]."""
    low, high = X.min(axis=0), X.max(axis=0)
    return 2 * SQUARE * (X - low) / (high - low) - SQUARE


def test_the_split_records_the_placing_and_prepare_inputs_repeats_it_on_raw_points(tmp_path):
    path, X = _points(tmp_path)
    config = RunConfig.for_dataset(dataset="csv-points", data=str(path), test_size=10, square=SQUARE,
                                   dtype="float64")
    data = make_data(config)
    assert data.placement == {"low": X.min(axis=0).tolist(), "high": X.max(axis=0).tolist(), "square": SQUARE}
    model = prepare(config).model
    metadata = {"config": config.as_dict(), "placement": data.placement}
    inputs = prepare_inputs(model, metadata, X)
    assert np.array_equal(inputs, _placed(X))
    placed_rows = {tuple(row) for row in np.concatenate([data.X_train, data.X_test]).tolist()}
    assert placed_rows == {tuple(row) for row in inputs.tolist()}  # the very inputs training had
    # a model file of before, without the record, takes its inputs as they are
    assert np.array_equal(prepare_inputs(model, {"config": config.as_dict()}, X), X)
    assert make_data(config.replace(square=None)).placement is None


def _predicted(tmp_path, model_path, points_path):
    out = tmp_path / "predictions.csv"
    out.unlink(missing_ok=True)
    assert main(["predict", "--model", str(model_path), "--data", str(points_path), "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.read_text().splitlines()))
    return [int(r["class"]) for r in rows], [r["score"] for r in rows]


def _expected(model, metadata, inputs):
    """Classes and scores (as predict writes them) of ``model`` on ``inputs``."""
    model.eval()
    loss_fn = saved_loss(metadata)
    output = model.forward(inputs)
    return loss_fn.predict(output).tolist(), [f"{s:.6g}" for s in positive_class_scores(loss_fn, output)]


@pytest.mark.slow
def test_predict_on_the_training_file_s_points_gives_the_model_s_predictions_on_the_placed_points(tmp_path):
    path, X = _points(tmp_path)
    run = tmp_path / "run"
    assert main(["train", "--dataset", "csv-points", "--data", str(path), "--square", "5", "--dtype", "float64",
                 "--loss", "bce", "--epochs", "20", "--out", str(run)]) == 0
    raw = tmp_path / "raw.csv"  # the file's points, its label column dropped as predict reads features only
    raw.write_text("x1,x2\n" + "".join(f"{a!r},{b!r}\n" for a, b in X.tolist()))
    model, metadata = load_model(run / "model.npz")
    assert metadata["placement"]["square"] == SQUARE
    expected = _expected(model, metadata, _placed(X))
    assert _predicted(tmp_path, run / "model.npz", raw) == expected
    assert len(set(expected[1])) > 1  # the scores tell the points apart: the comparison has something to compare
    # the same model in a file of before, without the record: the points are taken as they are
    del metadata["placement"]
    save_model(model, tmp_path / "old.npz", metadata=metadata)
    assert _predicted(tmp_path, tmp_path / "old.npz", raw) == _expected(model, metadata, X)
