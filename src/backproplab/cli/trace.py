"""``backproplab trace``: backpropagation on one sample, every value and gradient checked."""

from ..errors import ConfigError
from ..run.trace_sample import NOT_TRACED, trace_input
from ..tracing import DIGITS, FORMATS, trace
from ..validation import check_choice, check_int
from .options import add_config_options, config_options


def add_parser(sub):
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
    what.add_argument("--y", type=float, nargs="+", metavar="TARGET",
                      help="the target of --x: a class label, a value, or one value per output (--y 0.01 0.99)")
    what.add_argument("--steps", type=int, default=0, metavar="N",
                      help="train N epochs first (one step each with the default full batch); default 0")
    what.add_argument("--format", default="text", help=f"{', '.join(FORMATS)} (default: text)")
    what.add_argument("--full", action="store_true", help="print every entry of large arrays, not a summary")
    what.add_argument("--digits", type=int, default=DIGITS, metavar="N",
                      help=f"significant digits of the numbers printed (default: {DIGITS})")
    what.add_argument("--engine", metavar="PATH",
                      help="trace a student's own network (a file with the check protocol, see docs/check.md) "
                           "from the same weights, each of its numbers beside the engine's (text only)")
    what.add_argument("--debug", action="store_true", help="show a traceback on errors")
    add_config_options(trace_parser, hidden=NOT_TRACED)  # those given are refused, --epochs naming --steps


def run(args, write):
    check_choice("trace format", args.format, FORMATS)
    check_int("--digits", args.digits, 1, 17, fix="a float64 holds 17 significant digits")
    if args.engine:
        return _beside(args, write)
    found = trace_input(config_options(args), args.model_file, args.sample, args.x, args.y, args.steps)
    result = trace(found.model, found.x, found.y, found.loss, found.optimizer, update_notes=found.update_notes)
    if args.format == "text":
        write(f"{found.source}\n")
    if args.format == "html":
        page = result.html_page(args.full, args.digits)
    else:
        page = result.render(args.format, full=args.full, digits=args.digits)
    write(page.rstrip("\n"))
    return 0


def _beside(args, write):
    from ..check.trace_beside import trace_beside  # the checker only when asked for

    if args.format != "text":
        raise ConfigError(f"--engine traces as text; drop --format {args.format}")
    for line in trace_beside(args.engine, config_options(args), args.model_file, args.sample, args.x, args.y,
                             args.steps, args.digits):
        write(line)
    return 0
