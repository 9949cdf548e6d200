"""The lab on a student's own code: ``lab --engine PATH`` and ``train --engine PATH``.

A ``StudentEngine`` is a submission that passed the check (while it fails, it is
refused with the checker's first failing item). It trains a RunConfig on 2-D
points with the student's forward, backward and update, in the sandbox's child
process (``train_child``), from the weights the engine's own run of that config
starts from. What comes back becomes a ``TrainedRun`` like the engine's: its
history, test curve and gradient norms are the student's numbers, and its model
holds the student's final weights, so that the usual writers draw its figures.
"""

import os

import numpy as np

from ..errors import BackproplabError, ConfigError
from ..nn import Linear
from ..optim import OPTIMIZERS
from ..optim.sgd import SGD as PlainGradientDescent
from ..run import RunConfig, TrainedRun, build_loss, option, prepare
from ..run.train import DIAGNOSIS_SAMPLES
from ..training import History, PrintProgress, diagnose
from ..training.fit import divergence_message
from .api import check_file, is_class_folder, submission_file
from .compare import compare
from .protocol import declared_from
from .report import summary
from .sandbox import MEMORY_LIMIT, run_submission

TRAIN_TIME_LIMIT = 120.0  # seconds of wall time for the whole training of one data set
# Plain gradient descent on the lab's mean loss: for each lab set, a rate at which the lab's network learns
# it in the lab's epochs without oscillating (the lab's own 0.01 is Adam's). A summed loss takes it per point.
LAB_LEARNING_RATES = {"linear": 0.5, "xor": 2.0}
LEARNING_RATE = 0.5  # on the other point sets, unless --lr says otherwise
SGD = OPTIMIZERS.name_of(PlainGradientDescent)
# Options the student's update cannot follow: it is plain gradient descent at a constant rate, no more.
UNFOLLOWED = {"optimizer": SGD, "momentum": None, "weight_decay": 0.0, "schedule": "constant", "dropout": 0.0,
              "dtype": "float64", "target_accuracy": None, "model": "mlp"}


class Refused(BackproplabError):
    """The student's code cannot train the lab: its check fails, or it failed while training."""


def refusal(result, path):
    """One line: why a submission whose check fails is refused, quoting the first failing item."""
    whole = f"(run `backproplab check {path}` for the whole report)"
    first = result.first
    if result.error or first is None:
        return f"refused: your code {result.error or result.crash} {whole}"
    part = ("forward pass" if first.key.rstrip("0123456789") in ("z", "a", "loss") else
            "update" if first.key.rstrip("0123456789") in ("W", "b", "step") else "backward pass")
    return f"refused: your {part} fails the check at {summary(result)} {whole}"


