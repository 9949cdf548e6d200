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
    ax = plots.learning_curve(h, loss="cross_entropy").axes[0]  # classes of any number: no one level for all
    assert ax.get_ylabel() == "cross-entropy (log scale)" and not ax.texts


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


# --- laid out once, from what a figure holds: nothing cut off at the edges, no key over a panel ----------

def _every_figure_kind(tmp_path):
    from backproplab.plots.network import gradient_norms_grid, neuron_maps
    rng = np.random.default_rng(4)
    X = rng.random((30, 2))
    y = (X[:, 0] > X[:, 1]).astype(int)
    panels = [(f"lr {lr}", lambda g, lr=lr: 1 / (1 + np.exp(-lr * (g[:, 0] - g[:, 1]))), X, y) for lr in (1, 10, 100)]
    curves = [(name, [("0.1", [[1.0, 0.5, 0.25]] * 2), ("1", [[0.9, 0.3, 0.01]] * 2)]) for name in ("linear", "xor")]
    bars = [("xor", [("a long setting name", [1.0, 0.9]), ("another long name", [0.5, 0.6])], 0.5)]
    norms = {"epoch": [1, 2, 3], "W1": [1e-4, 1e-3, 1e-3], "W2": [1e-2, 1e-2, 1e-3], "W3": [1.0, 0.1, 0.2]}
    maps = [rng.random((n, 8, 8)) for n in (2, 4, 4, 1)]
    weights = [rng.normal(size=(4, 2)), rng.normal(size=(4, 4)), rng.normal(size=(1, 4))]
    title = "What does the learning rate do to gradient descent on the lab's network? A title long enough to wrap"
    path = str(tmp_path / "figure.png")
    yield plots.learning_curve(_history([0.7, 0.5, 0.2]), path, title=title, loss="bce")
    yield plots.comparison(X, y, y[::-1], path, title=title, dataset="linear")
    yield plots.decision_boundary(panels[0][1], X, y, path, title="linear: network output")
    yield plots.boundaries_grid(panels * 2, path, title=title)
    yield plots.sweep_curves(curves, path, title=title, option="lr")
    yield plots.sweep_accuracy(bars, path, title=title, option="setting")
    yield gradient_norms_grid([("a", norms), ("b", norms), ("c", norms), ("d", norms), ("e", norms)], path, title=title)
    yield network_diagram(weights, maps, (0, 1, 0, 1), path, biases=[w[:, 0] for w in weights], title=title)
    yield neuron_maps(maps[1:-1], (0, 1, 0, 1), path, X=X, title=title)


def _drawn_texts(fig):
    """Every text the figure draws: titles, labels, notes, legends, and the tick labels inside each axis's view."""
    texts = list(fig.texts) + ([fig._suptitle] if fig._suptitle else [])
    for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        texts += legend.get_texts() + [legend.get_title()]
    for ax in fig.axes:
        texts += [ax.title] + list(ax.texts)
        for axis in (ax.xaxis, ax.yaxis) if ax.axison else ():
            texts.append(axis.label)
            low, high = sorted(axis.get_view_interval())
            for locs, labels in ((axis.get_majorticklocs(), axis.get_majorticklabels()),
                                 (axis.get_minorticklocs(), axis.get_minorticklabels())):
                texts += [t for loc, t in zip(locs, labels) if low <= loc <= high]
    return texts


def test_every_figure_kind_keeps_its_texts_inside_and_its_keys_off_the_panels(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    for fig in _every_figure_kind(tmp_path):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        width, height = fig.bbox.width, fig.bbox.height
        panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>" and ax.axison]
        for text in _drawn_texts(fig):
            if text.get_visible() and text.get_text().strip():
                box = text.get_window_extent(renderer)
                assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, \
                    (fig.get_suptitle(), text.get_text())
        keys = list(fig.legends) + ([fig._suptitle] if fig._suptitle else [])
        keys += [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
        for key in keys:
            box = key.get_window_extent(renderer)
            for ax in panels:
                assert not box.overlaps(ax.get_window_extent(renderer)), (fig.get_suptitle(), key)
                title = ax.title.get_window_extent(renderer) if ax.get_title() else None
                assert key is not fig._suptitle or title is None or not box.overlaps(title)


def test_log_axis_labels_read_as_powers_of_ten_in_plain_text():
    from backproplab.plots.style import PowerLabels

    labels = PowerLabels(labelOnlyBase=False)
    assert [labels(v) for v in (1e-3, 1.0, 100.0)] == ["10⁻³", "10⁰", "10²"]
    fig = plots.sweep_curves([("xor", [("0.1", [[1.0, 0.1, 0.001]])])])
    shown = [t.get_text() for t in fig.axes[0].texts if t.get_ha() == "right" and t.get_rotation() == 0]
    assert shown == ["10⁻³", "10⁻²", "10⁻¹", "10⁰"] and not any("$" in text for text in shown)
