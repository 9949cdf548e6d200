"""Build and train what a RunConfig describes: data, network, loss, optimizer, schedule."""

from dataclasses import dataclass

import numpy as np

from .config import RunConfig
from .data import get_dataset
from .nn import Linear, Sequential, get_activation, get_loss
from .optim import get_optimizer, get_schedule
from .rng import spawn
from .training import PrintProgress, TargetAccuracy, fit

# Independent random streams derived from the seed, so that e.g. a new width
# does not change the data, and the test set is drawn apart from the training set.
_STREAMS = ("train data", "test data", "weights", "shuffling")


@dataclass
class Split:
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    test_source: str

    @property
    def n_classes(self):
        return int(max(self.y_train.max(), self.y_test.max())) + 1


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


def loss_and_head(config, n_classes):
    """The loss name, number of outputs and output activation for the task."""
    if config.loss == "cross_entropy":
        return "cross_entropy", n_classes, "identity"
    outputs = 1 if n_classes == 2 else n_classes
    output_activation = "sigmoid" if config.output_activation == "auto" else config.output_activation
    if config.loss == "bce" and output_activation == "identity":
        return "bce_logits", outputs, "identity"
    return config.loss, outputs, output_activation


def build_model(config, n_features, n_outputs, output_activation, rng):
    """Linear layers of the configured widths, each hidden one followed by its activation."""
    dtype = np.dtype(config.dtype)
    widths = [n_features, *config.hidden, n_outputs]
    layers = []
    for i, activation in enumerate(config.hidden_activations()):
        layers += [Linear(widths[i], widths[i + 1], init=config.init, rng=rng, dtype=dtype),
                   get_activation(activation)]
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


def train(config, write=None):
    """Run ``config`` end to end and return a TrainedRun.

    ``write`` (e.g. ``print``) receives a log line every ``config.print_every`` epochs.
    """
    streams = random_streams(config.seed)
    data = make_data(config, streams)
    loss_name, n_outputs, output_activation = loss_and_head(config, data.n_classes)
    model = build_model(config, data.X_train.shape[1], n_outputs, output_activation, streams["weights"])
    loss_fn = get_loss(loss_name)
    optimizer = build_optimizer(config, model.parameters())
    callbacks = []
    if write is not None and config.print_every:
        callbacks.append(PrintProgress(config.print_every, write))
    if config.target_accuracy is not None:
        callbacks.append(TargetAccuracy(config.target_accuracy))
    dtype = np.dtype(config.dtype)
    history = fit(model, loss_fn, optimizer, data.X_train.astype(dtype), data.y_train,
                  epochs=config.epochs, batch_size=config.batch_size,
                  schedule=build_schedule(config, optimizer), callbacks=callbacks,
                  seed=streams["shuffling"])
    return TrainedRun(config, data, model, loss_fn, history)
