"""Figures and summary files of a finished sweep."""

import json
import os

import numpy as np

from .. import plots
from ..atomic import write_json, write_text
from ..model_file import load_model
from ..nn import get_loss
from ..outputs import positive_class_scores
from ..run import make_data
from .gradients import write_gradient_grid
from .spec import model_file_name, point_label, point_record, run_key
from .summary import sentences, summarize, table


def write_sweep_outputs(spec, folder, results, seed=0):
    """summary.json, summary.md, curves.png, accuracy.png and (2-D data) boundaries.png; returns the rows.

    The decision boundaries are those of the networks trained with ``seed``.
    """
    rows = summarize(spec, results)
    title = spec.title or "sweep"
    curves, bars = {}, {}
    for point, row in zip(spec.points(), rows):
        wanted = point_record(point)
        panel, label = _panel_and_label(spec, point)
        curves.setdefault(panel, []).append((label, [r["loss"] for r in results if r["point"] == wanted]))
        bars.setdefault(panel, []).append((label, row["test_accuracy_mean"], row["test_accuracy_std"]))
    plots.sweep_curves(list(curves.items()), os.path.join(folder, "curves.png"), title=title)
    plots.sweep_accuracy(list(bars.items()), os.path.join(folder, "accuracy.png"),
                         title=f"{title}: test accuracy over {spec.seeds} seeds")
    panels = _boundary_panels(spec, folder, seed)
    if panels:
        plots.boundaries_grid(panels, os.path.join(folder, "boundaries.png"),
                              title=f"{title}: decision boundaries, seed {seed}")
    write_gradient_grid(spec, folder, results, seed)
    write_json(os.path.join(folder, "summary.json"),
               {"spec": spec.as_dict(), "rows": rows, "findings": sentences(spec, rows)})
    lines = [f"# {title}", ""]
    if spec.question:
        lines += [spec.question, ""]
    lines += table(spec, rows) + [""] + [f"- {s}" for s in sentences(spec, rows)]
    write_text(os.path.join(folder, "summary.md"), "\n".join(lines) + "\n")
    return rows


def _panel_and_label(spec, point):
    """Settings on different data sets go to different panels; the label names the rest."""
    if "dataset" in spec.vary and len(spec.vary) > 1:
        rest = {k: v for k, v in point.items() if k != "dataset"}
        return f"dataset {point['dataset']}", point_label(rest)
    return spec.base.get("dataset", "xor") if "dataset" not in spec.vary else "", point_label(point)


def _boundary_panels(spec, folder, seed):
    panels = []
    for point in spec.points():
        config = spec.config(point, seed)
        path = os.path.join(folder, "models", model_file_name(run_key(point, seed)) + ".npz")
        if config.is_table or not os.path.exists(path):
            return []
        model, meta = load_model(path)
        model.eval()
        loss_fn = get_loss(meta["loss"])
        data = make_data(config)

        def predict(grid, model=model, loss_fn=loss_fn, dtype=config.dtype):
            with np.errstate(all="ignore"):
                scores = positive_class_scores(loss_fn, model.forward(grid.astype(dtype)))
            return np.nan_to_num(scores, nan=0.5)

        panels.append((point_label(point), predict, data.X_train, data.y_train))
    return panels
