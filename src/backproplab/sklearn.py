"""scikit-learn estimators backed by backproplab's engine: BackpropClassifier and BackpropRegressor.

They take ``MLPClassifier``'s parameter names where the meaning is the same
(``hidden_layer_sizes``, ``activation``, ``solver``, ``alpha``, ``batch_size``,
``learning_rate_init``, ``max_iter``, ``tol``, ``early_stopping``,
``validation_fraction``, ``n_iter_no_change``, ``random_state``, ``verbose``)
and backproplab's own (``loss``, ``init``, ``schedule``, ``dtype``), so they work in a
``Pipeline``, ``GridSearchCV`` and ``cross_val_score``. The network is a
backproplab ``Sequential`` (``model_`` after fitting), trained by hand-written
backpropagation.

Differences from ``MLPClassifier``, by design:

- ``solver`` is any name of ``backproplab.optim.OPTIMIZERS``; ``'sgd'`` is plain SGD
  (scikit-learn's ``'sgd'`` is Nesterov momentum 0.9: use ``'nesterov'``), and
  ``'lbfgs'`` does not exist here.
- ``activation`` is any name of ``backproplab.nn.ACTIVATIONS``; ``'logistic'`` is read as ``'sigmoid'``.
- The learning rate follows ``schedule`` (a name of ``backproplab.optim.SCHEDULES``,
  over ``max_iter`` epochs: stepped once per epoch, one-cycle after every batch), not ``learning_rate``.
- ``MSELoss`` is mean((y_hat - y)^2), without scikit-learn's factor 1/2.

As in scikit-learn, ``loss_`` is the final loss value (``loss_curve_[-1]``); the loss function
it measures is named by ``loss_function_``. ``dtype='auto'`` (the default) computes in the
dtype of the data given to ``fit`` (float32 stays float32, as MLPClassifier does); the
network's weights, probabilities and predictions are then in that dtype. Sizes are checked
against backproplab's limits (``backproplab.limits``) before the network is built.

scikit-learn is an optional dependency (``pip install "backproplab[sklearn]"``); nothing
else in backproplab imports this module.
"""

import math
import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .data.batching import batches, count_batches
from .errors import ConfigError
from .limits import check_size
from .nn import (ACTIVATIONS, INITIALIZERS, LOSSES, BCEWithLogitsLoss, CrossEntropyLoss, Identity, Linear, MSELoss,
                 Sigmoid, Softmax, get_loss)
from .nn.mlp import mlp
from .optim import OPTIMIZERS, SCHEDULES
from .optim.schedules import make_schedule
from .training import WeightPenalty, predict_output, train_step
from .validation import check_bool, check_choice, check_int, check_number

__all__ = ["BackpropClassifier", "BackpropRegressor"]

# scikit-learn's activation names that backproplab spells differently.
_ACTIVATION_ALIASES = {"logistic": ACTIVATIONS.name_of(Sigmoid)}
_DTYPES = ("auto", "float64", "float32")
# Inputs beyond this size have not been scaled: a divergence on them is blamed on their scale.
_UNSCALED = 1e3


