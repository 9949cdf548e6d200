"""``backproplab check``: a student's own backprop against the engine's, first wrong number first."""


def add_parser(sub):
    sub.add_parser(
        "check", help="check a student's own backprop against the engine: the first wrong number, and why",
        description="Run a student's network (a file with the check protocol, see docs/check.md) in a child "
                    "process, compare every forward value, gradient and update with the engine's and with central "
                    "differences of its own forward pass, and name the first place they part and the likely mistake. "
                    "Given a folder, grade every submission in it.",
        arguments=_add_arguments)


def _add_arguments(parser):
    from ..check import command  # here, not above: the checker's options come with the checker, not needed for --help

    command.add_arguments(parser)


def run(args, write):
    from ..check import command

    return command.run(args, write)
