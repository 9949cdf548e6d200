"""Training: the fit loop, its History and callbacks."""

from .callbacks import Callback, PrintProgress, TargetAccuracy, format_epoch
from .fit import DivergenceWarning, evaluate, fit
from .history import History

__all__ = ["Callback", "DivergenceWarning", "History", "PrintProgress", "TargetAccuracy",
           "evaluate", "fit", "format_epoch"]
