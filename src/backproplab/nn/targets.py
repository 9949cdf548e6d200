"""Targets as the losses read them: a column per output, class labels checked, one-hot encoded."""

import numpy as np

from ..errors import ConfigError


def _as_column(target, output, loss_name):
    """The target in the output's dtype and shape; targets of shape (N,) are accepted for outputs (N, 1)."""
    target = np.asarray(target)
    if target.shape != output.shape:
        if target.ndim != 1 or output.shape != (len(target), 1):
            raise ConfigError(
                f"{loss_name}: target shape {target.shape} does not match output shape "
                f"{output.shape}; give one target per output"
            )
        target = target.reshape(-1, 1)
    return target.astype(output.dtype, copy=False)


def _binary_predict(scores, threshold):
    if scores.shape[1] == 1:
        return (scores[:, 0] >= threshold).astype(np.int64)
    return scores.argmax(axis=1)


def _entropy(frequencies):
    """-sum p log p: cross-entropy's value for the best constant output, the class frequencies."""
    return float(-(frequencies * np.log(frequencies)).sum())


def _class_labels(labels, n_classes, loss_name):
    """Integer class labels of shape (N,), each in 0..n_classes-1, or a clear error."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        if not (labels.ndim == 1 and np.all(np.mod(labels, 1) == 0)):
            raise ConfigError(f"{loss_name}: targets must be integer class labels of shape (N,)")
        labels = labels.astype(np.int64)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise ConfigError(
            f"{loss_name}: class labels must lie in 0..{n_classes - 1} for {n_classes} outputs, "
            f"got labels {labels.min()}..{labels.max()}; give the network one output per class"
        )
    return labels


def _one_hot(labels, n_classes, loss_name):
    labels = _class_labels(labels, n_classes, loss_name)
    out = np.zeros((labels.size, n_classes))
    out[np.arange(labels.size), labels] = 1.0
    return out
