"""Every figure function draws into the caller's axes when given ``ax=`` and returns the figure."""

import inspect

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from PIL import Image

from backproplab import ConfigError, plots
from backproplab.plots import network
from backproplab.plots.style import line_colours
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


# --- what the figures must show (the lab's figure defects, fixed) ------------------------------------------

LONG_TITLE = "What does the learning rate do to gradient descent on the lab's network? Training loss"


def _drawn(fig):
    """The figure drawn on an Agg canvas (as savefig draws it): its renderer, to measure text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def _inside(fig, artist):
    box = artist.get_window_extent(_drawn(fig))
    return box.x0 >= 0 and box.y0 >= 0 and box.x1 <= fig.bbox.width and box.y1 <= fig.bbox.height


def _one_panel_sweep(seeds=((1.0, 0.5, 0.25),) * 3):
    return [("xor", [("0.1", [list(s) for s in seeds]), ("1", [list(s) for s in seeds])])]


@pytest.mark.slow
def test_a_long_title_of_a_single_panel_sweep_figure_stays_inside_it(tmp_path):
    curves = plots.sweep_curves(_one_panel_sweep(), tmp_path / "curves.png", title=LONG_TITLE)
    bars = plots.sweep_accuracy([("xor", [("0.1", [1.0, 0.9]), ("1", [0.5, 0.6])], 0.5)], tmp_path / "accuracy.png",
                                title=LONG_TITLE)
    for fig in (curves, bars):
        assert fig.get_suptitle().replace("\n", " ") == LONG_TITLE  # wrapped, not cut
        assert _inside(fig, fig._suptitle)
        assert all(_inside(fig, legend) for legend in fig.legends)


def test_a_one_epoch_run_is_drawn_as_a_visible_point():
    h = History(epoch=[1], loss=[0.7], accuracy=[0.5], lr=[0.1], seconds=[0.01])
    fig = plots.learning_curve(h, test={"loss": [0.72], "accuracy": [0.45]})
    for ax in fig.axes:
        assert len(ax.lines) == 2 and all(line.get_marker() not in (None, "None", "") for line in ax.lines)
        assert [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]] == [1]  # whole epochs
    fig = plots.sweep_curves(_one_panel_sweep(seeds=((0.7,), (0.6,), (0.8,))))
    ax = fig.axes[0]  # every panel drawn into one Axes
    points = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(points) == 2 and all(len(line.get_xdata()) == 1 for line in points)  # one point per setting
    assert len(ax.containers) == 2  # each with its range over seeds, an error bar
    longer = plots.learning_curve(_history())  # a long run keeps plain lines
    assert all(line.get_marker() in (None, "None", "") for line in longer.axes[0].lines)


def test_colours_never_repeat_among_many_settings():
    for n in (3, 10, 11, 16):
        colours = [tuple(np.round(to_rgba(c), 4)) for c in line_colours(n)]
        assert len(set(colours)) == n, n


def test_legends_sit_off_the_data():
    fig = plots.sweep_curves(_one_panel_sweep() * 4, columns=2)
    renderer = _drawn(fig)
    assert not any(ax.get_legend() for ax in fig.axes) and len(fig.legends) == 1
    legend = fig.legends[0].get_window_extent(renderer)
    for ax in fig.axes:
        assert not legend.overlaps(ax.get_window_extent(renderer))


def test_accuracy_bars_show_min_to_max_below_100_percent_and_a_labelled_chance_line():
    fig = plots.sweep_accuracy([("xor", [("0.1", [1.0, 0.9, 1.0]), ("1", [0.5, 0.55, 0.45])], 11 / 21)],
                               title="accuracy")
    ax = fig.axes[0]
    assert ax.get_ylim()[1] > 100  # room above the caps at 100%, which the frame would hide
    assert max(ax.get_yticks()) == 100 and ax.get_yticklabels()[-1].get_text() == "100"  # no tick above 100
    whiskers = np.concatenate([np.asarray(s)[:, :, 1].ravel() for c in ax.collections
                               for s in [c.get_segments()] if len(s)])
    assert whiskers.max() == pytest.approx(100) and whiskers.min() == pytest.approx(45)  # min and max, not +-sd
    chance = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(chance) == 1 and chance[0].get_ydata()[0] == pytest.approx(100 * 11 / 21)
    assert "chance 52.4%" in ax.get_title()
    assert any("chance" in t.get_text() for t in fig.legends[0].get_texts())


def test_comparison_rings_each_misclassified_point_and_counts_them():
    rng = np.random.default_rng(0)
    X = rng.random((10, 2))
    y_true = np.array([0, 1] * 5)
    y_pred = y_true.copy()
    y_pred[[1, 4, 7]] = 1 - y_pred[[1, 4, 7]]
    fig = plots.comparison(X, y_true, y_pred, title="linear: test set")
    for ax in fig.axes:
        rings = [c for c in ax.collections if len(c.get_facecolors()) == 0]
        assert len(rings) == 1 and np.allclose(np.sort(rings[0].get_offsets(), axis=0), np.sort(X[[1, 4, 7]], axis=0))
    assert "3 of 10 misclassified" in fig.get_suptitle()
    assert "misclassified (3)" in [t.get_text() for t in fig.legends[0].get_texts()]


def test_misclassified_images_share_one_grey_scale_with_the_background_white_and_are_counted_with_commas():
    images = np.zeros((10_000, 4, 4))  # as the image files store them, scaled: 0 is the background
    images[0, 1:3, 1:3] = 1.0  # ink, or the darkest part of a garment's photo
    images[1, 1:3, 1:3] = 0.3  # a faint image
    y_true = np.zeros(10_000, dtype=int)
    y_pred = (np.arange(10_000) < 1218).astype(int)
    fig = plots.misclassified_grid(images, y_true, y_pred, ["shirt", "coat"])
    assert "1,218 wrong of 10,000" in fig.get_suptitle()
    dark, faint = [ax.images[0].to_rgba(ax.images[0].get_array())[..., :3] for ax in fig.axes[:2]]
    assert np.allclose(dark[0, 0], 1) and np.allclose(faint[0, 0], 1)  # the background white in both
    assert np.allclose(dark[1, 1], 0)  # the largest value black
    assert np.allclose(faint[1, 1], 0.7, atol=0.01)  # a faint image light grey, not stretched to black


@pytest.mark.slow
def test_a_regressions_learning_curve_is_the_loss_alone_or_says_why_in_the_callers_second_axes():
    h = _history()
    h.accuracy[:] = [None] * len(h.epoch)  # values to regress onto: no accuracy
    fig = plots.learning_curve(h, test={"loss": [0.9, 0.6, 0.5, 0.4, 0.35], "accuracy": [None] * 5})
    assert [ax.get_title() for ax in fig.axes] == ["Loss"] and len(fig.axes[0].lines) == 2
    caller = Figure()
    fig = plots.learning_curve(h, ax=caller.subplots(1, 2))
    assert fig is caller and not fig.axes[1].axison
    assert "no accuracy" in fig.axes[1].texts[0].get_text()


def test_learning_curve_draws_the_test_curve_or_says_the_test_set_is_the_training_set():
    h = _history()
    fig = plots.learning_curve(h, test={"loss": [0.9, 0.6, 0.5, 0.4, 0.35], "accuracy": [0.5, 0.6, 0.7, 0.8, 0.8]})
    assert all(len(ax.lines) == 2 for ax in fig.axes)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["training set", "test set"]
    fig = plots.learning_curve(h, test_is_training=True)
    assert all(len(ax.lines) == 1 for ax in fig.axes)  # one curve, not the same one twice
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["training set = test set (the same points)"]


def test_a_saved_png_carries_its_title(tmp_path):
    plots.learning_curve(_history(), tmp_path / "curve.png", title="xor: learning curve")
    assert Image.open(tmp_path / "curve.png").text["Title"] == "xor: learning curve"


def _two_class_panels():
    X = np.random.default_rng(2).random((30, 2))
    y = (X[:, 0] > X[:, 1]).astype(int)
    return [(f"lr {lr}", lambda g, lr=lr: 1 / (1 + np.exp(-lr * (g[:, 0] - g[:, 1]))), X, y) for lr in (1, 10, 100)]


@pytest.mark.slow
def test_a_sweeps_decision_boundaries_have_one_colour_key_off_the_panels():
    fig = plots.boundaries_grid(_two_class_panels(), title="boundaries")
    panels = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 1 and bars[0].get_ylabel() == "P(class 1)"  # one bar for every panel
    assert len(fig.legends) == 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["class 0", "class 1", "boundary: P(class 1) = 0.5"]
    renderer = _drawn(fig)
    for key in (bars[0], fig.legends[0]):
        assert _inside(fig, key)
        assert not any(key.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer)) for ax in panels)


def test_the_single_run_boundary_has_the_same_key_as_a_sweeps():
    _, predict, X, y = _two_class_panels()[0]
    single = plots.decision_boundary(predict, X, y)
    grid = plots.boundaries_grid(_two_class_panels())
    labels = [[t.get_text() for t in fig.legends[0].get_texts()] for fig in (single, grid)]
    assert labels[0] == labels[1]
    assert [ax.get_ylabel() for ax in single.axes if ax.get_label() == "<colorbar>"] == ["P(class 1)"]


def test_more_than_two_classes_get_a_legend_of_every_class_and_no_probability_bar():
    X = np.random.default_rng(3).random((30, 2))
    y = (3 * X[:, 0]).astype(int)
    fig = plots.boundaries_grid([("blobs", lambda g: np.eye(3)[(3 * g[:, 0]).astype(int).clip(0, 2)], X, y)])
    assert not [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["class 0", "class 1", "class 2"]
    assert fig.legends[0].get_title().get_text() == "shading: the most likely class"


def test_a_gradient_that_becomes_exactly_zero_keeps_the_whole_run_on_the_axis_and_says_so():
    saturated = [0.1, 0.5] + [0.0] * 28  # as at a learning rate of 100: every sigmoid saturated after epoch 2
    ax = network.gradient_norms({"W1": saturated, "W2": saturated}).axes[0]
    assert ax.get_xlim()[0] < 1 and ax.get_xlim()[1] > 30  # not shrunk to the two epochs drawn
    assert all(line.get_marker() == "o" for line in ax.lines)  # two points alone are marked
    assert [t.get_text() for t in ax.texts] == ["every layer's gradient is exactly 0\nafter epoch 2 (a log scale has no 0)"]
    kept = {"epoch": [1, 6, 11, 16, 21], "W1": [0.1, 0, 0, 0, 0], "W2": [0.3, 0, 0, 0, 0]}  # a sweep's every k-th epoch
    ax = network.gradient_norms_grid([("lr 100", kept)]).axes[0]  # every panel drawn into one Axes
    at = {t.get_text(): t.get_position()[0] for t in ax.texts}
    assert "20" in at  # the epoch labels run to the run's end, not shrunk to the one epoch drawn
    drawn = [line.get_xdata()[np.isfinite(line.get_ydata())] for line in ax.lines]
    assert all(len(x) == 1 and x[0] < at["5"] for x in drawn)  # epoch 1 alone, left of epoch 5's label
    assert all(line.get_marker() == "o" for line in ax.lines)
    assert "all exactly 0\nafter epoch 1" in at  # a panel's note in few words, which the key explains
    assert "all exactly 0: every layer's gradient is exactly 0" in ax.figure.legends[0].get_title().get_text()
    ax = network.gradient_norms({"W1": [0.1, 0.0, 0.2] * 5, "W2": [0.1] * 15}).axes[0]  # one layer, now and then
    assert "the gradient of W1 is\nexactly 0 at some epochs" in ax.texts[0].get_text()


def test_a_long_run_ends_on_a_round_epoch_tick():
    fig = plots.sweep_curves([("xor", [("0.1", [list(np.linspace(1, 0.1, 1000))])])])
    ticks = [int(t.get_text()) for t in fig.axes[0].texts if t.get_text().isdecimal()]  # the epoch labels
    assert 1000 in ticks and np.diff(ticks)[0] in (100, 200, 250)


def test_sweep_curves_give_each_panel_its_own_loss_scale():
    # a loss that falls to 1e-4 beside one that stays near ln 2: sharing an axis would flatten the second
    falling = [list(0.7 * np.logspace(0, -4, 50))]
    flat = [list(np.linspace(0.7, 0.5, 50))]
    fig = plots.sweep_curves([("xor", [("a", falling)]), ("chessboard", [("a", flat)])])
    xor, chess = _loss_labels(fig)
    assert "10⁻⁴" in xor and min(float(label) for label in chess) > 0.4  # the flat loss fills its panel
    assert all("10" not in label and "e" not in label for label in chess)  # "0.6", not "6 x 10^-1"


def _loss_labels(fig):
    """The loss labels of each panel of a sweep's curves (one Axes), left to right: those left of each frame."""
    panels = {}
    for text in fig.axes[0].texts:
        if text.get_ha() == "right" and text.get_rotation() == 0:
            panels.setdefault(text.get_position()[0], []).append(text.get_text())
    return [panels[x] for x in sorted(panels)]


