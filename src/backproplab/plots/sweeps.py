"""Figures of a sweep: the loss curves and the test accuracy of every setting over its seeds."""

import warnings

import numpy as np

from .style import figure, save


def sweep_curves(panels, path=None, title="", ax=None):
    """Training loss against epoch, one colour per setting: the median over seeds and the min-max band.

    ``panels`` is a list of (panel title, [(label, [loss list of each seed]), ...]); one panel per
    data set keeps settings of different data apart.
    """
    fig, axes = figure(1, len(panels), figsize=(5.2 * len(panels) + 1, 4.4), squeeze=False, ax=ax)
    for ax, (panel_title, groups) in zip(axes[0], panels):
        for k, (label, curves) in enumerate(groups):
            length = min((len(c) for c in curves), default=0)
            if length == 0:
                continue
            data = np.array([[np.nan if v is None else v for v in c[:length]] for c in curves], dtype=float)
            epochs = np.arange(1, length + 1)
            colour = f"C{k % 10}"
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN epochs of diverged runs
                ax.plot(epochs, np.nanmedian(data, axis=0), color=colour, label=label, linewidth=1.5)
                ax.fill_between(epochs, np.nanmin(data, axis=0), np.nanmax(data, axis=0), color=colour, alpha=0.15)
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("training loss")
        ax.set_title(panel_title, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="best")
    fig.suptitle(f"{title}: median over seeds, band = min to max".strip(": "), fontsize=11)
    return save(fig, path)


def sweep_accuracy(panels, path=None, title="", ax=None):
    """Mean test accuracy (± one standard deviation over seeds) of every setting, one panel per data set.

    ``panels`` is a list of (panel title, [(label, mean, std), ...]) with accuracies as fractions.
    """
    widest = max(len(bars) for _, bars in panels)
    fig, axes = figure(1, len(panels), figsize=(len(panels) * max(3.5, 0.9 * widest + 1.5) + 0.5, 4.2),
                             squeeze=False, ax=ax)
    for ax, (panel_title, bars) in zip(axes[0], panels):
        positions = np.arange(len(bars))
        means = [100 * m for _, m, _ in bars]
        ax.bar(positions, means, yerr=[100 * s for _, _, s in bars],
               color=[f"C{k % 10}" for k in range(len(bars))], alpha=0.8, capsize=4)
        for x, m, (_, _, sd) in zip(positions, means, bars):
            ax.text(x, min(m + 100 * sd + 1.5, 104), f"{m:.1f}", ha="center", fontsize=8)
        tilt = len(bars) > 4 or max(len(label) for label, _, _ in bars) > 12
        ax.set_xticks(positions, [label for label, _, _ in bars], rotation=30 if tilt else 0,
                      ha="right" if tilt else "center", fontsize=8)
        ax.set_ylim(0, 108)
        ax.set_ylabel("test accuracy (%)")
        ax.set_title(panel_title, fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(title, fontsize=11)
    return save(fig, path)
