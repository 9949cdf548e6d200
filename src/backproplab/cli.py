"""The command line: ``backproplab lab``, ``backproplab train``, ``backproplab predict``.

This module only wires options to the library; it contains no maths.
"""

import argparse
import os
import signal
import sys
import threading
import traceback
from dataclasses import fields

from .bench import main as bench_main
from .data.csv_table import read_points
from .atomic import write_text
from .errors import BackproplabError, ConfigError, WriteError
from .experiments import SweepSpec, parse_vary, read_spec, run_sweep, sentences, table, write_sweep_outputs
from .experiments.executors import check_scheduler
from .experiments.lab_questions import SWEEPS_FOLDER, lab_sweeps
from .experiments.shipped import describe_shipped, find_sweep_file
from .experiments.spec import SPEC_FILE
from .model_file import load_model
from .nn import get_loss
from .outputs import (
    CHECKPOINT, check_run_folder, lock_folder, new_run_folder, positive_class_scores, release_folders, remove_if_empty,
    write_image_run, write_points_run,
)
from .playground import serve as serve_playground
from .progress import set_bar_factory
from .report import write_report
from .run import RunConfig, describe, option, prepare, prepare_inputs, train_recorded
from .run.bars import terminal_bar
from .run.predict import write_predictions
from .run.config import GROUPS, help_text
from .run.trace_sample import NOT_TRACED, trace_input
from .tracing import FORMATS, trace
from .training import predict_output, read_checkpoint
from .validation import check_choice, check_int
from .version import __version__

