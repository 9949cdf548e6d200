"""``backproplab sweep``: a grid of settings over several seeds, in parallel, with a summary and figures."""

import os
import sys

from ..errors import ConfigError, WriteError
from ..run.config import FIELDS
from ..run.validate import flag
from ..validation import check_int
from .options import add_config_options, add_output_options, config_options
from .signals import stopped
from .train import with_resume_command


def add_parser(sub):
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
                            "processes with 'local' (needs pip install 'backproplab[dask]'); tls://HOST:PORT takes "
                            "the certificates of Dask's configuration; default: $DASK_SCHEDULER_ADDRESS if set")
    sweep.add_argument("--scheduler-file", metavar="FILE",
                       help="run on the Dask cluster whose scheduler wrote FILE (dask scheduler --scheduler-file)")
    sweep.add_argument("--resume", metavar="SWEEP_DIR", help="finish an interrupted sweep: run only what is missing")
    sweep.add_argument("--report", action="store_true", help="also write report.html and report.md")
    sweep.add_argument("--show-seed", type=int, default=0, metavar="S",
                       help="draw the decision boundaries of the networks trained with this seed (default: 0)")
    add_output_options(add_config_options(sweep, hidden=("print_every",))["output"], "sweep")


def _spec(args, options):
    """The sweep the command line describes: a file's, with the options given put over it, or the --vary grid."""
    from ..experiments import SweepSpec, parse_vary
    from ..experiments.spec import refuse_fixed_and_varied
    from ..experiments.shipped import find_sweep_file

    if args.file:
        return SweepSpec.from_toml(find_sweep_file(args.file)).with_overrides(
            options, parse_vary(args.vary, options), args.seeds, args.target)
    if not args.vary:
        raise ConfigError("sweep needs a CONFIG.toml or at least one --vary NAME=V1,V2")
    vary = parse_vary(args.vary, options)
    refuse_fixed_and_varied(options, vary)
    return SweepSpec(base=options, vary=vary, seeds=5 if args.seeds is None else args.seeds,
                     target_accuracy=1.0 if args.target is None else args.target,
                     title="Sweep of " + ", ".join(vary))


def run(args, write):
    # Here, not above: the sweeps, the figures (matplotlib) and the report are not needed to print --help.
    from ..experiments import read_spec, run_sweep, sentences, table, write_sweep_outputs
    from ..experiments.executors import check_scheduler, resolve_scheduler
    from ..experiments.spec import SPEC_FILE
    from ..outputs import lock_folder, new_run_folder
    from ..report import write_report

    if args.seed is not None:
        raise ConfigError("a sweep runs seeds 0 .. N-1; give their number with --seeds N instead of --seed")
    options = config_options(args)
    if "print_every" in options:  # a sweep's runs log nothing per epoch: one progress line counts the runs
        raise ConfigError("a sweep prints one progress line for its runs, not their epochs; drop --print-every")
    if args.resume:
        extra = sorted(set(options) | {n for n in ("file", "seeds", "target") if getattr(args, n) is not None}
                       | ({"vary"} if args.vary else set()) | ({"out"} if args.out else set()))
        if extra:  # named as they were typed, so that the advice can be followed as written
            typed = [args.file if name == "file" else flag(FIELDS[name]) if name in FIELDS
                     else "--" + name.replace("_", "-") for name in extra]
            raise ConfigError(f"--resume finishes the saved sweep as it was; drop {', '.join(typed)}")
        spec, folder = read_spec(args.resume), args.resume
        lock_folder(folder)
    else:
        spec = _spec(args, options)
    check_int("--workers", args.workers, 1, allow_none=True)
    scheduler = resolve_scheduler(args.scheduler, args.scheduler_file)
    if args.workers is not None and scheduler not in (None, "local"):
        raise ConfigError(f"--scheduler {scheduler!r} runs on that cluster's workers; drop --workers")
    check_scheduler(scheduler)
    check_int("--show-seed", args.show_seed, 0, spec.seeds - 1, fix=f"the sweep's seeds are 0..{spec.seeds - 1}")
    if not args.resume:
        label = os.path.splitext(os.path.basename(args.file))[0] if args.file else "sweep"
        folder = new_run_folder(args.out, label, args.force)
    write(f"writing to {folder}")
    try:
        results = run_sweep(spec, folder, workers=args.workers, write=write, progress_stream=sys.stdout,
                            scheduler=args.scheduler, scheduler_file=args.scheduler_file)
        rows = write_sweep_outputs(spec, folder, results, seed=args.show_seed)
    except KeyboardInterrupt as e:
        word, status = stopped(e)
        write(f"{word}; finished runs are kept in {folder}; continue with: backproplab sweep --resume {folder}")
        return status
    except WriteError as e:  # a full disk: what is written stays, and --resume takes it from there
        raise with_resume_command(e, folder, SPEC_FILE, "sweep") from None
    write("")
    for line in table(spec, rows) + [""] + sentences(spec, rows):
        write(line)
    if args.report:
        write(f"report: {write_report(folder)}")
    write(f"results, summary and figures in {folder}")
    return 0
