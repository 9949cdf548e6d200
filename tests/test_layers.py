import re

import numpy as np
import pytest

from backproplab import ConfigError
from backproplab.nn import Conv2d, LeakyReLU, Linear, MaxPool2d, ReLU, Sequential, Sigmoid, Softmax, Tanh, summary
from backproplab.nn import functional as F


def test_one_training_step_worked_out_by_hand():
    # Network: x -> z = w x + b -> p = sigmoid(z); MSE L = (p - y)^2 with one sample.
    # x = 2, w = 0.5, b = 0, y = 1:  z = 1, p = sigmoid(1) = 0.7310585786300049
    # dL/dp = 2 (p - y) = -0.5378828427399902
    # dp/dz = p (1 - p) = 0.19661193324148185
    # dL/dz = -0.10575419479100...;  dL/dw = dL/dz * x;  dL/db = dL/dz
    # SGD with lr 0.1: w' = 0.5 - 0.1 * dL/dw,  b' = 0 - 0.1 * dL/db
    from backproplab import SGD, MSELoss

    layer = Linear(1, 1)
    layer.weight.data[...] = 0.5
    model = Sequential(layer, Sigmoid())
    loss_fn = MSELoss()
    p = 1 / (1 + np.exp(-1.0))
    dz = 2 * (p - 1) * p * (1 - p)
    loss = loss_fn(model(np.array([[2.0]])), np.array([1.0]))
    model.backward(loss_fn.backward())
    SGD(model.parameters(), lr=0.1).step()
    assert loss == pytest.approx((p - 1) ** 2, abs=1e-12)
    assert layer.weight.data[0, 0] == pytest.approx(0.5 - 0.1 * dz * 2, abs=1e-12)
    assert layer.bias.data[0] == pytest.approx(-0.1 * dz, abs=1e-12)


def test_linear_shapes_and_formula(rng):
    layer = Linear(3, 2, rng=rng)
    x = rng.standard_normal((4, 3))
    np.testing.assert_allclose(layer(x), x @ layer.weight.data.T + layer.bias.data)
    assert layer.weight.shape == (2, 3) and layer.bias.shape == (2,)
    assert not layer.bias.data.any()


def test_gradients_accumulate_until_zero_grad(rng):
    layer = Linear(2, 2, rng=rng)
    x = rng.standard_normal((3, 2))
    layer(x)
    layer.backward(np.ones((3, 2)))
    once = layer.weight.grad.copy()
    layer(x)
    layer.backward(np.ones((3, 2)))
    np.testing.assert_allclose(layer.weight.grad, 2 * once)
    layer.zero_grad()
    assert not layer.weight.grad.any()
    from backproplab.optim import SGD

    opt = SGD(layer.parameters(), lr=0.1)  # its zero_grad too: then one backward gives one gradient
    for _ in range(2):
        layer(x)
        layer.backward(np.ones((3, 2)))
    opt.zero_grad()
    layer(x)
    layer.backward(np.ones((3, 2)))
    np.testing.assert_allclose(layer.weight.grad, once)
    np.testing.assert_allclose(layer.bias.grad, [3.0, 3.0])


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match="Linear.backward called before forward"):
        Linear(2, 2, rng=0).backward(np.ones((1, 2)))
    with pytest.raises(RuntimeError, match="Tanh.backward called before forward"):
        Tanh().backward(np.ones((1, 2)))


@pytest.mark.parametrize("value", [1000.0, -1000.0, 1e4, -1e4])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_and_softmax_are_stable(value, dtype):
    x = np.array([[value, 0.0, -value]], dtype=dtype)
    for fn in (F.sigmoid, F.softmax, F.log_softmax, np.tanh):
        assert np.all(np.isfinite(fn(x)))
    s = Sigmoid()
    assert np.all(np.isfinite(s.backward(np.ones_like(x)) if s.forward(x) is not None else None))
    np.testing.assert_allclose(F.sigmoid(np.array([value])), [1.0 if value > 0 else 0.0], atol=1e-30)


