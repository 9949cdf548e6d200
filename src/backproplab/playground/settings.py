"""Everything a playground page can set, its defaults, its limits and its validation.

A page sends its whole set-up as one JSON object (the same fields it keeps in
its URL). ``check_settings`` returns a complete, validated copy or raises a
ConfigError that names the field, the rule and the fix; unknown fields are
refused. The choices of activation, loss, optimizer and schedule are read from
the engine's registries when asked, so a newly registered one appears on the page
(activations: those a hidden layer may use, as for ``backproplab train``; not softmax).
"""

from ..errors import ConfigError
from ..nn import ACTIVATIONS, LOSSES, BCELoss, MSELoss, Tanh
from ..nn.losses import loss_settings
from ..optim import OPTIMIZERS, SCHEDULES, SGD
from ..run.config import hidden_activation_names
from ..validation import check_choice, check_int, check_number
from .datasets import FEATURES, REGRESSION, dataset_names, is_regression

# Caps that keep one page responsive and one server safe with many pages open.
MAX_POINTS = 2000
MAX_LAYERS = 8
MAX_NEURONS = 32
MAX_CLASSES = 6
MAX_UPLOAD_BYTES = 256 * 1024
MAX_EPOCHS = 1_000_000

PROBLEMS = ("classification", "regression")
REGULARIZATIONS = ("none", "l1", "l2")

DEFAULTS = {
    "dataset": "circle", "problem": "classification", "noise": 0, "ratio": 50, "points": 400, "classes": 2,
    "batch": 10, "seed": 0, "init_seed": 1, "features": ["x1", "x2"], "hidden": [4, 2], "activation": [ACTIVATIONS.name_of(Tanh)] * 2,
    "loss": LOSSES.name_of(BCELoss), "optimizer": OPTIMIZERS.name_of(SGD), "lr": 0.03, "schedule": "constant", "regularization": "none",
    "reg_rate": 0.0, "dropout": 0.0, "budget": 0, "target_accuracy": 0.0, "target_loss": 0.0, "loss_args": {},
}


def choices():
    """What the page may choose from, read from the registries now."""
    return {
        "dataset": dataset_names(), "problem": list(PROBLEMS), "features": list(FEATURES),
        "activation": list(hidden_activation_names()), "loss": list(LOSSES.names()),
        "optimizer": list(OPTIMIZERS.names()), "schedule": list(SCHEDULES.names()),
        "regularization": list(REGULARIZATIONS),
        # each loss's settings beyond its reduction, with their defaults (Huber's delta), from its constructor
        "loss_settings": {name: loss_settings(name) for name in LOSSES},
    }


def limits():
    return {"points": MAX_POINTS, "layers": MAX_LAYERS, "neurons": MAX_NEURONS, "classes": MAX_CLASSES,
            "upload_bytes": MAX_UPLOAD_BYTES}


def _check_list(name, value, low, high):
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise ConfigError(f"{name} must be a list of {low} to {high} entries, got {value!r}")
    return value


def _check_loss_args(loss, given, takes):
    """The settings of ``loss`` the page gives (``{"delta": 0.5}``): each one it takes, each value as its own checks allow."""
    if not isinstance(given, dict):
        raise ConfigError(f"loss_args must be an object of the loss's settings, got {given!r}")
    unknown = sorted(set(given) - set(takes))
    if unknown:
        raise ConfigError(f"loss {loss!r} takes no setting {unknown[0]!r}; its settings: {sorted(takes) or 'none'}")
    LOSSES.get(loss)(**given)  # its own checks: a clear error for a value out of range
    return dict(given)


def check_settings(given):
    """A complete, validated settings dict from ``given`` (missing fields take DEFAULTS)."""
    if not isinstance(given, dict):
        raise ConfigError(f"settings must be a JSON object, got {type(given).__name__}")
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ConfigError(f"unknown settings {unknown}; known: {sorted(DEFAULTS)}")
    s = {**DEFAULTS, **given}
    options = choices()
    for name in ("dataset", "problem", "loss", "optimizer", "schedule", "regularization"):
        check_choice(name, s[name], options[name])
    s["noise"] = check_int("noise", s["noise"], 0, 50)
    s["ratio"] = check_int("ratio", s["ratio"], 10, 90, fix="give the percentage of points used for training")
    s["points"] = check_int("points", s["points"], 10, MAX_POINTS)
    s["classes"] = check_int("classes", s["classes"], 2, MAX_CLASSES)
    s["batch"] = check_int("batch", s["batch"], 1, MAX_POINTS)
    s["seed"] = check_int("seed", s["seed"], 0, 2**31 - 1)
    s["init_seed"] = check_int("init_seed", s["init_seed"], 0, 2**31 - 1, fix="it seeds the starting weights")
    s["features"] = _check_list("features", s["features"], 1, len(FEATURES))
    for feature in s["features"]:
        check_choice("feature", feature, options["features"])
    if len(set(s["features"])) != len(s["features"]):
        raise ConfigError(f"features lists a feature twice: {s['features']}")
    s["hidden"] = [check_int("neurons per layer", w, 1, MAX_NEURONS)
                   for w in _check_list("hidden", s["hidden"], 0, MAX_LAYERS)]
    s["activation"] = _check_list("activation", s["activation"], 0, MAX_LAYERS)
    if len(s["activation"]) != len(s["hidden"]):
        raise ConfigError(f"activation names one activation per hidden layer: {len(s['hidden'])}, "
                          f"got {len(s['activation'])}")
    for activation in s["activation"]:
        check_choice("activation", activation, options["activation"])
    s["lr"] = check_number("lr", s["lr"], 0.0, 10.0, low_open=True)
    s["reg_rate"] = check_number("reg_rate", s["reg_rate"], 0.0, 10.0)
    s["dropout"] = check_number("dropout", s["dropout"], 0.0, 0.9)
    s["budget"] = check_int("budget", s["budget"], 0, MAX_EPOCHS, fix="0 trains until paused")
    s["target_accuracy"] = check_number("target_accuracy", s["target_accuracy"], 0.0, 1.0)
    s["target_loss"] = check_number("target_loss", s["target_loss"], 0.0)
    s["loss_args"] = _check_loss_args(s["loss"], s["loss_args"], options["loss_settings"][s["loss"]])
    mse = LOSSES.name_of(MSELoss)
    if s["problem"] == "regression" and s["loss"] != mse:
        raise ConfigError(f"regression trains with the {mse} loss, got loss {s['loss']!r}; choose {mse}")
    if s["problem"] == "regression" and not (is_regression(s["dataset"]) or s["dataset"] == "csv"):
        raise ConfigError(f"the {s['dataset']!r} data set holds class labels, not targets to regress onto; "
                          f"for regression choose one of: {', '.join(REGRESSION)} or your own CSV")
    return s
