"""Loss functions: ``forward(output, target) -> float``, ``backward() -> dL/doutput``.

Each takes PyTorch's ``reduction``: ``'mean'`` (the default, as in PyTorch)
divides the summed loss and its gradient by the number of terms, ``'sum'``
does not. All are stable for any finite input. Each loss also knows how to read the network's output:
``probabilities(output)`` and ``predict(output)`` (class labels), so a
training loop can report accuracy without knowing which loss it was given.
"""

import numpy as np

from ..errors import ConfigError
from ..registry import Registry
from ..validation import check_choice
from . import functional as F
from .module import saved_by_forward
from .targets import _as_column, _binary_predict, _class_labels, _entropy, _one_hot

# Every loss by the name the CLI, sweeps, model files and get_loss use.
LOSSES = Registry("loss")

# log(p) is clamped at -100 as in PyTorch's BCELoss, so that p = 0 costs 100, not inf.
_LOG_FLOOR = -100.0
# PyTorch's BCELoss divides its gradient by max(p (1 - p), 1e-12), its constant a float32:
# 9.99999996e-13 in double. Using exactly 1e-12 differs by 4e-9 at saturated outputs.
_BCE_GRAD_EPS = float(np.float32(1e-12))

REDUCTIONS = ("mean", "sum")


class Loss:
    """Base class: a loss remembers what backward needs from its forward.

    Each loss declares what the rest of the toolkit needs to know about it:
    ``formula`` and ``derivative`` (L and dL/d{p} of the network's output ``{p}``, for the trace;
    ``mean(`` and `` / n`` are what reduction='sum' drops), ``words`` (its name in a report),
    ``takes_logits`` (it turns raw outputs into probabilities itself, so the network ends in no
    activation), ``takes_probabilities`` (it needs each output squashed into (0, 1), by an
    elementwise activation that outputs probabilities), ``binary_only`` (two classes, one output)
    and ``one_output_per_class`` (it reads one output per class, even of two classes).
    ``least_squares``: a sum of squared errors, so over a linear model its minimum is ordinary least
    squares' closed-form solution.

    Settings beyond ``reduction`` (Huber's ``delta``) are keyword arguments of ``__init__``, kept
    under their own names; ``config()`` returns them and ``settings_help`` says what each means.
    From that signature they reach the CLI (``--loss-delta``), sweeps, model files and the page.
    """

    formula: str | None = None
    derivative: str | None = None
    words: str | None = None
    takes_logits = False
    takes_probabilities = False
    binary_only = False
    one_output_per_class = False
    least_squares = False
    settings_help: dict[str, str] = {}
    _cache: object = None

    def __init__(self, reduction: str = "mean") -> None:
        self.reduction = check_choice("reduction", reduction, REDUCTIONS)

    def _terms(self, count):
        """What the summed loss is divided by: ``count`` terms for 'mean', 1 for 'sum'."""
        return count if self.reduction == "mean" else 1

    def __call__(self, output: np.ndarray, target: np.ndarray) -> float:
        return self.forward(output, target)

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        """The loss of ``output`` against ``target``; keeps what backward needs."""
        raise NotImplementedError

    def backward(self) -> np.ndarray:
        """dL/doutput of the last forward."""
        raise NotImplementedError

    def _cached(self):
        cache = self._cache
        return cache if cache is not None else saved_by_forward(self, cache)  # the error of a backward before forward

    def constant_loss(self, frequencies, n_outputs):
        """The loss of the best constant output for classes of these ``frequencies`` (None: not known).

        What a network that learnt nothing about the inputs would reach; diagnosis compares a run with it.
        """
        return None

    def probabilities(self, output: np.ndarray) -> np.ndarray:
        """The output read as probabilities (or scores for MSE)."""
        return output

    def sample_losses(self, output: np.ndarray, target: np.ndarray) -> np.ndarray:
        """Each sample's loss L_i, shape (N,): row i's 'mean' loss alone; they average to the batch's loss."""
        raise NotImplementedError(f"{type(self).__name__} does not give its samples' losses one by one")

    def predict(self, output: np.ndarray) -> np.ndarray:
        """Class labels: threshold 0.5 for one output, argmax for several."""
        return _binary_predict(self.probabilities(output), 0.5)

    def config(self):
        """The settings this loss was built with beyond ``reduction``, by their constructor names."""
        return {name: getattr(self, name) for name in loss_settings(type(self))}

    def __repr__(self):
        shown = {**({"reduction": self.reduction} if self.reduction != "mean" else {}), **self.config()}
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in shown.items())})"


