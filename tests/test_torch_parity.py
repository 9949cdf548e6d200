"""Parity with PyTorch: the same network with the same weights in float64.

Every registered activation, loss, optimizer, schedule and layer is compared with
its PyTorch counterpart (``torch_pairs``): the names come from the registries, so
a new registration is tested, or fails the suite until it has a counterpart or a
stated reason for none. Skipped, with the reason, when PyTorch is not installed
(pip install -e ".[test]").
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed: pip install torch==2.13.0")

from torch_pairs import KINDS, NO_COUNTERPART, parity_names, registry, torch_counterpart, uncovered  # noqa: E402

from backproplab import nn as bnn  # noqa: E402
from backproplab.nn import Parameter  # noqa: E402

RTOL = 1e-10


def test_every_registered_name_has_a_counterpart_or_a_reason():
    for kind in KINDS:
        assert not uncovered(kind), (
            f"registered {kind}s with no PyTorch counterpart: {uncovered(kind)}; give each a class of the same name "
            f"in torch, an entry in torch_pairs.EXPLICIT, or a reason in torch_pairs.NO_COUNTERPART")
        for name, reason in NO_COUNTERPART[kind].items():
            assert name in registry(kind), f"NO_COUNTERPART lists {kind} {name!r}, which is not registered"
            assert reason.strip(), f"NO_COUNTERPART[{kind!r}][{name!r}] needs a reason"


def test_a_new_activation_without_a_counterpart_fails_the_coverage_check():
    class Swish:  # torch.nn has SiLU, not Swish: no counterpart by name
        pass

    bnn.ACTIVATIONS.register("throwaway_swish")(Swish)
    try:
        assert "throwaway_swish" in parity_names("activation")  # read from the registry when asked
        assert uncovered("activation") == ["throwaway_swish"]
        with pytest.raises(KeyError, match="no PyTorch counterpart"):
            torch_counterpart("activation", "throwaway_swish")
    finally:
        bnn.ACTIVATIONS.unregister("throwaway_swish")
    assert uncovered("activation") == []


def test_counterparts_are_the_classes_of_the_same_name():
    assert torch_counterpart("activation", "sigmoid") is torch.nn.Sigmoid
    assert torch_counterpart("layer", "Conv2d") is torch.nn.Conv2d
    assert torch_counterpart("loss", "bce") is torch.nn.BCELoss
    assert torch_counterpart("optimizer", "adam") is torch.optim.Adam
    assert torch_counterpart("schedule", "step") is torch.optim.lr_scheduler.StepLR


# --- networks: every activation with every loss, forward and every gradient ---------------------------

def _twin_networks(depth, activation, n_out, rng):
    """A backproplab Sequential and a torch one with identical float64 weights."""
    ours_act, torch_act = registry("activation")[activation], torch_counterpart("activation", activation)
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
    return ours, theirs


# How each loss is set up: its outputs, targets and the activation before it. A loss not
# listed gets one output and 0/1 targets.
LOSS_SETUP = {
    "bce": {"squash": "sigmoid"},
    "cross_entropy": {"classes": 3},
}


def _close(ours, theirs, rtol=RTOL, atol=1e-14):
    theirs = theirs.detach().numpy() if hasattr(theirs, "detach") else np.asarray(theirs)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


@pytest.mark.parametrize("loss_name", parity_names("loss"))
@pytest.mark.parametrize("activation", parity_names("activation"))
@pytest.mark.parametrize("depth", [1, 2, 3, 4])
@pytest.mark.parametrize("batch", [1, 17])
def test_forward_loss_and_every_gradient_match(loss_name, activation, depth, batch):
    rng = np.random.default_rng(depth * 100 + batch)
    setup = LOSS_SETUP.get(loss_name, {})
    classes = setup.get("classes")
    ours_layers, theirs_layers = _twin_networks(depth, activation, classes or 1, rng)
    if setup.get("squash"):
        ours_layers.append(registry("activation")[setup["squash"]]())
        theirs_layers.append(torch_counterpart("activation", setup["squash"])())
    ours, theirs = bnn.Sequential(ours_layers), torch.nn.Sequential(*theirs_layers)
    x = rng.standard_normal((batch, 3))
    if classes:
        y = rng.integers(0, classes, batch)
        y_torch = torch.from_numpy(y)
    else:
        y = rng.integers(0, 2, batch).astype(np.float64)
        y_torch = torch.from_numpy(y.reshape(-1, 1))
    x_torch = torch.from_numpy(x).requires_grad_(True)

    out = ours(x)
    loss_fn = registry("loss")[loss_name]()
    loss = loss_fn(out, y)
    dx = ours.backward(loss_fn.backward())
    out_t = theirs(x_torch)
    loss_t = torch_counterpart("loss", loss_name)()(out_t, y_torch)
    loss_t.backward()

    _close(out, out_t)
    _close(loss, loss_t)
    _close(dx, x_torch.grad)
    torch_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        _close(p.grad, torch_params[name].grad)


@pytest.mark.parametrize("loss_name", parity_names("loss"))
def test_every_loss_summed_over_the_batch_matches(loss_name):
    """reduction='sum', PyTorch's name: loss and gradient, without the division by the batch."""
    rng = np.random.default_rng(7)
    classes = LOSS_SETUP.get(loss_name, {}).get("classes")
    if classes:
        out, y = rng.standard_normal((9, classes)), rng.integers(0, classes, 9)
        y_torch = torch.from_numpy(y)
    else:
        out, y = rng.uniform(0.05, 0.95, (9, 1)), rng.integers(0, 2, 9).astype(np.float64)
        y_torch = torch.from_numpy(y.reshape(-1, 1))
    loss_fn = registry("loss")[loss_name](reduction="sum")
    loss, grad = loss_fn(out, y), loss_fn.backward()
    out_t = torch.from_numpy(out).requires_grad_(True)
    loss_t = torch_counterpart("loss", loss_name)(reduction="sum")(out_t, y_torch)
    loss_t.backward()
    _close(loss, loss_t)
    _close(grad, out_t.grad)