@pytest.mark.parametrize("dtype, low", [(np.float32, -88.0), (np.float64, -709.0)])
def test_sigmoid_is_accurate_to_an_ulp_or_two_over_its_whole_range(dtype, low):
    x = np.linspace(low, -low, 20001).astype(dtype)
    exact = 1 / (1 + np.exp(-x.astype(np.longdouble)))
    relative = np.abs(F.sigmoid(x) / exact - 1)
    assert relative.max() < 4 * np.finfo(dtype).eps
    below = F.sigmoid(np.array([2 * low, 10 * low], dtype=dtype))  # held at the cap, never inf or nan
    assert np.all((below > 0) & (below <= F.sigmoid(np.array([low], dtype=dtype))))


def test_softmax_rows_sum_to_one(rng):
    out = Softmax()(rng.standard_normal((5, 4)) * 50)
    np.testing.assert_allclose(out.sum(axis=1), 1.0)


def test_relu_gradient_is_zero_at_zero():
    r = ReLU()
    r(np.array([[0.0, 1.0, -1.0]]))
    np.testing.assert_array_equal(r.backward(np.ones((1, 3))), [[0.0, 1.0, 0.0]])


def test_state_dict_round_trip_and_mismatch(rng):
    a = Sequential(Linear(2, 3, rng=rng), Tanh(), Linear(3, 1, rng=rng))
    b = Sequential(Linear(2, 3, rng=rng), Tanh(), Linear(3, 1, rng=rng))
    b.load_state_dict(a.state_dict())
    x = rng.standard_normal((4, 2))
    np.testing.assert_array_equal(a(x), b(x))
    assert list(a.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    with pytest.raises(ConfigError, match="shape"):
        Sequential(Linear(2, 4, rng=0), Tanh(), Linear(4, 1, rng=0)).load_state_dict(a.state_dict())


def test_summary_lists_shapes_and_counts():
    model = Sequential(Linear(2, 8, rng=0), Sigmoid(), Linear(8, 1, rng=0))
    text = summary(model, (2,))
    assert "(None, 8)" in text and "(None, 1)" in text
    assert "total parameters: 33" in text


def test_train_and_eval_modes_propagate():
    model = Sequential(Linear(2, 2, rng=0), Sigmoid())
    model.eval()
    assert not model.training and not model[0].training
    model.train()
    assert model[1].training


@pytest.mark.parametrize("bad", [0, -3, 2.5, "8", True])
def test_linear_rejects_bad_sizes(bad):
    with pytest.raises(ConfigError, match="must be an integer >= 1"):
        Linear(bad, 2)


def test_initialisers_are_seeded_and_scaled():
    a, b = Linear(100, 100, init="he", rng=5), Linear(100, 100, init="he", rng=5)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    assert a.weight.data.std() == pytest.approx(np.sqrt(2 / 100), rel=0.05)
    assert Linear(100, 100, init="normal", rng=1).weight.data.std() == pytest.approx(1.0, rel=0.05)
    bound = np.sqrt(6 / 200)
    w = Linear(100, 100, init="xavier", rng=1).weight.data
    assert w.max() <= bound and w.min() >= -bound and w.max() > 0.9 * bound
    with pytest.raises(ConfigError, match="did you mean 'xavier'"):
        Linear(2, 2, init="xavir")


def test_float32_models_compute_in_float32(rng):
    model = Sequential(Linear(2, 3, rng=rng, dtype=np.float32), Sigmoid())
    assert model(rng.standard_normal((2, 2)).astype(np.float32)).dtype == np.float32


# --- image layers -------------------------------------------------------------

def test_conv_output_shape_follows_the_size_formula():
    from backproplab.nn import Conv2d

    layer = Conv2d(3, 8, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), rng=0)
    out = layer.forward(np.zeros((4, 3, 11, 9)))
    assert out.shape == (4, 8, (11 + 2 - 3) // 2 + 1, (9 + 4 - 5) // 1 + 1)


@pytest.mark.parametrize("make, shape, message", [
    (lambda bp: bp.Conv2d(3, 2, 3), (4, 3, 8), "(N, C, H, W)"),
    (lambda bp: bp.Conv2d(3, 2, 3), (4, 1, 8, 8), "expects 3 input channels, got 1"),
    (lambda bp: bp.Conv2d(1, 2, 5), (4, 1, 3, 3), "smaller than the kernel"),
    (lambda bp: bp.MaxPool2d(4), (1, 1, 3, 3), "smaller than the kernel"),
    (lambda bp: bp.BatchNorm2d(3), (4, 2, 5, 5), "3 channels on axis 1"),
    (lambda bp: bp.BatchNorm1d(3), (1, 3), "more than one value per channel"),
])
def test_image_layers_reject_misshapen_input_with_one_line(make, shape, message):
    import backproplab

    with pytest.raises(ConfigError, match=re.escape(message)) as err:
        make(backproplab).forward(np.zeros(shape))
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("make, message", [
    (lambda bp: bp.Conv2d(0, 2, 3), "in_channels must be an integer >= 1"),
    (lambda bp: bp.Conv2d(1, 2, (3, 0)), "kernel_size must be an integer >= 1"),
    (lambda bp: bp.Conv2d(1, 2, 3, padding=-1), "padding must be an integer >= 0"),
    (lambda bp: bp.MaxPool2d("2"), "kernel_size must be an int or a pair"),
    (lambda bp: bp.Dropout(1.0), "p must be a number >= 0 and < 1, got 1.0"),
    (lambda bp: bp.BatchNorm1d(0), "num_features must be an integer >= 1, got 0"),
])
def test_image_layers_reject_bad_settings(make, message):
    import backproplab

    with pytest.raises(ConfigError, match=re.escape(message)):
        make(backproplab)


def test_dropout_is_seeded_inverted_and_off_in_eval():
    from backproplab.nn import Dropout

    x = np.ones((100, 100))
    first, again = Dropout(0.25, rng=5).forward(x), Dropout(0.25, rng=5).forward(x)
    np.testing.assert_array_equal(first, again)
    assert set(np.unique(first)) == {0.0, 1 / 0.75}
    assert abs(first.mean() - 1.0) < 0.02  # inverted: the expected value is unchanged
    np.testing.assert_array_equal(Dropout(0.25, rng=5).eval().forward(x), x)


def test_batch_norm_normalises_in_training_and_uses_running_statistics_in_eval():
    from backproplab.nn import BatchNorm2d

    rng = np.random.default_rng(0)
    layer = BatchNorm2d(2, momentum=1.0)  # momentum 1: running stats = the last batch's
    x = rng.normal(5.0, 3.0, (8, 2, 4, 4))
    out = layer.forward(x)
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=(0, 2, 3)), 1, rtol=1e-4)
    np.testing.assert_allclose(layer.running_mean, x.mean(axis=(0, 2, 3)))
    layer.eval()
    m = x.size // 2
    expected = (x - layer.running_mean.reshape(1, 2, 1, 1)) / np.sqrt(
        x.var(axis=(0, 2, 3)).reshape(1, 2, 1, 1) * m / (m - 1) + layer.eps)
    np.testing.assert_allclose(layer.forward(x), expected)


