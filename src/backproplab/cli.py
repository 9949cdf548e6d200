"""The command line: ``backproplab lab``, ``backproplab train``, ``backproplab predict``.

This module only wires options to the library; it contains no maths.
"""

import argparse
import os
import sys
import traceback

from . import __version__
from dataclasses import fields

from .build import DEFAULT_VAL_SIZE
from .config import (
    ALL_DATASETS, HIDDEN_ACTIVATIONS, LOSS_NAMES, MODELS, MONITORS, OUTPUT_ACTIVATIONS, RunConfig, option,
)
from .errors import BackproplabError, ConfigError
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
    out.add_argument("--print-every", type=int, metavar="N", default=None if not lab else DEFAULTS.print_every,
                     help=f"log loss and accuracy every N epochs; 0 for none (default: {DEFAULTS.print_every}; "
                          "a progress bar every epoch for images)")
    out.add_argument("--seed", type=int, default=None if not lab else DEFAULTS.seed,
                     help=f"seed of every random choice (default: {DEFAULTS.seed})")
    out.add_argument("--debug", action="store_true", help="show a traceback on errors")


def _add_train_options(p):
    # Options default to None so that each data set can bring its own defaults (RunConfig.for_dataset).
    lab, img = RunConfig(), RunConfig.for_dataset(dataset="mnist")
    d = p.add_argument_group("data")
    d.add_argument("--dataset", help=f"one of {', '.join(ALL_DATASETS)} (default: xor)")
    d.add_argument("--n", type=int, help="training samples: points to draw (default: 100 for linear, 400 chessboard, "
                                         "200 circles, 300 spiral and blobs), or a random subset of the images")
    d.add_argument("--noise", type=float, help=f"standard deviation of the jitter on the points (default: {lab.noise})")
    d.add_argument("--classes", type=int, help=f"classes of spiral and blobs (default: {lab.classes})")
    d.add_argument("--test-size", type=int, help="test samples: fresh points (default: as many as --n), a random "
                                                 "subset of the test images, or CSV rows held out (default: 10%%)")
    d.add_argument("--val-size", type=int, help="images or CSV rows held out of training for validation "
                                                f"(default: {DEFAULT_VAL_SIZE:,}, or 10%% of smaller sets; 0 for none)")
    d.add_argument("--data-dir", metavar="DIR", help="folder holding the MNIST-style files (default: the cache, "
                                                     "$BACKPROPLAB_DATA/<dataset> or ~/.cache/backproplab/<dataset>)")
    d.add_argument("--no-download", dest="download", action="store_false", default=None,
                   help="never download missing data files; fail with where to put them")
    d.add_argument("--data", metavar="CSV", help="--dataset csv: a table with a label column, e.g. Kaggle's train.csv")
    d.add_argument("--label-column", help=f"--dataset csv: name of the label column (default: {lab.label_column})")
    n = p.add_argument_group("network")
    n.add_argument("--model", help=f"{', '.join(MODELS)}; cnn is conv 3x3 + ReLU + max-pool blocks, then the mlp (default: mlp)")
    n.add_argument("--hidden", type=int, nargs="+", metavar="WIDTH",
                   help="width of each hidden layer, e.g. --hidden 8 8 (default: 8 8; 256 128 for images, 128 for cnn)")
    n.add_argument("--conv", type=int, nargs="+", metavar="CHANNELS",
                   help=f"cnn: channels of each conv block (default: {' '.join(map(str, img.conv))})")
    n.add_argument("--batch-norm", action=argparse.BooleanOptionalAction,
                   help="cnn: batch normalisation after each convolution (default: off)")
    n.add_argument("--activation", nargs="+", metavar="NAME",
                   help=f"hidden activation, one for all or one per layer: {', '.join(HIDDEN_ACTIVATIONS)}; "
                        "identity means none (default: sigmoid; relu for images)")
    n.add_argument("--dropout", type=float, help="dropout probability after each hidden layer "
                                                 "(default: 0; 0.2 for the images mlp, 0.25 for cnn)")
    n.add_argument("--output-activation",
                   help=f"{', '.join(OUTPUT_ACTIVATIONS)}; auto is sigmoid for mse/bce and logits for cross_entropy")
    n.add_argument("--loss", help=f"{', '.join(LOSS_NAMES)} (default: {lab.loss}; cross_entropy for images)")
    n.add_argument("--init", help=f"weight initialiser: {', '.join(INITIALIZERS)} (default: {lab.init}; he for images)")
    n.add_argument("--dtype", help="float64 or float32 (default: float64; float32 for images)")
    o = p.add_argument_group("optimisation")
    o.add_argument("--optimizer", help=f"{', '.join(OPTIMIZERS)} (default: {lab.optimizer})")
    o.add_argument("--lr", type=float, help=f"learning rate (default: {lab.lr}; {img.lr} for images)")
    o.add_argument("--momentum", type=float, help=f"for momentum and nesterov (default: {lab.momentum})")
    o.add_argument("--weight-decay", type=float, help="L2 penalty; decoupled for adamw (default: 0)")
    o.add_argument("--beta1", type=float, help=f"Adam's first-moment decay (default: {lab.beta1})")
    o.add_argument("--beta2", type=float, help=f"Adam's second-moment decay (default: {lab.beta2})")
    o.add_argument("--eps", type=float, help=f"Adam/RMSprop denominator term (default: {lab.eps})")
    o.add_argument("--alpha", type=float, help=f"RMSprop's smoothing constant (default: {lab.alpha})")
    o.add_argument("--schedule", help=f"learning-rate schedule: {', '.join(SCHEDULES)} (default: constant; cosine for images)")
    o.add_argument("--step-size", type=int, help=f"step: multiply the rate by --gamma every this many epochs (default: {lab.step_size})")
    o.add_argument("--gamma", type=float, help=f"step/exponential decay factor (default: {lab.gamma})")
    o.add_argument("--t-max", type=int, help="cosine: epochs to reach the minimum (default: --epochs)")
    o.add_argument("--patience", type=int, help=f"plateau: epochs without improvement before cutting (default: {lab.patience})")
    o.add_argument("--factor", type=float, help=f"plateau: factor the rate is cut by (default: {lab.factor})")
    o.add_argument("--epochs", type=int, help=f"passes over the data (default: {lab.epochs}; 40 for the images mlp, 15 for cnn)")
    o.add_argument("--batch-size", type=int, help="samples per update; default full batch (128 for the images mlp, "
                                                  "64 for cnn), 1 for per-sample SGD")
    o.add_argument("--target-accuracy", type=float, metavar="FRACTION", help="stop once training accuracy reaches this, e.g. 1.0")
    o.add_argument("--early-stopping", type=int, metavar="PATIENCE",
                   help="stop after this many epochs without a better --monitor, keeping the best weights (default: off)")
    o.add_argument("--monitor", help=f"what early stopping watches: {', '.join(MONITORS)} (default: val_loss)")


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
    lab.add_argument("--report", action="store_true",
                     help="also run the discussion's sweeps (learning rate, hidden units, activation) and write report.html")
    train = sub.add_parser("train", help="train any network on generated points, MNIST, Fashion-MNIST or a CSV",
                           description="Train a network with every choice exposed. On 2-D points it writes the same files as one "
                                       "data set of 'lab'; on images or a CSV also a confusion matrix, misclassified "
                                       "images and a checkpoint after every epoch (--resume).")
    _add_train_options(train)
    train.add_argument("--resume", metavar="RUN_DIR",
                       help="continue the interrupted image/CSV run in RUN_DIR from its last finished epoch")
    _add_run_options(train)
    sweep = sub.add_parser("sweep", help="run a grid of settings over several seeds, with a summary and figures",
                           description="Run every combination of the --vary values (or those of a TOML file such as "
                                       "experiments/learning-rate.toml), each for --seeds seeds, in parallel; "
                                       "write results.jsonl, summary.md and figures to one folder.")
    sweep.add_argument("file", nargs="?", metavar="CONFIG.toml", help="a sweep file (title, question, [base], [vary], [sweep])")
    sweep.add_argument("--vary", action="append", default=[], metavar="NAME=V1,V2",
                       help="an option and its values, e.g. --vary lr=0.001,0.01,0.1 (repeat for a grid)")
    sweep.add_argument("--seeds", type=int, help="seeds per setting: 0 .. N-1 (default: 5)")
    sweep.add_argument("--target", type=float, metavar="FRACTION",
                       help="training accuracy counted as reached (default: 1.0)")
    sweep.add_argument("--workers", type=int, help="parallel processes (default: the number of cores)")
    sweep.add_argument("--resume", metavar="SWEEP_DIR", help="finish an interrupted sweep: run only what is missing")
    sweep.add_argument("--report", action="store_true", help="also write report.html and report.md")
    sweep.add_argument("--show-seed", type=int, default=0, metavar="S",
                       help="draw the decision boundaries of the networks trained with this seed (default: 0)")
    _add_train_options(sweep)
    _add_run_options(sweep)
    report = sub.add_parser("report", help="write report.html and report.md for a run, a sweep or a lab folder",
                            description="One self-contained HTML page (figures embedded) and a Markdown version.")
    report.add_argument("folder", metavar="RUN_OR_SWEEP_DIR")
    report.add_argument("--debug", action="store_true", help="show a traceback on errors")
    sub.add_parser("bench", help="time backproplab against PyTorch and scikit-learn (see 'backproplab bench --help')",
                   add_help=False)
    predict = sub.add_parser("predict", help="predict classes for a CSV with a saved model (or write a Kaggle submission)",
                             description="Load a model.npz written by 'lab' or 'train' and print its prediction for every row of a CSV file of features.")
    predict.add_argument("--model", required=True, metavar="FILE", help="model file (.npz)")
    predict.add_argument("--data", required=True, metavar="CSV", help="comma-separated features, one sample per row (a header row is skipped)")
    predict.add_argument("--kaggle", metavar="CSV", help="write a Kaggle submission (ImageId,Label) to this file instead of printing")
    predict.add_argument("--force", action="store_true", help="allow --kaggle to replace an existing file")
    predict.add_argument("--debug", action="store_true", help="show a traceback on errors")
    return parser


