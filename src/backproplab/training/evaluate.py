"""Measuring a model without training it: loss, accuracy and predictions, in chunks."""

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # for the annotations only
    from ..nn import Loss, Module


def predict_output(model: "Module", X: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """model(X) in eval mode, ``batch_size`` samples at a time (bounded memory for big sets)."""
    was_training = model.training
    model.eval()
    try:
        if len(X) <= batch_size:
            return model.forward(X)
        return np.concatenate([model.forward(X[i:i + batch_size]) for i in range(0, len(X), batch_size)])
    finally:
        model.train(was_training)


def summed_over_samples(loss_fn, loss, n):
    """The loss ``loss_fn`` returned for ``n`` samples as a sum over them: a mean times n, a sum as is.

    Histories and reports divide it by the samples, so that a loss with reduction='sum'
    reads per sample like one with 'mean'.
    """
    return loss * n if getattr(loss_fn, "reduction", "mean") == "mean" else loss


def evaluate(model: "Module", loss_fn: "Loss", X: np.ndarray, y: np.ndarray,
             batch_size: int = 1024, classes: bool = True) -> tuple[float, float | None]:
    """(loss per sample, accuracy) of the model on (X, y), in eval mode, without touching gradients.
    With ``classes=False`` y holds values to regress onto, and the accuracy is None."""
    out = predict_output(model, X, batch_size)
    loss = summed_over_samples(loss_fn, loss_fn.forward(out, y), len(y)) / len(y)
    accuracy = float(np.mean(loss_fn.predict(out) == y)) if classes else None
    return loss, accuracy
