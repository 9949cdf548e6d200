"""Winograd F(2x2, 3x3): the transforms, the gradients, and the same convolution as im2col and PyTorch."""

import numpy as np
import pytest

from backproplab import ConfigError, load_model, save_model
from backproplab.gradcheck import gradcheck
from backproplab.nn import Conv2d, Sequential, winograd
from backproplab.nn.conv import WINOGRAD_MIN_IN_CHANNELS, WINOGRAD_MIN_OUTPUT_PIXELS

TOLERANCE = 1e-7
# (in channels, out channels, H, W, padding): odd and even outputs, square and not
GEOMETRIES = [(2, 3, 7, 6, 0), (3, 2, 6, 6, 0), (1, 4, 5, 8, 1), (4, 3, 6, 7, 1), (3, 5, 3, 3, 0)]


def _pair(c_in, c_out, padding, dtype, rng):
    """The same layer (weights and bias) as im2col and as Winograd."""
    im2col = Conv2d(c_in, c_out, 3, padding=padding, rng=rng, dtype=dtype, algorithm="im2col")
    im2col.bias.data[...] = rng.standard_normal(c_out)
    fast = Conv2d(c_in, c_out, 3, padding=padding, dtype=dtype, algorithm="winograd")
    fast.weight.data[...] = im2col.weight.data
    fast.bias.data[...] = im2col.bias.data
    return im2col, fast


def test_the_1d_algorithm_takes_four_products_for_two_outputs():
    # y = A^T [(G g) * (B^T d)]: two outputs of a 3-tap filter, each a dot product of 3
    d, g = np.array([1.0, -2.0, 3.0, 0.5]), np.array([0.25, -1.0, 2.0])
    direct = np.array([d[0:3] @ g, d[1:4] @ g])
    np.testing.assert_allclose(winograd.A_T @ ((winograd.G @ g) * (winograd.B_T @ d)), direct, rtol=1e-15)


def test_one_tile_is_the_2d_correlation_of_its_4x4_input(rng):
    d, g = rng.standard_normal((4, 4)), rng.standard_normal((3, 3))
    direct = np.array([[np.sum(d[i:i + 3, j:j + 3] * g) for j in range(2)] for i in range(2)])
    u, v = winograd.G @ g @ winograd.G.T, winograd.B_T @ d @ winograd.B_T.T
    np.testing.assert_allclose(winograd.A_T @ (u * v) @ winograd.A_T.T, direct, rtol=1e-12)


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_winograd_matches_central_differences(geometry, rng):
    c_in, c_out, h, w, padding = geometry
    layer = Conv2d(c_in, c_out, 3, padding=padding, rng=rng, algorithm="winograd")
    layer.bias.data[...] = rng.standard_normal(c_out)
    report = gradcheck(layer, rng.standard_normal((2, c_in, h, w)))
    assert max(report.values()) < TOLERANCE, report


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-11), (np.float32, 2e-4)])
@pytest.mark.parametrize("geometry", [*GEOMETRIES, (32, 64, 13, 13, 0), (16, 16, 9, 10, 1)])
def test_winograd_gives_what_im2col_gives(geometry, dtype, rtol, rng):
    c_in, c_out, h, w, padding = geometry
    im2col, fast = _pair(c_in, c_out, padding, dtype, rng)
    x = rng.standard_normal((3, c_in, h, w)).astype(dtype)
    out = fast.forward(x)
    np.testing.assert_allclose(out, im2col.forward(x), rtol=rtol, atol=rtol)
    assert out.dtype == dtype
    dout = rng.standard_normal(out.shape).astype(dtype)
    dx = fast.backward(dout)
    np.testing.assert_allclose(dx, im2col.backward(dout), rtol=rtol, atol=rtol)
    np.testing.assert_allclose(fast.weight.grad, im2col.weight.grad, rtol=rtol, atol=rtol * 10)
    np.testing.assert_allclose(fast.bias.grad, im2col.bias.grad, rtol=rtol, atol=rtol * 10)
    assert dx.dtype == fast.weight.grad.dtype == dtype


