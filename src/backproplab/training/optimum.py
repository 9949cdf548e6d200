"""The best a linear model can do, in closed form: so a linear network at its optimum is recognised.

A network whose layers are all Linear, with no activation or only linear ones (identity) between
them, computes one affine map x -> xA + c. Trained on a least-squares loss (MSE, half SSE), the
best such map is ordinary least squares: beta = argmin |[X 1] beta - Y|^2, solved directly. A run
whose loss equals that optimum has learnt everything a linear model can: more epochs or a larger
learning rate cannot help; only a non-linear activation can.
"""

import copy

import numpy as np

from ..nn.linear import Linear

# A loss this close to the optimum (relative) has reached it: float64 gradient descent gets within
# about 1e-10 of it; 1e-6 leaves room for a run still creeping down its last digits.
AT_OPTIMUM = 1e-6


def linear_optimum_loss(model, loss_fn, X, y):
    """The loss of the least-squares affine map on (X, y), or None when that is not the model's optimum:
    the network is not linear, the loss is not a sum of squares, or a narrow hidden layer caps the
    map's rank below what least squares would use."""
    layers = [layer for _, layer in model.children()]
    linear = [layer for layer in layers if isinstance(layer, Linear)]
    if not loss_fn.least_squares or not linear:
        return None
    if any(not isinstance(layer, Linear) and not getattr(layer, "linear", False) for layer in layers):
        return None
    n_in, n_out = linear[0].in_features, linear[-1].out_features
    if min(layer.out_features for layer in linear) < min(n_in, n_out):
        return None  # a bottleneck: the best map is a reduced-rank regression, not least squares
    X = _flat64(X)
    if any(layer.bias is not None for layer in linear):
        X = np.hstack([X, np.ones((len(X), 1))])
    target = loss_fn.compared_target(np.zeros((len(X), n_out)), y)
    beta, *_ = np.linalg.lstsq(X, target, rcond=None)
    return float(loss_fn(X @ beta, y))


def at_linear_optimum(model, loss_fn, X, y):
    """(the model's loss, the optimum's) when the model is a linear one at its least-squares optimum, else None.

    Both are computed in float64 on a copy of the model, so the caller's network keeps its dtype.
    """
    optimum = linear_optimum_loss(model, loss_fn, X, y)
    if optimum is None:
        return None
    reached = float(loss_fn(copy.deepcopy(model).to(np.float64)(_flat64(X)), y))
    return (reached, optimum) if reached <= optimum * (1 + AT_OPTIMUM) else None


def _flat64(X):
    X = np.asarray(X, dtype=np.float64)
    return X.reshape(len(X), -1)
