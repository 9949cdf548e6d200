"""RunConfig: every choice of one training run, grouped and declared in one place.

Each field declares its group (data, model, optimisation, training, output), its help
text, its type and range, or where its choices come from (a registry, read when asked,
so that a new registration is a new choice). The CLI builds its options and help from
these declarations (``help``), the sweeps type their values by them, and ``validate``
checks them, so a new option is one field here. Names stay flat (``lr``, ``hidden``) as
metrics.json, checkpoints and sweeps store them. Errors name the option as the CLI
spells it (``--lr must be a number > 0 and <= 1,000,000, got -0.1``).
"""

from dataclasses import asdict, dataclass, field, fields, replace

from ..data.features import FEATURES, PLAIN
from ..errors import ConfigError
from ..nn import ACTIVATIONS, BIAS_INITIALIZERS, INITIALIZERS, LOSSES, BCELoss, Sigmoid
from ..nn.losses import REDUCTIONS, loss_settings
from ..optim import OPTIMIZERS, SCHEDULES, Adam
from ..training import WeightPenalty
from . import datasets
from .validate import flag, names_text, validate

GROUPS = ("data", "model", "optimisation", "training", "output")
OWN_DEFAULT = "the optimizer's own"


def hidden_activation_names():
    """Activations a hidden layer may use: every registered one whose class does not say
    ``hidden_layer = False`` (softmax, which mixes the units of a layer)."""
    return tuple(name for name, cls in ACTIVATIONS.items() if getattr(cls, "hidden_layer", True))


def output_activations():
    return ("auto", *ACTIVATIONS)


def option(name):
    """The CLI spelling of a field: ``t_max`` -> ``--t-max`` (``download`` -> ``--no-download``)."""
    f = FIELDS.get(name)
    return flag(f) if f is not None else "--" + name.replace("_", "-")


def loss_takes_logits(name):
    """True for a loss that reads logits (its class's ``takes_logits``)."""
    return LOSSES.get(name).takes_logits


def _n_defaults():
    found = [f"{s.name} {s.default_n}" for s in datasets.sources().values() if s.default_n is not None]
    return "per data set: " + ", ".join(found) + "; all the images or rows"


def loss_options():
    """Every setting of a registered loss beyond its reduction, by its flat option name, as the option
    ``--loss-reduction`` is named: ``{'loss_delta': ('delta', 1.0, ('huber',))}``, (setting, default, the
    losses that take it), read from the losses' constructors when asked."""
    found = {}
    for name in LOSSES:
        for setting, default in loss_settings(name).items():
            _, first_default, takers = found.get("loss_" + setting, (setting, default, ()))
            found["loss_" + setting] = (setting, first_default, (*takers, name))
    return found


def _setting_pairs(settings):
    """A loss's settings as sorted (name, value) pairs, from a dict or pairs (a frozen RunConfig holds no dict)."""
    try:
        pairs = dict(settings).items()
    except (TypeError, ValueError):
        raise ConfigError(f"loss_args must map setting names to values, such as {{'delta': 0.5}}, "
                          f"got {settings!r}") from None
    return tuple(sorted((str(name), value) for name, value in pairs))


# Bounds of what has a meaning: no run has more epochs, so no count of epochs is larger; a step size of
# a million (learning rate, L2 penalty, Adam's or AdaGrad's denominator terms) already throws any weight
# out of range in one update, and far larger ones overflow before training can say it diverged.
MAX_EPOCHS = 10_000_000
LARGEST_STEP_TERM = 1_000_000


def _field(default, group, help, **meta):  # noqa: A002 (help, as argparse names it)
    """A RunConfig field in ``group`` (one of GROUPS), with its ``help`` text.

    ``meta`` may hold its type (int, float, str, bool), range (low, high, low_open,
    high_open), choices (a function returning the names, read when asked), what it
    configures (part: "optimizer" or "schedule"), how the CLI spells it (nargs, metavar,
    flag), how the help shows its default (default_text, or none: the text for None) and
    help that holds for image and CSV runs only (tables), left out of the lab's.
    """
    return field(default=default, metadata={"group": group, "help": help, **meta})


