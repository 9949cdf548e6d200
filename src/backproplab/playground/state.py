"""What a page's settings build: the training and test points, and the network with its loss.

The network is the engine's MLP (``nn.mlp``), its head chosen as ``backproplab train``
chooses it; the optimizer and schedule come from the run layer's builders.
"""

import functools
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from ..errors import ConfigError
from ..nn import ACTIVATIONS, LOSSES, CrossEntropyLoss, Identity, MSELoss, get_loss
from ..nn.mlp import mlp
from ..rng import spawn
from ..run import RunConfig, choose_head
from .datasets import features, generate, is_regression
from .settings import MAX_CLASSES

DEFAULT_EPOCHS = 1000  # the length a schedule runs over when the page sets no epoch budget
EXPONENTIAL_END = 0.01  # an exponential decay ends there: the rate's fraction left at the last epoch


def optimisation_config(s):
    """The RunConfig whose optimizer and schedule the settings ``s`` train with: step decay halves the
    rate every 100 epochs, plateau after 10; cosine and one-cycle run over the budget (or 1000 epochs
    without one), and exponential decay falls to a hundredth of the rate over it."""
    return _optimisation_config(s["optimizer"], s["lr"], s["schedule"], s["budget"] or DEFAULT_EPOCHS)


@functools.lru_cache(maxsize=256)  # a frozen config, checked once: every frame's command asks for it
def _optimisation_config(optimizer, lr, schedule, epochs):
    gamma = EXPONENTIAL_END ** (1 / epochs) if schedule == "exponential" else 0.5
    return RunConfig(optimizer=optimizer, lr=lr, schedule=schedule, epochs=epochs,
                     step_size=100, patience=10, gamma=gamma)


@dataclass
class Points:
    """The page's training and test points, and their inputs (the chosen features of each point)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int  # 0 for regression
    inputs_train: np.ndarray | None = None
    inputs_test: np.ndarray | None = None


def make_points(s, uploaded=None):
    """The points of the settings ``s`` (``uploaded``: (X, y) of an uploaded CSV), split at ``ratio`` percent."""
    data_rng, split_rng = spawn(s["seed"], 2)
    if s["dataset"] == "csv":
        if uploaded is None:
            raise ConfigError("the csv data set needs a file; upload one first")
        X, y = uploaded
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
    train, test = order[:n_train], order[n_train:]
    n_classes = 0 if s["problem"] == "regression" else max(2, int(y.max()) + 1)
    return Points(X[train], y[train], X[test], y[test], n_classes)


def with_inputs(points, s):
    """``points`` with the inputs of the features the settings ``s`` choose."""
    points.inputs_train = features(points.X_train, s["features"])
    points.inputs_test = features(points.X_test, s["features"])
    return points


@dataclass
class Network:
    model: object
    loss_name: str
    loss_fn: object
    output_activation: str


def make_network(s, n_classes, weights_rng, dropout_rng):
    """The MLP of the settings ``s`` for ``n_classes`` classes (0: regression), and the loss it trains with."""
    cross_entropy = LOSSES.name_of(CrossEntropyLoss)
    if n_classes > 2 and s["loss"] != cross_entropy:
        raise ConfigError(f"{n_classes} classes train with the {cross_entropy} loss, got {s['loss']!r}")
    if s["problem"] == "regression":
        loss_name, n_out, output_activation = LOSSES.name_of(MSELoss), 1, ACTIVATIONS.name_of(Identity)
    else:
        head = choose_head(SimpleNamespace(loss=s["loss"], output_activation="auto", targets="classes"), n_classes)
        loss_name, n_out, output_activation = head.loss, head.outputs, head.output_activation
    model = mlp([len(s["features"]), *s["hidden"], n_out], s["activation"], output_activation, dropout=s["dropout"],
                rng=weights_rng, dropout_rng=dropout_rng)
    return Network(model, loss_name, get_loss(loss_name), output_activation)
