"""The figures draw a value as what it is: one colour for one value, the curve that matters on top, a key
of only what is drawn, axes that hold the curves' real values."""

import numpy as np
from matplotlib.colors import to_rgba

from backproplab import plots
from backproplab.plots.network import gradient_norms, gradient_norms_grid, network_diagram, neuron_maps
from backproplab.training import History

BLUE, WHITE, RED = to_rgba("#1f77b4"), to_rgba("#ffffff"), to_rgba("#d62728")


def _colour(image):
    """The colour an image draws its first pixel in."""
    return image.cmap(image.norm(float(image.get_array()[0, 0])))


def _constant(values, size=6):
    return np.stack([np.full((size, size), v, dtype=float) for v in values])


def test_a_saturated_neuron_is_drawn_at_its_value_on_the_fixed_scale_and_says_it():
    grid = np.linspace(0, 1, 6)
    inputs = np.stack([np.tile(grid, (6, 1)), np.tile(grid, (6, 1)).T])
    # sigmoid units pinned at 0 (to within 1e-236, as at a learning rate of 100) and at 1, an output at 0
    maps = [inputs, _constant([9e-236, 1.0, 1e-300]), _constant([0.0])]
    weights = [np.ones((3, 2)), np.ones((1, 3))]
    ax = network_diagram(weights, maps, (0, 1, 0, 1)).axes[0]
    colours = [_colour(image) for image in ax.images[2:]]
    assert np.allclose(colours, [BLUE, RED, BLUE, BLUE], atol=0.01)
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("0") >= 3 and texts.count("1") >= 2  # each constant neuron's value written in it
    assert any("a constant neuron" in t for t in texts)
    # tanh pinned at -1 and +1: the ends of -1 to 1; a neuron that varies keeps its own scale
    varying = np.tile(np.linspace(0.2, 0.3, 6), (6, 1))
    maps = [inputs, np.stack([np.full((6, 6), -1.0), np.full((6, 6), 1.0), varying]), _constant([0.5])]
    ax = network_diagram(weights, maps, (0, 1, 0, 1)).axes[0]
    assert np.allclose([_colour(image) for image in ax.images[2:4]], [BLUE, RED], atol=0.01)
    assert ax.images[4].get_clim() == (0.2, 0.3) and np.allclose(_colour(ax.images[5]), WHITE, atol=0.01)
    assert not any("a constant neuron" in t.get_text() for t in network_diagram(
        weights, [inputs, np.stack([varying] * 3), np.stack([varying])], (0, 1, 0, 1)).axes[0].texts)


def test_a_layer_of_neurons_pinned_at_0_is_blue_in_the_neuron_maps():
    ax = neuron_maps([_constant([0.0, 0.0]), _constant([1.0, 1.0])], (0, 1, 0, 1)).axes[0]
    assert np.allclose([_colour(image) for image in ax.images], [BLUE, BLUE, RED, RED], atol=0.01)


def _history(n, loss, accuracy):
    return History(epoch=list(range(1, n + 1)), loss=list(loss), accuracy=list(accuracy), lr=[0.1] * n,
                   seconds=[0.01] * n)


def test_the_training_curve_is_drawn_over_a_test_curve_that_swings_every_epoch_and_the_key_says_so():
    n = 200
    falling = np.linspace(0.7, 0.05, n)
    swinging = falling * np.where(np.arange(n) % 2, 1.3, 0.7)  # up and down every epoch: a band
    test = {"loss": list(swinging), "accuracy": list(np.where(np.arange(n) % 2, 0.99, 0.96))}
    fig = plots.learning_curve(_history(n, falling, [0.97] * n), test=test)
    for ax in fig.axes:
        training, tested = ax.lines[:2]
        assert training.get_zorder() > tested.get_zorder()  # the training curve on top, never hidden
        assert training.get_linewidth() > tested.get_linewidth() and tested.get_alpha() < 1
    (legend,) = fig.legends
    assert "goes up and down from one epoch to the next" in legend.get_title().get_text()
    steady = {"loss": list(falling * 1.1), "accuracy": [0.96] * n}  # no swing: nothing to explain
    assert not plots.learning_curve(_history(n, falling, [0.97] * n), test=steady).legends[0].get_title().get_text()
    short = {"loss": swinging[:20], "accuracy": test["accuracy"][:20]}  # 20 epochs: every zig-zag seen as one
    assert not plots.learning_curve(_history(20, falling[:20], [0.97] * 20), test=short).legends[0].get_title().get_text()


