"""The parser of every command, each added by its own module (``COMMANDS``, in the order --help lists them)."""

from ..version import __version__
from . import bench, check, exercise, experiments, lab, playground, predict, report, sweep, trace, train
from .options import Parser

# command -> its module: ``add_parser(sub)`` adds its parser, ``run(args, write)`` runs it.
COMMANDS = {"lab": lab, "train": train, "sweep": sweep, "experiments": experiments, "report": report,
            "trace": trace, "bench": bench, "predict": predict, "playground": playground, "check": check,
            "exercise": exercise}


def build_parser(complete=True):
    """The parser of every command; with ``complete=False``, a command's deferred arguments wait for its first
    use (``Parser``), which ``main`` takes so that 'backproplab --help' imports nothing it does not print."""
    parser = Parser(
        prog="backproplab",
        description="Neural networks from scratch in NumPy, with backpropagation you can read.",
        epilog="Start with 'backproplab lab'. Each command's --help lists its options.",
    )
    parser.add_argument("--version", action="version", version=f"backproplab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS.values():
        command.add_parser(sub)
    parser.commands = sub.choices  # each command's parser, by name
    if complete:
        for command_parser in parser.commands.values():
            command_parser.add_deferred_arguments()
    return parser