_CONFIG_OPTIONS = [f.name for f in fields(RunConfig)]


def _config_options(args):
    """The RunConfig options given on the command line (None means not given)."""
    given = {name: getattr(args, name) for name in _CONFIG_OPTIONS if getattr(args, name, None) is not None}
    for name in ("hidden", "activation", "conv"):
        if name in given:
            given[name] = tuple(given[name])
    return given


def _run_lab(args, write):
    from .outputs import new_run_folder, run_to_folder

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
    if args.report:
        from .experiments import run_sweep, write_sweep_outputs
        from .report import write_report

        for name, spec in lab_sweeps(args.epochs).items():
            write(f"\n== sweep: {spec.title} ==")
            folder = os.path.join(root, "sweeps", name)
            write_sweep_outputs(spec, folder, run_sweep(spec, folder, write=write, progress_stream=sys.stdout))
        write(f"report: {write_report(root)}")
    return 1 if any(m["diverged"] for m in results.values()) else 0


def lab_sweeps(epochs):
    """The lab discussion's questions, on XOR over 3 seeds (the full versions are in experiments/)."""
    from .experiments import SweepSpec

    base = {"dataset": "xor", "epochs": epochs}
    return {
        "learning-rate": SweepSpec(base=base, vary={"lr": [0.001, 0.01, 0.1, 1.0]}, seeds=3,
                                   title="What does the learning rate do?",
                                   question="The lab's network on XOR with Adam at four learning rates."),
        "hidden-units": SweepSpec(base=base, vary={"hidden": ["1-1", "2-2", "4-4", "8-8", "16-16"]}, seeds=3,
                                  title="What does the number of hidden units do?",
                                  question="Two hidden layers of 1 to 16 units on XOR."),
        "activation": SweepSpec(base=base, vary={"activation": ["identity", "sigmoid", "tanh", "relu"]}, seeds=3,
                                title="What happens without activation functions?",
                                question="identity means no activation: the network is then a linear model."),
    }


