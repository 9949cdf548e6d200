"""The figures draw a value as what it is: one colour for one value, the curve that matters on top, a key
of only what is drawn, axes that hold the curves' real values."""

import numpy as np
from matplotlib.colors import to_rgba

from backproplab.plots.network import network_diagram, neuron_maps

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
