"""The check protocol: what a student's file (or a short adapter beside it) declares.

A file that ``backproplab check`` can grade defines, at module level::

    WEIGHTS = "in_out"      # W of shape (in, out), used as x @ W; or "out_in": (out, in), x @ W.T
    BIASES = "row"          # b of shape (1, n); "flat": (n,); "column": (n, 1); "none": no biases
    ACTIVATION = "sigmoid"  # any registered activation, in the hidden layers
    OUTPUT_ACTIVATION = None  # the output layer's, when it differs (e.g. "sigmoid" after "tanh" for bce)
    LOSS = "bce"            # "mse", "half_sse" or "bce"
    REDUCTION = "mean"      # "mean": the loss is averaged over the batch; "sum": summed
    SIZES = (2, 4, 4, 1)    # input, two hidden layers, output

    def build(weights, biases, lr):  # three arrays each, in the layouts above (biases None if "none")
        return network               # anything: it is handed back to the functions below
    def forward(network, X):      # X (N, in) -> the output (N, out), or a dict
        return {"z": [z1, z2, z3], "a": [a1, a2, a3]}
    def backward(network, X, y):  # y (N, 1); after forward on the same X
        return {"da": [...], "delta": [...], "dW": [...], "db": [...]}
    def update(network, lr):      # one step of plain gradient descent, with the lr build was given
        ...
    def parameters(network):      # the weights and biases now, as build received them
        return weights, biases

and optionally ``loss(network, output, y) -> float``, the student's own loss, whose
central differences then check the backward pass. Every list holds one entry per
layer, first layer first; ``da`` is dL/da and ``delta`` is dL/dz of each layer's
output a = f(z). An entry may be None, and a key may be missing: what is not shown
is inferred where possible (dW from the update) and otherwise not graded. Values
are arrays with one row per sample. Only the constants that differ from the
defaults above need be written.
"""

from dataclasses import asdict, dataclass

from ..nn.activations import ACTIVATIONS, Sigmoid
from ..nn.losses import LOSSES as LOSS_ENTRIES
from ..nn.losses import BCELoss, HalfSSELoss, MSELoss

WEIGHT_LAYOUTS = ("in_out", "out_in")
BIAS_LAYOUTS = ("row", "flat", "column", "none")
LOSSES = tuple(LOSS_ENTRIES.name_of(loss) for loss in (MSELoss, HalfSSELoss, BCELoss))  # the lab's three
REDUCTIONS = ("mean", "sum")
FUNCTIONS = ("build", "forward", "backward", "update", "parameters")
# The file that holds the protocol for a student file that does not itself.
ADAPTER_NAME = "check_adapter.py"


@dataclass(frozen=True)
class Declared:
    """What the student's file says about its network (the protocol's constants)."""

    weights: str = "in_out"
    biases: str = "row"
    activation: str = ACTIVATIONS.name_of(Sigmoid)
    output_activation: str | None = None
    loss: str = LOSS_ENTRIES.name_of(BCELoss)
    reduction: str = "mean"
    sizes: tuple = (2, 4, 4, 1)

    def problems(self, activations):
        """Each declared value that breaks the protocol, as a sentence; empty when all are valid."""
        found = []
        for name, value, choices in (("WEIGHTS", self.weights, WEIGHT_LAYOUTS), ("BIASES", self.biases, BIAS_LAYOUTS),
                                     ("ACTIVATION", self.activation, activations), ("LOSS", self.loss, LOSSES),
                                     ("OUTPUT_ACTIVATION", self.output_activation, (None, *activations)),
                                     ("REDUCTION", self.reduction, REDUCTIONS)):
            if value not in choices:
                found.append(f"{name} = {value!r}, not one of {', '.join(map(repr, choices))}")
        sizes = self.sizes
        if not (isinstance(sizes, tuple) and len(sizes) == 4 and all(isinstance(n, int) and 1 <= n <= 64 for n in sizes)):
            found.append(f"SIZES = {sizes!r}, not four whole numbers from 1 to 64 (input, two hidden, output)")
        return found

    def layer_activations(self):
        """Each layer's activation, first layer first."""
        layers = len(self.sizes) - 1
        return (self.activation,) * (layers - 1) + (self.output_activation or self.activation,)

    def as_dict(self):
        return asdict(self)


def declared_by(module):
    """The Declared values of a loaded student module (its defaults where it says nothing)."""
    defaults = Declared()
    values = {field: getattr(module, field.upper(), getattr(defaults, field)) for field in defaults.as_dict()}
    values["sizes"] = tuple(values["sizes"]) if isinstance(values["sizes"], (list, tuple)) else values["sizes"]
    return Declared(**values)


def declared_from(d):
    """The Declared of a result's ``declared`` dict (as the child process sends it back, sizes a list)."""
    d = dict(d)
    d["sizes"] = tuple(d.get("sizes", Declared().sizes))
    return Declared(**d)


def missing_functions(module):
    return [name for name in FUNCTIONS if not callable(getattr(module, name, None))]


def to_student_weight(w, layout):
    """A weight-shaped array from the engine's (out, in) layout into the student's."""
    return w.T if layout == "in_out" and w.ndim == 2 else w


def from_student_weight(w, layout):
    return to_student_weight(w, layout)


def to_student_bias(b, layout):
    """A bias-shaped array from the engine's (n,) into the student's layout (other shapes pass through)."""
    if b is None or layout == "none" or b.ndim != 1:
        return b
    return {"row": b.reshape(1, -1), "flat": b, "column": b.reshape(-1, 1)}[layout]


def from_student_bias(b):
    return None if b is None else b.reshape(-1)