@LOSSES.register("mse")
class MSELoss(Loss):
    """L = mean((y_hat - y)^2) over all elements.   dL/dy_hat = 2 (y_hat - y) / size.

    With reduction='sum': L = sum((y_hat - y)^2), dL/dy_hat = 2 (y_hat - y).
    Integer class labels of shape (N,) with an output of C > 1 columns are
    one-hot encoded, so MSE can train a multi-class network too.
    """

    formula = "L = mean(({p} - y)^2)"
    derivative = "dL/d{p} = 2 ({p} - y) / n"
    words = "mean squared error"
    least_squares = True

    def compared_target(self, output, target):
        """The target as the output is compared with it: class labels one-hot encoded for several outputs."""
        target = np.asarray(target)
        if target.ndim == 1 and output.ndim == 2 and output.shape[1] > 1:
            target = _one_hot(target, output.shape[1], type(self).__name__).astype(output.dtype)
        return _as_column(target, output, type(self).__name__)

    def _difference(self, output, target):
        """y_hat - y, kept for backward."""
        diff = output - self.compared_target(output, target)
        self._cache = diff
        flat = diff.reshape(-1)
        return diff, float(np.dot(flat, flat))

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        diff, squares = self._difference(output, target)
        return squares / self._terms(diff.size)

    def backward(self) -> np.ndarray:
        diff = self._cached()
        return (2.0 / self._terms(diff.size)) * diff

    def sample_losses(self, output: np.ndarray, target: np.ndarray) -> np.ndarray:
        """L_i = mean_j (y_hat_ij - y_ij)^2."""
        diff = (output - self.compared_target(output, target)).reshape(len(output), -1)
        return (diff * diff).mean(axis=1)

    def constant_loss(self, frequencies, n_outputs):
        """Of two classes on one output: the variance of the labels, p (1 - p)."""
        return float(frequencies.prod()) if n_outputs == 1 and len(frequencies) == 2 else None



@LOSSES.register("half_sse")
class HalfSSELoss(MSELoss):
    """Half the sum of squares per sample: L_i = 1/2 sum_j (y_hat_ij - y_ij)^2.

    dL_i/dy_hat_i = y_hat_i - y_i, the error itself: the loss of the classic
    derivations of backpropagation. 'mean' averages L_i over the N samples
    (dL/dy_hat = (y_hat - y) / N), 'sum' adds them (dL/dy_hat = y_hat - y).
    Per-sample updates (batch 1) give y_hat - y either way. Unlike MSELoss's
    mean over every element, 'mean' here divides by samples, not outputs.
    """

    formula = "L = mean(sum_j ({p}_j - y_j)^2 / 2)"
    derivative = "dL/d{p} = ({p} - y) / n"
    words = "half the sum of squared errors"

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        diff, squares = self._difference(output, target)
        return 0.5 * squares / self._terms(len(diff))

    def backward(self) -> np.ndarray:
        diff = self._cached()
        return diff / self._terms(len(diff))

    def sample_losses(self, output: np.ndarray, target: np.ndarray) -> np.ndarray:
        """L_i = 1/2 sum_j (y_hat_ij - y_ij)^2."""
        diff = (output - self.compared_target(output, target)).reshape(len(output), -1)
        return 0.5 * (diff * diff).sum(axis=1)

    def constant_loss(self, frequencies, n_outputs):
        """Not known: this loss's terms are per sample, and the samples' reduction differs."""
        return None



@LOSSES.register("bce")
class BCELoss(Loss):
    """Binary cross-entropy on probabilities p (after a sigmoid).

    L = -mean(y log p + (1 - y) log(1 - p)), with each log clamped at -100.
    dL/dp = (p - y) / (p (1 - p)) / size, the denominator floored at 1e-12.
    Prefer BCEWithLogitsLoss on logits: it cannot saturate.
    """

    formula = "L = -(y log {p} + (1 - y) log(1 - {p}))"
    derivative = "dL/d{p} = ({p} - y) / ({p} (1 - {p}))"
    words = "binary cross-entropy"
    takes_probabilities = True
    binary_only = True

    def constant_loss(self, frequencies, n_outputs):
        return _entropy(frequencies)

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        target = _as_column(target, output, "BCELoss")
        with np.errstate(divide="ignore"):  # log(0) = -inf is clamped just below
            log_p = np.maximum(np.log(output), _LOG_FLOOR)
            log_1mp = np.maximum(np.log(1.0 - output), _LOG_FLOOR)
        self._cache = (output, target)
        return float(-np.sum(target * log_p + (1.0 - target) * log_1mp)) / self._terms(output.size)

    def backward(self) -> np.ndarray:
        p, y = self._cached()
        return (p - y) / np.maximum(p * (1.0 - p), _BCE_GRAD_EPS) / self._terms(p.size)

    def sample_losses(self, output: np.ndarray, target: np.ndarray) -> np.ndarray:
        """L_i = -mean_j (y_ij log p_ij + (1 - y_ij) log(1 - p_ij)), each log clamped at -100."""
        y = _as_column(target, output, "BCELoss")
        with np.errstate(divide="ignore"):  # log(0) = -inf is clamped just below
            terms = y * np.maximum(np.log(output), _LOG_FLOOR) + (1.0 - y) * np.maximum(np.log(1.0 - output),
                                                                                        _LOG_FLOOR)
        return -terms.reshape(len(output), -1).mean(axis=1)


