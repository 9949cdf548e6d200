"""The report: HTML and Markdown for runs and sweeps, and the lab's report a teacher hands out,
checked in headless Chromium.

The browser test needs Chromium and ChromeDriver (Debian packages chromium and
chromium-driver, which .ci/run installs) and selenium; it skips, saying so,
where they are missing. Its screenshot is kept in test-artifacts/.
"""

import base64
import contextlib
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
from backproplab.experiments.lab_answers import answer
from backproplab.experiments.lab_questions import LAB_QUESTIONS
from backproplab.report import write_report
from backproplab.report.setup import setup_rows
from backproplab.run import RunConfig

# One process runs the file, so its costly set-up (session-scoped: kept while other files' tests
# run in between) is built once.
pytestmark = pytest.mark.xdist_group("test_report")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB_ORDER = ["set-up", "data-sets", "data-linear", "data-xor", "derivation", "questions"] + \
    [f"q-{q.name}" for q in LAB_QUESTIONS] + ["in-words", "going-further"]
# A Python list, tuple, dict or set printed as it is: a bracket or brace at all (prose needs none), or a
# parenthesis opening on a quote or holding numbers and commas, such as (8, 2) or (2,).
REPR = re.compile(r"[\[\]{}]|\(\s*['\"]|\(\s*-?\d[\d.e+-]*\s*,(\s*-?\d[\d.e+-]*\s*,?)*\s*\)")
# The same in a backpropagation trace, where a vector of values such as x = (0.5, 0.5) is the maths' own
# notation: a class printed as Python does, Linear(in_features=2, ...) or Sigmoid(), a shape tuple after a
# name, W1 (8, 2), or a one-tuple (2,), a bracket, None, True or False.
TRACE_REPR = re.compile(r"[\[\]{}]|\(\s*['\"]|\b[A-Z]\w+\(|\w\(\)|\(\s*\d+\s*,\s*\)|\b\w+ \(\d+(?:, \d+)+\)"
                        r"|\b(?:None|True|False)\b")


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """What 'backproplab lab --report' writes, briefly trained: (folder, report.html's text)."""
    out = tmp_path_factory.mktemp("lab") / "lab"
    assert main(["lab", "--epochs", "100", "--print-every", "0", "--out", str(out), "--report"]) == 0
    return out, (out / "report.html").read_text()


@pytest.fixture(scope="session")
def lab_folder(tmp_path_factory):
    """A folder like 'lab --report' writes, made by hand: two runs and one question's sweep, trained briefly."""
    root = tmp_path_factory.mktemp("lab")
    for name in ("linear", "xor"):
        assert main(["train", "--dataset", name, "--epochs", "300", "--print-every", "0", "--out", str(root / name)]) == 0
    assert main(["sweep", "--dataset", "xor", "--vary", "lr=0.01,0.1", "--seeds", "2", "--epochs", "300",
                 "--out", str(root / "sweeps" / "learning-rate")]) == 0
    return root


