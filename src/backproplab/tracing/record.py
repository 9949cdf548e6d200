"""Trace one sample through a network: every forward value, every gradient, one update, checked.

The numbers are the engine's own: each layer's ``forward`` and ``backward``,
the loss's, and the optimizer's ``step``, run on a float64 copy of the model
(and of the optimizer with its state), so the user's model is left as it was.
Every gradient is then compared with central differences.
"""

import copy

import numpy as np

from ..errors import ConfigError
from ..gradcheck import EPS, RTOL, agreement, computation_scale, numeric_rounding, relative_error
from ..nn import LOSSES, Sequential, get_loss
from ..nn.losses import Loss
from ..optim import OPTIMIZERS
from ..optim.optimizer import Optimizer
from ..rng import as_generator
from ..validation import check_int, check_number
from .notation import derivative_formula, is_activation, layer_symbols, loss_formulas, optimizer_formula

H = 1e-6  # central-difference step: its rounding error, numeric_rounding, is about 1e-10 per unit of S


def record_trace(model, x, y, loss, optimizer=None, *, check_entries=64, seed=0, update_notes=()):
    """One sample's forward pass, loss, backward pass and (with ``optimizer``) update, as a dict of arrays.

    Parameters
    ----------
    model : Module
        Usually a Sequential; traced on a float64 copy, so it is not changed.
    x : array
        One sample, without a batch axis (e.g. ``[0.3, 0.7]``).
    y : class label or target of that sample.
    loss : a Loss or a registered loss name (``"bce"``).
    optimizer : an Optimizer of ``model``'s parameters (its state is used, on a copy), a
        registered optimizer name (built with its defaults), or None for no update.
    check_entries : int
        Arrays with more entries are checked against central differences on this
        many entries drawn with ``seed``; smaller ones on every entry.
    update_notes : lines said with the update, e.g. why the optimizer's state is fresh.
    """
    check_entries = check_int("check_entries", check_entries, 1)
    net, opt = _copies(model, optimizer)
    loss_fn = _loss(loss)
    x = _sample(x)
    layers = net.layers if isinstance(net, Sequential) else [net]
    _set_modes(net)
    rngs = _frozen_rngs(net)
    values = _forward(layers, x, rngs)
    target = np.asarray(y)[None]  # the batch of one
    try:
        loss_value = loss_fn.forward(values[-1], target)
    except ValueError as e:
        given = np.asarray(y).reshape(-1).tolist()
        shown = given[0] if len(given) == 1 else "(" + ", ".join(map(str, given)) + ")"
        size = values[-1][0].size
        raise ConfigError(f"y = {shown} does not fit the network's output of {size} value{'s' * (size != 1)}: "
                          f"{e}") from None
    grads = _backward(layers, loss_fn)
    scale = computation_scale(loss_value, values[-1], values[1:], grads[1:])
    symbols = layer_symbols(layers)
    derivatives = [_local_derivative(layer, out) for layer, out in zip(layers, values[1:])]  # before any other pass
    formulas = loss_formulas(loss_fn, symbols[-1]["out"] if symbols else "p")
    record = {
        "sample": {"x": x[0], "y": target[0]},
        "model": _describe(layers),
        "loss": {"name": _loss_name(loss_fn), "value": loss_value, "output": values[-1][0], "target": target[0],
                 "gradient": grads[-1][0], "formula": formulas[0], "gradient_formula": formulas[1],
                 "reduction": getattr(loss_fn, "reduction", "mean"),
                 "mean_over": _mean_over(loss_fn, values[-1], target)},
        "layers": [],
        "notes": _notes(net, scale),
    }
    checker = _Checker(layers, loss_fn, target, rngs, values, check_entries, seed, numeric_rounding(scale, H))
    for i, layer in enumerate(layers):
        record["layers"].append(_layer_record(i, layer, symbols, values, grads, derivatives[i], checker))
    checks = [e for entry in record["layers"] for e in entry["backward"]["check"].values()]
    record["gradcheck_max_rel_error"] = max((e["rel_error"] for e in checks), default=0.0)
    record["gradcheck"] = _verdict(checks, scale, checker.rounding)
    if opt is not None:
        _update(record, layers, opt, loss_fn, x, target, rngs)
        record["optimizer"]["notes"] = [str(note) for note in update_notes]
    return record


# --- set-up ---------------------------------------------------------------------------------

def _copies(model, optimizer):
    """A float64 copy of the model, and of the optimizer (same type, settings and state) bound to it."""
    net = copy.deepcopy(model).to(np.float64)  # ``to`` re-packs a Sequential's parameters
    if optimizer is None:
        return net, None
    if isinstance(optimizer, str):
        return net, OPTIMIZERS.get(optimizer)(net.parameters())
    if not isinstance(optimizer, Optimizer):
        raise ConfigError(f"optimizer must be an Optimizer, a name such as 'adam' or None, got {optimizer!r}")
    opt = type(optimizer)(net.parameters(), **optimizer.hyperparameters())
    opt.load_state_dict(optimizer.state_dict())
    return net, opt


