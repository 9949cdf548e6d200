"""Train a RunConfig end to end: data, network, loss, optimizer, schedule, callbacks, fit."""

import sys
import warnings
from dataclasses import dataclass

import numpy as np

from ..data import count_batches
from ..errors import ConfigError
from ..limits import check_size, memory_for
from ..nn import Sequential
from ..rng import spawn
from ..training import (
    BatchProgress, Checkpoint, DivergenceWarning, EarlyStopping, EpochTestScores, GradientNorms, PrintProgress,
    TargetAccuracy, TargetLoss, WeightPenalty, diagnose, fit, read_checkpoint, restore,
)
from . import datasets
from .build import Head, build_loss, build_model, build_optimizer, build_schedule, check_sizes, choose_head
from .config import RunConfig, dataset_defaults
from .datasets import Split
from .predict import refuse_broken_weights
from .threads import auto_threads, blas_threads

# Independent random streams derived from the seed, so that e.g. a new width
# does not change the data, and the test set is drawn apart from the training set.
# (SeedSequence children depend only on their index, so appending a stream changes no other.)
_STREAMS = ("train data", "test data", "weights", "shuffling", "dropout")
# With --init-seed, the network's own streams come from it, in the playground's order.
_NETWORK_STREAMS = ("weights", "dropout", "shuffling")
DIAGNOSIS_SAMPLES = 2000


@dataclass
class TrainedRun:
    config: RunConfig
    data: Split
    model: Sequential
    loss_fn: object
    history: object
    loss_name: str = ""  # the registry name of loss_fn (see build.trained_loss)
    diagnosis: object = None  # a training.Diagnosis of what went wrong, None when training went well
    gradient_norms: dict | None = None  # per layer, per epoch (see train_recorded)
    test_curve: dict | None = None  # {"loss": [...], "accuracy": [...]} on the test set after every epoch, or None


def check_batch_memory(model, X, batch_size):
    """Refuse a batch whose activations would not fit, before the first one is computed.

    One sample goes through the network (in eval mode, on a copy of its first
    row) to find every layer's output size; forward and backward keep about
    three arrays of that size per layer for every sample of the batch.
    """
    batch = len(X) if batch_size is None else min(batch_size, len(X))
    was_training, x, floats = model.training, X[:1], 0
    model.eval()
    try:
        for layer in (model.layers if isinstance(model, Sequential) else [model]):
            x = layer.forward(x)
            floats += x.size
    finally:
        model.train(was_training)
    check_size("batch_bytes", 3 * floats * X.dtype.itemsize * batch, f"--batch-size {batch}",
               "use a smaller --batch-size")


def random_streams(seed, init_seed=None):
    """One Generator per name in _STREAMS, all derived from ``seed``; with ``init_seed``, those of
    the network (its weights, dropout and batch order) derived from ``init_seed`` instead."""
    streams = dict(zip(_STREAMS, spawn(seed, len(_STREAMS))))
    if init_seed is not None:
        streams.update(zip(_NETWORK_STREAMS, spawn(init_seed, len(_NETWORK_STREAMS))))
    return streams


def make_data(config, streams=None):
    """Training and test sets for ``config``, as a Split."""
    return datasets.make_data(config, streams or random_streams(config.seed))


@dataclass
class Prepared:
    """A run up to its first epoch: its data and network, every size checked (see ``prepare``)."""

    config: RunConfig  # what will run: the config given, or with a default batch larger than the data made full
    data: Split
    head: Head
    model: Sequential
    streams: dict  # the random streams, those of the data and the weights already drawn from
    requested: RunConfig | None = None  # the config given to prepare
    note: str = ""  # a line saying what was changed, if anything


def prepare(config, fit_default_batch=False):
    """The data and the untrained network of ``config``, with every check that needs them.

    What can go wrong before training does so here: sizes (points, parameters, a batch's
    memory, a batch larger than the training set), data files that are missing or malformed.
    The CLI prepares a run before it makes its folder or prints anything, then hands it to ``train``.
    With ``fit_default_batch`` (the batch size was not chosen by the user), a data set's default
    batch size larger than its training set becomes full batch: ``config`` of the result says so,
    and ``note`` in a line.
    """
    check_sizes(config)  # those known from the config, before any data is drawn or read
    streams = random_streams(config.seed, config.init_seed)
    data = make_data(config, streams)
    requested, note, n = config, "", len(data.y_train)
    # (for 2-D points RunConfig checks this; the sizes of image and CSV data are known from here on)
    if config.batch_size is not None and config.batch_size > n:
        default = dataset_defaults(config.dataset, config.model).get("batch_size")
        if not fit_default_batch or config.batch_size != default:
            raise ConfigError(f"--batch-size {config.batch_size} is larger than the {n:,} training "
                              f"samples; use at most {n}")
        # A small table with the default batch trains on all of it at once, as Keras would, and says so.
        config = config.replace(batch_size=None)
        note = (f"batch size: the default {requested.batch_size} is more than the {n:,} training samples, "
                f"so every update uses all {n:,} (full batch)")
    head = choose_head(config, data.n_classes)
    model = build_model(config, data.X_train.shape[1:], head.outputs, head.output_activation, streams["weights"],
                        streams["dropout"])
    check_batch_memory(model, data.X_train, config.batch_size)
    return Prepared(config, data, head, model, streams, requested, note)