LAB_DATASETS = ("linear", "xor")


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, ``timeout``, a batch system's time limit), raised where a Ctrl-C would be.

    Dying at once would leave a sweep's worker processes training on, orphaned;
    unwinding stops them and keeps what finished, as Ctrl-C does.
    """

    word, status = "terminated", 143  # 128 + SIGTERM's number, as a shell reports it


def _terminate(signum, frame):
    raise Terminated


def _stopped(e):
    """How a command stopped by ``e`` (Ctrl-C or SIGTERM) says so, and its exit status."""
    return getattr(e, "word", "interrupted"), getattr(e, "status", 130)


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit status 2, and no abbreviated options.

    With abbreviations, an option a command lacks can silently become another one
    (``trace --out x`` was read as ``--output-activation x``).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message):
        self.exit(2, f"error: {message} (see '{self.prog} --help')\n")


def _add_config_option(group, f, default=None, lab_only=False, hidden=False):
    """One RunConfig field as an option, as its metadata declares it (``hidden``: left out of --help)."""
    meta = f.metadata
    shown = argparse.SUPPRESS if hidden else help_text(f, lab_only).replace("%", "%%")
    kwargs = {"help": shown, "default": default, "dest": f.name}
    if meta.get("type") is bool:
        if "flag" in meta:  # an option that turns a default-on setting off, such as --no-download
            kwargs.update(action="store_false", dest=f.name)
            return group.add_argument(meta["flag"], **kwargs)
        kwargs["action"] = argparse.BooleanOptionalAction
    else:
        kwargs.update({k: meta[k] for k in ("type", "nargs", "metavar") if k in meta})
    return group.add_argument(option(f.name), **kwargs)


def _add_config_options(parser, names=None, defaults=False, hidden=()):
    """Argument groups of RunConfig fields (all, or ``names``), built from the fields' metadata.

    Options default to None, so that each data set can bring its own defaults
    (RunConfig.for_dataset); with ``defaults`` they take RunConfig's (the lab's). Those
    named in ``hidden`` are parsed but left out of --help (the command refuses them in its own words).
    """
    groups = {name: parser.add_argument_group(name) for name in GROUPS}
    for f in fields(RunConfig):
        if names is None or f.name in names:
            _add_config_option(groups[f.metadata["group"]], f, f.default if defaults else None, lab_only=defaults,
                               hidden=f.name in hidden)
    return groups


def _add_output_options(group, label):
    group.add_argument("--out", metavar="DIR", help=f"folder to write to (default: runs/<timestamp>-{label}/)")
    group.add_argument("--force", action="store_true", help="allow --out to name a folder that already holds files")
    group.add_argument("--debug", action="store_true", help="show a traceback on errors")


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
    _add_output_options(_add_config_options(lab, ("epochs", "seed", "print_every"), defaults=True)["output"], "lab")
    lab.add_argument("--report", action="store_true",
                     help="also run the lab's questions as short sweeps (learning rate, hidden units, no activation) "
                          "and write report.html")
    train = sub.add_parser("train", help="train any network on generated points, MNIST, Fashion-MNIST or a CSV",
                           description="Train a network with every choice exposed. On 2-D points it writes the same files as one "
                                       "data set of 'lab'; on images or a CSV also a confusion matrix, misclassified "
                                       "images and a checkpoint after every epoch (--resume).")
    train.add_argument("--resume", metavar="RUN_DIR",
                       help="continue the interrupted image/CSV run in RUN_DIR from its last finished epoch")
    _add_output_options(_add_config_options(train)["output"], "<dataset>")
    sweep = sub.add_parser("sweep", help="run a grid of settings over several seeds, with a summary and figures",
                           description="Run every combination of the --vary values (or those of a TOML file such as "
                                       "experiments/learning-rate.toml), each for --seeds seeds, in parallel; "
                                       "write results.jsonl, summary.md and figures to one folder.")
    sweep.add_argument("file", nargs="?", metavar="CONFIG.toml",
                       help="a sweep file (title, question, [base], [vary], [sweep]) or the name of a shipped one, "
                            "such as learning-rate (backproplab experiments lists them)")
    sweep.add_argument("--vary", action="append", default=[], metavar="NAME=V1,V2",
                       help="an option and its values, e.g. --vary lr=0.001,0.01,0.1 (repeat for a grid)")
    sweep.add_argument("--seeds", type=int, help="seeds per setting: 0 .. N-1 (default: 5)")
    sweep.add_argument("--target", type=float, metavar="FRACTION",
                       help="training accuracy counted as reached (default: 1.0)")
    sweep.add_argument("--workers", type=int, help="parallel processes (default: the number of cores)")
    sweep.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="run on the Dask cluster of this scheduler, or on a Dask LocalCluster of --workers "
                            "processes with 'local' (needs pip install 'backproplab[dask]')")
    sweep.add_argument("--resume", metavar="SWEEP_DIR", help="finish an interrupted sweep: run only what is missing")
    sweep.add_argument("--report", action="store_true", help="also write report.html and report.md")
    sweep.add_argument("--show-seed", type=int, default=0, metavar="S",
                       help="draw the decision boundaries of the networks trained with this seed (default: 0)")
    _add_output_options(_add_config_options(sweep, hidden=("print_every",))["output"], "sweep")
    sub.add_parser("experiments", help="list the sweeps that come with backproplab, with their questions",
                   description="The shipped sweep files, by the name backproplab sweep takes: "
                               "backproplab sweep learning-rate.")
    report = sub.add_parser("report", help="write report.html and report.md for a run, a sweep or a lab folder",
                            description="Write report.html, one self-contained page (figures embedded), and "
                                        "report.md, the same in Markdown, into a folder of 'train', 'sweep' or "
                                        "'lab': every run and sweep in it, with its set-up, results and figures. "
                                        "A lab folder gets the page a teacher hands out: the set-up, both data sets, "
                                        "and the lab's questions when 'lab --report' answered them.")
    report.add_argument("folder", metavar="DIR",
                        help="a folder written by 'train', 'sweep' or 'lab', or one holding such folders")
    report.add_argument("--debug", action="store_true", help="show a traceback on errors")
    _add_trace_parser(sub)
    sub.add_parser("bench", help="time backproplab against PyTorch and scikit-learn (see 'backproplab bench --help')",
                   add_help=False)
    predict = sub.add_parser("predict", help="predict classes for a CSV with a saved model (or write a Kaggle submission)",
                             description="Load a model.npz written by 'lab' or 'train' and print its prediction for every row of a CSV file of features.")
    predict.add_argument("--model", required=True, metavar="FILE", help="model file (.npz)")
    predict.add_argument("--data", required=True, metavar="CSV", help="comma-separated features, one sample per row (a header row is skipped)")
    predict.add_argument("--kaggle", metavar="CSV", help="write a Kaggle submission (ImageId,Label) to this file instead of printing")
    predict.add_argument("--out", metavar="CSV", help="write row,class,score for every row to this file instead of printing")
    predict.add_argument("--force", action="store_true", help="allow --kaggle or --out to replace an existing file")
    predict.add_argument("--debug", action="store_true", help="show a traceback on errors")
    playground = sub.add_parser("playground", help="a local web page where a network trains live on 2-D data",
                                description="Serve the playground page on this computer and open it: pick data, "
                                            "features and a network, press play and watch backproplab train it.")
    playground.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    playground.add_argument("--host", default="127.0.0.1",
                            help="address to listen on (default: 127.0.0.1, this computer only)")
    playground.add_argument("--no-browser", action="store_true", help="print the address without opening a browser")
    playground.add_argument("--debug", action="store_true", help="show a traceback on errors")
    parser.commands = sub.choices  # each command's parser, by name
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
    configs = [RunConfig(dataset=name, seed=args.seed, epochs=args.epochs, print_every=args.print_every)
               for name in LAB_DATASETS]
    root = new_run_folder(args.out, "lab", args.force)
    write(f"writing to {root}")
    results = {}
    for config in configs:
        write(f"\n== {config.dataset}: {describe(config)} ==")
        folder = os.path.join(root, config.dataset)
        os.makedirs(folder, exist_ok=True)
        results[config.dataset] = write_points_run(train_recorded(config, write), folder, write)
    write("\nsummary")
    for name, m in results.items():
        write(f"  {name:7s} final loss {m['final_loss']:.5f}  test accuracy {100 * m['test_accuracy']:.2f}%  "
              f"({m['epochs']:,} epochs, {m['seconds']:.2f} s)")
    write(f"figures, models and metrics in {root}")
    if args.report:
        for name, spec in lab_sweeps(args.epochs).items():
            write(f"\n== sweep: {spec.title} ==")
            folder = os.path.join(root, SWEEPS_FOLDER, name)
            write_sweep_outputs(spec, folder, run_sweep(spec, folder, write=write, progress_stream=sys.stdout))
        write(f"report: {write_report(root)}")
    return 1 if any(m["diverged"] for m in results.values()) else 0


def _run_train(args, write):
    if args.resume:
        return _resume(args, write)
    config = RunConfig.for_dataset(**_config_options(args))
    if args.out is not None:
        check_run_folder(args.out, args.force)  # before reading data, which can take a while
    # Data read and network built first: a bad size or data file is then the only output, with no folder made.
    # A batch size the user did not give may become the whole of a table smaller than it.
    prepared = prepare(config, fit_default_batch=args.batch_size is None)
    config = prepared.config
    folder = new_run_folder(args.out, config.dataset, args.force)
    write(f"writing to {folder}")
    write(f"== {config.dataset}: {describe(config)} ==")
    if prepared.note:
        write(prepared.note)
    try:
        if config.is_table:
            write(f"checkpoint after every epoch: {os.path.join(folder, CHECKPOINT)} "
                  f"(continue an interrupted run with: backproplab train --resume {folder})")
            metrics = _run_images(config, folder, write, prepared=prepared)
        else:
            metrics = write_points_run(train_recorded(config, write, prepared=prepared), folder, write)
    except BackproplabError:
        remove_if_empty(folder)  # an error before anything was written leaves no empty run folder behind
        raise
    write(f"figures, model and metrics in {folder}")
    return 1 if metrics["diverged"] else 0


def _resume(args, write):
    extra = sorted(set(_config_options(args)) | ({"out"} if args.out else set()))
    if extra:
        raise ConfigError(
            f"--resume continues the saved run with its own settings; drop {', '.join(option(n) for n in extra)}"
        )
    path = os.path.join(args.resume, CHECKPOINT)
    if not os.path.isfile(path):
        raise ConfigError(f"--resume {args.resume!r}: no {CHECKPOINT} there; give the folder of an image or CSV run")
    lock_folder(args.resume)
    record, _ = read_checkpoint(path)
    config = RunConfig.from_dict(record["metadata"]["config"])
    done = len(record["history"]["epoch"])
    prepared = prepare(config)  # e.g. data files that are gone: the only output
    write(f"== {config.dataset}: {describe(config)} ==")
    if done >= config.epochs or record["history"]["stop_reason"] != "completed":
        write(f"the run in {args.resume} already finished ({done} epoch{'' if done == 1 else 's'}); writing its results again")
    metrics = _run_images(config, args.resume, write, resume=True, prepared=prepared)
    write(f"figures, model and metrics in {args.resume}")
    return 1 if metrics["diverged"] else 0


def _run_images(config, folder, write, resume=False, prepared=None):
    """An image or CSV run into ``folder``; a refused write names the command that continues from the checkpoint."""
    try:
        return write_image_run(train_recorded(config, write, prepared, os.path.join(folder, CHECKPOINT), resume), folder, write)
    except WriteError as e:
        raise _with_resume_command(e, folder, CHECKPOINT, "train") from None


def _with_resume_command(error, folder, saved, command):
    """A refused write (``error``), naming ``backproplab COMMAND --resume FOLDER`` once ``folder`` holds ``saved``."""
    if not os.path.isfile(os.path.join(folder, saved)):
        return error  # nothing saved yet to continue from
    return WriteError(f"{error}; then continue with: backproplab {command} --resume {folder}")


def _run_experiments(args, write):
    for name, title, question in describe_shipped():
        write(f"{name}: {title}")
        write(f"    {question}")
    return 0


def _run_sweep(args, write):
    if args.seed is not None:
        raise ConfigError("a sweep runs seeds 0 .. N-1; give their number with --seeds N instead of --seed")
    options = _config_options(args)
    if "print_every" in options:  # a sweep's runs log nothing per epoch: one progress line counts the runs
        raise ConfigError("a sweep prints one progress line for its runs, not their epochs; drop --print-every")
    if args.resume:
        extra = sorted(set(options) | {n for n in ("file", "seeds", "target") if getattr(args, n) is not None}
                       | ({"vary"} if args.vary else set()) | ({"out"} if args.out else set()))
        if extra:
            raise ConfigError(f"--resume finishes the saved sweep as it was; drop {', '.join(extra)}")
        spec, folder = read_spec(args.resume), args.resume
        lock_folder(folder)
    else:
        if args.file:
            spec = SweepSpec.from_toml(find_sweep_file(args.file))
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
    check_int("--workers", args.workers, 1, allow_none=True)
    if args.workers is not None and args.scheduler not in (None, "local"):
        raise ConfigError(f"--scheduler {args.scheduler!r} runs on that cluster's workers; drop --workers")
    check_scheduler(args.scheduler)
    check_int("--show-seed", args.show_seed, 0, spec.seeds - 1, fix=f"the sweep's seeds are 0..{spec.seeds - 1}")
    if not args.resume:
        label = os.path.splitext(os.path.basename(args.file))[0] if args.file else "sweep"
        folder = new_run_folder(args.out, label, args.force)
    write(f"writing to {folder}")
    try:
        results = run_sweep(spec, folder, workers=args.workers, write=write, progress_stream=sys.stdout,
                            scheduler=args.scheduler)
        rows = write_sweep_outputs(spec, folder, results, seed=args.show_seed)
    except KeyboardInterrupt as e:
        word, status = _stopped(e)
        write(f"{word}; finished runs are kept in {folder}; continue with: backproplab sweep --resume {folder}")
        return status
    except WriteError as e:  # a full disk: what is written stays, and --resume takes it from there
        raise _with_resume_command(e, folder, SPEC_FILE, "sweep") from None
    write("")
    for line in table(spec, rows) + [""] + sentences(spec, rows):
        write(line)
    if args.report:
        write(f"report: {write_report(folder)}")
    write(f"results, summary and figures in {folder}")
    return 0


def _add_trace_parser(sub):
    trace_parser = sub.add_parser(
        "trace", help="show backpropagation on one sample: forward values, gradients, the update, all checked",
        description="Trace one sample through a network: every layer's forward values, the loss, every gradient "
                    "from the loss down (each compared with central differences) and the optimizer's update. "
                    "The network is the lab's, the one the options below describe, or a saved model.npz; "
                    "--steps N trains it first.")
    what = trace_parser.add_argument_group("what to trace")
    what.add_argument("--model-file", metavar="FILE",
                      help="a model.npz written by 'lab' or 'train' (default: build the network the options describe)")
    what.add_argument("--sample", type=int, metavar="I", help="trace training point I of the data set (default: 0)")
    what.add_argument("--x", type=float, nargs="+", metavar="V", help="trace this sample instead, e.g. --x 0.3 0.7")
    what.add_argument("--y", type=float, metavar="TARGET", help="the target of --x: a class label or a value")
    what.add_argument("--steps", type=int, default=0, metavar="N",
                      help="train N epochs first (one step each with the default full batch); default 0")
    what.add_argument("--format", default="text", help=f"{', '.join(FORMATS)} (default: text)")
    what.add_argument("--full", action="store_true", help="print every entry of large arrays, not a summary")
    what.add_argument("--debug", action="store_true", help="show a traceback on errors")
    _add_config_options(trace_parser, hidden=NOT_TRACED)  # those given are refused, --epochs naming --steps


def _run_trace(args, write):
    check_choice("trace format", args.format, FORMATS)
    found = trace_input(_config_options(args), args.model_file, args.sample, args.x, args.y, args.steps)
    result = trace(found.model, found.x, found.y, found.loss, found.optimizer)
    if args.format == "text":
        write(f"{found.source}\n")
    page = result.html_page(args.full) if args.format == "html" else result.render(args.format, full=args.full)
    write(page.rstrip("\n"))
    return 0


def _run_report(args, write):
    write(f"wrote {write_report(args.folder)} and report.md")
    return 0


def _run_predict(args, write):
    model, metadata = load_model(args.model)
    if args.kaggle and os.path.exists(args.kaggle) and not args.force:
        raise ConfigError(f"--kaggle {args.kaggle!r} already exists; choose another name or add --force to replace it")
    if args.out and os.path.exists(args.out) and not args.force:
        raise ConfigError(f"--out {args.out!r} already exists; choose another name or add --force to replace it")
    X = read_points(args.data)
    inputs = prepare_inputs(model, metadata, X, args.data)
    loss_fn = get_loss(metadata.get("loss", "mse"))
    output = predict_output(model, inputs)
    labels = loss_fn.predict(output)
    if args.kaggle:
        _write_submission(args.kaggle, labels)
        write(f"wrote {len(labels):,} predictions to {args.kaggle} (ImageId,Label)")
        return 0
    scores = positive_class_scores(loss_fn, output)
    names = metadata.get("class_names")
    if args.out:
        write_predictions(args.out, labels, scores, names)
        write(f"wrote {len(labels):,} predictions to {args.out} (row,class,score)")
        return 0
    for i, (row, label) in enumerate(zip(X, labels)):
        score = f"{scores[i]:.5f}" if scores.ndim == 1 else f"{scores[i].max():.5f}"
        shown = ", ".join(f"{v:g}" for v in row[:8]) + (", ..." if len(row) > 8 else "")
        name = f" ({names[int(label)]})" if names and names[int(label)] != str(int(label)) else ""
        write(f"sample {i} | {shown} | class {int(label)}{name} | score {score}")
    return 0


def _write_submission(path, labels):
    """Kaggle's digit-recognizer format: a header, then ImageId (from 1) and Label; written atomically."""
    write_text(path, "ImageId,Label\n" + "".join(f"{i},{int(label)}\n" for i, label in enumerate(labels, start=1)))


