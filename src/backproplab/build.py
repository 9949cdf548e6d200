"""Build and train what a RunConfig describes: data, network, loss, optimizer, schedule."""

from dataclasses import dataclass

import numpy as np

from .config import RunConfig
from .data import get_dataset
from .data.csv_table import read_labelled
from .data.images import IMAGE_SETS, load_image_set
from .errors import ConfigError
from .nn import BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential, get_activation, get_loss
from .optim import get_optimizer, get_schedule
from .rng import spawn
from .training import (
    BatchProgress, Checkpoint, EarlyStopping, PrintProgress, TargetAccuracy, fit, read_checkpoint, restore,
)

# Independent random streams derived from the seed, so that e.g. a new width
# does not change the data, and the test set is drawn apart from the training set.
# (SeedSequence children depend only on their index, so appending a stream changes no other.)
_STREAMS = ("train data", "test data", "weights", "shuffling", "dropout")
DEFAULT_VAL_SIZE = 5000  # images held out of MNIST's 60,000 for validation


@dataclass
class Split:
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    test_source: str
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    class_names: tuple | None = None
    image_shape: tuple | None = None  # (H, W) of image data, None for other data
    input_scale: float = 1.0          # raw inputs are divided by this (255 for pixels)

    @property
    def n_classes(self):
        if self.class_names:
            return len(self.class_names)
        return int(max(self.y_train.max(), self.y_test.max())) + 1

    @property
    def validation(self):
        return None if self.X_val is None else (self.X_val, self.y_val)


@dataclass
class TrainedRun:
    config: RunConfig
    data: Split
    model: Sequential
    loss_fn: object
    history: object


def random_streams(seed):
    """One Generator per name in _STREAMS, all derived from ``seed``."""
    return dict(zip(_STREAMS, spawn(seed, len(_STREAMS))))


def make_data(config, streams=None):
    """Training and test sets for ``config``, as a Split."""
    streams = streams or random_streams(config.seed)
    if config.is_table:
        return make_table_data(config, streams)
    generator = get_dataset(config.dataset)
    if config.dataset == "xor":
        X, y = generator()
        return Split(X, y, X, y, "the 21 training points themselves (the XOR-easy set is fixed)")
    kwargs = {}
    if config.dataset != "linear":
        kwargs["noise"] = config.noise
    if config.dataset in ("spiral", "blobs"):
        kwargs["classes"] = config.classes
    n_test = config.test_size or config.n_points
    X, y = generator(n=config.n_points, seed=streams["train data"], **kwargs)
    X_test, y_test = generator(n=n_test, seed=streams["test data"], **kwargs)
    source = f"{n_test} fresh points from the same generator, drawn from an independent stream of seed {config.seed}"
    return Split(X, y, X_test, y_test, source)


def _subset(X, y, size, rng, option):
    if size is None:
        return X, y
    if size > len(X):
        raise ConfigError(f"{option} {size} is more than the {len(X)} samples available; use at most {len(X)}")
    keep = np.sort(rng.choice(len(X), size, replace=False))
    return X[keep], y[keep]