def _run_train(args, write):
    from .outputs import CHECKPOINT, new_run_folder, remove_if_empty, run_images_to_folder, run_to_folder

    if args.resume:
        return _resume(args, write)
    config = RunConfig.for_dataset(**_config_options(args))
    folder = new_run_folder(args.out, config.dataset, args.force)
    write(f"writing to {folder}")
    write(f"== {config.dataset}: {describe(config)} ==")
    try:
        if config.is_table:
            write(f"checkpoint after every epoch: {os.path.join(folder, CHECKPOINT)} "
                  f"(continue an interrupted run with: backproplab train --resume {folder})")
            metrics = run_images_to_folder(config, folder, write)
        else:
            metrics = run_to_folder(config, folder, write)
    except BackproplabError:
        remove_if_empty(folder)  # e.g. missing data files: leave no empty run folder behind
        raise
    write(f"figures, model and metrics in {folder}")
    return 1 if metrics["diverged"] else 0


def _resume(args, write):
    from .outputs import CHECKPOINT, run_images_to_folder
    from .training import read_checkpoint

    extra = sorted(set(_config_options(args)) | ({"out"} if args.out else set()))
    if extra:
        raise ConfigError(
            f"--resume continues the saved run with its own settings; drop {', '.join(option(n) for n in extra)}"
        )
    path = os.path.join(args.resume, CHECKPOINT)
    if not os.path.isfile(path):
        raise ConfigError(f"--resume {args.resume!r}: no {CHECKPOINT} there; give the folder of an image or CSV run")
    record, _ = read_checkpoint(path)
    config = RunConfig.from_dict(record["metadata"]["config"])
    done = len(record["history"]["epoch"])
    write(f"== {config.dataset}: {describe(config)} ==")
    if done >= config.epochs or record["history"]["stop_reason"] != "completed":
        write(f"the run in {args.resume} already finished ({done} epochs); writing its results again")
    metrics = run_images_to_folder(config, args.resume, write, resume=True)
    write(f"figures, model and metrics in {args.resume}")
    return 1 if metrics["diverged"] else 0


