"""``backproplab trace``: backpropagation on one sample, every value and gradient checked."""

from ..run.trace_sample import NOT_TRACED, trace_input
from ..tracing import FORMATS, trace
from ..validation import check_choice
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
    what.add_argument("--y", type=float, metavar="TARGET", help="the target of --x: a class label or a value")
    what.add_argument("--steps", type=int, default=0, metavar="N",
                      help="train N epochs first (one step each with the default full batch); default 0")
    what.add_argument("--format", default="text", help=f"{', '.join(FORMATS)} (default: text)")
    what.add_argument("--full", action="store_true", help="print every entry of large arrays, not a summary")
    what.add_argument("--debug", action="store_true", help="show a traceback on errors")
    add_config_options(trace_parser, hidden=NOT_TRACED)  # those given are refused, --epochs naming --steps


def run(args, write):
    check_choice("trace format", args.format, FORMATS)
    found = trace_input(config_options(args), args.model_file, args.sample, args.x, args.y, args.steps)
    result = trace(found.model, found.x, found.y, found.loss, found.optimizer)
    if args.format == "text":
        write(f"{found.source}\n")
    page = result.html_page(args.full) if args.format == "html" else result.render(args.format, full=args.full)
    write(page.rstrip("\n"))
    return 0