def make_table_data(config, streams):
    """Train, validation and test sets of image or CSV data, scaled to [0, 1] and shaped for the model.

    MNIST-style sets keep their own test files; a CSV file gives up
    ``--test-size`` rows (default 10%) as its test set. ``--n`` and
    ``--test-size`` draw random subsets; ``--val-size`` rows (default 5,000,
    or 10% of smaller sets) are held out of training for validation.
    """
    if config.dataset == "csv":
        X, y = read_labelled(config.data, config.label_column)
        n_test = config.test_size or max(1, len(X) // 10)
        if n_test >= len(X):
            raise ConfigError(f"--test-size {n_test} leaves no training rows of the {len(X)} in {config.data!r}")
        order = streams["test data"].permutation(len(X))
        X_test, y_test, X_train, y_train = X[order[:n_test]], y[order[:n_test]], X[order[n_test:]], y[order[n_test:]]
        classes = tuple(str(k) for k in range(int(y.max()) + 1))
        side = int(round(np.sqrt(X.shape[1])))
        image_shape = (side, side) if side * side == X.shape[1] else None
        pixels = X.min() >= 0 and X.max() > 1 and X.max() <= 255 and not np.any(np.mod(X, 1))
        scale = 255.0 if pixels else 1.0
        source = f"{n_test} rows of {config.data} held out with seed {config.seed}"
    else:
        X_train, y_train, X_test, y_test = load_image_set(config.dataset, config.data_dir, config.download)
        X_test, y_test = _subset(X_test, y_test, config.test_size, streams["test data"], "--test-size")
        classes, image_shape, scale = IMAGE_SETS[config.dataset].classes, X_train.shape[1:], 255.0
        source = f"the {len(y_test):,} images of the {config.dataset} test files"
    X_train, y_train = _subset(X_train, y_train, config.n, streams["train data"], "--n")
    n_val = config.val_size if config.val_size is not None else min(DEFAULT_VAL_SIZE, len(X_train) // 10)
    if n_val >= len(X_train):
        raise ConfigError(f"--val-size {n_val} leaves no training samples of {len(X_train)}; use a smaller one")
    order = streams["train data"].permutation(len(X_train))
    val, train = order[:n_val], np.sort(order[n_val:])
    X_val, y_val = X_train[val], y_train[val]
    X_train, y_train = X_train[train], y_train[train]
    if config.model == "cnn" and image_shape is None:
        raise ConfigError(
            f"--model cnn needs square images; {config.data!r} has {X_train.shape[1]} features per row (use --model mlp)"
        )
    dtype = np.dtype(config.dtype)

    def shape(X):
        X = (X / dtype.type(scale)).astype(dtype, copy=False)
        return X.reshape(len(X), 1, *image_shape) if config.model == "cnn" else X.reshape(len(X), -1)

    return Split(shape(X_train), y_train, shape(X_test), y_test, source,
                 shape(X_val) if n_val else None, y_val if n_val else None, classes, image_shape, scale)


def loss_and_head(config, n_classes):
    """The loss name, number of outputs and output activation for the task."""
    if config.loss == "cross_entropy":
        return "cross_entropy", n_classes, "identity"
    outputs = 1 if n_classes == 2 else n_classes
    output_activation = "sigmoid" if config.output_activation == "auto" else config.output_activation
    if config.loss == "bce" and output_activation == "identity":
        return "bce_logits", outputs, "identity"
    return config.loss, outputs, output_activation


def build_model(config, input_shape, n_outputs, output_activation, rng, dropout_rng=None):
    """The configured network for inputs of ``input_shape`` (one sample's shape).

    mlp: Linear layers of the ``hidden`` widths, each followed by its
    activation (and Dropout when ``dropout`` > 0). cnn: first, per entry of
    ``conv``, a 3x3 convolution with that many channels (then BatchNorm2d
    with ``batch_norm``), ReLU and 2x2 max pooling; then Flatten and the mlp part.
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
            layers += [ReLU(), MaxPool2d(2)]
            channels, height, width = out_channels, (height - 2) // 2, (width - 2) // 2
        layers.append(Flatten())
        n_features = channels * height * width
    else:
        n_features = int(np.prod(input_shape))
    widths = [n_features, *config.hidden, n_outputs]
    for i, activation in enumerate(config.hidden_activations()):
        layers += [Linear(widths[i], widths[i + 1], init=config.init, rng=rng, dtype=dtype),
                   get_activation(activation)]
        if config.dropout:
            layers.append(Dropout(config.dropout, rng=dropout_rng))
    layers.append(Linear(widths[-2], widths[-1], init=config.init, rng=rng, dtype=dtype))
    if output_activation != "identity":
        layers.append(get_activation(output_activation))
    return Sequential(layers)


def build_optimizer(config, params):
    kwargs = {"lr": config.lr, "weight_decay": config.weight_decay}
    name = config.optimizer
    if name in ("momentum", "nesterov"):
        kwargs["momentum"] = config.momentum
    if name == "rmsprop":
        kwargs.update(alpha=config.alpha, eps=config.eps)
    if name in ("adam", "adamw"):
        kwargs.update(betas=(config.beta1, config.beta2), eps=config.eps)
    return get_optimizer(name, params, **kwargs)


def build_schedule(config, optimizer):
    name = config.schedule
    if name == "step":
        return get_schedule(name, optimizer, step_size=config.step_size, gamma=config.gamma)
    if name == "exponential":
        return get_schedule(name, optimizer, gamma=config.gamma)
    if name == "cosine":
        return get_schedule(name, optimizer, T_max=config.t_max or config.epochs)
    if name == "plateau":
        return get_schedule(name, optimizer, factor=config.factor, patience=config.patience)
    return None


def train(config, write=None, checkpoint=None, resume=False, progress_stream=None):
    """Run ``config`` end to end and return a TrainedRun.

    ``write`` (e.g. ``print``) receives a log line every ``config.print_every``
    epochs; image and CSV runs show a progress bar per epoch on
    ``progress_stream`` instead. ``checkpoint``, a path, is rewritten after
    every epoch; with ``resume`` the run first continues from it.
    """
    streams = random_streams(config.seed)
    data = make_data(config, streams)
    loss_name, n_outputs, output_activation = loss_and_head(config, data.n_classes)
    model = build_model(config, data.X_train.shape[1:], n_outputs, output_activation, streams["weights"],
                        streams["dropout"])
    loss_fn = get_loss(loss_name)
    optimizer = build_optimizer(config, model.parameters())
    schedule = build_schedule(config, optimizer)
    callbacks = []
    if write is not None and config.print_every:
        if config.is_table:
            callbacks.append(BatchProgress(config.epochs, stream=progress_stream))
        else:
            callbacks.append(PrintProgress(config.print_every, write))
    if config.target_accuracy is not None:
        callbacks.append(TargetAccuracy(config.target_accuracy))
    early_stopping = EarlyStopping(config.early_stopping, config.monitor) if config.early_stopping else None
    if early_stopping:
        callbacks.append(early_stopping)
    history = None
    if checkpoint is not None:
        saver = Checkpoint(checkpoint, optimizer, schedule=schedule, early_stopping=early_stopping,
                           rngs=[streams["shuffling"]], metadata={"config": config.as_dict()})
        callbacks.append(saver)
        if resume:
            record, arrays = read_checkpoint(checkpoint)
            history = restore(record, arrays, model, optimizer, schedule=schedule,
                              early_stopping=early_stopping, rngs=[streams["shuffling"]])
            if write is not None:
                write(f"resuming after epoch {history.epochs} of {config.epochs} from {checkpoint}")
    dtype = np.dtype(config.dtype)
    history = fit(model, loss_fn, optimizer, data.X_train.astype(dtype, copy=False), data.y_train,
                  epochs=config.epochs, batch_size=config.batch_size, schedule=schedule,
                  validation_data=data.validation, callbacks=callbacks, seed=streams["shuffling"],
                  history=history)
    return TrainedRun(config, data, model, loss_fn, history)
