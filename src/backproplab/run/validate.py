"""The rules a RunConfig keeps: each field's own (choices, type, range) and those between fields.

Errors name the option as the CLI spells it (``--lr must be a number > 0 and <= 1,000,000, got -0.1``) and say what
to do. What a loss needs of the network is read from its class (``takes_logits``,
``takes_probabilities``, ``binary_only``), and what an activation gives from its own
(``linear``, ``outputs_probabilities``), so no rule names a loss or an activation.
"""

from dataclasses import fields

from ..errors import ConfigError
from ..nn import ACTIVATIONS, LOSSES
from ..nn.losses import loss_settings
from ..validation import check_bool, check_choice, check_int, check_number
from . import datasets


def losses_for_many_classes():
    """The losses that read one output per class, as an error names them: 'cross_entropy'."""
    return " or ".join(name for name, other in LOSSES.items() if other.one_output_per_class)


def flag(f):
    """The CLI spelling of field ``f``: ``t_max`` -> ``--t-max`` (``download`` -> ``--no-download``)."""
    return f.metadata.get("flag", "--" + f.name.replace("_", "-"))


def names_text(items):
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _check_field(cfg, f):
    """The rule a field declares: its choices, its type and its range."""
    meta, value, name = f.metadata, getattr(cfg, f.name), flag(f)
    if "choices" in meta:
        choices = meta["choices"]()
        kind = f.name.replace("_", " ")
        if meta.get("nargs"):
            if not isinstance(value, tuple) or not value:
                raise ConfigError(f"{name} takes one or more names, got {value!r}")
            for item in value:
                check_choice(kind, item, choices)
        else:
            check_choice(kind, value, choices)
    elif meta.get("nargs"):  # widths and channel counts
        example = " ".join(map(str, f.default))
        if not isinstance(value, tuple) or (not value and f.name != "hidden") or any(
                isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in value):
            what = "integer widths" if f.name == "hidden" else "channel counts"
            none = ", or 0 alone for no hidden layer" if f.name == "hidden" else ""
            raise ConfigError(f"{name} takes positive {what} such as '{example}'{none}, got {value!r}")
    elif meta.get("type") is bool:
        if not (value is None and f.default is None):  # None: the data set decides
            check_bool(name, value)
    elif meta.get("type") in (int, float):
        check = check_int if meta["type"] is int else check_number
        extra = {k: meta[k] for k in ("low_open", "high_open") if k in meta} if check is check_number else {}
        check(name, value, meta.get("low"), meta.get("high"), allow_none=f.default is None, **extra)


def _check_data_options(cfg):
    """Options that only some data sets take: a value other than the default must fit the data set."""
    src, by_name = cfg.source, {f.name: f for f in fields(cfg)}
    for name in datasets.DATA_OPTIONS:
        if name in src.options or getattr(cfg, name) == by_name[name].default:
            continue
        takers = [s.name for s in datasets.sources().values() if name in s.options]
        if name in ("n", "test_size") and src.kind == "points" and not src.from_file:
            size = len(datasets.fixed_points(cfg.dataset)[1])
            raise ConfigError(f"--dataset {cfg.dataset} is a fixed set of {size} points, tested on themselves; "
                              "drop --n and --test-size")
        raise ConfigError(f"{flag(by_name[name])} applies to {names_text(takers)}, not {cfg.dataset}")
    if src.kind == "points" and src.default_n is None and not src.from_file and cfg.test_size and not cfg.hold_out:
        raise ConfigError(f"--dataset {cfg.dataset} is a fixed set of {len(datasets.fixed_points(cfg.dataset)[1])} "
                          "points, tested on themselves; drop --test-size, or add --hold-out to hold some out")
    if cfg.dataset == "csv" and not cfg.data:
        raise ConfigError("--dataset csv needs --data FILE.csv, a table with a label column")


def _check_loss_settings(cfg):
    """Each of --loss-* is a setting of the loss, and the loss takes its value (its own checks say why not)."""
    takes = loss_settings(cfg.loss)
    for name, _ in cfg.loss_args:
        if name not in takes:
            takers = [loss for loss in LOSSES if name in loss_settings(loss)] or ["no registered loss"]
            raise ConfigError(f"--loss-{name.replace('_', '-')} is a setting of {names_text(takers)}, "
                              f"not of --loss {cfg.loss}; drop it")
    LOSSES.get(cfg.loss)(reduction=cfg.loss_reduction, **dict(cfg.loss_args))


