"""Training: one step, the fit loop over it, its History, callbacks and checkpoints."""

from .callbacks import (BatchProgress, Callback, EarlyStopping, KerasProgress, PrintProgress, TargetAccuracy,
                        TargetLoss, format_epoch)
from .checkpoint import Checkpoint, read_checkpoint, restore
from .evaluate import evaluate, predict_output
from .diagnosis import Diagnosis, diagnose
from .fit import DivergenceWarning, fit
from .gradient_norms import GradientNorms
from .history import History
from .step import WeightPenalty, train_step
from .test_scores import EpochTestScores

__all__ = ["BatchProgress", "Callback", "Checkpoint", "Diagnosis", "DivergenceWarning", "EarlyStopping",
           "EpochTestScores", "GradientNorms", "History", "KerasProgress", "PrintProgress", "TargetAccuracy",
           "TargetLoss", "WeightPenalty", "diagnose", "evaluate", "fit", "format_epoch", "predict_output", "read_checkpoint",
           "restore", "train_step"]
