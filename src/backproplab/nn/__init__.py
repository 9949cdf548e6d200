"""Layers, activations, losses and containers, each with a hand-written backward."""

from .activations import ACTIVATIONS, Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh, get_activation
from .init import INITIALIZERS
from .linear import Linear
from .losses import LOSSES, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, get_loss
from .module import Module, Parameter, Sequential, summary

# Every layer type a model file may name; loading rebuilds models from this table.
LAYERS = {cls.__name__: cls for cls in (Linear, Sigmoid, Tanh, ReLU, LeakyReLU, Identity, Softmax)}

__all__ = [
    "ACTIVATIONS", "INITIALIZERS", "LAYERS", "LOSSES", "BCELoss", "BCEWithLogitsLoss",
    "CrossEntropyLoss", "Identity", "LeakyReLU", "Linear", "MSELoss", "Module", "Parameter",
    "ReLU", "Sequential", "Sigmoid", "Softmax", "Tanh", "get_activation", "get_loss", "summary",
]
