"""What went wrong in a run, read off its History and its trained network, in one line.

``diagnose(history, model, loss_fn, X, y)`` returns None when training went well, else a
Diagnosis naming the first of these that fits, with its likely cause and a fix:

- ``diverged``: the loss stopped being finite, or ended far above where it started (the one failure read
  for values to regress onto, whose History has no accuracy);
- ``linear_optimum``: a linear network (no activation between its layers) on a least-squares loss whose
  loss equals ordinary least squares' on the same points: the best a linear model can do, which no
  more epochs improve (``optimum.py``);
- ``dead_relu``: most ReLU units output 0 for every training point, so no gradient reaches them;
- ``saturated``: the output sigmoid (or most hidden sigmoid/tanh units) pinned at its bounds,
  where its derivative is 0; BCE on pinned outputs sits at its clamp of 100 per wrong point
  (outputs of more than two classes, or pinned but right on validation data, are not counted);
- ``oscillating``: over the last half of the epochs the training loss keeps rising and falling (how often,
  how much and between what, it says);
- ``not_converged``: the epochs ran out with the loss still falling (the validation loss, when measured);
- ``stuck``: one output for every point: the loss flat at the class prior's (ln 2 for balanced classes);
- ``not_converged`` again when none of these fits: the loss flat at a plateau, or, in a run of
  fewer than MIN_TREND_EPOCHS epochs, which has no trend to read, an accuracy still low.

A run without validation data (the lab's 2-D points) went well at a training accuracy of
``good_accuracy``. A run with it (images, CSV tables) is judged on its validation numbers: it went
well at a validation accuracy of ``good_accuracy``, or once its validation loss stopped falling at a
decent accuracy (DECENT_SHARE of the way from chance to 100%) or well above its training loss
(GAP_RATIO). Its training loss, a mean over each epoch with dropout on, may still creep down then: no
sign that more epochs would help on new data. A validation loss that went flat only once the schedule
had run the learning rate down is a schedule too short, not a plateau.
"""

from dataclasses import asdict, dataclass

import numpy as np

from ..nn import ACTIVATIONS, Sequential
from ..optim import OPTIMIZERS, Adam
from .optimum import at_linear_optimum