def _run_sweep(args, write):
    from .experiments import SweepSpec, parse_vary, read_spec, run_sweep, sentences, table, write_sweep_outputs
    from .outputs import new_run_folder
    from .report import write_report

    if args.seed is not None:
        raise ConfigError("a sweep runs seeds 0 .. N-1; give their number with --seeds N instead of --seed")
    options = {k: v for k, v in _config_options(args).items() if k != "print_every"}
    if args.resume:
        extra = sorted(set(options) | {n for n in ("file", "seeds", "target") if getattr(args, n) is not None}
                       | ({"vary"} if args.vary else set()) | ({"out"} if args.out else set()))
        if extra:
            raise ConfigError(f"--resume finishes the saved sweep as it was; drop {', '.join(extra)}")
        spec, folder = read_spec(args.resume), args.resume
    else:
        if args.file:
            spec = SweepSpec.from_toml(args.file)
            base, vary = {**spec.base, **options}, {**spec.vary, **parse_vary(args.vary, options)}
            spec = SweepSpec(base=base, vary=vary, seeds=spec.seeds if args.seeds is None else args.seeds,
                             target_accuracy=spec.target_accuracy if args.target is None else args.target,
                             title=spec.title, question=spec.question)
        else:
            if not args.vary:
                raise ConfigError("sweep needs a CONFIG.toml or at least one --vary NAME=V1,V2")
            spec = SweepSpec(base=options, vary=parse_vary(args.vary, options),
                             seeds=5 if args.seeds is None else args.seeds,
                             target_accuracy=1.0 if args.target is None else args.target,
                             title="Sweep of " + ", ".join(parse_vary(args.vary, options)))
    if args.workers is not None and args.workers < 1:
        raise ConfigError(f"--workers must be >= 1, got {args.workers}")
    if not 0 <= args.show_seed < spec.seeds:
        raise ConfigError(f"--show-seed must be one of the sweep's seeds 0..{spec.seeds - 1}, got {args.show_seed}")
    if not args.resume:
        label = os.path.splitext(os.path.basename(args.file))[0] if args.file else "sweep"
        folder = new_run_folder(args.out, label, args.force)
    write(f"writing to {folder}")
    try:
        results = run_sweep(spec, folder, workers=args.workers, write=write, progress_stream=sys.stdout)
    except KeyboardInterrupt:
        write(f"interrupted; finished runs are kept in {folder}; continue with: backproplab sweep --resume {folder}")
        return 130
    rows = write_sweep_outputs(spec, folder, results, seed=args.show_seed)
    write("")
    for line in table(spec, rows) + [""] + sentences(spec, rows):
        write(line)
    if args.report:
        write(f"report: {write_report(folder)}")
    write(f"results, summary and figures in {folder}")
    return 0