def test_layers_without_biases_match():
    """Linear(..., bias=False) against torch.nn.Linear(..., bias=False): output, input and weight gradients."""
    rng = np.random.default_rng(3)
    ours = bnn.Sequential(bnn.Linear(3, 4, False, rng=rng), bnn.Sigmoid(), bnn.Linear(4, 1, False, rng=rng))
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4, bias=False), torch.nn.Sigmoid(),
                                 torch.nn.Linear(4, 1, bias=False)).double()
    with torch.no_grad():
        theirs[0].weight.copy_(torch.from_numpy(ours[0].weight.data))
        theirs[2].weight.copy_(torch.from_numpy(ours[2].weight.data))
    x = rng.standard_normal((5, 3))
    x_torch = torch.from_numpy(x).requires_grad_(True)
    out, out_t = ours(x), theirs(x_torch)
    dx = ours.backward(np.ones_like(out))
    out_t.sum().backward()
    assert ours[0].bias is None and len(ours.parameters()) == 2
    _close(out, out_t)
    _close(dx, x_torch.grad)
    _close(ours[0].weight.grad, theirs[0].weight.grad)
    _close(ours[2].weight.grad, theirs[2].weight.grad)


# --- BCELoss at saturated outputs: the float32 floor of p(1 - p), as PyTorch ---------------------------

SATURATED = np.array([0.0, 1.0, 1e-15, 1 - 1e-15, 1 / (1 + np.exp(40.0)), 1 / (1 + np.exp(-40.0)), 0.3, 0.9])


@pytest.mark.parametrize("target", [0.0, 1.0])
def test_bce_on_saturated_probabilities_matches(target):
    p = SATURATED.reshape(-1, 1)
    y = np.full_like(p, target)
    loss_fn = bnn.BCELoss()
    loss = loss_fn(p, y)
    grad = loss_fn.backward()
    p_t = torch.from_numpy(p.copy()).requires_grad_(True)
    loss_t = torch.nn.BCELoss()(p_t, torch.from_numpy(y))
    loss_t.backward()
    _close(loss, loss_t, atol=0)
    _close(grad, p_t.grad, atol=0)
    assert np.abs(grad).max() > 1e10  # the floor was reached: 1 / 1e-12 over the batch


