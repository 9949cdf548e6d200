"""backproplab: neural networks from scratch in NumPy, with backpropagation you can read.

The engine (``nn``, ``optim``, ``data``, ``training``, ``gradcheck``,
``model_file``) imports only NumPy and the standard library. Every layer,
loss, optimizer and schedule class is named here, so editors and type
checkers see each one; ``tests/test_typing.py`` checks that none is missing.

A name is imported on its first use (``backproplab.Linear`` imports ``nn``),
not when the package loads: 'backproplab --help' then starts without NumPy.
"""

import importlib
import sys
import types
from typing import TYPE_CHECKING

from .errors import BackproplabError, ConfigError, ModelFileError
from .version import __version__

if TYPE_CHECKING:  # what the names below are, for editors and type checkers
    from . import data, nn, optim, training
    from .gradcheck import gradcheck
    from .model_file import load_model, save_model
    from .nn import (AvgPool2d, BatchNorm1d, BatchNorm2d, BCELoss, BCEWithLogitsLoss, Conv2d, CrossEntropyLoss,
                     Dropout, Flatten, HalfSSELoss, Identity, LeakyReLU, Linear, Loss, MaxPool2d, Module, MSELoss,
                     Parameter, ReLU, SampleWeightedLoss, Sequential, Sigmoid, Softmax, Tanh, get_activation,
                     get_loss, summary)
    from .nn import BIAS_INITIALIZERS
    from .optim import (OPTIMIZERS, SCHEDULES, SGD, Adagrad, Adam, AdamW, ConstantLR, CosineAnnealingLR,
                        ExponentialLR, OneCycleLR, ReduceLROnPlateau, RMSprop, StepLR)
    from .tracing import trace
    from .training import (BatchProgress, Callback, Checkpoint, EarlyStopping, GradientNorms, History,
                           PrintProgress, TargetAccuracy, evaluate, fit, predict_output)

_FROM_NN = ("AvgPool2d", "BIAS_INITIALIZERS", "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d", "Conv2d",
            "CrossEntropyLoss", "Dropout", "Flatten", "HalfSSELoss", "Identity", "LeakyReLU", "Linear", "Loss",
            "MSELoss", "MaxPool2d", "Module", "Parameter", "ReLU", "SampleWeightedLoss", "Sequential", "Sigmoid",
            "Softmax", "Tanh", "get_activation", "get_loss", "summary")
_FROM_OPTIM = ("OPTIMIZERS", "SCHEDULES", "Adagrad", "Adam", "AdamW", "ConstantLR", "CosineAnnealingLR",
               "ExponentialLR", "OneCycleLR", "RMSprop", "ReduceLROnPlateau", "SGD", "StepLR")
_FROM_TRAINING = ("BatchProgress", "Callback", "Checkpoint", "EarlyStopping", "GradientNorms", "History",
                  "PrintProgress", "TargetAccuracy", "evaluate", "fit", "predict_output")
# name -> the module that defines it, imported on the name's first use
_LAZY = {**dict.fromkeys(_FROM_NN, ".nn"), **dict.fromkeys(_FROM_OPTIM, ".optim"),
         **dict.fromkeys(_FROM_TRAINING, ".training"), "gradcheck": ".gradcheck", "load_model": ".model_file",
         "save_model": ".model_file", "trace": ".tracing"}
_SUBPACKAGES = ("data", "nn", "optim", "training")

__all__ = [
    "BackproplabError", "ConfigError", "ModelFileError", "__version__", "data", "gradcheck", "load_model", "nn",
    "optim", "save_model", "trace", "training", *_FROM_TRAINING, *_FROM_NN, *_FROM_OPTIM,
]


def __getattr__(name):
    """``backproplab.NAME``: the subpackage or the name from its module, imported now and kept."""
    if name in _SUBPACKAGES:
        value = importlib.import_module(f".{name}", __name__)
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """This package's module: importing ``backproplab.gradcheck`` (the module) leaves ``backproplab.gradcheck``
    the function. Python binds a submodule to its package's attribute of the same name, which the eager
    ``from .gradcheck import gradcheck`` used to undo."""

    def __setattr__(self, name, value):
        if not (isinstance(value, types.ModuleType) and name in _LAZY):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