def test_max_pool_picks_the_window_maximum():
    from backproplab.nn import MaxPool2d

    x = np.arange(16, dtype=float).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(MaxPool2d(2).forward(x)[0, 0], [[5, 7], [13, 15]])


def test_relu_after_max_pool_equals_relu_before_it(rng):
    # The CNN runs its activation after pooling (a quarter of the values): max(f(a), f(b)) = f(max(a, b))
    # for a non-decreasing f, so outputs, input gradients and parameter gradients are bit-identical.
    def model(activation_first):
        r = np.random.default_rng(3)
        blocks = []
        for conv, act, pool in [(Conv2d(2, 3, 3, padding=1, rng=r), ReLU(), MaxPool2d(2)),
                                (Conv2d(3, 2, 3, rng=r), LeakyReLU(0.1), MaxPool2d(2, padding=1))]:
            blocks += [conv, act, pool] if activation_first else [conv, pool, act]
        return Sequential(blocks)

    x = rng.standard_normal((4, 2, 10, 10))
    x[0, 0, :4, :4] = 0.0  # windows of exact zeros and ties
    before, after = model(True), model(False)
    assert [type(layer).__name__ for layer in after] == ["Conv2d", "MaxPool2d", "ReLU", "Conv2d", "MaxPool2d",
                                                         "LeakyReLU"]  # runs in the order listed
    out = before.forward(x)
    np.testing.assert_array_equal(after.forward(x), out)
    dout = rng.standard_normal(out.shape)
    np.testing.assert_array_equal(after.backward(dout), before.backward(dout))
    for ours, theirs in zip(after.parameters(), before.parameters()):
        np.testing.assert_array_equal(ours.grad, theirs.grad)


