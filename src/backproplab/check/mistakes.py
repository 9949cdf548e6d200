"""Classic backpropagation mistakes, each as a change to one computed quantity of the network.

A hypothesis is tested by numbers, never by reading the student's source:
``simulate`` runs the lab's network with one mistake made, and the mistake is
named when its numbers are the student's. Each ``Mistake`` changes one
quantity (``z``, ``a``, ``da``, ``delta``, ``dW``, ``db`` or ``update``) of one
layer (or of every layer, ``layer=None``); ``shown`` mistakes change only the
value the student's code reports, not the one it computes with, as an array
overwritten in place does.
"""

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

import numpy as np

from ..nn.activations import ACTIVATIONS, Sigmoid, Tanh
from ..nn.losses import get_loss
from .protocol import LOSSES, REDUCTIONS

# Derivatives written in terms of the activation's output a = f(z), as students write them.
# Only these two differ from the derivative in terms of z when given the wrong argument.
OUTPUT_FORM = {Sigmoid: lambda a: a * (1.0 - a), Tanh: lambda a: 1.0 - a * a}


@dataclass(frozen=True)
class Mistake:
    text: str  # the likely mistake, in the words the report uses
    quantity: str
    layer: int | None
    change: Callable  # (correct value, context) -> the mistaken value
    shown: bool = False


def derivative(activation, x):
    """f'(x) of the registered activation, from the engine's own backward."""
    act = ACTIVATIONS.get(activation)()
    act.forward(x)
    return act.backward(np.ones_like(x))


def apply_activation(activation, x):
    return ACTIVATIONS.get(activation)().forward(x)


def simulate(weights, biases, X, y, activations, loss, reduction, lr, mistake=None, steps=2):
    """The network's values with ``mistake`` made (none: the correct ones), keyed as the reference's.

    ``activations`` names each layer's activation, first layer first.
    """
    W = [w.copy() for w in weights]
    b = [None if v is None else v.copy() for v in biases]
    L = len(W)
    previous = SimpleNamespace(dW=[np.zeros_like(w) for w in W], db=[None if v is None else np.zeros_like(v) for v in b])
    values = {}

    def made(quantity, layer, value, ctx, key):
        quantities = {"W": ("update", "update W"), "b": ("update", "update b")}.get(quantity, (quantity,))
        hit = mistake is not None and mistake.quantity in quantities and mistake.layer in (None, layer)
        changed = mistake.change(value, ctx) if hit else value
        values[key] = changed
        return value if hit and mistake.shown else changed

    with np.errstate(all="ignore"):  # a mistaken network may leave (0, 1): its NaN logs are an answer too
        try:
            for step in range(1, steps + 1):
                ctx = SimpleNamespace(step=step, z=[None] * (L + 1), a=[X] + [None] * L, W=W, b=b, y=y, N=len(X), lr=lr,
                                      previous=previous, dW=[None] * (L + 1), db=[None] * (L + 1))
                for l in range(1, L + 1):
                    z = ctx.a[l - 1] @ W[l - 1].T + (0.0 if b[l - 1] is None else b[l - 1])
                    ctx.z[l] = made("z", l, z, ctx, f"{step}/z{l}")
                    ctx.a[l] = made("a", l, apply_activation(activations[l - 1], ctx.z[l]), ctx,
                                     f"{step}/a{l}")
                loss_fn = get_loss(loss, reduction)
                made("loss", L, np.array(loss_fn.forward(ctx.a[L], y)), ctx, f"{step}/loss")
                da = made("da", L, loss_fn.backward(), ctx, f"{step}/da{L}")
                for l in range(L, 0, -1):
                    ctx.da = da
                    ctx.delta = delta = made("delta", l, da * derivative(activations[l - 1], ctx.z[l]), ctx,
                                             f"{step}/delta{l}")
                    ctx.dW[l] = made("dW", l, delta.T @ ctx.a[l - 1], ctx, f"{step}/dW{l}")
                    if b[l - 1] is not None:
                        ctx.db[l] = made("db", l, delta.sum(axis=0), ctx, f"{step}/db{l}")
                    if l > 1:
                        da = made("da", l - 1, delta @ W[l - 1], ctx, f"{step}/da{l - 1}")
                for l in range(1, L + 1):
                    ctx.param, ctx.grad, ctx.old_grad = W[l - 1], ctx.dW[l], previous.dW[l - 1]
                    W[l - 1] = made("W", l, W[l - 1] - lr * ctx.dW[l], ctx, f"{step}/W{l}")
                    if b[l - 1] is not None:
                        ctx.param, ctx.grad, ctx.old_grad = b[l - 1], ctx.db[l], previous.db[l - 1]
                        b[l - 1] = made("b", l, b[l - 1] - lr * ctx.db[l], ctx, f"{step}/b{l}")
                previous = SimpleNamespace(dW=ctx.dW[1:], db=ctx.db[1:])
        except Exception:  # noqa: BLE001 (a mistake that breaks a shape ends its run: what was computed stands)
            pass
    return values


