"""RunConfig: every choice of one training run, validated in one place.

The CLI parses its options into a RunConfig and the library builds the run
from it, so both share one set of names, defaults and error messages. Errors
name the option as the CLI spells it (``--lr must be > 0, got -0.1``).
"""

import math
from dataclasses import asdict, dataclass, fields, replace

from .data import DATASETS
from .errors import ConfigError, unknown_name
from .nn import INITIALIZERS
from .optim import OPTIMIZERS, SCHEDULES

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
OUTPUT_ACTIVATIONS = ("auto", "sigmoid", "identity", "softmax", "tanh")
LOSS_NAMES = ("mse", "bce", "cross_entropy")
MODELS = ("mlp", "cnn")
IMAGE_DATASETS = ("mnist", "fashion-mnist")
ALL_DATASETS = (*DATASETS, *IMAGE_DATASETS, "csv")
MONITORS = ("val_loss", "val_accuracy")
DTYPES = ("float64", "float32")
# Points drawn for each generated data set when --n is not given.
DEFAULT_N = {"linear": 100, "chessboard": 400, "circles": 200, "spiral": 300, "blobs": 300}


def option(name):
    return "--" + name.replace("_", "-")


@dataclass(frozen=True)
class RunConfig:
    """One training run. Defaults are the lab's network on the XOR-easy points."""

    dataset: str = "xor"
    n: int | None = None
    noise: float = 0.0
    classes: int = 2
    test_size: int | None = None
    hidden: tuple = (8, 8)
    activation: tuple = ("sigmoid",)
    output_activation: str = "auto"
    loss: str = "bce"
    init: str = "xavier"
    optimizer: str = "adam"
    lr: float = 0.01
    momentum: float = 0.9
    weight_decay: float = 0.0
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    alpha: float = 0.99
    schedule: str = "constant"
    step_size: int = 500
    gamma: float = 0.5
    t_max: int | None = None
    patience: int = 50
    factor: float = 0.5
    epochs: int = 2000
    batch_size: int | None = None
    seed: int = 0
    print_every: int = 200
    target_accuracy: float | None = None
    dtype: str = "float64"
    model: str = "mlp"
    conv: tuple = (32, 64)
    batch_norm: bool = False
    dropout: float = 0.0
    data_dir: str | None = None
    download: bool = True
    data: str | None = None
    label_column: str = "label"
    val_size: int | None = None
    early_stopping: int = 0
    monitor: str = "val_loss"

    def __post_init__(self):
        validate(self)

    def replace(self, **changes):
        return replace(self, **changes)

    def as_dict(self):
        d = asdict(self)
        d["hidden"], d["activation"], d["conv"] = list(self.hidden), list(self.activation), list(self.conv)
        return d

    @classmethod
    def for_dataset(cls, **options):
        """A RunConfig from the options given, with the defaults of their data set and model.

        Options left out (or None) take the data set's defaults: the lab's
        network for 2-D points, a ReLU network trained with Adam in float32
        for images (see ``dataset_defaults``).
        """
        given = {k: v for k, v in options.items() if v is not None}
        return cls(**{**dataset_defaults(given.get("dataset", "xor"), given.get("model", "mlp")), **given})

    @property
    def is_table(self):
        """True for image and CSV data (mini-batches, validation, checkpoints), False for 2-D points."""
        return self.dataset in IMAGE_DATASETS or self.dataset == "csv"

    @classmethod
    def from_dict(cls, d):
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ConfigError(f"unknown config keys {unknown}; known keys: {sorted(known)}")
        d = dict(d)
        for key in ("hidden", "activation", "conv"):
            if key in d and isinstance(d[key], list):
                d[key] = tuple(d[key])
        return cls(**d)

    @property
    def n_points(self):
        return self.n if self.n is not None else DEFAULT_N.get(self.dataset, 21)

    def hidden_activations(self):
        """One activation name per hidden layer."""
        if len(self.activation) == 1:
            return self.activation * len(self.hidden)
        return self.activation


def dataset_defaults(dataset, model="mlp"):
    """The defaults that differ from RunConfig's (the lab's) for this data set and model."""
    if dataset not in IMAGE_DATASETS and dataset != "csv":
        return {}
    defaults = {"activation": ("relu",), "loss": "cross_entropy", "init": "he", "optimizer": "adam",
                "lr": 0.001, "schedule": "cosine", "print_every": 1, "dtype": "float32"}
    if model == "cnn":
        return {**defaults, "hidden": (128,), "dropout": 0.25, "epochs": 15, "batch_size": 64}
    return {**defaults, "hidden": (256, 128), "dropout": 0.2, "epochs": 40, "batch_size": 128}


def _int(cfg, name, low, allow_none=False):
    value = getattr(cfg, name)
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"{option(name)} must be an integer >= {low}, got {value!r}")


def _number(cfg, name, low, high=math.inf, low_open=False, high_open=True):
    value = getattr(cfg, name)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
    if not ok:
        rule = f"> {low}" if low_open else f">= {low}"
        if high != math.inf:
            rule += f" and {'<' if high_open else '<='} {high}"
        raise ConfigError(f"{option(name)} must be a number {rule}, got {value!r}")


def _choice(cfg, name, choices):
    value = getattr(cfg, name)
    if value not in choices:
        raise unknown_name(option(name)[2:].replace("-", " "), value, choices)


