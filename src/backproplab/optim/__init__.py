"""Optimizers and learning-rate schedules, with PyTorch's formulas and defaults."""

from ..errors import lookup
from .adaptive import Adagrad, Adam, AdamW, RMSprop
from .optimizer import Optimizer
from .schedules import (
    SCHEDULES,
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    ReduceLROnPlateau,
    Schedule,
    StepLR,
    get_schedule,
)
from .sgd import SGD, momentum_sgd, nesterov_sgd

OPTIMIZERS = {
    "sgd": SGD,
    "momentum": momentum_sgd,
    "nesterov": nesterov_sgd,
    "adagrad": Adagrad,
    "rmsprop": RMSprop,
    "adam": Adam,
    "adamw": AdamW,
}


def get_optimizer(name, params, **kwargs):
    """An optimizer from its registry name, e.g. ``get_optimizer('adam', model.parameters(), lr=0.01)``."""
    return lookup("optimizer", name, OPTIMIZERS)(params, **kwargs)


__all__ = [
    "OPTIMIZERS", "SCHEDULES", "Adagrad", "Adam", "AdamW", "ConstantLR", "CosineAnnealingLR",
    "ExponentialLR", "Optimizer", "RMSprop", "ReduceLROnPlateau", "SGD", "Schedule", "StepLR",
    "get_optimizer", "get_schedule", "momentum_sgd", "nesterov_sgd",
]
