"""Which PyTorch class each registered backproplab name is checked against.

The parity tests read their names from the registries when they are collected,
so a newly registered activation, loss, optimizer, schedule or layer is compared
with PyTorch without editing any list: its counterpart is the PyTorch class of
the same class name (``backproplab.nn.Sigmoid`` <-> ``torch.nn.Sigmoid``,
``Adam`` <-> ``torch.optim.Adam``, ``StepLR`` <-> ``torch.optim.lr_scheduler.StepLR``).
The few that need arguments to mean the same thing are in EXPLICIT; those
with no counterpart at all are in NO_COUNTERPART, each with its reason, and
``test_torch_parity`` fails for a registered name that is in neither.

Import only where PyTorch is installed (the parity tests skip before importing it).
"""

import torch

from backproplab.nn import ACTIVATIONS, LAYERS, LOSSES
from backproplab.optim import OPTIMIZERS, SCHEDULES

KINDS = ("activation", "loss", "optimizer", "schedule", "layer")

# Where the class of the same name is looked up, per kind.
NAMESPACES = {
    "activation": torch.nn,
    "loss": torch.nn,
    "layer": torch.nn,
    "optimizer": torch.optim,
    "schedule": torch.optim.lr_scheduler,
}


def _softmax():
    return torch.nn.Softmax(dim=-1)  # backproplab's Softmax normalises the last axis


def _momentum(params, lr=0.1, momentum=0.9, **options):
    return torch.optim.SGD(params, lr=lr, momentum=momentum, **options)


def _nesterov(params, lr=0.1, momentum=0.9, **options):
    return torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=True, **options)


def _half_sse(reduction="mean"):
    """torch.nn has no half sum of squares: 1/2 MSELoss(reduction='sum'), divided by the samples for 'mean'."""
    squares = torch.nn.MSELoss(reduction="sum")

    def loss(output, target):
        half = 0.5 * squares(output, target)
        return half / output.shape[0] if reduction == "mean" else half

    return loss


def _constant(optimizer):
    return torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0)  # PyTorch's default factor is 1/3


def _onecycle(optimizer, **options):
    """PyTorch's OneCycleLR takes max_lr explicitly and also cycles Adam's beta1 unless told not to."""
    return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=optimizer.param_groups[0]["lr"],
                                               cycle_momentum=False, **options)


# Counterparts that are not simply the class of the same name called with the same arguments.
EXPLICIT = {
    "activation": {"softmax": _softmax},
    "loss": {"half_sse": _half_sse},
    "optimizer": {"momentum": _momentum, "nesterov": _nesterov},  # functions: SGD with momentum 0.9 by default
    "schedule": {"constant": _constant, "onecycle": _onecycle},
    "layer": {"Softmax": _softmax},
}

# Registered names that have no PyTorch counterpart, each with the reason. Today every name has one.
NO_COUNTERPART = {kind: {} for kind in KINDS}


def registry(kind):
    """The registry of ``kind``."""
    return {"activation": ACTIVATIONS, "loss": LOSSES, "optimizer": OPTIMIZERS, "schedule": SCHEDULES,
            "layer": LAYERS}[kind]


def library_names(kind):
    """The registered names of ``kind`` that belong to backproplab, read from its registry now.

    LAYERS fills itself with every Module subclass as it is defined, a test's helper
    subclass too (``ReseededDropout`` in test_gradcheck); of layers only the library's
    own count. The other registries hold what was registered explicitly.
    """
    names = registry(kind).names()
    if kind == "layer":
        names = [name for name in names if registry(kind)[name].__module__.split(".")[0] == "backproplab"]
    return list(names)


def parity_names(kind):
    """The registered names of ``kind`` that the parity tests compare with PyTorch, in registry order."""
    return [name for name in library_names(kind) if name not in NO_COUNTERPART[kind]]


def torch_counterpart(kind, name):
    """The PyTorch class (or factory) that ``name`` of ``kind`` is compared with; KeyError when there is none."""
    if name in EXPLICIT[kind]:
        return EXPLICIT[kind][name]
    entry = registry(kind)[name]
    found = getattr(NAMESPACES[kind], getattr(entry, "__name__", ""), None)
    if not isinstance(found, type):
        raise KeyError(f"no PyTorch counterpart for {kind} {name!r}: torch has no {entry.__name__} in "
                       f"{NAMESPACES[kind].__name__}; add one to EXPLICIT or a reason to NO_COUNTERPART")
    return found


def uncovered(kind):
    """Registered names of ``kind`` with neither a counterpart nor a reason in NO_COUNTERPART."""
    missing = []
    for name in library_names(kind):
        if name in NO_COUNTERPART[kind]:
            continue
        try:
            torch_counterpart(kind, name)
        except KeyError:
            missing.append(name)
    return missing