def _loss(loss):
    if isinstance(loss, str):
        return get_loss(loss)
    if not isinstance(loss, Loss):
        raise ConfigError(f"loss must be a Loss or a name such as 'bce', got {loss!r}")
    return copy.deepcopy(loss)  # with its settings (reduction), without touching the caller's


def _loss_name(loss_fn):
    return next((name for name, cls in LOSSES.items() if type(loss_fn) is cls), type(loss_fn).__name__)


def _mean_over(loss_fn, output, target):
    """n, the number of terms a 'mean' reduction divides by (of outputs, or of samples: one here),
    measured as the summed loss over the mean; None for another reduction or a zero loss."""
    if getattr(loss_fn, "reduction", None) != "mean":
        return None
    summed = copy.deepcopy(loss_fn)
    summed.reduction = "sum"
    with np.errstate(all="ignore"):  # a diverged run's output may overflow: it has no n then
        mean, total = loss_fn.forward(output, target), summed.forward(output, target)
        ratio = total / mean if mean else np.nan
    return int(round(ratio)) if np.isfinite(ratio) else None


def _sample(x):
    x = np.array(x, dtype=np.float64) if not isinstance(x, np.ndarray) else x.astype(np.float64)
    if x.size == 0:
        raise ConfigError("x is empty; give one sample's features, e.g. --x 0.3 0.7")
    for i, v in enumerate(x.reshape(-1)):
        check_number(f"x[{i}]", float(v), fix="give finite numbers")
    return x[None]


def _set_modes(net):
    """Training mode, as one training step; batch norm on its running statistics (one sample has none)."""
    net.train()
    for module in net.modules():
        if module.buffers:
            module.eval()


def _frozen_rngs(net):
    """Each layer's Generator (dropout) with its state now: restored before every forward pass,
    so every pass (the numeric ones too) draws the same mask."""
    return [(m.rng, copy.deepcopy(m.rng.bit_generator.state)) for m in net.modules()
            if isinstance(getattr(m, "rng", None), np.random.Generator)]


def _run(layers, x, rngs, start=0):
    for rng, state in rngs:
        rng.bit_generator.state = state
    for layer in layers[start:]:
        x = layer.forward(x)
    return x


def _forward(layers, x, rngs):
    """[input, output of layer 0, output of layer 1, ...], each layer run by its own forward."""
    for rng, state in rngs:
        rng.bit_generator.state = state
    values = [x]
    for i, layer in enumerate(layers):
        try:
            values.append(layer.forward(values[-1]))
        except ValueError as e:
            takes = f" takes {layer.in_features} values" if i == 0 and hasattr(layer, "in_features") else ""
            raise ConfigError(f"a value of shape {values[-1].shape[1:]} does not fit layer {i}, {layer!r}{takes}; "
                              "give a sample of the shape the network was built for") from None
    return values


def _backward(layers, loss_fn):
    """[dL/dinput, dL/d(output of layer 0), ..., dL/doutput], each layer run by its own backward."""
    for layer in layers:
        layer.zero_grad()
    grads = [loss_fn.backward()]
    for layer in reversed(layers):
        grads.append(layer.backward(grads[-1]))
    return grads[::-1]


def _describe(layers):
    return " -> ".join(repr(layer) for layer in layers)


def _verdict(checks, scale, rounding):
    """The whole check: every checked entry agrees, each within rounding + RTOL |numeric|."""
    verdicts = [v for check in checks for v in check["verdicts"]]
    return {"passed": "FAIL" not in verdicts, "checked": len(verdicts), "failed": verdicts.count("FAIL"),
            "within_rounding": verdicts.count("rounding"), "rounding": rounding, "rtol": RTOL, "scale": scale,
            "eps": EPS, "h": H}


def _notes(net, scale):
    notes = ["float64, on a copy of the model and optimizer: the originals are unchanged",
             "numeric: central differences (L(w + h) - L(w - h)) / 2h with h = 1e-6, g the gradient backpropagation "
             "gives; rel. error of an entry = |g - numeric| / (|g| + |numeric|), of a whole array = "
             "norm(g - numeric) / (norm(g) + norm(numeric)) over its checked entries, norm the Euclidean length",
             f"an entry passes when |g - numeric| <= d + {RTOL:.0e} |numeric|, d = 2 eps S / h = "
             f"{numeric_rounding(scale, H):.1e} the rounding error the numeric estimate can carry (eps = {EPS:.1e}; "
             f"S = {scale:.2g}, the size of the numbers L is computed from: |L| + sum of 1 + |output| + sum of "
             "|a| |dL/da| over every value a computed on the way); 'rounding' marks an entry that passes only "
             "thanks to d"]
    if any(m.buffers for m in net.modules()):
        notes.append("batch norm uses its running statistics: one sample has no batch statistics")
    if any(isinstance(getattr(m, "rng", None), np.random.Generator) for m in net.modules()):
        notes.append("dropout draws one mask, kept for every pass of the trace")
    return notes


