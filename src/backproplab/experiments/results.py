"""What ``run_sweep`` returns: the sweep's run records, shown in a few lines, and as pandas tables."""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import statistics

from ..atomic import write_text
from ..errors import ConfigError
from .curves import curve_epochs
from .spec import SweepSpec, point_label, point_record

# The numbers of a record that a table of runs shows, one column each (the curves are not one number).
METRICS = ("test_accuracy", "test_loss", "train_accuracy", "final_loss", "epochs", "seconds", "diverged",
           "diagnosis", "epochs_to_target", "seconds_to_target", "left_target_at")
SHOWN = 5  # settings the repr lists, best first
CURVES_FILE = "curves.csv"
CURVE_COLUMNS = ("seed", "epoch", "loss", "accuracy")  # after the varied options


class SweepResults(list):
    """The records of a sweep's runs in run order (the dicts of ``results.jsonl``), with its ``spec`` and
    ``folder``. Shown as a few lines: the sweep and its best settings, not every curve.

    ``to_dataframe()``: one row per run, one column per varied option and per metric.
    ``curves()``: one row per run and kept epoch, with the loss and accuracy there (``curves.csv``).
    ``read_sweep(folder)`` makes one of a sweep on disk.
    """

    def __init__(self, spec: SweepSpec, folder: str, records: list[dict]):
        super().__init__(records)
        self.spec, self.folder = spec, str(folder)

    def __repr__(self) -> str:
        spec = self.spec
        settings, seeds = len(spec.points()), spec.seeds
        lines = [f"SweepResults: {len(self)} of {len(spec.runs())} runs in {self.folder!r}: {settings} setting"
                 f"{'' if settings == 1 else 's'}{' of ' + ' x '.join(spec.vary) if spec.vary else ''}, "
                 f"{seeds} seed{'' if seeds == 1 else 's'}"]
        rows = sorted(self._settings(), key=lambda row: -row[1])
        for label, mean, std, seeds in rows[:SHOWN]:
            lines.append(f"  {label}: test accuracy {100 * mean:.1f}% +- {100 * std:.1f} over {seeds} seed"
                         f"{'' if seeds == 1 else 's'}")
        if len(rows) > SHOWN:
            lines.append(f"  ... and {len(rows) - SHOWN} more settings")
        lines.append("  .to_dataframe(): a row per run; .curves(): a row per run and epoch")
        return "\n".join(lines)

    def _settings(self):
        """(label, mean test accuracy, its standard deviation, seeds) of each setting with a finished run: read
        off the records alone (the summary's chance level would read the data sets)."""
        for point in self.spec.points():
            accuracies = [r["test_accuracy"] for r in self if r["point"] == point_record(point)]
            if accuracies:
                spread = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
                yield point_label(point), statistics.fmean(accuracies), spread, len(accuracies)

    def _repr_pretty_(self, printer, cycle) -> None:
        """IPython and Jupyter show the repr above, not the list of records."""
        printer.text(repr(self))

    def to_dataframe(self):
        """A pandas DataFrame: one row per run; columns ``key``, each varied option, ``seed``, then the metrics."""
        return _pandas().DataFrame([{"key": r["key"], **_flat_point(r["point"]), "seed": r["seed"],
                              **{m: r.get(m) for m in METRICS}} for r in self],
                            columns=["key", *self.spec.vary, "seed", *METRICS])

    def curves(self):
        """A pandas DataFrame in long form, as ``curves.csv`` holds it: one row per run and kept epoch; columns
        each varied option, ``seed``, ``epoch``, ``loss`` and ``accuracy``."""
        return _pandas().DataFrame(list(curve_rows(self)), columns=[*self.spec.vary, *CURVE_COLUMNS])


def curve_rows(records):
    """One dict per run and kept epoch of ``records``: each varied option, then ``CURVE_COLUMNS``."""
    for r in records:
        options = _flat_point(r["point"])
        for epoch, loss, accuracy in zip(curve_epochs(r), r["loss"], r["accuracy"]):
            yield {**options, "seed": r["seed"], "epoch": epoch, "loss": loss, "accuracy": accuracy}


def write_curves_csv(spec: SweepSpec, folder: str, records: list[dict]) -> str:
    """``folder/curves.csv``: the runs' curves a row per run and kept epoch (``curve_rows``), which
    ``pandas.read_csv`` reads as it is; an empty loss is one that was not finite."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=[*spec.vary, *CURVE_COLUMNS], lineterminator="\n")
    writer.writeheader()
    writer.writerows(curve_rows(records))
    path = os.path.join(folder, CURVES_FILE)
    write_text(path, text.getvalue())
    return path


def _pandas():
    """pandas, imported when a table is asked for; one line saying how to install it when it is missing."""
    if importlib.util.find_spec("pandas") is None:
        raise ConfigError("a sweep's tables need pandas; install it with: pip install 'backproplab[pandas]'")
    import pandas

    return pandas


def _flat_point(point: dict) -> dict:
    """A grid point with list values (hidden layer widths) as text, so each option is one column of scalars."""
    return {name: "-".join(map(str, value)) if isinstance(value, list) else value for name, value in point.items()}
