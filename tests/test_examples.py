"""Every example in README.md and docs/*.md runs, and prints what its page says it prints.

What counts as an example:

- a ```bash or ```sh block: each command in it (a line, joined with the next where it ends in a
  backslash; comments dropped), run with bash;
- a ```console block: each ``$ command`` line, run the same way; the lines after it, up to the next
  ``$``, are the output the page claims: each must appear, in order, among the printed lines (a line
  ``...`` stands for lines left out);
- a ```python block: run on its own, as a script in a fresh interpreter, with warnings as errors;
- an HTML comment ``<!-- writes: GLOB ... -->``: every GLOB matches a file once the examples above
  it on its page have run.

A block right after ``<!-- not run in the tests: REASON -->`` is not run; the page shows the reason, and
``NOT_RUN`` below counts them. A page's examples run in order, in one temporary folder holding
links to the checkout's ``experiments/`` and ``benchmarks/``, so a later command finds what an
earlier one wrote; a command the page has run already is not run again, its output is checked
against the new claim.

The only changes made to a command, each for a reason:

- ``python3 -m venv .venv && .venv/bin/pip install ... &&`` is dropped, and ``.venv/bin/`` is the
  folder of the interpreter running the tests: backproplab is installed there already;
- a path holding ``<...>`` or ``<timestamp>`` is the newest existing path it matches, the
  placeholder read as a wildcard;
- ``--data-dir ../shared/data`` names ``$BACKPROPLAB_DATA``; an example reading MNIST or
  Fashion-MNIST is skipped when that variable is unset;
- a command whose output the page does not show runs shorter: a sweep with ``--seeds 1 --epochs 20``,
  ``lab --report`` with ``--epochs 100``, an image run on 1,000 images for one epoch. A command
  whose output the page shows runs as written.

Printed numbers are compared as numbers: within 2% or 5e-4, since the last digits of a float
computation depend on the CPU's BLAS kernel; a number of seconds matches any number, since the
time depends on the machine.
"""

import glob
import math
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BIN = Path(sys.executable).parent
DATA = os.environ.get("BACKPROPLAB_DATA")

# Examples the pages mark as not run, each with its reason beside it in the page.
NOT_RUN = 22

NOT_RUN_MARK = re.compile(r"<!--\s*not run in the tests:\s*(.+?)\s*-->")
WRITES_MARK = re.compile(r"<!--\s*writes:\s*(.+?)\s*-->")
FENCE = re.compile(r"^```(\w*)\s*$")
SETUP = re.compile(r"^python3 -m venv \.venv && \.venv/bin/pip install [^&]*&& ")
PLACEHOLDER = re.compile(r"<[^<>\s]*>")
NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?(?:e[+-]?\d+)?)")
IMAGE_SETS = re.compile(r"\b(?:fashion-)?mnist\b")


@dataclass
class Example:
    kind: str  # "shell", "python" or "writes"
    text: str
    line: int
    claimed: list = field(default_factory=list)  # the output lines the page shows, for "shell"
    not_run: str | None = None


def examples_of(page):
    """The examples of ``page`` in order: commands, Python blocks and claims of written files."""
    found, pending_reason, lang, body, start = [], None, None, [], 0
    for number, line in enumerate(page.read_text(encoding="utf-8").split("\n"), 1):
        fence = FENCE.match(line)
        if lang is not None:
            if fence and not fence.group(1):
                found.extend(_block_examples(lang, body, start, pending_reason))
                lang, pending_reason = None, None
            else:
                body.append(line)
            continue
        if fence:
            lang, body, start = fence.group(1), [], number
        elif NOT_RUN_MARK.search(line):
            pending_reason = NOT_RUN_MARK.search(line).group(1)
        elif WRITES_MARK.search(line):
            found.append(Example("writes", WRITES_MARK.search(line).group(1), number))
        elif line.strip():
            pending_reason = None  # the mark belongs to the block right after it
    return found


