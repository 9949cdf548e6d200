"""Pages that state the same measurement state the same figure, so a reader who reads two of them is
not left to guess which one is right. (That each example prints what its page shows is
tests/test_examples.py's; it matches any number of seconds, since timings depend on the machine.)"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAB_TIME = re.compile(r"\(([\d.]+) s, median of (\d+)\s+runs of `time \.venv/bin/backproplab lab`")


def _shipped_texts():
    """(path, text) of every file whose words reach a reader: the pages, the sweep files, the sources."""
    for pattern in ("*.md", "docs/*.md", "experiments/**/*.toml", "src/backproplab/**/*.py"):
        for path in sorted(ROOT.glob(pattern)):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


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


def test_a_reference_to_a_section_of_the_readme_names_one_it_has():
    headings = {line.lstrip("#").strip().lower() for line in _page("README.md").splitlines() if line.startswith("#")}
    named = [(path, match.group(1)) for path, text in _shipped_texts()
             for match in re.finditer(r"README's ([\w -]+?) section", " ".join(text.split()))]
    assert not [(path, name) for path, name in named if name.lower() not in headings]
