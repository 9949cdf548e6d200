"""``backproplab lab``: the lab's network on the linear and XOR data, and (--report) its questions."""

import os
import sys

from ..errors import ConfigError
from ..run import RunConfig, describe, train_recorded
from .options import add_config_options, add_output_options

LAB_DATASETS = ("linear", "xor")


def add_parser(sub):
    lab = sub.add_parser("lab", help="train the lab's network on the linear and XOR data, write figures",
                         description="Train the lab's network (two sigmoid hidden layers) on the lab's two data sets, "
                                     "print the training log and every test prediction, and write figures, "
                                     "metrics and models to one folder per data set.")
    add_output_options(add_config_options(lab, ("epochs", "seed", "print_every"), defaults=True)["output"], "lab")
    lab.add_argument("--report", action="store_true",
                     help="also run the lab's questions as short sweeps (learning rate, hidden units, no activation) "
                          "and write report.html")
    add_engine_arguments(lab, "the lab")


def add_engine_arguments(parser, what):
    """``--engine PATH`` and its ``--time-limit``, for a command that trains (``what``: 'the lab', 'the run')."""
    parser.add_argument("--engine", metavar="PATH",
                        help=f"run {what} with a student's own forward, backward and update (a file with the check "
                             "protocol, or a folder with its check_adapter.py: see docs/check.md), in a child process; "
                             "refused while 'backproplab check PATH' fails")
    parser.add_argument("--time-limit", type=float, metavar="SECONDS",
                        help="with --engine: wall time the student's code may take to train one data set "
                             "(default: 120)")


def engine_of(args):
    """The student's network of --engine (refused while its check fails), or None for the engine's."""
    if not args.engine:
        if args.time_limit is not None:
            raise ConfigError("--time-limit applies to --engine PATH, the student's code; drop it or add --engine")
        return None
    from ..check import StudentEngine  # the checker only when asked for: --help does not need it

    return StudentEngine(args.engine, args.time_limit)


def run(args, write):
    # Here, not above: the figures (matplotlib) and the report are not needed to print --help.
    from ..outputs import new_run_folder, write_points_run

    engine = engine_of(args)
    configs = [RunConfig(dataset=name, seed=args.seed, epochs=args.epochs, print_every=args.print_every)
               if engine is None else engine.lab_config(name, args.seed, args.epochs, args.print_every)
               for name in LAB_DATASETS]
    root = new_run_folder(args.out, "lab", args.force)
    write(f"writing to {root}")
    if engine is not None:
        write(engine.introduction())
    results = {}
    for config in configs:
        title = config.dataset if engine is None else engine.title(config.dataset)
        write(f"\n== {title}: {describe(config)} ==")
        folder = os.path.join(root, config.dataset)
        os.makedirs(folder, exist_ok=True)
        trained = train_recorded(config, write) if engine is None else engine.train(config, write)
        results[config.dataset] = write_points_run(trained, folder, write, title=title)
    write("\nsummary")
    for name, m in results.items():
        write(f"  {name:7s} final loss {m['final_loss']:.5f}  test accuracy {100 * m['test_accuracy']:.2f}%  "
              f"({m['epochs']:,} epochs, {m['seconds']:.2f} s)")
    write(f"figures, models and metrics in {root}")
    if args.report and engine is not None:  # the questions' sweeps would train the engine, not this network
        from ..report import write_report

        write(f"report: {write_report(root)} (the lab's questions are left out: their sweeps train the engine)")
    elif args.report:
        from ..experiments import run_sweep, write_sweep_outputs
        from ..experiments.lab_questions import SWEEPS_FOLDER, lab_sweeps
        from ..report import write_report

        for name, spec in lab_sweeps(args.epochs).items():
            write(f"\n== sweep: {spec.title} ==")
            folder = os.path.join(root, SWEEPS_FOLDER, name)
            write_sweep_outputs(spec, folder, run_sweep(spec, folder, write=write, progress_stream=sys.stdout))
        write(f"report: {write_report(root)}")
    return 1 if any(m["diverged"] for m in results.values()) else 0