def test_a_batch_in_several_sample_groups_gives_what_one_group_gives(rng):
    c_in, c_out, n = 64, 64, 20
    assert len(winograd.sample_groups(n, (5, 5), c_out, c_in, np.float64)) > 1
    im2col, fast = _pair(c_in, c_out, 0, np.float64, rng)
    x = rng.standard_normal((n, c_in, 7, 7))
    np.testing.assert_allclose(fast.forward(x), im2col.forward(x), rtol=1e-11, atol=1e-11)
    dout = rng.standard_normal((n, c_out, 5, 5))
    np.testing.assert_allclose(fast.backward(dout), im2col.backward(dout), rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(fast.weight.grad, im2col.weight.grad, rtol=1e-11, atol=1e-10)


def test_a_first_layer_computes_the_same_parameter_gradients_without_dx(rng):
    im2col, fast = _pair(8, 4, 1, np.float64, rng)
    x = rng.standard_normal((2, 8, 6, 5))
    dout = rng.standard_normal(fast.forward(x).shape)
    im2col.forward(x)
    fast.backward_params(dout)
    im2col.backward_params(dout)
    np.testing.assert_allclose(fast.weight.grad, im2col.weight.grad, rtol=1e-11)
    np.testing.assert_allclose(fast.bias.grad, im2col.bias.grad, rtol=1e-11)


@pytest.mark.slow
@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-10), (np.float32, 2e-4)])
@pytest.mark.parametrize("geometry", [(3, 4, 9, 8, 0), (8, 6, 8, 11, 1)])
def test_winograd_matches_pytorch(geometry, dtype, rtol, rng):
    torch = pytest.importorskip("torch", reason="PyTorch not installed: pip install torch==2.13.0")
    c_in, c_out, h, w, padding = geometry
    layer = Conv2d(c_in, c_out, 3, padding=padding, rng=rng, dtype=dtype, algorithm="winograd")
    layer.bias.data[...] = rng.standard_normal(c_out)
    x = rng.standard_normal((3, c_in, h, w)).astype(dtype)
    weight = torch.from_numpy(layer.weight.data.copy()).requires_grad_(True)
    bias = torch.from_numpy(layer.bias.data.copy()).requires_grad_(True)
    x_torch = torch.from_numpy(x).requires_grad_(True)
    out_torch = torch.nn.functional.conv2d(x_torch, weight, bias, padding=padding)
    out = layer.forward(x)
    np.testing.assert_allclose(out, out_torch.detach().numpy(), rtol=rtol, atol=rtol)
    dout = rng.standard_normal(out.shape).astype(dtype)
    dx = layer.backward(dout)
    out_torch.backward(torch.from_numpy(dout))
    np.testing.assert_allclose(dx, x_torch.grad.numpy(), rtol=rtol, atol=rtol)
    np.testing.assert_allclose(layer.weight.grad, weight.grad.numpy(), rtol=rtol, atol=rtol * 10)
    np.testing.assert_allclose(layer.bias.grad, bias.grad.numpy(), rtol=rtol, atol=rtol * 10)


BIG = (16, 16)  # WINOGRAD_MIN_OUTPUT_PIXELS


@pytest.mark.parametrize("args, kwargs, out_size, expected", [
    ((1, 32, 3), {}, (26, 26), "im2col"),     # the MNIST CNN's first layer: one input channel
    ((32, 64, 3), {}, (11, 11), "im2col"),    # its second: 121 output pixels
    ((32, 32, 3), {"padding": 1}, (28, 28), "winograd"),
    ((WINOGRAD_MIN_IN_CHANNELS, 8, 3), {}, BIG, "winograd"),
    ((WINOGRAD_MIN_IN_CHANNELS - 1, 8, 3), {}, BIG, "im2col"),
    ((64, 64, 3), {}, (16, 15), "im2col"),
    ((64, 64, 3), {"stride": 2}, BIG, "im2col"),
    ((64, 64, 5), {}, BIG, "im2col"),
    ((64, 64, (3, 1)), {}, BIG, "im2col"),
    ((1, 2, 3), {"algorithm": "winograd"}, (3, 3), "winograd"),
    ((64, 64, 3), {"algorithm": "im2col"}, BIG, "im2col"),
])
def test_auto_follows_the_rule_and_a_forced_algorithm_is_kept(args, kwargs, out_size, expected):
    assert WINOGRAD_MIN_OUTPUT_PIXELS == BIG[0] * BIG[1]
    assert Conv2d(*args, **kwargs).algorithm_for(out_size) == expected


def test_forward_runs_the_algorithm_it_says(rng):
    c_in = WINOGRAD_MIN_IN_CHANNELS
    for algorithm, size, expected in [("auto", 18, "winograd"), ("auto", 17, "im2col"), ("im2col", 18, "im2col"),
                                      ("winograd", 5, "winograd")]:
        layer = Conv2d(c_in, 2, 3, algorithm=algorithm)
        layer.forward(rng.standard_normal((1, c_in, size, size)))
        assert layer._cache[0] == expected


@pytest.mark.parametrize("kwargs, message", [
    ({"algorithm": "fft"}, "unknown convolution algorithm 'fft'; choose one of: auto, im2col, winograd"),
    ({"algorithm": "winograd", "stride": 2}, "algorithm='winograd' needs a 3x3 kernel with stride 1"),
])
def test_bad_algorithms_are_refused_in_one_line(kwargs, message):
    with pytest.raises(ConfigError, match=message) as error:
        Conv2d(2, 2, 3, **kwargs)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("algorithm", ["auto", "im2col", "winograd"])
def test_the_algorithm_round_trips_through_model_files(algorithm, tmp_path, rng):
    model = Sequential(Conv2d(2, 3, 3, rng=rng, algorithm=algorithm))
    loaded, _ = load_model(save_model(model, tmp_path / "conv.npz"))
    assert loaded[0].algorithm == algorithm
    assert repr(loaded) == repr(model)
    x = rng.standard_normal((2, 2, 5, 5))
    np.testing.assert_array_equal(loaded(x), model(x))
