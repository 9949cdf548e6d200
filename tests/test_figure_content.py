"""What the figures teach: the numbering of the trace on the network, the true boundary, the loss's name
and its ln 2 plateau, and gradients drawn only where a network is deep enough to show them."""

import math

import numpy as np

from backproplab import plots
from backproplab.experiments.gradients import write_gradient_grid
from backproplab.experiments.spec import SweepSpec, point_record
from backproplab.plots.network import gradients_worth_drawing, network_diagram
from backproplab.training import History


def _history(losses):
    return History(epoch=list(range(1, len(losses) + 1)), loss=list(losses), accuracy=[0.5] * len(losses),
                   lr=[0.1] * len(losses), seconds=[0.01] * len(losses))


def _dashed_lines(ax):
    return [line for line in ax.lines if line.get_linestyle() == "--"]


def test_the_linear_sets_comparison_draws_the_true_boundary_x2_equals_x1_in_both_panels():
    X = np.random.default_rng(0).random((20, 2))
    y = np.where(X[:, 0] > X[:, 1], 0, 1)
    fig = plots.comparison(X, y, y, dataset="linear")
    for ax in fig.axes:
        (line,) = _dashed_lines(ax)
        xs, ys = line.get_data()
        assert np.array_equal(xs, ys) and min(xs) <= X.min() and max(xs) >= X.max()
    assert "true boundary: x2 = x1" in [t.get_text() for t in fig.legends[0].get_texts()]


def test_xor_and_an_unnamed_set_get_no_true_boundary():
    X = np.random.default_rng(0).random((20, 2))
    y = (X[:, 0] > 0.5).astype(int)
    for dataset in ("xor", None):
        fig = plots.comparison(X, y, y, dataset=dataset)
        assert not any(_dashed_lines(ax) for ax in fig.axes)
        assert not any("true boundary" in t.get_text() for t in fig.legends[0].get_texts())


def test_the_loss_axis_names_its_loss_and_marks_ln_2_for_binary_cross_entropy_only():
    h = _history([0.7, 0.5, 0.2, 0.05, 0.01])
    ax = plots.learning_curve(h, loss="bce").axes[0]
    assert ax.get_ylabel() == "binary cross-entropy (log scale)"
    at_ln2 = [line for line in ax.lines if np.allclose(line.get_ydata(), math.log(2))]
    assert len(at_ln2) == 1 and ax.get_ylim()[0] < math.log(2) < ax.get_ylim()[1]
    assert any("ln 2" in t.get_text() for t in ax.texts)
    ax = plots.learning_curve(h, loss="mse").axes[0]
    assert ax.get_ylabel() == "mean squared error (log scale)"
    assert not any(np.allclose(line.get_ydata(), math.log(2)) for line in ax.lines)
    assert not any("ln 2" in t.get_text() for t in ax.texts)


def test_the_network_diagram_numbers_units_from_0_and_writes_each_bias():
    sizes = [2, 3, 1]
    maps = [np.random.default_rng(k).random((n, 8, 8)) for k, n in enumerate(sizes)]
    weights = [np.ones((3, 2)), -np.ones((1, 3))]
    biases = [np.array([0.25, -1.5, 2.0]), np.array([0.125])]
    ax = network_diagram(weights, maps, (0, 1, 0, 1), biases=biases).axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("0") == 3 and texts.count("1") == 2 and texts.count("2") == 1  # units of each layer
    assert [t for t in texts if t.startswith("b ")] == ["b +0.25", "b -1.50", "b +2.00", "b +0.12"]
    assert {"W1, b1", "W2, b2"} <= set(texts)
    assert any(t.endswith("a1, units 0-2") for t in texts) and any(t.endswith("a2, unit 0") for t in texts)
    without = network_diagram(weights, maps, (0, 1, 0, 1)).axes[0]  # a caller with no biases to give
    assert not any(t.get_text().startswith("b ") for t in without.texts)


def test_gradients_are_worth_drawing_from_three_weight_layers_on():
    assert not gradients_worth_drawing({"W1": [1.0], "W2": [0.5]})
    assert not gradients_worth_drawing({"epoch": [1], "W1": [1.0], "W2": [0.5]})
    assert gradients_worth_drawing({"epoch": [1], "W1": [1.0], "W2": [0.5], "W3": [0.1]})


def test_a_sweep_draws_its_gradient_grid_only_where_a_network_is_deep_enough(tmp_path):
    spec = SweepSpec.from_dict({"base": {"dataset": "xor", "epochs": 2}, "vary": {"lr": [0.1, 1.0]}, "seeds": 1})

    def results(layers):
        norms = {"epoch": [1, 2], **{f"W{k}": [1.0 / k, 0.5 / k] for k in range(1, layers + 1)}}
        return [{"point": point_record(point), "seed": 0, "gradient_norms": norms} for point in spec.points()]

    assert write_gradient_grid(spec, str(tmp_path), results(2)) is None
    assert not (tmp_path / "gradients.png").exists()
    assert write_gradient_grid(spec, str(tmp_path), results(3)) == str(tmp_path / "gradients.png")
    assert (tmp_path / "gradients.png").read_bytes().startswith(b"\x89PNG")