def train(config, write=None, checkpoint=None, resume=False, progress_stream=None, callbacks=(), prepared=None):
    """Run ``config`` end to end and return a TrainedRun.

    ``write`` (e.g. ``print``) receives a log line every ``config.print_every``
    epochs; image and CSV runs show a progress bar per epoch on
    ``progress_stream`` instead. ``checkpoint``, a path, is rewritten after
    every epoch; with ``resume`` the run first continues from it. ``callbacks`` are
    passed to ``fit`` too (e.g. a ``GradientNorms`` to read afterwards). ``prepared``,
    what ``prepare(config)`` returned, is trained instead of preparing anew (once: its network is trained).
    """
    if prepared is None:
        prepared = prepare(config)
    elif config not in (prepared.config, prepared.requested):
        raise ValueError("train: prepared is for another config; give what prepare(config) returned")
    config = prepared.config
    data, head, model, streams = prepared.data, prepared.head, prepared.model, prepared.streams
    loss_fn = build_loss(config, head.loss)
    optimizer = build_optimizer(config, model.parameters())
    schedule = build_schedule(config, optimizer, count_batches(len(data.X_train), config.batch_size))
    callbacks = list(callbacks)  # the caller's (e.g. GradientNorms) come first
    if write is not None and config.print_every:
        if config.is_table:
            callbacks.append(BatchProgress(config.epochs, stream=progress_stream))
        else:
            callbacks.append(PrintProgress(config.print_every, write))
    target = TargetAccuracy(config.target_accuracy) if config.target_accuracy is not None else None
    if target:
        callbacks.append(target)
    if config.target_loss is not None:
        callbacks.append(TargetLoss(config.target_loss))
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
            refuse_broken_weights(model, "resuming it")
            if write is not None and history.stop_reason == "completed":
                write(f"resuming after epoch {history.epochs} of {config.epochs} from {checkpoint}")
    # A run that ended before its last epoch (target reached, early stopping) is finished: resuming it
    # rewrites its results from the checkpoint and trains no further.
    ended = history is not None and history.stop_reason != "completed"
    dtype = np.dtype(config.dtype)
    batch = f"training on batches of {config.batch_size or len(data.X_train):,} samples"
    with blas_threads(auto_threads(config, data.X_train.shape[1:], len(data.X_train))), \
            memory_for("batch_bytes", batch, "use a smaller --batch-size"):
        history = fit(model, loss_fn, optimizer, data.X_train.astype(dtype, copy=False), data.y_train,
                      epochs=history.epochs if ended else config.epochs,
                      batch_size=config.batch_size, shuffle=config.shuffle,
                      schedule=schedule, validation_data=data.validation, callbacks=callbacks,
                      seed=streams["shuffling"], history=history, loss_after_epoch=config.epoch_loss == "after",
                      penalty=None if config.penalty == "none" else
                      WeightPenalty(model, config.penalty, config.penalty_rate), classes=data.n_classes > 0)
    if write is not None and history.epochs < config.epochs and not history.diverged:  # a divergence has its own line
        write(f"stopped at epoch {history.epochs} of {config.epochs}: {history.stop_reason}")
    # Looking inside the network on a few thousand training samples is enough, and bounded in memory.
    sample = slice(0, DIAGNOSIS_SAMPLES)
    # Stopped where asked, and the training points learnt as well: nothing went wrong. (A target met on a
    # few validation rows while the training accuracy lags is still diagnosed.)
    asked = target and history.stop_reason == target.reason and history.accuracy[-1] >= config.target_accuracy
    diagnosis = None if asked else diagnose(
        history, model, loss_fn, data.X_train[sample].astype(dtype, copy=False), data.y_train[sample],
        settings={"init": config.init, "optimizer": config.optimizer})
    return TrainedRun(config, data, model, loss_fn, history, head.loss, diagnosis)


def epoch_test_scores(config, data):
    """An EpochTestScores on the test set of ``data``, or None when the test set is the training set
    itself (a fixed set such as the lab's XOR points), whose curve the training curve already is."""
    if data.X_test is data.X_train:
        return None
    loss_fn = build_loss(config, choose_head(config, data.n_classes).loss)
    return EpochTestScores(loss_fn, data.X_test.astype(config.dtype), data.y_test, classes=data.n_classes > 0)


def train_recorded(config, write=print, prepared=None, checkpoint=None, resume=False):
    """Train ``config`` (or ``prepared``) as ``train`` does, for a run whose files are written next.

    A run on 2-D points also records every layer's gradient norms and, unless its test set is
    its training set, the test loss and accuracy after every epoch: the figures' curves, in the
    result's ``gradient_norms`` and ``test_curve``. Image and CSV runs show a bar per epoch on
    stdout. A divergence is not warned about: the result's history says so, for the outputs to report.
    """
    if prepared is None:
        prepared = prepare(config)
    norms = test_scores = None
    if not prepared.config.is_table:
        norms, test_scores = GradientNorms(), epoch_test_scores(prepared.config, prepared.data)
    recorders = [callback for callback in (norms, test_scores) if callback is not None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        run = train(config, write=write, checkpoint=checkpoint, resume=resume, progress_stream=sys.stdout,
                    callbacks=recorders, prepared=prepared)
    if norms is not None:
        run.gradient_norms = norms.norms
    if test_scores is not None:
        run.test_curve = {"loss": test_scores.loss, "accuracy": test_scores.accuracy}
    return run
