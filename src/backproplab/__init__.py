"""backproplab: neural networks from scratch in NumPy, with backpropagation you can read.

The engine (``nn``, ``optim``, ``data``, ``training``, ``gradcheck``,
``model_file``) imports only NumPy and the standard library.
"""

__version__ = "0.1.0"

from . import data, nn, optim, training  # noqa: E402
from .errors import BackproplabError, ConfigError, ModelFileError  # noqa: E402
from .gradcheck import gradcheck  # noqa: E402
from .model_file import load_model, save_model  # noqa: E402
from .nn import (  # noqa: E402
    AvgPool2d, BatchNorm1d, BatchNorm2d, BCELoss, BCEWithLogitsLoss, Conv2d, CrossEntropyLoss,
    Dropout, Flatten, Identity, LeakyReLU, Linear, MaxPool2d, Module, MSELoss, Parameter, ReLU,
    Sequential, Sigmoid, Softmax, Tanh, summary,
)
from .optim import SGD, Adagrad, Adam, AdamW, RMSprop  # noqa: E402
from .training import History, fit  # noqa: E402

__all__ = [
    "Adagrad", "Adam", "AdamW", "AvgPool2d", "BCELoss", "BCEWithLogitsLoss", "BackproplabError",
    "BatchNorm1d", "BatchNorm2d", "ConfigError", "Conv2d", "CrossEntropyLoss", "Dropout", "Flatten",
    "History", "Identity", "LeakyReLU", "Linear", "MSELoss", "MaxPool2d", "Module",
    "ModelFileError", "Parameter", "RMSprop", "ReLU", "SGD", "Sequential", "Sigmoid", "Softmax",
    "Tanh", "__version__", "data", "fit", "gradcheck", "load_model", "nn", "optim", "save_model",
    "summary", "training",
]
