"""backproplab: neural networks from scratch in NumPy, with backpropagation you can read.

The engine (``nn``, ``optim``, ``data``, ``training``, ``gradcheck``,
``model_file``) imports only NumPy and the standard library. Every layer,
loss, optimizer and schedule class is imported here by name, so editors and
type checkers see each one; ``tests/test_typing.py`` checks that none is missing.
"""

from . import data, nn, optim, training
from .errors import BackproplabError, ConfigError, ModelFileError
from .gradcheck import gradcheck
from .model_file import load_model, save_model
from .nn import (AvgPool2d, BatchNorm1d, BatchNorm2d, BCELoss, BCEWithLogitsLoss, Conv2d, CrossEntropyLoss, Dropout,
                 Flatten, HalfSSELoss, Identity, LeakyReLU, Linear, Loss, MaxPool2d, Module, MSELoss, Parameter,
                 ReLU, SampleWeightedLoss, Sequential, Sigmoid, Softmax, Tanh, get_activation, get_loss, summary)
from .nn import BIAS_INITIALIZERS
from .optim import (OPTIMIZERS, SCHEDULES, SGD, Adagrad, Adam, AdamW, ConstantLR, CosineAnnealingLR, ExponentialLR,
                    OneCycleLR, ReduceLROnPlateau, RMSprop, StepLR)
from .tracing import trace
from .training import (BatchProgress, Callback, Checkpoint, EarlyStopping, GradientNorms, History, PrintProgress,
                       TargetAccuracy, evaluate, fit, predict_output)
from .version import __version__

__all__ = [
    "BackproplabError", "BatchProgress", "Callback", "Checkpoint", "ConfigError", "EarlyStopping", "GradientNorms",
    "History", "ModelFileError", "PrintProgress", "TargetAccuracy", "__version__", "data", "evaluate", "fit",
    "gradcheck", "load_model", "nn", "optim", "predict_output", "save_model", "trace", "training",
    # from nn
    "AvgPool2d", "BIAS_INITIALIZERS", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d", "Conv2d",
    "CrossEntropyLoss", "Dropout", "Flatten", "HalfSSELoss", "Identity", "LeakyReLU", "Linear", "Loss",
    "MSELoss", "MaxPool2d", "Module", "Parameter", "ReLU", "SampleWeightedLoss", "Sequential", "Sigmoid",
    "Softmax", "Tanh", "get_activation", "get_loss", "summary",
    # from optim
    "OPTIMIZERS", "SCHEDULES", "Adagrad", "Adam", "AdamW", "ConstantLR", "CosineAnnealingLR", "ExponentialLR",
    "OneCycleLR", "RMSprop", "ReduceLROnPlateau", "SGD", "StepLR",
]
