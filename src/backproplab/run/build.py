"""Build what a RunConfig describes: the head and loss, the network, the optimizer and the schedule."""

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from ..limits import check_size
from ..nn import ACTIVATIONS, LOSSES, BatchNorm2d, Conv2d, Flatten, MaxPool2d, ReLU, Sequential, get_loss
from ..nn.activations import Identity, Sigmoid, Softmax
from ..nn.losses import BCELoss, BCEWithLogitsLoss, loss_settings
from ..nn.mlp import mlp_layers
from ..optim import OPTIMIZERS, SCHEDULES
from ..optim.schedules import make_schedule
from . import datasets
from .config import FIELDS, loss_takes_logits
from .validate import losses_for_many_classes


IDENTITY, SIGMOID = ACTIVATIONS.name_of(Identity), ACTIVATIONS.name_of(Sigmoid)


@dataclass(frozen=True)
class Head:
    """What the network ends with and what it is trained on."""

    loss: str               # the loss actually trained (see trained_loss)
    outputs: int            # units of the last Linear layer
    output_activation: str  # the activation after it (identity for logits)


def output_activation(config):
    """``--output-activation``, with ``auto`` read as identity (logits) for a loss that reads
    logits (bce_logits, cross_entropy) and for values to regress onto, and sigmoid for the others."""
    if config.output_activation != "auto":
        return config.output_activation
    return IDENTITY if loss_takes_logits(config.loss) or datasets.targets(config) == "values" else SIGMOID


def trained_loss(config):
    """The loss the run trains, and why when it is not ``--loss``.

    bce with ``--output-activation identity`` trains bce_logits: BCE on the sigmoid of the
    logits, the same loss computed stably. ``describe`` prints the reason.
    """
    bce, on_logits = LOSSES.name_of(BCELoss), LOSSES.name_of(BCEWithLogitsLoss)
    if config.loss == bce and ACTIVATIONS[output_activation(config)].linear:
        return on_logits, (f"{bce} on logits (--output-activation {output_activation(config)}) trains {on_logits}, "
                           "BCE with the sigmoid folded in")
    return config.loss, ""


def choose_head(config, n_classes):
    """The loss, number of outputs and output activation for ``config`` on ``n_classes`` classes (0: values).

    A loss that reads one output per class (cross-entropy) gets one per class, on logits when it
    takes them; the other losses use one output for 2 classes, else one per class.
    """
    loss, _ = trained_loss(config)
    if not n_classes:  # values to regress onto: one output, linear unless asked otherwise
        return Head(loss, 1, output_activation(config))
    if LOSSES[loss].binary_only and n_classes > 2:  # known only once a file's labels are read
        raise ConfigError(f"--loss {config.loss} is for 2 classes; the labels of --dataset {config.dataset} "
                          f"hold {n_classes}: use --loss {losses_for_many_classes()}")
    if LOSSES[loss].one_output_per_class:
        return Head(loss, n_classes, IDENTITY if LOSSES[loss].takes_logits else output_activation(config))
    return Head(loss, 1 if n_classes == 2 else n_classes, output_activation(config))


def build_loss(config, name=None):
    """The loss ``name`` (by default ``--loss``) with ``--loss-reduction`` and the ``--loss-*`` settings it takes."""
    name = config.loss if name is None else name
    takes = loss_settings(name)
    return get_loss(name, config.loss_reduction, **{k: v for k, v in config.loss_args if k in takes})


def describe(config):
    """One line naming the network and its training, for logs and reports."""
    activations = config.hidden_activations()
    shown = activations[0] if len(set(activations)) == 1 else "/".join(activations)  # one per layer when they differ
    loss, why = trained_loss(config)
    if LOSSES[loss].takes_logits:
        folded = Softmax if LOSSES[loss].one_output_per_class else Sigmoid
        output = f"logits ({folded.words} in the loss)"
    else:
        output = output_activation(config)
    network = (f"hidden {'-'.join(map(str, config.hidden))} {shown}" if config.hidden else "no hidden layer") + \
        f", output {output}"
    if config.model == "cnn":
        norm = " batch-norm" if config.batch_norm else ""
        network = f"cnn conv {'-'.join(map(str, config.conv))}{norm}, " + network
    if config.dropout:
        network += f", dropout {config.dropout:g}"
    text = (f"{network}, loss {loss}, {config.optimizer} lr {config.lr:g}, "
            f"{config.epochs:,} epoch{'' if config.epochs == 1 else 's'}, init {config.init}, seed {config.seed}")
    if not config.bias:
        text += ", no biases"
    elif config.bias_init != "zeros":
        text += f", biases {config.bias_init}"
    if config.loss_reduction != "mean":
        text += ", loss summed"
    if not config.shuffle:
        text += ", no shuffling"
    if config.batch_size:
        text += f", batch {config.batch_size}"
    if config.schedule != "constant":
        text += f", schedule {config.schedule}"
    if config.dtype != "float64":
        text += f", {config.dtype}"
    # the sizes asked for, so that the line is enough to run it again (None: the data set's own)
    for name, words in (("n", "n"), ("test_size", "test size"), ("val_size", "val size")):
        if getattr(config, name) is not None:
            text += f", {words} {getattr(config, name):,}"
    return text + (f" ({why})" if why else "")