def _labels(axis):
    """(value, text) of every labelled tick inside the axis's limits, major and minor."""
    low, high = axis.get_view_interval()
    ticks = [(loc, t.get_text()) for locs, texts in ((axis.get_majorticklocs(), axis.get_majorticklabels()),
                                                     (axis.get_minorticklocs(), axis.get_minorticklabels()))
             for loc, t in zip(locs, texts)]
    return sorted((loc, text) for loc, text in ticks if text and low <= loc <= high)


def test_a_learning_curves_log_loss_axis_is_read_in_plain_numbers_from_end_to_end():
    # one epoch of an image run: 1.14 during it, 0.42 on the validation set after it
    one = History(epoch=[1], loss=[1.14], accuracy=[0.63], val_loss=[0.42], val_accuracy=[0.88])
    # twenty: from 1.02 down to 0.197 (training) and 0.271 (validation)
    twenty = History(epoch=list(range(1, 21)), loss=list(np.geomspace(1.02, 0.197, 20)), accuracy=[0.8] * 20,
                     val_loss=list(np.geomspace(0.56, 0.271, 20)), val_accuracy=[0.85] * 20)
    for h in (one, twenty):
        ax = plots.learning_curve(h).axes[0]
        assert ax.get_yscale() == "log" and ax.get_ylabel() == "loss (log scale)"
        labels = _labels(ax.yaxis)
        assert all(text == f"{value:g}" for value, text in labels), labels  # "0.6", never "6 x 10^-1"
        losses = h.loss + h.val_loss  # a labelled tick at or just past each end
        assert labels[0][0] <= 1.05 * min(losses) and labels[-1][0] >= max(losses) / 1.05, labels
    assert [text for _, text in _labels(plots.learning_curve(one).axes[0].yaxis)][-1] == "2"


