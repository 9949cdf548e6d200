"""Every layer, activation and loss against central differences, in float64.

Parametrised over the registries, so a new entry is checked automatically.
"""

import numpy as np
import pytest

from backproplab import gradcheck
from backproplab.gradcheck import relative_error
from backproplab.nn import (
    ACTIVATIONS, LAYERS, LOSSES, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Flatten,
    Identity, Linear, MaxPool2d, ReLU, Sequential, Sigmoid, Tanh, get_activation, get_loss,
)

TOLERANCE = 1e-7


class ReseededDropout(Dropout):
    """Dropout drawing the same mask on every call, so central differences see one function."""

    def forward(self, x):
        self.rng = np.random.default_rng(0)
        return super().forward(x)


# Layers whose example is checked through a stand-in that makes it one function of its input.
STAND_INS = {Dropout: ReseededDropout}


def example(name, rng):
    """The registered layer ``name``'s own example (``Module.example``) and its input shape; a Sequential
    (a container: no example of its own) holds a Linear layer and a Sigmoid."""
    if name == "Sequential":
        return Sequential(Linear(3, 4, rng=rng), Sigmoid()), (5, 3)
    cls = LAYERS[name]
    return STAND_INS.get(cls, cls).example(rng), cls.example_input_shape


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_every_layer_matches_central_differences(name, rng):
    layer, shape = example(name, rng)
    # Keep inputs away from 0, where ReLU's kink would make differences meaningless.
    x = rng.uniform(0.2, 1.5, size=shape) * rng.choice([-1, 1], size=shape)
    for param in layer.parameters():  # non-trivial scale and shift for batch norm
        param.data[...] = rng.uniform(0.5, 1.5, param.shape)
    report = gradcheck(layer, x)
    assert max(report.values()) < TOLERANCE, report


CONV_GEOMETRIES = [  # (in, out, kernel, stride, padding)
    (2, 3, 3, 1, 0), (2, 3, 3, 2, 1), (1, 2, (2, 3), (2, 1), (0, 1)), (3, 2, 1, 1, 0), (2, 2, 5, 1, 2),
]


@pytest.mark.parametrize("geometry", CONV_GEOMETRIES)
def test_conv_geometries_match_central_differences(geometry, rng):
    c_in, c_out, k, s, p = geometry
    layer = Conv2d(c_in, c_out, k, stride=s, padding=p, rng=rng)
    layer.bias.data[...] = rng.standard_normal(c_out)
    report = gradcheck(layer, rng.standard_normal((2, c_in, 7, 6)))
    assert max(report.values()) < TOLERANCE, report


@pytest.mark.parametrize("pool", [MaxPool2d, AvgPool2d])
@pytest.mark.parametrize("kernel, stride, padding", [(2, None, 0), (3, 2, 1), (3, 1, 0), ((2, 3), (1, 2), (1, 1))])
def test_pooling_geometries_match_central_differences(pool, kernel, stride, padding, rng):
    layer = pool(kernel, stride, padding)
    report = gradcheck(layer, rng.standard_normal((2, 2, 7, 6)))
    assert report["input"] < TOLERANCE, report


@pytest.mark.parametrize("norm, shape", [(BatchNorm1d, (6, 4)), (BatchNorm2d, (3, 4, 5, 2))])
def test_batch_norm_in_eval_mode_matches_central_differences(norm, shape, rng):
    layer = norm(4)
    layer.running_mean[...] = rng.standard_normal(4)
    layer.running_var[...] = rng.uniform(0.5, 2.0, 4)
    layer.weight.data[...] = rng.uniform(0.5, 1.5, 4)
    report = gradcheck(layer.eval(), rng.standard_normal(shape))
    assert max(report.values()) < TOLERANCE, report


def test_small_cnn_gradients_end_to_end(rng):
    # Batch norm follows activations here: straight after a layer it would cancel that
    # layer's bias, whose true gradient is then 0 and its relative error meaningless.
    model = Sequential(
        Conv2d(1, 3, 3, padding=1, rng=rng), ReLU(), BatchNorm2d(3), MaxPool2d(2),
        Conv2d(3, 4, 3, rng=rng), Tanh(), AvgPool2d(2), Flatten(), ReseededDropout(0.3),
        Linear(4, 5, rng=rng), Sigmoid(), BatchNorm1d(5), Linear(5, 3, rng=rng),
    )
    for p in model.parameters():
        p.data[...] += rng.uniform(0.05, 0.2, p.shape)
    x, y = rng.standard_normal((4, 1, 8, 8)), rng.integers(0, 3, 4)
    report = gradcheck(model, x, get_loss("cross_entropy"), y)
    assert max(report.values()) < TOLERANCE, report


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_matches_central_differences(name, reduction, rng):
    loss = get_loss(name, reduction)
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


@pytest.mark.parametrize("bias_init", ["zeros", "ones", "normal", "uniform"])
def test_networks_without_biases_or_with_other_bias_starts_match_central_differences(bias_init, rng):
    for bias in (True, False):
        model = Sequential(Linear(2, 5, bias, bias_init=bias_init, rng=rng), get_activation("sigmoid"),
                           Linear(5, 1, bias, bias_init=bias_init, rng=rng), get_activation("sigmoid"))
        x, y = rng.uniform(-1, 1, (7, 2)), rng.integers(0, 2, 7)
        report = gradcheck(model, x, get_loss("half_sse", "sum"), y)
        assert len(report) == (5 if bias else 3), report  # input, 2 weights (and 2 biases)
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
