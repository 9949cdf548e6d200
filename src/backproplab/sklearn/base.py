"""What BackpropClassifier and BackpropRegressor share: parameters, checks, the network and its training."""

import math
import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ..data.batching import batches, count_batches
from ..errors import ConfigError
from ..limits import check_size
from ..nn import ACTIVATIONS, INITIALIZERS, Linear, Sigmoid, get_loss
from ..nn.mlp import mlp
from ..optim import OPTIMIZERS, SCHEDULES
from ..optim.schedules import make_schedule
from ..training import WeightPenalty, predict_output, train_step
from ..validation import check_bool, check_choice, check_int, check_number

# scikit-learn's activation names that backproplab spells differently.
_ACTIVATION_ALIASES = {"logistic": ACTIVATIONS.name_of(Sigmoid)}
_DTYPES = ("auto", "float64", "float32")
# Inputs beyond this size have not been scaled: a divergence on them is blamed on their scale.
_UNSCALED = 1e3

class _BaseBackprop(BaseEstimator):
    """What the classifier and the regressor share: parameters, network and training loop."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate_init=0.001, max_iter=200, tol=1e-4, early_stopping=False,
                 validation_fraction=0.1, n_iter_no_change=10, random_state=None, verbose=False, warm_start=False,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, loss="auto", init="xavier", schedule="constant",
                 dtype="auto"):
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
        self.warm_start = warm_start
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
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
        check_bool("warm_start", self.warm_start)
        check_number("beta_1", self.beta_1, 0, 1, high_open=True)
        check_number("beta_2", self.beta_2, 0, 1, high_open=True)
        check_number("epsilon", self.epsilon, 0, low_open=True)
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

    def _optimizer(self):
        """The solver on the network's parameters; beta_1, beta_2 and epsilon go to every solver that takes them."""
        takes = OPTIMIZERS.parameters(OPTIMIZERS.get(self.solver))
        options = {"betas": (self.beta_1, self.beta_2), "eps": self.epsilon}
        return OPTIMIZERS.get(self.solver)(self.model_.parameters(), lr=self.learning_rate_init,
                                           **{name: value for name, value in options.items() if name in takes})

    def _check_warm_start(self, n_features, n_outputs):
        """A fitted network goes on training only on data of its own shape."""
        fitted = (self.coefs_[0].shape[0], self.n_outputs_)
        if fitted != (n_features, n_outputs):
            raise ConfigError(f"the fitted network takes {fitted[0]} features to {fitted[1]} outputs, this data "
                              f"{n_features} to {n_outputs}; fit with warm_start=False to start anew")

    def _fit(self, X, targets, n_outputs, output_activation, incremental=False):
        """Train on (X, targets): the loop of MLPClassifier's stochastic solvers. A fresh network, or the fitted one
        with ``warm_start``; ``incremental`` (partial_fit): one epoch, no early stopping, no convergence check."""
        hidden, activation = self._checked_params()
        loss_name = self._loss_name()
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        rng = np.random.default_rng(seed)
        warm = (incremental or self.warm_start) and hasattr(self, "model_")
        dtype = self.coefs_[0].dtype if warm else self._compute_dtype(X)
        X = self._in_range("X", X, dtype)
        X_val = y_val = None
        early_stopping = self.early_stopping and not incremental
        if early_stopping:
            stratify = targets if isinstance(self, ClassifierMixin) else None
            X, X_val, targets, y_val = train_test_split(X, targets, test_size=self.validation_fraction,
                                                        random_state=seed, stratify=stratify)
        n = len(X)
        batch_size = min(200, n) if self.batch_size == "auto" else min(self.batch_size, n)
        if warm:
            self._check_warm_start(X.shape[1], n_outputs)
        else:
            self._check_sizes(X.shape[1], n_outputs, hidden, batch_size, dtype)
            self.model_ = mlp([X.shape[1], *hidden, n_outputs], [activation] * len(hidden), output_activation,
                              init=self.init, rng=rng, dtype=dtype)
            self.loss_curve_, self.validation_scores_, self.n_iter_, self.t_ = [], None, 0, 0
        self.model_.train()
        self.loss_function_ = loss_name
        loss_fn = get_loss(loss_name)
        # a fresh optimizer state on every call (scikit-learn keeps Adam's moments between warm fits): a fitted
        # estimator holds its weights only
        optimizer = self._optimizer()
        epochs = 1 if incremental else self.max_iter
        n_batches = count_batches(n, batch_size)
        schedule = make_schedule(self.schedule, optimizer, epochs, n_batches)
        # L2 penalty alpha/2 |W|^2 per batch: dW += alpha W / batch (biases exempt)
        penalty = WeightPenalty(self.model_, "l2", self.alpha, per_sample=True) if self.alpha else None
        if early_stopping and self.validation_scores_ is None:
            self.validation_scores_ = []
        self.best_loss_ = self.best_validation_score_ = None
        best, best_state, no_improvement = math.inf, None, 0
        start = time.perf_counter()
        overflows = []  # NumPy's floating-point errors, recorded to name them in one line, not as raw warnings
        for epoch in range(self.n_iter_ + 1, self.n_iter_ + epochs + 1):
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
            self.n_iter_, self.t_ = epoch, self.t_ + n
            if not schedule.per_batch:
                schedule.step(self.loss_curve_[-1])
            if early_stopping:
                score = self._score_network(X_val, y_val)
                self.validation_scores_.append(score)
                value = -score
            else:
                value = self.loss_curve_[-1]
            no_improvement = no_improvement + 1 if value > best - self.tol else 0
            if value < best:
                best = value
                if early_stopping:
                    best_state = self.model_.state_dict()
            if self.verbose:
                extra = f", validation score = {self.validation_scores_[-1]:.8f}" if early_stopping else ""
                print(f"Iteration {epoch}, loss = {self.loss_curve_[-1]:.8f}{extra}")
            if no_improvement > self.n_iter_no_change:
                break
        else:
            if not incremental:
                warnings.warn(f"stopped at max_iter={self.max_iter} epochs before the loss settled (tol "
                              f"{self.tol:g}); raise max_iter to train longer", ConvergenceWarning, stacklevel=3)
        if early_stopping:
            self.best_validation_score_ = -best
            self.model_.load_state_dict(best_state)
        else:
            self.best_loss_ = best
        self.loss_ = self.loss_curve_[-1]
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
