"""One page's network, data and training, and the frames the page draws from them.

A Session is driven by one browser tab: settings change what it builds, ``play``
trains epoch after epoch, ``frame`` reports the epoch, losses, the output over
the input square, every neuron's output, the weights and the inspected neuron.
All training is the engine's: Sequential, Linear, the registered activations,
losses, optimizers and schedules, built with the run layer's optimizer and
schedule builders. Callers hold ``lock`` while they touch a session.
"""

import base64
import contextlib
import math
import threading
import time
from types import SimpleNamespace

import numpy as np

from ..errors import ConfigError
from ..model_file import save_model
from ..nn import Dropout, Linear, Sequential, get_activation, get_loss
from ..rng import spawn
from ..run import RunConfig, build_optimizer, build_schedule, choose_head
from .command import command_text
from .datasets import SQUARE, features, generate, is_regression, read_upload
from .settings import MAX_CLASSES, MAX_POINTS, check_settings

MAP_SIZE = 64     # the output map is MAP_SIZE x MAP_SIZE pixels
NEURON_SIZE = 16  # each neuron's map
_DATA_FIELDS = ("dataset", "noise", "ratio", "points", "classes", "seed", "problem")
_LIVE_FIELDS = ("lr", "regularization", "reg_rate", "budget", "target_accuracy", "target_loss")