# --- per layer --------------------------------------------------------------------------------

class _Checker:
    """Central differences of the loss with respect to any layer's input or parameter."""

    def __init__(self, layers, loss_fn, target, rngs, values, check_entries, seed, rounding):
        self.layers, self.loss_fn, self.target, self.rngs, self.values = layers, loss_fn, target, rngs, values
        self.check_entries, self.rng, self.rounding = check_entries, as_generator(seed), rounding

    def entries(self, size):
        if size <= self.check_entries:
            return np.arange(size)
        return np.sort(self.rng.choice(size, self.check_entries, replace=False))

    def numeric(self, array, start, feed):
        """dL/darray at the chosen entries; ``feed()`` is the input of layer ``start`` (``array`` may be it)."""
        flat = array.reshape(-1)
        idx = self.entries(flat.size)
        numeric = np.empty(idx.size)
        for k, i in enumerate(idx):
            old = flat[i]
            flat[i] = old + H
            plus = self.loss_fn.forward(_run(self.layers, feed(), self.rngs, start), self.target)
            flat[i] = old - H
            minus = self.loss_fn.forward(_run(self.layers, feed(), self.rngs, start), self.target)
            flat[i] = old
            numeric[k] = (plus - minus) / (2 * H)
        return idx, numeric

    def check(self, analytic, array, start):
        """Compare ``analytic`` = dL/d``array`` with central differences; ``array`` is a parameter of
        layer ``start`` or that layer's input."""
        feed = self.values[start]
        if array is feed:
            feed = array = array.copy()  # perturb a copy: layers keep references to their inputs
        idx, numeric = self.numeric(array, start, lambda: feed)
        picked = analytic.reshape(-1)[idx]
        return {"entries": idx, "numeric": numeric, "checked": int(idx.size), "of": int(analytic.size),
                "rel_error": relative_error(picked, numeric), "verdicts": agreement(picked, numeric, self.rounding)}


def _layer_record(i, layer, symbols, values, grads, derivative, checker):
    sym = symbols[i]
    params = dict(layer.named_parameters())
    forward = {sym["in"]: values[i][0], **{sym[name]: p.data.copy() for name, p in params.items()},
               sym["out"]: values[i + 1][0]}
    backward = {f"dL/d{sym['out']}": grads[i + 1][0]}
    if derivative is not None:
        backward[f"d{sym['out']}/d{sym['in']}"] = derivative
    check = {}
    for name, p in params.items():
        key = f"dL/d{sym[name]}"
        backward[key] = p.grad.copy()
        check[key] = checker.check(p.grad, p.data, i)
    key = f"dL/d{sym['in']}"
    backward[key] = grads[i][0]
    check[key] = checker.check(grads[i], values[i], i)
    backward["check"] = check
    entry = {"index": i, "name": f"{i}: {layer!r}", "type": type(layer).__name__, "symbols": sym,
             "formula": sym["formula"], "backward_formula": sym["backward_formula"],
             "forward": forward, "backward": backward, "update": {}}
    if derivative is not None:
        entry["derivative_formula"] = derivative_formula(layer, sym)
    return entry


def _local_derivative(layer, out):
    """f'(z) for an elementwise activation, from its own backward: backward(1) = 1 * f'(z).

    None for other layers, and for an activation that mixes its units (softmax), whose
    derivative is a Jacobian.
    """
    if not is_activation(layer) or not getattr(type(layer), "hidden_layer", True):
        return None
    return layer.backward(np.ones_like(out))[0]


# --- the update -------------------------------------------------------------------------------

def _update(record, layers, opt, loss_fn, x, target, rngs):
    """Run the optimizer's own step on the trace's gradients; record every parameter before and after."""
    index = {id(p): k for k, p in enumerate(opt.params)}
    before = [(layer, {name: p.data.copy() for name, p in layer.named_parameters()}) for layer in layers]
    fresh = opt.steps == 0  # its state (Adam's moments, a momentum) starts at zero with this step
    opt.step()
    for entry, (layer, old) in zip(record["layers"], before):
        for name, p in layer.named_parameters():
            state = {k: v.copy() for k, v in opt.state[index[id(p)]].items()}
            entry["update"][entry["symbols"][name]] = {
                "before": old[name], "gradient": p.grad.copy(), **state, "change": p.data - old[name],
                "after": p.data.copy()}
    record["optimizer"] = {"name": type(opt).__name__, "hyperparameters": opt.hyperparameters(),
                           "step": opt.steps, "fresh": fresh, "formula": optimizer_formula(opt)}
    record["loss_after_update"] = loss_fn.forward(_run(layers, x, rngs), target)
