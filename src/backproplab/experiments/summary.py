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
        epochs_mean, epochs_std = _mean_std([r["epochs_to_target"] for r in reached])
        diagnoses = {}
        for r in runs:
            if r.get("diagnosis"):
                diagnoses[r["diagnosis"]] = diagnoses.get(r["diagnosis"], 0) + 1
        rows.append({
            "point": point_record(point),
            "label": point_label(point),
            "seeds": len(runs),
            "test_accuracy_mean": acc_mean, "test_accuracy_std": acc_std,
            "test_loss_mean": loss_mean, "test_loss_std": loss_std,
            "reached": len(reached),
            "epochs_to_target_median": statistics.median([r["epochs_to_target"] for r in reached]) if reached else None,
            "epochs_to_target_mean": epochs_mean, "epochs_to_target_std": epochs_std,
            "seconds_to_target_median": statistics.median([r["seconds_to_target"] for r in reached]) if reached else None,
            "epochs": max((r["epochs"] for r in runs), default=0),
            "diverged": sum(r["diverged"] for r in runs),
            "diagnoses": diagnoses,  # kind -> seeds diagnosed so (training.diagnosis)
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
    """Short data-derived findings, e.g. 'with lr 0.001, 0 of 5 seeds reached 100% within 2,000 epochs'.

    A comparison names a winner only when its lead exceeds the spread (standard deviation) over
    seeds of both it and the runner-up; settings within that spread of the best are a tie. A
    failing setting is named by its diagnosis.
    """
    target = f"{100 * spec.target_accuracy:g}%"
    said = []
    for r in rows:
        text = f"With {r['label']}, {r['reached']} of {r['seeds']} seeds reached {target} training accuracy within " \
               f"{r['epochs']:,} epochs"
        if r["epochs_to_target_median"] is not None:
            text += f" (median {r['epochs_to_target_median']:,.0f} epochs)"
        text += f"; mean test accuracy {100 * r['test_accuracy_mean']:.1f}%"
        if r.get("diagnoses"):
            text += "; diagnosed " + ", ".join(f"{kind.replace('_', ' ')} in {n}" for kind, n in r["diagnoses"].items())
        elif r["diverged"]:
            text += f"; {r['diverged']} diverged"
        said.append(text + ".")
    for where, group in _groups(spec, rows):
        if len(group) >= 2:
            said.append(_comparison(where, group, target))
    vanishing = vanishing_sentence(rows)
    return said + ([vanishing] if vanishing else [])


def _groups(spec, rows):
    """(where, rows) to compare, each on one data set: the settings as they are; for a sweep of ``lr``
    and another option, that option's values each at its own best learning rate; for a sweep of
    ``batch_size`` and ``epochs``, the settings with equal epochs and those with equal updates."""
    points = spec.points()
    others = [name for name in spec.vary if name not in ("dataset", "lr")]
    groups = []
    datasets = [spec.config(p, 0).dataset for p in points]
    for dataset in dict.fromkeys(datasets):
        # within one data set, a setting is named without it: "lr 0.1", not "dataset xor, lr 0.1"
        on = [(p, dict(r, label=r["label"].replace(f"dataset {dataset}, ", "")))
              for p, r, d in zip(points, rows, datasets) if d == dataset]
        where = f"On {dataset}"
        if "lr" in spec.vary and len(others) == 1:
            best = {}
            for p, r in on:
                key = p[others[0]]
                if key not in best or _rank(r) > _rank(best[key]):
                    best[key] = r
            chosen = [dict(r, label=f"{r['label']} (its best rate)") for r in best.values()]
            groups.append((f"{where}, each {others[0]} at its best learning rate", chosen))
        elif {"batch_size", "epochs"} <= set(spec.vary):
            n = {id(r): spec.config(p, 0).n_points for p, r in on}
            for name, measure in (("epochs", lambda p, r: p["epochs"]),
                                  ("updates", lambda p, r: p["epochs"] * -(-n[id(r)] // (p["batch_size"] or n[id(r)])))):
                for value in dict.fromkeys(measure(p, r) for p, r in on):
                    same = [r for p, r in on if measure(p, r) == value]
                    groups.append((f"{where}, at {value:,} {name} each", same))
        else:
            groups.append((where, [r for _, r in on]))
    return groups


def _rank(row):
    """Higher is better: mean test accuracy, then seeds reaching the target, then fewer epochs to it."""
    return row["test_accuracy_mean"], row["reached"], -(row["epochs_to_target_mean"] or 1e18)


def _tied(best, other, key):
    """True when ``other`` is within the spread over seeds of ``best`` on ``key`` (mean and std)."""
    spread = max(best[f"{key}_std"] or 0.0, other[f"{key}_std"] or 0.0)
    return abs(best[f"{key}_mean"] - other[f"{key}_mean"]) <= spread


def _names(rows):
    labels = [r["label"] for r in rows]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _comparison(where, group, target):
    """One sentence on ``group`` (settings on one data set): the winner beyond the spread, or the tie."""
    ranked = sorted(group, key=lambda r: -r["test_accuracy_mean"])
    best = ranked[0]
    tied = [r for r in ranked if _tied(best, r, "test_accuracy")]
    if len(tied) == 1:
        text = (f"{where}: {best['label']} has the highest mean test accuracy ({100 * best['test_accuracy_mean']:.1f}%"
                f", ahead of {ranked[1]['label']}'s {100 * ranked[1]['test_accuracy_mean']:.1f}% by more than the "
                "spread over seeds)")
    else:
        text = (f"{where}: no clear difference in test accuracy between {_names(tied)} "
                f"({100 * best['test_accuracy_mean']:.1f}% at best, within the spread over seeds)")
        fast = sorted((r for r in tied if r["reached"] == r["seeds"]), key=lambda r: r["epochs_to_target_mean"])
        if len(fast) >= 2 and not _tied(fast[0], fast[1], "epochs_to_target"):
            text += (f"; {fast[0]['label']} reaches {target} training accuracy fastest "
                     f"(median {fast[0]['epochs_to_target_median']:,.0f} epochs)")
    behind = [r for r in ranked if r not in tied]
    failing = [r for r in behind if r.get("diagnoses")]
    if failing:
        text += "; behind: " + "; ".join(
            f"{r['label']} ({100 * r['test_accuracy_mean']:.1f}%, "
            + ", ".join(f"{kind.replace('_', ' ')} in {n} of {r['seeds']} seeds" for kind, n in r["diagnoses"].items())
            + ")" for r in failing)
    return text + "."
