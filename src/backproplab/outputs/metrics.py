"""metrics.json: what one run reports about itself."""

import json
import os
import platform
import sys

import matplotlib
import numpy as np

from ..atomic import write_json
from ..data import count_batches
from ..version import __version__


def loss_text(value):
    """A loss as the run's lines print it: 5 decimals, or 5 significant digits once it is too large for them
    to read (a diverged run's 1e210, not 210 digits)."""
    return f"{value:.5f}" if abs(value) < 1e6 else f"{value:.5g}"


def versions():
    """The versions of backproplab, NumPy, matplotlib and Python that made a run."""
    return {"backproplab": __version__, "numpy": np.__version__, "matplotlib": matplotlib.__version__,
            "python": platform.python_version()}


def how_training_measured(n_train, batch_size, dropout):
    """How a run's training loss and accuracy were measured during an epoch: 'each batch before its
    update, with dropout' (mean over the batches), or 'before its update' for one full batch.

    Not the network at the end of the epoch: its first batches were scored by earlier weights, and
    dropout silences units that a test leaves on, so on images these lag the validation numbers."""
    before = "before its update" if count_batches(n_train, batch_size) == 1 else "each batch before its update"
    return before + (", with dropout" if dropout else "")


def write_divergence(run, write):
    """The divergence's error, at once: the figures of a diverged run may fail to draw, and this says why."""
    if run.history.diverged:
        write(f"error: {run.history.message}")


def write_diagnosis(metrics, write):
    """The line that ends the output of a run that went wrong without diverging, read off its
    ``metrics``: what happened, its likely cause and a fix. Nothing when it went well or diverged
    (``write_divergence`` has said so)."""
    if metrics["diagnosis"] is not None and not metrics["diverged"]:
        write(f"diagnosis: {metrics['diagnosis']['message']}")


def run_metrics(config, data, history, test_loss, test_accuracy, diagnosis=None):
    """The metrics.json fields every run shares: results, sizes, how it ended, config, history, versions.

    ``diagnosis`` (a training.Diagnosis) is stored as {kind, seen, cause, fix, message}, None when
    training went well.
    """
    return {
        "dataset": config.dataset,
        "test_accuracy": test_accuracy,
        "test_loss": test_loss if np.isfinite(test_loss) else None,
        "test_set": data.test_source,
        "n_train": int(len(data.y_train)),
        "n_test": int(len(data.y_test)),
        "final_loss": history.last("loss"),
        "train_accuracy": history.last("accuracy"),
        # what those two are: the last epoch's means, not the trained network's scores
        "train_measured": "during the last epoch (" + how_training_measured(
            len(data.y_train), config.batch_size, config.dropout) + ")",
        "epochs": history.epochs,
        "seconds": history.last("seconds") or 0.0,
        "seed": config.seed,
        "diverged": history.diverged,
        "stop_reason": history.stop_reason,
        "message": history.message,
        "diagnosis": diagnosis.as_dict() if diagnosis is not None else None,
        "config": config.as_dict(),
        "history": {k: v for k, v in history.as_dict().items() if isinstance(v, list)},
        "versions": versions(),
        "command": " ".join(sys.argv),
    }


def write_metrics(folder, metrics):
    """Write ``metrics`` to ``folder/metrics.json`` atomically, as strict JSON (NaN and inf become null)."""
    write_json(os.path.join(folder, "metrics.json"), metrics)
