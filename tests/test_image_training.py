"""Training on images and CSV tables: the CLI end to end, checkpoints, resume, Kaggle output, real MNIST."""

import json

import numpy as np
import pytest

from backproplab.run import train
from backproplab.cli import main
from backproplab.run import RunConfig, make_data
from backproplab.training import Checkpoint, evaluate

FILES = ("learning_curve.png", "confusion_matrix.png", "misclassified.png", "model.npz", "metrics.json",
         "checkpoint.npz")


@pytest.mark.slow
@pytest.mark.parametrize("model", ["mlp", "cnn"])
def test_train_on_mnist_files_writes_every_output(tiny_mnist, tmp_path, capsys, model):
    out = tmp_path / "run"
    argv = ["train", "--dataset", "mnist", "--data-dir", str(tiny_mnist), "--no-download", "--model", model,
            "--epochs", "3", "--val-size", "100", "--out", str(out)]
    if model == "cnn":
        argv += ["--conv", "4", "8", "--hidden", "16", "--batch-size", "32", "--lr", "0.005"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "epoch 3/3  [########################]  16/16" in text or "epoch 3/3" in text
    assert "val_accuracy" in text and "ETA" not in text.splitlines()[-1]
    for name in FILES:
        assert (out / name).stat().st_size > 0, name
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_train"] == 500 and metrics["n_val"] == 100 and metrics["n_test"] == 200
    assert metrics["test_accuracy"] > 0.6, metrics["test_accuracy"]  # chance is 0.1
    assert len(metrics["history"]["val_accuracy"]) == 3
    assert np.array(metrics["confusion_matrix"]).sum() == 200


def _config(tiny_mnist, **changes):
    base = dict(dataset="mnist", data_dir=str(tiny_mnist), download=False, model="cnn", conv=(4,), hidden=(16,),
                epochs=3, batch_size=50, val_size=100, dropout=0.3, schedule="cosine", early_stopping=5)
    return RunConfig.for_dataset(**{**base, **changes})


@pytest.mark.slow
def test_an_interrupted_run_resumes_to_the_same_result(tiny_mnist, tmp_path, monkeypatch):
    config = _config(tiny_mnist)
    whole = train(config, checkpoint=tmp_path / "whole.npz")
    path = tmp_path / "cut.npz"
    save = Checkpoint.save

    def save_then_die(self, history, model):
        save(self, history, model)
        if history.epochs == 2:
            raise KeyboardInterrupt  # as if Ctrl-C came right after epoch 2

    monkeypatch.setattr(Checkpoint, "save", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        train(config, checkpoint=path)
    monkeypatch.setattr(Checkpoint, "save", save)
    resumed = train(config, checkpoint=path, resume=True)
    assert resumed.history.epoch == [1, 2, 3]
    assert resumed.history.val_loss == whole.history.val_loss
    for (name, a), b in zip(whole.model.state_dict().items(), resumed.model.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=name)


@pytest.mark.slow
def test_early_stopping_restores_the_best_epoch(tiny_mnist):
    # 150 training images and a wide layer: the validation loss bottoms out, then rises.
    run = train(_config(tiny_mnist, model="mlp", conv=None, hidden=(256,), n=150, epochs=60, lr=0.01, early_stopping=3,
                        schedule="constant", dropout=0.0))
    h = run.history
    assert h.stop_reason.startswith("early stopping") and h.epochs < 60
    assert h.best_epoch == int(np.argmin(h.val_loss)) + 1 == h.epochs - 3
    val_loss, _ = evaluate(run.model, run.loss_fn, run.data.X_val, run.data.y_val)
    assert val_loss == pytest.approx(min(h.val_loss), rel=1e-6)  # the best weights, not the last


@pytest.mark.slow
def test_resume_from_the_cli(tiny_mnist, tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["train", "--dataset", "mnist", "--data-dir", str(tiny_mnist), "--epochs", "2", "--val-size", "50",
            "--out", str(out)]
    assert main(argv) == 0
    capsys.readouterr()
    assert main(["train", "--resume", str(out)]) == 0
    assert "already finished (2 epochs)" in capsys.readouterr().out
    assert main(["train", "--resume", str(out), "--lr", "0.1"]) == 2
    assert "--resume continues the saved run with its own settings; drop --lr" in capsys.readouterr().err
    assert main(["train", "--resume", str(tmp_path)]) == 2
    assert "no checkpoint.npz there" in capsys.readouterr().err


@pytest.mark.slow
def test_kaggle_csv_train_then_submission(tmp_path, capsys):
    from conftest import _pattern_images

    rng = np.random.default_rng(1)
    images, labels = _pattern_images(400, rng)
    header = ",".join(f"pixel{i}" for i in range(784))
    rows = [f"{k}," + ",".join(map(str, im.ravel())) for k, im in zip(labels, images)]
    (tmp_path / "train.csv").write_text("label," + header + "\n" + "\n".join(rows) + "\n")
    test_images, test_labels = _pattern_images(30, rng)
    (tmp_path / "test.csv").write_text(header + "\n" + "\n".join(",".join(map(str, im.ravel())) for im in test_images))
    out = tmp_path / "run"
    assert main(["train", "--dataset", "csv", "--data", str(tmp_path / "train.csv"), "--model", "cnn", "--conv", "4",
                 "--hidden", "16", "--epochs", "4", "--batch-size", "20", "--out", str(out)]) == 0
    assert json.loads((out / "metrics.json").read_text())["n_test"] == 40
    submission = tmp_path / "submission.csv"
    assert main(["predict", "--model", str(out / "model.npz"), "--data", str(tmp_path / "test.csv"),
                 "--kaggle", str(submission)]) == 0
    lines = submission.read_text().splitlines()
    assert lines[0] == "ImageId,Label" and len(lines) == 31
    ids, predicted = zip(*(map(int, line.split(",")) for line in lines[1:]))
    assert list(ids) == list(range(1, 31))
    assert np.mean(np.array(predicted) == test_labels) > 0.6
    before = submission.read_bytes()
    assert main(["predict", "--model", str(out / "model.npz"), "--data", str(tmp_path / "test.csv"),
                 "--kaggle", str(submission)]) == 2
    assert "already exists" in capsys.readouterr().err and submission.read_bytes() == before


@pytest.mark.parametrize("argv, message", [
    (["--dataset", "mnist", "--model", "transformer"], "unknown model 'transformer'"),
    (["--dataset", "xor", "--model", "cnn"], "--model cnn needs images; --dataset xor is 2-D points"),
    (["--dataset", "csv"], "--dataset csv needs --data FILE.csv"),
    (["--dataset", "mnist", "--loss", "bce"], "--loss bce is for 2 classes; mnist has 10"),
    (["--dataset", "mnist", "--dropout", "1"], "--dropout must be a number >= 0 and < 1, got 1.0"),
    (["--dataset", "mnist", "--conv", "0"], "--conv takes positive channel counts"),
    (["--dataset", "mnist", "--data-dir", "/no/such/folder"], "--data-dir '/no/such/folder' is not a folder"),
    (["--dataset", "xor", "--data-dir", "."], "--data-dir applies to mnist and fashion-mnist, not xor"),
])
def test_bad_image_options_get_one_line(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["train", *argv, "--epochs", "1"]) == 2
    out, err = capsys.readouterr()
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert out == "" and not (tmp_path / "runs").exists()  # checked before anything is announced


def test_missing_files_without_download_say_where_to_put_them(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BACKPROPLAB_DATA", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--dataset", "fashion-mnist", "--no-download", "--out", "run"]) == 2
    err = capsys.readouterr().err
    assert "downloading is off; put the four files from http://fashion-mnist" in err
    assert str(tmp_path / "cache" / "fashion-mnist") in err


@pytest.mark.slow
def test_real_mnist_slice_learns_in_three_epochs(real_data, tmp_path):
    """5,000 real training images, three epochs of the default MLP: above 90% on the 10,000 test images."""
    config = RunConfig.for_dataset(dataset="mnist", data_dir=real_data, n=5000, epochs=3, val_size=500, seed=3,
                                   batch_size=32)
    run = train(config)
    _, accuracy = evaluate(run.model, run.loss_fn, run.data.X_test, run.data.y_test)
    assert len(run.data.y_test) == 10000 and accuracy > 0.90, accuracy


@pytest.mark.slow
def test_real_fashion_cnn_slice_rises_well_above_chance(real_data):
    # batches of 32: one epoch of 1,800 images is then 57 steps of its learning-rate cycle, not 15
    config = RunConfig.for_dataset(dataset="fashion-mnist", data_dir=real_data, model="cnn", conv=(8, 16),
                                   n=2000, test_size=1000, epochs=1, val_size=200, batch_size=32)
    run = train(config)
    assert evaluate(run.model, run.loss_fn, run.data.X_test, run.data.y_test)[1] > 0.6


def test_cnn_batch_norm_is_an_option(tiny_mnist, tmp_path):
    from backproplab.run import build_model
    from backproplab.nn import BatchNorm2d

    assert not _config(tiny_mnist).batch_norm
    config = _config(tiny_mnist, batch_norm=True)
    layers = build_model(config, (1, 28, 28), 10, "identity", rng=0).layers
    assert sum(isinstance(layer, BatchNorm2d) for layer in layers) == 1  # one conv block here
    assert train(_config(tiny_mnist, batch_norm=True, epochs=2)).history.accuracy[-1] > 0.3
    assert main(["train", "--dataset", "xor", "--batch-norm", "--out", str(tmp_path / "x")]) == 2


def test_a_test_subset_says_it_is_a_random_draw_and_of_which_seed(tiny_mnist):
    whole = make_data(_config(tiny_mnist))
    assert whole.test_source == "the 200 images of the mnist test files"
    drawn = make_data(_config(tiny_mnist, test_size=50, seed=7))
    assert len(drawn.y_test) == 50
    assert drawn.test_source == "50 of the 200 images of the mnist test files, drawn at random with seed 7"
