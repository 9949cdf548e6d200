"""Figures of a run. The only module that imports matplotlib."""

import warnings

import matplotlib

matplotlib.use("Agg")  # files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

# Class k is always drawn in CLASS_COLOURS[k], in every panel and figure.
CLASS_COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                 "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def _colours(labels):
    return [CLASS_COLOURS[int(k) % len(CLASS_COLOURS)] for k in labels]


def _legend(ax, classes):
    for k in classes:
        ax.scatter([], [], c=CLASS_COLOURS[k % len(CLASS_COLOURS)], label=f"class {k}")
    ax.legend(loc="best", fontsize=8, framealpha=0.8)


def comparison(X, y_true, y_pred, path, title=""):
    """The lab's two panels: ground truth beside prediction, same class colours."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.6), sharex=True, sharey=True)
    classes = sorted(set(np.unique(y_true)) | set(np.unique(y_pred)))
    for ax, labels, name in ((axes[0], y_true, "Ground truth"), (axes[1], y_pred, "Prediction")):
        ax.scatter(X[:, 0], X[:, 1], c=_colours(labels), s=28, edgecolors="white", linewidths=0.5)
        ax.set_title(name)
        ax.set_xlabel("x1")
        ax.set_aspect("equal", adjustable="box")
        _legend(ax, classes)
    axes[0].set_ylabel("x2")
    wrong = int(np.count_nonzero(y_true != y_pred))
    fig.suptitle(f"{title}  ({wrong} of {len(y_true)} misclassified)".strip())
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def learning_curve(history, path, title=""):
    """Loss (log scale) and accuracy against epoch."""
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
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
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def decision_boundary(predict_proba, X, y, path, title="", resolution=200):
    """The network's output over the input square, with the points on top.

    ``predict_proba(grid)`` returns P(class 1) of shape (M,) for two classes,
    or class probabilities (M, C) for more, where the most likely class is shown.
    """
    fig, ax = plt.subplots(figsize=(5.6, 5))
    image = _draw_boundary(ax, predict_proba, X, y, resolution)
    if image is not None:
        fig.colorbar(image, ax=ax, label="P(class 1)")
    ax.set_title(title or "Decision boundary")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _draw_boundary(ax, predict_proba, X, y, resolution=200):
    """Draw one decision-boundary panel on ``ax``; returns the colour image for a colour bar (2 classes)."""
    lo = np.minimum(X.min(axis=0), 0.0) - 0.05
    hi = np.maximum(X.max(axis=0), 1.0) + 0.05
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    proba = np.asarray(predict_proba(grid))
    image = None
    if proba.ndim == 1:
        from matplotlib.colors import LinearSegmentedColormap

        cmap = LinearSegmentedColormap.from_list("classes", [CLASS_COLOURS[0], "white", CLASS_COLOURS[1]])
        image = ax.contourf(gx, gy, proba.reshape(gx.shape), levels=np.linspace(0, 1, 21), cmap=cmap, alpha=0.8)
        ax.contour(gx, gy, proba.reshape(gx.shape), levels=[0.5], colors="black", linewidths=1)
    else:
        from matplotlib.colors import ListedColormap

        n = proba.shape[1]
        cmap = ListedColormap([CLASS_COLOURS[k % len(CLASS_COLOURS)] for k in range(n)])
        ax.contourf(gx, gy, proba.argmax(axis=1).reshape(gx.shape), levels=np.arange(n + 1) - 0.5,
                    cmap=cmap, alpha=0.35)
    ax.scatter(X[:, 0], X[:, 1], c=_colours(y), s=18, edgecolors="black", linewidths=0.5)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return image


def sweep_curves(panels, path, title=""):
    """Training loss against epoch, one colour per setting: the median over seeds and the min-max band.

    ``panels`` is a list of (panel title, [(label, [loss list of each seed]), ...]); one panel per
    data set keeps settings of different data apart.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels) + 1, 4.4), squeeze=False)
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
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def sweep_accuracy(panels, path, title=""):
    """Mean test accuracy (± one standard deviation over seeds) of every setting, one panel per data set.

    ``panels`` is a list of (panel title, [(label, mean, std), ...]) with accuracies as fractions.
    """
    widest = max(len(bars) for _, bars in panels)
    fig, axes = plt.subplots(1, len(panels), figsize=(len(panels) * max(3.5, 0.9 * widest + 1.5) + 0.5, 4.2),
                             squeeze=False)
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
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def boundaries_grid(panels, path, title=""):
    """Decision boundaries side by side: ``panels`` is a list of (label, predict_proba, X, y)."""
    cols = min(4, len(panels))
    rows = -(-len(panels) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.3 * cols, 3.3 * rows + 0.4), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, (label, predict_proba, X, y) in zip(axes.ravel(), panels):
        ax.axis("on")
        _draw_boundary(ax, predict_proba, X, y, resolution=120)
        ax.set_title(label, fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def confusion_matrix(matrix, class_names, path, title=""):
    """Counts of (true class, predicted class), with the count written in every non-empty cell."""
    n = len(class_names)
    fig, ax = plt.subplots(figsize=(1.0 + 0.62 * n, 0.6 + 0.55 * n))
    image = ax.imshow(np.log1p(matrix), cmap="Blues")
    threshold = np.log1p(matrix).max() / 2
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            ax.text(j, i, str(count), ha="center", va="center", fontsize=7,
                    color="white" if np.log1p(count) > threshold else "black")
    ax.set_xticks(range(n), class_names, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(n), class_names, fontsize=8)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    accuracy = np.trace(matrix) / max(1, matrix.sum())
    ax.set_title(f"{title}  (accuracy {100 * accuracy:.2f}%)".strip(), fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="log(1 + count)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def misclassified_grid(images, y_true, y_pred, class_names, path, title="", limit=36):
    """Up to ``limit`` misclassified images, each titled 'true -> predicted'."""
    wrong = np.flatnonzero(y_true != y_pred)[:limit]
    cols = 6
    rows = max(1, -(-len(wrong) // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.6, rows * 1.8 + 0.4), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), wrong):
        ax.imshow(images[i], cmap="gray_r")
        ax.set_title(f"{class_names[y_true[i]]} -> {class_names[y_pred[i]]}", fontsize=7, color="#b22222")
    if not len(wrong):
        axes[0, 0].text(0, 0.5, "no misclassified images", fontsize=10)
    fig.suptitle(f"{title}  (true -> predicted; {np.count_nonzero(y_true != y_pred)} wrong of {len(y_true)})".strip(),
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