def validate(cfg):
    """Raise a one-line ConfigError for the first value that breaks a rule."""
    _choice(cfg, "dataset", ALL_DATASETS)
    _choice(cfg, "model", MODELS)
    _choice(cfg, "monitor", MONITORS)
    _choice(cfg, "loss", LOSS_NAMES)
    _choice(cfg, "optimizer", OPTIMIZERS)
    _choice(cfg, "schedule", SCHEDULES)
    _choice(cfg, "init", INITIALIZERS)
    _choice(cfg, "output_activation", OUTPUT_ACTIVATIONS)
    _choice(cfg, "dtype", DTYPES)
    if not isinstance(cfg.hidden, tuple) or any(
        isinstance(h, bool) or not isinstance(h, int) or h < 1 for h in cfg.hidden
    ):
        raise ConfigError(f"--hidden takes positive integer widths such as '8 8', got {cfg.hidden!r}")
    if not isinstance(cfg.activation, tuple) or not cfg.activation:
        raise ConfigError(f"--activation takes one or more names, got {cfg.activation!r}")
    for name in cfg.activation:
        if name not in HIDDEN_ACTIVATIONS:
            raise unknown_name("activation", name, HIDDEN_ACTIVATIONS)
    if len(cfg.activation) not in (1, len(cfg.hidden)):
        raise ConfigError(
            f"--activation got {len(cfg.activation)} names for {len(cfg.hidden)} hidden layers; "
            "give one name for all, or one per hidden layer"
        )
    _int(cfg, "n", 2, allow_none=True)
    _int(cfg, "test_size", 1, allow_none=True)
    _int(cfg, "classes", 2)
    _int(cfg, "epochs", 1)
    _int(cfg, "batch_size", 1, allow_none=True)
    _int(cfg, "seed", 0)
    _int(cfg, "print_every", 0)
    _int(cfg, "step_size", 1)
    _int(cfg, "t_max", 1, allow_none=True)
    _int(cfg, "patience", 0)
    _int(cfg, "val_size", 0, allow_none=True)
    _int(cfg, "early_stopping", 0)
    _number(cfg, "dropout", 0.0, 1.0)
    if not isinstance(cfg.batch_norm, bool):
        raise ConfigError(f"--batch-norm is on or off (true or false), got {cfg.batch_norm!r}")
    if cfg.batch_norm and cfg.model != "cnn":
        raise ConfigError("--batch-norm applies to --model cnn (after each convolution)")
    if not isinstance(cfg.conv, tuple) or not cfg.conv or any(
        isinstance(c, bool) or not isinstance(c, int) or c < 1 for c in cfg.conv
    ):
        raise ConfigError(f"--conv takes positive channel counts such as '32 64', got {cfg.conv!r}")
    if cfg.model == "cnn" and not cfg.is_table:
        raise ConfigError(f"--model cnn needs images; --dataset {cfg.dataset} is 2-D points (use --model mlp)")
    if cfg.dataset == "csv" and not cfg.data:
        raise ConfigError("--dataset csv needs --data FILE.csv, a table with a label column")
    if cfg.data and cfg.dataset != "csv":
        raise ConfigError(f"--data FILE applies to --dataset csv, not {cfg.dataset}")
    if cfg.data_dir is not None and cfg.dataset not in IMAGE_DATASETS:
        raise ConfigError(f"--data-dir applies to {' and '.join(IMAGE_DATASETS)}, not {cfg.dataset}")
    _number(cfg, "noise", 0.0, 10.0)
    _number(cfg, "lr", 0.0, low_open=True)
    _number(cfg, "momentum", 0.0, 1.0)
    _number(cfg, "weight_decay", 0.0)
    _number(cfg, "beta1", 0.0, 1.0)
    _number(cfg, "beta2", 0.0, 1.0)
    _number(cfg, "eps", 0.0)
    _number(cfg, "alpha", 0.0, 1.0)
    _number(cfg, "gamma", 0.0, 1.0, low_open=True, high_open=False)
    _number(cfg, "factor", 0.0, 1.0, low_open=True)
    if cfg.target_accuracy is not None:
        _number(cfg, "target_accuracy", 0.0, 1.0, low_open=True, high_open=False)
    if cfg.loss == "cross_entropy" and cfg.output_activation not in ("auto", "identity"):
        raise ConfigError(
            f"--loss cross_entropy takes logits and applies softmax itself; drop "
            f"--output-activation {cfg.output_activation} (or set it to identity)"
        )
    if cfg.loss == "bce" and cfg.output_activation not in ("auto", "sigmoid", "identity"):
        raise ConfigError(
            f"--loss bce needs probabilities (--output-activation sigmoid) or logits "
            f"(identity), got --output-activation {cfg.output_activation}"
        )
    if cfg.dataset == "xor" and (cfg.n is not None or cfg.test_size is not None):
        raise ConfigError(
            "--dataset xor is the lab's fixed 21 points, tested on themselves; drop --n and --test-size"
        )
    if cfg.classes != 2 and cfg.dataset not in ("spiral", "blobs"):
        raise ConfigError(f"--classes applies to spiral and blobs only; {cfg.dataset} has 2 classes")
    if cfg.classes > 2 and cfg.loss == "bce":
        raise ConfigError(
            f"--loss bce is for 2 classes, the data has {cfg.classes}; use --loss cross_entropy"
        )
    if cfg.dataset in IMAGE_DATASETS and cfg.loss == "bce":
        raise ConfigError(f"--loss bce is for 2 classes; {cfg.dataset} has 10: use --loss cross_entropy")
    if cfg.is_table:
        return  # sizes of image and CSV data are only known once the files are read
    if cfg.batch_size is not None and cfg.batch_size > cfg.n_points:
        points = "XOR" if cfg.dataset == "xor" else "training"
        raise ConfigError(
            f"--batch-size {cfg.batch_size} is larger than the {cfg.n_points} {points} points; "
            f"use at most {cfg.n_points} (or leave it unset for full batch)"
        )

