"""The command line, run in-process through ``main(argv)``."""

import argparse
import json
import os
import re

import numpy as np
import pytest

from backproplab.cli import build_parser, main
from backproplab.nn import LOSSES, Conv2d, MaxPool2d, MSELoss, ReLU, summary
from backproplab.errors import ConfigError
from backproplab.run import RunConfig, build_model, train
from backproplab.run import datasets, recipes
from backproplab.run.config import FIELDS
from backproplab.run.help import _shown  # the help's own value format

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _png_size(path):
    with open(path, "rb") as f:
        data = f.read(24)
    assert data[:8] == PNG_MAGIC, path
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.slow
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


@pytest.mark.slow
def test_default_folder_is_new_each_time(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = ["train", "--epochs", "5", "--print-every", "0"]
    assert main(args) == 0 and main(args) == 0
    folders = os.listdir(tmp_path / "runs")
    assert len(folders) == 2 and all(f.endswith("xor") or "-xor-" in f for f in folders)


@pytest.mark.slow
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


@pytest.mark.slow
def test_predict_reads_a_model_and_a_csv(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--out", str(out), "--print-every", "0"]) == 0
    csv = tmp_path / "points.csv"
    csv.write_text("x1,x2\n0.1,0.1\n0.1,0.9\n")
    capsys.readouterr()
    assert main(["predict", "--model", str(out / "model.npz"), "--data", str(csv)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "class 0" in lines[0] and "class 1" in lines[1]


@pytest.mark.slow
def test_diverging_run_writes_what_it_has_and_fails(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--dataset", "linear", "--activation", "identity", "--loss", "mse",
                 "--output-activation", "identity", "--optimizer", "sgd", "--lr", "100", "--out", str(out)])
    assert code == 1
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["diverged"] and "lower learning rate" in metrics["message"]
    assert "diverged at epoch" in capsys.readouterr().out


@pytest.mark.slow
def test_existing_output_folder_is_never_overwritten(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    assert main(["train", "--out", str(out), "--epochs", "5"]) == 2
    assert "--force" in capsys.readouterr().err
    assert os.listdir(out) == ["keep.txt"]
    assert main(["train", "--out", str(out), "--epochs", "5", "--force", "--print-every", "0"]) == 0


def test_help_reads_well(capsys, help_of):
    text = help_of("train")
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


@pytest.mark.slow
def test_bce_on_logits_is_said_in_the_run_description(tmp_path, capsys):
    assert main(["train", "--output-activation", "identity", "--epochs", "2", "--print-every", "0",
                 "--out", str(tmp_path / "run")]) == 0
    assert "loss bce_logits" in capsys.readouterr().out


def _option_helps(command):
    """The help of each RunConfig option of ``command`` (e.g. train), as argparse shows it."""
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    return {a.dest: a.help.replace("%%", "%") for a in sub._actions if a.dest in FIELDS}


def _cell_words():
    """What the help's words for where a default applies mean, as (kind, model) cells of the table data sets."""
    img, csv = {("images", "mlp"), ("images", "cnn")}, {("csv", "mlp"), ("csv", "cnn")}
    words = {"images and CSV tables": img | csv, "images": img, "CSV tables": csv}
    for model in ("mlp", "cnn"):
        words[f"the images and CSV {model}"] = {("images", model), ("csv", model)}
        words[f"the images {model}"] = {("images", model)}
        words[f"the CSV {model}"] = {("csv", model)}
    return words


def _cells(where, words):
    """The cells named by ``where``, phrases of ``words`` joined by ' and '."""
    if where in words:
        return set(words[where])
    for match in re.finditer(" and ", where):
        left, right = where[:match.start()], where[match.end():]
        if left in words:
            rest = _cells(right, words)
            if rest is not None:
                return words[left] | rest
    return None


def _stated_defaults(help_text):
    """From '... (default: 8 8; 256 128 for the images mlp; 128 for the images and CSV cnn (5 on x))':
    the lab's default and {(kind, model) or (image set, model): stated default}."""
    stated = help_text[help_text.index("(default: ") + len("(default: "):-1]
    lab, *clauses = stated.split("; ")
    words, cells = _cell_words(), {}
    for image_set in recipes.IMAGE_SET_DEFAULTS:
        for model in ("mlp", "cnn"):
            words[f"the {image_set} {model}"] = {(image_set, model)}
    for clause in clauses:
        found = re.fullmatch(r"(.+?) for (.+?)((?: \(.+? (?:on|for) .+?\))*)", clause)
        assert found, clause
        value, where, exceptions = found.groups()
        named = _cells(where, words)
        assert named, f"cannot tell what {where!r} means in {help_text!r}"
        cells.update(dict.fromkeys(named, value))
        for exception in re.findall(r"\((.+?)\)", exceptions):  # "(9 on fashion-mnist)", "(9 for the x cnn)"
            one_model = re.fullmatch(r"(.+) for the (\S+) (\S+)", exception)
            if one_model:
                other, image_set, model = one_model.groups()
                cells[image_set, model] = other
            else:
                other, image_set = exception.rsplit(" on ", 1)
                cells.update({(image_set, model): other for kind, model in named if kind == "images"})
    return lab, cells


def test_help_states_the_default_of_every_data_set_kind():
    """Each default the help states is what RunConfig.for_dataset gives: 2-D points, images, CSV tables."""
    helps = _option_helps("train")
    runs = []  # (dataset, model, the help's cells that describe it, most specific first)
    for source in datasets.sources().values():
        for model in (("mlp", "cnn") if source.is_table else ("mlp",)):
            runs.append((source.name, model, [(source.name, model), (source.kind, model)]))
    # values to regress onto need a loss of values, which is not the lab's: given, as the user gives it
    values = {source.name for source in datasets.sources().values() if source.targets == "values"}
    for name, f in FIELDS.items():
        if name in ("dataset", "model", "data"):  # given below, to choose the run
            continue
        configs = {(dataset, model): RunConfig.for_dataset(dataset=dataset, model=model,
                                                           data="table.csv" if dataset == "csv" else None,
                                                           loss=LOSSES.name_of(MSELoss) if dataset in values else None)
                   for dataset, model, _ in runs if not (name == "loss" and dataset in values)}
        if "default_text" in f.metadata:  # written by hand: must hold for every data set alike
            assert {getattr(c, name) for c in configs.values()} == {f.default}, name
            continue
        lab, cells = _stated_defaults(helps[name])
        for dataset, model, keys in runs:
            if (dataset, model) not in configs:
                continue
            stated = next((cells[key] for key in keys if key in cells), lab)
            actual = _shown(getattr(configs[dataset, model], name), f.metadata.get("none", "none"))
            assert stated == actual, (f"--{name} on {dataset} with --model {model}: help says {stated}, "
                                      f"the run uses {actual} ({helps[name]!r})")


@pytest.mark.slow
def test_a_run_that_stops_early_says_when_and_why(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--dataset", "xor", "--target-accuracy", "1.0", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    stopped = metrics["epochs"]
    assert metrics["stop_reason"] == "reached target accuracy 100%" and stopped < 2000 and stopped % 200
    text = capsys.readouterr().out
    assert f"epoch {stopped:5d}  loss {metrics['final_loss']:.5f}" in text  # the last epoch, off the 200s
    assert f"stopped at epoch {stopped} of 2000: reached target accuracy 100%" in text
    # the XOR points are their own test set: one set, its loss during the last epoch and after it
    assert "predictions on the test set, which for xor is the 21 training points themselves (the set is fixed):" in text
    assert (f"final loss on the 21 training points: {metrics['final_loss']:.5f} during the last epoch (before its "
            f"update), {metrics['test_loss']:.5f} after training; accuracy {100 * metrics['test_accuracy']:.2f}%"
            in text)
    assert "test loss" not in text


@pytest.mark.slow
def test_a_run_that_completes_logs_its_last_epoch_and_no_stop(tmp_path, capsys):
    assert main(["train", "--dataset", "linear", "--epochs", "150", "--print-every", "100",
                 "--out", str(tmp_path / "run")]) == 0
    text = capsys.readouterr().out
    assert "epoch   100  loss" in text and "epoch   150  loss" in text
    assert "stopped at" not in text
    assert "final training loss" in text and "test loss" in text  # fresh test points: two sets


@pytest.mark.slow
def test_a_run_stopped_at_its_target_is_not_diagnosed(tmp_path, capsys):
    # 97% training accuracy is what was asked for, not "too few epochs"
    out = tmp_path / "run"
    assert main(["train", "--dataset", "linear", "--target-accuracy", "0.97", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["stop_reason"] == "reached target accuracy 97%" and metrics["epochs"] < 2000
    assert metrics["diagnosis"] is None and "diagnosis:" not in capsys.readouterr().out


def _train_on_table(tmp_path, rows, *options, out="run"):
    """``train`` on a CSV of ``rows`` (a, b, label), written into tmp_path; its exit status."""
    (tmp_path / "table.csv").write_text("a,b,label\n" + "".join(f"{a},{b},{label}\n" for a, b, label in rows))
    return main(["train", "--dataset", "csv", "--data", str(tmp_path / "table.csv"), *options,
                 "--out", str(tmp_path / out)])


def test_a_table_smaller_than_the_default_batch_trains_full_batch_and_says_so(tmp_path, capsys):
    rows = [(i / 20, (i * 7 % 20) / 20, int(i % 3 == 0)) for i in range(20)]
    out = tmp_path / "run"
    assert _train_on_table(tmp_path, rows, "--epochs", "2") == 0
    text = capsys.readouterr().out
    config = json.loads((out / "metrics.json").read_text())["config"]
    assert config["batch_size"] is None  # full batch, recorded as such, so --resume runs the same
    assert "the default 32 is more than the 17 training samples, so every update uses all 17 (full batch)" in text
    # a batch the user chose beyond the data is still refused, the default's value too: one line, nothing written
    for chosen in ("40", "32"):
        assert _train_on_table(tmp_path, rows, "--batch-size", chosen, out="run2") == 2
        assert f"--batch-size {chosen} is larger than the 17 training samples" in capsys.readouterr().err
        assert not (tmp_path / "run2").exists()
    # from Python, train() runs what it is given: the batch is refused, not changed behind the caller's back
    with pytest.raises(ConfigError, match="--batch-size 32 is larger than the 17 training samples"):
        train(RunConfig.for_dataset(dataset="csv", data=str(tmp_path / "table.csv"), epochs=1))


@pytest.mark.slow
def test_a_checkpoint_whose_weights_hold_nan_is_refused_on_resume(tmp_path, capsys):
    out = tmp_path / "run"
    assert _train_on_table(tmp_path, [(i % 7, i % 5, i % 2) for i in range(60)], "--epochs", "2") == 0
    checkpoint = out / "checkpoint.npz"
    arrays = dict(np.load(checkpoint))
    weight = next(name for name in arrays if name.endswith(".weight"))
    arrays[weight] = np.full_like(arrays[weight], np.nan)
    np.savez(checkpoint, **arrays)
    before = (out / "metrics.json").read_text()
    capsys.readouterr()
    assert main(["train", "--resume", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "hold NaN or inf" in err and "resuming it would be meaningless" in err
    assert (out / "metrics.json").read_text() == before  # nothing the run had is overwritten


@pytest.mark.slow
def test_resuming_a_run_that_stopped_early_trains_it_no_further(tmp_path, capsys):
    out = tmp_path / "run"
    assert _train_on_table(tmp_path, [(i % 7, i % 5, i % 2) for i in range(60)], "--target-accuracy", "0.01",
                           "--epochs", "5") == 0
    before = json.loads((out / "metrics.json").read_text())
    weights = dict(np.load(out / "model.npz"))
    assert before["epochs"] == 1 and before["stop_reason"] == "reached target accuracy 1%"
    capsys.readouterr()
    assert main(["train", "--resume", str(out)]) == 0
    text = capsys.readouterr().out
    after = json.loads((out / "metrics.json").read_text())
    assert "already finished" in text and "resuming after" not in text
    assert after["epochs"] == 1 and after["test_accuracy"] == before["test_accuracy"]
    assert all(np.array_equal(weights[k], v) for k, v in np.load(out / "model.npz").items())


def test_a_class_absent_from_the_test_set_has_no_accuracy_rather_than_zero(tmp_path, capsys):
    # label 1 on a single row: the 6 held-out test rows cannot all hold it
    out = tmp_path / "run"
    assert _train_on_table(tmp_path, [(i % 7, i % 5, 1 if i == 0 else i % 2 * 2) for i in range(60)],
                           "--epochs", "1") == 0
    per_class = json.loads((out / "metrics.json").read_text())["per_class_accuracy"]
    absent = [name for name, accuracy in per_class.items() if accuracy is None]
    printed = capsys.readouterr().out
    assert absent and all(f"{name} (not in the test set)" in printed for name in absent)


def _subparsers(parser):
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _subparsers(sub)
    return found


def test_an_abbreviated_option_is_refused_not_guessed(tmp_path, capsys):
    assert all(not p.allow_abbrev for p in _subparsers(build_parser()))
    with pytest.raises(SystemExit) as stopped:
        main(["train", "--epoch", "5", "--out", str(tmp_path / "run")])  # --epochs, cut short
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --epoch 5" in err and err.count("\n") == 1
    assert not (tmp_path / "run").exists()


def test_the_help_of_n_says_validation_comes_out_of_it(tmp_path):
    """--n 6000 on a table trains on fewer than 6,000 rows, and the help says on how many."""
    stated = re.search(r"--n (\d+) trains on ([\d,]+)", _option_helps("train")["n"])
    assert stated, _option_helps("train")["n"]
    n, trained = int(stated.group(1)), int(stated.group(2).replace(",", ""))
    table = tmp_path / "table.csv"
    table.write_text("a,b,label\n" + "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(n + 1000)))
    config = RunConfig.for_dataset(dataset="csv", data=str(table), n=n, test_size=1000)
    assert len(datasets.make_data(config, {"train data": np.random.default_rng(0),
                                           "test data": np.random.default_rng(1)}).y_train) == trained < n


def test_every_argument_of_every_command_has_help():
    for parser in _subparsers(build_parser()):
        for action in parser._actions:
            if not isinstance(action, argparse._SubParsersAction):
                assert action.help, f"{parser.prog} {action.dest}"


def test_lab_help_speaks_of_the_lab_only_and_report_help_names_lab_folders(help_of):
    lab = _option_helps("lab")
    assert not [name for name, text in lab.items() if "image" in text or "CSV" in text], lab
    assert "progress bar" in _option_helps("train")["print_every"]  # where it applies
    text = " ".join(help_of("report").split())
    assert "'lab'" in text and "lab --report" in text


@pytest.mark.parametrize("argv, message", [
    (["train", "--lr", "0.1", "--lr", "0.2"], "--lr is given twice, as --lr 0.1 and --lr 0.2; give it once"),
    (["train", "--hidden", "4", "4", "--hidden", "8"], "--hidden is given twice, as --hidden 4 4 and --hidden 8"),
    (["trace", "--x", "0.1", "0.2", "--x=0.3"], "--x is given twice"),
])
def test_an_option_given_twice_with_two_values_is_one_line_naming_both(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.count("\n") == 1 and message in err, err


def test_an_option_repeated_with_its_value_and_a_repeatable_one_are_accepted(tmp_path):
    assert main(["train", "--lr", "0.1", "--lr=0.1", "--epochs", "1", "--print-every", "0",
                 "--out", str(tmp_path / "run")]) == 0
    args = build_parser().parse_args(["sweep", "--vary", "lr=0.1,1", "--vary", "hidden=4,8"])
    assert args.vary == ["lr=0.1,1", "hidden=4,8"]


@pytest.mark.parametrize("argv, message", [
    (["train", "--out", ""], "--out is given an empty value; give it a value, or drop --out"),
    (["train", "--resume="], "--resume is given an empty value"),
    (["predict", "--model", "m.npz", "--data", "d.csv", "--kaggle", " "], "--kaggle is given an empty value"),
    (["train", "--activation", "relu", ""], "--activation is given an empty value"),
    (["exercise", ""], "DIR is given an empty value; give it a value"),
    (["trace", "--engine", ""], "--engine is given an empty value"),
])
def test_an_empty_value_is_one_line_not_the_option_left_out(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.count("\n") == 1 and message in err, err


def test_memory_that_cannot_be_had_is_one_line_naming_the_size_and_the_variable(monkeypatch, capsys):
    """However deep it happens, a MemoryError ends the command in one line, never a traceback."""
    from backproplab.cli import parser

    def starved(args, write):
        return np.empty((2**30, 2**30), np.float32)  # 4 EiB: no machine has it; NumPy's error names the size

    monkeypatch.setattr(parser.COMMANDS["trace"], "run", starved)
    assert main(["trace"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: trace: the {2**62:,} bytes it needs could not be had")
    assert "BACKPROPLAB_MAX_BATCH_BYTES" in err and "Traceback" not in err


def test_training_out_of_memory_says_which_option_asks_for_less(monkeypatch):
    import importlib

    train_module = importlib.import_module("backproplab.run.train")  # the module, not the function of its name

    def starved(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(train_module, "fit", starved)
    with pytest.raises(ConfigError, match=r"training on batches of 21 samples: the memory it needs could not be had"
                                          r".*use a smaller --batch-size.*BACKPROPLAB_MAX_BATCH_BYTES"):
        train(RunConfig(epochs=1))


@pytest.mark.parametrize("workers, runs, cores, note", [
    (2, 10, 2, ""),
    (500, 2, 8, "note: --workers 500: 2 runs to do, so 2 processes"),
    (4, 10, 2, "note: --workers 4: more than the 2 cores: they share them, each run slower"),
    (16, 6, 2, "note: --workers 16: 6 runs to do, so 6 processes; more than the 2 cores"),
])
def test_workers_beyond_the_runs_are_capped_and_beyond_the_cores_noted(workers, runs, cores, note):
    from backproplab.run.threads import workers_note

    assert workers_note(workers, runs, cores=cores).startswith(note) and bool(note) == bool(workers_note(
        workers, runs, cores=cores))


@pytest.mark.parametrize("typed, value", [("-1e-3", -1e-3), ("-1.", -1.0), ("-.5", -0.5), ("-2E1", -20.0)])
def test_a_negative_number_is_a_value_however_it_is_written(typed, value):
    """argparse alone reads '-1e-3' as an unknown option: a negative number in scientific notation could
    not be typed where negative numbers are allowed."""
    args = build_parser().parse_args(["trace", "--x", typed, "0.5", "--y", typed])
    assert args.x == [value, 0.5] and args.y == [value]


def test_a_value_that_only_looks_like_an_option_is_one_line(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--lr", "-inf"])
    assert capsys.readouterr().err.startswith("error: argument --lr: expected one argument")
