"""The wheel as a user gets it: built from the sources, installed into a fresh virtual
environment, and run from outside the checkout (the shipped sweeps found by name)."""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
import tomllib

import pytest

import backproplab
from backproplab.errors import ConfigError
from backproplab.experiments.shipped import find_sweep_file, shipped_sweeps

# One process runs the file, so its costly set-up (session-scoped: kept while other files' tests
# run in between) is built once.
pytestmark = pytest.mark.xdist_group("test_packaging")

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "LICENSE", "src", "experiments")


def _run(*args, cwd=None):
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """A fresh venv holding the wheel; its dependencies are this environment's (no network)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in SOURCES:  # a copy: building writes build/ and egg-info beside the sources
        src, dst = ROOT / name, source / name
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(src, dst)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", tmp / "dist", source)
    (wheel,) = (tmp / "dist").glob("backproplab-*.whl")
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel)
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip()
    # NumPy, matplotlib, tqdm and threadpoolctl from this environment; its own backproplab stays out
    # of sight (a path line in a .pth file does not run the .pth files of that folder).
    pathlib.Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return {"wheel": wheel, "python": python, "bin": python.parent, "work": tmp / "work"}


@pytest.mark.slow
def test_the_wheel_carries_license_metadata_and_one_version(installed):
    code = ("import backproplab, json, importlib.metadata as m; meta = m.metadata('backproplab'); "
            "print(json.dumps([backproplab.__file__, backproplab.__version__, meta['Version'], "
            "meta['License-Expression'], meta['Requires-Python']]))")
    where, version, wheel_version, license_, requires = json.loads(_run(installed["python"], "-c", code))
    assert where.startswith(str(installed["python"].parents[1]))  # the wheel's copy, not the checkout's
    assert version == wheel_version == backproplab.__version__
    assert (license_, requires) == ("MIT", ">=3.11")


def test_requires_python_matches_what_the_code_needs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"  # experiments.spec reads TOML with tomllib (3.11)
    assert "version" in project["dynamic"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


@pytest.mark.slow
def test_shipped_sweeps_run_by_name_from_a_plain_install(installed):
    work = installed["work"]
    work.mkdir()
    listing = _run(installed["bin"] / "backproplab", "experiments", cwd=work)
    assert "learning-rate: What does the learning rate do to gradient descent?" in listing
    assert "\nsetups/" in listing  # experiments/setups/ too
    _run(installed["bin"] / "backproplab", "sweep", "learning-rate", "--seeds", "1", "--epochs", "5",
         "--workers", "1", "--out", "lr", cwd=work)
    results = [json.loads(line) for line in (work / "lr" / "results.jsonl").read_text().splitlines()]
    assert len(results) == 12  # 2 data sets x 6 learning rates x 1 seed
    assert (work / "lr" / "summary.md").is_file()


def test_a_shipped_sweep_is_found_by_name_path_or_file_name(tmp_path):
    expected = str(ROOT / "experiments" / "learning-rate.toml")
    for name in ("learning-rate", "learning-rate.toml", "experiments/learning-rate.toml"):
        assert find_sweep_file(name) in (expected, name)
    own = tmp_path / "mine.toml"
    own.write_text("[vary]\nlr = [0.1]\n")
    assert find_sweep_file(str(own)) == str(own)
    with pytest.raises(ConfigError, match="did you mean 'learning-rate'"):
        find_sweep_file("learnig-rate")
    names = set(shipped_sweeps())
    assert "learning-rate" in names and any(name.startswith("setups/") for name in names)
