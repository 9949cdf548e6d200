"""One page's network, data and training.

A Session is driven by one browser tab: settings change what it builds (``state``),
``play`` trains epoch after epoch, ``frame`` reports what the page draws (``frames``),
including the inspected neuron (``inspector``). Every update is the engine's
``train_step``, the step ``backproplab train`` and the estimators take. Callers hold
``lock`` while they touch a session.
"""

import contextlib
import math
import threading
import time

import numpy as np

from ..data.batching import batches, count_batches
from ..errors import ConfigError
from ..model_file import save_model
from ..nn import LOSSES, CrossEntropyLoss, Linear
from ..optim.schedules import resize
from ..rng import spawn
from ..run import build_optimizer, build_schedule
from ..training import WeightPenalty, train_step
from . import frames, inspector
from .datasets import SQUARE, read_upload
from .settings import MAX_CLASSES, MAX_POINTS, check_settings
from .state import make_network, make_points, optimisation_config, with_inputs

_DATA_FIELDS = ("dataset", "noise", "ratio", "points", "classes", "seed", "problem")
_LIVE_FIELDS = ("lr", "regularization", "reg_rate", "budget", "target_accuracy", "target_loss")


class Session:
    """A network, its data and its training, for one page."""

    def __init__(self, settings=None):
        self.lock = threading.Lock()
        self.waiting = 0  # requests waiting for the lock: a playing session's training yields to them
        self._waiting_lock = threading.Lock()
        self.touched = time.monotonic()
        self.frame_seconds, self.frame_epoch = 0.0, -1  # how long the last frame took to build, and its epoch (``pacing``)
        self.uploaded = None
        self.settings = check_settings(settings or {})
        self.data_version = 0
        self.playing = False
        self._regenerate()

    @contextlib.contextmanager
    def turn(self):
        """Hold ``lock`` for a request, ahead of the training loop (which stops at its next epoch)."""
        with self._waiting_lock:
            self.waiting += 1
        try:
            self.lock.acquire()
        finally:
            with self._waiting_lock:
                self.waiting -= 1
        try:
            yield self
        finally:
            self.lock.release()

    # --- building -----------------------------------------------------------------
    def _regenerate(self):
        self.points = make_points(self.settings, self.uploaded)
        self.X_train, self.y_train = self.points.X_train, self.points.y_train
        self.X_test, self.y_test = self.points.X_test, self.points.y_test
        self.n_classes = self.points.n_classes
        self.data_version += 1
        self._build()

    def _build(self):
        """A fresh network, optimizer and schedule for the current settings and data."""
        s = self.settings
        weights_rng, dropout_rng, self.shuffle_rng = spawn(s["init_seed"], 3)
        network = make_network(s, self.n_classes, weights_rng, dropout_rng)
        self.model, self.loss_fn = network.model, network.loss_fn
        self.loss_name, self.output_activation = network.loss_name, network.output_activation
        self.linears = [layer for layer in self.model.layers if isinstance(layer, Linear)]
        self.optimizer = build_optimizer(optimisation_config(s), self.model.parameters())
        self.schedule = build_schedule(optimisation_config(s), self.optimizer, self._batches_per_epoch())
        with_inputs(self.points, s)
        self.inputs_train, self.inputs_test = self.points.inputs_train, self.points.inputs_test
        self.epoch = 0
        self.history = []
        self.stopped = ""
        self.inspect = None
        self.hover = None
        self.show_gradients = getattr(self, "show_gradients", False)  # a view the page keeps across rebuilds
        self.generation = getattr(self, "generation", 0) + 1
        self.history.append(self._evaluate())

    def _batches_per_epoch(self):
        return count_batches(len(self.y_train), self.settings["batch"])

    def apply(self, settings):
        """New settings: regenerate the data, rebuild the network, or change the rate or budget live, as needed."""
        new = check_settings(settings)
        old, self.settings = self.settings, new
        try:
            if any(old[k] != new[k] for k in _DATA_FIELDS):
                self._regenerate()
            elif any(old[k] != new[k] for k in new if k not in _LIVE_FIELDS):
                self._build()
            else:
                if old["lr"] != new["lr"]:
                    self.optimizer.lr = self.schedule.base_lr = new["lr"]
                if old["budget"] != new["budget"]:  # a cosine or one-cycle then ends on the new last epoch
                    config = optimisation_config(new)
                    resize(self.schedule, config.epochs, self._batches_per_epoch())
                    if new["schedule"] == "exponential":  # to its end at the new budget
                        self.schedule.gamma = config.gamma
                        self.optimizer.lr = self.schedule.lr_at(self.schedule.epoch)
        except ConfigError:
            self.settings = old  # the old settings built before, so this rebuild succeeds
            self._regenerate()
            raise
        self.stopped = ""

    def upload(self, body):
        """Train on the points of an uploaded CSV from now on: new points, a new network, even when
        the last data set was an upload too (its settings then do not change, but its points do)."""
        problem = self.settings["problem"]
        uploaded = read_upload(body, MAX_POINTS, MAX_CLASSES, regression=problem == "regression")
        classes = int(uploaded[1].max()) + 1
        loss = self.settings["loss"] if classes <= 2 or problem == "regression" else LOSSES.name_of(CrossEntropyLoss)
        before = self.uploaded, self.settings
        try:
            self.uploaded = uploaded
            self.settings = check_settings({**self.settings, "dataset": "csv", "loss": loss})
            self._regenerate()
        except ConfigError:
            self.uploaded, self.settings = before  # these built before, so this rebuild succeeds
            self._regenerate()
            raise
        self.stopped = ""

    def control(self, action):
        """play, pause, step (one epoch), sample (one step on the inspected point), reset or regenerate."""
        if action == "play":
            self.playing, self.stopped = True, ""
        elif action == "pause":
            self.playing = False
        elif action == "step":
            self.playing = False
            self.train_epoch()
        elif action == "reset":  # fresh weights, from a new seed the page keeps in its URL
            self.playing = False
            self.settings["init_seed"] = (self.settings["init_seed"] + 1) % 2**31
            self._build()
        elif action == "sample":
            self.playing = False
            self.train_on_point()
        elif action == "regenerate":
            self.settings["seed"] = (self.settings["seed"] + 1) % 2**31
            self._regenerate()
        else:
            raise ConfigError(f"unknown action {action!r}; choose one of: pause, play, regenerate, reset, sample, step")

    # --- training -----------------------------------------------------------------
    def _penalty(self):
        """The settings' L1 or L2 penalty on the weights (not the biases), or None."""
        s = self.settings
        if s["regularization"] == "none" or not s["reg_rate"]:
            return None
        return WeightPenalty(self.model, s["regularization"], s["reg_rate"])

    def _step(self, x, y, penalty):
        """One ``train_step`` on (x, y); False when its loss was not finite (and nothing was updated)."""
        with np.errstate(all="ignore"):
            _, loss = train_step(self.model, self.loss_fn, self.optimizer, x, y, penalty=penalty,
                                 schedule=self.schedule)
        return math.isfinite(loss)

    def train_epoch(self):
        """One pass over the training points in shuffled mini-batches, then the epoch's numbers."""
        self.model.train()
        penalty, finite = self._penalty(), True
        for idx in batches(len(self.y_train), self.settings["batch"], self.shuffle_rng):
            finite = self._step(self.inputs_train[idx], self.y_train[idx], penalty)
            if not finite:
                break
        self.epoch += 1
        numbers = self._evaluate()
        self.history.append(numbers)
        loss = numbers["train_loss"]
        if not self.schedule.per_batch:
            self.schedule.step(math.inf if loss is None else loss)
        numbers["lr"] = self.optimizer.lr  # the rate the next epoch starts with
        self._check_stop(numbers, finite)

    def train_on_point(self):
        """One optimizer step on the inspected training point alone (the page's "step one sample")."""
        if self.inspect is None:
            raise ConfigError("click a neuron first: one sample steps on the point the inspector follows")
        p = self.inspect[2]
        self.model.train()
        self._step(self.inputs_train[p:p + 1], self.y_train[p:p + 1], self._penalty())

    def _check_stop(self, numbers, finite=True):
        s = self.settings
        if numbers["train_loss"] is None or not finite:
            self.stopped = f"the loss is no longer finite at epoch {self.epoch}; lower the learning rate and reset"
        elif s["budget"] and self.epoch >= s["budget"]:
            self.stopped = f"epoch budget of {s['budget']} reached"
        elif s["target_accuracy"] and (numbers["train_accuracy"] or 0) >= s["target_accuracy"]:
            self.stopped = f"training accuracy reached {s['target_accuracy']:.0%}"
        elif s["target_loss"] and numbers["train_loss"] <= s["target_loss"]:
            self.stopped = f"training loss reached {s['target_loss']:g}"
        if self.stopped:
            self.playing = False

    def train_for(self, seconds, interrupted=lambda: False):
        """Epochs while playing, as many as fit in ``seconds`` (at least one): it stops when
        another epoch as long as the last would end after them, a request waits for the session,
        or ``interrupted()``."""
        end = time.monotonic() + seconds
        while self.playing:
            started = time.monotonic()
            self.train_epoch()
            now = time.monotonic()
            if now + (now - started) > end or self.waiting or interrupted():
                break

    # --- scores -------------------------------------------------------------------
    def predict(self, inputs):
        """The network's output on ``inputs``, in eval mode."""
        self.model.eval()
        with np.errstate(all="ignore"):
            return self.model.forward(inputs)

    def _scores(self, inputs, y):
        """(loss, accuracy or None) of the network on inputs, y."""
        if len(y) == 0:
            return None, None
        out = self.predict(inputs)
        with np.errstate(all="ignore"):
            loss = frames.finite(self.loss_fn.forward(out, y))
        if not self.n_classes:
            return loss, None
        return loss, float(np.mean(self.loss_fn.predict(out) == y))

    def _evaluate(self):
        train_loss, train_accuracy = self._scores(self.inputs_train, self.y_train)
        test_loss, test_accuracy = self._scores(self.inputs_test, self.y_test)
        return {"epoch": self.epoch, "train_loss": train_loss, "test_loss": test_loss,
                "train_accuracy": train_accuracy, "test_accuracy": test_accuracy, "lr": self.optimizer.lr}

    # --- what the page shows and edits -------------------------------------------
    def frame(self, since_epoch, data_version):
        """Everything the page needs now (see ``frames.frame``)."""
        return frames.frame(self, since_epoch, data_version)

    def confusion(self):
        return frames.confusion(self)

    def set_weight(self, layer, to, source, value):
        """Edit one weight (to neuron ``to`` of Linear ``layer`` from its input ``source``); bias if source is -1."""
        target = inspector.linear(self, layer)
        w = target.weight.data
        if not (0 <= to < w.shape[0] and -1 <= source < w.shape[1]):
            raise ConfigError(f"layer {layer} has no weight to {to} from {source}")
        if source == -1:
            target.bias.data[to] = value
        else:
            w[to, source] = value

    def set_inspect(self, layer, neuron, point, source=None):
        """Follow neuron ``neuron`` of Linear ``layer`` on training point ``point`` in every frame;
        with ``source``, its weight from input ``source`` (the weight the page's line stands for)."""
        self.inspect = inspector.checked_target(self, layer, neuron, point, source)

    def set_hover(self, layer=None, neuron=None):
        """Draw unit ``neuron`` of drawn layer ``layer`` (0: the inputs) large in every frame; None: the output."""
        if layer is None and neuron is None:
            self.hover = None
            return
        widths = [len(self.settings["features"])] + [linear.out_features for linear in self.linears]
        if layer is None or not 0 <= layer < len(widths) or neuron is None or not 0 <= neuron < widths[layer]:
            raise ConfigError(f"hover names a layer 0 .. {len(widths) - 1} and one of its units, got {layer}, {neuron}")
        self.hover = (layer, neuron)

    def inspection(self):
        return inspector.inspection(self)

    def export(self, path):
        """Save the network as a model.npz that ``backproplab predict`` loads: its input features are
        recorded as ``backproplab train --features`` records them, so predict computes them from x1, x2."""
        s = self.settings
        metadata = {"loss": self.loss_name, "config": {"features": s["features"]},
                    "features": s["features"], "source": "backproplab playground", "settings": s,
                    "input_square": [-SQUARE, SQUARE], "regression": not self.n_classes}
        return save_model(self.model, path, metadata)