def _visible_text(page):
    """The words a reader sees: no styles, no images, no folded backpropagation trace and no derivation's
    formulas (both in the maths' own notation, where brackets group terms)."""
    page = re.sub(r"<style>.*?</style>|<img[^>]*>|<pre class=\"formulas\">.*?</pre>", "", page, flags=re.S)
    page = re.sub(r"<details><summary>Backpropagation by hand.*?</details>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _section_ids(page):
    body = re.sub(r'<nav class="toc">.*?</nav>', "", page, flags=re.S)
    return re.findall(r'<h[23] id="([^"]+)"', body)


@pytest.mark.slow
def _sweeps_of(out, question):
    """The sweep folders of a question: its own, or one per optimizer, gradient descent's first."""
    folder = out / "sweeps" / question.name
    if (folder / "sweep.json").exists():
        return [folder]
    return sorted((p.parent for p in folder.glob("*/sweep.json")), key=lambda p: p.name != "sgd")


def test_lab_report_runs_the_lab_questions_and_writes_one_page(lab):
    out, page = lab
    for question in LAB_QUESTIONS:
        folders = _sweeps_of(out, question)
        assert len(folders) == (2 if question.per_optimizer else 1), question.name
        for folder in folders:
            assert (folder / "curves.png").exists(), folder
    assert page.count('<h3 id="data-') == 2 and page.count('<h3 id="q-') == len(LAB_QUESTIONS)
    assert "<h1 id=\"top\">The backpropagation lab</h1>" in page
    assert "What happens without activation functions?" in page
    assert "Prediction for each of the 21 test samples" in page
    assert "backproplab sweep vanishing-gradients" in page  # the shipped sweeps, named with their commands
    for question in LAB_QUESTIONS:  # each cites the lab reports that ask it
        section = re.split(r"<h[23]", page.split(f'<h3 id="q-{question.name}">')[1])[0]
        assert f"Asked in lab report{'s' if len(question.asked_by) > 1 else ''} {question.asked_by[0]}" in section
    assert "Why this set-up: backproplab" in _visible_text(page)


@pytest.mark.slow
def test_lab_report_puts_set_up_then_data_then_the_questions_in_the_labs_order(lab):
    _, page = lab
    assert _section_ids(page) == LAB_ORDER
    markdown = (lab[0] / "report.md").read_text()
    headings = re.findall(r"^#{2,3} (.+)$", markdown, flags=re.M)
    assert headings[0] == "Set-up" and headings[1] == "The data sets"
    assert [h for h in headings if h in {q.title for q in LAB_QUESTIONS}] == [q.title for q in LAB_QUESTIONS]


@pytest.mark.slow
def test_table_of_contents_links_every_section(lab):
    _, page = lab
    toc = re.search(r'<nav class="toc">(.*?)</nav>', page, flags=re.S).group(1)
    links = re.findall(r'href="#([^"]+)"', toc)
    assert links == _section_ids(page) == LAB_ORDER  # every entry leads somewhere, every section is listed
    assert page.index('<nav class="toc">') < page.index('<h2 id="set-up">')
    markdown = (lab[0] / "report.md").read_text()
    for anchor in re.findall(r"\]\(#([^)]+)\)", markdown):
        assert f'<a id="{anchor}"></a>' in markdown, anchor


@pytest.mark.slow
def test_each_question_opens_with_its_answer_from_the_measured_results(lab):
    out, page = lab
    for question in LAB_QUESTIONS:
        section = re.split(r"<h[23]", page.split(f'<h3 id="q-{question.name}">')[1])[0]
        said = [html.unescape(a) for a in re.findall(r'<p class="answer">([^<]*)</p>', section)]
        folders = _sweeps_of(out, question)
        assert len(said) == len(folders), question.name
        # the answer comes first: straight after the citation, or after its optimizer's heading
        assert re.match(r'[^<]*</h3>\s*<p>Asked in [^<]*</p>\s*(<h4[^>]*>[^<]*</h4>\s*)?<p class="answer">',
                        section), question.name
        for text, folder in zip(said, folders):
            spec = read_spec(folder)
            rows = json.loads((folder / "summary.json").read_text())["rows"]
            words = "" if len(folders) == 1 else text.split(":")[0].removeprefix("With ")
            assert text == answer(question, spec, rows, words)  # the findings of the measured rows, nothing else
            assert text.count(". ") == 0 and text.endswith(".")  # one sentence
            epochs = spec.base["epochs"]  # the budget the sweep ran, stated with its findings
            assert re.search(r"\d+\.\d%", text) and re.search(rf"\b{epochs} epochs", text), (epochs, text)
        assert "_" not in " ".join(said) or question.name == "no-activation-anywhere", said  # options in words


@pytest.mark.slow
def test_no_python_repr_in_the_lab_report(lab):
    out, page = lab
    text = _visible_text(page)
    assert REPR.findall(text) == [], [m.group(0) for m in REPR.finditer(text)][:5]
    markdown = (out / "report.md").read_text()
    traces = re.findall(r"<details><summary>Backpropagation by hand.*?</details>", markdown, flags=re.S)
    markdown = re.sub(r"<details>.*?</details>|^```.*?^```", "", markdown, flags=re.S | re.M)
    markdown = re.sub(r"!?\[([^]]*)\]\([^)]*\)", r"\1", markdown)  # a link shows its text
    assert REPR.findall(markdown) == []
    traces += re.findall(r"<details><summary>Backpropagation by hand.*?</details>", page, flags=re.S)
    assert len(traces) == 4  # each data set's, in the Markdown and in the HTML
    for trace in traces:
        text = html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", trace, flags=re.S))
        assert TRACE_REPR.findall(text) == [], [m.group(0) for m in TRACE_REPR.finditer(text)][:5]
        assert "Linear 2 -> 8, Sigmoid, Linear 8 -> 8" in text and "W1 8 x 2" in text  # read as a student writes
        assert "(binary cross-entropy)" in text


def test_the_repr_pattern_finds_lists_tuples_and_dicts():
    for bad in ("activation in {['identity'], ['relu']}", "hidden [8, 8]", "shape (8, 2)", "a0 (2,)", "('a', 1)"):
        assert REPR.search(bad), bad
    for fine in ("100.0% (median 94 epochs)", "lr 0.1 (100.0%, ahead of lr 0.01)", "hidden 8-8", "(seed 0)"):
        assert not REPR.search(fine), fine
    for bad in ("Linear(in_features=2, out_features=8)", "Sigmoid()", "W1 (8, 2)", "a0 (2,)", "x = [0.5, 0.5]",
                "bias=True", "momentum None"):
        assert TRACE_REPR.search(bad), bad
    for fine in ("Layer 1 (Linear 2 -> 8):", "Layer 1, its Sigmoid:", "W1 8 x 2", "x = (0.5, 0.5)",
                 "1 / (1 + exp(-z1))", "f'(z1) = a1 (1 - a1)",
                 "(L(w + h) - L(w - h)) / 2h", "dL/dW2 (1 x 80): norm"):
        assert not TRACE_REPR.search(fine), fine


def _words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def _shares_four_words(a, b):
    grams = {tuple(_words(a)[i:i + 4]) for i in range(len(_words(a)) - 3)}
    return any(tuple(_words(b)[i:i + 4]) in grams for i in range(len(_words(b)) - 3))


@pytest.mark.slow
def test_captions_say_how_to_read_a_figure_not_its_title_again(lab):
    _, page = lab
    figures = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="[^"]*"><figcaption>([^<]*)',
                         page)
    sweeps = list(lab[0].glob("sweeps/**/sweep.json"))
    assert len(figures) == 2 * 6 + 4 * len(sweeps) and len(sweeps) >= 11  # 6 per run, 4 per sweep
    for data, caption in figures:
        title = Image.open(io.BytesIO(base64.b64decode(data))).text["Title"]
        caption = html.unescape(caption)
        assert title and caption, (title, caption)
        assert title.lower() not in caption.lower() and caption.lower() not in title.lower()
        assert not _shares_four_words(title, caption), (title, caption)


