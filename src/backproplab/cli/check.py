"""``backproplab check``: a student's own backprop against the engine's, first wrong number first."""

from ..check import command


def add_parser(sub):
    command.add_arguments(sub.add_parser(
        "check", help="check a student's own backprop against the engine: the first wrong number, and why",
        description="Run a student's network (a file with the check protocol, see docs/check.md) in a child "
                    "process, compare every forward value, gradient and update with the engine's and with central "
                    "differences of its own forward pass, and name the first place they part and the likely mistake. "
                    "Given a folder, grade every submission in it."))


def run(args, write):
    return command.run(args, write)
