"""The report: HTML and Markdown for runs and sweeps, and the lab's report a teacher hands out,
checked in headless Chromium.

The browser test needs Chromium and ChromeDriver (Debian packages chromium and
chromium-driver, which .ci/run installs) and selenium; it skips, saying so,
where they are missing. Its screenshot is kept in test-artifacts/.
"""

import base64
import html
import io
import json
import os
import pathlib
import re

import pytest
from conftest import headless_chromium
from PIL import Image

from backproplab.cli import main
from backproplab.experiments import read_spec
from backproplab.experiments.lab_questions import GOING_FURTHER, LAB_QUESTIONS, answer
from backproplab.report import write_report

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB_ORDER = ["set-up", "data-sets", "data-linear", "data-xor", "questions"] + \
    [f"q-{q.name}" for q in LAB_QUESTIONS] + ["going-further"]
# A Python list, tuple, dict or set printed as it is: a bracket or brace at all (prose needs none), or a
# parenthesis opening on a quote or holding numbers and commas, such as (8, 2) or (2,).
REPR = re.compile(r"[\[\]{}]|\(\s*['\"]|\(\s*-?\d[\d.e+-]*\s*,(\s*-?\d[\d.e+-]*\s*,?)*\s*\)")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """What 'backproplab lab --report' writes, briefly trained: (folder, report.html's text)."""
    out = tmp_path_factory.mktemp("lab") / "lab"
    assert main(["lab", "--epochs", "200", "--print-every", "0", "--out", str(out), "--report"]) == 0
    return out, (out / "report.html").read_text()


@pytest.fixture(scope="module")
def lab_folder(tmp_path_factory):
    """A folder like 'lab --report' writes, made by hand: two runs and one question's sweep, trained briefly."""
    root = tmp_path_factory.mktemp("lab")
    for name in ("linear", "xor"):
        assert main(["train", "--dataset", name, "--epochs", "300", "--print-every", "0", "--out", str(root / name)]) == 0
    assert main(["sweep", "--dataset", "xor", "--vary", "lr=0.01,0.1", "--seeds", "2", "--epochs", "300",
                 "--out", str(root / "sweeps" / "learning-rate")]) == 0
    return root


def _visible_text(page):
    """The words a reader sees: no styles, no images, no folded backpropagation trace (its own notation)."""
    page = re.sub(r"<style>.*?</style>|<img[^>]*>", "", page, flags=re.S)
    page = re.sub(r"<details><summary>Backpropagation by hand.*?</details>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _section_ids(page):
    body = re.sub(r'<nav class="toc">.*?</nav>', "", page, flags=re.S)
    return re.findall(r'<h[23] id="([^"]+)"', body)


def test_lab_report_runs_the_lab_questions_and_writes_one_page(lab):
    out, page = lab
    for question in LAB_QUESTIONS:
        assert (out / "sweeps" / question.name / "curves.png").exists(), question.name
    assert page.count('<h3 id="data-') == 2 and page.count('<h3 id="q-') == len(LAB_QUESTIONS)
    assert "<h1 id=\"top\">The backpropagation lab</h1>" in page
    assert "What happens without activation functions?" in page
    assert "Prediction for each of the 21 test samples" in page
    for question in GOING_FURTHER:  # not run by the lab: named with the command that runs it
        assert f"backproplab sweep {question.name}" in page


def test_lab_report_puts_set_up_then_data_then_the_questions_in_the_labs_order(lab):
    _, page = lab
    assert _section_ids(page) == LAB_ORDER
    markdown = (lab[0] / "report.md").read_text()
    headings = re.findall(r"^#{2,3} (.+)$", markdown, flags=re.M)
    assert headings[0] == "Set-up" and headings[1] == "The data sets"
    assert [h for h in headings if h in {q.title for q in LAB_QUESTIONS}] == [q.title for q in LAB_QUESTIONS]


def test_table_of_contents_links_every_section(lab):
    _, page = lab
    toc = re.search(r'<nav class="toc">(.*?)</nav>', page, flags=re.S).group(1)
    links = re.findall(r'href="#([^"]+)"', toc)
    assert links == _section_ids(page) == LAB_ORDER  # every entry leads somewhere, every section is listed
    assert page.index('<nav class="toc">') < page.index('<h2 id="set-up">')
    markdown = (lab[0] / "report.md").read_text()
    for anchor in re.findall(r"\]\(#([^)]+)\)", markdown):
        assert f'<a id="{anchor}"></a>' in markdown, anchor


def test_each_question_opens_with_its_answer_from_the_measured_results(lab):
    out, page = lab
    for question in LAB_QUESTIONS:
        section = page.split(f'<h3 id="q-{question.name}">')[1]
        first = re.match(r"[^<]*</h3>\s*<p class=\"answer\">([^<]*)</p>", section)
        assert first, f"{question.name}: the section does not open with its answer"
        said = html.unescape(first.group(1))
        folder = out / "sweeps" / question.name
        spec = read_spec(folder)
        rows = json.loads((folder / "summary.json").read_text())["rows"]
        assert said == answer(question, spec, rows)  # the findings of the measured rows, nothing else
        assert said.count(". ") == 0 and said.endswith(".")  # one sentence
        assert re.search(r"\d+\.\d%", said) and "200 epochs" in said
        assert any(row["label"].split(", ")[-1] in said for row in rows)


def test_no_python_repr_in_the_lab_report(lab):
    out, page = lab
    text = _visible_text(page)
    assert REPR.findall(text) == [], [m.group(0) for m in REPR.finditer(text)][:5]
    markdown = re.sub(r"<details>.*?</details>", "", (out / "report.md").read_text(), flags=re.S)
    markdown = re.sub(r"!?\[([^]]*)\]\([^)]*\)", r"\1", markdown)  # a link shows its text
    assert REPR.findall(markdown) == []


def test_the_repr_pattern_finds_lists_tuples_and_dicts():
    for bad in ("activation in {['identity'], ['relu']}", "hidden [8, 8]", "shape (8, 2)", "a0 (2,)", "('a', 1)"):
        assert REPR.search(bad), bad
    for fine in ("100.0% (median 94 epochs)", "lr 0.1 (100.0%, ahead of lr 0.01)", "hidden 8-8", "(seed 0)"):
        assert not REPR.search(fine), fine


def _words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def _shares_four_words(a, b):
    grams = {tuple(_words(a)[i:i + 4]) for i in range(len(_words(a)) - 3)}
    return any(tuple(_words(b)[i:i + 4]) in grams for i in range(len(_words(b)) - 3))


def test_captions_say_how_to_read_a_figure_not_its_title_again(lab):
    _, page = lab
    figures = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="[^"]*"><figcaption>([^<]*)',
                         page)
    assert len(figures) == 2 * 6 + 3 * 4
    for data, caption in figures:
        title = Image.open(io.BytesIO(base64.b64decode(data))).text["Title"]
        caption = html.unescape(caption)
        assert title and caption, (title, caption)
        assert title.lower() not in caption.lower() and caption.lower() not in title.lower()
        assert not _shares_four_words(title, caption), (title, caption)


