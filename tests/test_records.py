"""Every JSON file backproplab reads back (metrics.json, trace.json, sweep.json, results.jsonl) is checked
field by field, in one place per format, before any field is used; ``report`` refuses what it cannot read."""

import json
import os
import shutil

import pytest

from backproplab.errors import ConfigError
from backproplab.records import FORMATS, check_record, parse_json, read_record

GOOD = {
    "metrics": {"dataset": "xor", "config": {}, "test_accuracy": 0.5, "test_loss": 0.7, "epochs": 3, "seconds": 0.1,
                "history": {"epoch": [1, 2, 3], "loss": [0.9, 0.8, None]}, "diagnosis": None, "predictions": []},
    "trace": {"sample": {"x": [0.0, 0.0], "y": 0}, "model": "Linear", "loss": {"name": "x"}, "layers": []},
    "sweep": {"base": {"dataset": "xor"}, "vary": {"lr": [0.1]}, "seeds": 1, "title": "t", "question": ""},
    "result": {"key": "lr=0.1|seed=0", "point": {"lr": 0.1}, "seed": 0, "test_accuracy": 0.5, "test_loss": 0.7,
               "train_accuracy": 0.5, "final_loss": 0.7, "epochs": 3, "seconds": 0.1, "diverged": False,
               "diagnosis": None, "epochs_to_target": None, "seconds_to_target": None, "loss": [0.9],
               "accuracy": [0.5]},
}
FIX = "train again"


@pytest.mark.parametrize("form", sorted(FORMATS))
def test_a_file_as_backproplab_writes_it_passes(form):
    assert check_record(dict(GOOD[form]), form, "f", FIX) == GOOD[form]


# (format, field, bad value, what the message says it must be)
BAD = [
    ("metrics", "epochs", -3, "'epochs' must be a whole number >= 0, got -3"),
    ("metrics", "epochs", 2.5, "'epochs' must be a whole number >= 0"),
    ("metrics", "epochs", True, "'epochs' must be a whole number >= 0"),
    ("metrics", "test_accuracy", 7, "'test_accuracy' must be a number from 0 to 1 or null, got 7"),
    ("metrics", "test_accuracy", "0.5", "'test_accuracy' must be a number from 0 to 1 or null"),
    ("metrics", "seconds", None, "'seconds' must be a finite number, got None"),
    ("metrics", "config", [], "'config' must be an object"),
    ("metrics", "history", {"loss": "low"}, "'history' must be an object of lists of numbers"),
    ("metrics", "dataset", 3, "'dataset' must be text"),
    ("metrics", "diagnosis", "stuck", "'diagnosis' must be an object or null"),
    ("trace", "layers", {}, "'layers' must be a list"),
    ("trace", "sample", None, "'sample' must be an object"),
    ("sweep", "seeds", -1, "'seeds' must be a whole number >= 0"),
    ("sweep", "vary", [], "'vary' must be an object"),
    ("result", "key", 7, "'key' must be text"),
    ("result", "loss", [0.1, "x"], "'loss' must be a list of numbers"),
    ("result", "diverged", "no", "'diverged' must be true or false"),
]


@pytest.mark.parametrize("form, field, value, message", BAD)
def test_a_field_of_the_wrong_type_or_range_is_named_in_one_line(form, field, value, message):
    with pytest.raises(ConfigError) as refused:
        check_record({**GOOD[form], field: value}, form, "'f'", FIX)
    assert message in str(refused.value) and str(refused.value).endswith(FIX) and "\n" not in str(refused.value)


@pytest.mark.parametrize("form", sorted(FORMATS))
def test_a_missing_field_or_a_document_that_is_not_an_object_is_named(form):
    required = next(f for f in FORMATS[form] if f in GOOD[form] and f not in ("history", "diagnosis"))
    with pytest.raises(ConfigError, match=f"has no '{required}'"):
        check_record({k: v for k, v in GOOD[form].items() if k != required}, form, "'f'", FIX)
    with pytest.raises(ConfigError, match="must hold a JSON object, got"):
        check_record([GOOD[form]], form, "'f'", FIX)


def test_deep_nesting_invalid_json_and_oversized_files_are_one_line(tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match="is nested: 65 levels of nesting, over the limit of 64"):
        parse_json("[" * 65 + "]" * 65, "'f'", FIX)
    with pytest.raises(ConfigError, match="is damaged: not valid JSON"):
        parse_json("[" * 100_000, "'f'", FIX)  # deeper than Python's recursion limit
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps(GOOD["metrics"]))
    assert read_record(path, "metrics", FIX)["epochs"] == 3
    monkeypatch.setenv("BACKPROPLAB_MAX_RECORD_BYTES", "100")
    with pytest.raises(ConfigError, match="over the limit of 100.*BACKPROPLAB_MAX_RECORD_BYTES"):
        read_record(path, "metrics", FIX)
    path.write_bytes(b"\xff\xfe{}")
    monkeypatch.delenv("BACKPROPLAB_MAX_RECORD_BYTES")
    with pytest.raises(ConfigError, match="is damaged: not UTF-8 text"):
        read_record(path, "metrics", FIX)


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    from backproplab.cli import main

    folder = tmp_path_factory.mktemp("records") / "run"
    assert main(["train", "--dataset", "xor", "--epochs", "2", "--out", str(folder)]) == 0
    return folder


def _report_error(folder, capsys):
    from backproplab.cli import main

    capsys.readouterr()
    assert main(["report", str(folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


@pytest.mark.slow
@pytest.mark.parametrize("damage, message", [
    (lambda m: m.update(epochs="3"), "'epochs' must be a whole number >= 0, got '3'"),
    (lambda m: m.update(test_accuracy=None, config=5), "'config' must be an object, got 5"),
    (lambda m: m.pop("dataset"), "has no 'dataset'"),
])
def test_report_names_the_bad_field_of_metrics_json(run_folder, tmp_path, capsys, damage, message):
    folder = tmp_path / "run"
    shutil.copytree(run_folder, folder)
    metrics = json.loads((folder / "metrics.json").read_text())
    damage(metrics)
    (folder / "metrics.json").write_text(json.dumps(metrics))
    assert message in _report_error(folder, capsys)


@pytest.mark.slow
def test_report_refuses_a_figure_over_its_limit_and_a_folder_it_cannot_list(run_folder, tmp_path, capsys,
                                                                             monkeypatch):
    folder = tmp_path / "run"
    shutil.copytree(run_folder, folder)
    monkeypatch.setenv("BACKPROPLAB_MAX_FIGURE_BYTES", "1000")
    assert "over the limit of 1,000" in _report_error(folder, capsys)
    monkeypatch.delenv("BACKPROPLAB_MAX_FIGURE_BYTES")
    (folder / "trace.json").write_text(json.dumps({**json.loads((folder / "trace.json").read_text()),
                                                   "layers": [{"index": "x"}]}))
    assert "trace.json' is damaged" in _report_error(folder, capsys)
    real = os.listdir
    monkeypatch.setattr(os, "listdir", lambda p: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if os.fspath(p) == os.fspath(tmp_path) else real(p))
    assert "cannot be read (Permission denied); give yourself read permission" in _report_error(tmp_path, capsys)
