"""Layers, activations, losses and containers, each with a hand-written backward."""

from .batchnorm import BatchNorm1d, BatchNorm2d
from .conv import Conv2d
from .dropout import Dropout
from .flatten import Flatten
from .pooling import AvgPool2d, MaxPool2d
from .activations import ACTIVATIONS, Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh, get_activation
from .init import INITIALIZERS
from .linear import Linear
from .losses import LOSSES, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, get_loss
from .module import Module, Parameter, Sequential, summary

# Every layer type a model file may name; loading rebuilds models from this table.
LAYERS = {cls.__name__: cls for cls in (
    Linear, Sigmoid, Tanh, ReLU, LeakyReLU, Identity, Softmax,
    Conv2d, MaxPool2d, AvgPool2d, Flatten, Dropout, BatchNorm1d, BatchNorm2d,
)}

__all__ = [
    "ACTIVATIONS", "INITIALIZERS", "LAYERS", "LOSSES", "AvgPool2d", "BCELoss", "BCEWithLogitsLoss",
    "BatchNorm1d", "BatchNorm2d", "Conv2d", "Dropout", "Flatten", "MaxPool2d",
    "CrossEntropyLoss", "Identity", "LeakyReLU", "Linear", "MSELoss", "Module", "Parameter",
    "ReLU", "Sequential", "Sigmoid", "Softmax", "Tanh", "get_activation", "get_loss", "summary",
]