def _block_examples(lang, body, start, not_run):
    if lang == "python":
        return [Example("python", "\n".join(body), start, not_run=not_run)]
    if lang in ("bash", "sh"):
        return [Example("shell", command, start, not_run=not_run) for command in _commands(body)]
    if lang == "console":
        found = []
        for line in body:
            if line.startswith("$ "):
                found.append(Example("shell", _strip_comment(line[2:]), start, not_run=not_run))
            elif found:
                found[-1].claimed.append(line)
        return found
    return []  # plain ``` blocks show output or layout, checked by the tests of what they show


def _commands(lines):
    commands, current = [], ""
    for line in lines:
        current += line.strip() if current else line.rstrip()  # a continued line's indent is layout
        if current.endswith("\\"):
            current = current[:-1].rstrip() + " "
            continue
        command = _strip_comment(current).strip()
        if command:
            commands.append(command)
        current = ""
    return commands


def _strip_comment(line):
    """``line`` without its shell comment: a # outside quotes, at the start or after a space."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line


def substituted(command, folder, shown):
    """``command`` as the test runs it (the substitutions of the module's docstring)."""
    command = SETUP.sub("", command).replace(".venv/bin/", f"{BIN}/")
    command = command.replace("--data-dir ../shared/data", f"--data-dir {DATA}")
    words = []
    for word in command.split(" "):
        if PLACEHOLDER.search(word):
            matches = sorted(glob.glob(PLACEHOLDER.sub("*", word), root_dir=folder),
                             key=lambda path: os.path.getmtime(folder / path))
            assert matches, f"nothing written so far matches {word}"
            word = matches[-1]
        words.append(word)
    command = " ".join(words)
    if not shown:
        if " sweep " in command and "--resume" not in command:
            command = with_options(command, "--seeds", "1", "--epochs", "20")
        elif " lab " in command + " " and "--report" in command:
            command = with_options(command, "--epochs", "100")
        elif " train " in command and IMAGE_SETS.search(command):
            command = with_options(command, "--n", "1000", "--test-size", "500", "--epochs", "1")
    return command


def with_options(command, *pairs):
    """``command`` with each option of ``pairs`` (--flag value ...) set: its value replaced where the
    command gives it (an option is given once), else added at the end."""
    words = command.split(" ")
    for flag, value in zip(pairs[::2], pairs[1::2]):
        if flag in words:
            words[words.index(flag) + 1] = value
        else:
            words += [flag, value]
    return " ".join(words)


def lines_match(claimed, printed):
    """Whether a printed line says what the claimed line says, numbers compared as numbers."""
    claimed_numbers, printed_numbers = NUMBER.findall(claimed), NUMBER.findall(printed)
    claimed_text, printed_text = NUMBER.split(claimed), NUMBER.split(printed)
    if len(claimed_numbers) != len(printed_numbers):
        return False
    if [" ".join(t.split()) for t in claimed_text] != [" ".join(t.split()) for t in printed_text]:
        return False
    for i, (want, got) in enumerate(zip(claimed_numbers, printed_numbers)):
        if claimed_text[i + 1].lstrip().startswith("s") and not claimed_text[i + 1].lstrip()[1:2].isalpha():
            continue  # seconds: the machine's, not the program's
        want, got = float(want.replace(",", "")), float(got.replace(",", ""))
        if not math.isclose(want, got, rel_tol=0.02, abs_tol=5e-4):
            return False
    return True


def check_claims(claimed, output, where):
    printed = [line for line in re.split(r"[\r\n]", output) if line.strip()]
    position = 0
    for want in claimed:
        if want.strip() in ("", "..."):
            continue
        for i in range(position, len(printed)):
            if lines_match(want, printed[i]):
                position = i + 1
                break
        else:
            raise AssertionError(f"{where}: the page shows\n    {want}\nwhich the command does not print (in this "
                                 f"order); it printed:\n" + "\n".join(printed[-40:]))


def _environment():
    # COLUMNS: the trace wraps its notes to the terminal's width, and the pages show 100 columns
    env = dict(os.environ, MPLBACKEND="Agg", COLUMNS="100", PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("PYTHONWARNINGS", None)
    return env


def run_example(example, folder, where, ran):
    """Run ``example`` in ``folder`` (``ran``: the page's finished commands) and check its claims."""
    if DATA is None and IMAGE_SETS.search(example.text):
        return f"{where}: skipped, it reads MNIST or Fashion-MNIST and BACKPROPLAB_DATA is unset"
    if example.kind == "writes":
        for pattern in example.text.split():
            assert glob.glob(pattern, root_dir=folder), f"{where}: the page says {pattern} is written; it is not"
        return None
    if example.kind == "python":
        script = folder / f"example_{example.line}.py"
        script.write_text(example.text, encoding="utf-8")
        argv = [sys.executable, "-W", "error", str(script)]
    else:
        argv = ["bash", "-c", substituted(example.text, folder, bool(example.claimed))]
    key = tuple(argv)
    if key not in ran:
        ran[key] = subprocess.run(argv, cwd=folder, env=_environment(), stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, timeout=900)
    done = ran[key]
    expects_error = any(line.startswith("error:") for line in example.claimed)
    assert (done.returncode != 0) == expects_error, (
        f"{where}: {argv[-1][:300]}\nexited {done.returncode}:\n{done.stdout[-3000:]}")
    if example.kind == "python":
        assert "Warning" not in done.stdout, f"{where}: prints a warning the page does not show:\n{done.stdout[-2000:]}"
    check_claims(example.claimed, done.stdout, where)
    return None


def _page_id(page):
    return str(page.relative_to(ROOT))


def test_the_pages_mark_every_example_they_do_not_run():
    not_run = [(_page_id(page), example.line, example.not_run)
               for page in PAGES for example in examples_of(page) if example.not_run]
    print(f"{len(not_run)} examples are not run in the tests:")
    for page, line, reason in not_run:
        print(f"  {page}:{line}: {reason}")
    assert len(not_run) == NOT_RUN, not_run
    assert all(len(reason) > 10 for _, _, reason in not_run)  # a reason, not just a mark


def test_the_runner_reads_a_page_as_it_is_written(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "<!-- not run in the tests: it installs -->\n```bash\npip install x\n```\n\n"
        "```bash\n.venv/bin/backproplab train \\\n    --lr 0.1   # a comment\n```\n"
        "```console\n$ echo 'a # b'\na # b\n...\n```\n<!-- writes: out/*.png -->\n```python\nprint(1)\n```\n",
        encoding="utf-8")
    found = examples_of(page)
    assert [(e.kind, e.text, e.not_run) for e in found] == [
        ("shell", "pip install x", "it installs"),
        ("shell", ".venv/bin/backproplab train --lr 0.1", None),
        ("shell", "echo 'a # b'", None),
        ("writes", "out/*.png", None),
        ("python", "print(1)", None),
    ]
    assert found[2].claimed == ["a # b", "..."]


def test_numbers_are_compared_as_numbers_and_seconds_not_at_all():
    assert lines_match("  xor  final loss 0.00071  accuracy 100.00%  (2,000 epochs, 0.35 s)",
                       "  xor  final loss 0.00072  accuracy 100.00%  (2,000 epochs, 1.52 s)")
    assert not lines_match("final loss 0.5", "final loss 0.6")
    assert not lines_match("accuracy 100.00%", "accuracy 52.38%")
    assert not lines_match("test accuracy 99%", "train accuracy 99%")
    assert lines_match("largest relative error: 1.08e-08", "largest relative error: 1.06e-08")
    with pytest.raises(AssertionError, match="does not print"):
        check_claims(["b", "a"], "a\nb\n", "page")


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_every_example_of_the_page_runs_and_prints_what_it_shows(page, tmp_path):
    for name in ("experiments", "benchmarks"):
        (tmp_path / name).symlink_to(ROOT / name)
    skipped, ran = [], {}
    for example in examples_of(page):
        if example.not_run:
            continue
        where = f"{_page_id(page)}:{example.line}"
        reason = run_example(example, tmp_path, where, ran)
        if reason:
            skipped.append(reason)
    print("\n".join(skipped))  # the real-data examples, when BACKPROPLAB_DATA is unset
