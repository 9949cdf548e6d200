"""The learning curve of one run: loss and accuracy against epoch."""

import math

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, MaxNLocator

from ..nn import LOSSES
from .style import PlainMinorLabels, epoch_axis, figure, legend_outside, save, set_suptitle, short_series

_COLOURS = {"training": "C0", "validation": "C1", "test": "C2"}
# The training curve on top, the others thinner and lighter under it: a curve that swings every epoch
# covers a band and would hide the training curve beneath it.
_LINES = {"training": {"lw": 1.6, "zorder": 3}, "validation": {"lw": 1.0, "alpha": 0.75, "zorder": 2},
          "test": {"lw": 1.0, "alpha": 0.75, "zorder": 2}}
SWING_STEP = 0.005  # of a curve's drawn range: smaller steps up and down do not thicken the line
SWING_EPOCHS = 200  # epochs from which a panel draws them about 2 pixels apart or closer: a swing is a blot
SWING_NOTE = "a thick stretch or blot on a curve: there it goes up and down from one epoch to the next"
ACCURACY_MIN_SPAN = 10.0  # percentage points: values closer than this are not spread over the whole panel
# A loss may pass the labelled tick at either end of its axis by this factor (a hair on a log axis)
# rather than stretch the axis to the next one, a doubling away: 0.197 ends on 0.2, not 0.1.
LOG_END_SLACK = 1.05
END_LABEL_ROOM = 0.07  # of a log axis's height, kept free of other labels around each end's label


class _EndsLabelled(PlainMinorLabels):
    """Plain labels of a log axis (see PlainMinorLabels), with the ticks at ``ends`` labelled too,
    and no other label so close to one of them that the two would overlap."""

    def __init__(self, ends, **options):
        super().__init__(**options)
        self.ends = ends

    def __call__(self, x, pos=None):
        if any(math.isclose(x, end, rel_tol=1e-9) for end in self.ends):
            return f"{x:g}"
        low, high = self.axis.get_view_interval()
        room = END_LABEL_ROOM * math.log10(high / low)
        if any(abs(math.log10(x / end)) < room for end in self.ends):
            return ""
        return super().__call__(x, pos)


def _log_loss_axis(ax, values):
    """A log axis for the losses ``values`` (all > 0) that begins and ends on a labelled tick (a whole
    multiple of a power of 10, within LOG_END_SLACK of the values), its labels plain numbers: the first
    and the last points can be read off it, one epoch's points too."""
    low, high = min(values), max(values)
    ticks = [m * 10.0 ** k for k in range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 2)
             for m in range(1, 10)]
    bottom = max(t for t in ticks if t <= low * LOG_END_SLACK)
    top = min(t for t in ticks if t >= high / LOG_END_SLACK)
    if top <= bottom:  # every value within a hair of one tick: the ticks either side
        bottom, top = max(t for t in ticks if t < bottom), min(t for t in ticks if t > top)
    ax.set_yscale("log")
    lowest, highest = min(bottom, low) / 1.01, max(top, high) * 1.01  # room for a marker on an end tick
    ax.set_ylim(lowest, highest)
    # The marks inside the axis only, at 2 and 5 of each decade where it spans more than about one (and at
    # both ends): a log locator also makes a tick, an artist to build, at every mark of the decades around.
    inside = [t for t in ticks if lowest <= t <= highest]
    few = math.log10(highest / lowest) > 1.5
    decades = [t for t in inside if round(t / 10.0 ** math.floor(math.log10(t) + 1e-9)) == 1]
    minor = [t for t in inside if t not in decades and (not few or t in (bottom, top)
                                                        or round(t / 10.0 ** math.floor(math.log10(t))) in (2, 5))]
    ax.yaxis.set_major_locator(FixedLocator(decades))
    ax.yaxis.set_minor_locator(FixedLocator(minor))
    for axis_formatter in (ax.yaxis.set_major_formatter, ax.yaxis.set_minor_formatter):
        axis_formatter(_EndsLabelled((bottom, top), labelOnlyBase=False))


def _accuracy_axis(ax, values):
    """Fit the accuracy axis to ``values`` (percentages): it ends on the labelled ticks just outside them,
    within 0-100, so 100 is the top tick once reached and 80-92% fills the panel."""
    low, high = min(values), max(values)
    if high - low < ACCURACY_MIN_SPAN:  # widen around the values, inside 0-100
        low = max(0.0, min(low, (low + high - ACCURACY_MIN_SPAN) / 2))
        high = min(100.0, max(high, low + ACCURACY_MIN_SPAN))
        low = min(low, high - ACCURACY_MIN_SPAN)
    ticks = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    bottom = max(0.0, max((t for t in ticks if t <= low), default=low))
    top = min(100.0, min((t for t in ticks if t >= high), default=high))
    margin = 0.015 * (top - bottom)  # room for a marker on an end tick
    ax.yaxis.set_major_locator(FixedLocator([t for t in ticks if bottom <= t <= top]))
    ax.set_ylim(bottom - margin, top + margin)


