"""``backproplab bench``: times backproplab against PyTorch and scikit-learn, with a parser of its own."""

from ..bench import main as bench_main


def add_parser(sub):
    sub.add_parser("bench", help="time backproplab against PyTorch and scikit-learn (see 'backproplab bench --help')",
                   add_help=False)


def run_argv(argv):
    """The benchmark reads its own options (and re-runs itself with thread settings)."""
    return bench_main(argv)