def _run_playground(args, write):
    return serve_playground(args.host, args.port, open_browser=not args.no_browser, write=write)


def main(argv=None):
    """Entry point of the ``backproplab`` command; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:  # the benchmark has its own parser (and re-runs itself with thread settings)
        return bench_main(argv[1:])
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the command's own parser, so that the line names its --help
        (parser.commands.get(args.command) or parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command is None:
        parser.print_help()
        return 0
    write = print
    commands = {"lab": _run_lab, "train": _run_train, "predict": _run_predict, "sweep": _run_sweep,
                "report": _run_report, "experiments": _run_experiments, "trace": _run_trace, "playground": _run_playground}
    previous_bars = set_bar_factory(terminal_bar)  # tqdm where a person watches, one line in a log
    in_main_thread = threading.current_thread() is threading.main_thread()  # only it may set handlers
    previous_term = signal.signal(signal.SIGTERM, _terminate) if in_main_thread else None
    try:
        return commands[args.command](args, write)
    except BackproplabError as e:
        if args.debug:
            traceback.print_exc()
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        word, status = _stopped(e)
        print(word, file=sys.stderr)
        return status
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous_term)
        set_bar_factory(previous_bars)
        release_folders()  # a command run from Python (a notebook) does not keep its folders


if __name__ == "__main__":
    sys.exit(main())
