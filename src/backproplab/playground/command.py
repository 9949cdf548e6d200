"""The page's set-up as a ``backproplab train`` command.

``train_command`` gives comment lines (``#``), one only for a page that has not trained yet,
then one command whose options ``backproplab.cli.build_parser`` parses. For every set-up (the
page's shapes and surfaces as ``--dataset playground-<name>``, the lab's generators, an uploaded
file as ``--dataset csv-points``, regression as ``--targets values``) the command trains what the
page trains: the same points and split, features, initial weights, batches and books, so its
losses are the page's at every epoch. A page without an epoch budget trains until paused: its
command trains the epochs the page has trained so far, the run as the page shows it.
"""

import inspect
import shlex

from ..data import DATASETS
from ..nn import LOSSES, MSELoss
from ..run import datasets as cli_datasets
from ..run.datasets import POINTS_FILE, SHAPE_PREFIX
from .datasets import REGRESSION
from .state import optimisation_config

_LAB_PREFIX = "lab-"
_CLASSES, _VALUES = "classes", "values"  # --targets: labels, or values to regress onto


def _split(points, ratio):
    """(training, test) points of a data set of ``points``, as the page splits them."""
    n_train = max(1, min(points - 1, round(points * ratio / 100)))
    return n_train, points - n_train


def _cli_points(dataset, n_train):
    """Training points of the command: ``n_train``, the page's, when it names the page's data, else its default set's."""
    if n_train is not None:
        return n_train
    src = cli_datasets.source(dataset)
    return src.default_n if src.default_n is not None else len(cli_datasets.fixed_points(dataset)[1])


def train_command(settings, n_points=None, trained=0):
    """(comment lines, the command) for ``settings``; ``n_points`` is the size of an uploaded set,
    ``trained`` the epochs the page has trained (the command's, when the page has no budget)."""
    s = settings
    notes, args = [], ["backproplab", "train"]
    name = s["dataset"]
    cli_dataset, n_train = "xor", None  # the command line's data set and its training points (None: its own)
    regression = s["problem"] == "regression"
    if name == "csv":  # your uploaded points.csv, placed in [-5, 5]^2 and split as the page does
        n_train, n_test = _split(n_points or s["points"], s["ratio"])
        cli_dataset = POINTS_FILE
        args += ["--dataset", POINTS_FILE, "--data", "points.csv", "--test-size", str(n_test), "--square", "5"]
        if regression:
            args += ["--targets", _VALUES]
    elif name.startswith(_LAB_PREFIX):
        lab = name[len(_LAB_PREFIX):]
        params = inspect.signature(DATASETS.get(lab)).parameters
        cli_dataset = lab
        args += ["--dataset", lab]
        if "n" in params:  # drawn at once, split and placed in [-5, 5]^2 as the page does
            n_train, n_test = _split(s["points"], s["ratio"])
            args += ["--n", str(s["points"]), "--test-size", str(n_test), "--hold-out", "--square", "5"]
        else:  # a fixed set, split and placed as the page does
            n_train, n_test = _split(len(cli_datasets.fixed_points(lab)[1]), s["ratio"])
            args += ["--test-size", str(n_test), "--hold-out", "--square", "5"]
        if "noise" in params and s["noise"]:
            args += ["--noise", repr(0.2 * (s["noise"] / 100))]  # the page's unit-square noise
        if "classes" in params:
            args += ["--classes", str(s["classes"])]
    else:  # one of the page's own shapes or surfaces, drawn and split as the page does
        cli_dataset = SHAPE_PREFIX + name
        n_train, n_test = _split(s["points"], s["ratio"])
        args += ["--dataset", cli_dataset, "--n", str(s["points"]), "--test-size", str(n_test)]
        if s["noise"]:
            args += ["--noise", repr(s["noise"] / 100)]
        if "classes" in cli_datasets.source(cli_dataset).options:
            args += ["--classes", str(s["classes"])]
        if name in REGRESSION and not regression:  # a surface's signs as two classes
            args += ["--targets", _CLASSES]
    if s["features"] != ["x1", "x2"]:
        args += ["--features", *s["features"]]
    if s["hidden"]:
        activations = s["activation"] if len(set(s["activation"])) > 1 else s["activation"][:1]
        args += ["--hidden", *map(str, s["hidden"]), "--activation", *activations]
    else:
        args += ["--hidden", "0"]  # no hidden layer
    args += ["--loss", LOSSES.name_of(MSELoss) if s["problem"] == "regression" else s["loss"]]
    args += ["--optimizer", s["optimizer"], "--lr", f"{s['lr']:g}", "--schedule", s["schedule"]]
    config = optimisation_config(s)  # a page without a budget runs its schedule over DEFAULT_EPOCHS
    epochs = s["budget"] or trained or config.epochs  # without a budget: the epochs the page has trained
    if s["schedule"] == "step":
        args += ["--step-size", "100"]
    elif s["schedule"] == "plateau":
        args += ["--patience", "10"]
    elif s["schedule"] == "cosine" or (s["schedule"] == "onecycle" and config.epochs != epochs):
        args += ["--t-max", str(config.epochs)]
    elif s["schedule"] == "exponential":  # to a hundredth of the rate at the last epoch
        args += ["--gamma", repr(config.gamma)]
    # backproplab train refuses a batch larger than its training set; the page trains on all of it at once,
    # as a batch of all of them does.
    args += ["--batch-size", str(min(s["batch"], _cli_points(cli_dataset, n_train)))]
    if s["dropout"]:
        args += ["--dropout", f"{s['dropout']:g}"]
    if s["regularization"] != "none" and s["reg_rate"]:
        args += ["--penalty", s["regularization"], "--penalty-rate", repr(s["reg_rate"])]
    args += ["--epochs", str(epochs)]
    if not s["budget"] and not trained:
        notes.append(f"the page trains until paused and has not trained yet; --epochs {epochs} stands for that")
    if s["target_accuracy"] and not regression:  # (values have no accuracy: the page's target never stops them)
        args += ["--target-accuracy", f"{s['target_accuracy']:g}"]
    if s["target_loss"]:
        args += ["--target-loss", repr(s["target_loss"])]
    args += ["--seed", str(s["seed"]), "--init-seed", str(s["init_seed"]), "--epoch-loss", "after"]
    return ["# " + note for note in notes], shlex.join(args)


def command_text(settings, n_points=None, trained=0):
    """The command as the page shows it: the comment lines, then the command."""
    notes, command = train_command(settings, n_points, trained)
    return "\n".join(["# the page's set-up as a backproplab train command: the same data, weights and losses",
                      *notes, command])
