"""``backproplab exercise``: the lab's network to write by hand, with the check that grades it."""

from ..check import command


def add_parser(sub):
    command.add_exercise_arguments(sub.add_parser(
        "exercise", help="write the lab's network as an exercise to fill in, with its check",
        description="Write network.py, the lab's network with stub forward, backward and update to fill in, and "
                    "the check_adapter.py that 'backproplab check DIR' grades it with. Nothing is overwritten."))


def run(args, write):
    return command.run_exercise(args, write)
