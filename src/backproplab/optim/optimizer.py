"""The optimizer base class: what every update rule shares."""

import math

import numpy as np

from ..errors import ConfigError
from ..registry import Registry

# Every optimizer by the name the CLI, sweeps and get_optimizer use.
OPTIMIZERS = Registry("optimizer")


def check_range(name, value, low, high=math.inf, *, low_open=False):
    """Raise a ConfigError unless low <= value < high (or low < value if low_open)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, got {value!r}")
    too_low = value <= low if low_open else value < low
    if too_low or value >= high:
        rule = f"> {low}" if low_open else f">= {low}"
        if high != math.inf:
            rule += f" and < {high}"
        raise ConfigError(f"{name} must be {rule}, got {value!r}")
    return float(value)


class Optimizer:
    """Holds the parameters, the learning rate and the optimizer's state.

    ``step()`` applies one update from the gradients in ``Parameter.grad``;
    ``zero_grad()`` clears them. ``lr`` may be changed between steps, which is
    what the learning-rate schedules do.

    Every update rule here is elementwise, so the optimizer moves all
    parameters of one dtype into a single flat array (each ``Parameter.data``
    and ``.grad`` becomes a view into it) and updates them with one set of
    NumPy calls per step instead of one per parameter: the difference between
    a few and a few dozen calls dominates small networks. ``slots`` lists the
    (weights, gradients) array pairs an update walks; subclasses keep one
    state array per slot.
    """

    def __init__(self, params, lr):
        unique = {id(p): p for p in params}
        self.params = list(unique.values())
        if not self.params:
            raise ConfigError("optimizer got an empty parameter list; pass model.parameters()")
        self.lr = check_range("lr", lr, 0.0, low_open=True)
        self.steps = 0
        self.slots = self._flatten()

    def _flatten(self):
        """Re-home the parameters into one flat data and one flat gradient array (per dtype)."""
        if len({p.data.dtype for p in self.params}) != 1:
            return [(p.data, p.grad) for p in self.params]
        total = sum(p.data.size for p in self.params)
        flat = np.empty(total, dtype=self.params[0].data.dtype)
        flat_grad = np.empty_like(flat)
        offset = 0
        for p in self.params:
            size, shape = p.data.size, p.data.shape
            flat[offset:offset + size] = p.data.reshape(-1)
            flat_grad[offset:offset + size] = p.grad.reshape(-1)
            p.data = flat[offset:offset + size].reshape(shape)
            p.grad = flat_grad[offset:offset + size].reshape(shape)
            offset += size
        self._views = [(p.data, p.grad) for p in self.params]
        return [(flat, flat_grad)]

    def _check_slots(self):
        """Re-flatten if the parameters' arrays were replaced (e.g. by ``model.to(dtype)``)."""
        views = getattr(self, "_views", None)
        if views is None or all(p.data is d and p.grad is g for p, (d, g) in zip(self.params, views)):
            return
        self.slots = self._flatten()
        dtype = self.slots[0][0].dtype
        for _, values in self._state_lists():
            values[:] = [None if a is None else a.astype(dtype) for a in values]

    def zero_grad(self):
        self._check_slots()
        for _, g in self.slots:
            g.fill(0)
        for p in self.params:
            p.fresh = True

    def step(self):
        self._check_slots()
        self.steps += 1
        for i, (w, g) in enumerate(self.slots):
            self._update(i, w, g)

    def _update(self, i, w, g):
        raise NotImplementedError

    # --- state, for checkpoints ------------------------------------------
    def _state_lists(self):
        """Attributes holding one array (or None) per slot: momenta, averages, sums."""
        for name, value in vars(self).items():
            if not name.startswith("_") and name not in ("params", "slots") and isinstance(value, list) \
                    and len(value) == len(self.slots):
                yield name, value

    def state_dict(self):
        """(scalars, arrays): the step count and rate, and every per-parameter state array."""
        arrays = {f"{name}.{i}": a.copy() for name, values in self._state_lists()
                  for i, a in enumerate(values) if a is not None}
        return {"steps": self.steps, "lr": self.lr}, arrays

    def load_state_dict(self, scalars, arrays):
        self.steps, self.lr = int(scalars["steps"]), float(scalars["lr"])
        for name, values in self._state_lists():
            for i in range(len(values)):
                key = f"{name}.{i}"
                values[i] = np.array(arrays[key], dtype=self.slots[i][0].dtype) if key in arrays else None

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def hyperparameters(self):
        return {"lr": self.lr}
