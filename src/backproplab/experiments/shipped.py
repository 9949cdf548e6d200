"""The sweep files that come with backproplab, found by name (``learning-rate``, ``setups/xor-2-7-7-1-lr0.1``).

They are the ``experiments/`` folder at the top of the source repository. A wheel carries
the same files as package data, ``backproplab/experiment_files/`` (``setup.py`` maps the
folder into the package), so ``backproplab sweep learning-rate`` works after a plain
``pip install``; a source checkout or an editable install reads the folder itself.
"""

import os
import pathlib
import re
from importlib import resources

from ..errors import ConfigError, did_you_mean
from ..limits import check_regular_file
from .spec import SweepSpec

PACKAGE_DATA = "experiment_files"


def shipped_folder():
    """The folder of the shipped sweep files, or None when this installation has none."""
    installed = resources.files("backproplab") / PACKAGE_DATA
    if installed.is_dir():
        return pathlib.Path(str(installed))
    checkout = pathlib.Path(__file__).resolve().parents[3] / "experiments"  # src/backproplab/experiments/<this>
    return checkout if checkout.is_dir() else None


def shipped_sweeps():
    """{name: path} of every shipped sweep file; the name is its path without .toml.

    Sorted by name as a person reads it, the top folder's before those of sub-folders (setups/):
    learning-rate before learning-rate-adam (which paths, with their '.toml', would swap), and
    linear-2-5-5-1 before linear-2-10-10-1 (numbers by their value).
    """
    folder = shipped_folder()
    if folder is None:
        return {}
    found = {path.relative_to(folder).with_suffix("").as_posix(): path for path in folder.rglob("*.toml")}
    return {name: found[name] for name in sorted(found, key=_reading_order)}


def _reading_order(name):
    """Sort key: sub-folder depth, then the name with each run of digits compared as a number."""
    return name.count("/"), [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def sweep_key(name):
    """The shipped name ``name`` stands for: ``experiments/learning-rate.toml`` and ``learning-rate.toml`` are
    ``learning-rate``."""
    return name.replace(os.sep, "/").removeprefix("experiments/").removesuffix(".toml")


def find_sweep_file(name):
    """``name`` when it is a file; else the path of the shipped sweep of that name
    (``learning-rate``, ``learning-rate.toml`` and ``experiments/learning-rate.toml`` all find it)."""
    if os.path.exists(name):
        check_regular_file(name, "sweep file", "give a .toml file")  # a FIFO or /dev/zero: refused unread
        return name
    key = sweep_key(name)
    found = shipped_sweeps()
    if key in found:
        return str(found[key])
    raise ConfigError(f"sweep file {name!r} does not exist and is not a shipped sweep{did_you_mean(key, found)}; "
                      "check the path ('backproplab experiments' lists the shipped ones)")


def describe_shipped():
    """(name, title, question) of every shipped sweep file."""
    specs = {name: SweepSpec.from_toml(path) for name, path in shipped_sweeps().items()}
    return [(name, spec.title, spec.question) for name, spec in specs.items()]
