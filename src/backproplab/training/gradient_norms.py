"""GradientNorms: record the norm of every layer's weight gradient, epoch by epoch.

Vanishing gradients show here: in a deep sigmoid network the first layer's
gradient is orders of magnitude smaller than the last layer's.
"""

import math

import numpy as np

from ..nn import Sequential
from .callbacks import Callback


class GradientNorms(Callback):
    """After training, ``norms`` maps ``W1``, ``W2`` ... (each layer with a ``weight``, first to last)
    to one number per epoch: sqrt(mean over the epoch's batches of ||dL/dW||^2), the root mean
    square of the batch gradients' norms (with full batch, simply ||dL/dW||).

    ``fit`` calls ``on_batch_end`` after the optimizer's step, when ``grad`` still holds
    the batch's gradient; the cost is one dot product per layer and batch.
    """

    def __init__(self):
        self.norms, self.shapes = {}, {}
        self._params, self._sums, self._batches = [], None, 0

    def on_train_begin(self, history, model):
        layers = model.layers if isinstance(model, Sequential) else [model]
        weights = [layer.weight for layer in layers if getattr(layer, "weight", None) is not None]
        self._params = [(f"W{k}", p) for k, p in enumerate(weights, start=1)]
        for name, p in self._params:
            self.norms.setdefault(name, [])
            self.shapes[name] = tuple(p.shape)
        self._sums = [0.0] * len(self._params)
        self._batches = 0

    def on_batch_end(self, n_samples, loss, n_correct):
        sums = self._sums
        for k, (_, p) in enumerate(self._params):
            g = p.grad.reshape(-1)
            sums[k] += float(np.dot(g, g))
        self._batches += 1

    def on_epoch_end(self, history, model):
        if self._batches:
            for (name, _), total in zip(self._params, self._sums):
                self.norms[name].append(math.sqrt(total / self._batches))
        self._sums = [0.0] * len(self._params)
        self._batches = 0
        return False