@dataclass(frozen=True)
class RunConfig:
    """One training run. Defaults are the lab's network on the XOR-easy points."""

    dataset: str = _field("xor", "data", "data set: {choices}", choices=datasets.names)
    n: int | None = _field(
        None, "data", "samples: points to draw, or a random subset of the images or CSV rows, from which "
        f"--val-size are then held out for validation (--n 6000 trains on {6000 - datasets.default_val_size(6000):,})",
        type=int, low=2, default_text=_n_defaults)
    noise: float = _field(
        0.0, "data", "standard deviation of the jitter on the points (the generators that take it)",
        type=float, low=0.0, high=10.0, high_open=True)
    classes: int = _field(2, "data", "classes of the generators that take it", type=int, low=2)
    targets: str = _field(
        "auto", "data", "what y holds: {choices}; values are regressed onto (a linear output, loss such as mse, "
        "no accuracy), classes of a surface are the signs of its values; auto is the data set's own",
        choices=lambda: ("auto", "classes", "values"))
    features: tuple = _field(
        PLAIN, "data", "what the network gets of each 2-D point, e.g. --features x1 x2 x1^2 x2^2: {choices}",
        nargs="+", metavar="NAME", choices=lambda: tuple(FEATURES))
    hold_out: bool = _field(
        False, "data", "draw --n points once and hold --test-size of them out for testing (default half), as the "
        "playground splits them, instead of drawing fresh test points", type=bool, default_text="")
    square: float | None = _field(
        None, "data", "place a generator's points, drawn in the unit square, in [-SQUARE, SQUARE]^2, e.g. "
        "--square 5 as the playground does", type=float, low=0.0, high=1e6, low_open=True, default_text="the unit square")
    test_size: int | None = _field(
        None, "data", "test samples: fresh points, a random subset of the test images, or CSV rows held out",
        type=int, low=1, default_text="as many as --n; all test images; 10% of CSV rows")
    hidden: tuple = _field(
        (8, 8), "model", "width of each hidden layer, e.g. --hidden 8 8; --hidden 0 for none (a linear model)",
        type=int, nargs="+", metavar="WIDTH")
    activation: tuple = _field(
        (ACTIVATIONS.name_of(Sigmoid),), "model", "hidden activation, one for all or one per layer: {choices}; identity means none",
        nargs="+", metavar="NAME", choices=hidden_activation_names)
    output_activation: str = _field(
        "auto", "model", "{choices}; auto is sigmoid, or identity (logits) for a loss that takes logits; "
        "bce with identity trains bce_logits", choices=output_activations)
    loss: str = _field(LOSSES.name_of(BCELoss), "model", "loss: {choices}", choices=LOSSES.names)
    loss_reduction: str = _field(
        "mean", "model", "how the loss adds up its terms: {choices} (PyTorch's reduction)",
        choices=lambda: REDUCTIONS)
    # The loss's own settings (Huber's delta), given as --loss-delta: one option per setting of the
    # registered losses, read from their constructors (loss_options).
    loss_args: tuple = _field((), "model", "the loss's settings beyond its reduction, (name, value) pairs",
                              loss_settings=True, default_text="")
    init: str = _field("xavier", "model", "weight initialiser: {choices}", choices=INITIALIZERS.names)
    bias: bool = _field(
        True, "model", "layers without biases (out = x W^T)", type=bool, flag="--no-bias", default_text="")
    bias_init: str = _field("zeros", "model", "bias initialiser: {choices}", choices=BIAS_INITIALIZERS.names)
    # part="optimizer" / "schedule": given to the optimizer's / schedule's constructor where it has
    # a parameter of that name (run.build); None means the constructor's own default.
    optimizer: str = _field(OPTIMIZERS.name_of(Adam), "optimisation", "{choices}", choices=OPTIMIZERS.names)
    lr: float = _field(0.01, "optimisation", "learning rate", part="optimizer", type=float, low=0.0, low_open=True,
                       high=LARGEST_STEP_TERM)
    momentum: float | None = _field(
        None, "optimisation", "momentum", part="optimizer",
        type=float, low=0.0, high=1.0, high_open=True, default_text=OWN_DEFAULT)
    weight_decay: float = _field(
        0.0, "optimisation", "L2 penalty", part="optimizer", type=float, low=0.0, high=LARGEST_STEP_TERM)
    beta1: float | None = _field(
        None, "optimisation", "first-moment decay", part="optimizer",
        type=float, low=0.0, high=1.0, high_open=True, default_text=OWN_DEFAULT)
    beta2: float | None = _field(
        None, "optimisation", "second-moment decay", part="optimizer",
        type=float, low=0.0, high=1.0, high_open=True, default_text=OWN_DEFAULT)
    eps: float | None = _field(
        None, "optimisation", "denominator term", part="optimizer",
        type=float, low=0.0, high=LARGEST_STEP_TERM, default_text=OWN_DEFAULT)
    alpha: float | None = _field(
        None, "optimisation", "smoothing constant", part="optimizer",
        type=float, low=0.0, high=1.0, high_open=True, default_text=OWN_DEFAULT)
    initial_accumulator_value: float | None = _field(
        None, "optimisation", "starting sum of squared gradients", part="optimizer",
        type=float, low=0.0, high=LARGEST_STEP_TERM, flag="--initial-accumulator", metavar="SUM",
        default_text=OWN_DEFAULT)
    penalty: str = _field(
        "none", "optimisation", "a penalty on the weights (not the biases), its gradient added in every step: "
        "{choices}", choices=lambda: ("none", *WeightPenalty.KINDS))
    penalty_rate: float = _field(
        0.0, "optimisation", "the penalty's rate: l2 adds rate * w to each weight's gradient, l1 rate * sign(w)",
        type=float, low=0.0, high=LARGEST_STEP_TERM)
    schedule: str = _field("constant", "optimisation", "learning-rate schedule: {choices}", choices=SCHEDULES.names)
    step_size: int = _field(
        500, "optimisation", "multiply the rate by --gamma every this many epochs", part="schedule",
        type=int, low=1, high=MAX_EPOCHS)
    gamma: float = _field(
        0.5, "optimisation", "decay factor", part="schedule",
        type=float, low=0.0, high=1.0, low_open=True)
    t_max: int | None = _field(
        None, "optimisation", "epochs to reach the minimum (one-cycle: the cycle's length)", part="schedule",
        type=int, low=1, high=MAX_EPOCHS, default_text="--epochs")
    patience: int = _field(
        50, "optimisation", "epochs without improvement before cutting", part="schedule", type=int, low=0,
        high=MAX_EPOCHS)
    factor: float = _field(
        0.5, "optimisation", "factor the rate is cut by", part="schedule",
        type=float, low=0.0, high=1.0, low_open=True, high_open=True)
    epochs: int = _field(2000, "training", "passes over the data", type=int, low=1, high=MAX_EPOCHS)
    batch_size: int | None = _field(
        None, "training", "samples per update; 1 for per-sample SGD", type=int, low=1, none="full batch")
    shuffle: bool = _field(
        True, "training", "mini-batches in the data's own order, the same every epoch", type=bool,
        flag="--no-shuffle", default_text="")
    seed: int = _field(0, "training", "seed of every random choice", type=int, low=0)
    init_seed: int | None = _field(
        None, "training", "seed of the initial weights, dropout and batch order alone, apart from the data's "
        "--seed (as the playground keeps them)", type=int, low=0, default_text="from --seed")
    epoch_loss: str = _field(
        "running", "training", "an epoch's training loss and accuracy: {choices}; running is the mean over its "
        "batches as they trained, after is the whole training set's after the epoch, in eval mode (as the "
        "playground reports it)", choices=lambda: ("running", "after"))
    print_every: int = _field(
        200, "output", "log loss and accuracy every N epochs; 0 for none",
        tables="images and CSV tables: a progress bar every epoch", type=int, low=0, high=MAX_EPOCHS, metavar="N")
    target_accuracy: float | None = _field(
        None, "training", "stop once accuracy reaches this, e.g. 1.0: validation accuracy when a validation set "
        "is held out (images, CSV tables), else training accuracy",
        type=float, low=0.0, high=1.0, low_open=True, metavar="FRACTION", none="off")
    target_loss: float | None = _field(
        None, "training", "stop once the training loss is at or below this, e.g. 0.01", type=float, low=0.0,
        low_open=True, high=1_000_000, metavar="LOSS", none="off")  # a loss past a million has diverged
    threads: int | None = _field(
        None, "training", "BLAS threads", type=int, low=1, high=1024,
        default_text="1 for a small MLP (BLAS threads only wait for each other there), else BLAS's own")
    dtype: str = _field("float64", "model", "{choices}", choices=lambda: ("float64", "float32"))
    model: str = _field(
        "mlp", "model", "{choices}; cnn is blocks of conv 3x3 (+ batch norm), 2x2 max-pool and ReLU, then the mlp",
        choices=lambda: ("mlp", "cnn"))
    conv: tuple = _field(
        (32, 64), "model", "cnn: channels of each conv block", type=int, nargs="+", metavar="CHANNELS")
    batch_norm: bool = _field(False, "model", "cnn: batch normalisation after each convolution", type=bool)
    dropout: float = _field(
        0.0, "model", "dropout probability after each hidden layer", type=float, low=0.0, high=1.0, high_open=True)
    data_dir: str | None = _field(
        None, "data", "folder holding the MNIST-style files", metavar="DIR",
        default_text="the cache, $BACKPROPLAB_DATA/<dataset> or ~/.cache/backproplab/<dataset>")
    download: bool = _field(
        True, "data", "never download missing data files; fail with where to put them",
        type=bool, flag="--no-download", default_text="")
    data: str | None = _field(
        None, "data", "--dataset csv: a table with a label column, e.g. Kaggle's train.csv; --dataset csv-points: 2-D points, "
        "x1, x2 and a label", metavar="CSV",
        default_text="")
    label_column: str = _field("label", "data", "--dataset csv and csv-points: the label column's name, or "
                               "its index from 0")
    test_data: str | None = _field(
        None, "data", "--dataset csv: score on this table (same columns) instead of rows held out of --data",
        metavar="CSV", default_text="")
    scale: float | None = _field(
        None, "data", "--dataset csv: divide every value by this, e.g. --scale 255 for pixels", type=float,
        low=0.0, low_open=True, default_text="255 for 784 columns (28x28 images), else 1: values are not guessed at")
    standardize: bool | None = _field(
        None, "data", "--dataset csv: standardise each feature by the mean and standard deviation of the "
        "training rows (kept in the model file, applied by predict)", type=bool,
        default_text="on, except for 784-column images")
    val_size: int | None = _field(
        None, "data", "images or CSV rows held out of training for validation; 0 for none", type=int, low=0,
        default_text=f"{datasets.DEFAULT_VAL_SIZE:,}, or 10% of smaller sets")
    early_stopping: int = _field(
        0, "training", "stop after this many epochs without a better --monitor, keeping the best weights; 0 for off",
        type=int, low=0, high=MAX_EPOCHS, metavar="PATIENCE")
    monitor: str = _field(
        "val_loss", "training", "what early stopping watches: {choices}", choices=lambda: ("val_loss", "val_accuracy"))

    def __post_init__(self):
        object.__setattr__(self, "loss_args", _setting_pairs(self.loss_args))
        if self.hidden == (0,):  # --hidden 0: no hidden layer
            object.__setattr__(self, "hidden", ())
        validate(self)

    def replace(self, **changes):
        return replace(self, **changes)

    def as_dict(self):
        d = asdict(self)
        d.update((name, list(d[name])) for name in LIST_FIELDS)
        d["loss_args"] = dict(self.loss_args)
        return d

    @classmethod
    def for_dataset(cls, **options):
        """A RunConfig from the options given, with the defaults of their data set and model.

        Options left out (or None) take the data set's defaults: the lab's
        network for 2-D points, a ReLU network trained with Adam in float32
        for images and CSV tables (see ``datasets.TABLE_DEFAULTS``).
        """
        given = {k: v for k, v in options.items() if v is not None}
        settings = {key: given.pop(key) for key in list(given) if key in loss_options()}
        if settings:  # --loss-delta 0.5 is the loss's setting delta
            given["loss_args"] = {**dict(_setting_pairs(given.get("loss_args", ()))),
                                  **{loss_options()[key][0]: value for key, value in settings.items()}}
        config = cls(**{**dataset_defaults(given.get("dataset", "xor"), given.get("model", "mlp")), **given})
        # Options given explicitly must apply, even when their value happens to be the default.
        for name in given:
            if name in datasets.DATA_OPTIONS and name not in config.source.options:
                takers = [s.name for s in datasets.sources().values() if name in s.options]
                raise ConfigError(f"{option(name)} applies to {names_text(takers)}, not {config.dataset}; drop it")
        if "conv" in given and config.model != "cnn":
            raise ConfigError(f"--conv applies to --model cnn, not {config.model}; drop it or add --model cnn")
        return config

    @property
    def source(self):
        """The data set's Source: its kind, the options it takes and how it is split."""
        return datasets.source(self.dataset)

    @property
    def is_table(self):
        """True for image and CSV data (mini-batches, validation, checkpoints), False for 2-D points."""
        return self.source.is_table

    @classmethod
    def from_dict(cls, d):
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ConfigError(f"unknown config keys {unknown}; known keys: {sorted(known)}")
        d = dict(d)
        for key in LIST_FIELDS:
            if key in d and isinstance(d[key], list):
                d[key] = tuple(d[key])
        return cls(**d)

    @property
    def n_points(self):
        """Training points of generated data (--n, or the data set's default)."""
        return datasets.n_points(self)

    def hidden_activations(self):
        """One activation name per hidden layer."""
        if len(self.activation) == 1:
            return self.activation * len(self.hidden)
        return self.activation


FIELDS = {f.name: f for f in fields(RunConfig)}
DEFAULTS = {f.name: f.default for f in fields(RunConfig)}
LIST_FIELDS = tuple(name for name, f in FIELDS.items() if f.metadata.get("nargs"))  # tuples here, lists in JSON


def dataset_defaults(dataset, model="mlp"):
    """The defaults that differ from RunConfig's (the lab's) for this data set and model."""
    found = datasets.sources().get(dataset) if isinstance(dataset, str) else None  # else refused by its check
    return dict(found.defaults.get(model, {})) if found is not None else {}
