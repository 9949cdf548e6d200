"""Every option of every command, given a value out of its range, NaN, infinity, an empty string and
a second, different value: each is refused in one line (exit status 2), or has a meaning written down
here and in the option's help.

The walk reads the options from the parsers themselves, so a new option is walked without a word
here. (``bench`` is left out: it hands its arguments to benchmarks/bench.py, outside the package.)
"""

import argparse
import contextlib
import io

import pytest

from backproplab.cli import build_parser, main

pytestmark = pytest.mark.slow

# (command, option, value) accepted, and what it means.
FOLDER = "a folder's name: the output is written there"
FILE = "a file's name: the output is written there"
SEED = "any whole number >= 0 seeds NumPy's SeedSequence, which takes integers of any size"
ACCEPTED = {
    **{(command, "--out", value): FOLDER for command in ("lab", "train", "sweep") for value in ("words", "nan", "inf")},
    **{("predict", option, value): FILE for option in ("--out", "--kaggle") for value in ("words", "nan", "inf")},
    **{("check", "--results", value): FILE for value in ("words", "nan", "inf")},
    **{("exercise", "DIR", value): FOLDER for value in ("words", "nan", "inf")},
    **{(command, "--seed", "99999999999999999999"): SEED for command in ("lab", "train", "trace")},
    **{(command, "--init-seed", "99999999999999999999"): SEED for command in ("train", "sweep", "trace")},
    **{("playground", "--host", value): "a host name, looked up when the server starts (one line if unknown)"
       for value in ("words", "nan", "inf")},
    ("sweep", "--workers", "99999999999999999999"): "processes: never more than the runs, with a note saying so",
    ("check", "--workers", "99999999999999999999"): "submissions checked at once: never more than there are",
}


class _Started(BaseException):
    """Raised where the playground would start listening: the walk never serves."""


def _values(action):
    """Values out of any range, then NaN, infinities and the empty string."""
    beyond = {int: ["-7", "99999999999999999999"], float: ["-1e300", "1e300"]}.get(action.type, ["words"])
    return [*beyond, "nan", "inf", "-inf", ""]


def _base(command, option, workdir):
    """The arguments that make ``command`` quick, on the files of ``workdir``, without ``option``."""
    varied = "momentum=0,0.5" if option == "--lr" else "lr=0.1,0.2"
    base = {
        "lab": ["--epochs", "1", "--print-every", "0", "--out", "out"],
        "train": ["--epochs", "1", "--print-every", "0", "--out", "out"],
        "sweep": ["--vary", varied, "--seeds", "1", "--epochs", "1", "--workers", "1", "--out", "out"],
        "predict": ["--model", f"{workdir}/run/model.npz", "--data", f"{workdir}/points.csv"],
        "playground": ["--no-browser"],
        "check": [f"{workdir}/exercise"],
    }.get(command, [])
    kept, skip = [], False
    for token in base:
        if skip or token == option:
            skip = token == option
            continue
        kept.append(token)
    return kept


def _cases():
    parser = build_parser()
    for command, sub in parser.commands.items():
        if command == "bench":
            continue
        for action in sub._actions:
            if action.nargs == 0 or isinstance(action, (argparse._HelpAction, argparse.BooleanOptionalAction)):
                continue
            name = action.option_strings[0] if action.option_strings else action.metavar
            for value in _values(action):
                yield command, name, [value], bool(action.option_strings)
            if action.option_strings and not isinstance(action, argparse._AppendAction):
                yield command, name, ["1", "2"], True  # a second, different value


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("walk")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["train", "--epochs", "2", "--print-every", "0", "--out", str(folder / "run")]) == 0
        assert main(["exercise", str(folder / "exercise")]) == 0
    (folder / "points.csv").write_text("x1,x2\n0.1,0.2\n0.5,0.9\n")
    return folder


def _run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as e:
            code = e.code
        except _Started:
            code = 0
    return code, err.getvalue()


@pytest.mark.parametrize("command, name, values, is_option", list(_cases()),
                         ids=lambda v: repr(v) if isinstance(v, list) else str(v))
def test_every_option_refuses_what_has_no_meaning(workdir, tmp_path, monkeypatch, command, name, values, is_option):
    from backproplab.playground import server

    def listening(host, port):
        raise _Started

    monkeypatch.setattr(server, "make_server", listening)
    monkeypatch.chdir(tmp_path)  # what a case writes, it writes here, away from the other cases
    given = [token for value in values for token in ([name, value] if is_option else [value])]
    code, err = _run([command, *_base(command, name, workdir), *given])
    assert "Traceback" not in err, err
    meaning = ACCEPTED.get((command, name, values[0])) if len(values) == 1 else None
    if meaning is None:
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (code, err)
    else:
        assert code in (0, 1), (code, err)  # check's 1: the exercise, not filled in, fails its check


def test_every_meaning_written_here_belongs_to_a_walked_case():
    walked = {(command, name, values[0]) for command, name, values, _ in _cases() if len(values) == 1}
    assert set(ACCEPTED) <= walked, sorted(set(ACCEPTED) - walked)
