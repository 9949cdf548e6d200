"""Training: the fit loop, its History, callbacks and checkpoints."""

from .callbacks import (BatchProgress, Callback, EarlyStopping, KerasProgress, PrintProgress, TargetAccuracy,
                        format_epoch)
from .checkpoint import Checkpoint, read_checkpoint, restore
from .evaluate import evaluate, predict_output
from .diagnosis import Diagnosis, diagnose
from .fit import DivergenceWarning, fit
from .gradient_norms import GradientNorms
from .history import History

__all__ = ["BatchProgress", "Callback", "Checkpoint", "Diagnosis", "DivergenceWarning", "EarlyStopping", "GradientNorms", "History",
           "KerasProgress", "PrintProgress", "TargetAccuracy", "diagnose", "evaluate", "fit", "format_epoch", "predict_output",
           "read_checkpoint", "restore"]
