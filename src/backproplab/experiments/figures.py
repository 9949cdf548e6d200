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
from .curves import curve_epochs
from .gradients import write_gradient_grid
from .results import write_curves_csv
from .spec import model_file_name, point_label, point_record, run_key
from .summary import sentences, summarize
from .summary_table import table


def write_sweep_outputs(spec, folder, results, seed=0):
    """summary.json, summary.md, curves.png, accuracy.png, curves.csv and (2-D data) boundaries.png; returns
    the rows.

    The decision boundaries are those of the networks trained with ``seed``.
    """
    rows = summarize(spec, results)
    title = spec.title or "sweep"
    line_option, columns = _layout(spec)
    curves, bars, chance = {}, {}, {}
    for point, row in zip(spec.points(), rows):
        wanted = point_record(point)
        runs = [r for r in results if r["point"] == wanted]
        panel, label = _panel_and_label(spec, point, line_option)
        longest = max(runs, key=lambda r: len(r["loss"]), default={"loss": []})  # its epochs label the band
        curves.setdefault(panel, []).append((label, [r["loss"] for r in runs], curve_epochs(longest)))
        bars.setdefault(panel, []).append((label, [r["test_accuracy"] for r in runs]))
        chance.setdefault(panel, row["chance"])
    plots.sweep_curves(list(curves.items()), os.path.join(folder, "curves.png"), title=_titled(title, "training loss"),
                       columns=columns, option=line_option)
    seeds = f"{spec.seeds} seed{'' if spec.seeds == 1 else 's'}"
    plots.sweep_accuracy([(panel, group, chance[panel]) for panel, group in bars.items()],
                         os.path.join(folder, "accuracy.png"), title=_titled(title, f"test accuracy over {seeds}"),
                         columns=columns, option=line_option)
    panels = _boundary_panels(spec, folder, seed)
    if panels:
        plots.boundaries_grid(panels, os.path.join(folder, "boundaries.png"),
                              title=_titled(title, f"decision boundaries, seed {seed}"))
    write_gradient_grid(spec, folder, results, seed)
    write_curves_csv(spec, folder, results)
    write_json(os.path.join(folder, "summary.json"),
               {"spec": spec.as_dict(), "rows": rows, "findings": sentences(spec, rows)})
    lines = [f"# {title}", ""]
    if spec.question:
        lines += [spec.question, ""]
    lines += table(spec, rows) + [""] + [f"- {s}" for s in sentences(spec, rows)]
    write_text(os.path.join(folder, "summary.md"), "\n".join(lines) + "\n")
    return rows


def _titled(title, what):
    """'Sweep of lr: training loss'; after a question, 'What does the learning rate do? Training loss'."""
    return f"{title} {what[0].upper()}{what[1:]}" if title.endswith(("?", "!", ".")) else f"{title}: {what}"


def _layout(spec):
    """The option whose values are a panel's lines (the first varied one besides the data set), and the
    columns of the grid of panels: when panels differ in two ways (say data set and a second option),
    one column per value of the last option, so that each row is one value of the other."""
    others = [name for name in spec.vary if name != "dataset"]
    line_option = others[0] if others else None
    two_ways = len(others) + ("dataset" in spec.vary) >= 3
    columns = len(spec.vary[others[-1]]) if two_ways and len(spec.vary[others[-1]]) <= 4 else None
    return line_option, columns


def _panel_and_label(spec, point, line_option):
    """A setting's panel (its data set and every varied option but ``line_option``) and its label in it:
    its value of ``line_option`` ('0.1' for lr 0.1)."""
    dataset = {} if "dataset" in spec.vary else {"dataset": spec.base.get("dataset", "xor")}
    rest = {**dataset, **{k: v for k, v in point.items() if k != line_option}}
    panel = point_label(rest).removeprefix("dataset ")
    if line_option is None:
        return panel, "one setting"
    return panel, point_label({line_option: point[line_option]}).removeprefix(f"{line_option} ")


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
