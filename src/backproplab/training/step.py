"""One training step on one batch: forward, loss, backward, penalty, update, per-batch schedule.

``fit`` loops over it; so do the playground's epochs and single-sample steps and the
scikit-learn estimators. A training feature added here reaches all of them.
"""

import math

import numpy as np

from ..errors import ConfigError
from ..nn import Linear, Sequential


class WeightPenalty:
    """A penalty on the weights of every Linear layer (not the biases), added to each step's gradients.

    ``l2``: rate/2 * sum(W^2), whose gradient is rate * W. ``l1``: rate * sum(|W|), whose
    gradient is rate * sign(W). With ``per_sample``, the rate is divided by the batch's size
    (scikit-learn's ``alpha``: the penalty alpha/2 |W|^2 is shared by the samples of a batch).
    """

    KINDS = ("l1", "l2")

    def __init__(self, model, kind="l2", rate=0.0, per_sample=False):
        if kind not in self.KINDS:
            raise ConfigError(f"weight penalty {kind!r} is not one of: {', '.join(self.KINDS)}")
        self.weights = [layer.weight for layer in model.modules() if isinstance(layer, Linear)]
        self.kind, self.rate, self.per_sample = kind, rate, per_sample

    def add_gradient(self, batch_size):
        """dL/dW += the penalty's gradient, for a batch of ``batch_size`` samples."""
        rate = self.rate / batch_size if self.per_sample else self.rate
        for w in self.weights:
            w.grad += rate * (w.data if self.kind == "l2" else np.sign(w.data))

    def value(self):
        """The penalty of the weights now (without the division by a batch's size)."""
        if self.kind == "l2":
            return 0.5 * self.rate * sum(float(np.vdot(w.data, w.data)) for w in self.weights)
        return self.rate * sum(float(np.abs(w.data).sum()) for w in self.weights)


def train_step(model, loss_fn, optimizer, x, y, *, penalty=None, schedule=None):
    """One update of ``model`` on the batch (x, y); returns (the output, the loss before the update).

    out = model(x); L = loss(out, y); dL/dout flows back through the model (whose
    gradients start at zero); the penalty, if any, adds its gradient; the optimizer
    steps; a schedule stepped every batch (``per_batch``, such as one-cycle) steps too.
    A loss that is not finite returns at once, before any gradient or update.
    """
    out = model.forward(x)
    loss = loss_fn.forward(out, y)
    if not math.isfinite(loss):
        return out, loss
    optimizer.zero_grad()
    if isinstance(model, Sequential):
        model.backward(loss_fn.backward(), input_grad=False)  # dL/dx is not needed
    else:
        model.backward(loss_fn.backward())
    if penalty is not None:
        penalty.add_gradient(len(y))
    optimizer.step()
    if getattr(schedule, "per_batch", False):
        schedule.step()
    return out, loss
