"""The optimizer base class: what every update rule shares."""

import math

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

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def hyperparameters(self):
        return {"lr": self.lr}
