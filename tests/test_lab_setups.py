"""experiments/setups/: every classic set-up states its own settings and what it reaches;
benchmarks/lab_setups.py checks them (here a reduced run)."""

import glob
import importlib.util
import os

import pytest

from backproplab.experiments import SweepSpec

ROOT = os.path.join(os.path.dirname(__file__), os.pardir)
SETUP_FILES = sorted(glob.glob(os.path.join(ROOT, "experiments", "setups", "*.toml")))
# What a set-up must say itself rather than inherit from the library's defaults.
OWN = {"dataset", "hidden", "activation", "loss", "init", "optimizer", "lr", "epochs"}


def _benchmark():
    spec = importlib.util.spec_from_file_location("lab_setups", os.path.join(ROOT, "benchmarks", "lab_setups.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lab_setups = _benchmark()


@pytest.mark.parametrize("path", SETUP_FILES, ids=os.path.basename)
def test_every_setup_states_its_own_settings_and_what_it_reaches(path):
    name, spec, expect = lab_setups.read_setup(path)
    assert OWN <= set(spec.base), f"{name} leaves {sorted(OWN - set(spec.base))} to the library's defaults"
    assert spec.seeds >= 5 and not spec.vary
    assert expect["reported"] and 0 < expect["worst_accuracy"] <= expect["mean_accuracy"] <= 1
    assert isinstance(SweepSpec.from_toml(path), SweepSpec)  # also a sweep file: backproplab sweep runs it


def test_the_setups_cover_every_report_network():
    names = {os.path.basename(p) for p in SETUP_FILES}
    for part in ("2-5-5-1", "2-7-7-1", "no-bias", "100-50-10-1-per-sample", "adagrad", "step-decay",
                 "784-360-10", "2-4-4-1-cross-entropy"):
        assert any(part in name for name in names), part


@pytest.mark.slow
def test_a_reduced_run_meets_its_figure(capsys):
    assert lab_setups.main(["--only", "xor-2-4-4-1", "--seeds", "2", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "| xor-2-4-4-1-cross-entropy | 100% accuracy" in out and "100.0% (100.0%) | 100.0% | yes |" in out


def test_a_setup_that_falls_short_fails_the_run_and_names_its_diagnosis(tmp_path, capsys):
    (tmp_path / "linear-model-on-xor.toml").write_text(
        'title = "a linear model on XOR"\n[base]\ndataset = "xor"\nhidden = "4-4"\nactivation = "identity"\n'
        'loss = "bce"\ninit = "xavier"\noptimizer = "adam"\nlr = 0.01\nepochs = 300\n[sweep]\nseeds = 5\n'
        '[expect]\nreported = "100%"\nmean_accuracy = 1.0\nworst_accuracy = 1.0\n')
    assert lab_setups.main(["--folder", str(tmp_path), "--seeds", "1", "--workers", "1"]) == 1
    row = next(line for line in capsys.readouterr().out.splitlines() if "linear-model-on-xor" in line)
    assert "diagnosed: stuck" in row and row.endswith("| NO |")
