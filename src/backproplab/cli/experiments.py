"""``backproplab experiments``: the sweeps that come with backproplab, with their questions."""


def add_parser(sub):
    sub.add_parser("experiments", help="list the sweeps that come with backproplab, with their questions",
                   description="The shipped sweep files, by the name backproplab sweep takes: "
                               "backproplab sweep learning-rate.")


def run(args, write):
    from ..experiments.shipped import describe_shipped  # here, not above: the experiments import the figures

    for name, title, question in describe_shipped():
        write(f"{name}: {title}")
        write(f"    {question}")
    return 0
