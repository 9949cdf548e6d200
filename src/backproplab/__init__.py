"""backproplab: neural networks from scratch in NumPy, with backpropagation you can read.

The engine (``nn``, ``optim``, ``data``, ``training``, ``gradcheck``,
``model_file``) imports only NumPy and the standard library. Every layer,
loss, optimizer and schedule class is importable from here by its class name:
the lists below are read from the registries, not kept by hand.
"""

from . import data, nn, optim, training
from .errors import BackproplabError, ConfigError, ModelFileError
from .gradcheck import gradcheck
from .model_file import load_model, save_model
from .nn import *  # noqa: F403 (nn.__all__: Module, Parameter, summary and every registered layer and loss)
from .optim import OPTIMIZERS, SCHEDULES
from .tracing import trace
from .training import (BatchProgress, Callback, Checkpoint, EarlyStopping, GradientNorms, History, PrintProgress,
                       TargetAccuracy, evaluate, fit, predict_output)
from .version import __version__

# The optimizer and schedule classes (the registries also hold factories such as momentum_sgd).
_OPTIM_CLASSES = {obj.__name__: obj for obj in (*OPTIMIZERS.values(), *SCHEDULES.values()) if isinstance(obj, type)}
globals().update(_OPTIM_CLASSES)

__all__ = [
    "BackproplabError", "BatchProgress", "Callback", "Checkpoint", "ConfigError", "EarlyStopping", "GradientNorms",
    "History", "ModelFileError", "PrintProgress", "TargetAccuracy", "__version__", "data", "evaluate", "fit",
    "gradcheck", "load_model", "nn", "optim", "predict_output", "save_model", "trace", "training",
    *(name for name in nn.__all__ if name not in ("ACTIVATIONS", "INITIALIZERS", "LAYERS", "LOSSES")),
    *sorted(_OPTIM_CLASSES),
]
