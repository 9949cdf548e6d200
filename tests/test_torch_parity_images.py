"""Parity with PyTorch for the image layers: forward, every gradient and the running statistics.

Skipped, with the reason, when PyTorch is not installed (pip install -e ".[test]").
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed: pip install torch==2.13.0")

from torch_pairs import registry, torch_counterpart  # noqa: E402

from backproplab import nn as bnn  # noqa: E402
from backproplab import optim as boptim  # noqa: E402

RTOL = 1e-10


def _close(ours, theirs, rtol=RTOL):
    np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=rtol, atol=1e-12)


def _run_both(ours, theirs, x, rng):
    """Forward both on x, backward a random upstream gradient; return (dx ours, x torch)."""
    x_torch = torch.from_numpy(x).requires_grad_(True)
    out, out_torch = ours.forward(x), theirs(x_torch)
    _close(out, out_torch)
    dout = rng.standard_normal(out.shape)
    dx = ours.backward(dout)
    out_torch.backward(torch.from_numpy(dout))
    _close(dx, x_torch.grad)


@pytest.mark.parametrize("c_in, c_out, kernel, stride, padding", [
    (1, 4, 3, 1, 0), (3, 5, 3, 2, 1), (2, 3, (2, 3), (2, 1), (0, 1)), (4, 2, 1, 1, 0), (2, 2, 5, 1, 2),
])
def test_conv2d(c_in, c_out, kernel, stride, padding):
    rng = np.random.default_rng(c_in * 10 + c_out)
    ours = bnn.Conv2d(c_in, c_out, kernel, stride, padding, rng=rng)
    ours.bias.data[...] = rng.standard_normal(c_out)
    theirs = torch.nn.Conv2d(c_in, c_out, kernel, stride, padding).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weight.data))
        theirs.bias.copy_(torch.from_numpy(ours.bias.data))
    _run_both(ours, theirs, rng.standard_normal((3, c_in, 9, 8)), rng)
    _close(ours.weight.grad, theirs.weight.grad)
    _close(ours.bias.grad, theirs.bias.grad)


@pytest.mark.parametrize("name", ["MaxPool2d", "AvgPool2d"])
@pytest.mark.parametrize("kernel, stride, padding", [(2, None, 0), (3, 2, 1), (3, 1, 0), ((2, 3), (1, 2), (1, 1))])
def test_pooling(name, kernel, stride, padding):
    rng = np.random.default_rng(7)
    ours = registry("layer")[name](kernel, stride, padding)
    theirs = torch_counterpart("layer", name)(kernel, stride, padding)
    _run_both(ours, theirs, rng.standard_normal((2, 3, 9, 8)), rng)


def test_max_pool_ties_send_the_gradient_to_one_input_like_pytorch():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, (2, 2, 6, 6)).astype(np.float64)  # many equal maxima
    _run_both(bnn.MaxPool2d(2), torch.nn.MaxPool2d(2), x, rng)


def test_flatten():
    rng = np.random.default_rng(1)
    _run_both(bnn.Flatten(), torch.nn.Flatten(), rng.standard_normal((2, 3, 4, 5)), rng)


@pytest.mark.parametrize("dims", [1, 2])
def test_batch_norm_training_steps_then_eval(dims):
    rng = np.random.default_rng(dims)
    shape = (8, 4) if dims == 1 else (5, 4, 3, 6)
    name = f"BatchNorm{dims}d"
    ours = registry("layer")[name](4, momentum=0.2)
    theirs = torch_counterpart("layer", name)(4, momentum=0.2).double()
    ours.weight.data[...] = rng.uniform(0.5, 1.5, 4)
    ours.bias.data[...] = rng.standard_normal(4)
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weight.data))
        theirs.bias.copy_(torch.from_numpy(ours.bias.data))
    for _ in range(3):
        ours.zero_grad()
        theirs.zero_grad()
        _run_both(ours, theirs, rng.standard_normal(shape) * 3 + 1, rng)
        _close(ours.weight.grad, theirs.weight.grad)
        _close(ours.bias.grad, theirs.bias.grad)
    _close(ours.running_mean, theirs.running_mean)
    _close(ours.running_var, theirs.running_var)
    ours.eval()
    theirs.eval()
    _run_both(ours, theirs, rng.standard_normal(shape), rng)


def test_dropout_follows_pytorchs_rule():
    """Masks come from different generators, so compare the rule, not the draws."""
    p, x = 0.3, np.random.default_rng(2).uniform(1, 2, (200, 50))
    ours = bnn.Dropout(p, rng=0)
    out = ours.forward(x)
    theirs = torch.nn.functional.dropout(torch.from_numpy(x), p, training=True).numpy()
    for result in (out, theirs):
        kept = result != 0
        np.testing.assert_allclose(result[kept], x[kept] / (1 - p), rtol=1e-12)
        assert abs(kept.mean() - (1 - p)) < 0.01
    dout = np.ones_like(x)
    np.testing.assert_array_equal(ours.backward(dout) != 0, out != 0)
    np.testing.assert_array_equal(ours.eval().forward(x), x)


def _twin_cnn(rng):
    ours = bnn.Sequential(
        bnn.Conv2d(1, 4, 3, padding=1, rng=rng), bnn.ReLU(), bnn.BatchNorm2d(4), bnn.MaxPool2d(2),
        bnn.Conv2d(4, 6, 3, rng=rng), bnn.ReLU(), bnn.AvgPool2d(2), bnn.Flatten(),
        bnn.Linear(24, 10, rng=rng), bnn.Tanh(), bnn.Linear(10, 3, rng=rng),
    )
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.BatchNorm2d(4), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(4, 6, 3), torch.nn.ReLU(), torch.nn.AvgPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(24, 10), torch.nn.Tanh(), torch.nn.Linear(10, 3),
    ).double()
    theirs_state = theirs.state_dict()
    with torch.no_grad():
        for name, value in ours.state_dict().items():  # same names, e.g. "2.running_mean"
            theirs_state[name].copy_(torch.from_numpy(value))
    return ours, theirs


def test_cnn_trained_for_twenty_adam_steps_stays_identical():
    rng = np.random.default_rng(3)
    ours, theirs = _twin_cnn(rng)
    ours_opt = boptim.Adam(ours.parameters(), lr=0.01)
    theirs_opt = torch.optim.Adam(theirs.parameters(), lr=0.01)
    loss_ours, loss_theirs = bnn.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    for _ in range(20):
        x, y = rng.standard_normal((6, 1, 12, 12)), rng.integers(0, 3, 6)
        ours_opt.zero_grad()
        value = loss_ours.forward(ours.forward(x), y)
        ours.backward(loss_ours.backward())
        ours_opt.step()
        theirs_opt.zero_grad()
        value_torch = loss_theirs(theirs(torch.from_numpy(x)), torch.from_numpy(y))
        value_torch.backward()
        theirs_opt.step()
        np.testing.assert_allclose(value, value_torch.item(), rtol=1e-9)
    theirs_state = theirs.state_dict()
    for name, value in ours.state_dict().items():
        _close(value, theirs_state[name], rtol=1e-8)
