"""What a sweep found: statistics over seeds per setting, a table and plain sentences.

A comparison of settings on one data set is a ``Verdict``: the settings at the top (one when
its lead exceeds the spread over seeds, else all those within that spread of the best), the
clearly fastest among tied ones, and the rest. The findings say it in a sentence each; a
short ``verdict_phrase`` says the same for a question's one-sentence answer.
"""

import dataclasses
import math
import statistics
from dataclasses import dataclass

import numpy as np

from ..errors import BackproplabError
from ..run import make_data
from ..run.datasets import DATA_OPTIONS
from .gradients import median_ratio, vanishing_sentence
from .spec import point_label, point_record

CHANCE_SEEDS = 5  # test sets whose most common class gives the chance level
NEAR_CHANCE = 0.05  # a mean test accuracy at most this far above chance is "no better than chance"


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
        # Reached the target once, then ended below it: (the epoch it left the target, its final training accuracy).
        collapses = sorted((r["left_target_at"], r["train_accuracy"]) for r in reached if r.get("left_target_at"))
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
            "ended": len(reached) - len(collapses),  # seeds at the target when training ended
            "collapses": collapses,
            "loss_seeds": sum(r["test_loss"] is not None for r in runs),  # seeds the mean test loss covers
            "epochs_to_target_median": statistics.median([r["epochs_to_target"] for r in reached]) if reached else None,
            "epochs_to_target_mean": epochs_mean, "epochs_to_target_std": epochs_std,
            "seconds_to_target_median": statistics.median([r["seconds_to_target"] for r in reached]) if reached else None,
            "epochs": max((r["epochs"] for r in runs), default=0),
            "diverged": sum(r["diverged"] for r in runs),
            "diagnoses": diagnoses,  # kind -> seeds diagnosed so (training.diagnosis)
            "gradient_ratio": median_ratio(runs),  # output layer's gradient norm over the first's, epoch 1
            "chance": chance_accuracy(spec, point),
        })
    return rows


def chance_accuracy(spec, point):
    """The test accuracy of always answering the most common test class (mean over the first seeds' test
    sets); None when the data cannot be read here (an image set not downloaded)."""
    shares = [_majority_share(spec.config(point, seed)) for seed in range(min(spec.seeds, CHANCE_SEEDS))]
    return None if None in shares else statistics.fmean(shares)


_MAJORITY: dict[tuple, float] = {}  # (seed, dataset, data options) -> share of the most common test class


def _majority_share(config):
    """Cached on what the data depends on: an image set is read once per sweep, and never downloaded."""
    key = (config.seed, config.dataset, tuple(getattr(config, o) for o in DATA_OPTIONS))
    if key not in _MAJORITY:
        if "download" in config.source.options:
            config = dataclasses.replace(config, download=False)
        try:
            y = make_data(config).y_test
        except BackproplabError:
            return None
        _MAJORITY[key] = float(np.bincount(np.asarray(y, dtype=np.int64)).max() / len(y))
    return _MAJORITY[key]


def median_epochs(row):
    """A summary row's median epochs to the target, as its table and its sentences both show it: whole
    epochs, the half of an even number of seeds' median rounded up (255.5: 256)."""
    return f"{math.floor(row['epochs_to_target_median'] + 0.5):,}"


def sentences(spec, rows):
    """Short data-derived findings, e.g. 'with lr 0.001, 0 of 5 seeds reached 100% within 2,000 epochs'.

    A comparison names a winner only when its lead exceeds the spread (standard deviation) over
    seeds of both it and the runner-up; settings within that spread of the best are a tie. A
    failing setting is named by its diagnosis.
    """
    target = f"{100 * spec.target_accuracy:g}%"
    said = []
    rows = [r for r in rows if r["seeds"]]  # a sweep stopped part way: settings with no finished run say nothing
    for r in rows:
        text = f"With {r['label']}, {r['reached']} of {r['seeds']} seeds reached {target} training accuracy within " \
               f"{r['epochs']:,} epochs"
        if r["epochs_to_target_median"] is not None:
            text += f" (median {median_epochs(r)} epochs)"
        if ended_at_target(r) < r["reached"]:
            text += f"; {_collapse_clause(r)}"
        text += f"; mean test accuracy {100 * r['test_accuracy_mean']:.1f}%"
        if r.get("diagnoses"):
            text += "; diagnosed " + ", ".join(f"{kind.replace('_', ' ')} in {n}" for kind, n in r["diagnoses"].items())
        elif r["diverged"]:
            text += f"; {r['diverged']} diverged"
        said.append(text + ".")
    said += [_comparison(v, target) for v in verdicts(spec, rows)]
    vanishing = vanishing_sentence(rows)
    return said + ([vanishing] if vanishing else [])


