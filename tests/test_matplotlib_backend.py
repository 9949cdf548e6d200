"""Importing backproplab leaves matplotlib as the user set it: no backend forced, no pyplot loaded."""

import subprocess
import sys

import pytest

SCRIPT = """
import importlib, pkgutil, sys
import matplotlib
matplotlib.use("svg")  # the user's choice, e.g. a notebook's inline backend
before = matplotlib.get_backend()
import backproplab
names = [m.name for m in pkgutil.walk_packages(backproplab.__path__, "backproplab.") if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
assert matplotlib.get_backend() == before, (before, matplotlib.get_backend())
assert "matplotlib.pyplot" not in sys.modules, "pyplot was imported"
print(len(names))
"""


@pytest.mark.slow
def test_importing_every_module_keeps_the_users_backend_and_no_pyplot():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 40  # every module was imported
