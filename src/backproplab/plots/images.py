"""Figures of an image classifier: the confusion matrix and a grid of misclassified images."""

import numpy as np

from .style import figure, save, set_suptitle


def confusion_matrix(matrix, class_names, path=None, title="", ax=None):
    """Counts of (true class, predicted class), with the count written in every non-empty cell."""
    n = len(class_names)
    fig, ax = figure(figsize=(1.0 + 0.62 * n, 0.6 + 0.55 * n), ax=ax)
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
    ax.set_title(f"{title}  (accuracy {100 * accuracy:.2f}%)".strip(), fontsize=10, y=1.0)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="log(1 + count)")
    return save(fig, path)


def misclassified_grid(images, y_true, y_pred, class_names, path=None, title="", limit=36, ax=None):
    """Up to ``limit`` misclassified images, each titled 'true -> predicted', on one grey scale."""
    wrong = np.flatnonzero(y_true != y_pred)[:limit]
    cols = 6
    rows = max(1, -(-len(wrong) // cols))
    fig, axes = figure(rows, cols, figsize=(cols * 1.6, rows * 1.8 + 0.4), squeeze=False, ax=ax)
    for ax in axes.ravel():
        ax.axis("off")
    # One rule for every image set: 0, the background, is white and the largest value black, on one scale for
    # the whole grid (a faint image stays faint). That is what the files mean: MNIST stores ink ("0 means
    # background (white), 255 means foreground (black)", LeCun's page) and Fashion-MNIST negated its product
    # photos (step 6 of its conversion), so a high value is a dark part of the photo. A digit is then ink on
    # paper and a garment looks as photographed: most ankle boots and coats dark, a pale shirt pale.
    low, high = (min(float(np.min(images)), 0.0), float(np.max(images))) if len(images) else (0.0, 1.0)
    for ax, i in zip(axes.ravel(), wrong):
        ax.imshow(images[i], cmap="gray_r", vmin=low, vmax=max(high, low + 1e-12))
        ax.set_title(f"{class_names[y_true[i]]} -> {class_names[y_pred[i]]}", fontsize=7, color="#b22222", y=1.0)
    if not len(wrong):
        axes[0, 0].text(0, 0.5, "no misclassified images", fontsize=10)
    n_wrong = np.count_nonzero(y_true != y_pred)
    set_suptitle(fig, f"{title}  (true -> predicted; {n_wrong:,} wrong of {len(y_true):,})".strip(), fontsize=10)
    return save(fig, path)
