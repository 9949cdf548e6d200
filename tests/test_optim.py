"""Each optimizer's first two steps restated from its formula, and each lowers a quadratic."""

import math

import numpy as np
import pytest

from backproplab import ConfigError
from backproplab.nn import Parameter
from backproplab.optim import OPTIMIZERS, SGD, Adagrad, Adam, AdamW, RMSprop, get_optimizer

W0 = np.array([1.0, -2.0, 0.5])
G1 = np.array([0.3, -0.1, 0.2])
G2 = np.array([-0.2, 0.4, 0.1])


def two_steps(make):
    p = Parameter(W0.copy())
    opt = make([p])
    for g in (G1, G2):
        p.grad = g.copy()
        opt.step()
    return p.data


def test_sgd_with_momentum_and_weight_decay():
    lr, mu, wd = 0.1, 0.9, 0.01
    g1 = G1 + wd * W0
    b = g1
    w1 = W0 - lr * b
    g2 = G2 + wd * w1
    b = mu * b + g2
    w2 = w1 - lr * b
    np.testing.assert_allclose(two_steps(lambda p: SGD(p, lr=lr, momentum=mu, weight_decay=wd)), w2, rtol=1e-14)


def test_nesterov():
    lr, mu = 0.1, 0.9
    b = G1
    w1 = W0 - lr * (G1 + mu * b)
    b = mu * b + G2
    w2 = w1 - lr * (G2 + mu * b)
    np.testing.assert_allclose(two_steps(lambda p: SGD(p, lr=lr, momentum=mu, nesterov=True)), w2, rtol=1e-14)


def test_adagrad():
    lr, eps = 0.1, 1e-10
    s = G1**2
    w1 = W0 - lr * G1 / (np.sqrt(s) + eps)
    s = s + G2**2
    w2 = w1 - lr * G2 / (np.sqrt(s) + eps)
    np.testing.assert_allclose(two_steps(lambda p: Adagrad(p, lr=lr)), w2, rtol=1e-14)


def test_rmsprop():
    lr, a, eps = 0.01, 0.99, 1e-8
    v = (1 - a) * G1**2
    w1 = W0 - lr * G1 / (np.sqrt(v) + eps)
    v = a * v + (1 - a) * G2**2
    w2 = w1 - lr * G2 / (np.sqrt(v) + eps)
    np.testing.assert_allclose(two_steps(lambda p: RMSprop(p, lr=lr)), w2, rtol=1e-14)


def _adam_reference(decoupled_wd=0.0, l2=0.0):
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    w, m, v = W0.copy(), 0.0, 0.0
    for t, g in enumerate((G1, G2), start=1):
        w = w * (1 - lr * decoupled_wd)
        g = g + l2 * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w


def test_adam_and_adamw():
    np.testing.assert_allclose(two_steps(lambda p: Adam(p, lr=0.01)), _adam_reference(), rtol=1e-13)
    np.testing.assert_allclose(two_steps(lambda p: Adam(p, lr=0.01, weight_decay=0.1)),
                               _adam_reference(l2=0.1), rtol=1e-13)
    np.testing.assert_allclose(two_steps(lambda p: AdamW(p, lr=0.01, weight_decay=0.1)),
                               _adam_reference(decoupled_wd=0.1), rtol=1e-13)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_lowers_a_quadratic(name):
    # f(w) = 0.5 * sum(a * w^2), minimum 0 at w = 0.
    a = np.array([1.0, 4.0, 0.5])
    p = Parameter(np.array([2.0, -1.0, 3.0]))
    opt = get_optimizer(name, [p], lr=0.5 if name == "adagrad" else 0.05)
    start = 0.5 * np.sum(a * p.data**2)
    for _ in range(300):
        opt.zero_grad()
        p.grad = a * p.data
        opt.step()
    assert 0.5 * np.sum(a * p.data**2) < 0.01 * start


@pytest.mark.parametrize("lr", [0, -0.1, math.nan, math.inf])
def test_bad_learning_rates_are_rejected(lr):
    with pytest.raises(ConfigError, match="lr must be"):
        SGD([Parameter(np.zeros(2))], lr=lr)


