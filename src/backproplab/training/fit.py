"""The training loop: forward, loss, backward, update, for every batch of every epoch."""

import math
import time
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..data.batching import batches, check_dataset, count_batches
from ..errors import ConfigError
from ..rng import as_generator
from ..validation import check_bool, check_int
from .callbacks import KerasProgress
from .evaluate import evaluate, summed_over_samples
from .history import History
from .step import train_step

if TYPE_CHECKING:  # for the annotations only
    from ..nn import Loss, Module
    from ..optim import Optimizer, Schedule
    from .callbacks import Callback
    from .step import WeightPenalty


class DivergenceWarning(UserWarning):
    """Training stopped because the loss stopped being a finite number."""


def divergence_message(epoch, loss, lr):
    return (
        f"training diverged at epoch {epoch}: the loss became {loss}. The updates grew without "
        f"bound; try a lower learning rate (it was {lr:g}), inputs scaled to about [-1, 1], or a "
        "bounded activation such as sigmoid or tanh"
    )


def _diverged(history, epoch, loss, lr):
    """``history``, marked as ended by a loss that is not finite, with a DivergenceWarning saying what to try."""
    history.diverged = True
    history.stop_reason = "diverged"
    history.message = divergence_message(epoch, loss, lr)
    warnings.warn(history.message, DivergenceWarning, stacklevel=4)  # 4: past fit and the errstate wrapper
    return history


@np.errstate(over="ignore", invalid="ignore")  # a diverging run is caught by its loss instead
def fit(model: "Module", loss_fn: "Loss", optimizer: "Optimizer", X: np.ndarray, y: np.ndarray, *, epochs: int,
        batch_size: int | None = None, shuffle: bool = True, schedule: "Schedule | None" = None,
        validation_data: tuple[np.ndarray, np.ndarray] | None = None, callbacks: Sequence["Callback"] = (),
        seed: int | None = None, history: History | None = None, verbose: int = 0,
        penalty: "WeightPenalty | None" = None, loss_after_epoch: bool = False, classes: bool = True) -> History:
    """Train ``model`` on (X, y) and return its History.

    Each epoch walks the data once in mini-batches of ``batch_size`` (None:
    one full batch; 1: per-sample SGD), shuffled by a Generator from ``seed``
    (``shuffle=False``: in the data's own order, the same every epoch).
    For every batch, one ``train_step``: out = model(x); L = loss(out, y); the
    gradient dL/dout flows back through ``model.backward``; ``optimizer.step()`` updates.

    ``verbose=1`` prints Keras-like progress on stdout (``Epoch 3/10``, then a bar with
    the loss and accuracy); ``verbose=2`` one line per epoch; 0 (default) nothing.

    ``penalty``, a WeightPenalty, adds its gradient (L1 or L2 on the weights) in every step.

    An epoch's training loss and accuracy are the mean over its batches as they trained (each
    before its update, dropout on); with ``loss_after_epoch``, those of the whole training set
    after the epoch's updates, in eval mode (as TensorFlow Playground reports them).

    ``classes=False``: y holds values to regress onto, so no accuracy is measured (None in the History).

    ``history``, a History of earlier epochs (e.g. from a checkpoint),
    continues that run up to ``epochs`` in total instead of starting anew.

    If the loss stops being finite, training stops at once: the History keeps
    every epoch before it, ``history.diverged`` is True and
    ``history.message`` says what happened and what to try (also issued as a
    DivergenceWarning).
    """
    X, y = check_dataset(X, y, "training data", classes)
    if classes and y.min() == y.max():  # one class only (two reductions: np.unique would sort every label)
        raise ConfigError(
            f"training data: y holds a single class ({int(y[0])}); a classifier needs examples of at least two"
        )
    epochs = check_int("epochs", epochs, 1)
    batch_size = check_int("batch_size", batch_size, 1, allow_none=True)
    shuffle = check_bool("shuffle", shuffle)
    if batch_size is not None and batch_size > len(X):
        raise ConfigError(
            f"batch_size {batch_size} is larger than the {len(X)} training samples; "
            f"use at most {len(X)} (or leave it unset for full batch)"
        )
    if validation_data is not None:
        validation_data = check_dataset(*validation_data, name="validation data", classes=classes)
    rng = as_generator(seed)
    if verbose:
        callbacks = [*callbacks, KerasProgress(epochs, check_int("verbose", verbose, 0, 2))]
    history = history if history is not None else History()
    n_batches = count_batches(len(X), batch_size)
    model.train()
    for cb in callbacks:
        cb.on_train_begin(history, model)
    start = time.perf_counter() - (history.seconds[-1] if history.seconds else 0.0)
    # Mini-batches are gathered into one reused buffer: a fresh array per batch costs
    # an allocation and first-touch page faults every step.
    batched = batch_size is not None and batch_size < len(X)
    buffer = np.empty((batch_size, *X.shape[1:]), dtype=X.dtype) if batched else None
    per_batch_schedule = getattr(schedule, "per_batch", False)  # e.g. one-cycle: stepped by train_step
    for epoch in range(history.epochs + 1, epochs + 1):
        for cb in callbacks:
            cb.on_epoch_begin(epoch, n_batches)
        total_loss, correct = 0.0, 0
        for idx in batches(len(X), batch_size, rng, shuffle):
            if isinstance(idx, slice):
                xb, yb = X[idx], y[idx]
            else:
                # mode='clip' skips a bounds check per index: they come from a permutation
                xb, yb = np.take(X, idx, axis=0, out=buffer[:len(idx)], mode="clip"), y[idx]  # type: ignore[index]
            out, loss = train_step(model, loss_fn, optimizer, xb, yb, penalty=penalty, schedule=schedule)
            if not math.isfinite(loss):
                return _diverged(history, epoch, loss, optimizer.lr)
            batch_correct = int(np.count_nonzero(loss_fn.predict(out) == yb)) if classes else None  # None: no accuracy
            total_loss += summed_over_samples(loss_fn, loss, len(yb))
            correct += batch_correct or 0
            for cb in callbacks:
                cb.on_batch_end(len(yb), loss, batch_correct)
        history.epoch.append(epoch)
        if loss_after_epoch:
            with np.errstate(all="ignore"):  # a loss that stops being finite here ends the run below
                epoch_loss, epoch_accuracy = evaluate(model, loss_fn, X, y, classes=classes)
        else:
            epoch_loss, epoch_accuracy = total_loss / len(X), correct / len(X) if classes else None
        history.loss.append(epoch_loss)
        history.accuracy.append(epoch_accuracy)
        history.lr.append(optimizer.lr)
        if validation_data is not None:
            val_loss, val_accuracy = evaluate(model, loss_fn, *validation_data, classes=classes)
            history.val_loss.append(val_loss)
            history.val_accuracy.append(val_accuracy)
        if schedule is not None and not per_batch_schedule:
            schedule.step(history.val_loss[-1] if history.val_loss else history.loss[-1])
        history.seconds.append(time.perf_counter() - start)
        if not math.isfinite(history.loss[-1]):  # measured after the epoch (loss_after_epoch): its batches were finite
            return _diverged(history, epoch, history.loss[-1], optimizer.lr)
        if any([cb.on_epoch_end(history, model) for cb in callbacks]):
            break
    for cb in callbacks:
        cb.on_train_end(history, model)
    return history