def check_parameters(config, n_features, n_outputs):
    """Refuse Linear layers of ``config`` from ``n_features`` to ``n_outputs`` whose parameters are over the limit."""
    widths = [n_features, *config.hidden, n_outputs]
    check_size("parameters", sum(a * b + b for a, b in zip(widths, widths[1:])),
               f"--hidden {' '.join(map(str, config.hidden))} on {n_features} inputs",
               "use narrower or fewer hidden layers")


def check_sizes(config):
    """Refuse, from ``config`` alone, sizes over a limit: generated points (--n, --test-size) and the
    parameters of a network on 2-D points. A sweep checks each of its settings so before it starts; the
    sizes of image and CSV runs are only known once their files are read (``train.prepare``)."""
    datasets.check_point_counts(config)
    if not config.is_table and not config.source.from_file:  # a file's classes are known once it is read
        check_parameters(config, len(config.features), choose_head(config, datasets.point_classes(config)).outputs)


def build_model(config, input_shape, n_outputs, output_activation, rng, dropout_rng=None):
    """The configured network for inputs of ``input_shape`` (one sample's shape).

    mlp: Linear layers of the ``hidden`` widths, each followed by its
    activation (and Dropout when ``dropout`` > 0). cnn: first, per entry of
    ``conv``, a 3x3 convolution with that many channels (then BatchNorm2d
    with ``batch_norm``), 2x2 max pooling and ReLU; then Flatten and the mlp part.
    """
    dtype = np.dtype(config.dtype)
    layers = []
    if config.model == "cnn":
        channels, (height, width) = input_shape[0], input_shape[1:]
        for out_channels in config.conv:
            if min(height, width) < 4:
                raise ConfigError(f"--conv {' '.join(map(str, config.conv))} has more blocks than the "
                                  f"{input_shape[1]}x{input_shape[2]} images allow; use fewer")
            layers.append(Conv2d(channels, out_channels, 3, init="he", rng=rng, dtype=dtype))
            if config.batch_norm:
                layers.append(BatchNorm2d(out_channels, dtype=dtype))
            # The block is conv -> ReLU -> pool, run as conv -> pool -> ReLU: max pooling and a
            # non-decreasing activation f commute exactly, max(f(a), f(b)) = f(max(a, b)), so the
            # outputs and gradients are identical and the ReLU touches a quarter of the values.
            layers += [MaxPool2d(2), ReLU()]
            channels, height, width = out_channels, (height - 2) // 2, (width - 2) // 2
        layers.append(Flatten())
        n_features = channels * height * width
    else:
        n_features = int(np.prod(input_shape))
    check_parameters(config, n_features, n_outputs)
    layers += mlp_layers([n_features, *config.hidden, n_outputs], config.hidden_activations(), output_activation,
                         bias=config.bias, init=config.init, bias_init=config.bias_init, dropout=config.dropout,
                         rng=rng, dropout_rng=dropout_rng, dtype=dtype)
    return Sequential(layers)


def _parameters(factory, registry):
    """The keyword parameters ``factory`` takes (see ``Registry.parameters``)."""
    return registry.parameters(factory)


def constructor_arguments(factory, registry, config, values):
    """The entries of ``values`` (config names -> value) that ``factory`` takes, None meaning its default.

    The names are the constructor's own, except for this mapping from the flat config:
    ``beta1``/``beta2`` -> ``betas`` and ``t_max`` -> ``T_max``.
    """
    params = _parameters(factory, registry)
    values = dict(values)
    if "betas" in params and (values.get("beta1") is not None or values.get("beta2") is not None):
        default = params["betas"].default
        values["betas"] = (default[0] if values["beta1"] is None else values["beta1"],
                           default[1] if values["beta2"] is None else values["beta2"])
    if "T_max" in params:
        values["T_max"] = values.get("t_max")
    return {name: value for name, value in values.items() if name in params and value is not None}


def _config_values(config, part):
    """The config values declared as settings of the optimizer (or the schedule)."""
    return {name: getattr(config, name) for name, f in FIELDS.items() if f.metadata.get("part") == part}


def build_optimizer(config, params):
    """The registered optimizer ``config.optimizer``, given every optimisation option its constructor takes."""
    factory = OPTIMIZERS.get(config.optimizer)
    return factory(params, **constructor_arguments(factory, OPTIMIZERS, config, _config_values(config, "optimizer")))


def build_schedule(config, optimizer, steps_per_epoch=1):
    """The registered schedule ``config.schedule``, given every optimisation option its constructor takes,
    over ``config.t_max`` or ``config.epochs`` epochs of ``steps_per_epoch`` batches (which size the schedules stepped every batch)."""
    factory = SCHEDULES.get(config.schedule)
    options = constructor_arguments(factory, SCHEDULES, config, _config_values(config, "schedule"))
    # --t-max: the schedule's length in epochs when it is not the run's (a one-cycle's, over its batches)
    epochs = config.t_max or config.epochs
    least = getattr(factory, "min_steps", 1)  # said here in the options given, not in the constructor's names
    if getattr(factory, "per_batch", False) and epochs * steps_per_epoch < least:
        what, longer = ("--t-max", "give a longer --t-max") if config.t_max else ("epochs", "train for more epochs")
        raise ConfigError(f"--schedule {config.schedule} needs at least {least} steps in all ({what} x batches per "
                          f"epoch); got {epochs} x {steps_per_epoch} = {epochs * steps_per_epoch}: {longer} or use "
                          "smaller batches")
    return make_schedule(config.schedule, optimizer, epochs, steps_per_epoch, **options)
