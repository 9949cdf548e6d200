"""Module and Sequential: the containers every layer builds on (``Parameter``: parameter.py).

A Module computes ``forward(x)`` and, given the gradient of the loss with
respect to its output, ``backward(dout)`` adds the gradients of its
parameters into ``Parameter.grad`` (accumulating, as PyTorch does) and returns
the gradient with respect to its input.

Sequential packs its parameters into one array for speed (``packing``).
"""

import inspect
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

from ..errors import ConfigError
from ..registry import Registry
from . import functional as F
from .packing import pack_parameters
from .parameter import Parameter

# Every layer type by its class name: model files name layers so, and load them from here.
# A Module subclass joins it when it is defined (Module.__init_subclass__).
LAYERS = Registry("layer")


def saved_by_forward(owner, value):
    """``value``, which ``owner.forward`` keeps for its backward; a clear error while it is None."""
    if value is None:
        raise RuntimeError(f"{type(owner).__name__}.backward called before forward; run forward on a batch first")
    return value


class Module:
    """Base class of layers and networks.

    Subclasses implement ``forward`` and ``backward``; parameters and
    sub-modules stored as attributes are found automatically.
    """

    training = True
    # Names of non-trainable arrays that belong to the model's state (e.g.
    # BatchNorm's running statistics): saved and loaded with the parameters.
    buffers: tuple[str, ...] = ()
    # Names of the attributes forward fills for backward (the batch's input, outputs, masks). A pickled or
    # copied module has them reset to None, so a saved model holds weights, never training data.
    saved_for_backward: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):
            LAYERS.register(cls.__name__, replace=True)(cls)

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    # saved(value): ``value``, kept by forward for backward; an error if forward has not run yet.
    saved = saved_by_forward

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def __getstate__(self):
        state = self.__dict__.copy()
        for name in self.saved_for_backward:
            if name in state:
                state[name] = None
        return state

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

    def parameters(self) -> list[Parameter]:
        return [p for _, p in self.named_parameters()]

    def named_buffers(self, prefix=""):
        """Yield (dotted name, array) for every buffer, children last."""
        for name in self.buffers:
            yield prefix + name, getattr(self, name)
        for name, child in self.children():
            yield from child.named_buffers(prefix + name + ".")

    def zero_grad(self) -> None:
        """Set every gradient to zero, before the next backward pass."""
        for p in self.parameters():
            p.grad.fill(0)

    def train(self, mode: bool = True) -> "Module":
        self.training = mode
        for _, child in self.children():
            child.train(mode)
        return self

    def eval(self) -> "Module":
        return self.train(False)

    def num_parameters(self) -> int:
        return sum(p.data.size for p in self.parameters())

    # --- state ----------------------------------------------------------
    def state_dict(self) -> "OrderedDict[str, np.ndarray]":
        """An ordered mapping of parameter and buffer name to a copy of its array."""
        state = OrderedDict((name, p.data.copy()) for name, p in self.named_parameters())
        state.update((name, b.copy()) for name, b in self.named_buffers())
        return state

    def load_state_dict(self, state: Mapping[str, np.ndarray]) -> None:
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
        """Cast every parameter and every float buffer to ``dtype``; returns the module.

        The arrays are new (a cast cannot happen in place): take ``.data``
        references again afterwards, and build the optimizer after the cast.
        """
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            p.grad = np.zeros_like(p.data)
        for module in self.modules():
            for name in module.buffers:
                setattr(module, name, getattr(module, name).astype(dtype))
        return self

    # --- an example of itself, for the tests ------------------------------
    # Constructor arguments of a small example (PyTorch's, in PyTorch's order) and the shape of an input for it.
    example_arguments: tuple = ()
    example_input_shape: tuple[int, ...] = (5, 4)

    @classmethod
    def example(cls, rng=None):
        """A small example of this layer, from ``example_arguments`` (and ``rng``, where it takes one): one recipe
        for the gradient checks, the PyTorch parity tests and the trace tests. Its input: ``example_input_shape``."""
        takes_rng = "rng" in inspect.signature(cls).parameters
        return cls(*cls.example_arguments, **({"rng": rng} if takes_rng else {}))

    # --- description ----------------------------------------------------
    def config(self):
        """The constructor arguments that rebuild this module (for model files)."""
        return {}

    def extra_repr(self):
        return ", ".join(f"{k}={v!r}" for k, v in self.config().items())

    def __repr__(self):
        return f"{type(self).__name__}({self.extra_repr()})"


