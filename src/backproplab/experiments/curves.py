"""A run's per-epoch series as a sweep keeps them: a hundred epochs at most, 4 significant digits.

A sweep's ``results.jsonl`` keeps, for every run, its loss and accuracy (with the epochs they
are at, ``curve_epochs``) and each layer's weight-gradient norm. Kept for every epoch, 60 runs
of 2,000 epochs make a 4 MB file; kept at ``MAX_POINTS`` epochs spread evenly over the run, the
curves look the same at a figure's width and the file is about a twelfth of that. Every run of
the same length keeps the same epochs, so the seeds of a setting can be drawn as one band.
"""

from __future__ import annotations

import math

import numpy as np

MAX_POINTS = 100  # epochs kept per run and series: more than a figure's panel has pixels to tell apart


def curve_grid(epochs: int) -> list[int]:
    """The epochs kept of a run of ``epochs`` epochs: MAX_POINTS spread evenly from 1 to the last (all of
    them when there are fewer)."""
    return sorted({int(e) for e in np.linspace(1, epochs, min(epochs, MAX_POINTS)).round()})


def _short(value: float | None) -> float | None:
    """``value`` to 4 significant digits; None when it is not finite (JSON has no NaN)."""
    return float(f"{value:.4g}") if value is not None and math.isfinite(value) else None


def compact_curves(history, epochs: int) -> dict:
    """A run's loss and accuracy: ``{"curve_epochs": [...], "loss": [...], "accuracy": [...]}`` at the epochs
    of ``curve_grid(epochs)`` the run reached (``epochs``: the length it was set to train for)."""
    grid = set(curve_grid(epochs))
    keep = [i for i, epoch in enumerate(history.epoch) if epoch in grid]
    return {"curve_epochs": [history.epoch[i] for i in keep], "loss": [_short(history.loss[i]) for i in keep],
            "accuracy": [_short(history.accuracy[i]) for i in keep]}


def compact_norms(norms: dict, epochs: int) -> dict:
    """GradientNorms.norms (one value per epoch from epoch 1): ``{"epoch": [...], "W1": [...], ...}`` at the
    epochs of ``curve_grid(epochs)`` measured; {} when none was."""
    if not norms or not next(iter(norms.values())):
        return {}
    measured = len(next(iter(norms.values())))
    keep = [epoch - 1 for epoch in curve_grid(epochs) if epoch <= measured]
    out: dict = {"epoch": [i + 1 for i in keep]}
    out.update({name: [_short(values[i]) for i in keep] for name, values in norms.items()})
    return out


def curve_epochs(record: dict) -> list[int]:
    """The epochs a result record's loss and accuracy are at: its ``curve_epochs``, or every epoch from 1 (a
    record written before curves were kept compact)."""
    return record.get("curve_epochs") or list(range(1, len(record["loss"]) + 1))
