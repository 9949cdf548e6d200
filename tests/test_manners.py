"""Library manners: fit's Keras-like progress, Sequential.predict / predict_proba, progress bars
behind one interface (tqdm where a person watches), and BLAS threads chosen by problem size."""

import io
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_info
from tqdm import tqdm

import backproplab as bl
from backproplab.cli import main
from backproplab.data import xor_easy
from backproplab.progress import LineBar, ProgressBar, bar_factory
from backproplab.run import RunConfig, train
from backproplab.run.bars import terminal_bar
from backproplab.run.threads import auto_threads
from backproplab.training import fit


def _xor_model(last=None, outputs=1):
    rng = np.random.default_rng(0)
    layers = [bl.Linear(2, 8, rng=rng), bl.Tanh(), bl.Linear(8, outputs, rng=rng)]
    return bl.Sequential(layers + ([last] if last is not None else []))


@pytest.mark.parametrize("verbose", [1, 2])
def test_fit_verbose_prints_keras_like_lines(capsys, verbose):
    X, y = xor_easy()
    model = _xor_model(bl.Sigmoid())
    bl.fit(model, bl.BCELoss(), bl.Adam(model.parameters(), lr=0.01), X, y, epochs=3, batch_size=7,
           validation_data=(X, y), verbose=verbose)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/3" and lines[4] == "Epoch 3/3" and len(lines) == 6
    assert lines[1].startswith("3/3 [==============================] - " if verbose == 1 else "3/3 - ")
    assert " - loss: " in lines[1] and " - accuracy: " in lines[1] and " - val_accuracy: " in lines[1]


def test_fit_is_silent_by_default(capsys):
    X, y = xor_easy()
    model = _xor_model(bl.Sigmoid())
    bl.fit(model, bl.BCELoss(), bl.Adam(model.parameters()), X, y, epochs=2)
    assert capsys.readouterr().out == ""


def test_predict_and_predict_proba_read_sigmoid_softmax_and_logits():
    X, y = xor_easy()
    for last, outputs in [(bl.Sigmoid(), 1), (None, 1), (None, 3), (bl.Softmax(), 3)]:
        model = _xor_model(last, outputs)
        proba = model.predict_proba(X, batch_size=4)  # in chunks, as a large set would go
        assert proba.shape == (len(X), max(outputs, 2))
        np.testing.assert_allclose(proba.sum(axis=1), 1.0)
        expected = (proba[:, 1] >= 0.5).astype(int) if proba.shape[1] == 2 else proba.argmax(axis=1)
        np.testing.assert_array_equal(model.predict(X), expected)
    model = _xor_model(bl.Sigmoid())
    np.testing.assert_allclose(model.predict_proba(X)[:, 1], model(X)[:, 0])
    assert model.training  # predicting leaves the mode as it was


def test_line_bar_writes_one_finished_line():
    stream = io.StringIO()
    bar = ProgressBar(10, "epoch 1/2", unit="batch", stream=stream)
    for _ in range(10):
        bar.update(1, loss="0.5")
    assert stream.getvalue() == ""
    bar.close(val_loss="0.4")
    line = stream.getvalue()
    assert line.count("\n") == 1 and line.startswith("epoch 1/2  10/10  loss 0.5  val_loss 0.4  ")


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_terminal_bar_is_tqdm_on_a_terminal_and_one_line_in_a_log():
    assert isinstance(terminal_bar(total=3, desc="runs", file=io.StringIO()), LineBar)
    bar = terminal_bar(total=3, desc="runs", file=_Terminal())
    assert isinstance(bar, tqdm)
    bar.close()


def test_the_command_line_draws_its_bars_with_terminal_bar_and_puts_the_default_back(tmp_path, monkeypatch):
    made = []

    def spy(**options):
        made.append(options["desc"])
        return LineBar(**options)

    monkeypatch.setattr(sys.modules["backproplab.cli.entry"], "terminal_bar", spy)
    before = bar_factory()
    assert main(["train", "--dataset", "csv", "--data", str(_table(tmp_path)), "--epochs", "2",
                 "--batch-size", "16", "--out", str(tmp_path / "run")]) == 0
    assert made == ["epoch 1/2", "epoch 2/2"]
    assert bar_factory() is before


def _table(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    rows = ["a,b,c,label"] + [f"{a:.3f},{b:.3f},{c:.3f},{int(a > 0)}" for a, b, c in X]
    path = tmp_path / "table.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_small_mlps_run_on_one_blas_thread_and_threads_overrides():
    lab = RunConfig()
    assert auto_threads(lab, (2,), 100) == 1
    assert auto_threads(RunConfig(dataset="mnist", loss="cross_entropy", hidden=(256, 128), batch_size=128), (1, 28, 28), 55000) is None
    assert auto_threads(RunConfig(dataset="mnist", loss="cross_entropy", model="cnn"), (1, 28, 28), 55000) is None
    assert auto_threads(RunConfig(threads=2), (2,), 100) == 2


def test_a_small_run_trains_on_one_thread(monkeypatch):
    seen = []

    def spy_fit(*args, **kwargs):
        seen.extend(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")
        return fit(*args, **kwargs)

    monkeypatch.setattr(sys.modules["backproplab.run.train"], "fit", spy_fit)
    train(RunConfig(epochs=2))
    assert seen and set(seen) == {1}