def _covered(ax, text):
    """The curve points (traced between their values) that the box of ``text`` covers, in display pixels."""
    ax.figure.canvas.draw()
    box = text.get_window_extent()
    covered = 0
    for line in ax.lines:
        xy = line.get_transform().transform(line.get_xydata())
        for a, b in zip(xy[:-1], xy[1:]):
            if np.isfinite(a).all() and np.isfinite(b).all():
                along = a + np.linspace(0, 1, 50)[:, None] * (b - a)
                covered += box.count_contains(along)
    return covered


def test_the_note_of_a_gradient_gone_to_0_covers_no_curve():
    epochs = list(range(1, 2001, 10))  # a sweep's every 10th epoch; every gradient 0 after epoch 1191
    moving = [e < 1200 for e in epochs]
    norms = {"epoch": epochs, "W1": [1e-7 if m else 0.0 for m in moving],
             "W2": [1e-4 if m else 0.0 for m in moving], "W3": [0.5 if m else 0.0 for m in moving]}
    ax = gradient_norms_grid([("lr 30", norms), ("lr 1", {**norms, "W1": [1e-3] * len(epochs)})]).axes[0]
    (note,) = [t for t in ax.texts if "after epoch 1191" in t.get_text()]
    assert _covered(ax, note) == 0
    ax = gradient_norms({name: values for name, values in norms.items() if name != "epoch"}).axes[0]
    (note,) = [t for t in ax.texts if "exactly 0" in t.get_text()]
    assert _covered(ax, note) == 0


def test_a_tiny_gradient_is_drawn_at_a_floor_12_decades_down_and_a_real_fall_is_kept():
    # a learning rate of 100: the output layer's last gradient before 0 is about 1e-119
    norms = {"W1": [0.0117] + [0.0] * 29, "W2": [0.119] + [0.0] * 29, "W3": [0.463, 1.86e-119] + [0.0] * 28}
    ax = gradient_norms(norms).axes[0]
    assert 1e-15 < ax.get_ylim()[0] < 1e-13  # the axis stops near 1e-13, not at 1e-124
    (marked,) = [line for line in ax.lines if line.get_marker() == "v"]
    assert marked.get_ydata().tolist() == [1e-13]
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 1 and "after epoch 2" in texts[0] and "below 10⁻¹³, drawn at it" in texts[0]
    falling = {"W1": list(np.logspace(0, -10, 30)), "W2": [0.5] * 30, "W3": [0.5] * 30}  # vanishing: kept whole
    ax = gradient_norms(falling).axes[0]
    assert np.allclose(ax.lines[0].get_ydata(), falling["W1"]) and ax.get_ylim()[0] < 1e-10
    assert not ax.texts and not any(line.get_marker() == "v" for line in ax.lines)


def test_the_boundary_line_is_in_the_key_only_where_one_is_drawn():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0, 0, 1, 1])
    below = lambda grid: np.full(len(grid), 0.49)  # a linear model's least-squares answer on XOR  # noqa: E731
    across = lambda grid: grid[:, 0]  # noqa: E731
    for draw in (lambda f: plots.decision_boundary(f, X, y), lambda f: plots.boundaries_grid([("a", f, X, y)])):
        key = draw(below).legends[0]
        assert [t.get_text() for t in key.get_texts()] == ["class 0", "class 1"]
        assert "no boundary line" in key.get_title().get_text()
        key = draw(across).legends[0]
        assert [t.get_text() for t in key.get_texts()] == ["class 0", "class 1", "boundary: P(class 1) = 0.5"]
        assert not key.get_title().get_text()
