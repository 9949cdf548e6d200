"""Optimizers and learning-rate schedules, with PyTorch's formulas and defaults.

Every registered optimizer and schedule is importable from here by its own name, read from
the registries its definition joins (``OPTIMIZERS``, ``SCHEDULES``), so a new one needs no
list here. A new *module* of optimizers is added to the import line below.
"""

from . import sgd, adaptive, schedules  # noqa: F401 (they register; sgd first: the registry lists sgd first)
from .optimizer import OPTIMIZERS, Optimizer
from .schedules import SCHEDULES, Schedule, get_schedule


def get_optimizer(name, params, **kwargs):
    """An optimizer from its registry name, e.g. ``get_optimizer('adam', model.parameters(), lr=0.01)``."""
    return OPTIMIZERS.get(name)(params, **kwargs)


_ENTRIES = {entry.__name__: entry for entry in (*OPTIMIZERS.values(), *SCHEDULES.values())}
globals().update(_ENTRIES)

__all__ = ["OPTIMIZERS", "SCHEDULES", "Optimizer", "Schedule", "get_optimizer", "get_schedule", *sorted(_ENTRIES)]
