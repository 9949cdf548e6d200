"""What BackpropClassifier and BackpropRegressor share: parameters, checks, the network and its training."""

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ..errors import ConfigError
from ..limits import check_size
from ..nn import ACTIVATIONS, INITIALIZERS, Linear, Sigmoid
from ..optim import OPTIMIZERS, SCHEDULES
from ..optim.schedules import ConstantLR
from ..optim.sgd import SGD
from ..training import predict_output
from ..validation import check_bool, check_choice, check_int, check_number
from .learning_rate import LEARNING_RATES
from .stochastic import StochasticFit

# What scikit-learn's signatures call {array-like, sparse matrix}: an array, nested lists, a pandas DataFrame, a SciPy
# sparse matrix; validate_data makes an array of it.
MatrixLike = Any
# scikit-learn's activation names that backproplab spells differently.
_ACTIVATION_ALIASES = {"logistic": ACTIVATIONS.name_of(Sigmoid)}


def sklearn_activation(cls):
    """The name scikit-learn gives the activation ``cls`` (its ``out_activation_``): 'logistic' for Sigmoid."""
    name = ACTIVATIONS.name_of(cls)
    return next((alias for alias, same in _ACTIVATION_ALIASES.items() if same == name), name)

_DTYPES = ("auto", "float64", "float32")
# Inputs beyond this size have not been scaled: a divergence on them is blamed on their scale.
_UNSCALED = 1e3
# A sparse X is predicted this many rows at a time, each chunk densified.
_CHUNK = 1024

class _BaseBackprop(StochasticFit, BaseEstimator):
    """What the classifier and the regressor share: parameters, network and training loop.

    The parameters are MLPClassifier's, in its order (but ``max_fun``, which only its L-BFGS solver
    uses), then backproplab's own: ``loss``, ``init``, ``schedule`` and ``dtype``.
    """

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate="constant", learning_rate_init=0.001, power_t=0.5, max_iter=200,
                 shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-8, n_iter_no_change=10, loss="auto", init="xavier", schedule="constant", dtype="auto"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.loss = loss
        self.init = init
        self.schedule = schedule
        self.dtype = dtype

    # --- fitted attributes in scikit-learn's layout, read from the network ---------------
    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrices, one per layer, shaped (fan_in, fan_out) as in MLPClassifier."""
        return [layer.weight.data.T for layer in self.model_ if isinstance(layer, Linear)]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Bias vectors, one per layer."""
        return [layer.bias.data for layer in self.model_ if isinstance(layer, Linear)]

    @property
    def n_layers_(self) -> int:
        return len(self.coefs_) + 1

    @property
    def n_outputs_(self) -> int:
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
        check_choice("learning_rate", self.learning_rate, LEARNING_RATES)
        check_number("power_t", self.power_t, 0)
        check_bool("shuffle", self.shuffle)
        check_number("momentum", self.momentum, 0, 1, high_open=True)
        check_bool("nesterovs_momentum", self.nesterovs_momentum)
        if self.learning_rate != LEARNING_RATES[0] and SCHEDULES.get(self.schedule) is not ConstantLR:
            raise ConfigError(f"learning_rate={self.learning_rate!r} and schedule={self.schedule!r} would both set "
                              "the rate; choose one, leaving the other at its default")
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
        """``array`` (dense or sparse) as ``dtype``; a one-line error if a value is beyond what ``dtype`` holds."""
        top, largest = _largest(array), float(np.finfo(dtype).max)
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
        scale = _largest(X)
        what = f"the network's {X.dtype} arithmetic overflowed" if overflowed else f"the loss became {loss}"
        if scale > _UNSCALED:
            cause = f"the inputs reach |x| = {scale:.3g}; scale them, e.g. with StandardScaler in a Pipeline"
        else:
            cause = f"lower learning_rate_init (it was {self.learning_rate_init:g})"
        return ConfigError(f"training diverged at epoch {epoch}: {what}; {cause}")

    def _optimizer(self):
        """The solver on the network's parameters: SGD takes ``momentum`` and ``nesterovs_momentum`` as
        scikit-learn's 'sgd' does; beta_1, beta_2 and epsilon go to every solver that takes them."""
        factory = OPTIMIZERS.get(self.solver)
        options = {"betas": (self.beta_1, self.beta_2), "eps": self.epsilon}
        if factory is SGD:
            options.update(momentum=self.momentum, nesterov=bool(self.nesterovs_momentum and self.momentum > 0))
        takes = OPTIMIZERS.parameters(factory)
        return factory(self.model_.parameters(), lr=self.learning_rate_init,
                       **{name: value for name, value in options.items() if name in takes})

    def _check_warm_start(self, n_features, n_outputs):
        """A fitted network goes on training only on data of its own shape."""
        fitted = (self.coefs_[0].shape[0], self.n_outputs_)
        if fitted != (n_features, n_outputs):
            raise ConfigError(f"the fitted network takes {fitted[0]} features to {fitted[1]} outputs, this data "
                              f"{n_features} to {n_outputs}; fit with warm_start=False to start anew")

    @staticmethod
    def _sample_weight(sample_weight, X):
        """scikit-learn's checks of ``sample_weight`` (one finite weight >= 0 per sample, not all zero)."""
        return None if sample_weight is None else _check_sample_weight(sample_weight, X, ensure_non_negative=True)

    def _network_output(self, X):
        """The network's output on X (a sparse X is densified ``_CHUNK`` rows at a time)."""
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32], accept_sparse="csr")
        X = X.astype(self.coefs_[0].dtype, copy=False)
        if not sp.issparse(X):
            return predict_output(self.model_, X)
        return np.concatenate([predict_output(self.model_, X[i:i + _CHUNK].toarray())
                               for i in range(0, X.shape[0], _CHUNK)])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = True
        return tags


def _largest(array):
    """max |x| of a dense or sparse array (0 for an empty one)."""
    values = array.data if sp.issparse(array) else array
    return float(np.max(np.abs(values))) if values.size else 0.0
