"""The learning curve of one run: loss and accuracy against epoch."""

import numpy as np
from matplotlib.lines import Line2D

from .style import epoch_axis, figure, legend_outside, save, set_suptitle, short_series

_COLOURS = {"training": "C0", "validation": "C1", "test": "C2"}


def learning_curve(history, path=None, title="", ax=None, test=None, test_is_training=False, during=None):
    """Loss (log scale) and accuracy against epoch: training, and validation or test where measured.

    ``test``: a dict of per-epoch ``loss`` and ``accuracy`` on the test set, drawn beside the
    training curve. ``test_is_training``: the test set is the training set itself (the lab's XOR
    points), so one curve serves both and the legend says so. ``during``: how the training scores were
    measured during each epoch ('each batch before its update, with dropout'), for the legend to say,
    beside validation or test scores measured after it. A run of one epoch is drawn as points.
    """
    fig, (ax_loss, ax_acc) = figure(1, 2, figsize=(10, 4.4), ax=ax, layout="constrained")
    epochs = np.asarray(history.epoch)
    series = {"training": (history.loss, history.accuracy)}
    if history.val_loss:
        series["validation"] = (history.val_loss, history.val_accuracy)
    if test:
        series["test"] = (test["loss"], test["accuracy"])
    for name, (loss, accuracy) in series.items():
        style = {"color": _COLOURS[name], **short_series(len(epochs))}
        ax_loss.plot(epochs, [np.nan if v is None else v for v in loss], **style)
        ax_acc.plot(epochs, 100 * np.asarray(accuracy, dtype=float), **style)
    losses = [v for loss, _ in series.values() for v in loss if v is not None]
    if losses and min(losses) > 0:
        ax_loss.set_yscale("log")
    ax_loss.set_ylabel("loss")
    ax_loss.set_title("Loss")
    lowest = 100 * min((a for _, accuracy in series.values() for a in accuracy), default=0)
    ax_acc.set_ylim((lowest - 2, 100.5) if lowest > 80 else (-2, 102))  # zoom in when all is high
    ax_acc.set_ylabel("accuracy (%)")
    ax_acc.set_title("Accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        epoch_axis(ax, len(epochs))
    names = {"training": "training set = test set (the same points)" if test_is_training else "training set",
             "validation": "validation set", "test": "test set"}
    if during:
        names = {"training": f"training set, during each epoch ({during})",
                 "validation": "validation set, after each epoch", "test": "test set, after each epoch"}
    handles = [Line2D([], [], color=_COLOURS[name], lw=2, **short_series(len(epochs))) for name in series]
    legend_outside(fig, [ax_loss, ax_acc], handles, [names[name] for name in series], ncol=len(series))
    set_suptitle(fig, title, fontsize=12)
    return save(fig, path)
