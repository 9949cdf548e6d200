"""In a notebook: fit's progress is one bar, a sweep's bar is live without a warning, a figure is drawn once.

A notebook is told by its kernel's module, ``ipykernel``, in ``sys.modules``: the tests put a
stand-in there. IPython's display of a cell's value is its call of ``_ipython_display_``.
"""

import io
import sys
import types

import matplotlib
import numpy as np
import pytest
from tqdm import std

import backproplab as bl
from backproplab import plots
from backproplab.data import xor_easy
from backproplab.progress import LineBar, set_bar_factory
from backproplab.run.bars import terminal_bar, watched_bar_factory


@pytest.fixture
def notebook(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))


def _fit(epochs, **options):
    X, y = xor_easy()
    rng = np.random.default_rng(0)
    model = bl.Sequential(bl.Linear(2, 4, rng=rng), bl.Tanh(), bl.Linear(4, 1, rng=rng), bl.Sigmoid())
    return bl.fit(model, bl.BCELoss(), bl.Adam(model.parameters(), lr=0.05), X, y, epochs=epochs, seed=0,
                  batch_size=8, **options)


def test_fit_verbose_1_is_one_bar_for_the_whole_fit_in_a_notebook(notebook, capsys):
    history = _fit(300, verbose=1)
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1 and printed.endswith("\n")  # one line, however many epochs
    last = printed.rstrip("\n ").split("\r")[-1]
    assert last.startswith("Epoch 300/300 [==============================] - ")
    assert f"loss: {history.loss[-1]:.4f} - accuracy: {history.accuracy[-1]:.4f}" in last
    assert "\x1b" not in printed  # no terminal escapes: a notebook would print them


def test_fit_verbose_1_stopped_early_ends_its_bar_at_the_last_epoch(notebook, capsys):
    _fit(300, verbose=1, callbacks=[bl.TargetAccuracy(1.0)])
    printed = capsys.readouterr().out
    last = printed.rstrip("\n ").split("\r")[-1]
    assert printed.count("\n") == 1 and not last.startswith("Epoch 300/300")
    assert last.startswith("Epoch ") and "accuracy: 1.0000" in last


def test_outside_a_notebook_verbose_1_is_keras_two_lines_per_epoch(capsys):
    _fit(3, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/3" and lines[1].startswith("3/3 [") and len(lines) == 6


def test_a_sweep_draws_a_live_tqdm_bar_in_a_notebook_without_any_warning(notebook):
    # no ipywidgets here: tqdm's text bar, which a notebook redraws in place; tqdm.auto would warn
    assert watched_bar_factory() is terminal_bar
    stream = io.StringIO()
    bar = terminal_bar(total=3, desc="runs", unit="run", file=stream)  # warnings are errors in the tests
    assert type(bar) is std.tqdm
    bar.update(3)
    bar.close()
    assert "runs: 100%" in stream.getvalue() and "3/3" in stream.getvalue()


def test_outside_a_notebook_or_with_a_chosen_factory_the_choice_stands(notebook, monkeypatch):
    assert watched_bar_factory() is terminal_bar
    previous = set_bar_factory(LineBar)
    try:
        monkeypatch.delitem(sys.modules, "ipykernel")
        assert watched_bar_factory() is LineBar
        mine = lambda **options: LineBar(**options)  # noqa: E731
        set_bar_factory(mine)
        monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
        assert watched_bar_factory() is mine
    finally:
        set_bar_factory(previous)


@pytest.fixture
def pyplot():
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def test_a_callers_figure_is_drawn_once_and_then_closed_in_pyplot_under_the_inline_backend(pyplot, monkeypatch):
    # a real notebook (nbclient, the inline backend): a cell ending in plots.decision_boundary(..., ax=ax) had two
    # images, as any pyplot figure that is also the cell's value; now one, whether or not it is the last line
    X, y = xor_easy()
    fig, ax = pyplot.subplots()
    returned = plots.decision_boundary(lambda g: g[:, 0], X, y, ax=ax)
    assert returned is fig
    shown = []
    monkeypatch.setitem(sys.modules, "IPython.display", types.SimpleNamespace(display=shown.append))
    monkeypatch.setattr(matplotlib, "get_backend", lambda: "module://matplotlib_inline.backend_inline")
    returned._ipython_display_()  # the cell's value (or pyplot's own drawing at the cell's end)
    assert shown == [fig] and not pyplot.fignum_exists(fig.number)  # pyplot will not draw it again
    returned._ipython_display_()  # shown again in a later cell: drawn again, once
    assert shown == [fig, fig] and callable(fig._ipython_display_)


def test_under_other_backends_a_callers_figure_stays_open(pyplot, monkeypatch):
    fig, ax = pyplot.subplots()  # e.g. a window of its own, which showing the figure must not close
    plots.decision_boundary(lambda g: g[:, 0], *xor_easy(), ax=ax)
    shown = []
    monkeypatch.setitem(sys.modules, "IPython.display", types.SimpleNamespace(display=shown.append))
    fig._ipython_display_()
    assert shown == [fig] and pyplot.fignum_exists(fig.number)


def test_a_figure_the_functions_make_is_drawn_once_as_a_png():
    X, y = xor_easy()
    fig = plots.decision_boundary(lambda g: g[:, 0], X, y)
    assert "_ipython_display_" not in vars(fig)
    # a PNG of its own: drawn also before pyplot has set up the notebook's figure display
    assert fig._repr_png_().startswith(b"\x89PNG\r\n\x1a\n")
