"""Every layer, activation and loss against central differences, in float64.

Parametrised over the registries, so a new entry is checked automatically.
"""

import numpy as np
import pytest

from backproplab import gradcheck
from backproplab.gradcheck import relative_error
from backproplab.nn import ACTIVATIONS, LAYERS, LOSSES, Identity, Linear, Sequential, get_activation, get_loss

TOLERANCE = 1e-7


def _layer(name, rng):
    if name == "Linear":
        return Linear(3, 4, rng=rng)
    return LAYERS[name]()


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_every_layer_matches_central_differences(name, rng):
    layer = _layer(name, rng)
    # Keep inputs away from 0, where ReLU's kink would make differences meaningless.
    x = rng.uniform(0.2, 1.5, size=(5, 3)) * rng.choice([-1, 1], size=(5, 3))
    report = gradcheck(layer, x)
    assert max(report.values()) < TOLERANCE, report


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_matches_central_differences(name, rng):
    loss = get_loss(name)
    if name == "cross_entropy":
        output, target = rng.standard_normal((6, 3)), rng.integers(0, 3, 6)
    elif name == "bce":
        output, target = rng.uniform(0.05, 0.95, (6, 1)), rng.integers(0, 2, 6)
    else:
        output, target = rng.standard_normal((6, 1)), rng.integers(0, 2, 6)
    report = gradcheck(Identity(), output, loss, target)
    assert report["input"] < TOLERANCE, report


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("loss_name", ["mse", "cross_entropy"])
def test_deep_network_gradients(activation, loss_name, rng):
    out = 3 if loss_name == "cross_entropy" else 1
    model = Sequential(Linear(2, 5, rng=rng), get_activation(activation), Linear(5, 4, rng=rng),
                       get_activation(activation), Linear(4, out, rng=rng))
    for layer in model:  # non-zero biases keep ReLU's kink away from exact zeros
        if isinstance(layer, Linear):
            layer.bias.data[...] = rng.uniform(0.1, 0.3, layer.bias.shape)
    x, y = rng.uniform(-1, 1, (7, 2)), rng.integers(0, out if out > 1 else 2, 7)
    report = gradcheck(model, x, get_loss(loss_name), y)
    assert max(report.values()) < TOLERANCE, report


def test_gradcheck_catches_a_wrong_backward(rng):
    class BrokenTanh(get_activation("tanh").__class__):
        def backward(self, dout):
            return dout * (1.0 - self._cache)  # forgot the square

    report = gradcheck(BrokenTanh(), rng.standard_normal((4, 3)))
    assert report["input"] > 1e-2


def test_gradcheck_leaves_the_model_untouched(rng):
    model = Linear(3, 2, rng=rng)
    before = model.weight.data.copy()
    gradcheck(model, rng.standard_normal((4, 3)))
    np.testing.assert_array_equal(model.weight.data, before)
    assert not model.weight.grad.any()


def test_relative_error_is_zero_only_for_equal_arrays():
    assert relative_error(np.ones(3), np.ones(3)) == 0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0
    assert relative_error(np.ones(3), -np.ones(3)) == 1
