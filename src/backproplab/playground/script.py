"""The page's set-up as a Python script that builds and trains the same network with backproplab.

The script repeats the page's steps one for one: the same points and split, the same initial
weights, the same shuffling of the mini-batches (``train_step`` on each, as the page does), and
the same books: after each epoch, the training and test loss of the network in eval mode (without
dropout). So each epoch's numbers are the page's at that epoch. A page without an epoch budget
trains until paused: the script trains the epochs the page has trained so far.
"""

from .datasets import is_regression
from .settings import MAX_CLASSES, MAX_POINTS
from .state import optimisation_config

_HEADER = '''"""The backproplab playground's set-up, trained by a script.

Each epoch's training and test loss are those the page shows at that epoch: the page too reports
the loss after the epoch's updates, of the network in eval mode (without dropout).
"""

import math
{pathlib}
import numpy as np

from backproplab.data.batching import batches
from backproplab.nn import get_loss
from backproplab.nn.mlp import mlp
from backproplab.playground.datasets import features, {reader}
from backproplab.rng import spawn
from backproplab.run import RunConfig, build_optimizer, build_schedule
from backproplab.training import {training}

'''


def _data(s, sign):
    """The lines that draw (or read) the points as the page does, labels or targets in ``y``."""
    lines = [f"data_rng, split_rng = spawn({s['seed']}, 2)\n"]
    if s["dataset"] == "csv":
        lines.append("# your uploaded file, read and scaled as the page reads it: each feature column into [-5, 5]\n"
                     f"X, y = read_upload(pathlib.Path('points.csv').read_bytes(), max_points={MAX_POINTS}, "
                     f"max_classes={MAX_CLASSES}, regression={s['problem'] == 'regression'})\n")
    else:
        lines.append(f"X, y = generate({s['dataset']!r}, n={s['points']}, noise_percent={s['noise']}, "
                     f"classes={s['classes']}, rng=data_rng)\n")
    if s["problem"] == "regression":
        lines.append("y = y.astype(np.float64)\n")
    elif sign:
        lines.append("y = (y > 0).astype(np.int64)  # two classes: the target's sign\n")
    else:
        lines.append("y = y.astype(np.int64)\n")
    return "".join(lines)


def _model(s, n_out, out_activation):
    widths = [len(s["features"]), *s["hidden"], n_out]
    dropout = f", dropout={s['dropout']}" if s["dropout"] else ""
    return (f"model = mlp({widths}, {s['activation']!r}, {out_activation!r}{dropout}, rng=weights_rng, "
            "dropout_rng=dropout_rng)\n")


def _stops(s):
    """The lines that end training where the page stops (a budget is the loop's length)."""
    lines = ["    if not (finite and math.isfinite(train_loss)):\n        break  # the page stops too\n"]
    if s["target_accuracy"]:
        lines.append(f"    if train_accuracy >= {s['target_accuracy']!r}:\n        break\n")
    if s["target_loss"]:
        lines.append(f"    if train_loss <= {s['target_loss']!r}:\n        break\n")
    return "".join(lines)


def python_script(session):
    """A script that trains ``session``'s network (its settings, data and losses) from scratch."""
    s = session.settings
    config = optimisation_config(s)
    epochs = s["budget"] or session.epoch or config.epochs  # without a budget: as far as the page has trained
    csv = s["dataset"] == "csv"
    penalty = "None"
    if s["regularization"] != "none" and s["reg_rate"]:
        penalty = f"WeightPenalty(model, {s['regularization']!r}, {s['reg_rate']!r})"
    sign = s["problem"] == "classification" and not csv and is_regression(s["dataset"])  # as make_points does
    accuracy = (" np.mean(loss_fn.predict(model.forward(X_train)) == y_train)" if session.n_classes
                else " None  # regression")
    return _HEADER.format(pathlib="import pathlib\n" if csv else "", reader="read_upload" if csv else "generate",
                          training="train_step" if penalty == "None" else "WeightPenalty, train_step") + (
        _data(s, sign) +
        f"order = split_rng.permutation(len(y))\n"
        f"n_train = max(1, min(len(y) - 1, round(len(y) * {s['ratio']} / 100)))\n"
        f"inputs = {s['features']!r}\n"
        f"X_train, y_train = features(X[order[:n_train]], inputs), y[order[:n_train]]\n"
        f"X_test, y_test = features(X[order[n_train:]], inputs), y[order[n_train:]]\n\n"
        f"weights_rng, dropout_rng, shuffle_rng = spawn({s['init_seed']}, 3)\n"
        + _model(s, session.linears[-1].out_features, session.output_activation) +
        f"loss_fn = get_loss({session.loss_name!r})\n"
        f"config = RunConfig(optimizer={config.optimizer!r}, lr={config.lr!r}, schedule={config.schedule!r}, "
        f"epochs={config.epochs}, step_size={config.step_size}, patience={config.patience}, "
        f"gamma={config.gamma!r})\n"
        f"optimizer = build_optimizer(config, model.parameters())\n"
        f"schedule = build_schedule(config, optimizer, {session._batches_per_epoch()})  # batches per epoch\n"
        f"penalty = {penalty}\n\n"
        "history = []  # (training loss, test loss) after each epoch\n"
        f"for epoch in range(1, {epochs} + 1):\n"
        "    model.train()  # dropout on, as the updates see it\n"
        "    finite = True\n"
        f"    for idx in batches(len(y_train), {s['batch']}, shuffle_rng):\n"
        "        with np.errstate(all='ignore'):\n"
        "            _, loss = train_step(model, loss_fn, optimizer, X_train[idx], y_train[idx], penalty=penalty,\n"
        "                                 schedule=schedule)\n"
        "        finite = math.isfinite(loss)\n"
        "        if not finite:\n"
        "            break\n"
        "    model.eval()  # the page's books: the network without dropout\n"
        "    with np.errstate(all='ignore'):\n"
        "        train_loss = loss_fn.forward(model.forward(X_train), y_train)\n"
        "        test_loss = loss_fn.forward(model.forward(X_test), y_test)\n"
        f"        train_accuracy ={accuracy}\n"
        "    history.append((train_loss, test_loss))\n"
        "    print(f'epoch {epoch}: training loss {train_loss:.6f}, test loss {test_loss:.6f}')\n"
        "    if not schedule.per_batch:\n"
        "        schedule.step(train_loss if math.isfinite(train_loss) else math.inf)\n"
        + _stops(s) +
        "print(f'final training loss {train_loss!r}, test loss {test_loss!r}')\n"
    )