@dataclass
class Verdict:
    """One comparison of settings on one data set (``where`` says which, and how they were grouped)."""

    dataset: str
    where: str
    ranked: list  # summary rows, highest mean test accuracy first
    tied: list    # the best and every setting within the spread over seeds of it, in grid order
    fastest: dict | None  # among tied settings that all reached the target, one clearly the fastest
    settings: list | None = None  # every setting, in grid order

    @property
    def clear(self):
        """True when one setting leads beyond the spread over seeds."""
        return len(self.tied) == 1

    @property
    def all_at_chance(self):
        """True when no setting does better than chance (or every run diverged): a finding, not a tie."""
        return all(_at_chance(r) for r in self.ranked)

    @property
    def behind(self):
        return [r for r in self.ranked if r not in self.tied]


def verdicts(spec, rows):
    """A Verdict for every group of two or more settings to compare (see ``_groups``)."""
    found = []
    for dataset, where, group in _groups(spec, rows):
        if len(group) < 2:
            continue
        ranked = sorted(group, key=lambda r: -r["test_accuracy_mean"])
        # A setting at chance ties only with a best at chance: a wide spread must not lift it into a tie.
        tied = [r for r in group if _tied(ranked[0], r, "test_accuracy")
                and (not _at_chance(r) or _at_chance(ranked[0]))]  # in the order of the grid
        fast = sorted((r for r in tied if r["reached"] == r["seeds"]), key=lambda r: r["epochs_to_target_mean"])
        fastest = fast[0] if len(tied) > 1 and len(fast) >= 2 and not _tied(fast[0], fast[1], "epochs_to_target") \
            else None
        found.append(Verdict(dataset, where, ranked, tied, fastest, group))
    return found


def _groups(spec, rows):
    """(data set, where, rows) to compare, each on one data set: the settings as they are; for a sweep of ``lr``
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
            # where no rate lifts a setting above chance, none is its best: say that it failed at every rate
            chosen = [dict(r, label=f"{r['label']} (its best rate)") if not _at_chance(r) else
                      dict(r, label=f"{r['label'].split(', lr ')[0]} at every rate tried") for r in best.values()]
            groups.append((dataset, f"{where}, each {others[0]} at its best learning rate", chosen))
        elif {"batch_size", "epochs"} <= set(spec.vary):
            n = {id(r): spec.config(p, 0).n_points for p, r in on}
            for name, measure in (("epochs", lambda p, r: p["epochs"]),
                                  ("updates", lambda p, r: p["epochs"] * -(-n[id(r)] // (p["batch_size"] or n[id(r)])))):
                for value in dict.fromkeys(measure(p, r) for p, r in on):
                    same = [r for p, r in on if measure(p, r) == value]
                    groups.append((dataset, f"{where}, at {value:,} {name} each", same))
        else:
            groups.append((dataset, where, [r for _, r in on]))
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


def _percent(row):
    return f"{100 * row['test_accuracy_mean']:.1f}%"


def _comparison(verdict, target):
    """One sentence on a Verdict: the winner beyond the spread, or the tie; then the failing settings."""
    best, tied = verdict.ranked[0], verdict.tied
    if verdict.all_at_chance:
        return f"{verdict.where}: {_chance_clause(verdict)}."
    if verdict.clear:
        runner_up = verdict.ranked[1]
        text = (f"{verdict.where}: {best['label']} has the highest mean test accuracy ({_percent(best)}"
                f", ahead of {runner_up['label']}'s {_percent(runner_up)} by more than the spread over seeds)")
    else:
        text = (f"{verdict.where}: no clear difference in test accuracy between {_names(tied)} "
                f"({_percent(best)} at best, within the spread over seeds)")
        if verdict.fastest:
            text += (f"; {verdict.fastest['label']} reaches {target} training accuracy fastest "
                     f"(median {median_epochs(verdict.fastest)} epochs)")
        for r in _tied_by_spread_alone(verdict):
            text += f"; {r['label']} ties only through its wide spread ({_percent(r)}, {_diagnosis_counts(r)})"
    failing = [r for r in verdict.behind if r.get("diagnoses")]
    if failing:
        text += "; behind: " + "; ".join(f"{r['label']} ({_percent(r)}, {_diagnosis_counts(r)})" for r in failing)
    return text + "."


def _tied_by_spread_alone(verdict):
    """Tied settings that failed on most seeds and trail the best by more than the best's own spread:
    their own wide spread, not a good mean, puts them in the tie."""
    best = verdict.ranked[0]
    gap = best["test_accuracy_mean"] - (best["test_accuracy_std"] or 0.0)
    return [r for r in verdict.tied if r is not best and r["test_accuracy_mean"] < gap and r.get("diagnoses")
            and 2 * sum(r["diagnoses"].values()) > r["seeds"]]


def _diagnosis_counts(row):
    """'not converged in 4 of 5 seeds, saturated in 1 of 5 seeds'."""
    return ", ".join(f"{kind.replace('_', ' ')} in {n} of {row['seeds']} seeds" for kind, n in row["diagnoses"].items())


def ended_at_target(row):
    """Seeds at the target when training ended (rows written before this was counted: those that reached it)."""
    return row.get("ended", row["reached"])


def _collapse_clause(row):
    """'2 of 3 end there, one falls to 47.6% at epoch 900': a run is judged where it ends, not at its best."""
    falls = [f"{100 * accuracy:.1f}% at epoch {epoch:,}" for epoch, accuracy in row.get("collapses", [])]
    who = "one falls" if len(falls) == 1 else f"{len(falls)} fall"
    return f"{ended_at_target(row)} of {row['seeds']} end there, {who} to " + (falls[0] if len(falls) == 1 else
                                                                     ", ".join(falls[:-1]) + " and " + falls[-1])


def _at_chance(row):
    """True when a setting's runs all diverged, or its mean test accuracy is no better than chance."""
    if row["diverged"] == row["seeds"]:
        return True
    return row.get("chance") is not None and row["test_accuracy_mean"] <= row["chance"] + NEAR_CHANCE


