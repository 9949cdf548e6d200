"""What ``backproplab trace`` traces: a network (saved, or built from a RunConfig), one sample, an optimizer."""

import copy
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from ..model_file import load_model
from ..nn import Module
from ..training import fit
from ..validation import check_int, check_number
from .build import build_loss, build_model, build_optimizer, choose_head
from .config import FIELDS, RunConfig, option
from .predict import refuse_broken_weights
from .train import make_data, random_streams

# RunConfig options of a whole training run that a trace has no use for: it trains --steps epochs
# (at the optimizer's constant rate, with no log, stopping rule or schedule) and traces one update.
NOT_TRACED = ("epochs", "print_every", "target_accuracy", "early_stopping", "monitor", "threads", "schedule",
              "step_size", "gamma", "t_max", "patience", "factor")

# Options of the model group that a saved network can still be traced with: the loss it is scored by.
LOSS_OPTIONS = ("loss", "loss_reduction", "loss_args")


@dataclass
class TraceInput:
    model: Module
    x: np.ndarray
    y: object
    loss: object  # a Loss, with the run's reduction
    optimizer: object
    source: str  # where the network and the sample come from, in words
    update_notes: tuple = ()  # said with the update: why the optimizer's state is fresh


def trace_input(options, model_path=None, sample=None, x=None, y=None, steps=0):
    """The network, sample, loss and optimizer to trace.

    ``options`` are RunConfig options (as ``train`` takes them); with ``model_path`` (--model-file) the
    network and its config come from that model file and only data, loss and optimisation
    options may be given. The sample is training point ``sample`` of the config's data
    set (default 0), or ``x`` with target ``y``. ``steps`` epochs of the config's training
    come first (with the default full batch, one step each).
    """
    # bounded as --epochs is: the epochs of training before the trace
    steps = check_int("--steps", steps, 0, FIELDS["epochs"].metadata["high"])
    _refuse_untraced(options)
    if x is not None and sample is not None:
        raise ConfigError("give either --sample I or --x ... --y ..., not both")
    if (x is None) != (y is None):
        raise ConfigError("--x and --y go together: give the sample's features and its target, e.g. --x 0.3 0.7 --y 1")
    if model_path is None:
        config = RunConfig.for_dataset(**options)
        streams = random_streams(config.seed)
        data = make_data(config, streams)
        head = choose_head(config, data.n_classes)
        model = build_model(config, data.X_train.shape[1:], head.outputs, head.output_activation,
                            streams["weights"], streams["dropout"])
        loss, source = build_loss(config, head.loss), f"the {config.dataset} network built with seed {config.seed}"
    else:
        built = sorted(name for name in options
                       if FIELDS[name].metadata["group"] == "model" and name not in LOSS_OPTIONS)
        if built:
            verb = "describes" if len(built) == 1 else "describe"
            raise ConfigError(f"{', '.join(option(n) for n in built)} {verb} a network to build; with --model-file the "
                              f"network is the file's: drop {'it' if len(built) == 1 else 'them'}")
        model, metadata = load_model(model_path)
        refuse_broken_weights(model, "its trace")
        config = RunConfig.from_dict({**metadata.get("config", {}), **options})
        streams = random_streams(config.seed)
        data = make_data(config, streams) if x is None or steps else None
        loss = build_loss(config, options.get("loss", metadata.get("loss", config.loss)))  # --loss before the file's
        source = f"the network in {model_path}"
    optimizer = build_optimizer(config, model.parameters())
    notes = ()
    if model_path is not None and not steps:
        notes = (f"a model file stores the weights, not the optimizer's state, so this update starts a fresh "
                 f"{type(optimizer).__name__}; trace with --optimizer sgd to see w - lr g",)
    if steps:
        fit(model, copy.deepcopy(loss), optimizer, data.X_train.astype(config.dtype), data.y_train, epochs=steps,
            batch_size=config.batch_size, shuffle=config.shuffle, seed=streams["shuffling"])
        source += f", after {steps} epochs of training"
    if x is None:
        index = check_int("--sample", 0 if sample is None else sample, 0, len(data.X_train) - 1,
                          fix=f"the {config.dataset} training set has {len(data.X_train)} points")
        x, y = data.X_train[index], data.y_train[index]
        source += f"; training point {index} of {config.dataset}"
    else:
        y = _target(y, loss, _outputs(model))
        source += "; the sample given with --x and --y"
    return TraceInput(model, np.asarray(x, dtype=np.float64), y, loss, optimizer, source, notes)


def _target(y, loss, outputs):
    """--y's values: one class label (an integer) or value, or one value per output, each one the loss can
    take: a class of the network's outputs for a loss of one output per class, 0 to 1 for a loss of two
    classes (a label or a probability); any finite number for the others."""
    values = [float(v) for v in np.atleast_1d(y)]
    for i, v in enumerate(values):
        check_number(f"y[{i}]" if len(values) > 1 else "y", v, fix="give finite numbers")
    shown = " ".join(f"{v:g}" for v in values)
    if type(loss).one_output_per_class and not (len(values) == 1 and values[0].is_integer()
                                               and 0 <= values[0] < outputs):
        raise ConfigError(f"--y {shown} is not a class of this network's {outputs} outputs, which {loss.words} reads; "
                          f"give one class label from 0 to {outputs - 1}")
    if type(loss).binary_only and not all(0 <= v <= 1 for v in values):
        raise ConfigError(f"--y {shown} is not a target {loss.words} can take; give the label 0 or 1 (or a "
                          "probability between them)")
    if len(values) > 1:
        return np.array(values)
    return int(values[0]) if values[0].is_integer() else values[0]


def _outputs(model):
    """The number of the network's outputs: its last layer with weights' output size."""
    sized = [m for m in model.modules() if getattr(m, "out_features", None) or getattr(m, "out_channels", None)]
    last = sized[-1]
    return getattr(last, "out_features", None) or last.out_channels


def _refuse_untraced(options):
    """One line for options of NOT_TRACED, which would otherwise change nothing."""
    if "epochs" in options:
        raise ConfigError("trace takes --steps N, not --epochs: the epochs of training before the trace (default 0)")
    given = [option(name) for name in NOT_TRACED if name in options]
    if given:
        verb, pronoun = ("does", "it") if len(given) == 1 else ("do", "them")
        raise ConfigError(f"{', '.join(given)} {verb} not apply to trace, which trains --steps N epochs at a "
                          f"constant rate and traces the next update; drop {pronoun}")
