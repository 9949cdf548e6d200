"""``main``: parse the command line, run the command, and turn errors and interrupts into a line and a status."""

import sys
import traceback

from ..errors import BackproplabError
from ..limits import out_of_memory
from ..progress import set_bar_factory
from . import bench
from .parser import COMMANDS, build_parser
from .signals import stopped, terminate_as_interrupt


def terminal_bar(*args, **options):
    """``run.bars.terminal_bar``, imported with tqdm when the first bar is drawn, not to print --help."""
    from ..run.bars import terminal_bar as tqdm_or_line

    return tqdm_or_line(*args, **options)


def in_words(error, command):
    """The line that says ``error``: its own message, or for memory that could not be had (where no reader
    or training loop said so in its own words) the size asked for and the limit that bounds it."""
    if isinstance(error, MemoryError):
        return out_of_memory("batch_bytes", command, "ask for less (a smaller batch, data set or network)",
                             error=error)
    return error


def main(argv=None):
    """Entry point of the ``backproplab`` command; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:  # the benchmark has its own parser (and re-runs itself with thread settings)
        return bench.run_argv(argv[1:])
    parser = build_parser(complete=False)
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # said by the command's own parser, so that the line names its --help
        (parser.commands.get(args.command) or parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command is None:
        parser.print_help()
        return 0
    # Imported here, not above: the folders' writers import matplotlib, which --help does not need.
    from ..outputs import release_folders

    previous_bars = set_bar_factory(terminal_bar)  # tqdm where a person watches, one line in a log
    try:
        with terminate_as_interrupt():
            return COMMANDS[args.command].run(args, print)
    except (BackproplabError, MemoryError) as e:
        if args.debug:
            traceback.print_exc()
        print(f"error: {in_words(e, args.command)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        word, status = stopped(e)
        print(word, file=sys.stderr)
        return status
    finally:
        set_bar_factory(previous_bars)
        release_folders()  # a command run from Python (a notebook) does not keep its folders


if __name__ == "__main__":
    sys.exit(main())