def test_report_of_a_hand_made_lab_folder(lab_folder, capsys):
    assert main(["report", str(lab_folder)]) == 0
    page = (lab_folder / "report.html").read_text()
    assert _section_ids(page) == LAB_ORDER
    assert "With lr 0.1, 2 of 2 seeds reached 100% training accuracy within 300 epochs" in page
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 2 * 6 + 4  # 6 figures per run, 4 per sweep, all embedded
    assert page.count("<summary>Backpropagation by hand: training point ") == 2  # each run's trace.json
    assert page.count("Not measured in this folder") == len(LAB_QUESTIONS) - 1
    assert "http" not in page.replace("http-equiv", "")  # nothing to fetch
    markdown = (lab_folder / "report.md").read_text()
    for link in re.findall(r"!\[[^]]*\]\(([^)]+)\)", markdown):
        assert (lab_folder / link).exists(), link


def test_report_of_a_sweep_alone_has_contents_and_no_repr(lab_folder):
    folder = lab_folder / "sweeps" / "learning-rate"
    page = pathlib.Path(write_report(folder)).read_text()
    assert "<h1 id=\"top\">backproplab report</h1>" in page
    assert re.findall(r'href="#([^"]+)"', re.search(r'<nav class="toc">(.*?)</nav>', page, flags=re.S).group(1)) \
        == _section_ids(page) == ["sweep-sweep-of-lr"]
    assert "varied: lr 0.01 and 0.1; 2 seeds per setting" in page
    assert REPR.findall(_visible_text(page)) == []


def test_report_rejects_folders_without_runs(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "holds no run (metrics.json) or sweep (sweep.json)" in capsys.readouterr().err


def test_report_renders_in_headless_chromium(lab):
    browser = headless_chromium(1200, 900)
    page = write_report(lab[0])
    try:
        browser.get("file://" + os.path.abspath(page))
        widths = browser.execute_script(
            "return Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)")
        targets = browser.execute_script(  # every contents entry leads to an element of the page
            "return Array.from(document.querySelectorAll('nav.toc a'))"
            ".map(a => document.getElementById(a.getAttribute('href').slice(1)) !== null)")
        traces = browser.execute_script(  # each run's trace: its tables, opened, take up room on the page
            "document.querySelectorAll('details').forEach(d => d.open = true);"
            "return Array.from(document.querySelectorAll('.trace-table')).map(t => t.getBoundingClientRect().height)")
        overflow = browser.execute_script("return document.documentElement.scrollWidth > window.innerWidth")
        errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        os.makedirs(os.path.join(ROOT, "test-artifacts"), exist_ok=True)
        assert browser.save_screenshot(os.path.join(ROOT, "test-artifacts", "report.png"))
    finally:
        browser.quit()
    assert len(widths) == 2 * 6 + 3 * 4 and all(w > 0 for w in widths), widths
    assert len(targets) == len(LAB_ORDER) and all(targets)
    assert len(traces) > 10 and all(h > 0 for h in traces), traces
    assert not overflow  # nothing wider than the window
    assert errors == []