def _grid(size):
    """Points of a size x size grid over the square, row by row from the top (x2 = +SQUARE) down."""
    axis = np.linspace(-SQUARE, SQUARE, size)
    x1, x2 = np.meshgrid(axis, axis[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


def _bytes(values, low, high):
    """values scaled from [low, high] to 0..255, as base64 text (compact for the page)."""
    scaled = np.clip((np.asarray(values, dtype=np.float64) - low) / (high - low), 0, 1)
    return base64.b64encode(np.round(scaled * 255).astype(np.uint8).tobytes()).decode("ascii")


def _finite(x):
    return float(x) if math.isfinite(x) else None


def optimisation_config(s):
    """The RunConfig whose optimizer and schedule the settings ``s`` train with (schedules
    step once per epoch: step decay every 100 epochs, plateau after 10, cosine over the budget)."""
    return RunConfig(optimizer=s["optimizer"], lr=s["lr"], schedule=s["schedule"], epochs=s["budget"] or 1000,
                     step_size=100, patience=10)


class Session:
    """A network, its data and its training, for one page."""

    def __init__(self, settings=None):
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.waiting = 0  # requests waiting for the lock: a playing session's training yields to them
        self._waiting_lock = threading.Lock()
        self.revision = 0  # counts requests, so that the stream sends a frame after each
        self.touched = time.monotonic()
        self.uploaded = None
        self.closed = False
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
            self.revision += 1
            self.changed.notify_all()
            self.lock.release()

    # --- building -----------------------------------------------------------------
    def _regenerate(self):
        s = self.settings
        data_rng, split_rng = spawn(s["seed"], 2)
        if s["dataset"] == "csv":
            if self.uploaded is None:
                raise ConfigError("the csv data set needs a file; upload one first")
            X, y = self.uploaded
            if s["problem"] == "classification":
                if np.any(np.mod(y, 1)) or y.min() < 0 or y.max() >= MAX_CLASSES:
                    raise ConfigError(f"the uploaded targets are not class labels 0 .. {MAX_CLASSES - 1}; choose the "
                                      "regression problem, or upload a file of labels")
                y = y.astype(np.int64)
        else:
            X, y = generate(s["dataset"], s["points"], s["noise"], s["classes"], data_rng)
        if s["problem"] == "regression":
            y = y.astype(np.float64)
        elif is_regression(s["dataset"]):
            y = (y > 0).astype(np.int64)
        order = split_rng.permutation(len(y))
        n_train = max(1, min(len(y) - 1, round(len(y) * s["ratio"] / 100)))
        self.X_train, self.y_train = X[order[:n_train]], y[order[:n_train]]
        self.X_test, self.y_test = X[order[n_train:]], y[order[n_train:]]
        self.n_classes = 0 if s["problem"] == "regression" else max(2, int(y.max()) + 1)
        self.data_version += 1
        self._build()

    def _build(self):
        """A fresh network, optimizer and schedule for the current settings and data."""
        s = self.settings
        weights_rng, dropout_rng, self.shuffle_rng = spawn(s["seed"] + 1, 3)
        if self.n_classes > 2 and s["loss"] != "cross_entropy":
            raise ConfigError(f"{self.n_classes} classes train with the cross_entropy loss, got {s['loss']!r}")
        if s["problem"] == "regression":
            self.loss_name, n_out, self.output_activation = "mse", 1, "identity"
        else:
            head = choose_head(SimpleNamespace(loss=s["loss"], output_activation="auto"), self.n_classes)
            self.loss_name, n_out, self.output_activation = head.loss, head.outputs, head.output_activation
        widths = [len(s["features"]), *s["hidden"], n_out]
        layers = []
        for i, name in enumerate(s["activation"]):
            layers += [Linear(widths[i], widths[i + 1], rng=weights_rng), get_activation(name)]
            if s["dropout"]:
                layers.append(Dropout(s["dropout"], rng=dropout_rng))
        layers.append(Linear(widths[-2], widths[-1], rng=weights_rng))
        if self.output_activation != "identity":
            layers.append(get_activation(self.output_activation))
        self.model = Sequential(layers)
        self.linears = [layer for layer in layers if isinstance(layer, Linear)]
        self.loss_fn = get_loss(self.loss_name)
        config = optimisation_config(s)
        self.optimizer = build_optimizer(config, self.model.parameters())
        self.schedule = build_schedule(config, self.optimizer)
        self.inputs_train = features(self.X_train, s["features"])
        self.inputs_test = features(self.X_test, s["features"])
        self.epoch = 0
        self.history = []
        self.stopped = ""
        self.inspect = None
        self.generation = getattr(self, "generation", 0) + 1
        self.history.append(self._evaluate())

    def apply(self, settings):
        """New settings: regenerate the data, rebuild the network, or change the rate live, as needed."""
        new = check_settings(settings)
        old, self.settings = self.settings, new
        try:
            if any(old[k] != new[k] for k in _DATA_FIELDS):
                self._regenerate()
            elif any(old[k] != new[k] for k in new if k not in _LIVE_FIELDS):
                self._build()
            elif old["lr"] != new["lr"]:
                self.optimizer.lr = self.schedule.base_lr = new["lr"]
        except ConfigError:
            self.settings = old  # the old settings built before, so this rebuild succeeds
            self._regenerate()
            raise
        self.stopped = ""

    def upload(self, body):
        """Train on the points of an uploaded CSV from now on."""
        problem = self.settings["problem"]
        self.uploaded = read_upload(body, MAX_POINTS, MAX_CLASSES, regression=problem == "regression")
        classes = int(self.uploaded[1].max()) + 1
        loss = self.settings["loss"] if classes <= 2 or problem == "regression" else "cross_entropy"
        self.apply({**self.settings, "dataset": "csv", "loss": loss})
        self.data_version += 1

    def control(self, action):
        """play, pause, step (one epoch), sample (one step on the inspected point), reset or regenerate."""
        if action == "play":
            self.playing, self.stopped = True, ""
        elif action == "pause":
            self.playing = False
        elif action == "step":
            self.playing = False
            self.train_epoch()
        elif action == "reset":
            self.playing = False
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
    def train_epoch(self):
        """One pass over the training points in shuffled mini-batches, then the epoch's numbers."""
        s = self.settings
        self.model.train()
        order = self.shuffle_rng.permutation(len(self.y_train))
        with np.errstate(all="ignore"):
            for start in range(0, len(order), s["batch"]):
                idx = order[start:start + s["batch"]]
                out = self.model.forward(self.inputs_train[idx])
                self.loss_fn.forward(out, self.y_train[idx])
                self.optimizer.zero_grad()
                self.model.backward(self.loss_fn.backward(), input_grad=False)
                self._add_regularization()
                self.optimizer.step()
        self.epoch += 1
        numbers = self._evaluate()
        self.history.append(numbers)
        loss = numbers["train_loss"]
        self.schedule.step(math.inf if loss is None else loss)
        self._check_stop(numbers)

    def _add_regularization(self):
        """The penalty's gradient on every weight (not the biases): L1 rate * sign(W), L2 rate * W."""
        s = self.settings
        if s["regularization"] == "none" or not s["reg_rate"]:
            return
        for layer in self.linears:
            w = layer.weight.data
            layer.weight.grad += s["reg_rate"] * (np.sign(w) if s["regularization"] == "l1" else w)

    def _check_stop(self, numbers):
        s = self.settings
        if numbers["train_loss"] is None:
            self.stopped = f"the loss is no longer finite at epoch {self.epoch}; lower the learning rate and reset"
        elif s["budget"] and self.epoch >= s["budget"]:
            self.stopped = f"epoch budget of {s['budget']} reached"
        elif s["target_accuracy"] and (numbers["train_accuracy"] or 0) >= s["target_accuracy"]:
            self.stopped = f"training accuracy reached {s['target_accuracy']:.0%}"
        elif s["target_loss"] and numbers["train_loss"] <= s["target_loss"]:
            self.stopped = f"training loss reached {s['target_loss']:g}"
        if self.stopped:
            self.playing = False

    def train_for(self, seconds):
        """Epochs while playing, as many as fit in ``seconds`` (at least one): it stops when
        another epoch as long as the last would end after them."""
        end = time.monotonic() + seconds
        while self.playing:
            started = time.monotonic()
            self.train_epoch()
            now = time.monotonic()
            if now + (now - started) > end or self.waiting:
                break

    def _predict(self, inputs):
        self.model.eval()
        with np.errstate(all="ignore"):
            return self.model.forward(inputs)

    def _scores(self, inputs, y):
        """(loss, accuracy or None, predicted labels or None) of the network on inputs, y."""
        if len(y) == 0:
            return None, None, None
        out = self._predict(inputs)
        with np.errstate(all="ignore"):
            loss = _finite(self.loss_fn.forward(out, y))
        if not self.n_classes:
            return loss, None, None
        predicted = self.loss_fn.predict(out)
        return loss, float(np.mean(predicted == y)), predicted

    def _evaluate(self):
        train_loss, train_accuracy, _ = self._scores(self.inputs_train, self.y_train)
        test_loss, test_accuracy, _ = self._scores(self.inputs_test, self.y_test)
        return {"epoch": self.epoch, "train_loss": train_loss, "test_loss": test_loss,
                "train_accuracy": train_accuracy, "test_accuracy": test_accuracy}

    # --- what the page draws ------------------------------------------------------
    def output_map(self, size=MAP_SIZE):
        """The output over the square: P(class 1), the regression value, or class and confidence."""
        out = self._predict(features(_grid(size), self.settings["features"]))
        if not self.n_classes:
            return {"kind": "regression", "value": _bytes(out[:, 0], -1, 1)}
        probabilities = self.loss_fn.probabilities(out)
        if probabilities.shape[1] == 1:
            return {"kind": "binary", "value": _bytes(probabilities[:, 0], 0, 1)}
        return {"kind": "classes", "label": _bytes(probabilities.argmax(1), 0, 255),
                "value": _bytes(probabilities.max(1), 0, 1)}

    def neuron_maps(self):
        """Every input feature's and hidden neuron's output over the square, each scaled to [-1, 1]."""
        x = features(_grid(NEURON_SIZE), self.settings["features"])
        layers = [x]
        self.model.eval()
        with np.errstate(all="ignore"):
            for layer in self.model.layers:
                x = layer.forward(x)
                if not isinstance(layer, (Linear, Dropout)):
                    layers.append(x)
        maps = []
        for values in layers[:-1] if len(layers) > 1 else layers:
            scale = np.nanmax(np.abs(values), axis=0)
            scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
            maps.append([_bytes(np.nan_to_num(values[:, j] / scale[j]), -1, 1) for j in range(values.shape[1])])
        return maps

    def weights(self):
        return [{"weight": np.round(layer.weight.data, 4).tolist(), "bias": np.round(layer.bias.data, 4).tolist()}
                for layer in self.linears]

    def set_weight(self, layer, to, source, value):
        """Edit one weight (to neuron ``to`` of Linear ``layer`` from its input ``source``); bias if source is -1."""
        w = self._linear(layer).weight.data
        if not (0 <= to < w.shape[0] and -1 <= source < w.shape[1]):
            raise ConfigError(f"layer {layer} has no weight to {to} from {source}")
        target = self._linear(layer).bias.data if source == -1 else w[to]
        target[to if source == -1 else source] = value

    def _linear(self, index):
        if not 0 <= index < len(self.linears):
            raise ConfigError(f"layer must be 0 .. {len(self.linears) - 1}, got {index}")
        return self.linears[index]

    def confusion(self):
        """Counts [true class][predicted class] on the test points (training points when there are none),
        and which points those are: {"points": "test" or "training", "counts": [[...], ...]}."""
        if not self.n_classes:
            return None
        points = "test" if len(self.y_test) else "training"
        inputs, y = (self.inputs_test, self.y_test) if points == "test" else (self.inputs_train, self.y_train)
        predicted = self.loss_fn.predict(self._predict(inputs))
        matrix = np.zeros((self.n_classes, self.n_classes), dtype=np.int64)
        np.add.at(matrix, (y.astype(np.int64), np.clip(predicted, 0, self.n_classes - 1)), 1)
        return {"points": points, "counts": matrix.tolist()}

    def points(self):
        def rows(X, y):
            return [[round(float(a), 3), round(float(b), 3), round(float(t), 3)] for (a, b), t in zip(X, y)]
        return {"train": rows(self.X_train, self.y_train), "test": rows(self.X_test, self.y_test),
                "classes": self.n_classes}

    def frame(self, since_epoch, data_version):
        """Everything the page needs now: history since ``since_epoch``, maps, weights, points if new."""
        frame = {
            "generation": self.generation, "epoch": self.epoch, "playing": self.playing, "stopped": self.stopped,
            "lr": self.optimizer.lr, "loss": self.loss_name, "settings": self.settings,
            "history": [h for h in self.history if h["epoch"] > since_epoch] if since_epoch >= 0 else self.history,
            "map": self.output_map(), "neurons": self.neuron_maps(), "weights": self.weights(),
            "confusion": self.confusion(), "inspect": self.inspection(),
            "command": command_text(self.settings, None if self.uploaded is None else len(self.uploaded[1])),
        }
        if data_version != self.data_version:
            frame["points"] = self.points()
            frame["data_version"] = self.data_version
        return frame

    def export(self, path):
        """Save the network as a model.npz that ``backproplab predict`` loads."""
        s = self.settings
        metadata = {"loss": self.loss_name, "features": s["features"], "source": "backproplab playground",
                    "settings": s, "input_square": [-SQUARE, SQUARE]}
        return save_model(self.model, path, metadata)

    # --- the inspector ------------------------------------------------------------
    def set_inspect(self, layer, neuron, point, source=None):
        """Follow neuron ``neuron`` of Linear ``layer`` on training point ``point`` in every frame;
        with ``source``, its weight from input ``source`` (the weight the page's line stands for)."""
        w = self._linear(layer).weight.data
        units = w.shape[0]
        if not 0 <= neuron < units:
            raise ConfigError(f"layer {layer} has neurons 0 .. {units - 1}, got {neuron}")
        if not 0 <= point < len(self.y_train):
            raise ConfigError(f"point must be 0 .. {len(self.y_train) - 1}, got {point}")
        if source is not None and not 0 <= source < w.shape[1]:
            raise ConfigError(f"layer {layer} has weights from inputs 0 .. {w.shape[1] - 1}, got {source}")
        self.inspect = (layer, neuron, point, source)

    def _one_point(self, p):
        """Forward and backward on training point p alone, in eval mode, leaving the gradients as they were:
        (each layer's input, each layer's output, dL/d(each layer's output), the loss)."""
        x, y = self.inputs_train[p:p + 1], self.y_train[p:p + 1]
        self.model.eval()
        inputs, outputs = [], []
        saved = [(layer.weight.grad.copy(), layer.bias.grad.copy()) for layer in self.linears]
        with np.errstate(all="ignore"):
            for layer in self.model.layers:
                inputs.append(x)
                x = layer.forward(x)
                outputs.append(x)
            loss = self.loss_fn.forward(x, y)
            dout = self.loss_fn.backward()
            grads = [None] * len(self.model.layers)
            for i in reversed(range(len(self.model.layers))):
                grads[i] = dout
                dout = self.model.layers[i].backward(dout)
        for layer, (gw, gb) in zip(self.linears, saved):
            layer.weight.grad[...], layer.bias.grad[...] = gw, gb
        return inputs, outputs, grads, loss

    def inspection(self):
        """For the inspected neuron on its point: inputs a, weights w, bias b, z = w.a + b, its
        activation's output, delta = dL/dz, and dL/dw = delta * a (the numbers backpropagation uses);
        for an inspected weight, its value, that delta, the input it multiplies and dL/dw = delta * a;
        and the backward pass: delta of every layer's neurons, from the output back to the first layer."""
        if self.inspect is None:
            return None
        layer_index, j, p, source = self.inspect
        inputs, outputs, grads, loss = self._one_point(p)
        positions = [self.model.layers.index(layer) for layer in self.linears]
        i = positions[layer_index]
        nxt = self.model.layers[i + 1] if i + 1 < len(self.model.layers) else None
        activated = nxt is not None and not isinstance(nxt, (Linear, Dropout))
        a_in, delta = inputs[i][0], grads[i][0, j]
        weight = None
        if source is not None:  # one weight: w, the delta of the neuron it feeds, the activation it multiplies
            weight = {"from": source, "value": float(self.linears[layer_index].weight.data[j, source]),
                      "delta": float(delta), "input": float(a_in[source]), "grad": float(delta * a_in[source])}
        return {
            "layer": layer_index, "neuron": j, "point": p, "x": self.X_train[p].round(4).tolist(),
            "target": float(self.y_train[p]), "inputs": a_in.round(5).tolist(),
            "weights": self.linears[layer_index].weight.data[j].round(5).tolist(),
            "bias": round(float(self.linears[layer_index].bias.data[j]), 5), "z": float(outputs[i][0, j]),
            "activation": type(nxt).__name__ if activated else "none",
            "a": float(outputs[i + 1][0, j] if activated else outputs[i][0, j]),
            "delta": float(delta), "grad_w": (delta * a_in).tolist(), "loss": _finite(loss), "weight": weight,
            "backward": [{"layer": k, "delta": grads[positions[k]][0].tolist()} for k in reversed(range(len(positions)))],
        }

    def train_on_point(self):
        """One optimizer step on the inspected training point alone (the page's "step one sample")."""
        if self.inspect is None:
            raise ConfigError("click a neuron first: one sample steps on the point the inspector follows")
        p = self.inspect[2]
        self.model.train()
        with np.errstate(all="ignore"):
            out = self.model.forward(self.inputs_train[p:p + 1])
            self.loss_fn.forward(out, self.y_train[p:p + 1])
            self.optimizer.zero_grad()
            self.model.backward(self.loss_fn.backward(), input_grad=False)
            self._add_regularization()
            self.optimizer.step()
