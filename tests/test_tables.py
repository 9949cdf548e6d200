"""CSV tables: values taken as they are (pixels only for the image layout or --scale), features
standardised with statistics kept in the model file and applied by predict, --test-data, and
predict --out with a generic header."""

import csv
import json

import numpy as np
import pytest

from backproplab.cli import main
from backproplab.model_file import load_model
from backproplab.run import RunConfig, make_data


def _write(path, X, y=None, header=True):
    names = [f"f{i}" for i in range(X.shape[1])] + (["label"] if y is not None else [])
    rows = [list(map(float, x)) + ([int(c)] if y is not None else []) for x, c in
            zip(X, y if y is not None else [None] * len(X))]
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        if header:
            writer.writerow(names)
        writer.writerows(rows)
    return str(path)


def _wine_like(n, seed):
    """13 features on scales from 0.1 to 1000 (as the wine data), two classes set by three of them."""
    rng = np.random.default_rng(seed)
    scales = np.array([1, 10, 100, 1000, 0.1, 5, 50, 2, 3, 4, 500, 20, 7])
    X = rng.normal(size=(n, 13)) * scales + 10 * np.arange(13)
    y = (X[:, 0] + X[:, 3] / 1000 + X[:, 10] / 500 > 0.3).astype(int)
    return X, y


def test_integer_features_of_a_small_range_are_not_taken_for_pixels(tmp_path):
    X = np.random.default_rng(0).integers(0, 17, size=(100, 64))  # scikit-learn's digits: 0-16 in 8x8
    path = _write(tmp_path / "digits.csv", X, np.arange(100) % 2)
    data = make_data(RunConfig.for_dataset(dataset="csv", data=path, dtype="float64"))
    assert data.input_scale == 1.0
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0, atol=1e-12)  # standardised instead
    np.testing.assert_allclose(data.X_train.std(axis=0)[data.feature_std != 1], 1)


def test_pixels_are_scaled_for_the_image_layout_or_when_asked(tmp_path):
    X = np.random.default_rng(0).integers(0, 256, size=(40, 784))
    data = make_data(RunConfig.for_dataset(dataset="csv", data=_write(tmp_path / "img.csv", X, np.arange(40) % 2)))
    assert data.input_scale == 255.0 and data.feature_mean is None and data.X_train.max() <= 1.0
    small = _write(tmp_path / "small.csv", X[:, :20], np.arange(40) % 2)
    data = make_data(RunConfig.for_dataset(dataset="csv", data=small, scale=255.0, standardize=False))
    assert data.input_scale == 255.0 and data.feature_mean is None and data.X_train.max() <= 1.0


@pytest.mark.slow
def test_standardisation_travels_in_the_model_file_to_predict(tmp_path, capsys):
    X, y = _wine_like(400, 0)
    train, test = _write(tmp_path / "train.csv", X[:300], y[:300]), _write(tmp_path / "test.csv", X[300:], y[300:])
    features = _write(tmp_path / "features.csv", X[300:])
    assert main(["train", "--dataset", "csv", "--data", train, "--test-data", test,
                 "--out", str(tmp_path / "run")]) == 0  # the CSV defaults: 64-32, 100 epochs
    assert main(["train", "--dataset", "csv", "--data", train, "--test-data", test, "--no-standardize",
                 "--out", str(tmp_path / "raw")]) == 0
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    raw = json.loads((tmp_path / "raw" / "metrics.json").read_text())
    assert metrics["test_accuracy"] > 0.85 and metrics["test_accuracy"] > raw["test_accuracy"] + 0.1
    _, metadata = load_model(tmp_path / "run" / "model.npz")
    assert len(metadata["feature_mean"]) == len(metadata["feature_std"]) == 13
    out = tmp_path / "predictions.csv"
    assert main(["predict", "--model", str(tmp_path / "run" / "model.npz"), "--data", features,
                 "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert list(rows[0]) == ["row", "class", "score"] and len(rows) == 100
    accuracy = np.mean([int(r["class"]) == label for r, label in zip(rows, y[300:])])
    assert accuracy == pytest.approx(metrics["test_accuracy"])  # the same inputs as in training
    capsys.readouterr()
    assert main(["predict", "--model", str(tmp_path / "run" / "model.npz"), "--data", features,
                 "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_test_data_is_scored_instead_of_held_out_rows(tmp_path, capsys):
    X, y = _wine_like(120, 1)
    train, test = _write(tmp_path / "a.csv", X[:100], y[:100]), _write(tmp_path / "b.csv", X[100:], y[100:])
    data = make_data(RunConfig.for_dataset(dataset="csv", data=train, test_data=test))
    assert len(data.y_test) == 20 and len(data.y_train) + len(data.y_val) == 100
    narrow = _write(tmp_path / "narrow.csv", X[100:, :5], y[100:])
    csv_run = ["train", "--dataset", "csv", "--data", train]
    for argv, message in [(csv_run + ["--test-data", narrow], "has 5 feature columns"),
                          (csv_run + ["--test-data", test, "--test-size", "5"], "with --test-data drop it"),
                          (["train", "--dataset", "xor", "--standardize"], "--standardize applies to csv")]:
        assert main(argv + ["--out", str(tmp_path / "x")]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
