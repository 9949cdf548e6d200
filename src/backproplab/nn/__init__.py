"""Layers, activations, losses and containers, each with a hand-written backward.

Every layer and loss is imported here by name, so editors and type checkers see each one;
``tests/test_typing.py`` checks that the list below holds every entry of the registries its
definitions join (``LAYERS``: every public Module subclass, by class name; ``LOSSES``: every
loss, by its CLI name).
"""

from .activations import ACTIVATIONS, Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh, get_activation
from .batchnorm import BatchNorm1d, BatchNorm2d
from .conv import Conv2d
from .dropout import Dropout
from .flatten import Flatten
from .init import BIAS_INITIALIZERS, INITIALIZERS
from .linear import Linear
from .losses import LOSSES, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HalfSSELoss, Loss, MSELoss, get_loss
from .module import LAYERS, Module, Parameter, Sequential
from .pooling import AvgPool2d, MaxPool2d
from .summary import summary
from .weighted_loss import SampleWeightedLoss

__all__ = [
    "ACTIVATIONS", "BIAS_INITIALIZERS", "INITIALIZERS", "LAYERS", "LOSSES",
    "AvgPool2d", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d", "Conv2d", "CrossEntropyLoss",
    "Dropout", "Flatten", "HalfSSELoss", "Identity", "LeakyReLU", "Linear", "Loss", "MSELoss", "MaxPool2d",
    "Module", "Parameter", "ReLU", "SampleWeightedLoss", "Sequential", "Sigmoid", "Softmax", "Tanh",
    "get_activation", "get_loss", "summary",
]
