"""A callback that scores the model on a test set after every epoch: the test curve beside the training one."""

import numpy as np

from .callbacks import Callback
from .evaluate import evaluate


class EpochTestScores(Callback):
    """Loss and accuracy on a test set after every epoch (in eval mode); a loss that is not finite is None."""

    def __init__(self, loss_fn, X, y, classes=True):
        self.loss_fn, self.X, self.y, self.classes = loss_fn, X, y, classes  # classes=False: values, no accuracy
        self.loss, self.accuracy = [], []

    def on_epoch_end(self, history, model):
        with np.errstate(all="ignore"):  # a diverging run is reported by fit
            loss, accuracy = evaluate(model, self.loss_fn, self.X, self.y, classes=self.classes)
        self.loss.append(float(loss) if np.isfinite(loss) else None)
        self.accuracy.append(accuracy)
        return False
