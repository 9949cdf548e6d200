"""Parameter, Module and Sequential: the containers every layer builds on.

A Module computes ``forward(x)`` and, given the gradient of the loss with
respect to its output, ``backward(dout)`` adds the gradients of its
parameters into ``Parameter.grad`` (accumulating, as PyTorch does) and returns
the gradient with respect to its input.
"""

from collections import OrderedDict

import numpy as np

from ..errors import ConfigError
from ..registry import Registry

# Every layer type by its class name: model files name layers so, and load them from here.
# A Module subclass joins it when it is defined (Module.__init_subclass__).
LAYERS = Registry("layer")


class Parameter:
    """A trainable array and the gradient of the loss with respect to it.

    ``fresh`` is True while ``grad`` holds the zeros of ``zero_grad()``: a
    layer may then write its gradient straight into ``grad`` instead of
    adding it, which saves a pass over the array.
    """

    __slots__ = ("data", "grad", "fresh")

    def __init__(self, data):
        self.data = np.asarray(data)
        self.grad = np.zeros_like(self.data)
        self.fresh = True

    @property
    def shape(self):
        return self.data.shape

    def __repr__(self):
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


class Module:
    """Base class of layers and networks.

    Subclasses implement ``forward`` and ``backward``; parameters and
    sub-modules stored as attributes are found automatically.
    """

    training = True
    # Names of non-trainable arrays that belong to the model's state (e.g.
    # BatchNorm's running statistics): saved and loaded with the parameters.
    buffers = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):
            LAYERS.register(cls.__name__, replace=True)(cls)

    def forward(self, x):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def saved(self, value):
        """``value``, kept by forward for backward; an error if forward has not run yet."""
        if value is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward; "
                               "run forward on a batch first")
        return value

    def __call__(self, x):
        return self.forward(x)

    # --- parameters and children ---------------------------------------
    def children(self):
        """Yield (name, module) for every direct sub-module."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value

    def modules(self):
        """Yield this module and every module inside it, depth first."""
        yield self
        for _, child in self.children():
            yield from child.modules()

    def named_parameters(self, prefix=""):
        """Yield (dotted name, Parameter) in a fixed order, children last."""
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
        for name, child in self.children():
            yield from child.named_parameters(prefix + name + ".")

    def parameters(self):
        return [p for _, p in self.named_parameters()]

    def named_buffers(self, prefix=""):
        """Yield (dotted name, array) for every buffer, children last."""
        for name in self.buffers:
            yield prefix + name, getattr(self, name)
        for name, child in self.children():
            yield from child.named_buffers(prefix + name + ".")

    def zero_grad(self):
        for p in self.parameters():
            p.grad.fill(0)
            p.fresh = True

    def train(self, mode=True):
        self.training = mode
        for _, child in self.children():
            child.train(mode)
        return self

    def eval(self):
        return self.train(False)

    def num_parameters(self):
        return sum(p.data.size for p in self.parameters())

    # --- state ----------------------------------------------------------
    def state_dict(self):
        """An ordered mapping of parameter and buffer name to a copy of its array."""
        state = OrderedDict((name, p.data.copy()) for name, p in self.named_parameters())
        state.update((name, b.copy()) for name, b in self.named_buffers())
        return state

    def load_state_dict(self, state):
        """Copy arrays into the parameters and buffers; names and shapes must match exactly."""
        params = {name: p.data for name, p in self.named_parameters()}
        params.update(self.named_buffers())
        missing = sorted(set(params) - set(state))
        unexpected = sorted(set(state) - set(params))
        if missing or unexpected:
            raise ConfigError(
                f"state does not fit this model: missing {missing}, unexpected {unexpected}; "
                "load it into a model built with the same architecture"
            )
        for name, array in params.items():
            value = np.asarray(state[name])
            if value.shape != array.shape:
                raise ConfigError(
                    f"state entry {name!r} has shape {value.shape}, the model expects "
                    f"{array.shape}; load it into a model built with the same architecture"
                )
            array[...] = value

    def to(self, dtype):
        """Cast every parameter (and its gradient) and every float buffer to ``dtype`` in place."""
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            p.grad = np.zeros_like(p.data)
        for module in self.modules():
            for name in module.buffers:
                setattr(module, name, getattr(module, name).astype(dtype))
        return self

    # --- description ----------------------------------------------------
    def config(self):
        """The constructor arguments that rebuild this module (for model files)."""
        return {}

    def extra_repr(self):
        return ", ".join(f"{k}={v!r}" for k, v in self.config().items())

    def __repr__(self):
        return f"{type(self).__name__}({self.extra_repr()})"


class Sequential(Module):
    """Layers applied one after another; backward runs them in reverse."""

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise ConfigError(
                    f"Sequential item {i} is {type(layer).__name__}, not a Module; "
                    "pass layers such as Linear(2, 8) or Sigmoid()"
                )
        self.layers = list(layers)

    def children(self):
        for i, layer in enumerate(self.layers):
            yield str(i), layer

    def forward(self, x):
        for layer in self._plan()[1]:
            x = layer.forward(x)
        return x

    def backward(self, dout, input_grad=True):
        """Backpropagate ``dout`` through every layer; return dL/dx.

        With ``input_grad=False`` (what training uses) the gradient with
        respect to the input is not needed: layers before the first one with
        parameters are skipped, and that one computes only its parameter
        gradients (for a first Linear layer, one matrix product of three).
        Returns None then.
        """
        _, order, first = self._plan()
        if input_grad:
            for layer in reversed(order):
                dout = layer.backward(dout)
            return dout
        for layer in reversed(order[first + 1:]):
            dout = layer.backward(dout)
        if first < len(order):
            layer = order[first]
            (layer.backward_params if hasattr(layer, "backward_params") else layer.backward)(dout)
        return None

    def _plan(self):
        """(key, execution order, index of the first layer with parameters), cached.

        The order is the layers' own, except that a non-decreasing piecewise
        linear activation (``non_decreasing``: ReLU, LeakyReLU) followed by max
        pooling (``max_pool``) runs after it instead: max(f(a), f(b)) =
        f(max(a, b)) exactly, with the same gradient, and the activation then
        touches a quarter of the values. Each layer still sees, in forward and
        backward, tensors consistent with its own cache.
        """
        key = tuple(self.layers)  # compared by identity: Modules define no __eq__
        plan = getattr(self, "_plan_cache", None)
        if plan is None or plan[0] != key:
            order = list(self.layers)
            for i in range(len(order) - 1):
                if getattr(order[i], "non_decreasing", False) and getattr(order[i + 1], "max_pool", False):
                    order[i], order[i + 1] = order[i + 1], order[i]
            first = next((i for i, layer in enumerate(order) if layer.parameters()), len(order))
            plan = self._plan_cache = (key, order, first)
        return plan

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self):
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"


def summary(model, input_shape, dtype=np.float64):
    """A table of layers, output shapes and parameter counts, as text.

    ``input_shape`` excludes the batch axis, e.g. ``(2,)`` for 2-D points.
    A one-sample forward pass is run to find each output shape.
    """
    layers = model.layers if isinstance(model, Sequential) else [model]
    x = np.zeros((1, *input_shape), dtype=dtype)
    rows = [("layer", "output shape", "parameters")]
    was_training = model.training
    model.eval()
    try:
        for i, layer in enumerate(layers):
            x = layer.forward(x)
            rows.append((f"{i}: {layer!r}", str((None, *x.shape[1:])), f"{layer.num_parameters():,}"))
    finally:
        model.train(was_training)
    widths = [max(len(r[c]) for r in rows) for c in range(3)]
    line = "-" * (sum(widths) + 4)

    def fmt(r):
        return f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}"

    body = [fmt(rows[0]), line] + [fmt(r) for r in rows[1:]] + [line]
    body.append(f"total parameters: {model.num_parameters():,}")
    return "\n".join(body)