class _BaseBackprop(BaseEstimator):
    """What the classifier and the regressor share: parameters, network and training loop."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate_init=0.001, max_iter=200, tol=1e-4, early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=10, random_state=None, verbose=False,
                 loss="auto", init="xavier", schedule="constant", dtype="auto"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state
        self.verbose = verbose
        self.loss = loss
        self.init = init
        self.schedule = schedule
        self.dtype = dtype

    # --- fitted attributes in scikit-learn's layout, read from the network ---------------
    @property
    def coefs_(self):
        """Weight matrices, one per layer, shaped (fan_in, fan_out) as in MLPClassifier."""
        return [layer.weight.data.T for layer in self.model_ if isinstance(layer, Linear)]

    @property
    def intercepts_(self):
        """Bias vectors, one per layer."""
        return [layer.bias.data for layer in self.model_ if isinstance(layer, Linear)]

    @property
    def n_layers_(self):
        return len(self.coefs_) + 1

    @property
    def n_outputs_(self):
        return self.coefs_[-1].shape[1]

    # --- checks ---------------------------------------------------------------------------
    def _checked_params(self):
        """The parameters as the training loop uses them; a one-line ConfigError for a bad one."""
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if isinstance(sizes, (int, np.integer)) else list(sizes)
        hidden = [check_int("hidden_layer_sizes", h, 1, fix="give widths such as (100,) or (64, 32)")
                  for h in sizes]
        activation = _ACTIVATION_ALIASES.get(self.activation, self.activation)
        check_choice("activation", activation, [*ACTIVATIONS.names(), *_ACTIVATION_ALIASES])
        check_choice("solver", self.solver, OPTIMIZERS.names())
        check_choice("init", self.init, INITIALIZERS.names())
        check_choice("schedule", self.schedule, SCHEDULES.names())
        check_number("alpha", self.alpha, 0)
        check_number("learning_rate_init", self.learning_rate_init, 0, low_open=True)
        check_int("max_iter", self.max_iter, 1)
        check_number("tol", self.tol, 0)
        check_bool("early_stopping", self.early_stopping)
        check_number("validation_fraction", self.validation_fraction, 0, 1, low_open=True, high_open=True)
        check_int("n_iter_no_change", self.n_iter_no_change, 1)
        if self.batch_size != "auto":
            check_int("batch_size", self.batch_size, 1, fix="or 'auto' for min(200, n_samples)")
        return hidden, activation

    def _loss_name(self):
        if self.loss == "auto":
            return self._auto_loss
        return check_choice("loss", self.loss, self._losses)

    # --- building and training ---------------------------------------------------------
    def _compute_dtype(self, X):
        """The dtype the network computes in: X's own (float32 or float64) with 'auto', else ``dtype``."""
        return np.dtype(X.dtype if self.dtype == "auto" else check_choice("dtype", self.dtype, _DTYPES))

    @staticmethod
    def _in_range(name, array, dtype):
        """``array`` as ``dtype``; a one-line error if a value is beyond what ``dtype`` can hold."""
        top, largest = float(np.max(np.abs(array))) if array.size else 0.0, float(np.finfo(dtype).max)
        if top > largest:
            raise ConfigError(f"{name} holds values up to {top:.3g}, beyond the largest {dtype} ({largest:.3g}); "
                              "scale it (e.g. StandardScaler) or use dtype='float64'")
        return array.astype(dtype, copy=False)

    def _check_sizes(self, n_features, n_outputs, hidden, batch_size, dtype):
        """The CLI's limits, before anything is allocated: parameters, and a batch's activations (forward
        and backward keep about three arrays of each layer's output, Linear and activation, per sample)."""
        widths = [n_features, *hidden, n_outputs]
        network = f"hidden_layer_sizes={tuple(hidden)} on {n_features} features and {n_outputs} outputs"
        check_size("parameters", sum(a * b + b for a, b in zip(widths, widths[1:])), network,
                   "use narrower or fewer hidden layers")
        check_size("batch_bytes", 3 * 2 * sum(widths[1:]) * dtype.itemsize * batch_size,
                   f"batch_size={batch_size} with {network}", "use a smaller batch_size")

    def _diverged(self, epoch, loss, X, overflowed):
        """The error for a loss that became ``loss``, naming the likely cause: the inputs' scale or the step size."""
        scale = float(np.max(np.abs(X)))
        what = f"the network's {X.dtype} arithmetic overflowed" if overflowed else f"the loss became {loss}"
        if scale > _UNSCALED:
            cause = f"the inputs reach |x| = {scale:.3g}; scale them, e.g. with StandardScaler in a Pipeline"
        else:
            cause = f"lower learning_rate_init (it was {self.learning_rate_init:g})"
        return ConfigError(f"training diverged at epoch {epoch}: {what}; {cause}")

    def _fit(self, X, targets, n_outputs, output_activation):
        """Train a fresh network on (X, targets): the loop of MLPClassifier's stochastic solvers."""
        hidden, activation = self._checked_params()
        loss_name = self._loss_name()
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        rng = np.random.default_rng(seed)
        dtype = self._compute_dtype(X)
        X = self._in_range("X", X, dtype)
        X_val = y_val = None
        if self.early_stopping:
            stratify = targets if isinstance(self, ClassifierMixin) else None
            X, X_val, targets, y_val = train_test_split(X, targets, test_size=self.validation_fraction,
                                                        random_state=seed, stratify=stratify)
        n = len(X)
        batch_size = min(200, n) if self.batch_size == "auto" else min(self.batch_size, n)
        self._check_sizes(X.shape[1], n_outputs, hidden, batch_size, dtype)
        self.model_ = mlp([X.shape[1], *hidden, n_outputs], [activation] * len(hidden), output_activation,
                          init=self.init, rng=rng, dtype=dtype)
        self.loss_function_ = loss_name
        loss_fn = get_loss(loss_name)
        optimizer = OPTIMIZERS.get(self.solver)(self.model_.parameters(), lr=self.learning_rate_init)
        n_batches = count_batches(n, batch_size)
        schedule = make_schedule(self.schedule, optimizer, self.max_iter, n_batches)
        # L2 penalty alpha/2 |W|^2 per batch: dW += alpha W / batch (biases exempt)
        penalty = WeightPenalty(self.model_, "l2", self.alpha, per_sample=True) if self.alpha else None
        self.loss_curve_, self.validation_scores_ = [], [] if self.early_stopping else None
        self.best_loss_ = self.best_validation_score_ = None
        best, best_state, no_improvement = math.inf, None, 0
        start = time.perf_counter()
        self.n_iter_ = 0
        overflows = []  # NumPy's floating-point errors, recorded to name them in one line, not as raw warnings
        for epoch in range(1, self.max_iter + 1):
            total = 0.0
            for idx in batches(n, batch_size, rng):
                xb, yb = X[idx], targets[idx]
                with np.errstate(over="call", invalid="call", divide="call", call=lambda *e: overflows.append(e)):
                    _, loss = train_step(self.model_, loss_fn, optimizer, xb, yb, penalty=penalty,
                                         schedule=schedule)
                if not math.isfinite(loss) or overflows:
                    raise self._diverged(epoch, loss, X, any(kind == "overflow" for kind, _ in overflows))
                total += loss * len(xb)
            self.loss_curve_.append((total + (n_batches * penalty.value() if penalty else 0.0)) / n)
            self.n_iter_ = epoch
            if not schedule.per_batch:
                schedule.step(self.loss_curve_[-1])
            if self.early_stopping:
                score = self._score_network(X_val, y_val)
                self.validation_scores_.append(score)
                value = -score
            else:
                value = self.loss_curve_[-1]
            no_improvement = no_improvement + 1 if value > best - self.tol else 0
            if value < best:
                best = value
                if self.early_stopping:
                    best_state = self.model_.state_dict()
            if self.verbose:
                extra = f", validation score = {self.validation_scores_[-1]:.8f}" if self.early_stopping else ""
                print(f"Iteration {epoch}, loss = {self.loss_curve_[-1]:.8f}{extra}")
            if no_improvement > self.n_iter_no_change:
                break
        else:
            warnings.warn(f"stopped at max_iter={self.max_iter} epochs before the loss settled (tol "
                          f"{self.tol:g}); raise max_iter to train longer", ConvergenceWarning, stacklevel=3)
        if self.early_stopping:
            self.best_validation_score_ = -best
            self.model_.load_state_dict(best_state)
        else:
            self.best_loss_ = best
        self.loss_ = self.loss_curve_[-1]
        self.t_ = n * self.n_iter_
        self.fit_seconds_ = time.perf_counter() - start
        self.model_.eval()
        return self

    def _network_output(self, X):
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return predict_output(self.model_, X.astype(self.coefs_[0].dtype, copy=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


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

    def fit(self, X, y):
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32], multi_output=True, y_numeric=True)
        self._y_ndim = y.ndim
        targets = self._in_range("y", y.reshape(-1, 1) if y.ndim == 1 else y, self._compute_dtype(X))
        return self._fit(X, targets, targets.shape[1], ACTIVATIONS.name_of(Identity))

    def _score_network(self, X, y):
        out = predict_output(self.model_, X)
        residual = float(np.sum((y - out) ** 2))
        spread = float(np.sum((y - y.mean(axis=0)) ** 2))
        return 1.0 - residual / spread if spread else 0.0

    def predict(self, X):
        out = self._network_output(X)
        return out.ravel() if self._y_ndim == 1 else out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
