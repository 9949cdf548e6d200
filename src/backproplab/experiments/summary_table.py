"""A sweep's summary rows as a Markdown table: one line per setting, its spread over seeds beside each mean."""

from .summary import ended_at_target, median_epochs


def table(spec, rows):
    """The summary as Markdown table lines."""
    target = f"{100 * spec.target_accuracy:g}%"
    lines = [f"| setting | test accuracy (mean ± sd) | test loss (mean ± sd) | seeds reaching {target} (ending there) | "
             f"epochs to {target} (median) | seconds to {target} (median) |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        if not r["seeds"]:  # a sweep stopped part way: this setting has no finished run yet
            lines.append(f"| {r['label']} | not run yet | - | - | - | - |")
            continue
        acc = f"{100 * r['test_accuracy_mean']:.1f}% ± {100 * r['test_accuracy_std']:.1f}"
        loss = "diverged" if r["test_loss_mean"] is None else f"{r['test_loss_mean']:.4f} ± {r['test_loss_std']:.4f}"
        if r["test_loss_mean"] is not None and _loss_seeds(r) < r["seeds"]:
            loss += f" ({_loss_seeds(r)} of {r['seeds']} seeds; the rest diverged)"
        epochs = "-" if r["epochs_to_target_median"] is None else median_epochs(r)
        seconds = "-" if r["seconds_to_target_median"] is None else f"{r['seconds_to_target_median']:.3f}"
        reached = f"{r['reached']} of {r['seeds']}"
        if ended_at_target(r) < r["reached"]:
            reached += f" ({ended_at_target(r)} end there)"
        lines.append(f"| {r['label']} | {acc} | {loss} | {reached} | {epochs} | {seconds} |")
    return lines


def _loss_seeds(row):
    return row.get("loss_seeds", row["seeds"])
