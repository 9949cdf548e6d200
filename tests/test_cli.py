"""The command line, run in-process through ``main(argv)``."""

import json
import os

import numpy as np
import pytest

from backproplab.cli import main
from backproplab.nn import Conv2d, MaxPool2d, ReLU, summary
from backproplab.run import RunConfig, build_model

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_size(path):
    with open(path, "rb") as f:
        data = f.read(24)
    assert data[:8] == PNG_MAGIC, path
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_lab_trains_both_sets_and_writes_every_file(tmp_path, capsys):
    out = tmp_path / "lab"
    assert main(["lab", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "epoch   200  loss" in text
    assert "sample 20 | ground truth 0 | prediction" in text
    assert "sample 99 | ground truth" in text
    for name in ("linear", "xor"):
        folder = out / name
        for png in ("comparison.png", "learning_curve.png", "decision_boundary.png"):
            width, height = _png_size(folder / png)
            assert width > 300 and height > 300
        metrics = json.loads((folder / "metrics.json").read_text())
        assert metrics["test_accuracy"] >= 0.99, (name, metrics["test_accuracy"])
        assert {"final_loss", "epochs", "seconds", "seed", "config", "history", "versions", "test_set"} <= set(metrics)
        assert len(metrics["history"]["loss"]) == metrics["epochs"] == 2000
        assert (folder / "model.npz").stat().st_size > 0
    assert "fixed" in json.loads((out / "xor" / "metrics.json").read_text())["test_set"]
    assert "fresh" in json.loads((out / "linear" / "metrics.json").read_text())["test_set"]


def test_default_folder_is_new_each_time(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = ["train", "--epochs", "5", "--print-every", "0"]
    assert main(args) == 0 and main(args) == 0
    folders = os.listdir(tmp_path / "runs")
    assert len(folders) == 2 and all(f.endswith("xor") or "-xor-" in f for f in folders)


def test_train_exposes_the_choices(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--dataset", "spiral", "--classes", "3", "--n", "150", "--noise", "0.02",
                 "--hidden", "16", "16", "16", "--activation", "relu", "tanh", "leaky_relu",
                 "--loss", "cross_entropy", "--optimizer", "nesterov", "--lr", "0.1", "--schedule", "step",
                 "--step-size", "100", "--gamma", "0.5", "--epochs", "300", "--batch-size", "32",
                 "--init", "he", "--seed", "3", "--out", str(out), "--print-every", "100"])
    assert code == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["config"]["hidden"] == [16, 16, 16] and metrics["n_test"] == 150
    assert metrics["history"]["lr"][-1] == pytest.approx(0.1 * 0.5**2)  # epochs 201-300
    assert "class" in capsys.readouterr().out


def test_predict_reads_a_model_and_a_csv(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--out", str(out), "--print-every", "0"]) == 0
    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2\n0.1,0.1\n0.1,0.9\n")
    capsys.readouterr()
    assert main(["predict", "--model", str(out / "model.npz"), "--data", str(csv)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "class 0" in lines[0] and "class 1" in lines[1]


def test_diverging_run_writes_what_it_has_and_fails(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--dataset", "linear", "--activation", "identity", "--loss", "mse",
                 "--output-activation", "identity", "--optimizer", "sgd", "--lr", "100", "--out", str(out)])
    assert code == 1
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["diverged"] and "lower learning rate" in metrics["message"]
    assert "diverged at epoch" in capsys.readouterr().out


def test_existing_output_folder_is_never_overwritten(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["train", "--out", str(out), "--epochs", "5"]) == 2
    assert "--force" in capsys.readouterr().err
    assert os.listdir(out) == ["keep.txt"]
    assert main(["train", "--out", str(out), "--epochs", "5", "--force", "--print-every", "0"]) == 0


def test_help_reads_well(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = capsys.readouterr().out
    for option in ("--dataset", "--hidden", "--activation", "--optimizer", "--schedule", "--batch-size",
                   "--init", "--target-accuracy"):
        assert option in text
    assert main([]) == 0
    assert "lab" in capsys.readouterr().out


def test_python_m_entry_point():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "backproplab", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("backproplab ")
    assert np  # numpy imported for the engine in the same environment


def test_the_cnn_block_runs_in_the_order_it_lists():
    """conv -> max-pool -> ReLU, as built and as summary shows it: pooling and ReLU commute exactly."""
    config = RunConfig(dataset="csv", data="unused.csv", model="cnn", conv=(4,), hidden=(8,), activation=("relu",))
    model = build_model(config, (1, 12, 12), 3, "identity", rng=0)
    assert [type(layer) for layer in model.layers[:3]] == [Conv2d, MaxPool2d, ReLU]
    text = summary(model, (1, 12, 12))
    assert text.index("MaxPool2d") < text.index("ReLU")


def test_bce_on_logits_is_said_in_the_run_description(tmp_path, capsys):
    assert main(["train", "--output-activation", "identity", "--epochs", "2", "--print-every", "0",
                 "--out", str(tmp_path / "run")]) == 0
    assert "loss bce_logits" in capsys.readouterr().out
