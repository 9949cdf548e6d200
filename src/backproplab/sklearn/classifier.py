"""BackpropClassifier: MLPClassifier's interface on a backproplab network."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d, validate_data

from ..errors import ConfigError
from ..limits import check_size
from ..nn import ACTIVATIONS, LOSSES, BCEWithLogitsLoss, CrossEntropyLoss, Identity, Sigmoid, Softmax, get_loss
from ..training import predict_output
from .base import MatrixLike, _BaseBackprop, sklearn_activation

# A label is predicted present when its probability reaches this.
_THRESHOLD = 0.5


class BackpropClassifier(ClassifierMixin, _BaseBackprop):
    """A multi-layer perceptron classifier trained by backproplab.

    Two classes: one logit output trained with ``bce_logits``; more: one logit
    per class trained with ``cross_entropy`` (``loss='auto'``). ``loss`` may
    also name any classification loss of ``backproplab.nn.LOSSES``. A multilabel ``y``
    (an indicator matrix, one 0/1 column per label) trains one logit per label with
    ``bce_logits``; ``predict`` then returns an indicator matrix and ``predict_proba``
    each label's probability.

    Fitted attributes: ``classes_``, ``n_features_in_``, ``coefs_``, ``intercepts_``,
    ``loss_`` (the last value of ``loss_curve_``), ``loss_function_``, ``n_iter_``, ``t_``, ``best_loss_`` (or
    ``validation_scores_`` and ``best_validation_score_`` with early stopping), ``out_activation_``
    and ``model_``, the backproplab ``Sequential``.
    """

    _auto_loss = None  # chosen in fit from the number of classes

    @property
    def _losses(self):
        """Every registered loss: each reads class labels from the network's output."""
        return LOSSES.names()

    def fit(self, X: MatrixLike, y: MatrixLike, sample_weight: MatrixLike | None = None) -> "BackpropClassifier":
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], accept_sparse="csr", multi_output=True)
        y, sample_weight = _one_column_raveled(y), self._sample_weight(sample_weight, X)
        check_classification_targets(y)
        classes, targets = self._encode(y)
        if self.warm_start and hasattr(self, "classes_") and not np.array_equal(classes, self.classes_):
            raise ConfigError(f"y holds the classes {classes.tolist()}, the fitted network {self.classes_.tolist()}; "
                              "fit with warm_start=False to start anew")
        n_outputs, output_activation = self._head(classes, y.ndim == 2)
        return self._fit(X, targets, n_outputs, output_activation, sample_weight=sample_weight)

    def partial_fit(self, X: MatrixLike, y: MatrixLike, sample_weight: MatrixLike | None = None,
                    classes: MatrixLike | None = None) -> "BackpropClassifier":
        """One epoch on (X, y), from the network fitted so far; the first call needs ``classes``, all of them
        (but for a multilabel ``y``, whose columns are the labels)."""
        first = not hasattr(self, "model_")
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], accept_sparse="csr", multi_output=True,
                             reset=first)
        y, sample_weight = _one_column_raveled(y), self._sample_weight(sample_weight, X)
        check_classification_targets(y)
        multilabel = y.ndim == 2
        if not first:
            known = self.classes_
        elif multilabel:
            known = self._encode(y)[0]
        elif classes is None:
            raise ConfigError("partial_fit's first call needs classes=, every class y will ever hold, "
                              "e.g. np.unique(y_all)")
        else:
            known = np.unique(classes)
        if multilabel:
            targets = self._encode(y)[1]
        else:
            unknown = np.setdiff1d(y, known)
            if unknown.size:
                raise ConfigError(f"y holds {unknown.tolist()[0]!r}, not one of the classes {known.tolist()}; "
                                  "name every class in the first call's classes=")
            targets = np.searchsorted(known, y).astype(np.int64)
        n_outputs, output_activation = self._head(known, multilabel) if first else (self.n_outputs_, None)
        return self._fit(X, targets, n_outputs, output_activation, sample_weight=sample_weight, incremental=True)

    @staticmethod
    def _encode(y):
        """The classes and the targets the loss reads: class indices, or the 0/1 matrix of a multilabel ``y``."""
        if y.ndim == 2:
            if type_of_target(y) != "multilabel-indicator":
                raise ConfigError(f"y has {y.shape[1]} columns but is not a 0/1 indicator matrix; give one class "
                                  "label per sample, or one 0/1 column per label")
            return np.arange(y.shape[1]), np.asarray(y, dtype=np.float64)
        classes, encoded = np.unique(y, return_inverse=True)
        return classes, encoded.astype(np.int64)

    def _head(self, classes, multilabel=False):
        """Keep ``classes`` as ``classes_``; the network's number of outputs and its output activation for them."""
        self.multilabel_ = multilabel
        if len(classes) < 2 and not multilabel:
            raise ValueError(f"y holds one class ({classes.tolist()[0]!r}); a classifier needs at least two "
                             "classes to tell apart")
        check_size("classes", len(classes), "y", "check that y holds class labels, not measured values")
        self.classes_ = classes
        binary = len(classes) == 2 and not multilabel
        self._auto_loss = LOSSES.name_of(BCEWithLogitsLoss if binary or multilabel else CrossEntropyLoss)
        takes = LOSSES.get(self._loss_name())
        if multilabel and takes.one_output_per_class:
            raise ConfigError(f"loss={self.loss!r} reads one class per sample; a multilabel y needs a loss of "
                              f"one 0/1 target per output, such as {LOSSES.name_of(BCEWithLogitsLoss)!r}")
        n_outputs = len(classes) if takes.one_output_per_class or not binary else 1
        squash = Sigmoid if n_outputs == 1 or multilabel else Softmax
        return n_outputs, ACTIVATIONS.name_of(Identity if takes.takes_logits else squash)

    def _stratified(self):
        """Early stopping's validation split keeps the classes' shares (not a multilabel y's)."""
        return not self.multilabel_

    @property
    def out_activation_(self) -> str:
        """The output's squashing in scikit-learn's words: 'logistic' (one output, or multilabel) or 'softmax'."""
        return sklearn_activation(Sigmoid if self.n_outputs_ == 1 or self.multilabel_ else Softmax)

    def _labels(self, output):
        """Class indices, or the 0/1 matrix of a multilabel network, from the network's output."""
        loss = get_loss(self.loss_function_)
        if self.multilabel_:
            return (loss.probabilities(output) >= _THRESHOLD).astype(np.int64)
        return loss.predict(output)

    def _score_network(self, X, y, sample_weight=None):
        return float(accuracy_score(y, self._labels(predict_output(self.model_, X)), sample_weight=sample_weight))

    def predict_proba(self, X: MatrixLike) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in the order of ``classes_``
        (multilabel: each label's probability)."""
        out = self._network_output(X)
        proba = get_loss(self.loss_function_).probabilities(out)
        if proba.shape[1] == 1:
            proba = np.hstack([1 - proba, proba])
        return proba

    def predict_log_proba(self, X: MatrixLike) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X: MatrixLike) -> np.ndarray:
        labels = self._labels(self._network_output(X))
        return labels if self.multilabel_ else self.classes_[labels]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


def _one_column_raveled(y):
    """A y of one column is one label per sample, with scikit-learn's DataConversionWarning."""
    return column_or_1d(y, warn=True) if y.ndim == 2 and y.shape[1] == 1 else y