def _square(w):
    return w.shape[0] == w.shape[1]


def catalogue(sizes, activations, loss, reduction, has_biases):
    """Every mistake tried, for a network of ``sizes`` (input, hidden..., output) and each layer's activation."""
    L = len(sizes) - 1
    found = []

    def add(text, quantity, layer, change, shown=False):
        found.append(Mistake(text, quantity, layer, change, shown))

    for l in range(1, L + 1):
        activation = activations[l - 1]
        others = [n for n in ACTIVATIONS if n != activation and ACTIVATIONS[n].hidden_layer]
        add(f"layer {l} applies no activation: a{l} = z{l}", "a", l, lambda v, c, l=l: c.z[l])
        for other in others:
            add(f"layer {l} applies {other} where {activation} belongs", "a", l,
                lambda v, c, l=l, o=other: apply_activation(o, c.z[l]))
        if has_biases:
            add(f"the bias is left out of z{l}", "z", l, lambda v, c, l=l: v - c.b[l - 1])
        add(f"W{l} used untransposed in the forward pass", "z", l,
            lambda v, c, l=l: c.a[l - 1] @ c.W[l - 1] + (0.0 if c.b[l - 1] is None else c.b[l - 1]))
    for factor, text in ((lambda c: -1.0, "a sign error in dL/da{L}: (y - a) where (a - y) belongs"),
                         (lambda c: c.N, "a missing 1/N: dL/da{L} is summed over the batch where the loss averages"),
                         (lambda c: 1.0 / c.N, "an extra 1/N: dL/da{L} is divided by the batch size once more"),
                         (lambda c: 2.0, "an extra factor 2 in dL/da{L}"),
                         (lambda c: 0.5, "a missing factor 2 in dL/da{L}")):
        add(text.format(L=L), "da", L, lambda v, c, k=factor: k(c) * v)
    for factor, text in ((lambda c: c.N, "the loss is summed over the batch where it should be averaged"),
                         (lambda c: 1.0 / c.N, "the loss is averaged over the batch where it should be summed"),
                         (lambda c: 1.0 / np.log(2.0), "the loss uses log base 2 where the natural log belongs"),
                         (lambda c: c.N / np.log(2.0), "the loss is summed, and in log base 2")):
        add(text, "loss", L, lambda v, c, k=factor: k(c) * v)
    for other in LOSSES:
        for how in REDUCTIONS:
            if (other, how) != (loss, reduction):
                add(f"dL/da{L} is the gradient of {other} ({how}), not of {loss} ({reduction})", "da", L,
                    lambda v, c, o=other, h=how: _loss_gradient(o, h, c.a[L], c.y))
    for l in range(L, 0, -1):
        activation = activations[l - 1]
        _backward_mistakes(add, l, L, activation, [n for n in ACTIVATIONS if n != activation and ACTIVATIONS[n].hidden_layer])
    for text, change in (("the update goes uphill: W + lr·dW where W - lr·dW belongs",
                          lambda v, c: c.param + c.lr * c.grad),
                         ("the update uses the previous step's gradient (the first step moves nothing)",
                          lambda v, c: c.param - c.lr * c.old_grad),
                         ("gradients add up over steps: they are never set back to zero",
                          lambda v, c: c.param - c.lr * (c.grad + c.old_grad)),
                         ("the update leaves out the learning rate: W - dW", lambda v, c: c.param - c.grad),
                         ("the step is taken twice (in backward and again in update)",
                          lambda v, c: c.param - 2 * c.lr * c.grad),
                         ("the learning rate is applied twice: W - lr·lr·dW",
                          lambda v, c: c.param - c.lr * c.lr * c.grad),
                         ("the update is never applied: the parameters stay as they were",
                          lambda v, c: c.param)):
        add(text, "update", None, change)
        if has_biases:
            add(f"{text}, in the weights only", "update W", None, change)
            add(f"{text}, in the biases only", "update b", None, change)
    return found


