"""The command line: ``backproplab lab``, ``backproplab train``, ``backproplab predict``.

This module only wires options to the library; it contains no maths.
"""

import argparse
import os
import sys
import traceback

from . import __version__
from .config import HIDDEN_ACTIVATIONS, LOSS_NAMES, OUTPUT_ACTIVATIONS, RunConfig
from .data import DATASETS
from .errors import BackproplabError
from .nn import INITIALIZERS
from .optim import OPTIMIZERS, SCHEDULES

DEFAULTS = RunConfig()
LAB_DATASETS = ("linear", "xor")


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit status 2."""

    def error(self, message):
        self.exit(2, f"error: {message} (see '{self.prog} --help')\n")


def _add_run_options(p, lab=False):
    out = p.add_argument_group("output")
    out.add_argument("--out", metavar="DIR", help="folder to write to (default: runs/<timestamp>-%s/)" % ("lab" if lab else "<dataset>"))
    out.add_argument("--force", action="store_true", help="allow --out to name a folder that already holds files")
    out.add_argument("--print-every", type=int, default=DEFAULTS.print_every, metavar="N",
                     help="log loss and accuracy every N epochs; 0 for none (default: %(default)s)")
    out.add_argument("--seed", type=int, default=DEFAULTS.seed, help="seed of every random choice (default: %(default)s)")
    out.add_argument("--debug", action="store_true", help="show a traceback on errors")


def _add_train_options(p):
    d = p.add_argument_group("data")
    d.add_argument("--dataset", default="xor", help=f"one of {', '.join(DATASETS)} (default: %(default)s)")
    d.add_argument("--n", type=int, help="training points to draw (default: 100 for linear, 400 chessboard, 200 circles, 300 spiral and blobs)")
    d.add_argument("--noise", type=float, default=DEFAULTS.noise, help="standard deviation of the jitter on the points (default: %(default)s)")
    d.add_argument("--classes", type=int, default=DEFAULTS.classes, help="classes of spiral and blobs (default: %(default)s)")
    d.add_argument("--test-size", type=int, help="fresh test points to draw (default: as many as --n)")
    n = p.add_argument_group("network")
    n.add_argument("--hidden", type=int, nargs="+", default=list(DEFAULTS.hidden), metavar="WIDTH",
                   help="width of each hidden layer, e.g. --hidden 8 8 (default: %(default)s)")
    n.add_argument("--activation", nargs="+", default=list(DEFAULTS.activation), metavar="NAME",
                   help=f"hidden activation, one for all or one per layer: {', '.join(HIDDEN_ACTIVATIONS)}; identity means none (default: sigmoid)")
    n.add_argument("--output-activation", default="auto",
                   help=f"{', '.join(OUTPUT_ACTIVATIONS)}; auto is sigmoid for mse/bce and logits for cross_entropy")
    n.add_argument("--loss", default=DEFAULTS.loss, help=f"{', '.join(LOSS_NAMES)} (default: %(default)s)")
    n.add_argument("--init", default=DEFAULTS.init, help=f"weight initialiser: {', '.join(INITIALIZERS)} (default: %(default)s)")
    n.add_argument("--dtype", default=DEFAULTS.dtype, help="float64 or float32 (default: %(default)s)")
    o = p.add_argument_group("optimisation")
    o.add_argument("--optimizer", default=DEFAULTS.optimizer, help=f"{', '.join(OPTIMIZERS)} (default: %(default)s)")
    o.add_argument("--lr", type=float, default=DEFAULTS.lr, help="learning rate (default: %(default)s)")
    o.add_argument("--momentum", type=float, default=DEFAULTS.momentum, help="for momentum and nesterov (default: %(default)s)")
    o.add_argument("--weight-decay", type=float, default=DEFAULTS.weight_decay, help="L2 penalty; decoupled for adamw (default: %(default)s)")
    o.add_argument("--beta1", type=float, default=DEFAULTS.beta1, help="Adam's first-moment decay (default: %(default)s)")
    o.add_argument("--beta2", type=float, default=DEFAULTS.beta2, help="Adam's second-moment decay (default: %(default)s)")
    o.add_argument("--eps", type=float, default=DEFAULTS.eps, help="Adam/RMSprop denominator term (default: %(default)s)")
    o.add_argument("--alpha", type=float, default=DEFAULTS.alpha, help="RMSprop's smoothing constant (default: %(default)s)")
    o.add_argument("--schedule", default=DEFAULTS.schedule, help=f"learning-rate schedule: {', '.join(SCHEDULES)} (default: %(default)s)")
    o.add_argument("--step-size", type=int, default=DEFAULTS.step_size, help="step: multiply the rate by --gamma every this many epochs (default: %(default)s)")
    o.add_argument("--gamma", type=float, default=DEFAULTS.gamma, help="step/exponential decay factor (default: %(default)s)")
    o.add_argument("--t-max", type=int, help="cosine: epochs to reach the minimum (default: --epochs)")
    o.add_argument("--patience", type=int, default=DEFAULTS.patience, help="plateau: epochs without improvement before cutting (default: %(default)s)")
    o.add_argument("--factor", type=float, default=DEFAULTS.factor, help="plateau: factor the rate is cut by (default: %(default)s)")
    o.add_argument("--epochs", type=int, default=DEFAULTS.epochs, help="passes over the data (default: %(default)s)")
    o.add_argument("--batch-size", type=int, help="samples per update; default full batch, 1 for per-sample SGD")
    o.add_argument("--target-accuracy", type=float, metavar="FRACTION", help="stop once training accuracy reaches this, e.g. 1.0")


def build_parser():
    parser = _Parser(
        prog="backproplab",
        description="Neural networks from scratch in NumPy, with backpropagation you can read.",
        epilog="Start with 'backproplab lab'. Each command's --help lists its options.",
    )
    parser.add_argument("--version", action="version", version=f"backproplab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    lab = sub.add_parser("lab", help="train the lab's network on the linear and XOR data, write figures",
                         description="Train the lab's network (two sigmoid hidden layers) on the lab's two data sets, "
                                     "print the training log and every test prediction, and write figures, "
                                     "metrics and models to one folder per data set.")
    _add_run_options(lab, lab=True)
    lab.add_argument("--epochs", type=int, default=DEFAULTS.epochs, help="passes over the data (default: %(default)s)")
    train = sub.add_parser("train", help="train any network on any generated data set",
                           description="Train a network with every choice exposed; writes the same files as one data set of 'lab'.")
    _add_train_options(train)
    _add_run_options(train)
    predict = sub.add_parser("predict", help="predict classes for a CSV of points with a saved model",
                             description="Load a model.npz written by 'lab' or 'train' and print its prediction for every row of a CSV file of features.")
    predict.add_argument("--model", required=True, metavar="FILE", help="model file (.npz)")
    predict.add_argument("--data", required=True, metavar="CSV", help="comma-separated features, one sample per row (a header row is skipped)")
    predict.add_argument("--debug", action="store_true", help="show a traceback on errors")
    return parser


def _config_from_args(args):
    return RunConfig(
        dataset=args.dataset, n=args.n, noise=args.noise, classes=args.classes, test_size=args.test_size,
        hidden=tuple(args.hidden), activation=tuple(args.activation), output_activation=args.output_activation,
        loss=args.loss, init=args.init, optimizer=args.optimizer, lr=args.lr, momentum=args.momentum,
        weight_decay=args.weight_decay, beta1=args.beta1, beta2=args.beta2, eps=args.eps, alpha=args.alpha,
        schedule=args.schedule, step_size=args.step_size, gamma=args.gamma, t_max=args.t_max,
        patience=args.patience, factor=args.factor, epochs=args.epochs, batch_size=args.batch_size,
        seed=args.seed, print_every=args.print_every, target_accuracy=args.target_accuracy, dtype=args.dtype,
    )


def _run_lab(args, write):
    from .lab.folders import new_run_folder
    from .lab.run import run_to_folder

    configs = [RunConfig(dataset=name, seed=args.seed, epochs=args.epochs, print_every=args.print_every)
               for name in LAB_DATASETS]
    root = new_run_folder(args.out, "lab", args.force)
    write(f"writing to {root}")
    results = {}
    for config in configs:
        write(f"\n== {config.dataset}: {describe(config)} ==")
        folder = os.path.join(root, config.dataset)
        os.makedirs(folder, exist_ok=True)
        results[config.dataset] = run_to_folder(config, folder, write)
    write("\nsummary")
    for name, m in results.items():
        write(f"  {name:7s} final loss {m['final_loss']:.5f}  test accuracy {100 * m['test_accuracy']:.2f}%  "
              f"({m['epochs']} epochs, {m['seconds']:.2f} s)")
    write(f"figures, models and metrics in {root}")
    return 1 if any(m["diverged"] for m in results.values()) else 0


def _run_train(args, write):
    from .lab.folders import new_run_folder
    from .lab.run import run_to_folder

    config = _config_from_args(args)
    folder = new_run_folder(args.out, config.dataset, args.force)
    write(f"writing to {folder}")
    write(f"== {config.dataset}: {describe(config)} ==")
    metrics = run_to_folder(config, folder, write)
    write(f"figures, model and metrics in {folder}")
    return 1 if metrics["diverged"] else 0


def _run_predict(args, write):
    from .data.csv_points import read_points
    from .model_file import load_model
    from .lab.run import positive_class_scores
    from .nn import get_loss

    model, metadata = load_model(args.model)
    X = read_points(args.data)
    n_in = model.parameters()[0].shape[1]
    if X.shape[1] != n_in:
        raise BackproplabError(f"{args.data!r} has {X.shape[1]} columns, the model takes {n_in} features")
    loss_fn = get_loss(metadata.get("loss", "mse"))
    model.eval()
    output = model.forward(X.astype(model.parameters()[0].data.dtype))
    labels, scores = loss_fn.predict(output), positive_class_scores(loss_fn, output)
    for i, (row, label) in enumerate(zip(X, labels)):
        score = f"{scores[i]:.5f}" if scores.ndim == 1 else f"{scores[i].max():.5f}"
        write(f"sample {i} | {', '.join(f'{v:g}' for v in row)} | class {int(label)} | score {score}")
    return 0


def describe(config):
    acts = "/".join(config.hidden_activations())
    widths = "-".join(str(w) for w in config.hidden)
    text = (f"hidden {widths} {acts}, loss {config.loss}, {config.optimizer} lr {config.lr:g}, "
            f"{config.epochs} epochs, init {config.init}, seed {config.seed}")
    if config.batch_size:
        text += f", batch {config.batch_size}"
    if config.schedule != "constant":
        text += f", schedule {config.schedule}"
    return text


def main(argv=None):
    """Entry point of the ``backproplab`` command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    write = print
    commands = {"lab": _run_lab, "train": _run_train, "predict": _run_predict}
    try:
        return commands[args.command](args, write)
    except BackproplabError as e:
        if args.debug:
            traceback.print_exc()
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