def test_bce_after_a_sigmoid_of_logits_forty_matches():
    logits = np.array([[-40.0], [40.0], [-30.0], [30.0], [-28.0], [28.0], [-1.0], [2.0]])
    y = np.array([[1.0], [0.0], [1.0], [0.0], [0.0], [1.0], [1.0], [0.0]])
    sigmoid, loss_fn = bnn.Sigmoid(), bnn.BCELoss()
    loss = loss_fn(sigmoid(logits), y)
    dlogits = sigmoid.backward(loss_fn.backward())
    z_t = torch.from_numpy(logits.copy()).requires_grad_(True)
    loss_t = torch.nn.BCELoss()(torch.sigmoid(z_t), torch.from_numpy(y))
    loss_t.backward()
    _close(loss, loss_t, atol=0)
    _close(dlogits, z_t.grad, atol=0)


def _floored(model, X):
    """Samples whose output p has 0 < p(1 - p) < 1e-12: where BCELoss's floor sets the gradient."""
    p = model.forward(X).ravel()
    q = p * (1 - p)
    return int(np.count_nonzero((q > 0) & (q < 1e-12)))


@pytest.mark.slow
def test_fifty_sgd_steps_of_a_saturated_network_match():
    """Logits near -32, mostly labelled 1: p(1 - p) is below the floor for every sample, so the
    floor's value sets every gradient (a float64 1e-12 would be 4e-9 off, relative)."""
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (16, 2))
    y = np.ones((16, 1))
    y[::4] = 0.0
    ours = bnn.Sequential(bnn.Linear(2, 6, rng=rng), bnn.Tanh(), bnn.Linear(6, 1, rng=rng), bnn.Sigmoid())
    ours.layers[2].bias.data[...] = -32.0
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 6), torch.nn.Tanh(), torch.nn.Linear(6, 1),
                                 torch.nn.Sigmoid()).double()
    theirs_state = theirs.state_dict()
    with torch.no_grad():
        for name, value in ours.state_dict().items():
            theirs_state[name].copy_(torch.from_numpy(value))
    assert _floored(ours, X) == len(X)
    opt, opt_t = registry("optimizer")["sgd"](ours.parameters(), lr=0.5), torch.optim.SGD(theirs.parameters(), lr=0.5)
    loss_fn, loss_fn_t = bnn.BCELoss(), torch.nn.BCELoss()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    theirs_params = dict(theirs.named_parameters())
    for _ in range(50):
        opt.zero_grad()
        loss = loss_fn(ours.forward(X), y)
        ours.backward(loss_fn.backward())
        opt_t.zero_grad()
        loss_t = loss_fn_t(theirs(X_t), y_t)
        loss_t.backward()
        _close(loss, loss_t, atol=0)
        for name, p in ours.named_parameters():
            _close(p.grad, theirs_params[name].grad, atol=0)
        opt.step()
        opt_t.step()
    assert _floored(ours, X) == len(X)  # still saturated at the end
    theirs_state = theirs.state_dict()
    for name, value in ours.state_dict().items():
        _close(value, theirs_state[name], atol=0)


# --- optimizers and schedules: one hundred steps on the same objective ----------------------------------

def _objective_grad(w, target):
    # Gradient of sum(sin(w) * target + w^2 / 2): not a plain quadratic, so state matters.
    return np.cos(w) * target + w