def test_every_layer_and_loss_states_its_derivative_in_its_docstring():
    from backproplab.nn import LAYERS
    from backproplab.nn.losses import LOSSES

    for cls in [*LAYERS.values(), *LOSSES.values()]:
        if not cls.__module__.startswith("backproplab."):
            continue  # layers that tests define
        assert re.search(r"Backward|dL/d|d[A-Za-z]+\s*=", cls.__doc__ or ""), f"{cls.__name__} states no derivative"


def test_backward_without_the_input_gradient_gives_the_same_parameter_gradients(rng):
    model = Sequential(Tanh(), Linear(3, 4, rng=rng), Sigmoid(), Linear(4, 2, rng=rng))
    x, dout = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))

    def gradients(input_grad):
        model.zero_grad()
        model(x)
        returned = model.backward(dout, input_grad=input_grad)
        return returned, [p.grad.copy() for p in model.parameters()]

    dx, full = gradients(True)
    none, training = gradients(False)
    assert dx.shape == x.shape and none is None
    for a, b in zip(full, training):
        np.testing.assert_allclose(b, a, rtol=1e-12)
    model.layers[1] = Linear(3, 4, rng=rng)  # a new first layer with weights: the plan follows the layers
    model.layers.append(Sigmoid())
    dout = rng.standard_normal((5, 2))
    _, full = gradients(True)
    _, training = gradients(False)
    for a, b in zip(full, training):
        np.testing.assert_allclose(b, a, rtol=1e-12)


@pytest.mark.parametrize("held", [False, True], ids=["grad-attribute", "held-reference"])
def test_a_tied_weight_gets_the_gradient_of_both_its_uses(rng, held):
    """A decoder of your own that uses a Linear's W transposed (y = h W) adds its dW by hand,
    ``grad += h^T dy``, before the Linear's backward, through the attribute or through a reference
    it took once: the Linear adds to it, never writes over it, after every zero_grad."""
    from backproplab.nn import Module

    class TiedDecoder(Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder
            self.held_grad = encoder.weight.grad  # the same array, zeroed in place by zero_grad

        def parameters(self):
            return []

        def forward(self, h):
            self.h = h
            return h @ self.encoder.weight.data

        def backward(self, dout):
            if held:
                self.held_grad += self.h.T @ dout  # dW += h^T dy
            else:
                self.encoder.weight.grad += self.h.T @ dout
            return dout @ self.encoder.weight.data.T

    encoder = Linear(3, 2, rng=rng)
    decoder = TiedDecoder(encoder)

    def loss(W, x):  # 1/2 |(x W^T + b) W|^2
        return 0.5 * np.sum(((x @ W.T + encoder.bias.data) @ W) ** 2)

    for _ in range(2):  # the second after a zero_grad
        x = rng.normal(size=(4, 3))
        encoder.zero_grad()
        y = decoder.forward(encoder.forward(x))
        encoder.backward(decoder.backward(y))  # dL/dy = y
        W, eps, numeric = encoder.weight.data.copy(), 1e-6, np.zeros((2, 3))
        for i in np.ndindex(W.shape):
            step = np.zeros_like(W)
            step[i] = eps
            numeric[i] = (loss(W + step, x) - loss(W - step, x)) / (2 * eps)
        np.testing.assert_allclose(encoder.weight.grad, numeric, rtol=1e-6, atol=1e-8)
