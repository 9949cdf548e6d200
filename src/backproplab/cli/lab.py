"""``backproplab lab``: the lab's network on the linear and XOR data, and (--report) its questions."""

import os
import sys

from ..errors import ConfigError
from .options import add_config_options, add_output_options

LAB_DATASETS = ("linear", "xor")


def add_parser(sub):
    lab = sub.add_parser("lab", help="train the lab's network on the linear and XOR data, write figures",
                         description="Train the lab's network (two sigmoid hidden layers) on the lab's two data sets, "
                                     "print the training log and every test prediction, and write figures, "
                                     "metrics and models to one folder per data set.",
                   arguments=_add_arguments)


def _add_arguments(lab):
    """The options of 'lab', added on its parser's first use: RunConfig's fields import the run layer."""
    groups = add_config_options(lab, ("epochs", "seed", "print_every"), defaults=True)
    lab.set_defaults(epochs=None)  # the set-up's own (2,000 for the default and the classic one)
    setup = groups["model"].add_mutually_exclusive_group()
    setup.add_argument("--classic", action="store_true",
                       help="the lab hand-out's set-up: sigmoid, plain gradient descent at lr 1, standard-normal "
                            "weights (default: backproplab's, Adam at 0.01 from Xavier weights)")
    setup.add_argument("--setup", metavar="NAME|FILE",
                       help="a set-up of experiments/setups (backproplab experiments lists them) or a sweep file "
                            "without [vary]: its network and training on both lab data sets")
    add_output_options(groups["output"], "lab")
    lab.add_argument("--report", action="store_true",
                     help="also answer the lab's questions (learning rate, hidden units, activations, optimizers, "
                          "biases, losses, batch size, depth, step decay) by sweeps over 5 seeds, and write "
                          "report.html")
    lab.add_argument("--full", action="store_true",
                     help="with --report: add an appendix on the chessboard, MNIST and a convolutional network")
    add_engine_arguments(lab, "the lab")


def lab_setup(args):
    """The LabSetup the options name: --classic, --setup NAME|FILE, or the default."""
    from ..experiments.lab_setup import CLASSIC, DEFAULT, setup_from_file

    if args.classic:
        return CLASSIC
    return setup_from_file(args.setup) if args.setup else DEFAULT


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
    from ..experiments.lab_setup import write_lab_setup
    from ..outputs import new_run_folder, write_diagnosis, write_points_run
    from ..outputs.metrics import loss_text
    from ..run import describe, train_recorded

    if args.full and not args.report:
        raise ConfigError("--full adds an appendix to the report; give --report too")
    engine = engine_of(args)
    if engine is not None and (args.classic or args.setup):
        raise ConfigError("--engine runs your own network, whose file declares its set-up; drop "
                          f"{'--classic' if args.classic else '--setup'}")
    setup = lab_setup(args)
    epochs = args.epochs if args.epochs is not None else setup.value("epochs")
    configs = [setup.config(name, args.seed, args.epochs, args.print_every) if engine is None
               else engine.lab_config(name, args.seed, epochs, args.print_every) for name in LAB_DATASETS]
    root = new_run_folder(args.out, "lab", args.force)
    write(f"writing to {root}" + ("" if engine else f" (set-up: {setup.name})"))
    if engine is None:
        write_lab_setup(root, setup)
    else:
        write(engine.introduction())
    results = {}
    for config in configs:
        title = config.dataset if engine is None else engine.title(config.dataset)
        write(f"\n== {title}: {describe(config)} ==")
        folder = os.path.join(root, config.dataset)
        os.makedirs(folder, exist_ok=True)
        trained = train_recorded(config, write) if engine is None else engine.train(config, write)
        results[config.dataset] = write_points_run(trained, folder, write, title=title)
        write_diagnosis(results[config.dataset], write)  # each set's section ends with what went wrong on it
    write("\nsummary")
    for name, m in results.items():
        write(f"  {name:7s} final loss {loss_text(m['final_loss'])}  test accuracy {100 * m['test_accuracy']:.2f}%  "
              f"({m['epochs']:,} epochs, {m['seconds']:.2f} s)")
    write(f"figures, models and metrics in {root}")
    if args.report and engine is not None:  # the questions' sweeps would train the engine, not this network
        from ..report import write_report

        write(f"report: {write_report(root)} (the lab's questions are left out: their sweeps train the engine)")
    elif args.report:
        _questions(args, setup, configs[0].epochs, root, write)
    return 1 if any(m["diverged"] for m in results.values()) else 0


def _questions(args, setup, epochs, root, write):
    """Run the lab's question sweeps (and the appendix's, with --full) into ``root``, then write the report."""
    from ..experiments import run_sweep
    from ..experiments.executors import open_executor
    from ..experiments.lab_appendix import APPENDIX_FOLDER, appendix_sweeps
    from ..experiments.lab_questions import SWEEPS_FOLDER, lab_sweeps
    from ..report import write_report

    sweeps = [(os.path.join(SWEEPS_FOLDER, name), spec, words) for name, (_, words, spec) in
              lab_sweeps(setup, epochs).items()]
    if args.full:
        sweeps += [(os.path.join(APPENDIX_FOLDER, name), spec, "") for name, (_, spec) in
                   appendix_sweeps(setup, epochs).items()]
    with open_executor(os.cpu_count() or 1) as executor:  # one set of worker processes for every sweep
        for folder, spec, words in sweeps:
            write(f"\n== {spec.title}" + (f" With {words}." if words else "") + " ==")
            run_sweep(spec, os.path.join(root, folder), write=write, progress_stream=sys.stdout, executor=executor)
    write(f"report: {write_report(root)}")
