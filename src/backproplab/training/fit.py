"""The training loop: forward, loss, backward, update, for every batch of every epoch."""

import math
import time
import warnings

import numpy as np

from ..data.batching import batches, check_dataset
from ..errors import ConfigError
from ..rng import as_generator
from .history import History


class DivergenceWarning(UserWarning):
    """Training stopped because the loss stopped being a finite number."""


def _check_positive_int(name, value, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def divergence_message(epoch, loss, lr):
    return (
        f"training diverged at epoch {epoch}: the loss became {loss}. The updates grew without "
        f"bound; try a lower learning rate (it was {lr:g}), inputs scaled to about [-1, 1], or a "
        "bounded activation such as sigmoid or tanh"
    )


def evaluate(model, loss_fn, X, y):
    """(loss, accuracy) of the model on (X, y), in eval mode, without touching gradients."""
    was_training = model.training
    model.eval()
    try:
        out = model.forward(X)
        loss = loss_fn.forward(out, y)
        accuracy = float(np.mean(loss_fn.predict(out) == y))
    finally:
        model.train(was_training)
    return loss, accuracy


@np.errstate(over="ignore", invalid="ignore")  # a diverging run is caught by its loss instead
def fit(model, loss_fn, optimizer, X, y, *, epochs, batch_size=None, schedule=None,
        validation_data=None, callbacks=(), seed=None):
    """Train ``model`` on (X, y) and return its History.

    Each epoch walks the data once in mini-batches of ``batch_size`` (None:
    one full batch; 1: per-sample SGD), shuffled by a Generator from ``seed``.
    For every batch: out = model(x); L = loss(out, y); the gradient dL/dout
    flows back through ``model.backward``; ``optimizer.step()`` updates.

    If the loss stops being finite, training stops at once: the History keeps
    every epoch before it, ``history.diverged`` is True and
    ``history.message`` says what happened and what to try (also issued as a
    DivergenceWarning).
    """
    X, y = check_dataset(X, y, "training data")
    if len(np.unique(y)) < 2:
        raise ConfigError(
            f"training data: y holds a single class ({int(y[0])}); a classifier needs examples of at least two"
        )
    epochs = _check_positive_int("epochs", epochs)
    batch_size = _check_positive_int("batch_size", batch_size, allow_none=True)
    if batch_size is not None and batch_size > len(X):
        raise ConfigError(
            f"batch_size {batch_size} is larger than the {len(X)} training samples; "
            f"use at most {len(X)} (or leave it unset for full batch)"
        )
    if validation_data is not None:
        validation_data = check_dataset(*validation_data, name="validation data")
    rng = as_generator(seed)
    history = History()
    model.train()
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        total_loss, correct = 0.0, 0
        for idx in batches(len(X), batch_size, rng):
            xb, yb = X[idx], y[idx]
            out = model.forward(xb)
            loss = loss_fn.forward(out, yb)
            if not math.isfinite(loss):
                history.diverged = True
                history.stop_reason = "diverged"
                history.message = divergence_message(epoch, loss, optimizer.lr)
                warnings.warn(history.message, DivergenceWarning, stacklevel=3)  # 3: past the errstate wrapper
                return history
            optimizer.zero_grad()
            model.backward(loss_fn.backward())
            optimizer.step()
            total_loss += loss * len(yb)
            correct += int(np.count_nonzero(loss_fn.predict(out) == yb))
        history.epoch.append(epoch)
        history.loss.append(total_loss / len(X))
        history.accuracy.append(correct / len(X))
        history.lr.append(optimizer.lr)
        if validation_data is not None:
            val_loss, val_accuracy = evaluate(model, loss_fn, *validation_data)
            history.val_loss.append(val_loss)
            history.val_accuracy.append(val_accuracy)
        if schedule is not None:
            schedule.step(history.val_loss[-1] if history.val_loss else history.loss[-1])
        history.seconds.append(time.perf_counter() - start)
        if any([cb.on_epoch_end(history, model) for cb in callbacks]):
            break
    return history
