"""What went wrong in a run, read off its History and its trained network, in one line.

``diagnose(history, model, loss_fn, X, y)`` returns None when training went well
(training accuracy at least ``good_accuracy``), else a Diagnosis naming the first
of these that fits, with its likely cause and a fix:

- ``diverged``: the loss stopped being finite, or ended far above where it started;
- ``dead_relu``: most ReLU units output 0 for every training point, so no gradient reaches them;
- ``saturated``: the output sigmoid (or most hidden sigmoid/tanh units) pinned at its bounds,
  where its derivative is 0; BCE on pinned outputs sits at its clamp of 100 per wrong point;
- ``oscillating``: over the last half of the epochs the loss keeps rising and falling;
- ``not_converged``: the epochs ran out with the loss still falling;
- ``stuck``: one output for every point: the loss flat at the class prior's (ln 2 for balanced classes);
- ``not_converged`` again when none of these fits: the loss flat at a plateau.
"""

from dataclasses import asdict, dataclass

import numpy as np

from ..nn import ReLU, Sequential, Sigmoid, Tanh

GROWTH = 10.0          # a final loss this many times the first epoch's: diverged
DEAD_FRACTION = 0.5    # ReLU units silent on every training point, of all ReLU units
PINNED = 1e-4          # a sigmoid output within this of 0 or 1 (tanh: of -1 or 1) is pinned
PINNED_FRACTION = 0.9  # of outputs (or hidden units' values) pinned: saturated
CONSTANT_SPREAD = 0.02  # outputs spanning less than this: one output for every point
PRIOR_MARGIN = 0.02    # a loss within 2% of the prior's: nothing learnt beyond the class frequencies
RISES = 0.25           # of the last half's epochs with a rise of more than 1%: oscillating
SWING = 0.1            # (max - min) / min of the last half's loss, for oscillating


@dataclass(frozen=True)
class Diagnosis:
    """One failure: its ``kind``, what was seen, its likely ``cause`` and a ``fix``."""

    kind: str
    seen: str
    cause: str
    fix: str

    def line(self):
        """The one line the CLI prints and the report shows."""
        return f"{self.kind.replace('_', ' ')}: {self.seen}; likely cause: {self.cause}; try {self.fix}"

    def as_dict(self):
        return {**asdict(self), "message": self.line()}


def _either(suggestions, settings):
    """'a, b or c' of the suggestions the run does not already follow.

    Each suggestion is its text, or (text, option, value) when it means setting ``option`` to
    ``value``: dropped when ``settings[option]`` already is that value.
    """
    texts = [item if isinstance(item, str) else item[0] for item in suggestions
             if isinstance(item, str) or settings.get(item[1]) != item[2]]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " or " + texts[-1]


