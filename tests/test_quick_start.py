"""A quick start: the command line's --help loads no NumPy, and a command's --help no figures, progress bars,
report, server or checker.

Read from ``sys.modules`` of a fresh interpreter, not timed: a command loads these when it runs.
"""

import json
import subprocess
import sys

import pytest

from backproplab.cli.parser import COMMANDS

HEAVY = ("numpy", "matplotlib", "tqdm", "threadpoolctl", "dask", "backproplab.plots", "backproplab.outputs",
         "backproplab.report", "backproplab.playground", "backproplab.experiments", "backproplab.check",
         "backproplab.bench")

SCRIPT = """
import contextlib, io, json, sys
from backproplab.cli.entry import main
printed = io.StringIO()
for words in json.loads(sys.argv[1]):
    with contextlib.redirect_stdout(printed):
        try:
            main(words)
        except SystemExit:
            pass
heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY))
print(json.dumps({"heavy": heavy, "usages": printed.getvalue().count("usage: backproplab")}))
"""


def _help_of(*commands):
    """What loading the help of each of ``commands`` ("" for 'backproplab --help') left in ``sys.modules``."""
    words = [[*([c] if c else []), "--help"] for c in commands]
    result = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{SCRIPT}", json.dumps(words)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_help_of_the_command_line_loads_nothing_heavy():
    found = _help_of("")
    assert found["usages"] == 1 and found["heavy"] == []


@pytest.mark.parametrize("command", [name for name in COMMANDS if name not in ("bench", "check", "exercise")])
def test_a_commands_help_loads_only_what_its_options_need(command):
    found = _help_of(command)
    assert found["usages"] == 1 and [m for m in found["heavy"] if not m.startswith("numpy")] == []


def test_a_name_of_the_package_is_imported_on_first_use_and_the_function_gradcheck_stays_one():
    script = ("import sys, backproplab; assert 'numpy' not in sys.modules\n"
              "import backproplab.gradcheck\nfrom backproplab import Adam, gradcheck, nn\n"
              "print(Adam.__module__, callable(gradcheck) and gradcheck.__module__, nn.__name__)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["backproplab.optim.adaptive", "backproplab.gradcheck", "backproplab.nn"]


def test_the_checkers_help_loads_the_checker_with_all_its_options():
    found = _help_of("check")
    assert found["usages"] == 1 and "backproplab.check" in found["heavy"]
    assert "matplotlib" not in found["heavy"]
