"""Gradient norms in a sweep: drawn side by side, said in one sentence (``curves`` keeps them compact)."""

import os
import statistics

from ..plots.network import gradient_norms_grid, gradients_worth_drawing
from .spec import point_label, point_record


def epoch_one_ratio(norms):
    """The output layer's weight-gradient norm over the first layer's, at epoch 1 (None if unknown)."""
    names = [k for k in norms if k != "epoch"]
    if len(names) < 2 or not norms[names[0]] or not norms[names[-1]]:
        return None
    first, last = norms[names[0]][0], norms[names[-1]][0]
    if not (isinstance(first, (int, float)) and isinstance(last, (int, float)) and first > 0):
        return None  # a layer whose norm was not finite (a diverged run): no ratio to speak of
    return last / first


def median_ratio(runs):
    ratios = [r for r in (epoch_one_ratio(run.get("gradient_norms") or {}) for run in runs) if r is not None]
    return statistics.median(ratios) if ratios else None


def vanishing_sentence(rows):
    """One sentence on how much smaller the first layer's gradient starts than the output layer's."""
    rows = [r for r in rows if r.get("gradient_ratio") is not None]
    if len(rows) < 2 or max(r["gradient_ratio"] for r in rows) < 100:  # nothing vanishing to speak of
        return None
    worst = max(rows, key=lambda r: r["gradient_ratio"])
    best = min(rows, key=lambda r: r["gradient_ratio"])
    best_ratio = best["gradient_ratio"]
    contrast = (f"only {best_ratio:.2g} times smaller" if best_ratio >= 1 else f"{1 / best_ratio:.2g} times larger")
    return (f"At epoch 1 the first layer's weight gradient is {worst['gradient_ratio']:,.0f} times smaller than the "
            f"output layer's with {worst['label']}, but {contrast} with {best['label']} (medians over seeds): "
            "the gradient shrinks at every saturating layer it passes on its way down.")


def write_gradient_grid(spec, folder, results, seed=0):
    """gradients.png: each setting's gradient norms (the run with ``seed``) side by side; None without any,
    or where no setting's network is deep enough for them to show something (see gradients_worth_drawing)."""
    panels = []
    for point in spec.points():
        run = next((r for r in results if r["point"] == point_record(point) and r["seed"] == seed), None)
        if not run or not run.get("gradient_norms"):
            return None
        panels.append((point_label(point), run["gradient_norms"]))
    if not any(gradients_worth_drawing(norms) for _, norms in panels):
        return None
    path = os.path.join(folder, "gradients.png")
    columns = len(spec.vary[list(spec.vary)[-1]]) if len(spec.vary) == 2 else None
    gradient_norms_grid(panels, path, title=f"{spec.title or 'sweep'} (weight-gradient norm of each layer, seed {seed})",
                        columns=columns)
    return path
