"""The documentation's notebook runs, shows what it says (one bar, each figure once, a short sweep), and is
stored with the outputs it makes.

Needs nbclient and ipykernel (the test extra). ``python scripts/execute_notebook.py`` stores the outputs again.
"""

import importlib.util
import os

import pytest

pytestmark = pytest.mark.slow
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
if importlib.util.find_spec("ipykernel") is None:  # looked up, not imported: a loaded ipykernel means a notebook
    pytest.skip("needs ipykernel to run the notebook", allow_module_level=True)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("execute_notebook", os.path.join(ROOT, "scripts", "execute_notebook.py"))
execute_notebook = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(execute_notebook)


def _shown(cell):
    """What a code cell shows: its streams' text by name, its images, and its value's text."""
    streams = {}
    for output in cell.outputs:
        if output.output_type == "stream":
            streams[output.name] = streams.get(output.name, "") + output.text
    images = sum("image/png" in output.get("data", {}) for output in cell.outputs)
    value = next((o.data["text/plain"] for o in cell.outputs if o.output_type == "execute_result"), None)
    errors = [o for o in cell.outputs if o.output_type == "error"]
    return streams, images, value, errors


def _code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


@pytest.fixture(scope="module")
def ran():
    return execute_notebook.execute(execute_notebook.NOTEBOOK)


def test_the_notebook_shows_one_bar_each_figure_once_and_a_short_sweep(ran):
    cells = {cell.source.splitlines()[-1]: _shown(cell) for cell in _code_cells(ran)}
    assert all(not errors for _, _, _, errors in cells.values())
    assert all("Warning" not in streams.get("stderr", "") for streams, _, _, _ in cells.values())  # no IProgress
    fit = next(shown for line, shown in cells.items() if "verbose=1" in line)
    assert fit[0]["stdout"].count("\n") == 1 and fit[0]["stdout"].split("\r")[-1].startswith("Epoch 300/300 [====")
    assert cells["plots.learning_curve(history)"][1] == 1  # the function's own figure, as the cell's value
    assert next(shown for line, shown in cells.items() if "ax=ax)" in line)[1] == 1  # drawn into pyplot's figure
    streams, images, value, _ = cells["results"]
    assert value.startswith("SweepResults: 12 of 12 runs") and len(value.splitlines()) <= 8 and images == 0
    assert "runs: 100%" in streams["stderr"] and "12/12" in streams["stderr"]


def test_the_stored_notebook_holds_the_outputs_it_makes(ran):
    stored = nbformat.read(execute_notebook.NOTEBOOK, as_version=4)
    for mine, theirs in zip(_code_cells(stored), _code_cells(ran), strict=True):
        assert mine.source == theirs.source
        (my_streams, my_images, my_value, _), (streams, images, value, _) = _shown(mine), _shown(theirs)
        assert (sorted(my_streams), my_images) == (sorted(streams), images), mine.source
        assert (my_value or "").split("\n")[0].split(" in ")[0] == (value or "").split("\n")[0].split(" in ")[0]
