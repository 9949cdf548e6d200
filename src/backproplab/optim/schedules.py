"""Learning-rate schedules, stepped once per epoch as in PyTorch (``per_batch`` ones after every batch).

Each holds the optimizer and sets ``optimizer.lr`` from the count of steps taken
(``base_lr`` is the rate the optimizer had when the schedule was made).
"""

import inspect
import math

from ..errors import ConfigError
from ..registry import Registry
from ..validation import check_int, check_number
from .optimizer import Optimizer

# Every learning-rate schedule by the name the CLI and get_schedule use.
SCHEDULES = Registry("schedule")


class Schedule:
    """Base: ``step()`` after each epoch advances ``epoch`` and sets the rate.

    A schedule with ``per_batch = True`` is stepped after every batch instead, so
    ``epoch`` then counts batches (``fit`` and the run layer do this).
    """

    per_batch = False
    min_steps = 1  # steps in all a run must give it (a per_batch schedule: batches)

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0

    def step(self, metric: float | None = None) -> None:
        self.epoch += 1
        self.optimizer.lr = self.lr_at(self.epoch)

    def lr_at(self, epoch: int) -> float:
        raise NotImplementedError

    def state_dict(self):
        """Every number the schedule keeps (for checkpoints)."""
        return {k: v for k, v in vars(self).items() if k != "optimizer"}

    def load_state_dict(self, state):
        vars(self).update(state)


@SCHEDULES.register("constant")
class ConstantLR(Schedule):
    """lr_t = lr (no schedule)."""

    def lr_at(self, epoch: int) -> float:
        return self.base_lr


@SCHEDULES.register("step")
class StepLR(Schedule):
    """lr_t = lr * gamma^floor(t / step_size): multiply by gamma every step_size epochs."""

    def __init__(self, optimizer, step_size=100, gamma=0.5):
        super().__init__(optimizer)
        self.step_size = check_int("step_size", step_size, 1)
        self.gamma = check_number("gamma", gamma, 0.0, 1.0, low_open=True)

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)


@SCHEDULES.register("exponential")
class ExponentialLR(Schedule):
    """lr_t = lr * gamma^t."""

    def __init__(self, optimizer, gamma=0.999):
        super().__init__(optimizer)
        self.gamma = check_number("gamma", gamma, 0.0, 1.0, low_open=True)

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma**epoch


@SCHEDULES.register("cosine")
class CosineAnnealingLR(Schedule):
    """lr_t = eta_min + (lr - eta_min) (1 + cos(pi t / T_max)) / 2.

    The rate falls from lr to eta_min over T_max epochs (and, as in PyTorch,
    rises again after, with period 2 T_max).
    """

    def __init__(self, optimizer, T_max=1000, eta_min=0.0):
        super().__init__(optimizer)
        self.T_max = check_int("T_max", T_max, 1)
        self.eta_min = check_number("eta_min", eta_min, 0.0)

    def lr_at(self, epoch: int) -> float:
        cos = math.cos(math.pi * epoch / self.T_max)
        return self.eta_min + (self.base_lr - self.eta_min) * (1.0 + cos) / 2.0


def _cosine_between(start, end, fraction):
    """From ``start`` (fraction 0) to ``end`` (fraction 1) along half a cosine."""
    return end + (start - end) * (1.0 + math.cos(math.pi * fraction)) / 2.0