class StudentEngine:
    """A checked submission that trains 2-D point sets in place of the engine."""

    def __init__(self, path, time_limit=None, memory_limit=MEMORY_LIMIT):
        time_limit = TRAIN_TIME_LIMIT if time_limit is None else time_limit
        if not os.path.exists(path) or is_class_folder(path):
            raise ConfigError(f"--engine {path!r} is not one submission; give a student's .py file, or a folder "
                              "with its check_adapter.py")
        if not 0.5 <= time_limit <= 3600:
            raise ConfigError(f"--time-limit {time_limit:g} is outside 0.5..3600 seconds; try --time-limit 120")
        self.path, self.time_limit, self.memory_limit = path, time_limit, memory_limit
        self.file = submission_file(path)
        self.check = check_file(path)
        if not self.check.passed:
            raise Refused(refusal(self.check, path))
        self.declared = declared_from(self.check.declared)

    def introduction(self):
        """The first line of a run on the student's code: what it is and that it passed."""
        return (f"running on your network {self.path}: it passes the check ({self.check.score}/{self.check.total}); "
                "your forward, backward and update train it, in a child process, with plain gradient descent")

    def title(self, dataset):
        """What a run's log and figures are called: the data set, and whose network."""
        return f"{dataset}, your network ({os.path.basename(os.path.normpath(self.path))})"

    def config_for(self, config, given=()):
        """``config`` as the student's network runs it (see ``student_config``)."""
        return student_config(self.declared, config, given)

    def lab_config(self, dataset, seed, epochs, print_every):
        """The lab's run of ``dataset`` with the student's network, at the lab's plain-gradient-descent rate."""
        return self.config_for(RunConfig(dataset=dataset, seed=seed, epochs=epochs, print_every=print_every))

    def train(self, config, write=None):
        """Train ``config`` (from ``config_for``) with the student's code; a TrainedRun, its log written to ``write``."""
        prepared = prepare(config)
        config, data, head = prepared.config, prepared.data, prepared.head
        if head.outputs != self.declared.sizes[-1]:
            raise ConfigError(f"--engine: {config.dataset} with loss {head.loss} needs {head.outputs} outputs, and "
                              f"your network declares {self.declared.sizes[-1]} (SIZES); choose another data set")
        linears = [layer for layer in prepared.model.layers if isinstance(layer, Linear)]
        fixed = data.X_test is data.X_train  # a fixed set (XOR) is its own test set: no test curve
        arrays = {"X_train": data.X_train, "y_train": data.y_train, "X_test": data.X_test, "y_test": data.y_test}
        for l, layer in enumerate(linears, 1):
            arrays[f"W{l}"] = layer.weight.data
            arrays[f"b{l}"] = layer.bias.data if layer.bias is not None else np.zeros(layer.weight.shape[0])
        settings = {"loss": head.loss, "reduction": config.loss_reduction, "lr": config.lr, "epochs": config.epochs,
                    "batch_size": config.batch_size, "shuffle": config.shuffle, "seed": config.seed, "test": not fixed,
                    "classes": data.n_classes > 0}
        outcome = run_submission(self.file, self.time_limit, self.memory_limit, job="backproplab.check.train_child",
                                 settings=settings, arrays=arrays)
        if outcome.error:
            raise Refused(f"stopped: your code {outcome.error} while training on {config.dataset}")
        return self._trained_run(prepared, linears, outcome, fixed, write)

    def _trained_run(self, prepared, linears, outcome, fixed, write):
        config, data, a = prepared.config, prepared.data, outcome.arrays
        epochs = len(a["loss"])
        history = History(epoch=list(range(1, epochs + 1)), loss=a["loss"].tolist(),
                          accuracy=_accuracies(a["accuracy"], data), lr=[config.lr] * epochs,
                          seconds=a["seconds"].tolist())
        diverged = outcome.facts.get("diverged")
        if diverged:
            history.diverged, history.stop_reason = True, "diverged"
            history.message = divergence_message(diverged["epoch"], float(diverged["loss"]), config.lr)
        for l, layer in enumerate(linears, 1):  # the student's final parameters into the engine's network
            for name, param in ((f"W{l}", layer.weight), (f"b{l}", layer.bias)):
                found = a.get(name)
                if param is not None and (found is None or found.size != param.data.size):
                    raise Refused(f"stopped: your parameters() gave after training {name} of shape "
                                  f"{None if found is None else found.shape}, not {param.data.shape}")
                if param is not None:
                    param.data[...] = found.reshape(param.data.shape)
        if write is not None and config.print_every:
            _replay_log(history, config.print_every, write)
        loss_fn = build_loss(config, prepared.head.loss)
        norms = {f"W{l}": a[f"norm/W{l}"].tolist() for l in range(1, len(linears) + 1)}
        norms = norms if all(np.all(np.isfinite(v)) for v in norms.values()) else None  # backward showed no dW
        test_curve = None if fixed else {"loss": a["test_loss"].tolist(),
                                         "accuracy": _accuracies(a["test_accuracy"], data)}
        diagnosis = None if history.diverged else diagnose(
            history, prepared.model, loss_fn, data.X_train[:DIAGNOSIS_SAMPLES], data.y_train[:DIAGNOSIS_SAMPLES],
            settings={"init": config.init, "optimizer": config.optimizer})
        if write is not None and np.all(np.isfinite(a["test_output"])):  # a diverged run says so instead
            write(self._agreement(prepared.model, data.X_test, a["test_output"]))
        return TrainedRun(config, data, prepared.model, loss_fn, history, prepared.head.loss, diagnosis, norms,
                          test_curve)

    def _agreement(self, model, X_test, output):
        """A line saying how closely the engine's forward pass of the student's final weights (what the
        figures draw) gives the student's own output on the test set."""
        model.eval()
        with np.errstate(all="ignore"):
            found = compare(output, model.forward(X_test))
        if found.ok:
            return (f"the figures draw your final weights through the engine's forward pass, which gives your "
                    f"network's test outputs to {found.largest:.1e}")
        return (f"warning: the engine's forward pass of your final weights differs from your network's test outputs "
                f"({found.describe()}): the figures draw the engine's")


def _accuracies(measured, data):
    """The child's accuracies as a History holds them: None for values to regress onto, which have none."""
    return measured.tolist() if data.n_classes else [None] * len(measured)


def student_config(declared, config, given=()):
    """``config`` as a network that declares ``declared`` runs it: its sizes, activations, loss and biases, and
    plain gradient descent (at ``learning_rate`` unless --lr is given). An option in ``given`` (set by the
    user) that the network cannot follow is refused."""
    d = declared
    if config.is_table:
        raise ConfigError(f"--engine trains the 2-D point sets, not {config.dataset}; choose one of those")
    if d.sizes[0] != 2:
        raise ConfigError(f"--engine: your network declares SIZES = {d.sizes}, with {d.sizes[0]} inputs; "
                          "the point sets have 2")
    own = {"hidden": tuple(d.sizes[1:-1]), "activation": (d.activation,),
           "output_activation": d.output_activation or d.activation, "loss": d.loss,
           "loss_reduction": d.reduction, "bias": d.biases != "none"}
    for name, value in {**UNFOLLOWED, **own}.items():
        if name in given and getattr(config, name) != value:
            why = "your update is plain gradient descent" if name in UNFOLLOWED else "your network declares it"
            raise ConfigError(f"--engine: {option(name)} {_shown(getattr(config, name))} cannot apply ({why}: "
                              f"{_shown(value)}); drop {option(name)}")
    lr = config.lr if "lr" in given else learning_rate(declared, config)
    return config.replace(**UNFOLLOWED, **own, lr=lr)


def learning_rate(declared, config):
    """The rate of plain gradient descent on ``config``'s data set, per point for a summed loss."""
    per_point = config.n_points if declared.reduction == "sum" else 1
    return LAB_LEARNING_RATES.get(config.dataset, LEARNING_RATE) / per_point


def _shown(value):
    return " ".join(map(str, value)) if isinstance(value, tuple) else str(value)


def _replay_log(history, every, write):
    """The training log, as PrintProgress writes it during the engine's training, from the finished history."""
    progress, partial = PrintProgress(every, write), History()
    for i in range(history.epochs):
        for name in ("epoch", "loss", "accuracy"):
            getattr(partial, name).append(getattr(history, name)[i])
        progress.on_epoch_end(partial, None)
    progress.on_train_end(partial, None)

