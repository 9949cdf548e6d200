"""A numerical gradient check: compare every backward pass with central differences.

For a scalar objective L, the slope along coordinate i is estimated as
    (L(theta + h e_i) - L(theta - h e_i)) / (2 h),
which is accurate to O(h^2). The report gives, for every parameter and for
the input, the relative error ||analytic - numeric|| / (||analytic|| + ||numeric||).
In float64 with h = 1e-6 a correct backward scores about 1e-9 or less.

A relative error says nothing about a gradient entry near the rounding error of the
estimate itself (a trained network's tiny gradients): ``numeric_rounding`` gives that
error and ``agreement`` judges each entry by |g - numeric| <= rounding + RTOL |numeric|,
as PyTorch's gradcheck combines ``atol`` and ``rtol``.
"""

import copy

import numpy as np

from .errors import ConfigError

EPS = float(np.finfo(np.float64).eps)  # 2.2e-16, the spacing of float64 numbers next to 1
RTOL = 1e-5  # an entry above its rounding: the O(h^2) truncation and the rounding of w + h are far below


def _numeric_gradient(f, array, h):
    """Central differences of the scalar function f() with respect to array, in place."""
    grad = np.zeros_like(array)
    flat, gflat = array.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        plus = f()
        flat[i] = old - h
        minus = f()
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * h)
    return grad


def relative_error(a, b):
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def computation_scale(loss, output, values, grads):
    """S, the size of the numbers a loss L is computed from, as they reach L:

        S = |L| + sum_k (1 + |o_k|) + sum over every value a computed on the way of |a| |dL/da|

    ``output`` are the network's outputs o (the loss's inputs), ``values`` and ``grads`` the values a
    (each layer's output) and dL/da. Rounding a to float64 moves it by up to eps |a| / 2, which moves L
    by that times |dL/da|; the loss's own terms (1 - p, log(1 + e^z), z - max z) are as large as 1 + |o_k|.
    """
    scale = abs(float(loss)) + float(np.sum(1.0 + np.abs(output)))
    return scale + sum(float(np.sum(np.abs(a) * np.abs(g))) for a, g in zip(values, grads))


def numeric_rounding(scale, h):
    """The absolute error a central difference carries from rounding alone: 2 eps S / h.

    Each of L(w + h) and L(w - h) is computed with an error of up to 4 roundings of eps / 2 per value
    (a sigmoid's exp, add and divide), 2 eps S in all; their difference over 2h carries 2 * 2 eps S / 2h.
    Where |g| is not well above it, the estimate cannot check g on its own.
    """
    return 2 * EPS * scale / h


def agreement(analytic, numeric, rounding, rtol=RTOL):
    """Per entry: 'ok' when |g - numeric| <= rtol |numeric|; 'rounding' when only within the estimate's
    rounding, |g - numeric| <= rounding + rtol |numeric| (the entry is too small for a finer check);
    'FAIL' otherwise: the backward pass disagrees with the slope of the loss there."""
    with np.errstate(invalid="ignore"):  # inf beside inf: no agreement to speak of, FAIL
        diff, allowed = np.abs(analytic - numeric), rtol * np.abs(numeric)
        return np.where(diff <= allowed, "ok", np.where(diff <= rounding + allowed, "rounding", "FAIL")).tolist()


def gradcheck(model, x, loss_fn=None, target=None, h=1e-6, seed=0):
    """Check ``model.backward`` (and ``loss_fn.backward``) against central differences.

    Parameters
    ----------
    model : Module
        Checked on a float64 copy; the original is left untouched.
    x : array
        An input batch.
    loss_fn, target : optional
        With a loss, the objective is ``loss_fn(model(x), target)``. Without,
        it is ``sum(model(x) * R)`` for a fixed random R, so every output counts.

    Returns
    -------
    dict mapping ``'input'`` and every parameter name to its relative error.
    """
    model = copy.deepcopy(model).to(np.float64)
    x = np.array(x, dtype=np.float64)
    if x.ndim < 1 or x.size == 0:
        raise ConfigError(f"gradcheck needs a non-empty input batch, got shape {x.shape}")
    out = model.forward(x)
    weights = np.random.default_rng(seed).standard_normal(out.shape)

    def f():
        out = model.forward(x)
        return loss_fn.forward(out, target) if loss_fn is not None else float(np.sum(out * weights))

    model.zero_grad()
    f()
    dx = model.backward(loss_fn.backward() if loss_fn is not None else weights)
    report = {"input": relative_error(dx, _numeric_gradient(f, x, h))}
    for name, p in model.named_parameters():
        report[name] = relative_error(p.grad, _numeric_gradient(f, p.data, h))
    return report


def format_report(report):
    width = max(len(k) for k in report)
    return "\n".join(f"{name:<{width}}  relative error {err:.2e}" for name, err in report.items())
