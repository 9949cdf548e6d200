"""SIGTERM stops a command as Ctrl-C does, so that it unwinds and keeps what finished."""

import signal
import threading
from contextlib import contextmanager


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, ``timeout``, a batch system's time limit), raised where a Ctrl-C would be.

    Dying at once would leave a sweep's worker processes training on, orphaned;
    unwinding stops them and keeps what finished, as Ctrl-C does.
    """

    word, status = "terminated", 143  # 128 + SIGTERM's number, as a shell reports it


def _terminate(signum, frame):
    raise Terminated


def stopped(e):
    """How a command stopped by ``e`` (Ctrl-C or SIGTERM) says so, and its exit status."""
    return getattr(e, "word", "interrupted"), getattr(e, "status", 130)


@contextmanager
def terminate_as_interrupt():
    """While inside: SIGTERM raises Terminated. Only the main thread may set handlers; elsewhere nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
