"""BackpropClassifier: MLPClassifier's interface on a backproplab network."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from ..limits import check_size
from ..nn import ACTIVATIONS, LOSSES, BCEWithLogitsLoss, CrossEntropyLoss, Identity, Sigmoid, Softmax, get_loss
from ..training import predict_output
from .base import _BaseBackprop


class BackpropClassifier(ClassifierMixin, _BaseBackprop):
    """A multi-layer perceptron classifier trained by backproplab.

    Two classes: one logit output trained with ``bce_logits``; more: one logit
    per class trained with ``cross_entropy`` (``loss='auto'``). ``loss`` may
    also name any classification loss of ``backproplab.nn.LOSSES``.

    Fitted attributes: ``classes_``, ``n_features_in_``, ``coefs_``, ``intercepts_``,
    ``loss_`` (the last value of ``loss_curve_``), ``loss_function_``, ``n_iter_``, ``t_``, ``best_loss_`` (or
    ``validation_scores_`` and ``best_validation_score_`` with early stopping)
    and ``model_``, the backproplab ``Sequential``.
    """

    _auto_loss = None  # chosen in fit from the number of classes

    @property
    def _losses(self):
        """Every registered loss: each reads class labels from the network's output."""
        return LOSSES.names()

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"y holds one class ({self.classes_[0]!r}); a classifier needs at least two "
                             "classes to tell apart")
        check_size("classes", len(self.classes_), "y", "check that y holds class labels, not measured values")
        binary = len(self.classes_) == 2
        self._auto_loss = LOSSES.name_of(BCEWithLogitsLoss if binary else CrossEntropyLoss)
        loss = self._loss_name()
        takes = LOSSES.get(loss)
        n_outputs = len(self.classes_) if takes.one_output_per_class or not binary else 1
        squash = Sigmoid if n_outputs == 1 else Softmax
        output = ACTIVATIONS.name_of(Identity if takes.takes_logits else squash)
        return self._fit(X, encoded.astype(np.int64), n_outputs, output)

    def _score_network(self, X, y):
        return float(np.mean(get_loss(self.loss_function_).predict(predict_output(self.model_, X)) == y))

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, n_classes), columns in the order of ``classes_``."""
        out = self._network_output(X)
        proba = get_loss(self.loss_function_).probabilities(out)
        if proba.shape[1] == 1:
            proba = np.hstack([1 - proba, proba])
        return proba

    def predict_log_proba(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X):
        out = self._network_output(X)
        labels = get_loss(self.loss_function_).predict(out)
        return self.classes_[labels]
