"""The report: HTML and Markdown for runs and sweeps, checked in headless Chromium.

The browser test needs Chromium and ChromeDriver (Debian packages chromium and
chromium-driver, which .ci/run installs) and selenium; it skips, saying so,
where they are missing. Its screenshot is kept in test-artifacts/.
"""

import os
import re

import pytest
from conftest import headless_chromium

from backproplab.cli import main
from backproplab.report import write_report

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def lab_folder(tmp_path_factory):
    """A folder like 'lab --report' writes: two runs and one sweep, trained briefly."""
    root = tmp_path_factory.mktemp("lab")
    for name in ("linear", "xor"):
        assert main(["train", "--dataset", name, "--epochs", "300", "--print-every", "0", "--out", str(root / name)]) == 0
    assert main(["sweep", "--dataset", "xor", "--vary", "lr=0.01,0.1", "--seeds", "2", "--epochs", "300",
                 "--out", str(root / "sweeps" / "learning-rate")]) == 0
    return root


def test_report_holds_setup_results_predictions_and_sweeps(lab_folder, capsys):
    assert main(["report", str(lab_folder)]) == 0
    page = (lab_folder / "report.html").read_text()
    assert page.count("<h2>Run: ") == 2 and page.count("<h2>Sweep: ") == 1
    assert "Prediction for each of the 21 test samples" in page
    assert "With lr 0.1, 2 of 2 seeds reached 100% training accuracy within 300 epochs" in page
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 2 * 6 + 4  # 6 figures per run, 4 per sweep, all embedded
    assert page.count("<summary>Backpropagation by hand: training point ") == 2  # each run's trace.json
    assert "http" not in page.replace("http-equiv", "")  # nothing to fetch
    markdown = (lab_folder / "report.md").read_text()
    for link in re.findall(r"!\[[^]]*\]\(([^)]+)\)", markdown):
        assert (lab_folder / link).exists(), link


def test_report_rejects_folders_without_runs(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    assert "holds no run (metrics.json) or sweep (sweep.json)" in capsys.readouterr().err


def test_report_renders_in_headless_chromium(lab_folder):
    browser = headless_chromium(1200, 900)
    page = write_report(lab_folder)
    try:
        browser.get("file://" + os.path.abspath(page))
        widths = browser.execute_script(
            "return Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)")
        traces = browser.execute_script(  # each run's trace: its tables, opened, take up room on the page
            "document.querySelectorAll('details').forEach(d => d.open = true);"
            "return Array.from(document.querySelectorAll('.trace-table')).map(t => t.getBoundingClientRect().height)")
        errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        os.makedirs(os.path.join(ROOT, "test-artifacts"), exist_ok=True)
        assert browser.save_screenshot(os.path.join(ROOT, "test-artifacts", "report.png"))
    finally:
        browser.quit()
    assert len(widths) == 16 and all(w > 0 for w in widths), widths
    assert len(traces) > 10 and all(h > 0 for h in traces), traces
    assert errors == []


def test_lab_report_runs_the_discussion_sweeps_and_writes_one_page(tmp_path, capsys):
    out = tmp_path / "lab"
    assert main(["lab", "--epochs", "200", "--print-every", "0", "--out", str(out), "--report"]) == 0
    for name in ("learning-rate", "hidden-units", "activation"):
        assert (out / "sweeps" / name / "curves.png").exists(), name
    page = (out / "report.html").read_text()
    assert page.count("<h2>Run: ") == 2 and page.count("<h2>Sweep: ") == 3
    assert "What happens without activation functions?" in page
