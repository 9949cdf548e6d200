"""Pages that state the same measurement state the same figure, so a reader who reads two of them is
not left to guess which one is right. (That each example prints what its page shows is
tests/test_examples.py's; it matches any number of seconds, since timings depend on the machine.)"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAB_TIME = re.compile(r"\(([\d.]+) s, median of (\d+)\s+runs of `time \.venv/bin/backproplab lab`")


def _page(name):
    return (ROOT / name).read_text(encoding="utf-8")


def _lab_summary(page):
    """The lines of the lab's summary that ``page`` shows, seconds included."""
    return [line for line in _page(page).splitlines() if re.match(r"\s+(linear|xor)\s+final loss", line)]


def test_the_lab_summary_shows_the_same_numbers_on_every_page():
    readme = _lab_summary("README.md")
    assert len(readme) == 2
    assert _lab_summary("docs/tutorial.md") == readme


def test_the_lab_run_time_is_one_figure_measured_one_way():
    stated = {page: LAB_TIME.findall(" ".join(_page(page).split())) for page in ("README.md", "docs/lab.md")}
    assert all(len(found) == 1 for found in stated.values()), stated
    assert stated["README.md"] == stated["docs/lab.md"]
