"""Bad input, however wrong: one clear line naming the value and a fix, and nothing changed.

Each CLI case runs ``main(argv)`` in a folder holding an earlier run and a file of the
user's, and checks the exit status (2), the single line on stderr, and that every file
is exactly as it was.
"""

import hashlib
import os

import numpy as np
import pytest

from backproplab import ConfigError, CrossEntropyLoss, Linear, SGD, Sequential, Sigmoid, BCELoss, fit
from backproplab.cli import main
from backproplab.run import RunConfig
from backproplab.data import linear, xor_easy


def _snapshot(root):
    state = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                state[os.path.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
    return state


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "earlier").mkdir()
    (tmp_path / "earlier" / "metrics.json").write_text('{"mine": true}')
    (tmp_path / "notes.txt").write_text("keep me")
    (tmp_path / "bad.npz").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "words.csv").write_text("x1,x2\n0.1,0.2\nhello,world\n")
    (tmp_path / "three.csv").write_text("1,2,3\n4,5,6\n")
    (tmp_path / "table.csv").write_text("a,b,label\n" + "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(60)))
    return tmp_path


CLI_CASES = [
    (["train", "--lr", "-0.1"], "--lr must be a number > 0 and <= 1,000,000, got -0.1"),
    (["train", "--lr", "0"], "--lr must be a number > 0 and <= 1,000,000, got 0"),
    (["train", "--lr", "nan"], "--lr must be a finite number > 0 and <= 1,000,000, got nan"),
    (["train", "--lr", "inf"], "--lr must be a finite number > 0 and <= 1,000,000, got inf"),
    (["train", "--lr", "fast"], "argument --lr: invalid float value: 'fast'"),
    (["train", "--epochs", "0"], "--epochs must be an integer >= 1 and <= 10,000,000, got 0"),
    (["train", "--epochs", "-5"], "--epochs must be an integer >= 1 and <= 10,000,000, got -5"),
    (["train", "--epochs", "1e3"], "argument --epochs: invalid int value: '1e3'"),
    (["train", "--batch-size", "0"], "--batch-size must be an integer >= 1, got 0"),
    (["train", "--batch-size", "-1"], "--batch-size must be an integer >= 1, got -1"),
    (["train", "--hidden", "0", "4"], "--hidden takes positive integer widths such as '8 8', or 0 alone"),
    (["train", "--hidden", "8", "-1"], "--hidden takes positive integer widths"),
    (["train", "--hidden", "8", "0"], "--hidden takes positive integer widths"),
    (["train", "--hidden", "8", "x"], "argument --hidden: invalid int value: 'x'"),
    (["train", "--hidden", "2.5"], "argument --hidden: invalid int value: '2.5'"),
    (["train", "--activation", "sigmod"], "unknown activation 'sigmod' (did you mean 'sigmoid'?)"),
    (["train", "--activation", "softmax"], "unknown activation 'softmax'"),
    (["train", "--activation", "relu", "tanh", "relu"], "3 names for 2 hidden layers"),
    (["train", "--output-activation", "sigmoidd"], "did you mean 'sigmoid'"),
    (["train", "--loss", "msee"], "unknown loss 'msee' (did you mean 'mse'?)"),
    (["train", "--optimizer", "adamm"], "unknown optimizer 'adamm' (did you mean 'adam'?)"),
    (["train", "--schedule", "cosin"], "unknown schedule 'cosin' (did you mean 'cosine'?)"),
    (["train", "--init", "xavir"], "unknown init 'xavir' (did you mean 'xavier'?)"),
    (["train", "--dataset", "xorr"], "unknown dataset 'xorr' (did you mean 'xor'?)"),
    # case is not a choice: the suggestion says which spelling is (a name in the wrong case is still refused)
    (["train", "--dataset", "XOR"], "unknown dataset 'XOR' (did you mean 'xor'?)"),
    (["train", "--optimizer", "SGD"], "unknown optimizer 'SGD' (did you mean 'sgd'?)"),
    (["train", "--activation", "ReLU"], "unknown activation 'ReLU' (did you mean 'relu'?)"),
    (["train", "--init", "glorot"], "unknown init 'glorot' (did you mean 'xavier'?)"),  # its other name
    (["train", "--init", "Kaiming"], "unknown init 'Kaiming' (did you mean 'he'?)"),
    (["train", "--dtype", "float16"], "unknown dtype 'float16'"),
    (["train", "--batch-size", "50"], "--batch-size 50 is larger than the 21 training points"),
    (["train", "--dataset", "linear", "--batch-size", "500"], "larger than the 100 training points"),
    (["train", "--loss", "cross_entropy", "--output-activation", "sigmoid"], "takes logits"),
    (["train", "--loss", "bce", "--output-activation", "tanh"], "--loss bce needs probabilities"),
    (["train", "--dataset", "blobs", "--classes", "3", "--loss", "bce"], "use --loss cross_entropy"),
    (["train", "--classes", "3"], "--classes applies to spiral, blobs, playground-gauss and playground-spiral, not xor"),
    (["train", "--dataset", "spiral", "--classes", "1"], "--classes must be an integer >= 2, got 1"),
    (["train", "--n", "50"], "--dataset xor is a fixed set of 21 points, tested on themselves"),
    (["train", "--dataset", "linear", "--n", "1"], "--n must be an integer >= 2, got 1"),
    (["train", "--dataset", "linear", "--test-size", "0"], "--test-size must be an integer >= 1, got 0"),
    (["train", "--dataset", "linear", "--n", "1000000000000"],
     "--n: 1,000,000,000,000 generated points, over the limit of 10,000,000"),
    (["train", "--dataset", "linear", "--test-size", "1000000000000"],
     "--test-size: 1,000,000,000,000 generated points, over the limit of 10,000,000"),
    (["train", "--hidden", "100000", "100000", "100000"],
     "--hidden 100000 100000 100000 on 2 inputs: 20,000,600,001 parameters in one network, over the limit"),
    (["train", "--dataset", "csv", "--data", "missing.csv"], "data file 'missing.csv' does not exist"),
    (["train", "--dataset", "csv", "--data", "table.csv", "--batch-size", "100"],
     "--batch-size 100 is larger than the 49 training samples; use at most 49"),
    (["train", "--dataset", "csv", "--data", "table.csv", "--hidden", "100000", "100000"],
     "--hidden 100000 100000 on 2 inputs: 10,000,600,002 parameters in one network, over the limit"),
    (["train", "--noise", "-1"], "--noise must be a number >= 0 and < 10, got -1.0"),
    (["train", "--momentum", "1.5"], "--momentum must be a number >= 0 and < 1, got 1.5"),
    (["train", "--beta1", "1.0"], "--beta1 must be a number >= 0 and < 1, got 1.0"),
    (["train", "--beta2", "-0.1"], "--beta2 must be a number >= 0 and < 1, got -0.1"),
    (["train", "--weight-decay", "-1"], "--weight-decay must be a number >= 0 and <= 1,000,000, got -1.0"),
    (["train", "--eps", "-1"], "--eps must be a number >= 0 and <= 1,000,000, got -1.0"),
    (["train", "--gamma", "0"], "--gamma must be a number > 0 and <= 1, got 0.0"),
    (["train", "--gamma", "2"], "--gamma must be a number > 0 and <= 1, got 2.0"),
    (["train", "--factor", "1"], "--factor must be a number > 0 and < 1, got 1.0"),
    (["train", "--target-accuracy", "1.5"], "--target-accuracy must be a number > 0 and <= 1, got 1.5"),
    (["train", "--seed", "-1"], "--seed must be an integer >= 0, got -1"),
    (["train", "--step-size", "0"], "--step-size must be an integer >= 1 and <= 10,000,000, got 0"),
    (["train", "--t-max", "0"], "--t-max must be an integer >= 1 and <= 10,000,000, got 0"),
    (["train", "--patience", "-1"], "--patience must be an integer >= 0 and <= 10,000,000, got -1"),
    (["train", "--print-every", "-1"], "--print-every must be an integer >= 0 and <= 10,000,000, got -1"),
    (["train", "--out", "earlier"], "--out 'earlier' already holds files; choose a new folder or add --force"),
    (["train", "--out", "notes.txt"], "--out 'notes.txt' is a file; give a folder path"),
    (["train", "--out", "notes.txt/run"], "cannot write to output folder 'notes.txt/run'"),
    (["lab", "--out", "earlier"], "already holds files"),
    (["lab", "--epochs", "0"], "--epochs must be an integer >= 1 and <= 10,000,000, got 0"),
    (["predict", "--model", "missing.npz", "--data", "words.csv"], "model file 'missing.npz' does not exist"),
    (["predict", "--model", "bad.npz", "--data", "words.csv"], "'bad.npz' is damaged or not one backproplab wrote"),
    (["predict", "--model", "notes.txt", "--data", "words.csv"], "'notes.txt' is damaged or not one backproplab wrote"),
    (["fly"], "argument COMMAND: invalid choice: 'fly'"),
]


@pytest.mark.slow
@pytest.mark.parametrize("argv, message", CLI_CASES, ids=[" ".join(a) for a, _ in CLI_CASES])
def test_cli_rejects_bad_input_and_changes_nothing(workdir, capsys, argv, message):
    before = _snapshot(workdir)
    try:
        code = main(argv)
    except SystemExit as e:  # argparse's own checks (types, choices) exit through SystemExit
        code = e.code
    out, err = capsys.readouterr()
    assert code == 2
    assert message in err, err
    assert out == ""  # checked before anything is announced
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert _snapshot(workdir) == before
    assert not (workdir / "runs").exists()


@pytest.mark.slow
def test_predict_rejects_bad_csv_files(workdir, capsys):
    assert main(["train", "--out", "run", "--epochs", "5", "--print-every", "0"]) == 0
    capsys.readouterr()
    before = _snapshot(workdir)
    for data, message in (("words.csv", "line 3, column 1 is 'hello', not a number"),
                          ("three.csv", "has 3 columns, the model takes 2 features"),
                          ("nothing.csv", "does not exist")):
        assert main(["predict", "--model", "run/model.npz", "--data", data]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err
    assert _snapshot(workdir) == before


def test_debug_shows_the_traceback(workdir, capsys):
    assert main(["train", "--lr", "-1", "--debug"]) == 2
    assert "Traceback" in capsys.readouterr().err


X2, Y2 = xor_easy()


def _net():
    return Sequential(Linear(2, 3, rng=0), Sigmoid(), Linear(3, 1, rng=0), Sigmoid())


API_CASES = [
    (lambda: Linear(0, 2), "in_features must be an integer >= 1, got 0"),
    (lambda: Linear(2, 2.5), "out_features must be an integer >= 1, got 2.5"),
    (lambda: SGD(_net().parameters(), lr=-0.1), "lr must be a number > 0, got -0.1"),
    (lambda: fit(_net(), BCELoss(), SGD(_net().parameters()), X2, Y2, epochs=0), "epochs must be an integer >= 1, got 0"),
    (lambda: fit(_net(), BCELoss(), SGD(_net().parameters()), X2, Y2, epochs=1, batch_size=99),
     "batch_size 99 is larger than the 21 training samples"),
    (lambda: fit(_net(), BCELoss(), SGD(_net().parameters()), X2[:, 0], Y2, epochs=1), "X must be 2-D"),
    (lambda: fit(_net(), BCELoss(), SGD(_net().parameters()), X2, Y2[:5], epochs=1), r"y must have shape (21,)"),
    (lambda: fit(_net(), BCELoss(), SGD(_net().parameters()), np.where(X2 > 0.5, np.nan, X2), Y2, epochs=1),
     "X holds NaN or inf"),
    (lambda: fit(_net(), BCELoss(), SGD(_net().parameters()), X2, np.zeros(21), epochs=1), "single class"),
    (lambda: CrossEntropyLoss()(np.zeros((3, 2)), np.array([0, 1, 5])), "class labels must lie in 0..1"),
    (lambda: linear(n=0), "n must be an integer >= 1, got 0"),
    (lambda: RunConfig(hidden=(8, "8")), "--hidden takes positive integer widths"),
    (lambda: RunConfig.from_dict({"lr": 0.1, "learning_rate": 1}), "unknown config keys ['learning_rate']"),
]


@pytest.mark.parametrize("call, message", API_CASES, ids=[m[:40] for _, m in API_CASES])
def test_python_api_rejects_bad_input(call, message):
    with pytest.raises(ConfigError) as info:
        call()
    assert message in str(info.value)
    assert "\n" not in str(info.value)