def verdict_phrase(verdict, target):
    """A Verdict as a clause for a one-sentence answer, e.g. 'lr 0.1 does best (100.0% mean test accuracy),
    ahead of lr 0.01 (65.1%) by more than the spread over seeds; lr 1 (52.4%, no better than chance) falls behind'.
    """
    best, tied = verdict.ranked[0], verdict.tied
    if verdict.all_at_chance:
        return _chance_clause(verdict)
    if verdict.clear:
        runner_up = verdict.ranked[1]
        text = (f"{best['label']} does best ({_percent(best)} mean test accuracy), ahead of {runner_up['label']} "
                f"({_short(runner_up)}) by more than the spread over seeds")
        rest = verdict.ranked[2:]
    else:
        text = (f"{_names(tied)} do equally well within the spread over seeds "
                f"({_percent(best)} mean test accuracy at best)")
        if verdict.fastest:
            text += (f", {verdict.fastest['label']} the fastest to {target} training accuracy "
                     f"(median {median_epochs(verdict.fastest)} epochs)")
        shaky = [dict(r, label=f"{r['label']} ({_short(r)})") for r in _tied_by_spread_alone(verdict)]
        if shaky:
            text += f", though {_names(shaky)} " + ("ties" if len(shaky) == 1 else "tie") \
                    + " only through a wide spread"
        rest = verdict.behind
    if rest:
        named = [dict(r, label=f"{r['label']} ({_short(r)})") for r in rest]
        text += f"; {_names(named)} " + ("falls behind" if len(rest) == 1 else "fall behind")
    return text


def _chance_clause(verdict):
    """'lr 10 and lr 100 all stay at chance (52.4% at best)', or '... all diverge on every seed'."""
    rows = verdict.settings or verdict.ranked
    every = "both" if len(rows) == 2 else "all"
    if all(r["diverged"] == r["seeds"] for r in rows):
        return f"{_names(rows)} {every} diverge on every seed"
    return f"{_names(rows)} {every} stay at chance ({_percent(verdict.ranked[0])} mean test accuracy at best)"


def _short(row):
    """'52.4%', with 'no better than chance' or the commonest diagnosis when there is one."""
    text = _percent(row)
    kind, n = max(row["diagnoses"].items(), key=lambda item: item[1]) if row.get("diagnoses") else (None, 0)
    if row["diverged"] == row["seeds"]:
        text += ", diverged on every seed"
    elif _at_chance(row):
        text += ", no better than chance"
    elif kind == "linear_optimum":  # the run's whole story, though it may have passed through the target
        text += f", at the optimum of a linear model on {n} of {row['seeds']} seeds"
    elif ended_at_target(row) < row["reached"]:
        text += f", {ended_at_target(row)} of {row['seeds']} seeds end at the target"
    elif kind:
        text += f", {kind.replace('_', ' ')} on {n} of {row['seeds']} seeds"
    return text
