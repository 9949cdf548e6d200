"""Every figure function draws into the caller's axes when given ``ax=`` and returns the figure."""

import inspect

import numpy as np
import pytest
from matplotlib.figure import Figure

from backproplab import ConfigError, plots
from backproplab.plots import network
from backproplab.training import History

PUBLIC = [getattr(plots, name) for name in plots.__all__ if callable(getattr(plots, name))
          and "path" in inspect.signature(getattr(plots, name)).parameters]
PUBLIC += [network.network_diagram, network.neuron_maps, network.gradient_norms, network.gradient_norms_grid]


@pytest.mark.parametrize("fn", PUBLIC, ids=lambda f: f.__name__)
def test_every_figure_function_takes_ax_and_an_optional_path(fn):
    parameters = inspect.signature(fn).parameters
    assert "ax" in parameters and parameters["ax"].default is None
    assert parameters["path"].default is None  # no path: the caller keeps the figure


def _history():
    h = History()
    for epoch in range(1, 6):
        h.epoch.append(epoch)
        h.loss.append(1.0 / epoch)
        h.accuracy.append(0.5 + epoch / 20)
        h.lr.append(0.1)
        h.seconds.append(0.01 * epoch)
    return h


def test_drawing_into_the_callers_axes(tmp_path):
    fig = Figure()
    ax1, ax2, ax3 = fig.subplots(1, 3)
    X = np.random.default_rng(0).random((20, 2))
    y = (X[:, 0] > X[:, 1]).astype(int)
    assert plots.decision_boundary(lambda g: g[:, 0], X, y, ax=ax1) is fig
    assert plots.learning_curve(_history(), ax=[ax2, ax3]) is fig
    assert ax1.collections and ax2.lines and ax3.lines  # drawn there
    assert list(tmp_path.iterdir()) == []  # and nothing written


def test_a_figure_of_its_own_is_returned_and_saved_when_a_path_is_given(tmp_path):
    y = np.array([0, 1, 1, 0])
    fig = plots.comparison(np.random.default_rng(1).random((4, 2)), y, y[::-1], tmp_path / "c.png")
    assert isinstance(fig, Figure) and (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert isinstance(plots.confusion_matrix(np.eye(3, dtype=int), ["a", "b", "c"]), Figure)


def test_the_wrong_number_of_axes_is_one_line():
    fig = Figure()
    with pytest.raises(ConfigError, match=r"this figure draws 2 panel\(s\) \(1 x 2\); pass ax= as that many Axes, got 1"):
        plots.learning_curve(_history(), ax=fig.subplots())