def test_a_learning_curves_accuracy_axis_fits_the_accuracies_with_100_on_top_once_reached():
    # Fashion-MNIST: 65% to 92% (training), 81% to 90% (validation)
    fashion = History(epoch=list(range(1, 21)), loss=[0.5] * 20, accuracy=list(np.linspace(0.65, 0.924, 20)),
                      val_loss=[0.4] * 20, val_accuracy=list(np.linspace(0.81, 0.902, 20)))
    ax = plots.learning_curve(fashion).axes[1]
    low, high = ax.get_ylim()
    assert 60 <= low < 65 and 92.4 < high <= 96  # not 0-100, where 80-92% is a flat line at the top
    assert _labels(ax.yaxis)[0][0] <= 65 and _labels(ax.yaxis)[-1][0] >= 92.4
    ax = plots.learning_curve(_history()).axes[1]  # 55% to 75%
    assert _labels(ax.yaxis)[-1][0] < 100
    reached = History(epoch=[1, 2, 3], loss=[0.6, 0.3, 0.1], accuracy=[0.5, 0.8, 1.0])
    ax = plots.learning_curve(reached).axes[1]
    assert _labels(ax.yaxis)[-1] == (100, "100") and ax.get_ylim()[1] < 101.5


def test_a_learning_curve_can_say_how_its_training_scores_were_measured():
    h = History(epoch=[1, 2], loss=[1.1, 0.5], accuracy=[0.6, 0.8], val_loss=[0.4, 0.3], val_accuracy=[0.88, 0.9])
    fig = plots.learning_curve(h, during="each batch before its update, with dropout")
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "training set, during each epoch (each batch before its update, with dropout)",
        "validation set, after each epoch"]