@pytest.mark.slow
def test_report_of_a_hand_made_lab_folder(lab_folder, capsys):
    assert main(["report", str(lab_folder)]) == 0
    page = (lab_folder / "report.html").read_text()
    assert _section_ids(page) == LAB_ORDER
    assert "<td>lr 0.1</td><td>100.0% ± 0.0</td>" in page and "<td>2 of 2</td>" in page
    assert "With lr 0.1, 2 of 2 seeds reached" not in page  # the table says it; the findings compare
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 2 * 6 + 4  # 6 figures per run, 4 per sweep, all embedded
    assert page.count("<summary>Backpropagation by hand: training point ") == 2  # each run's trace.json
    assert page.count("Not measured in this folder") == len(LAB_QUESTIONS) - 1
    assert "http" not in page.replace("http-equiv", "")  # nothing to fetch
    markdown = (lab_folder / "report.md").read_text()
    for link in re.findall(r"!\[[^]]*\]\(([^)]+)\)", markdown):
        assert (lab_folder / link).exists(), link


@pytest.mark.slow
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


@pytest.mark.slow
def test_report_renders_in_headless_chromium(lab):
    browser = headless_chromium(1200, 900)
    from selenium.webdriver.support.ui import WebDriverWait  # selenium is there: headless_chromium skips otherwise

    page = write_report(lab[0])
    try:
        browser.get("file://" + os.path.abspath(page))
        # a 3 MB page of embedded images: wait until every image in the file is parsed and decoded
        expected = pathlib.Path(page).read_text().count("<img ")
        WebDriverWait(browser, 60).until(lambda b: b.execute_script(
            "return document.readyState === 'complete' && Array.from(document.images).filter(i => i.complete)"
            ".length") == expected)
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
    sweeps = list(lab[0].glob("sweeps/**/sweep.json"))
    assert len(widths) == 2 * 6 + 4 * len(sweeps) and all(w > 0 for w in widths), widths
    assert len(targets) == len(LAB_ORDER) and all(targets)
    assert len(traces) > 10 and all(h > 0 for h in traces), traces
    assert not overflow  # nothing wider than the window
    assert errors == []


