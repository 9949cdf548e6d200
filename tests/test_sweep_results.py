"""What a sweep keeps and returns: compact curves in results.jsonl, SweepResults, its repr and pandas tables."""

import json

import pandas as pd
import pytest

from backproplab import ConfigError
from backproplab.experiments import SweepResults, SweepSpec, read_results, read_sweep, run_sweep
from backproplab.experiments.curves import MAX_POINTS, curve_epochs, curve_grid
from backproplab.experiments.results import write_curves_csv
from backproplab.experiments.sweep import RESULTS_FILE, run_one
from backproplab.run import train

LAB = {"dataset": "xor", "hidden": "8-8", "activation": "sigmoid", "loss": "bce", "init": "normal",
       "optimizer": "sgd", "lr": 1.0, "epochs": 2000}


def test_a_run_keeps_its_curves_at_a_hundred_epochs_in_a_few_kilobytes():
    spec = SweepSpec(base=LAB, vary={}, seeds=1)
    point = spec.points()[0]
    record = run_one((spec.as_dict(), "k", point, 0, False))[0]
    history = train(spec.config(point, 0)).history  # the same run, every epoch
    assert record["curve_epochs"] == curve_grid(2000) and len(curve_grid(2000)) == MAX_POINTS
    assert record["curve_epochs"][:3] == [1, 21, 41] and record["curve_epochs"][-1] == 2000
    for kept, epoch in zip(record["loss"], record["curve_epochs"]):
        assert kept == pytest.approx(history.loss[epoch - 1], rel=1e-3)  # 4 significant digits
    assert record["gradient_norms"]["epoch"] == record["curve_epochs"]
    # every epoch of both curves, as kept before, came to some 70 kB a run: a tenth of that at most
    assert len(json.dumps(record)) < 7_000


def test_short_runs_keep_every_epoch():
    assert curve_grid(5) == [1, 2, 3, 4, 5] and curve_grid(100) == list(range(1, 101))
    assert curve_epochs({"loss": [0.7, 0.6, 0.5]}) == [1, 2, 3]  # a record written before curves were compact


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep") / "lr-hidden"
    spec = SweepSpec(base={"dataset": "xor", "epochs": 30}, vary={"lr": [0.1, 1.0], "hidden": ["2", "4-4"]}, seeds=2)
    return run_sweep(spec, folder, workers=1, write=lambda s: None)


def test_run_sweep_returns_its_records_in_run_order(sweep):
    assert isinstance(sweep, SweepResults) and len(sweep) == 8
    assert [r["key"] for r in sweep] == [key for key, _, _ in sweep.spec.runs()]
    assert list(sweep) == [read_results(sweep.folder)[r["key"]] for r in sweep]
    assert read_sweep(sweep.folder) == sweep and read_sweep(sweep.folder).spec.as_dict() == sweep.spec.as_dict()


def test_its_repr_is_a_few_lines_with_the_best_setting_first(sweep):
    text = repr(sweep)
    lines = text.splitlines()
    assert lines[0] == f"SweepResults: 8 of 8 runs in {sweep.folder!r}: 4 settings of lr x hidden, 2 seeds"
    best = max(sweep.to_dataframe().groupby(["lr", "hidden"]).test_accuracy.mean().items(), key=lambda kv: kv[1])
    (lr, hidden), accuracy = best
    assert lines[1].startswith(f"  lr {lr:g}, hidden {hidden}: test accuracy {100 * accuracy:.1f}%")
    assert len(lines) == 6 and len(text) < 600  # no curve, no record


def test_ipython_shows_the_repr_not_the_records(sweep):
    class Printer:
        def text(self, shown):
            self.shown = shown

    printer = Printer()
    sweep._repr_pretty_(printer, cycle=False)
    assert printer.shown == repr(sweep)


def test_to_dataframe_has_a_flat_column_per_varied_option_and_metric(sweep):
    table = sweep.to_dataframe()
    assert list(table.columns[:4]) == ["key", "lr", "hidden", "seed"]
    assert {"test_accuracy", "test_loss", "final_loss", "epochs", "diverged", "epochs_to_target"} <= set(table.columns)
    assert table.shape[0] == 8 and table.lr.dtype == float and sorted(set(table.hidden)) == ["2", "4-4"]
    by_key = {r["key"]: r for r in sweep}
    for row in table.itertuples():
        assert row.test_accuracy == by_key[row.key]["test_accuracy"] and row.lr == by_key[row.key]["point"]["lr"]
    assert table.groupby("lr").size().to_dict() == {0.1: 4, 1.0: 4}


def test_curves_is_one_row_per_run_and_kept_epoch(sweep):
    curves = sweep.curves()
    assert list(curves.columns) == ["lr", "hidden", "seed", "epoch", "loss", "accuracy"]
    assert len(curves) == 8 * 30 and sorted(set(curves.epoch)) == list(range(1, 31))
    first = sweep[0]
    mine = curves[(curves.lr == first["point"]["lr"]) & (curves.hidden == "-".join(map(str, first["point"]["hidden"])))
                  & (curves.seed == first["seed"])]
    assert mine.loss.tolist() == first["loss"] and mine.accuracy.tolist() == first["accuracy"]


def test_curves_csv_is_that_table_as_pandas_reads_it(sweep, tmp_path):
    path = write_curves_csv(sweep.spec, tmp_path, sweep)
    read = pd.read_csv(path)
    pd.testing.assert_frame_equal(read, sweep.curves(), check_dtype=False)


def test_pandas_reads_the_results_file_as_it_is(sweep):
    read = pd.read_json(f"{sweep.folder}/{RESULTS_FILE}", lines=True)
    assert sorted(read.key) == sorted(r["key"] for r in sweep)  # in the order the runs finished
    long = read.explode(["curve_epochs", "loss", "accuracy"])  # the curves side by side, one list per column
    assert len(long) == len(sweep.curves())


def test_curves_of_different_lengths_are_refused(tmp_path):
    folder = tmp_path / "damaged"
    folder.mkdir()
    record = {"key": "k", "point": {}, "seed": 0, "test_accuracy": 0.5, "test_loss": 0.7, "train_accuracy": 0.5,
              "final_loss": 0.7, "epochs": 3, "seconds": 0.1, "diverged": False, "diagnosis": None,
              "epochs_to_target": None, "seconds_to_target": None, "curve_epochs": [1, 2, 3],
              "loss": [0.7, 0.7], "accuracy": [0.5, 0.5, 0.5]}
    (folder / RESULTS_FILE).write_text(json.dumps(record) + "\n")
    with pytest.raises(ConfigError, match=r"line 1 is not a run record: its curves must be of one length, got "
                                          r"3 'curve_epochs', 2 'loss', 3 'accuracy'"):
        read_results(folder)


def test_without_pandas_a_table_is_one_line_saying_how_to_install_it(sweep, monkeypatch):
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pandas" else find_spec(name, *a))
    with pytest.raises(ConfigError, match=r"^a sweep's tables need pandas; install it with: pip install "
                                          r"'backproplab\[pandas\]'$"):
        sweep.to_dataframe()


def test_the_repr_reads_no_data_set(sweep, monkeypatch):
    # an image sweep's summary reads its test set for the chance level: the repr of its results must not
    def no_data(config):
        raise AssertionError(f"the repr read the {config.dataset} data")

    monkeypatch.setattr("backproplab.experiments.summary.make_data", no_data)
    monkeypatch.setattr("backproplab.experiments.summary._MAJORITY", {})
    assert repr(sweep).startswith("SweepResults: 8 of 8 runs")
