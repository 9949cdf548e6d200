"""What ``run_sweep`` returns: the sweep's run records, shown in a few lines, and as a pandas table."""

from __future__ import annotations

import math

import numpy as np

from .gradients import MAX_POINTS
from .spec import SweepSpec
from .summary import summarize

# The numbers of a record that a table of runs shows, one column each (the curves are not one number).
METRICS = ("test_accuracy", "test_loss", "train_accuracy", "final_loss", "epochs", "seconds", "diverged",
           "diagnosis", "epochs_to_target", "seconds_to_target", "left_target_at")
# A record's per-epoch series: a run's loss, accuracy and weight-gradient norms.
CURVES = ("loss", "accuracy", "gradient_norms")


class SweepResults(list):
    """The records of a sweep's runs, in run order (a list of dicts, as ``read_results`` reads them), with
    ``spec`` and ``folder``; its repr is a few lines, not every curve.

    ``to_dataframe()``: one row per run, one column per varied option and per metric.
    ``curves()``: one row per run and epoch, with its loss and accuracy.
    """

    def __init__(self, spec: SweepSpec, folder: str, records: list[dict]):
        super().__init__(records)
        self.spec, self.folder = spec, str(folder)

    def __repr__(self) -> str:
        spec, seeds = self.spec, self.spec.seeds
        lines = [f"SweepResults: {len(self)} runs in {self.folder!r}: {len(spec.points())} settings"
                 f"{' of ' + ' x '.join(spec.vary) if spec.vary else ''}, {seeds} seed{'' if seeds == 1 else 's'}"]
        rows = [row for row in summarize(spec, self) if row["seeds"]]
        for row in sorted(rows, key=lambda r: -(r["test_accuracy_mean"] or 0.0))[:5]:
            lines.append(f"  {row['label']}: test accuracy {row['test_accuracy_mean']:.3f}"
                         f" +- {row['test_accuracy_std']:.3f}")
        if len(rows) > 5:
            lines.append(f"  ... {len(rows) - 5} more settings")
        lines.append("  .to_dataframe(): a row per run; .curves(): a row per run and epoch")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        """IPython shows the repr above, not the list of records."""
        printer.text(repr(self))

    def to_dataframe(self):
        """A pandas DataFrame: one row per run; columns ``key``, each varied option, ``seed``, then the metrics."""
        import pandas as pd

        return pd.DataFrame([{"key": r["key"], **_flat_point(r["point"]), "seed": r["seed"],
                              **{m: r.get(m) for m in METRICS}} for r in self],
                            columns=["key", *self.spec.vary, "seed", *METRICS])

    def curves(self):
        """A pandas DataFrame: one row per run and epoch; ``key``, each varied option, ``seed``, ``epoch``,
        ``loss`` and ``accuracy``."""
        import pandas as pd

        rows = [{"key": r["key"], **_flat_point(r["point"]), "seed": r["seed"], "epoch": epoch, "loss": loss,
                 "accuracy": accuracy}
                for r in self for epoch, loss, accuracy in zip(_epochs(r), r["loss"], r["accuracy"])]
        return pd.DataFrame(rows, columns=["key", *self.spec.vary, "seed", "epoch", "loss", "accuracy"])

def _flat_point(point: dict) -> dict:
    """A grid point with list values (hidden layer widths) as text, so each option is one column of scalars."""
    return {name: " ".join(map(str, value)) if isinstance(value, list) else value for name, value in point.items()}


def _epochs(record: dict) -> list[int]:
    """The epochs a record's loss and accuracy are at: its own list, or 1, 2, ... for every epoch."""
    return record.get("curve_epochs") or list(range(1, len(record["loss"]) + 1))


def curve_grid(epochs: int) -> list[int]:
    """The epochs a run of ``epochs`` epochs keeps of its curves: MAX_POINTS spread evenly from 1 to the last,
    the same for every run of that length, so the seeds of a setting can be drawn as one band."""
    return sorted({int(e) for e in np.linspace(1, epochs, min(epochs, MAX_POINTS)).round()})


def compact_curves(history, epochs: int) -> dict:
    """A run's loss and accuracy as a sweep keeps them: ``{"curve_epochs": [...], "loss": [...], "accuracy":
    [...]}`` at the epochs of ``curve_grid(epochs)`` it reached, 4 significant digits (None: not finite)."""
    grid = set(curve_grid(epochs))
    keep = [i for i, epoch in enumerate(history.epoch) if epoch in grid]
    short = lambda v: float(f"{v:.4g}") if v is not None and math.isfinite(v) else None  # noqa: E731
    return {"curve_epochs": [history.epoch[i] for i in keep], "loss": [short(history.loss[i]) for i in keep],
            "accuracy": [short(history.accuracy[i]) for i in keep]}
