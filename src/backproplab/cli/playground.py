"""``backproplab playground``: a local web page where a network trains live on 2-D data."""


def add_parser(sub):
    playground = sub.add_parser("playground", help="a local web page where a network trains live on 2-D data",
                                description="Serve the playground page on this computer and open it: pick data, "
                                            "features and a network, press play and watch backproplab train it.")
    playground.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    playground.add_argument("--host", default="127.0.0.1",
                            help="address to listen on (default: 127.0.0.1, this computer only)")
    playground.add_argument("--no-browser", action="store_true", help="print the address without opening a browser")
    playground.add_argument("--debug", action="store_true", help="show a traceback on errors")


def run(args, write):
    from ..playground import serve  # here, not above: the server is not needed to print --help

    return serve(args.host, args.port, open_browser=not args.no_browser, write=write)
