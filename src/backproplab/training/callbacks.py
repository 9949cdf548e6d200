"""Callbacks: small objects called after every epoch of ``fit``.

``on_epoch_end(history, model)`` returns True to stop training.
"""


def format_epoch(history):
    """One log line for the last epoch: ``epoch  500  loss 0.01234  accuracy 100.00%``."""
    line = (f"epoch {history.epoch[-1]:5d}  loss {history.loss[-1]:.5f}  "
            f"accuracy {100 * history.accuracy[-1]:6.2f}%")
    if history.val_loss:
        line += f"  val_loss {history.val_loss[-1]:.5f}  val_accuracy {100 * history.val_accuracy[-1]:6.2f}%"
    return line


class Callback:
    def on_epoch_end(self, history, model):
        return False


class PrintProgress(Callback):
    """Write a log line every ``every`` epochs (and at epoch 1) through ``write``."""

    def __init__(self, every, write):
        self.every = every
        self.write = write

    def on_epoch_end(self, history, model):
        epoch = history.epoch[-1]
        if self.every and (epoch == 1 or epoch % self.every == 0):
            self.write(format_epoch(history))
        return False


class TargetAccuracy(Callback):
    """Stop once accuracy reaches ``target`` (a fraction, e.g. 1.0 for 100%).

    Watches validation accuracy when the run has validation data, else the
    training accuracy.
    """

    def __init__(self, target):
        self.target = target

    def on_epoch_end(self, history, model):
        values = history.val_accuracy or history.accuracy
        if values[-1] >= self.target:
            history.stop_reason = f"reached target accuracy {100 * self.target:g}%"
            return True
        return False
