"""What a trained network says about samples: class scores, printable lines, a confusion matrix."""

import numpy as np


def positive_class_scores(loss_fn, output):
    """P(class 1) per sample for a binary network, else all class probabilities."""
    proba = loss_fn.probabilities(output)
    if proba.shape[1] == 1:
        return proba[:, 0]
    if proba.shape[1] == 2:
        return proba[:, 1]
    return proba


def sample_lines(y_true, scores):
    """``sample  7 | ground truth 1 | prediction 0.99871`` for every sample."""
    width = len(str(len(y_true) - 1))
    lines = []
    for i, truth in enumerate(y_true):
        if scores.ndim == 1:
            pred = f"{scores[i]:.5f}"
        else:
            k = int(scores[i].argmax())
            pred = f"class {k} (p {scores[i, k]:.5f})"
        lines.append(f"sample {i:{width}d} | ground truth {int(truth)} | prediction {pred}")
    return lines


def confusion(y_true, y_pred, n_classes):
    """matrix[i, j] = number of samples of class i predicted as class j."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix
