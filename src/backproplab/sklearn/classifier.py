"""BackpropClassifier: MLPClassifier's interface on a backproplab network."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from ..errors import ConfigError
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
        classes, encoded = np.unique(y, return_inverse=True)
        if self.warm_start and hasattr(self, "classes_") and not np.array_equal(classes, self.classes_):
            raise ConfigError(f"y holds the classes {classes.tolist()}, the fitted network {self.classes_.tolist()}; "
                              "fit with warm_start=False to start anew")
        return self._fit(X, encoded.astype(np.int64), *self._head(classes))

    def partial_fit(self, X, y, classes=None):
        """One epoch on (X, y), from the network fitted so far; the first call needs ``classes``, all of them."""
        first = not hasattr(self, "model_")
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], reset=first)
        check_classification_targets(y)
        if first and classes is None:
            raise ConfigError("partial_fit's first call needs classes=, every class y will ever hold, "
                              "e.g. np.unique(y_all)")
        known = np.unique(classes) if first else self.classes_
        unknown = np.setdiff1d(y, known)
        if unknown.size:
            raise ConfigError(f"y holds {unknown.tolist()[0]!r}, not one of the classes {known.tolist()}; "
                              "name every class in the first call's classes=")
        head = self._head(known) if first else (self.n_outputs_, None)
        return self._fit(X, np.searchsorted(known, y).astype(np.int64), *head, incremental=True)

    def _head(self, classes):
        """Keep ``classes`` as ``classes_``; the network's number of outputs and its output activation for them."""
        if len(classes) < 2:
            raise ValueError(f"y holds one class ({classes.tolist()[0]!r}); a classifier needs at least two "
                             "classes to tell apart")
        check_size("classes", len(classes), "y", "check that y holds class labels, not measured values")
        self.classes_ = classes
        binary = len(classes) == 2
        self._auto_loss = LOSSES.name_of(BCEWithLogitsLoss if binary else CrossEntropyLoss)
        takes = LOSSES.get(self._loss_name())
        n_outputs = len(classes) if takes.one_output_per_class or not binary else 1
        squash = Sigmoid if n_outputs == 1 else Softmax
        return n_outputs, ACTIVATIONS.name_of(Identity if takes.takes_logits else squash)

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
