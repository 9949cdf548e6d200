"""Layers, activations, losses and containers, each with a hand-written backward.

Every layer and loss is importable from here by its class name, read from the
registries its definition joins (``LAYERS``: every public Module subclass, by
class name; ``LOSSES``: every loss, by its CLI name), so a new class needs no
list here. A new *module* of layers is added to the import line below.
"""

from . import activations, batchnorm, conv, dropout, flatten, linear, losses, pooling  # noqa: F401 (they register)
from .activations import ACTIVATIONS, get_activation
from .init import BIAS_INITIALIZERS, INITIALIZERS
from .losses import LOSSES, get_loss
from .module import LAYERS, Module, Parameter, Sequential
from .summary import summary
from .weighted_loss import SampleWeightedLoss

_CLASSES = {cls.__name__: cls for cls in (*LAYERS.values(), *LOSSES.values())}
globals().update(_CLASSES)

__all__ = [
    "ACTIVATIONS", "BIAS_INITIALIZERS", "INITIALIZERS", "LAYERS", "LOSSES", "Module", "Parameter", "Sequential",
    "SampleWeightedLoss", "get_activation", "get_loss", "summary", *sorted(set(_CLASSES) - {"Sequential"}),
]