GROWTH = 10.0          # a final loss this many times the first epoch's: diverged
DEAD_FRACTION = 0.5    # ReLU units silent on every training point, of all ReLU units
PINNED = 1e-4          # a sigmoid output within this of 0 or 1 (tanh: of -1 or 1) is pinned
PINNED_FRACTION = 0.9  # of outputs (or hidden units' values) pinned: saturated
CONSTANT_SPREAD = 0.02  # outputs spanning less than this: one output for every point
PRIOR_MARGIN = 0.02    # a loss within 2% of the prior's: nothing learnt beyond the class frequencies
RISES = 0.25           # of the last half's epochs with a rise of more than 1%: oscillating
SWING = 0.1            # (max - min) / min of the last half's loss, for oscillating
# A trend (still falling, flat, oscillating) needs at least two changes between epochs: the one change of a
# two-epoch run mostly shows that the first epoch's mean began at random weights.
MIN_TREND_EPOCHS = 3
# A validation accuracy this share of the way from chance (always the commonest class) to 100% is decent:
# 77.5% for ten balanced classes. Fashion-MNIST's MLP stops near 90%, well past it; a plateau far below.
DECENT_SHARE = 0.75
# A validation loss this many times the training loss: the network fits its training samples better than
# new ones, so what holds it back is how far that carries over, which no more epochs fix: not a plateau.
GAP_RATIO = 1.5
DECAYED = 0.1  # a last learning rate below this share of the run's highest: the schedule has run down


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
    """The Diagnosis of a finished run, or None when it went well.

    It went well when its accuracy reached ``good_accuracy``: the validation accuracy when the run
    measured one (of the epoch whose weights it kept), else the training accuracy; or, with validation
    data, when the validation loss stopped falling at a decent accuracy.
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
    if history.accuracy[-1] is None:  # values to regress onto: what follows reads accuracies
        return _grown(losses)
    val_losses = np.asarray(history.val_loss, dtype=float)
    validated = len(val_losses) == len(losses) and bool(np.isfinite(val_losses).all())
    # the epoch whose weights the run kept: best_epoch when early stopping restored it, else the last
    kept = history.epoch.index(history.best_epoch) if history.best_epoch in history.epoch else len(losses) - 1
    if validated:
        accuracy, measure = history.val_accuracy[kept], "validation accuracy"
    else:
        accuracy, measure = history.accuracy[-1], "training accuracy"
    if accuracy >= good_accuracy:
        return None
    inside = _look_inside(model, loss_fn, X, y) if model is not None and X is not None else None
    grown = _grown(losses)
    trend = len(losses) >= MIN_TREND_EPOCHS
    optimum = at_linear_optimum(model, loss_fn, X, y) if inside is not None else None
    if optimum is not None:
        return Diagnosis("linear_optimum", f"the loss {optimum[0]:.6g} equals the least-squares optimum of a linear "
                         f"model on these points ({optimum[1]:.6g}; {measure} {accuracy:.0%})",
                         "with no activation between its layers the network is one linear function, and this is "
                         "the best a linear function fitted by squared error can do",
                         "a non-linear hidden activation (e.g. --activation sigmoid) to fit more than one straight "
                         "boundary")
    if inside and inside["dead"] is not None and inside["dead"] >= DEAD_FRACTION:
        return Diagnosis("dead_relu", f"{inside['dead']:.0%} of the ReLU units output 0 for every training point",
                         "large steps or negative pre-activations pushed them below 0, where ReLU's gradient is 0",
                         "a lower learning rate, leaky_relu, or biases starting positive (--bias-init ones)")
    shown = measure if validated else "accuracy"  # the 2-D runs' wording, as docs/train.md quotes it
    # outputs pinned at 0 or 1 that are mostly right on held-out data are a confident network, not a saturated one
    confident = validated and accuracy >= _decent_accuracy(y)
    if inside and inside["pinned_output"] >= PINNED_FRACTION and not confident:
        return Diagnosis("saturated", f"{inside['pinned_output']:.0%} of the output probabilities are pinned at 0 "
                         f"or 1 (loss {losses[0]:.3g} -> {losses[-1]:.3g}, {shown} {accuracy:.0%})",
                         "steps so large that the pre-activations left the sigmoid's working range, where its "
                         "gradient vanishes", "a learning rate 10-100x lower")
    if inside and inside["pinned_hidden"] is not None and inside["pinned_hidden"] >= PINNED_FRACTION:
        return Diagnosis("saturated", f"{inside['pinned_hidden']:.0%} of the hidden sigmoid/tanh values are pinned "
                         f"at their bounds ({shown} {accuracy:.0%})",
                         "pre-activations too large, from big steps or big initial weights",
                         _either(["a lower learning rate", ("--init xavier", "init", "xavier")], settings))
    if grown:
        return grown
    swings = _oscillating(losses) if trend else None
    if swings:
        return Diagnosis("oscillating", swings,
                         "steps that overshoot the minimum back and forth",
                         "a learning rate 3x lower (10x lower may need more --epochs), or a decaying schedule "
                         "(--schedule step)")
    if validated:
        return _judge_validation(history, val_losses, kept, accuracy, inside, y, settings)
    tail = losses[-max(2, len(losses) // 10):]
    if trend and tail[-1] < 0.99 * tail[0]:
        return Diagnosis("not_converged", f"training accuracy {accuracy:.0%} and the loss still falling when the "
                         f"{history.epochs} epochs ran out", "too few epochs for this learning rate",
                         "more --epochs or a larger learning rate")
    if inside and (inside["spread"] < CONSTANT_SPREAD or _near(losses[-1], inside["prior_loss"])):
        return Diagnosis("stuck", f"the network gives almost the same output for every point (loss "
                         f"{losses[-1]:.3g}{_prior_text(inside)})",
                         inside["stuck_cause"], _either(inside["stuck_fix"], settings))
    if not trend:
        return _too_short(history.epochs, measure, accuracy)
    return Diagnosis("not_converged", f"training accuracy {accuracy:.0%}, the loss flat at {losses[-1]:.3g}",
                     "a plateau or a local minimum the optimizer does not leave",
                     "another seed, more hidden units, or another optimizer or learning rate")


def _grown(losses):
    """The Diagnosis of a loss that ended GROWTH times above where it started, else None."""
    if not losses[-1] > GROWTH * losses[0]:
        return None
    return Diagnosis("diverged", f"the loss grew from {losses[0]:.3g} to {losses[-1]:.3g}",
                     "steps that overshoot further each time (finite, but growing)",
                     "a learning rate 10x lower, or inputs scaled to about [-1, 1]")


def _judge_validation(history, val_losses, kept, accuracy, inside, y, settings):
    """The verdict on a run with validation data, read off its validation losses and the validation
    ``accuracy`` of the epoch whose weights it kept (index ``kept``)."""
    trend, window = len(val_losses) >= MIN_TREND_EPOCHS, max(2, len(val_losses) // 10)
    best = int(np.argmin(val_losses))
    # still falling: the last loss 1% below the best before the last epochs, so one noisy epoch is no trend
    before = val_losses[:len(val_losses) - window + 1].min() if trend else None
    rates = [rate for rate in history.lr if rate is not None]
    decayed = bool(rates) and rates[-1] < DECAYED * max(rates)
    if trend and val_losses[-1] < 0.99 * before:
        return Diagnosis("not_converged", f"validation accuracy {accuracy:.0%} and the validation loss still "
                         f"falling ({before:.3g} -> {val_losses[-1]:.3g}) when the {len(val_losses)} epochs ran out",
                         "too few epochs: the schedule ran its rate down while the loss still fell" if decayed else
                         "too few epochs for this learning rate",
                         "more --epochs (a schedule stretches over them) or a larger learning rate")
    if accuracy >= _decent_accuracy(y):
        return None
    if inside and inside["spread"] < CONSTANT_SPREAD:
        return Diagnosis("stuck", f"the network gives almost the same output for every point (validation loss "
                         f"{val_losses[kept]:.3g}{_prior_text(inside)})",
                         inside["stuck_cause"], _either(inside["stuck_fix"], settings))
    prior = inside["prior_loss"] if inside else None
    if prior is not None and val_losses[kept] >= (1 - PRIOR_MARGIN) * prior:
        return Diagnosis("stuck", f"the validation loss, {val_losses[kept]:.3g}, is no lower than the class prior's "
                         f"{prior:.3g}: nothing learnt beyond how common each class is "
                         f"({len(val_losses)} epoch{'' if len(val_losses) == 1 else 's'})",
                         "steps too small to carry the weights away from their random start (too small a learning "
                         "rate), or gradients that vanish on their way back",
                         "a learning rate 10-100x larger or more --epochs")
    if not trend:
        return _too_short(len(val_losses), "validation accuracy", accuracy)
    if val_losses[kept] >= GAP_RATIO * history.loss[kept]:
        return None  # learnt what carries over to new samples; see GAP_RATIO
    flat = (f"flat at {val_losses[-1]:.3g}" if best == len(val_losses) - 1 else
            f"no lower since epoch {history.epoch[best]} ({val_losses[best]:.3g})")
    if decayed:
        return Diagnosis("not_converged", f"validation accuracy {accuracy:.0%}, the validation loss {flat} once "
                         f"the learning rate had run down to {rates[-1]:.2g} (from {max(rates):.2g})",
                         "a schedule too short for this data: its rate ran down before the network had learnt",
                         "more --epochs (the schedule stretches over them) or a larger learning rate")
    return Diagnosis("not_converged", f"validation accuracy {accuracy:.0%}, the validation loss {flat}",
                     "a plateau or a local minimum the optimizer does not leave, or a network too small for the data",
                     "another seed, more hidden units, or another optimizer or learning rate")


def _too_short(n, measure, accuracy):
    """A run of ``n`` epochs, too short for a trend, its accuracy still low: what it needs first is more epochs."""
    return Diagnosis("not_converged", f"{measure} {accuracy:.0%} after only {n} epoch{'' if n == 1 else 's'}, too "
                     "few to tell slow progress from a plateau", "too few epochs (or too small a learning rate)",
                     "more --epochs or a larger learning rate")


def _decent_accuracy(y):
    """DECENT_SHARE of the way from chance (the commonest class of ``y``, 0 without labels) to 100%."""
    chance = float(np.bincount(np.asarray(y, dtype=np.int64)).max() / len(y)) if y is not None and len(y) else 0.0
    return chance + DECENT_SHARE * (1 - chance)


def _prior_text(inside):
    prior = inside["prior_loss"]
    return "" if prior is None else f", the class prior's {prior:.3g}"


def _near(value, reference):
    return reference is not None and abs(value - reference) <= PRIOR_MARGIN * reference


def _oscillating(losses):
    """What was seen, in numbers, when the last half of ``losses`` keeps rising and falling; else None."""
    half = losses[len(losses) // 2:]
    if len(half) < 8 or half.min() <= 0:
        return None
    steps = half[1:] / half[:-1]
    rises = np.mean(steps > 1.01)
    if rises < RISES or (half.max() - half.min()) / half.min() <= SWING:
        return None
    return (f"the training loss rose from one epoch to the next on {rises:.0%} of the last {len(half):,} epochs, "
            f"by up to {steps.max() - 1:.0%}, between {half.min():.3g} and {half.max():.3g}")


def _prior_loss(loss_fn, y, n_outputs):
    """The loss of the best constant output, as the loss declares it (``Loss.constant_loss``); None when it does not."""
    counts = np.bincount(np.asarray(y, dtype=np.int64))
    return loss_fn.constant_loss(counts[counts > 0] / len(y), n_outputs)


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
                kind = type(layer)
                dies_below, saturates_at = getattr(kind, "dies_below", None), getattr(kind, "saturates_at", None)
                if dies_below is not None and not last:
                    fires = (out.reshape(len(out), -1) > dies_below).any(axis=0)
                    dead, alive = dead + int((~fires).sum()), alive + int(fires.sum())
                if kind in ACTIVATIONS.values() and not getattr(kind, "linear", False) and not last:
                    linear_only = False
                if saturates_at is not None and not last:
                    low, high = saturates_at
                    pinned += int(((out - low < PINNED) | (high - out < PINNED)).sum())
                    values += out.size
    finally:
        model.train(was_training)
    probabilities = loss_fn.probabilities(out)
    column = probabilities[:, -1] if probabilities.ndim == 2 else probabilities
    finite = np.isfinite(column)
    in_unit = bool(finite.all()) and column.min() >= 0 and column.max() <= 1
    # Of more than two classes, one column near 0 is only a class the network rules out: no saturation.
    binary = probabilities.ndim == 1 or probabilities.shape[1] <= 2
    pinned_output = float(np.mean((column < PINNED) | (column > 1 - PINNED))) if in_unit and binary else 0.0
    spread = float(np.ptp(column[finite])) if finite.any() else 0.0
    adam = OPTIMIZERS.name_of(Adam)
    stuck_cause, stuck_fix = (
        ("no hidden activation: the network is one linear function, which cannot separate this data",
         ["a hidden activation such as tanh or sigmoid"]) if linear_only else
        ("gradients too small to break away from the average answer (vanishing through saturated units, "
         "or too small a learning rate)", ["more --epochs", "a larger learning rate", ("--init xavier", "init", "xavier"),
                                           (f"another optimizer such as {adam}", "optimizer", adam)]))
    return {
        "dead": dead / (dead + alive) if dead + alive else None,
        "pinned_hidden": pinned / values if values else None,
        "pinned_output": pinned_output,
        "spread": spread,
        "prior_loss": _prior_loss(loss_fn, y, out.shape[1] if out.ndim == 2 else 1) if y is not None else None,
        "stuck_cause": stuck_cause,
        "stuck_fix": stuck_fix,
    }