@pytest.mark.slow
def test_set_up_says_each_option_in_words_and_as_typed(lab):
    _, page = lab
    setup = page.split('<h2 id="set-up">')[1].split('<h2 id="data-sets">')[0]
    text = " ".join(_visible_text(setup).split())
    assert "two hidden layers of 8 sigmoid units each and one sigmoid output, trained on the binary cross-entropy " \
           "loss by Adam at learning rate 0.01, full batch, for 100 epochs" in text
    for words in ("sigmoid (chosen for binary cross-entropy)", "Xavier", "--hidden 8 8", "--loss bce",
                  "--optimizer adam", "--output-activation auto"):
        assert words in text, words
    for code in ("<td>bce</td>", "<td>adam</td>", "<td>auto</td>", "output_activation", "batch_size"):
        assert code not in setup, code


@pytest.mark.slow
def test_predictions_mark_what_the_network_gets_wrong(lab):
    out, page = lab
    for name in ("linear", "xor"):
        metrics = json.loads((out / name / "metrics.json").read_text())
        section = page.split(f'<h3 id="data-{name}">')[1].split("<h3")[0]
        table = re.search(r"<summary>Prediction for each.*?</table>", section, flags=re.S).group(0)
        rows = re.findall(r"<tr><td>(\d+)</td><td>([01])</td><td>([\d.]+)</td><td>([01])</td><td>(\w+)</td></tr>",
                          table)
        assert len(rows) == len(metrics["predictions"])
        for _, truth, output, predicted, verdict in rows:
            assert len(output.split(".")[1]) == 3 and predicted == str(int(float(output) >= 0.5))
            assert verdict == ("right" if truth == predicted else "wrong")
        wrong = sum(verdict == "wrong" for *_, verdict in rows)
        assert wrong == round((1 - metrics["test_accuracy"]) * len(rows))


def test_sweep_losses_are_readable_however_small():
    from backproplab.report.sections import _loss_text
    assert _loss_text(0.692, 0.0) == "0.6920 ± 0.0000"
    assert _loss_text(0.00047, 0.00027) == "0.0005 ± 0.0003"
    assert _loss_text(2.1e-05, 1.3e-05) == "2.1e-05 ± 1.3e-05"  # not 0.0000 ± 0.0000
    assert _loss_text(None, None) == "diverged"


