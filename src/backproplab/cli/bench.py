"""``backproplab bench``: times backproplab against PyTorch and scikit-learn, with a parser of its own."""


def add_parser(sub):
    sub.add_parser("bench", help="time backproplab against PyTorch and scikit-learn (see 'backproplab bench --help')",
                   add_help=False)


def run_argv(argv):
    """The benchmark reads its own options (and re-runs itself with thread settings)."""
    from ..bench import main as bench_main  # here, not above: --help of the other commands does not need it

    return bench_main(argv)
