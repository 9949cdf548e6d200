"""Typed and visible: every public name imported explicitly, a py.typed marker, and mypy clean on the package."""

import subprocess
import sys
from pathlib import Path

import pytest

import backproplab
from backproplab import data, nn, optim

PACKAGE = Path(backproplab.__file__).parent


@pytest.mark.parametrize("namespace, entries", [
    (nn, [*nn.LAYERS.values(), *nn.LOSSES.values()]),
    (optim, [*optim.OPTIMIZERS.values(), *optim.SCHEDULES.values()]),
    (data, list(data.DATASETS.values())),
    (backproplab, [*nn.LAYERS.values(), *nn.LOSSES.values(),
                   *(entry for entry in (*optim.OPTIMIZERS.values(), *optim.SCHEDULES.values())
                     if isinstance(entry, type))]),
])
def test_every_registered_entry_is_imported_by_name(namespace, entries):
    # the package's own entries: a test file's subclass (test_gradcheck's) registers itself too
    missing = [entry.__name__ for entry in entries if entry.__module__.startswith("backproplab.")
               and (entry.__name__ not in namespace.__all__ or getattr(namespace, entry.__name__) is not entry)]
    assert not missing, f"add {missing} to the imports and __all__ of {namespace.__name__}"


def test_every_name_in_all_exists():
    for namespace in (backproplab, data, nn, optim):
        assert [name for name in namespace.__all__ if not hasattr(namespace, name)] == []


def test_the_package_says_it_is_typed():
    assert (PACKAGE / "py.typed").is_file()


@pytest.mark.slow
def test_mypy_finds_no_error_in_the_package():
    pytest.importorskip("mypy")
    result = subprocess.run([sys.executable, "-m", "mypy", "-p", "backproplab", "--ignore-missing-imports",
                             "--no-incremental"], cwd=PACKAGE.parent, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-5000:]
