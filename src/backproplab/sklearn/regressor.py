"""BackpropRegressor: MLPRegressor's interface on a backproplab network."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import validate_data

from ..nn import ACTIVATIONS, LOSSES, Identity, MSELoss
from ..training import predict_output
from .base import MatrixLike, _BaseBackprop, sklearn_activation


class BackpropRegressor(RegressorMixin, _BaseBackprop):
    """A multi-layer perceptron regressor trained by backproplab: linear outputs, ``mse`` loss.

    ``y`` may have one column per target. Fitted attributes as BackpropClassifier's,
    without ``classes_``; ``validation_scores_`` are R^2 scores.
    """

    @property
    def _auto_loss(self):
        return LOSSES.name_of(MSELoss)

    @property
    def _losses(self):
        """The registered losses that compare the outputs with the targets as they are: no logits, no probabilities."""
        return tuple(name for name, loss in LOSSES.items() if not (loss.takes_logits or loss.takes_probabilities))

    def fit(self, X: MatrixLike, y: MatrixLike, sample_weight: MatrixLike | None = None) -> "BackpropRegressor":
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], accept_sparse="csr", multi_output=True,
                             y_numeric=True)
        return self._fit_targets(X, y, self._sample_weight(sample_weight, X), incremental=False)

    def partial_fit(self, X: MatrixLike, y: MatrixLike, sample_weight: MatrixLike | None = None) -> "BackpropRegressor":
        """One epoch on (X, y), from the network fitted so far (a fresh one on the first call)."""
        first = not hasattr(self, "model_")
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], accept_sparse="csr", multi_output=True,
                             y_numeric=True, reset=first)
        return self._fit_targets(X, y, self._sample_weight(sample_weight, X), incremental=True)

    def _fit_targets(self, X, y, sample_weight, incremental):
        self._y_ndim = y.ndim
        dtype = self.coefs_[0].dtype if hasattr(self, "model_") and (incremental or self.warm_start) else None
        targets = self._in_range("y", y.reshape(-1, 1) if y.ndim == 1 else y, dtype or self._compute_dtype(X))
        return self._fit(X, targets, targets.shape[1], ACTIVATIONS.name_of(Identity), sample_weight=sample_weight,
                         incremental=incremental)

    @staticmethod
    def _stratified():
        return False

    @property
    def out_activation_(self) -> str:
        """The output's activation in scikit-learn's words: linear."""
        return sklearn_activation(Identity)

    def _score_network(self, X, y, sample_weight=None):
        return float(r2_score(y, predict_output(self.model_, X), sample_weight=sample_weight))

    def predict(self, X: MatrixLike) -> np.ndarray:
        out = self._network_output(X)
        return out.ravel() if self._y_ndim == 1 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