def _loss_gradient(name, reduction, a, y):
    fn = get_loss(name, reduction)
    fn.forward(a, y)
    return fn.backward()


def _backward_mistakes(add, l, L, activation, others):
    prev = f"a{l - 1}" if l > 1 else "X"
    form = OUTPUT_FORM.get(type(ACTIVATIONS.get(activation)()))
    add(f"{activation}' taken of a{l} where the derivative expects z{l}", "delta", l,
        lambda v, c, l=l: c.da * derivative(activation, c.a[l]))
    if form is not None:
        add(f"{activation}' written in terms of a, but given z{l}", "delta", l, lambda v, c, l=l: c.da * form(c.z[l]))
    add(f"δ{l} leaves out the activation's derivative: δ{l} = dL/da{l}", "delta", l, lambda v, c: c.da)
    for other in (o for o in others if not ACTIVATIONS[o].linear):  # identity's derivative is leaving it out
        add(f"δ{l} uses the derivative of {other}, not of {activation}", "delta", l,
            lambda v, c, l=l, o=other: c.da * derivative(o, c.z[l]))
        other_form = OUTPUT_FORM.get(type(ACTIVATIONS.get(other)()))
        if other_form is not None:
            add(f"δ{l} uses the derivative of {other} (in terms of a), not of {activation}", "delta", l,
                lambda v, c, l=l, f=other_form: c.da * f(c.a[l]))
    add(f"a sign error in δ{l}", "delta", l, lambda v, c: -v)
    if l == L:  # the shortcut δ = a - y, written without the mean's 1/N, or with one too many
        add(f"a missing 1/N: δ{l} is summed over the batch where the loss averages", "delta", l, lambda v, c: v * c.N)
        add(f"an extra 1/N: δ{l} is divided by the batch size once more", "delta", l, lambda v, c: v / c.N)
    for k in range(1, L + 1):  # another layer's values, of the same width
        if k != l:
            add(f"δ{l} takes {activation}' of layer {k} instead of layer {l}", "delta", l,
                lambda v, c, k=k: c.da * derivative(activation, c.z[k]))
            if form is not None:
                add(f"δ{l} takes {activation}' of layer {k} (from a{k}) instead of layer {l}", "delta", l,
                    lambda v, c, k=k: c.da * form(c.a[k]))
    add(f"dW{l} is transposed", "dW", l, lambda v, c: v.T)
    add(f"dW{l} is built from no input: the sum of δ{l} over the batch where {prev}ᵀ·δ{l} belongs", "dW", l,
        lambda v, c: c.delta.sum(axis=0)[:, None])
    for k in range(0, L + 1):
        if k != l - 1:
            name = f"a{k}" if k else "X"
            add(f"dW{l} is built from {name} where {prev} belongs (the wrong layer's input)", "dW", l,
                lambda v, c, k=k: c.delta.T @ c.a[k])
    for k in range(1, L + 1):
        add(f"dW{l} is built from z{k} where {prev} belongs", "dW", l, lambda v, c, k=k: c.delta.T @ c.z[k])
    add(f"an extra 1/N in dW{l}", "dW", l, lambda v, c: v / c.N)
    add(f"dW{l} lacks the 1/N of the mean", "dW", l, lambda v, c: v * c.N)
    add(f"db{l} is not summed over the batch: db{l} = δ{l}", "db", l, lambda v, c: c.delta)
    add(f"a wrong broadcast: db{l} is summed over the units (axis 1), not over the batch (axis 0)", "db", l,
        lambda v, c: c.delta.sum(axis=1))
    add(f"an extra 1/N in db{l} (averaged over the batch)", "db", l, lambda v, c: v / c.N)
    add(f"a wrong broadcast: db{l} is summed over everything, a single number", "db", l, lambda v, c: c.delta.sum())
    add(f"a cached array changed in place: dL/da{l} was overwritten by δ{l}", "da", l,
        lambda v, c, l=l: v * derivative(activation, c.z[l]), shown=True)
    if l > 1:
        add(f"W{l} used untransposed in dL/da{l - 1}", "da", l - 1, lambda v, c, l=l: _square_product(c.delta, c.W[l - 1]))
        add(f"W{l} was already updated when dL/da{l - 1} was computed (changed in place before backward finished)",
            "da", l - 1, lambda v, c, l=l: c.delta @ (c.W[l - 1] - c.lr * c.dW[l]))


def _square_product(delta, w):
    if not _square(w):
        raise ValueError("not square")
    return delta @ w.T