def diagnose(history, model=None, loss_fn=None, X=None, y=None, *, good_accuracy=0.99, settings=None):
    """The Diagnosis of a finished run, or None when its training accuracy reached ``good_accuracy``.

    ``model``, ``loss_fn`` and the training data (X, y) let it look inside the network
    (outputs, ReLU and sigmoid units); without them only the History is read. ``settings``
    (option -> value, e.g. {"init": "xavier", "optimizer": "adam"}) keeps a fix from
    suggesting what the run already does.
    """
    settings = settings or {}
    losses = np.asarray(history.loss, dtype=float)
    if history.diverged:
        return Diagnosis("diverged", f"the loss became non-finite at epoch {history.epochs + 1}",
                         "steps so large that the weights grew without bound",
                         "a learning rate 10x lower, inputs scaled to about [-1, 1], or a bounded activation")
    if not len(losses):
        return None
    accuracy = history.accuracy[-1]
    if accuracy >= good_accuracy:
        return None
    inside = _look_inside(model, loss_fn, X, y) if model is not None and X is not None else None
    grown = losses[-1] > GROWTH * losses[0]
    if inside and inside["dead"] is not None and inside["dead"] >= DEAD_FRACTION:
        return Diagnosis("dead_relu", f"{inside['dead']:.0%} of the ReLU units output 0 for every training point",
                         "large steps or negative pre-activations pushed them below 0, where ReLU's gradient is 0",
                         "a lower learning rate, leaky_relu, or biases starting positive (--bias-init ones)")
    if inside and inside["pinned_output"] >= PINNED_FRACTION:
        return Diagnosis("saturated", f"{inside['pinned_output']:.0%} of the output probabilities are pinned at 0 "
                         f"or 1 (loss {losses[0]:.3g} -> {losses[-1]:.3g}, accuracy {accuracy:.0%})",
                         "steps so large that the pre-activations left the sigmoid's working range, where its "
                         "gradient vanishes", "a learning rate 10-100x lower")
    if inside and inside["pinned_hidden"] is not None and inside["pinned_hidden"] >= PINNED_FRACTION:
        return Diagnosis("saturated", f"{inside['pinned_hidden']:.0%} of the hidden sigmoid/tanh values are pinned "
                         f"at their bounds (accuracy {accuracy:.0%})",
                         "pre-activations too large, from big steps or big initial weights",
                         _either(["a lower learning rate", ("--init xavier", "init", "xavier")], settings))
    if grown:
        return Diagnosis("diverged", f"the loss grew from {losses[0]:.3g} to {losses[-1]:.3g}",
                         "steps that overshoot further each time (finite, but growing)",
                         "a learning rate 10x lower, or inputs scaled to about [-1, 1]")
    if _oscillating(losses):
        return Diagnosis("oscillating", "the loss keeps rising and falling over the last half of the epochs",
                         "steps that overshoot the minimum back and forth",
                         "a learning rate 3-10x lower, or a decaying schedule (--schedule step)")
    tail = losses[-max(2, len(losses) // 10):]
    if tail[-1] < 0.99 * tail[0]:
        return Diagnosis("not_converged", f"training accuracy {accuracy:.0%} and the loss still falling when the "
                         f"{history.epochs} epochs ran out", "too few epochs for this learning rate",
                         "more --epochs or a larger learning rate")
    if inside and (inside["spread"] < CONSTANT_SPREAD or _near(losses[-1], inside["prior_loss"])):
        return Diagnosis("stuck", f"the network gives almost the same output for every point (loss "
                         f"{losses[-1]:.3g}, the class prior's {inside['prior_loss']:.3g})",
                         inside["stuck_cause"], _either(inside["stuck_fix"], settings))
    return Diagnosis("not_converged", f"training accuracy {accuracy:.0%}, the loss flat at {losses[-1]:.3g}",
                     "a plateau or a local minimum the optimizer does not leave",
                     "another seed, more hidden units, or another optimizer or learning rate")


def _near(value, reference):
    return reference is not None and abs(value - reference) <= PRIOR_MARGIN * reference


def _oscillating(losses):
    half = losses[len(losses) // 2:]
    if len(half) < 8 or half.min() <= 0:
        return False
    rises = np.mean(half[1:] > 1.01 * half[:-1])
    return rises >= RISES and (half.max() - half.min()) / half.min() > SWING


def _prior_loss(loss_fn, y, n_outputs):
    """The loss of the best constant output: the entropy of the class frequencies (BCE, cross-entropy),
    or their variance (squared errors); None for another loss."""
    counts = np.bincount(np.asarray(y, dtype=np.int64))
    p = counts[counts > 0] / len(y)
    name = type(loss_fn).__name__
    if name in ("BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss"):
        return float(-(p * np.log(p)).sum())
    if name == "MSELoss" and n_outputs == 1:
        return float(p.prod()) if len(p) == 2 else None
    return None


def _look_inside(model, loss_fn, X, y):
    """Forward X layer by layer (eval mode): dead ReLU units, pinned sigmoid/tanh values, the outputs."""
    layers = list(model) if isinstance(model, Sequential) else [model]
    was_training = model.training
    model.eval()
    dead, alive, pinned, values, linear_only = 0, 0, 0, 0, True
    out = X
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            for i, layer in enumerate(layers):
                out = layer.forward(out)
                last = i == len(layers) - 1
                if isinstance(layer, ReLU) and not last:
                    fires = (out.reshape(len(out), -1) > 0).any(axis=0)
                    dead, alive = dead + int((~fires).sum()), alive + int(fires.sum())
                if isinstance(layer, (Sigmoid, Tanh, ReLU)) and not last:
                    linear_only = False
                if isinstance(layer, (Sigmoid, Tanh)) and not last:
                    low = 0.0 if isinstance(layer, Sigmoid) else -1.0
                    pinned += int(((out - low < PINNED) | (1.0 - out < PINNED)).sum())
                    values += out.size
    finally:
        model.train(was_training)
    probabilities = loss_fn.probabilities(out)
    column = probabilities[:, -1] if probabilities.ndim == 2 else probabilities
    finite = np.isfinite(column)
    in_unit = bool(finite.all()) and column.min() >= 0 and column.max() <= 1
    pinned_output = float(np.mean((column < PINNED) | (column > 1 - PINNED))) if in_unit else 0.0
    spread = float(np.ptp(column[finite])) if finite.any() else 0.0
    stuck_cause, stuck_fix = (
        ("no hidden activation: the network is one linear function, which cannot separate this data",
         ["a hidden activation such as tanh or sigmoid"]) if linear_only else
        ("gradients too small to break away from the average answer (vanishing through saturated units, "
         "or too small a learning rate)", ["more --epochs", "a larger learning rate", ("--init xavier", "init", "xavier"),
                                           ("another optimizer such as adam", "optimizer", "adam")]))
    return {
        "dead": dead / (dead + alive) if dead + alive else None,
        "pinned_hidden": pinned / values if values else None,
        "pinned_output": pinned_output,
        "spread": spread,
        "prior_loss": _prior_loss(loss_fn, y, out.shape[1] if out.ndim == 2 else 1) if y is not None else None,
        "stuck_cause": stuck_cause,
        "stuck_fix": stuck_fix,
    }
