"""The optimizer base class: what every update rule shares."""

import math

import numpy as np

from ..errors import ConfigError


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
    """Holds the parameters, the learning rate and per-parameter state.

    ``step()`` applies one update from the gradients in ``Parameter.grad``;
    ``zero_grad()`` clears them. ``lr`` may be changed between steps, which is
    what the learning-rate schedules do.
    """

    def __init__(self, params, lr):
        self.params = list(params)
        if not self.params:
            raise ConfigError("optimizer got an empty parameter list; pass model.parameters()")
        self.lr = check_range("lr", lr, 0.0, low_open=True)
        self.steps = 0

    def zero_grad(self):
        for p in self.params:
            p.grad.fill(0)

    def step(self):
        self.steps += 1
        for i, p in enumerate(self.params):
            self._update(i, p.data, p.grad)

    def _update(self, i, w, g):
        raise NotImplementedError

    # --- state, for checkpoints ------------------------------------------
    def _state_lists(self):
        """Attributes holding one array (or None) per parameter: momenta, averages, sums."""
        for name, value in vars(self).items():
            if name != "params" and isinstance(value, list) and len(value) == len(self.params):
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
                values[i] = np.array(arrays[key], dtype=self.params[i].data.dtype) if key in arrays else None

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def hyperparameters(self):
        return {"lr": self.lr}