@pytest.mark.slow
def test_a_question_says_each_thing_once(lab):
    out, page = lab
    for question in LAB_QUESTIONS:
        section = re.split(r"<h[23]", page.split(f'<h3 id="q-{question.name}">')[1])[0]
        tables = re.findall(r'<table class="sweep">(.*?)</table>', section, flags=re.S)
        folders = _sweeps_of(out, question)
        assert len(tables) == len(folders)
        if question.question:
            assert section.count(html.escape(question.question)) == 1  # said once, not per optimizer
        for table, folder in zip(tables, folders):
            rows = json.loads((folder / "summary.json").read_text())["rows"]
            cells = re.findall(r"<tr><td>([^<]*)</td>.*?<td>([^<]*)</td></tr>", table)
            assert [label for label, _ in cells] == [row["label"] for row in rows]
            for (_, diagnosis), row in zip(cells, rows):  # the last column names each setting's diagnoses
                expected = [f"{kind.replace('_', ' ')} in {n} of {row['seeds']}"
                            for kind, n in row["diagnoses"].items()]
                assert diagnosis == (", ".join(expected) or "none")
        findings = re.findall(r'<ul class="findings">(.*?)</ul>', section, flags=re.S)
        assert findings and all("<li>With " not in f for f in findings)  # no sentence repeating a table row
        assert all("<li>On xor" not in f and "<li>On linear" not in f for f in findings)  # named as the report does


@pytest.fixture(scope="session")
def image_run(tiny_mnist, tmp_path_factory):
    """A short image run on a subset of the training and test images: (folder, what it printed, report.md)."""
    out = tmp_path_factory.mktemp("images") / "run"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["train", "--dataset", "mnist", "--data-dir", str(tiny_mnist), "--no-download", "--n", "300",
                     "--test-size", "50", "--val-size", "40", "--epochs", "2", "--out", str(out)]) == 0
        assert main(["report", str(out)]) == 0
    return out, printed.getvalue(), (out / "report.md").read_text()


@pytest.mark.slow
def test_an_image_runs_set_up_says_its_sizes_so_it_can_be_run_again(image_run):
    _, printed, report = image_run
    header = next(line for line in printed.splitlines() if line.startswith("== mnist: "))
    assert header.endswith(", n 300, test size 50, val size 40 ==")
    for row in ("| training samples | 300 | --n 300 |", "| test samples | 50 | --test-size 50 |",
                "| validation samples (of the training ones) | 40 | --val-size 40 |"):
        assert row in report, row
    assert not any(words in " ".join(row[0] for row in setup_rows(RunConfig().as_dict()))
                   for words in ("training samples", "test samples", "validation samples"))  # not given: not shown


@pytest.mark.slow
def test_an_image_run_says_how_its_training_scores_were_measured(image_run):
    out, printed, report = image_run
    metrics = json.loads((out / "metrics.json").read_text())
    how = "each batch before its update, with dropout"
    assert metrics["train_measured"] == f"during the last epoch ({how})"
    assert (f"last epoch: training loss {metrics['final_loss']:.4f}, accuracy {100 * metrics['train_accuracy']:.2f}% "
            f"during it ({how}); validation loss {metrics['history']['val_loss'][-1]:.4f}, accuracy "
            f"{100 * metrics['val_accuracy']:.2f}% after it") in printed
    assert f"| training accuracy during the last epoch | {100 * metrics['train_accuracy']:.2f}% ({how}) |" in report
    assert f"| validation accuracy after the last epoch | {100 * metrics['val_accuracy']:.2f}% (on 40 samples" in report
    assert f"on the training set (blue) during each epoch ({how}), on the validation set (orange) after it" in report
    assert "after every epoch, on the training set" not in report
    test_set = "50 of the 200 images of the mnist test files, drawn at random with seed 0"
    assert metrics["test_set"] == test_set and f"| test set | {test_set} |" in report and test_set in printed