@SCHEDULES.register("onecycle")
class OneCycleLR(Schedule):
    """One cycle over the whole run, stepped after every batch (Smith's "super-convergence").

    The rate starts at a = lr / div_factor, rises to lr over the first pct_start
    of the total_steps, then falls to a / final_div_factor. With t the batches
    taken, t1 = pct_start * total_steps - 1 and T = total_steps - 1:

        lr_t = cos(a -> lr, t / t1)                               for t <= t1
        lr_t = cos(lr -> a / final_div_factor, (t - t1) / (T - t1))   after

    where cos(u -> v, p) = v + (u - v) (1 + cos(pi p)) / 2. The large middle rates
    cross the loss landscape quickly; the long fall lets the weights settle. This
    is PyTorch's OneCycleLR with anneal_strategy='cos' and cycle_momentum=False.
    """

    per_batch = True
    min_steps = 2  # one to rise on and one to fall on

    def __init__(self, optimizer, total_steps=1000, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
        super().__init__(optimizer)
        self.total_steps = check_int("total_steps", total_steps, self.min_steps,
                                     fix="a cycle rises and then falls, a step each at least")
        self.pct_start = check_number("pct_start", pct_start, 0.0, 1.0, low_open=True, high_open=True)
        self.div_factor = check_number("div_factor", div_factor, 1.0)
        self.final_div_factor = check_number("final_div_factor", final_div_factor, 1.0)
        optimizer.lr = self.lr_at(0)

    def lr_at(self, epoch: int) -> float:
        start = self.base_lr / self.div_factor
        rise_end, last = self.pct_start * self.total_steps - 1, self.total_steps - 1
        t = min(epoch, last)  # past the end the rate stays at its floor
        if t <= rise_end:
            return _cosine_between(start, self.base_lr, t / rise_end if rise_end > 0 else 1.0)
        return _cosine_between(self.base_lr, start / self.final_div_factor, (t - rise_end) / (last - rise_end))


@SCHEDULES.register("plateau")
class ReduceLROnPlateau(Schedule):
    """Multiply lr by ``factor`` when the monitored loss stops improving.

    An epoch improves when metric < best * (1 - threshold). After more than
    ``patience`` epochs without improvement, lr <- max(lr * factor, min_lr),
    then ``cooldown`` epochs pass before bad epochs are counted again.
    PyTorch's defaults (mode 'min', relative threshold).
    """

    def __init__(self, optimizer, factor=0.1, patience=10, threshold=1e-4, cooldown=0,
                 min_lr=0.0, eps=1e-8):
        super().__init__(optimizer)
        self.factor = check_number("factor", factor, 0.0, 1.0, low_open=True, high_open=True)
        self.patience = check_int("patience", patience, 0)
        self.threshold = check_number("threshold", threshold, 0.0)
        self.cooldown = check_int("cooldown", cooldown, 0)
        self.min_lr = check_number("min_lr", min_lr, 0.0)
        self.eps = eps
        self.best = math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def step(self, metric: float | None = None) -> None:
        if metric is None:
            raise ConfigError("ReduceLROnPlateau.step needs the monitored loss: step(loss)")
        self.epoch += 1
        if metric < self.best * (1.0 - self.threshold):
            self.best = metric
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            old = self.optimizer.lr
            new = max(old * self.factor, self.min_lr)
            if old - new > self.eps:
                self.optimizer.lr = new
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0


def get_schedule(name, optimizer, **kwargs):
    """A schedule from its registry name, bound to ``optimizer``."""
    return SCHEDULES.get(name)(optimizer, **kwargs)


def _lengths(factory, epochs, steps_per_epoch):
    """The lengths ``factory`` takes, for a run of ``epochs`` epochs of ``steps_per_epoch`` batches:
    T_max in epochs (cosine), total_steps in batches (one-cycle)."""
    takes = inspect.signature(factory).parameters
    lengths = {"T_max": epochs, "total_steps": epochs * steps_per_epoch}
    return {name: value for name, value in lengths.items() if name in takes}


def make_schedule(name, optimizer, epochs, steps_per_epoch=1, **options):
    """The schedule ``name`` on ``optimizer`` for a run of ``epochs`` epochs of ``steps_per_epoch`` batches.

    Its length is the run's unless ``options`` give one: a cosine decays over the epochs,
    a one-cycle over every batch of them. The other ``options`` go to its constructor.
    """
    factory = SCHEDULES.get(name)
    return factory(optimizer, **{**_lengths(factory, epochs, steps_per_epoch), **options})


def resize(schedule, epochs, steps_per_epoch=1):
    """Stretch ``schedule`` over a run of a new length (a budget changed mid-run), from the step it reached.

    A cosine then ends at eta_min on the new last epoch; a one-cycle on the new last batch.
    Schedules without a length are left as they are.
    """
    lengths = _lengths(type(schedule), epochs, steps_per_epoch)
    if lengths:
        vars(schedule).update(lengths)
        schedule.optimizer.lr = schedule.lr_at(schedule.epoch)
    return schedule
