"""The documentation site builds from the checkout, offline, with every warning an error.

``mkdocs build --strict`` fails on a link to a page or anchor that does not exist, a page left out
of the navigation, and a ``::: module`` reference that mkdocstrings cannot import or render, so a
renamed module or a moved heading fails here, not on the published site.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_site_builds_strictly_with_every_page_and_the_api_reference(tmp_path):
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    for page in ("index.html", "tutorial.html", "trace.html", "reference/nn.html", "reference/sklearn.html"):
        assert (site / page).is_file(), page
    reference = (site / "reference" / "nn.html").read_text(encoding="utf-8")
    assert "backproplab.nn.linear.Linear" in reference and "dW = dout" in reference  # rendered from the docstring
    assert (site / "images" / "xor_decision_boundary.png").is_file()
    assert 'src="images/xor_decision_boundary.png"' in (site / "index.html").read_text(encoding="utf-8")
