"""Optimizers and learning-rate schedules, with PyTorch's formulas and defaults."""

from .optimizer import OPTIMIZERS, Optimizer
from .sgd import SGD, momentum_sgd, nesterov_sgd  # first: the registry lists sgd first
from .adaptive import Adagrad, Adam, AdamW, RMSprop
from .schedules import (
    SCHEDULES,
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    OneCycleLR,
    ReduceLROnPlateau,
    Schedule,
    StepLR,
    get_schedule,
)



def get_optimizer(name, params, **kwargs):
    """An optimizer from its registry name, e.g. ``get_optimizer('adam', model.parameters(), lr=0.01)``."""
    return OPTIMIZERS.get(name)(params, **kwargs)


__all__ = [
    "OPTIMIZERS", "SCHEDULES", "Adagrad", "Adam", "AdamW", "ConstantLR", "CosineAnnealingLR",
    "ExponentialLR", "OneCycleLR", "Optimizer", "RMSprop", "ReduceLROnPlateau", "SGD", "Schedule", "StepLR",
    "get_optimizer", "get_schedule", "momentum_sgd", "nesterov_sgd",
]