def _check_loss(cfg):
    """The loss fits the output activation and the number of classes, as its class declares."""
    _check_loss_settings(cfg)
    loss, output = LOSSES.get(cfg.loss), cfg.output_activation
    linear = [name for name, a in ACTIVATIONS.items() if getattr(a, "linear", False)]
    if loss.takes_logits and output != "auto" and output not in linear:
        raise ConfigError(
            f"--loss {cfg.loss} takes logits and turns them into probabilities itself; drop "
            f"--output-activation {output} (or set it to {names_text(linear)})"
        )
    squashing = [name for name, a in ACTIVATIONS.items()
                 if getattr(a, "outputs_probabilities", False) and getattr(a, "hidden_layer", True)]
    if loss.takes_probabilities and output not in ("auto", *squashing, *linear):
        raise ConfigError(
            f"--loss {cfg.loss} needs probabilities (--output-activation {' or '.join(squashing)}) or logits "
            f"({' or '.join(linear)}), got --output-activation {output}"
        )
    if loss.binary_only:
        if cfg.classes > 2:
            raise ConfigError(f"--loss {cfg.loss} is for 2 classes, the data has {cfg.classes}; "
                              f"use --loss {losses_for_many_classes()}")
        if cfg.source.kind == "images":
            raise ConfigError(f"--loss {cfg.loss} is for 2 classes; {cfg.dataset} has 10: "
                              f"use --loss {losses_for_many_classes()}")


def _check_values(cfg):
    """Values to regress onto: a loss that compares the outputs with them as they are, and no accuracy to aim at."""
    if datasets.targets(cfg) != "values":
        return
    loss = LOSSES.get(cfg.loss)
    if loss.takes_logits or loss.takes_probabilities:
        fits = [name for name, other in LOSSES.items() if not (other.takes_logits or other.takes_probabilities)]
        raise ConfigError(f"--dataset {cfg.dataset} holds values to regress onto; --loss {cfg.loss} is for classes: "
                          f"use --loss {' or '.join(fits)} (or --targets classes)")
    if cfg.target_accuracy is not None:
        raise ConfigError("--target-accuracy needs classes; values to regress onto have no accuracy: "
                          "use --target-loss")
    if cfg.early_stopping and cfg.monitor.endswith("accuracy"):
        raise ConfigError(f"--monitor {cfg.monitor} needs classes; values to regress onto have no accuracy: "
                          "use --monitor val_loss")


def validate(cfg):
    """Raise a one-line ConfigError for the first value that breaks a rule."""
    for f in fields(cfg):
        _check_field(cfg, f)
    if len(cfg.activation) not in (1, len(cfg.hidden)):
        raise ConfigError(
            f"--activation got {len(cfg.activation)} names for {len(cfg.hidden)} hidden layers; "
            "give one name for all, or one per hidden layer"
        )
    _check_data_options(cfg)
    if len(set(cfg.features)) < len(cfg.features):
        raise ConfigError(f"--features names {' '.join(cfg.features)}; give each feature once")
    if cfg.penalty_rate and cfg.penalty == "none":
        raise ConfigError(f"--penalty-rate {cfg.penalty_rate:g} needs a --penalty (l1 or l2) to apply it to")
    if cfg.batch_norm and cfg.model != "cnn":
        raise ConfigError("--batch-norm applies to --model cnn (after each convolution)")
    if cfg.model == "cnn" and not cfg.is_table:
        raise ConfigError(f"--model cnn needs images; --dataset {cfg.dataset} is 2-D points (use --model mlp)")
    _check_loss(cfg)
    _check_values(cfg)
    if cfg.is_table or cfg.source.from_file:
        return  # sizes of image and CSV data are only known once the files are read
    n_train = cfg.n_points  # (refuses a --test-size that holds out every point drawn)
    if cfg.batch_size is not None and cfg.batch_size > n_train:
        raise ConfigError(
            f"--batch-size {cfg.batch_size} is larger than the {cfg.n_points} training points; "
            f"use at most {cfg.n_points} (or leave it unset for full batch)"
        )
