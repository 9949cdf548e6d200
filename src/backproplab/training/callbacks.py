"""Callbacks: small objects ``fit`` calls at fixed points of training.

``on_train_begin(history, model)``, ``on_epoch_begin(epoch, n_batches)``,
``on_batch_end(n_samples, loss, n_correct)`` (n_correct None for values), ``on_epoch_end(history, model)``
(return True to stop) and ``on_train_end(history, model)``.
"""

import math
import shutil
import sys
import time

from ..errors import ConfigError
from ..progress import ProgressBar


def format_epoch(history):
    """One log line for the last epoch: ``epoch  500  loss 0.01234  accuracy 100.00%``."""
    # values to regress onto (accuracy None): a general format, the loss being on the targets' scale, up to 1e240
    shown = ".5f" if history.accuracy[-1] is not None else ".5g"
    line = f"epoch {history.epoch[-1]:5d}  loss {history.loss[-1]:{shown}}"
    if history.accuracy[-1] is not None:
        line += f"  accuracy {100 * history.accuracy[-1]:6.2f}%"
    if history.val_loss:
        line += f"  val_loss {history.val_loss[-1]:{shown}}"
        if history.val_accuracy[-1] is not None:
            line += f"  val_accuracy {100 * history.val_accuracy[-1]:6.2f}%"
    return line


class Callback:
    def on_train_begin(self, history, model):
        pass

    def on_epoch_begin(self, epoch, n_batches):
        pass

    def on_batch_end(self, n_samples, loss, n_correct):
        pass

    def on_epoch_end(self, history, model):
        return False

    def on_train_end(self, history, model):
        pass


class BatchProgress(Callback):
    """A progress bar per epoch: batches done, running loss and accuracy, rate and time left.

    The finished line of each epoch also shows the validation metrics. ``factory``
    draws the bars (see ``backproplab.progress``; default: ``bar_factory()``).
    """

    def __init__(self, epochs, stream=None, factory=None):
        self.epochs, self.stream, self.factory, self.bar = epochs, stream, factory, None

    def on_epoch_begin(self, epoch, n_batches):
        self.bar = ProgressBar(n_batches, f"epoch {epoch}/{self.epochs}", unit="batch", stream=self.stream,
                               factory=self.factory)
        self.loss, self.correct, self.seen = 0.0, 0, 0

    def on_batch_end(self, n_samples, loss, n_correct):
        self.loss += loss * n_samples
        self.seen += n_samples
        shown = {"loss": f"{self.loss / self.seen:.4f}"}
        if n_correct is not None:  # None: values to regress onto, a loss only
            self.correct += n_correct
            shown["accuracy"] = f"{100 * self.correct / self.seen:.2f}%"
        self.bar.update(1, **shown)

    def on_epoch_end(self, history, model):
        shown = {}
        if history.val_loss:
            shown["val_loss"] = f"{history.val_loss[-1]:.4f}"
            if history.val_accuracy[-1] is not None:
                shown["val_accuracy"] = f"{100 * history.val_accuracy[-1]:.2f}%"
        self.bar.close(**shown)
        return False


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs.

    ``monitor`` is ``"val_loss"`` (lower is better) or ``"val_accuracy"``
    (higher is better); without validation data the training metric of the
    same name is watched. With ``restore_best`` the model ends with the
    weights of its best epoch, recorded in ``history.best_epoch``.
    """

    def __init__(self, patience, monitor="val_loss", min_delta=0.0, restore_best=True):
        if monitor not in ("val_loss", "val_accuracy"):
            raise ConfigError(f"monitor must be 'val_loss' or 'val_accuracy', got {monitor!r}")
        self.patience, self.monitor, self.min_delta, self.restore_best = patience, monitor, min_delta, restore_best
        self.best, self.best_epoch, self.wait, self.best_state = math.inf, None, 0, None

    def on_epoch_end(self, history, model):
        name = self.monitor if history.val_loss else self.monitor[len("val_"):]
        value = getattr(history, name)[-1]
        if self.monitor.endswith("accuracy"):
            value = -value  # so that lower is better for both
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = value, history.epoch[-1], 0
            if self.restore_best:
                self.best_state = model.state_dict()
            return False
        self.wait += 1
        if self.wait >= self.patience:
            history.stop_reason = (f"early stopping: no better {name} for {self.patience} epochs "
                                   f"after epoch {self.best_epoch}")
            return True
        return False

    def on_train_end(self, history, model):
        if self.restore_best and self.best_state is not None:
            model.load_state_dict(self.best_state)
            history.best_epoch = self.best_epoch

    def state_dict(self):
        scalars = {"best": self.best, "best_epoch": self.best_epoch, "wait": self.wait}
        return scalars, dict(self.best_state or {})

    def load_state_dict(self, scalars, arrays):
        self.best, self.best_epoch, self.wait = scalars["best"], scalars["best_epoch"], scalars["wait"]
        self.best_state = dict(arrays) or None


class PrintProgress(Callback):
    """Write a log line every ``every`` epochs (and at epoch 1) through ``write``, and one for
    the last epoch trained when it falls between them (a run stopped early, or epochs that are
    not a multiple of ``every``)."""

    def __init__(self, every, write):
        self.every = every
        self.write = write
        self.trained = self.printed = None  # the last epoch trained and the last one logged

    def on_epoch_end(self, history, model):
        epoch = self.trained = history.epoch[-1]
        if self.every and (epoch == 1 or epoch % self.every == 0):
            self.write(format_epoch(history))
            self.printed = epoch
        return False

    def on_train_end(self, history, model):
        if self.every and self.trained is not None and self.trained != self.printed:
            self.write(format_epoch(history))


class TargetAccuracy(Callback):
    """Stop once accuracy reaches ``target`` (a fraction, e.g. 1.0 for 100%).

    Watches validation accuracy when the run has validation data, else the
    training accuracy.
    """

    def __init__(self, target):
        self.target = target
        self.reason = f"reached target accuracy {100 * target:g}%"  # the History's stop_reason when it stops

    def on_epoch_end(self, history, model):
        values = history.val_accuracy or history.accuracy
        if values[-1] >= self.target:
            history.stop_reason = self.reason
            return True
        return False


class TargetLoss(Callback):
    """Stop once the training loss is at or below ``target``, as TensorFlow Playground's stop at a loss does."""

    def __init__(self, target):
        self.target = target
        self.reason = f"reached target loss {target:g}"  # the History's stop_reason when it stops

    def on_epoch_end(self, history, model):
        if history.loss[-1] <= self.target:
            history.stop_reason = self.reason
            return True
        return False


