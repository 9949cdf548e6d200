"""Optimizers and learning-rate schedules, with PyTorch's formulas and defaults.

Every registered optimizer and schedule is imported here by name, so editors and type checkers
see each one; ``tests/test_typing.py`` checks that the list below holds every class of the
registries their definitions join (``OPTIMIZERS``, ``SCHEDULES``).
"""

from . import sgd  # noqa: F401 (first: the registry lists sgd first)
from .adaptive import Adagrad, Adam, AdamW, RMSprop
from .optimizer import OPTIMIZERS, Optimizer
from .schedules import (SCHEDULES, ConstantLR, CosineAnnealingLR, ExponentialLR, OneCycleLR, ReduceLROnPlateau,
                        Schedule, StepLR, get_schedule)
from .sgd import SGD, momentum_sgd, nesterov_sgd


def get_optimizer(name: str, params, **kwargs) -> Optimizer:
    """An optimizer from its registry name, e.g. ``get_optimizer('adam', model.parameters(), lr=0.01)``."""
    return OPTIMIZERS.get(name)(params, **kwargs)


__all__ = [
    "OPTIMIZERS", "SCHEDULES", "Optimizer", "Schedule", "get_optimizer", "get_schedule",
    "Adagrad", "Adam", "AdamW", "RMSprop", "SGD", "momentum_sgd", "nesterov_sgd",
    "ConstantLR", "CosineAnnealingLR", "ExponentialLR", "OneCycleLR", "ReduceLROnPlateau", "StepLR",
]
