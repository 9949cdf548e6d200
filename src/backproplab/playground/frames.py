"""What the page draws from a session, as one JSON-ready frame: maps, weights, points and scores.

Maps are sent as base64 bytes (0..255 over a known range), which keeps a frame small.
"""

import base64
import functools
import math

import numpy as np

from ..nn import Linear
from .command import command_text
from .datasets import SQUARE, features
from .inspector import gradients, inspection, unit_deltas

MAP_SIZE = 100          # the output map's pixels a side
SMALL_MAP_SIZE = 64     # for a network too large to draw MAP_SIZE a side 30 times a second
LARGE_NETWORK = 3000    # multiply-adds per point beyond which a network is that large
NEURON_SIZE = 16        # each neuron's map


def grid(size):
    """Points of a size x size grid over the square, row by row from the top (x2 = +SQUARE) down."""
    axis = np.linspace(-SQUARE, SQUARE, size)
    x1, x2 = np.meshgrid(axis, axis[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


@functools.lru_cache(maxsize=32)
def _grid_inputs(size, names):
    values = features(grid(size), list(names))
    values.flags.writeable = False  # shared by every frame of every session
    return values


def grid_inputs(session, size):
    """The network's inputs (the session's features) at each point of the size x size grid."""
    return _grid_inputs(size, tuple(session.settings["features"]))


def as_bytes(values, low, high):
    """values scaled from [low, high] to 0..255, as base64 text (compact for the page)."""
    scaled = np.clip((np.asarray(values, dtype=np.float64) - low) / (high - low), 0, 1)
    return base64.b64encode(np.round(scaled * 255).astype(np.uint8).tobytes()).decode("ascii")


def finite(x):
    """``x`` as a float, or None (JSON's null) when it is not finite."""
    return float(x) if math.isfinite(x) else None


def map_size(session):
    """MAP_SIZE, or SMALL_MAP_SIZE for a large network: each frame evaluates the network on every pixel."""
    work = sum(layer.weight.data.size for layer in session.linears)
    return MAP_SIZE if work <= LARGE_NETWORK else SMALL_MAP_SIZE


def output_map(session, size=None):
    """The output over the square: P(class 1), the regression value, or class and confidence."""
    size = size or map_size(session)
    out = session.predict(grid_inputs(session, size))
    if not session.n_classes:
        return {"kind": "regression", "value": as_bytes(out[:, 0], -1, 1)}
    probabilities = session.loss_fn.probabilities(out)
    if probabilities.shape[1] == 1:
        return {"kind": "binary", "value": as_bytes(probabilities[:, 0], 0, 1)}
    return {"kind": "classes", "label": as_bytes(probabilities.argmax(1), 0, 255),
            "value": as_bytes(probabilities.max(1), 0, 1)}


def _layer_outputs(model, x):
    """What each Linear layer's block (the Linear and the layers after it, up to the next Linear)
    puts out on ``x``: every hidden layer's activations, then the network's raw output."""
    outputs = []
    for i, layer in enumerate(model.layers):
        if isinstance(layer, Linear) and i > 0:
            outputs.append(x)
        x = layer.forward(x)
    return outputs + [x]


def unit_values(session, size):
    """Every layer's units over a size x size grid, as (values (size², units), the low end of their
    scale): the input features and hidden units, each scaled to [-1, 1] by its largest size, then
    the output units as the network's answer (each class's probability, P(class 1), or the
    regression value), on the output map's scale."""
    inputs = grid_inputs(session, size)
    session.model.eval()
    with np.errstate(all="ignore"):
        *hidden, out = _layer_outputs(session.model, inputs)
        answer = session.loss_fn.probabilities(out) if session.n_classes else out
    layers = []
    for values in [inputs, *hidden]:
        scale = np.nanmax(np.abs(values), axis=0)
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
        layers.append((np.nan_to_num(values / scale), -1))
    low = 0 if session.n_classes else -1  # probabilities run over [0, 1], regression values like the output map
    return layers + [(np.nan_to_num(answer), low)]


def neuron_maps(session):
    """A small map per unit of every layer (see ``unit_values``), as the page's thumbnails."""
    return [[as_bytes(values[:, j], low, 1) for j in range(values.shape[1])]
            for values, low in unit_values(session, NEURON_SIZE)]


def hover_map(session):
    """The unit the pointer is over (``session.hover``: its layer of the drawing, inputs 0, and its
    index), drawn as large as the output map; None when the pointer is over none."""
    if session.hover is None:
        return None
    layer, unit = session.hover
    values, low = unit_values(session, map_size(session))[layer]
    shown = {"layer": layer, "neuron": unit, "kind": "unit" if low < 0 else "answer",
             "value": as_bytes(values[:, unit], low, 1)}
    if session.show_gradients and layer > 0:  # and its delta at each training point
        shown["deltas"] = [float(f"{d:.4g}") for d in unit_deltas(session, layer - 1, unit)]
    return shown


def weights(session):
    return [{"weight": np.round(layer.weight.data, 4).tolist(), "bias": np.round(layer.bias.data, 4).tolist()}
            for layer in session.linears]


def confusion(session):
    """Counts [true class][predicted class] on the test points (training points when there are none),
    and which points those are: {"points": "test" or "training", "counts": [[...], ...]}."""
    if not session.n_classes:
        return None
    points = "test" if len(session.y_test) else "training"
    inputs, y = (session.inputs_test, session.y_test) if points == "test" else (session.inputs_train, session.y_train)
    predicted = session.loss_fn.predict(session.predict(inputs))
    matrix = np.zeros((session.n_classes, session.n_classes), dtype=np.int64)
    np.add.at(matrix, (y.astype(np.int64), np.clip(predicted, 0, session.n_classes - 1)), 1)
    return {"points": points, "counts": matrix.tolist()}


def points(session):
    def rows(X, y):
        return [[round(float(a), 3), round(float(b), 3), round(float(t), 3)] for (a, b), t in zip(X, y)]
    return {"train": rows(session.X_train, session.y_train), "test": rows(session.X_test, session.y_test),
            "classes": session.n_classes}


def frame(session, since_epoch, data_version):
    """Everything the page needs now: history since ``since_epoch``, maps, weights, points if new."""
    s = session.settings
    result = {
        "generation": session.generation, "epoch": session.epoch, "playing": session.playing,
        "stopped": session.stopped, "lr": session.optimizer.lr, "loss": session.loss_name, "settings": s,
        "history": ([h for h in session.history if h["epoch"] > since_epoch] if since_epoch >= 0
                    else session.history),
        "map": output_map(session), "neurons": neuron_maps(session), "weights": weights(session),
        "confusion": confusion(session), "inspect": inspection(session), "hover": hover_map(session),
        "gradients": gradients(session),
        "command": command_text(s, None if session.uploaded is None else len(session.uploaded[1]), session.epoch),
    }
    if data_version != session.data_version:
        result["points"] = points(session)
        result["data_version"] = session.data_version
    return result