def _run_report(args, write):
    from .report import write_report

    write(f"wrote {write_report(args.folder)} and report.md")
    return 0


def _run_predict(args, write):
    from .data.csv_table import read_points
    from .outputs import positive_class_scores
    from .model_file import load_model
    from .nn import Conv2d, get_loss
    from .training import predict_output

    model, metadata = load_model(args.model)
    if args.kaggle and os.path.exists(args.kaggle) and not args.force:
        raise ConfigError(f"--kaggle {args.kaggle!r} already exists; choose another name or add --force to replace it")
    X = read_points(args.data)
    first = model.layers[0] if hasattr(model, "layers") else model
    dtype = model.parameters()[0].data.dtype
    inputs = (X / metadata.get("input_scale", 1.0)).astype(dtype)
    if isinstance(first, Conv2d):
        height, width = metadata.get("image_shape") or (0, 0)
        if X.shape[1] != height * width:
            raise BackproplabError(f"{args.data!r} has {X.shape[1]} columns, the model takes {height}x{width} = "
                                   f"{height * width} pixels per row")
        inputs = inputs.reshape(len(X), first.in_channels, height, width)
    else:
        n_in = model.parameters()[0].shape[1]
        if X.shape[1] != n_in:
            raise BackproplabError(f"{args.data!r} has {X.shape[1]} columns, the model takes {n_in} features")
    loss_fn = get_loss(metadata.get("loss", "mse"))
    output = predict_output(model, inputs)
    labels = loss_fn.predict(output)
    if args.kaggle:
        _write_submission(args.kaggle, labels)
        write(f"wrote {len(labels):,} predictions to {args.kaggle} (ImageId,Label)")
        return 0
    scores = positive_class_scores(loss_fn, output)
    names = metadata.get("class_names")
    for i, (row, label) in enumerate(zip(X, labels)):
        score = f"{scores[i]:.5f}" if scores.ndim == 1 else f"{scores[i].max():.5f}"
        shown = ", ".join(f"{v:g}" for v in row[:8]) + (", ..." if len(row) > 8 else "")
        name = f" ({names[int(label)]})" if names and names[int(label)] != str(int(label)) else ""
        write(f"sample {i} | {shown} | class {int(label)}{name} | score {score}")
    return 0


def _write_submission(path, labels):
    """Kaggle's digit-recognizer format: a header, then ImageId (from 1) and Label; written atomically."""
    folder = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(folder, f".tmp-{os.path.basename(path)}")
    with open(tmp, "w", newline="") as f:
        f.write("ImageId,Label\n")
        f.writelines(f"{i},{int(label)}\n" for i, label in enumerate(labels, start=1))
    os.replace(tmp, path)


def describe(config):
    acts = "/".join(config.hidden_activations())
    widths = "-".join(str(w) for w in config.hidden)
    network = f"hidden {widths} {acts}"
    if config.model == "cnn":
        norm = " batch-norm" if config.batch_norm else ""
        network = f"cnn conv {'-'.join(map(str, config.conv))}{norm}, " + network
    if config.dropout:
        network += f", dropout {config.dropout:g}"
    text = (f"{network}, loss {config.loss}, {config.optimizer} lr {config.lr:g}, "
            f"{config.epochs} epochs, init {config.init}, seed {config.seed}")
    if config.batch_size:
        text += f", batch {config.batch_size}"
    if config.schedule != "constant":
        text += f", schedule {config.schedule}"
    if config.dtype != "float64":
        text += f", {config.dtype}"
    return text


def main(argv=None):
    """Entry point of the ``backproplab`` command; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:  # the benchmark has its own parser (and re-runs itself with thread settings)
        from .bench import main as bench_main

        return bench_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    write = print
    commands = {"lab": _run_lab, "train": _run_train, "predict": _run_predict, "sweep": _run_sweep,
                "report": _run_report}
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
