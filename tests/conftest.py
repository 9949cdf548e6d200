import shutil
import sys

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def outside_a_notebook(monkeypatch):
    """Every test runs as from a terminal or a log: a notebook is told by its kernel's module in sys.modules,
    which a library imported by an earlier test in the same process may have left there. A test that wants a
    notebook puts a stand-in back (test_notebook's ``notebook`` fixture)."""
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def help_of(capsys):
    """``help_of("train")``: what ``backproplab train --help`` prints."""
    from backproplab.cli import main

    def printed(command):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        return capsys.readouterr().out
    return printed


def _pattern_images(n, rng):
    """28x28 uint8 images whose class (0-9) is where a bright 6x6 block sits, plus noise."""
    labels = rng.integers(0, 10, n)
    images = rng.integers(0, 60, (n, 28, 28)).astype(np.uint8)
    for i, k in enumerate(labels):
        row, col = 2 + 11 * (k // 5) + rng.integers(0, 3), 1 + 5 * (k % 5) + rng.integers(0, 2)
        images[i, row:row + 6, col:col + 6] = 255
    return images, labels.astype(np.uint8)


@pytest.fixture(scope="session")
def tiny_mnist(tmp_path_factory):
    """A folder of MNIST-format files (gzip IDX) with 600 training and 200 test pattern images."""
    import gzip

    from backproplab.data.idx import write_idx

    folder = tmp_path_factory.mktemp("tiny-mnist")
    rng = np.random.default_rng(0)
    for split, n in (("train", 600), ("t10k", 200)):
        images, labels = _pattern_images(n, rng)
        for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
            raw = folder / f"{split}-{kind}-ubyte"
            write_idx(raw, array)
            (folder / f"{raw.name}.gz").write_bytes(gzip.compress(raw.read_bytes()))
            raw.unlink()
    return folder


@pytest.fixture(scope="session")
def real_data():
    """The folder of the real MNIST-style data sets (BACKPROPLAB_DATA), or skip."""
    import os

    folder = os.environ.get("BACKPROPLAB_DATA")
    if not folder or not os.path.isfile(os.path.join(folder, "mnist", "train-images-idx3-ubyte.gz")):
        pytest.skip("real MNIST files not available: set BACKPROPLAB_DATA to the folder holding mnist/")
    return folder


def headless_chromium(width=1280, height=900):
    """Debian's Chromium under Selenium, headless, logging the page's console; skips when either is missing.

    The flags keep it off the network (this machine's is closed) and out of a sandbox it cannot have as root.
    """
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed: pip install -e '.[test]'")
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.skip("Chromium not installed: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver_path), options=options)