class Sequential(Module):
    """Layers applied one after another, in the order given: out = f_n(... f_2(f_1(x))).

    Backward is the chain rule: dL/dx = backward_1(backward_2(... backward_n(dL/dout))),
    each layer turning the gradient at its output into the gradient at its input.

    Building a Sequential packs its layers' parameters into one contiguous
    array (``pack_parameters``): take references to ``layer.weight.data``
    from the model after building it; they then stay valid for its life.
    """

    def __init__(self, *layers: Module) -> None:
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise ConfigError(
                    f"Sequential item {i} is {type(layer).__name__}, not a Module; "
                    "pass layers such as Linear(2, 8) or Sigmoid()"
                )
        self.layers = list(layers)
        pack_parameters(self.parameters())

    def to(self, dtype):
        super().to(dtype)
        pack_parameters(self.parameters())
        return self

    def __setstate__(self, state):
        self.__dict__.update(state)
        pack_parameters(self.parameters())  # a pickle holds each parameter on its own: one array again

    def children(self):
        for i, layer in enumerate(self.layers):
            yield str(i), layer

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:  # type: ignore[override]
        """Backpropagate ``dout`` through every layer, last to first; return dL/dx.

        With ``input_grad=False`` (what training uses) the gradient with
        respect to the input is not needed: layers before the first one with
        parameters are skipped, and that one computes only its parameter
        gradients (``backward_params``; for a first Linear layer, one matrix
        product of three). Returns None then.
        """
        if input_grad:
            for layer in reversed(self.layers):
                dout = layer.backward(dout)
            return dout
        later, first_backward = self._backward_plan()
        for layer in later:
            dout = layer.backward(dout)
        if first_backward is not None:
            first_backward(dout)
        return None

    def predict_proba(self, X, batch_size=1024):
        """Class probabilities of shape (N, C), computed in eval mode ``batch_size`` rows at a time.

        A network that ends in Sigmoid or Softmax gives probabilities as they are; one that
        ends in logits goes through the sigmoid (one output) or the softmax (several). One
        output p becomes the two columns (1 - p, p), as in scikit-learn. ``model(X)`` is the
        raw output.
        """
        was_training = self.training
        self.eval()
        try:
            out = np.concatenate([self.forward(X[i:i + batch_size]) for i in range(0, len(X), batch_size)])
        finally:
            self.train(was_training)
        if out.ndim == 1 or out.shape[1] == 1:
            out = out.reshape(-1, 1)
        ends_in_probabilities = bool(self.layers) and getattr(type(self.layers[-1]), "outputs_probabilities", False)
        if not ends_in_probabilities:
            out = F.sigmoid(out) if out.shape[1] == 1 else F.softmax(out)
        return np.hstack([1 - out, out]) if out.shape[1] == 1 else out

    def predict(self, X, batch_size=1024):
        """Class labels (N,): the most probable class (for one output, p >= 0.5 is class 1)."""
        proba = self.predict_proba(X, batch_size)
        return (proba[:, 1] >= 0.5).astype(np.int64) if proba.shape[1] == 2 else proba.argmax(axis=1)

    def _backward_plan(self):
        """What training's backward runs: (the layers after the first one with parameters, last to first;
        that layer's backward_params, or its backward, or None). Cached while the layers stay the same."""
        key = tuple(self.layers)  # compared by identity: Modules define no __eq__
        cached = getattr(self, "_first_cache", None)
        if cached is None or cached[0] != key:
            first = next((i for i, layer in enumerate(key) if layer.parameters()), len(key))
            later = key[first + 1:][::-1]
            first_backward = getattr(key[first], "backward_params", key[first].backward) if first < len(key) else None
            cached = self._first_cache = (key, later, first_backward)
        return cached[1], cached[2]

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self):
        return len(self.layers)

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self):
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"