# The settings each optimizer is run with (the same keyword arguments for both libraries);
# an optimizer not listed runs with lr 0.01 and its defaults.
OPTIMIZER_SETTINGS = {
    "sgd": [{"lr": 0.05}, {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.01}],
    "momentum": [{"lr": 0.05, "dampening": 0.1}],
    "nesterov": [{"lr": 0.05}],
    "adagrad": [{"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.01, "initial_accumulator_value": 0.1}],
    "rmsprop": [{"lr": 0.01}, {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.01}],
    "adam": [{"lr": 0.01}, {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}],
    "adamw": [{"lr": 0.01}],
}
OPTIMIZER_CASES = [(name, settings) for name in parity_names("optimizer")
                   for settings in OPTIMIZER_SETTINGS.get(name, [{"lr": 0.01}])]

# The settings each schedule is run with; a schedule not listed runs with its defaults.
SCHEDULE_SETTINGS = {
    "step": {"step_size": 10, "gamma": 0.7},
    "exponential": {"gamma": 0.98},
    "cosine": {"T_max": 30, "eta_min": 0.001},
    "plateau": {"factor": 0.5, "patience": 3},
    "onecycle": {"total_steps": 120, "pct_start": 0.25},
}


def _case_id(case):
    name, settings = case
    return name + "".join(f"-{k}={v}" for k, v in settings.items() if k != "lr")


@pytest.mark.parametrize("schedule", [None] + parity_names("schedule"), ids=lambda s: s or "none")
@pytest.mark.parametrize("case", OPTIMIZER_CASES, ids=_case_id)
def test_one_hundred_steps_match(case, schedule):
    optimizer, settings = case
    rng = np.random.default_rng(7)
    w0 = [rng.standard_normal((4, 3)), rng.standard_normal(3)]
    targets = [rng.standard_normal((4, 3)), rng.standard_normal(3)]
    ours = [Parameter(w.copy()) for w in w0]
    theirs = [torch.tensor(w.copy(), requires_grad=True) for w in w0]
    opt = registry("optimizer")[optimizer](ours, **settings)
    opt_t = torch_counterpart("optimizer", optimizer)(theirs, **settings)
    sched = sched_t = None
    if schedule is not None:
        options = SCHEDULE_SETTINGS.get(schedule, {})
        sched = registry("schedule")[schedule](opt, **options)
        sched_t = torch_counterpart("schedule", schedule)(opt_t, **options)
    for step in range(100):
        for p, p_t, target in zip(ours, theirs, targets):
            p.grad = _objective_grad(p.data, target)
            p_t.grad = torch.from_numpy(_objective_grad(p_t.detach().numpy().copy(), target))
        opt.step()
        opt_t.step()
        if sched is not None:
            # A metric that plateaus, so ReduceLROnPlateau has something to do.
            metric = 1.0 / (1 + step) if step < 20 else 0.05
            sched.step(metric)
            if isinstance(sched_t, torch.optim.lr_scheduler.ReduceLROnPlateau):
                sched_t.step(metric)
            else:
                sched_t.step()
    for p, p_t in zip(ours, theirs):
        np.testing.assert_allclose(p.data, p_t.detach().numpy(), rtol=1e-9, atol=1e-12)
    assert opt.lr == pytest.approx(opt_t.param_groups[0]["lr"], rel=1e-12)


# --- every layer: forward, input gradient, parameter gradients and buffers ------------------------------

def _sequential(of):
    return of("Sequential")(of("Linear")(3, 4), of("Tanh")(), of("Linear")(4, 2), of("Softmax")())


# Layers compared in eval mode: Dropout's masks come from different generators (test_torch_parity_images
# compares its training rule).
EVAL_ONLY = {"Dropout"}


@pytest.mark.parametrize("name", parity_names("layer"))
def test_every_layer_matches(name):
    rng = np.random.default_rng(sum(map(ord, name)))
    if name == "Sequential":  # a container: built of other layers, the same on both sides
        shape = (5, 3)
        ours = _sequential(lambda n: registry("layer")[n])
        theirs = _sequential(lambda n: torch_counterpart("layer", n)).double()
    else:  # the layer's own example (Module.example), and PyTorch's class given the same arguments
        cls = registry("layer")[name]
        shape = cls.example_input_shape
        ours = cls.example()
        theirs = torch_counterpart("layer", name)(*cls.example_arguments).double()
    for p in ours.parameters():
        p.data[...] = rng.standard_normal(p.data.shape)
    theirs_state = theirs.state_dict()
    with torch.no_grad():
        for key, value in ours.state_dict().items():  # same names as torch's, e.g. "0.weight"
            theirs_state[key].copy_(torch.from_numpy(value))
    if name in EVAL_ONLY:
        ours.eval()
        theirs.eval()
    x = rng.standard_normal(shape)
    x_t = torch.from_numpy(x.copy()).requires_grad_(True)
    out, out_t = ours.forward(x), theirs(x_t)
    _close(out, out_t, atol=1e-12)
    dout = rng.standard_normal(out.shape)
    dx = ours.backward(dout)
    out_t.backward(torch.from_numpy(dout))
    _close(dx, x_t.grad, atol=1e-12)
    torch_params = dict(theirs.named_parameters())
    assert sorted(torch_params) == sorted(n for n, _ in ours.named_parameters())
    for key, p in ours.named_parameters():
        _close(p.grad, torch_params[key].grad, atol=1e-12)
    theirs_state = theirs.state_dict()
    for key, value in ours.state_dict().items():  # running statistics after the step
        _close(value, theirs_state[key], atol=1e-12)
