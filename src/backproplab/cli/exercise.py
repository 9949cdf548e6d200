"""``backproplab exercise``: the lab's network to write by hand, with the check that grades it."""


def add_parser(sub):
    sub.add_parser(
        "exercise", help="write the lab's network as an exercise to fill in, with its check",
        description="Write network.py, the lab's network with stub forward, backward and update to fill in, and "
                    "the check_adapter.py that 'backproplab check DIR' grades it with. Nothing is overwritten.",
        arguments=_add_arguments)


def _add_arguments(parser):
    from ..check import command  # here, not above: the checker's options come with the checker, not needed for --help

    command.add_exercise_arguments(parser)


def run(args, write):
    from ..check import command

    return command.run_exercise(args, write)