def test_nesterov_without_momentum_is_rejected():
    with pytest.raises(ConfigError, match="Nesterov momentum needs momentum > 0"):
        SGD([Parameter(np.zeros(2))], lr=0.1, nesterov=True)


def test_unknown_optimizer_suggests_a_name():
    with pytest.raises(ConfigError, match="did you mean 'adam'"):
        get_optimizer("adm", [Parameter(np.zeros(2))])


def test_empty_parameter_list_is_rejected():
    with pytest.raises(ConfigError, match="empty parameter list"):
        Adam([])


def _trained(name, packed, steps=5, **kwargs):
    """A small network trained for a few steps, its parameters packed in one array (as
    Sequential does) or left as separate arrays."""
    from backproplab.nn import Linear, Sigmoid, Sequential

    layers = [Linear(2, 4, rng=1), Sigmoid(), Linear(4, 1, rng=2)]
    model = Sequential(layers)
    params = model.parameters()
    if not packed:
        for p in params:
            p.data = p.data.copy()  # each its own array
    opt = get_optimizer(name, params, lr=0.05, **kwargs)
    assert (opt._flat is not None) == packed
    x = np.random.default_rng(0).standard_normal((8, 2))
    for _ in range(steps):
        opt.zero_grad()
        model.backward(model.forward(x) - 0.5)
        opt.step()
    return [p.data.copy() for p in params], opt


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_packed_and_per_parameter_updates_agree(name):
    packed, _ = _trained(name, packed=True)
    separate, _ = _trained(name, packed=False)
    for a, b in zip(packed, separate):
        np.testing.assert_array_equal(a, b)


def test_parameter_references_stay_valid_through_training():
    from backproplab.nn import Linear, Sequential

    model = Sequential(Linear(3, 2, rng=0))
    weight = model[0].weight
    data = weight.data
    opt = Adam(model.parameters(), lr=0.1)
    weight.grad[...] = 1.0
    opt.step()
    assert weight.data is data and model.parameters()[0] is weight
    assert np.all(data != Sequential(Linear(3, 2, rng=0))[0].weight.data)  # the update landed in it


def test_state_dict_has_pytorch_names_and_round_trips():
    _, opt = _trained("adam", packed=True, amsgrad=True)
    state = opt.state_dict()
    assert set(state) == {"state", "param_groups"}
    assert state["param_groups"][0]["params"] == [0, 1, 2, 3]
    assert state["param_groups"][0]["betas"] == (0.9, 0.999)
    assert set(state["state"][0]) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
    assert state["state"][0]["step"] == 5 and state["state"][0]["exp_avg"].shape == (4, 2)
    _, fresh = _trained("adam", packed=True, steps=0, amsgrad=True)
    assert fresh.state_dict()["state"] == {}
    fresh.load_state_dict(state)
    again = fresh.state_dict()
    for i, entry in state["state"].items():
        for key, value in entry.items():
            np.testing.assert_array_equal(again["state"][i][key], value)
    with pytest.raises(ConfigError, match="optimizer state"):
        fresh.load_state_dict({"state": {}})


@pytest.mark.parametrize("name, names", [("sgd", set()), ("momentum", {"momentum_buffer"}),
                                         ("adagrad", {"sum"}), ("rmsprop", {"square_avg"}),
                                         ("adam", {"exp_avg", "exp_avg_sq"})])
def test_state_names_are_pytorchs(name, names):
    _, opt = _trained(name, packed=True, steps=1)
    assert set(opt.state_dict()["state"][0]) == {"step"} | names


def test_adam_state_is_the_textbook_moments():
    p = Parameter(W0.copy())
    opt = Adam([p], lr=0.01)
    for g in (G1, G2):
        p.grad = g.copy()
        opt.step()
    m = 0.9 * (0.1 * G1) + 0.1 * G2
    v = 0.999 * (0.001 * G1**2) + 0.001 * G2**2
    np.testing.assert_allclose(opt.state[0]["exp_avg"], m, rtol=1e-14)
    np.testing.assert_allclose(opt.state[0]["exp_avg_sq"], v, rtol=1e-14)
