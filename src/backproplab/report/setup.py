"""A run's set-up as a reader writes it: each option and its value in words, then the option as typed.

'bce' is 'binary cross-entropy', 'adam' is 'Adam', 'output_activation auto' is 'sigmoid (chosen for
binary cross-entropy)', and never a Python list or None.
"""

from ..experiments.lab_questions import DATA_NAMES
from ..nn import ACTIVATIONS, LOSSES, Identity, Sigmoid
from ..optim import OPTIMIZERS
from ..run.datasets import sources
from ..tracing.notation import loss_words


def value_text(key, value):
    """An option's value as a reader writes it: '8-8', 'sigmoid', 'full batch', never a Python list."""
    if isinstance(value, (list, tuple)):
        return "-".join(map(str, value)) if key in ("hidden", "conv") else "/".join(map(str, value))
    if key == "batch_size" and value is None:
        return "full batch"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and key in ("epochs", "n", "test_size", "val_size"):
        return f"{value:,}"
    return "-" if value is None else str(value)


# How the set-up names an option, and its values, in words (the command-line option follows in brackets).
OPTION_WORDS = {"dataset": "data set", "n": "training samples", "test_size": "test samples",
                "val_size": "validation samples (of the training ones)", "model": "model", "hidden": "hidden layers (units in each)",
                "conv": "convolution channels", "activation": "hidden activation",
                "output_activation": "output activation", "dropout": "dropout", "loss": "loss",
                "init": "initial weights", "optimizer": "optimizer", "lr": "learning rate",
                "schedule": "learning-rate schedule", "epochs": "epochs", "batch_size": "batch size",
                "dtype": "number type", "seed": "random seed"}
# Options whose values are registered entries that name themselves in words (their class's ``words``).
ENTRY_WORDS = {"optimizer": OPTIMIZERS, "activation": ACTIVATIONS}
VALUE_WORDS = {
    "init": {"xavier": "Xavier (uniform, scaled by the layer's inputs and outputs)",
             "he": "He (normal, scaled by the layer's inputs)", "normal": "standard normal",
             "zeros": "all zero", "ones": "all one"},
    "schedule": {"constant": "constant"},
    "model": {"mlp": "fully connected network", "cnn": "convolutional network"},
    "dataset": DATA_NAMES,
}


def value_words(key, config):
    """The value of option ``key`` of a run's ``config`` in words: 'Adam', 'binary cross-entropy',
    'sigmoid (chosen for binary cross-entropy)'."""
    value = config.get(key)
    if key == "loss":
        return loss_words(value)
    if key == "output_activation" and value == "auto":
        loss = config.get("loss")
        if _of_values(config):
            return f"{ACTIVATIONS.name_of(Identity)} (chosen for values to regress onto)"
        chosen = "none (logits)" if LOSSES.get(loss).takes_logits else ACTIVATIONS.name_of(Sigmoid)
        return f"{chosen} (chosen for {loss_words(loss)})"
    if key == "batch_size" and value is None:
        return "full batch (every training point in each update)"
    words = VALUE_WORDS.get(key) or _entry_words(ENTRY_WORDS.get(key))
    if isinstance(value, (list, tuple)) and key not in ("hidden", "conv"):
        return "/".join(words.get(v, v) for v in value)
    if isinstance(value, str):
        return words.get(value, value)
    return value_text(key, value)


def _of_values(config):
    """True when a run's ``config`` (a dict) regressed onto values: --targets values, or a data set of values."""
    given = config.get("targets", "auto")
    found = sources().get(config.get("dataset"))
    return given == "values" or (given == "auto" and found is not None and found.targets == "values")


def _entry_words(registry):
    """Name -> words of each entry of ``registry`` that has its own ``words`` (none: {})."""
    if registry is None:
        return {}
    return {name: entry.words for name, entry in registry.items() if getattr(entry, "words", None)}


SETUP_KEYS = ("dataset", "n", "test_size", "val_size", "model", "hidden", "conv", "activation", "output_activation",
              "dropout", "loss", "init", "optimizer", "lr", "schedule", "epochs", "batch_size", "dtype", "seed")
SIZES = ("n", "test_size", "val_size")  # shown when given: without them, the data set's own sizes


def option_typed(key, value):
    """The command-line option as typed for ``value``: '--hidden 8 8', '--lr 0.01'; '--batch-size' alone
    where the value is the option's default without a value of its own (full batch)."""
    flag = "--" + key.replace("_", "-")
    if value is None:
        return f"{flag} (not given)"
    if isinstance(value, (list, tuple)):
        return f"{flag} {' '.join(map(str, value))}"
    return f"{flag} {value:g}" if isinstance(value, float) else f"{flag} {value}"


def setup_rows(config, keys=SETUP_KEYS):
    """(option in words, its value in words, the command-line option as typed) of each of ``keys``."""
    return [(OPTION_WORDS.get(key, key.replace("_", " ")), value_words(key, config), option_typed(key, config.get(key)))
            for key in keys if not (key == "conv" and config.get("model") != "cnn")
            and not (key == "dropout" and not config.get("dropout"))
            and not (key in SIZES and config.get(key) is None)]


SETUP_HEADER = ("setting", "value", "command-line option")
