"""The learning curve of one run: loss and accuracy against epoch."""

import numpy as np

from .style import figure, save


def learning_curve(history, path=None, title="", ax=None):
    """Loss (log scale) and accuracy against epoch."""
    fig, (ax_loss, ax_acc) = figure(1, 2, figsize=(10, 4), ax=ax)
    epochs = np.asarray(history.epoch)
    ax_loss.plot(epochs, history.loss, label="training")
    if history.val_loss:
        ax_loss.plot(epochs, history.val_loss, label="validation")
    if history.loss and min(history.loss) > 0:
        ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("loss")
    ax_loss.set_title("Loss")
    ax_acc.plot(epochs, 100 * np.asarray(history.accuracy), label="training")
    if history.val_accuracy:
        ax_acc.plot(epochs, 100 * np.asarray(history.val_accuracy), label="validation")
    lowest = 100 * min(history.accuracy + history.val_accuracy, default=0)
    ax_acc.set_ylim((lowest - 2, 100.5) if lowest > 80 else (-2, 102))  # zoom in when all is high
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy (%)")
    ax_acc.set_title("Accuracy")
    for ax, where in ((ax_loss, "upper right"), (ax_acc, "lower right")):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc=where)
    fig.suptitle(title)
    return save(fig, path)
