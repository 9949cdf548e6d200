"""The training loop of the estimators: MLPClassifier's stochastic solvers on backproplab's train_step."""

import math
import time
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from ..data.batching import batches, count_batches
from ..nn import SampleWeightedLoss, get_loss
from ..nn.mlp import mlp
from ..optim.schedules import make_schedule
from ..training import WeightPenalty, train_step
from .learning_rate import LearningRate


class _SharedPenalty:
    """scikit-learn's L2 penalty alpha/2 |W|^2 per batch, shared by the batch's samples by their weights:
    dW += alpha W / sum_i w_i (the batch's size when unweighted)."""

    def __init__(self, penalty):
        self.penalty, self.shared_by = penalty, 1.0

    def add_gradient(self, batch_size):
        self.penalty.add_gradient(self.shared_by)


def _rows(X, idx):
    """Rows ``idx`` of X as a dense array: a sparse X is densified a batch at a time."""
    rows = X[idx]
    return rows.toarray() if sp.issparse(rows) else rows


class StochasticFit:
    """``_fit``: epochs of shuffled mini-batches with early stopping, scikit-learn's stop rule and learning rate."""

    def _fit(self, X, targets, n_outputs, output_activation, sample_weight=None, incremental=False):
        """Train on (X, targets): a fresh network, or the fitted one with ``warm_start``; ``incremental``
        (partial_fit): one epoch, no early stopping, no convergence check. ``sample_weight``: each sample's
        share of the loss (``SampleWeightedLoss``) and of the penalty, as in scikit-learn."""
        hidden, activation = self._checked_params()
        loss_name = self._loss_name()
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        rng = np.random.default_rng(seed)
        warm = (incremental or self.warm_start) and hasattr(self, "model_")
        dtype = self.coefs_[0].dtype if warm else self._compute_dtype(X)
        X = self._in_range("X", X, dtype)
        if sample_weight is not None:
            sample_weight = sample_weight.astype(dtype, copy=False)
        early_stopping = self.early_stopping and not incremental
        if early_stopping:
            stratify = targets if self._stratified() else None
            parts = train_test_split(X, targets, *([] if sample_weight is None else [sample_weight]),
                                     test_size=self.validation_fraction, random_state=seed, stratify=stratify)
            X, X_val, targets, y_val = parts[:4]
            sample_weight, w_val = parts[4:] if sample_weight is not None else (None, None)
        n = X.shape[0]
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
        # a fresh optimizer state on every call (scikit-learn keeps Adam's moments between warm fits): a fitted
        # estimator holds its weights only
        optimizer = self._optimizer()
        epochs = 1 if incremental else self.max_iter
        schedule = make_schedule(self.schedule, optimizer, epochs, count_batches(n, batch_size))
        rate = LearningRate(self.learning_rate, optimizer, self.learning_rate_init, self.power_t)
        # L2 penalty alpha/2 |W|^2 per batch: dW += alpha W / batch (biases exempt)
        penalty = _SharedPenalty(WeightPenalty(self.model_, "l2", self.alpha)) if self.alpha else None
        if early_stopping and self.validation_scores_ is None:
            self.validation_scores_ = []
        self.best_loss_ = self.best_validation_score_ = None
        best, best_state, no_improvement = math.inf, None, 0
        start = time.perf_counter()
        train = (X, targets, sample_weight, batch_size, rng, get_loss(loss_name), optimizer, penalty, schedule)
        for epoch in range(self.n_iter_ + 1, self.n_iter_ + epochs + 1):
            self.loss_curve_.append(self._epoch(epoch, *train))
            self.n_iter_, self.t_ = epoch, self.t_ + n
            if not schedule.per_batch:
                schedule.step(self.loss_curve_[-1])
            rate.epoch_ends(self.t_)  # after the schedule: the two are never both set
            if early_stopping:
                score = self._score_network(X_val, y_val, w_val)
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
                if rate.stalled():
                    break
                no_improvement = 0
        else:
            if not incremental:
                warnings.warn(f"stopped at max_iter={self.max_iter} epochs before the loss settled (tol "
                              f"{self.tol:g}); raise max_iter to train longer", ConvergenceWarning, stacklevel=4)
        if early_stopping:
            self.best_validation_score_ = -best
            self.model_.load_state_dict(best_state)
        else:
            self.best_loss_ = best
        self.loss_ = self.loss_curve_[-1]
        self.fit_seconds_ = time.perf_counter() - start
        self.model_.eval()
        return self

    def _epoch(self, epoch, X, targets, sample_weight, batch_size, rng, loss_fn, optimizer, penalty, schedule):
        """One pass over the batches; the epoch's loss, per sample, penalty included, as scikit-learn's."""
        total, penalty_share, n = 0.0, 0.0, X.shape[0]
        overflows = []  # NumPy's floating-point errors, recorded to name them in one line, not as raw warnings
        for idx in batches(n, batch_size, rng, shuffle=self.shuffle):
            xb, yb = _rows(X, idx), targets[idx]
            size = xb.shape[0]
            if sample_weight is not None and not sample_weight[idx].sum() > 0:
                continue  # no sample of this batch counts: no step, as if they were not there
            weighted = loss_fn if sample_weight is None else SampleWeightedLoss(loss_fn, sample_weight[idx])
            if penalty:
                penalty.shared_by = size if sample_weight is None else weighted.total
                penalty_share += size / penalty.shared_by
            with np.errstate(over="call", invalid="call", divide="call", call=lambda *e: overflows.append(e)):
                _, loss = train_step(self.model_, weighted, optimizer, xb, yb, penalty=penalty, schedule=schedule)
            if not math.isfinite(loss) or overflows:
                raise self._diverged(epoch, loss, X, any(kind == "overflow" for kind, _ in overflows))
            total += loss * size
        return (total + (penalty.penalty.value() * penalty_share if penalty else 0.0)) / n