class KerasProgress(Callback):
    """What ``fit(..., verbose=1)`` prints, as Keras does: ``Epoch 3/10`` and then
    ``16/16 [==============================] - 0s 2ms/step - loss: 0.1234 - accuracy: 0.9500``.

    ``verbose=1`` redraws the bar after every batch on a terminal (cut to its
    width, so a line never wraps) and writes the finished line elsewhere;
    ``verbose=2`` writes one line per epoch without the bar. In a notebook,
    ``verbose=1`` is one bar for the whole fit, ``Epoch 37/300 [==>...] - 2s
    6ms/epoch - loss: ...``, redrawn in place at most ten times a second.
    """

    width = 30

    def __init__(self, epochs, verbose=1, stream=None):
        self.epochs, self.verbose = epochs, verbose
        self.stream = stream if stream is not None else sys.stdout
        self.live = verbose == 1 and hasattr(self.stream, "isatty") and self.stream.isatty()
        # A notebook (a Jupyter kernel's module is loaded) redraws a line after "\r" in place but keeps every
        # line ended: one line for the whole fit, not two per epoch.
        self.one_bar = verbose == 1 and not self.live and "ipykernel" in sys.modules

    def on_train_begin(self, history, model):
        self.fit_start, self.shown, self.first_epoch = time.perf_counter(), "", None

    def on_epoch_begin(self, epoch, n_batches):
        if self.one_bar:
            self.epoch, self.first_epoch = epoch, self.first_epoch or epoch
        else:
            self.stream.write(f"Epoch {epoch}/{self.epochs}\n")
        self.n_batches, self.done, self.loss, self.correct, self.seen = n_batches, 0, 0.0, 0, 0
        self.start = self.drawn = time.perf_counter()

    def on_batch_end(self, n_samples, loss, n_correct):
        self.done += 1
        self.loss += loss * n_samples
        self.correct = None if n_correct is None else self.correct + n_correct  # None: values, a loss only
        self.seen += n_samples
        now = time.perf_counter()
        if self.live and (now - self.drawn > 0.1 or self.done == self.n_batches):
            self.drawn = now
            fields = [f"loss: {self.loss / self.seen:.4f}"]
            if self.correct is not None:
                fields.append(f"accuracy: {self.correct / self.seen:.4f}")
            columns = shutil.get_terminal_size().columns - 1
            self.stream.write("\r" + self._line(fields)[:columns] + "\x1b[K")
            self.stream.flush()

    def _bar(self, done, total):
        filled = self.width * done // total
        bar = "=" * filled if filled == self.width else "=" * max(filled - 1, 0) + ">"
        return f"[{bar.ljust(self.width, '.')}]"

    def _line(self, fields):
        seconds = time.perf_counter() - self.start
        step = f"{1000 * seconds / max(self.done, 1):.0f}ms/step"
        counts = f"{self.done}/{self.n_batches}"
        if self.verbose == 1:
            counts += " " + self._bar(self.done, self.n_batches)
        return " - ".join([counts, f"{seconds:.0f}s {step}", *fields])

    def _fit_line(self, fields):
        seconds = time.perf_counter() - self.fit_start
        per_epoch = f"{1000 * seconds / max(self.epoch - self.first_epoch + 1, 1):.0f}ms/epoch"
        return " - ".join([f"Epoch {self.epoch}/{self.epochs} {self._bar(self.epoch, self.epochs)}",
                           f"{seconds:.0f}s {per_epoch}", *fields])

    def _redraw(self, text):
        """The one bar's line replaced by ``text``: "\r", then spaces over what is left of a longer line."""
        self.stream.write("\r" + text.ljust(len(self.shown)))
        self.stream.flush()
        self.shown, self.drawn = text, time.perf_counter()

    def on_epoch_end(self, history, model):
        fields = [f"loss: {history.loss[-1]:.4f}"]
        if history.accuracy[-1] is not None:  # values to regress onto have a loss only
            fields.append(f"accuracy: {history.accuracy[-1]:.4f}")
        if history.val_loss:
            fields.append(f"val_loss: {history.val_loss[-1]:.4f}")
            if history.val_accuracy[-1] is not None:
                fields.append(f"val_accuracy: {history.val_accuracy[-1]:.4f}")
        if self.one_bar:
            self.last = self._fit_line(fields)
            if not self.shown or time.perf_counter() - self.drawn > 0.1:
                self._redraw(self.last)
            return False
        self.stream.write(("\r" if self.live else "") + self._line(fields) + ("\x1b[K\n" if self.live else "\n"))
        self.stream.flush()
        return False

    def on_train_end(self, history, model):
        if self.one_bar and self.shown:  # the last epoch's line, whether or not it was drawn, then the line's end
            self._redraw(self.last)
            self.stream.write("\n")
            self.stream.flush()