def learning_curve(history, path=None, title="", ax=None, test=None, test_is_training=False, during=None, loss=None):
    """Loss (log scale) and accuracy against epoch: training, and validation or test where measured.

    ``test``: a dict of per-epoch ``loss`` and ``accuracy`` on the test set, drawn beside the
    training curve. ``test_is_training``: the test set is the training set itself (the lab's XOR
    points), so one curve serves both and the legend says so. ``during``: how the training scores were
    measured during each epoch ('each batch before its update, with dropout'), for the legend to say,
    beside validation or test scores measured after it. A run of one epoch is drawn as points.
    ``loss``: the registry name of the loss ('bce'), which the loss axis names in the loss's own words; a
    dotted line marks, for a loss of two classes only, its loss of answering 0.5 everywhere (ln 2 = 0.693 for
    binary cross-entropy): the plateau a stuck sigmoid network sits on.
    """
    epochs = np.asarray(history.epoch)
    series = {"training": (history.loss, history.accuracy)}
    if history.val_loss:
        series["validation"] = (history.val_loss, history.val_accuracy)
    if test:
        series["test"] = (test["loss"], test["accuracy"])
    values_only = all(a is None for _, accuracy in series.values() for a in accuracy)  # a regression
    if values_only and ax is None:  # the loss says all: one panel
        fig, ax_loss = figure(1, 1, figsize=(6, 4.4), layout="panels")
        ax_acc = None
    else:
        fig, (ax_loss, ax_acc) = figure(1, 2, figsize=(10, 4.4), ax=ax, layout="panels")
    swings = False  # whether a curve drawn swings up and down every epoch for a stretch
    for name, (values, accuracy) in series.items():
        style = {"color": _COLOURS[name], **_LINES[name], **short_series(len(epochs))}
        ax_loss.plot(epochs, [np.nan if v is None else v for v in values], **style)
        swings |= _swings(values, log=True)
        if ax_acc is not None:
            ax_acc.plot(epochs, 100 * np.asarray(accuracy, dtype=float), **style)
            swings |= _swings(accuracy)
    losses = [v for values, _ in series.values() for v in values if v is not None and np.isfinite(v)]
    name, chance = _loss_words(loss), _chance_loss(loss)
    if losses and min(losses) > 0:
        _log_loss_axis(ax_loss, losses + ([chance] if chance else []))
        ax_loss.set_ylabel(f"{name} (log scale)")
    else:
        ax_loss.set_ylabel(name)
    if chance:
        ax_loss.axhline(chance, color="0.35", linestyle=":", linewidth=1.2, zorder=1.5)
        low, high = ax_loss.get_ylim()
        below = ax_loss.get_yscale() == "log" and math.log(chance / low) > 0.5 * math.log(high / low) \
            or ax_loss.get_yscale() != "log" and chance > (low + high) / 2  # in the upper half: the note under it
        said = "ln 2 = 0.693" if math.isclose(chance, math.log(2)) else f"{chance:.3g}"
        ax_loss.annotate(f"{said}: answering 0.5 everywhere", (1.0, chance), xycoords=("axes fraction", "data"),
                         xytext=(-3, -3 if below else 3), textcoords="offset points", ha="right",
                         va="top" if below else "bottom", fontsize=7, color="0.3")
    ax_loss.set_title("Loss", y=1.0)
    panels = [ax_loss] if ax_acc is None else [ax_loss, ax_acc]
    for panel in panels:
        panel.grid(alpha=0.3)
        epoch_axis(panel, len(epochs))
    if ax_acc is not None and values_only:  # the caller's second Axes, with nothing to show
        ax_acc.clear()
        ax_acc.set_axis_off()
        ax_acc.text(0.5, 0.5, "no accuracy:\nthe targets are values, not classes", ha="center", va="center",
                    transform=ax_acc.transAxes, color="0.35")
    elif ax_acc is not None:
        # the accuracy axis fits the values: 80-92% on Fashion-MNIST is not a flat line at the top of 0-100%
        accuracies = [100 * a for _, accuracy in series.values() for a in accuracy if a is not None and np.isfinite(a)]
        if accuracies:
            _accuracy_axis(ax_acc, accuracies)
        ax_acc.set_ylabel("accuracy (%)")
        ax_acc.set_title("Accuracy", y=1.0)
    names = {"training": "training set = test set (the same points)" if test_is_training else "training set",
             "validation": "validation set", "test": "test set"}
    if during:
        names = {"training": f"training set, during each epoch ({during})",
                 "validation": "validation set, after each epoch", "test": "test set, after each epoch"}
    handles = [Line2D([], [], color=_COLOURS[name], **{**_LINES[name], "lw": _LINES[name]["lw"] + 0.6},
                      **short_series(len(epochs))) for name in series]
    legend_outside(fig, panels, handles, [names[name] for name in series], ncol=len(series),
                   title=SWING_NOTE if swings else None)
    set_suptitle(fig, title, fontsize=12)
    return save(fig, path)


def _swings(values, log=False):
    """Whether a curve of ``values`` (None where not measured) goes up and down at three epochs on end, each
    step at least SWING_STEP of its range, on its axis (``log``), over SWING_EPOCHS epochs or more: drawn
    a pixel or two an epoch, a thick stretch."""
    v = np.asarray([np.nan if x is None else x for x in values], dtype=float)
    if log:
        v = np.log10(np.where(v > 0, v, np.nan))
    v = v[np.isfinite(v)]
    if len(v) < SWING_EPOCHS:  # each epoch's point apart: the zig-zag is seen as one
        return False
    steps = np.diff(v)
    turns = (steps[:-1] * steps[1:] < 0) & (np.minimum(abs(steps[:-1]), abs(steps[1:])) >= SWING_STEP * np.ptp(v))
    return bool(np.any(turns[:-1] & turns[1:]))


def _loss_words(loss):
    """The loss axis's name: the registered loss's own words ('binary cross-entropy')."""
    entry = LOSSES[loss] if loss in LOSSES else None
    return (entry.words if entry is not None else None) or loss or "loss"


def _chance_loss(loss):
    """For a loss of two classes only, the loss of answering 0.5 for every point of two balanced classes, else
    None: a loss that also takes more classes would mark a level that holds for two of them only."""
    entry = LOSSES[loss] if loss in LOSSES else None
    return None if entry is None or not entry.binary_only else entry().constant_loss(np.array([0.5, 0.5]), 1)
