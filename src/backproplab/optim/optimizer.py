"""The optimizer base class: what every update rule shares."""

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from ..errors import ConfigError
from ..registry import Registry
from ..validation import check_number

if TYPE_CHECKING:  # for the annotations only: the optimizers take any objects with .data and .grad
    from ..nn.module import Parameter

# Every optimizer by the name the CLI, sweeps and get_optimizer use.
OPTIMIZERS = Registry("optimizer")


class Optimizer:
    """Holds the parameters, the learning rate and the per-parameter state.

    ``step()`` applies one update from the gradients in ``Parameter.grad``;
    ``zero_grad()`` sets them to zero. ``lr`` may be changed between steps, which
    is what the learning-rate schedules do.

    A subclass names its state arrays in ``state_names`` (PyTorch's names:
    ``exp_avg``, ``momentum_buffer`` ...) and writes the textbook update once,
    in ``update(w, g, state)``, for one weight array ``w``, its gradient ``g``
    and a dict of its state arrays. ``self.state[i]`` is the state of parameter i.

    Speed: when the parameters (and their gradients) are views into one
    contiguous array, as a Sequential packs them, every state array is allocated the same way and
    ``update`` runs once on the whole array instead of once per parameter
    (the same formulas, elementwise, so the same numbers; a few NumPy calls
    per step instead of a few dozen on the lab's networks). Otherwise it
    runs per parameter. ``tests/test_optim.py`` checks the two agree.

    What a subclass declares about itself, read by the trace and the report:
    ``formula``, its update in the names of its state (``update_formula()`` when it
    depends on the settings); ``words``, its name in a report; ``decoupled``, True
    when weight decay shrinks the weights directly (w <- w (1 - lr weight_decay))
    instead of adding weight_decay w to the gradient.
    """

    state_names: tuple[str, ...] = ()
    formula: str | None = None
    words: str | None = None
    decoupled = False

    def __init__(self, params: "Iterable[Parameter]", lr: float) -> None:
        self.params = list({id(p): p for p in params}.values())
        if not self.params:
            raise ConfigError("optimizer got an empty parameter list; pass model.parameters()")
        self.lr = check_number("lr", lr, 0.0, low_open=True)
        self.steps = 0
        self._flat = _packed_array([p.data for p in self.params])
        self._flat_grad = _packed_array([p.grad for p in self.params])
        if self._flat is None or self._flat_grad is None:
            self._flat = self._flat_grad = None
        else:
            self._views = [(p, p.data, p.grad) for p in self.params]
        self._allocate_state()

    # --- state -----------------------------------------------------------
    def _allocate_state(self):
        """Zeroed state arrays: one flat array per name (sliced per parameter) when packed."""
        if self._flat is not None:
            self._flat_state = {name: np.zeros_like(self._flat) for name in self.state_names}
            self.state = []
            offset = 0
            for p in self.params:
                size = p.data.size
                self.state.append({name: array[offset:offset + size].reshape(p.data.shape)
                                   for name, array in self._flat_state.items()})
                offset += size
        else:
            self.state = [{name: np.zeros_like(p.data) for name in self.state_names} for p in self.params]

    def hyperparameters(self):
        """The settings of the update rule, by PyTorch's argument names."""
        return {"lr": self.lr}

    def state_dict(self):
        """PyTorch's layout: ``{"state": {i: {"step": t, name: array}}, "param_groups": [{...}]}``.

        Arrays are copies. ``state`` is empty before the first step.
        """
        state = {}
        if self.steps:
            state = {i: {"step": self.steps, **{name: a.copy() for name, a in s.items()}}
                     for i, s in enumerate(self.state)}
        group = {**self.hyperparameters(), "params": list(range(len(self.params)))}
        return {"state": state, "param_groups": [group]}

    def load_state_dict(self, state_dict):
        """Restore what ``state_dict()`` returned (from this optimizer type, for the same parameters)."""
        try:
            groups, state = state_dict["param_groups"], state_dict["state"]
            (group,) = groups
        except (KeyError, TypeError, ValueError):
            raise ConfigError("optimizer state must be a dict with 'state' and one entry of "
                              "'param_groups', as state_dict() returns it") from None
        if len(group.get("params", ())) != len(self.params):
            raise ConfigError(f"optimizer state is for {len(group.get('params', ()))} parameters, "
                              f"this optimizer has {len(self.params)}; load it into the same model")
        self.lr = check_number("lr", group["lr"], 0.0)  # a schedule may have brought it to 0
        self.steps = 0
        for i, arrays in enumerate(self.state):
            saved = state.get(i, state.get(str(i)))
            if saved is None:
                continue
            self.steps = int(saved["step"])
            for name, array in arrays.items():
                value = np.asarray(saved[name])
                if value.shape != array.shape:
                    raise ConfigError(f"optimizer state {i}.{name} has shape {value.shape}, the "
                                      f"parameter has {array.shape}; load it into the same model")
                array[...] = value

    # --- the update --------------------------------------------------------
    def zero_grad(self) -> None:
        """Set every gradient to zero, before the next backward pass."""
        if self._is_packed():
            self._flat_grad.fill(0)
        else:
            for p in self.params:
                p.grad.fill(0)

    def step(self) -> None:
        """One update of every parameter from its gradient."""
        self.steps += 1
        if self._is_packed():
            self.update(self._flat, self._flat_grad, self._flat_state)
            return
        for p, state in zip(self.params, self.state):
            self.update(p.data, p.grad, state)

    def _is_packed(self):
        """True while the parameters are still the views they were (``Module.to`` makes new arrays)."""
        if self._flat is None:
            return False
        for p, data, grad in self._views:  # a plain loop: all() over a generator, or zip(), costs more
            if p.data is not data or p.grad is not grad:
                return False
        return True

    def update_formula(self):
        """The update rule in words of its state, as the trace shows it (None: its docstring's first line)."""
        return self.formula

    def update(self, w, g, state):
        """w <- the update rule applied to w, given its gradient g; state arrays change in place."""
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"


def _packed_array(arrays):
    """The one contiguous array whose consecutive slices are ``arrays``, or None."""
    flat = arrays[0].base
    if flat is None or flat.ndim != 1 or flat.size != sum(a.size for a in arrays):
        return None
    offset, start = 0, flat.ctypes.data
    for a in arrays:
        if a.base is not flat or a.ctypes.data != start + offset * flat.itemsize or not a.flags.c_contiguous:
            return None
        offset += a.size
    return flat