@LOSSES.register("bce_logits")
class BCEWithLogitsLoss(Loss):
    """Binary cross-entropy on logits z, with p = sigmoid(z) folded in.

    L = mean(max(z, 0) - z y + log(1 + e^-|z|))   (stable for any z).
    dL/dz = (sigmoid(z) - y) / size.
    """

    formula = "L = log(1 + exp({p})) - y {p}"
    derivative = "dL/d{p} = sigmoid({p}) - y"
    words = "binary cross-entropy on logits"
    takes_logits = True
    binary_only = True

    def constant_loss(self, frequencies, n_outputs):
        return _entropy(frequencies)

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        target = _as_column(target, output, "BCEWithLogitsLoss")
        self._cache = (output, target)
        return float(np.sum(F.softplus(output) - output * target)) / self._terms(output.size)

    def backward(self) -> np.ndarray:
        z, y = self._cached()
        return (F.sigmoid(z) - y) / self._terms(z.size)

    def sample_losses(self, output: np.ndarray, target: np.ndarray) -> np.ndarray:
        """L_i = mean_j (log(1 + e^z_ij) - z_ij y_ij)."""
        y = _as_column(target, output, "BCEWithLogitsLoss")
        return (F.softplus(output) - output * y).reshape(len(output), -1).mean(axis=1)

    def probabilities(self, output: np.ndarray) -> np.ndarray:
        return F.sigmoid(output)


@LOSSES.register("cross_entropy")
class CrossEntropyLoss(Loss):
    """Softmax cross-entropy from logits z (N, C) and integer labels y (N,).

    L = -mean_i log softmax(z_i)[y_i], computed with log-softmax (stable).
    dL/dz = (softmax(z) - onehot(y)) / N.
    """

    formula = "L = -log softmax({p})[y]"
    derivative = "dL/d{p} = softmax({p}) - onehot(y)"
    words = "cross-entropy"
    takes_logits = True
    one_output_per_class = True

    def constant_loss(self, frequencies, n_outputs):
        return _entropy(frequencies)

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        if output.ndim != 2 or output.shape[1] < 2:
            raise ConfigError(
                f"CrossEntropyLoss needs logits of shape (N, C) with C >= 2, got {output.shape}; "
                "give the last layer one output per class"
            )
        labels = _class_labels(target, output.shape[1], "CrossEntropyLoss")
        if labels.size != output.shape[0]:
            raise ConfigError(
                f"CrossEntropyLoss: {labels.size} targets for {output.shape[0]} outputs"
            )
        log_p = F.log_softmax(output)
        rows = np.arange(labels.size)
        self._cache = (log_p, rows, labels)
        return float(-log_p[rows, labels].sum() / self._terms(output.shape[0]))

    def backward(self) -> np.ndarray:
        log_p, rows, labels = self._cached()
        grad = np.exp(log_p)  # softmax(z)
        grad[rows, labels] -= 1.0  # minus the one-hot target, without building it
        grad /= self._terms(log_p.shape[0])
        return grad

    def sample_losses(self, output: np.ndarray, target: np.ndarray) -> np.ndarray:
        """L_i = -log softmax(z_i)[y_i]."""
        labels = _class_labels(target, output.shape[1], "CrossEntropyLoss")
        return -F.log_softmax(output)[np.arange(labels.size), labels]

    def probabilities(self, output: np.ndarray) -> np.ndarray:
        return F.softmax(output)

    def predict(self, output: np.ndarray) -> np.ndarray:
        return output.argmax(axis=1)  # softmax is increasing: the largest logit wins


def loss_settings(loss):
    """The settings a loss (a registered name or a class) takes beyond ``reduction``, with their
    defaults: ``{'delta': 1.0}``, read from its constructor's signature."""
    return {name: p.default for name, p in LOSSES.parameters(loss).items() if name != "reduction"}


def get_loss(name: str, reduction: str = "mean", **settings: float) -> Loss:
    """A new loss from its registry name, e.g. ``'cross_entropy'``, with its ``reduction`` and settings."""
    return LOSSES.get(name)(reduction=reduction, **settings)
