"""Parity with PyTorch: the same network with the same weights in float64.

Skipped, with the reason, when PyTorch is not installed (pip install -e ".[test]").
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed: pip install torch==2.13.0")

from backproplab import nn as bnn  # noqa: E402
from backproplab import optim as boptim  # noqa: E402
from backproplab.nn import Parameter  # noqa: E402

RTOL = 1e-10

ACTIVATION_PAIRS = {
    "sigmoid": (bnn.Sigmoid, torch.nn.Sigmoid),
    "tanh": (bnn.Tanh, torch.nn.Tanh),
    "relu": (bnn.ReLU, torch.nn.ReLU),
    "leaky_relu": (bnn.LeakyReLU, torch.nn.LeakyReLU),
    "identity": (bnn.Identity, torch.nn.Identity),
    "softmax": (bnn.Softmax, lambda: torch.nn.Softmax(dim=-1)),
}


def _twin_networks(depth, activation, n_out, rng):
    """A backproplab Sequential and a torch one with identical float64 weights."""
    ours_act, torch_act = ACTIVATION_PAIRS[activation]
    widths = [3] + [5] * (depth - 1) + [n_out]
    ours, theirs = [], []
    for i in range(depth):
        layer = bnn.Linear(widths[i], widths[i + 1], rng=rng)
        layer.bias.data[...] = rng.uniform(-0.5, 0.5, layer.bias.shape)
        twin = torch.nn.Linear(widths[i], widths[i + 1]).double()
        with torch.no_grad():
            twin.weight.copy_(torch.from_numpy(layer.weight.data))
            twin.bias.copy_(torch.from_numpy(layer.bias.data))
        ours.append(layer)
        theirs.append(twin)
        if i < depth - 1:
            ours.append(ours_act())
            theirs.append(torch_act())
    return bnn.Sequential(ours), torch.nn.Sequential(*theirs)


LOSS_CASES = {
    "mse": (bnn.MSELoss, torch.nn.MSELoss, None),
    "bce": (bnn.BCELoss, torch.nn.BCELoss, "sigmoid"),
    "bce_logits": (bnn.BCEWithLogitsLoss, torch.nn.BCEWithLogitsLoss, None),
    "cross_entropy": (bnn.CrossEntropyLoss, torch.nn.CrossEntropyLoss, None),
}


def _close(ours, theirs):
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=1e-14)


@pytest.mark.parametrize("loss_name", sorted(LOSS_CASES))
@pytest.mark.parametrize("activation", sorted(ACTIVATION_PAIRS))
@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("batch", [1, 17])
def test_forward_loss_and_every_gradient_match(loss_name, activation, depth, batch):
    rng = np.random.default_rng(depth * 100 + batch)
    ours_loss_cls, torch_loss_cls, squash = LOSS_CASES[loss_name]
    n_out = 3 if loss_name == "cross_entropy" else 1
    ours, theirs = _twin_networks(depth, activation, n_out, rng)
    if squash:
        ours.layers.append(bnn.Sigmoid())
        theirs.append(torch.nn.Sigmoid())
    x = rng.standard_normal((batch, 3))
    if loss_name == "cross_entropy":
        y = rng.integers(0, 3, batch)
        y_torch = torch.from_numpy(y)
    else:
        y = rng.integers(0, 2, batch).astype(np.float64)
        y_torch = torch.from_numpy(y.reshape(-1, 1))
    x_torch = torch.from_numpy(x).requires_grad_(True)

    out = ours(x)
    loss_fn = ours_loss_cls()
    loss = loss_fn(out, y)
    dx = ours.backward(loss_fn.backward())
    out_t = theirs(x_torch)
    loss_t = torch_loss_cls()(out_t, y_torch)
    loss_t.backward()

    _close(out, out_t)
    _close(loss, loss_t)
    _close(dx, x_torch.grad)
    torch_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        _close(p.grad, torch_params[name].grad)


def _objective_grad(w, target):
    # Gradient of sum(sin(w) * target + w^2 / 2): not a plain quadratic, so state matters.
    return np.cos(w) * target + w


OPTIMIZER_CASES = {
    "sgd": (lambda p: boptim.SGD(p, lr=0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
    "momentum": (lambda p: boptim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1),
                 lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1)),
    "nesterov": (lambda p: boptim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
                 lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
    "sgd_weight_decay": (lambda p: boptim.SGD(p, lr=0.05, momentum=0.5, weight_decay=0.01),
                         lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.5, weight_decay=0.01)),
    "adagrad": (lambda p: boptim.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1),
                lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.01, initial_accumulator_value=0.1)),
    "rmsprop": (lambda p: boptim.RMSprop(p, lr=0.01), lambda p: torch.optim.RMSprop(p, lr=0.01)),
    "rmsprop_centered_momentum": (
        lambda p: boptim.RMSprop(p, lr=0.01, momentum=0.5, centered=True, weight_decay=0.01),
        lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5, centered=True, weight_decay=0.01)),
    "adam": (lambda p: boptim.Adam(p, lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
    "adam_l2_amsgrad": (lambda p: boptim.Adam(p, lr=0.01, weight_decay=0.1, amsgrad=True),
                        lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=0.1, amsgrad=True)),
    "adamw": (lambda p: boptim.AdamW(p, lr=0.01), lambda p: torch.optim.AdamW(p, lr=0.01)),
}

SCHEDULE_CASES = {
    "none": (None, None),
    "step": (lambda o: boptim.StepLR(o, step_size=10, gamma=0.7),
             lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=10, gamma=0.7)),
    "exponential": (lambda o: boptim.ExponentialLR(o, gamma=0.98),
                    lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.98)),
    "cosine": (lambda o: boptim.CosineAnnealingLR(o, T_max=30, eta_min=0.001),
               lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=30, eta_min=0.001)),
    "plateau": (lambda o: boptim.ReduceLROnPlateau(o, factor=0.5, patience=3),
                lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, factor=0.5, patience=3)),
}


@pytest.mark.parametrize("schedule", sorted(SCHEDULE_CASES))
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZER_CASES))
def test_one_hundred_steps_match(optimizer, schedule):
    rng = np.random.default_rng(7)
    w0 = [rng.standard_normal((4, 3)), rng.standard_normal(3)]
    targets = [rng.standard_normal((4, 3)), rng.standard_normal(3)]
    ours = [Parameter(w.copy()) for w in w0]
    theirs = [torch.tensor(w.copy(), requires_grad=True) for w in w0]
    make_ours, make_theirs = OPTIMIZER_CASES[optimizer]
    opt, opt_t = make_ours(ours), make_theirs(theirs)
    make_sched, make_sched_t = SCHEDULE_CASES[schedule]
    sched = make_sched(opt) if make_sched else None
    sched_t = make_sched_t(opt_t) if make_sched_t else None
    for step in range(100):
        for p, p_t, target in zip(ours, theirs, targets):
            p.grad[...] = _objective_grad(p.data, target)
            p_t.grad = torch.from_numpy(_objective_grad(p_t.detach().numpy().copy(), target))
        opt.step()
        opt_t.step()
        if sched is not None:
            # A metric that plateaus, so ReduceLROnPlateau has something to do.
            metric = 1.0 / (1 + step) if step < 20 else 0.05
            sched.step(metric)
            sched_t.step(metric) if schedule == "plateau" else sched_t.step()
    for p, p_t in zip(ours, theirs):
        np.testing.assert_allclose(p.data, p_t.detach().numpy(), rtol=1e-9, atol=1e-12)
    assert opt.lr == pytest.approx(opt_t.param_groups[0]["lr"], rel=1e-12)
