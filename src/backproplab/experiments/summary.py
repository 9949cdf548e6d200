"""What a sweep found: statistics over seeds per setting, a table and plain sentences."""

import statistics

from .gradients import median_ratio, vanishing_sentence
from .spec import point_label, point_record


def _mean_std(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def summarize(spec, results):
    """One row per setting (grid point): means and standard deviations over its seeds."""
    rows = []
    for point in spec.points():
        runs = [r for r in results if r["point"] == point_record(point)]
        acc_mean, acc_std = _mean_std([r["test_accuracy"] for r in runs])
        loss_mean, loss_std = _mean_std([r["test_loss"] for r in runs])
        reached = [r for r in runs if r["epochs_to_target"] is not None]
        rows.append({
            "point": point_record(point),
            "label": point_label(point),
            "seeds": len(runs),
            "test_accuracy_mean": acc_mean, "test_accuracy_std": acc_std,
            "test_loss_mean": loss_mean, "test_loss_std": loss_std,
            "reached": len(reached),
            "epochs_to_target_median": statistics.median([r["epochs_to_target"] for r in reached]) if reached else None,
            "seconds_to_target_median": statistics.median([r["seconds_to_target"] for r in reached]) if reached else None,
            "epochs": max((r["epochs"] for r in runs), default=0),
            "diverged": sum(r["diverged"] for r in runs),
            "gradient_ratio": median_ratio(runs),  # output layer's gradient norm over the first's, epoch 1
        })
    return rows


def table(spec, rows):
    """The summary as Markdown table lines."""
    target = f"{100 * spec.target_accuracy:g}%"
    lines = [f"| setting | test accuracy (mean ± sd) | test loss (mean ± sd) | seeds reaching {target} | "
             f"epochs to {target} (median) | seconds to {target} (median) |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        acc = f"{100 * r['test_accuracy_mean']:.1f}% ± {100 * r['test_accuracy_std']:.1f}"
        loss = "diverged" if r["test_loss_mean"] is None else f"{r['test_loss_mean']:.4f} ± {r['test_loss_std']:.4f}"
        epochs = "-" if r["epochs_to_target_median"] is None else f"{r['epochs_to_target_median']:g}"
        seconds = "-" if r["seconds_to_target_median"] is None else f"{r['seconds_to_target_median']:.3f}"
        lines.append(f"| {r['label']} | {acc} | {loss} | {r['reached']} of {r['seeds']} | {epochs} | {seconds} |")
    return lines


def sentences(spec, rows):
    """Short data-derived findings, e.g. 'with lr 0.001, 0 of 5 seeds reached 100% within 2,000 epochs'."""
    target = f"{100 * spec.target_accuracy:g}%"
    said = []
    for r in rows:
        text = f"With {r['label']}, {r['reached']} of {r['seeds']} seeds reached {target} training accuracy within " \
               f"{r['epochs']:,} epochs"
        if r["epochs_to_target_median"] is not None:
            text += f" (median {r['epochs_to_target_median']:,.0f} epochs)"
        text += f"; mean test accuracy {100 * r['test_accuracy_mean']:.1f}%"
        if r["diverged"]:
            text += f"; {r['diverged']} diverged"
        said.append(text + ".")
    by_data = {}
    for r in rows:  # compare settings only on the same data
        by_data.setdefault(r["point"].get("dataset"), []).append(r)
    for dataset, group in by_data.items():
        if len(group) < 2:
            continue
        best = max(group, key=lambda r: (r["test_accuracy_mean"], r["reached"], -(r["epochs_to_target_median"] or 1e18)))
        worst = min(group, key=lambda r: r["test_accuracy_mean"])
        where = f"On {dataset}: best" if dataset is not None else "Best"
        said.append(f"{where}: {best['label']} ({100 * best['test_accuracy_mean']:.1f}% mean test accuracy); "
                    f"worst: {worst['label']} ({100 * worst['test_accuracy_mean']:.1f}%).")
    vanishing = vanishing_sentence(rows)
    return said + ([vanishing] if vanishing else [])
