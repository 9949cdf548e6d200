"""Sizes checked before anything is allocated, and files checked before they are opened.

A size read from an option or a file is compared with a stated limit before
any array of that size exists, so a typo such as ``--hidden 100000 100000`` or
a damaged header claiming 10^12 values gets one line, not a MemoryError or a
machine that swaps. The limits are generous; each can be raised with an
environment variable when a user really means it.
"""

import math
import os
import stat
from contextlib import contextmanager

from .errors import ConfigError

# name -> (default, environment variable that overrides it, what it counts)
_LIMITS = {
    "parameters": (200_000_000, "BACKPROPLAB_MAX_PARAMETERS", "parameters in one network"),
    "points": (10_000_000, "BACKPROPLAB_MAX_POINTS", "generated points"),
    "file_bytes": (4 * 2**30, "BACKPROPLAB_MAX_FILE_BYTES", "bytes read from one data or model file"),
    "classes": (10_000, "BACKPROPLAB_MAX_CLASSES", "classes"),
    "batch_bytes": (6 * 2**30, "BACKPROPLAB_MAX_BATCH_BYTES", "bytes of activations for one batch"),
    "runs": (100_000, "BACKPROPLAB_MAX_RUNS", "runs"),
    "record_bytes": (256 * 2**20, "BACKPROPLAB_MAX_RECORD_BYTES", "bytes of one JSON record or results file"),
    "json_depth": (64, "BACKPROPLAB_MAX_JSON_DEPTH", "levels of nesting"),
    "figure_bytes": (64 * 2**20, "BACKPROPLAB_MAX_FIGURE_BYTES", "bytes of one figure file"),
}


def limit(name):
    """The current limit ``name`` (its environment variable, else the default)."""
    default, variable, _ = _LIMITS[name]
    value = os.environ.get(variable)
    if value is None:
        return default
    try:
        found = int(value)
    except ValueError:
        found = 0
    if found < 1:
        raise ConfigError(f"{variable} must be a positive whole number, got {value!r}; unset it or set e.g. {default}")
    return found


def check_size(name, count, what, fix):
    """``count`` if it is within the limit ``name``; else a ConfigError naming the value, the limit and the fix."""
    bound = limit(name)
    if count > bound:
        _, variable, counted = _LIMITS[name]
        raise ConfigError(f"{what}: {count:,} {counted}, over the limit of {bound:,}; {fix} "
                          f"(or raise the limit with {variable})")
    return count


def out_of_memory(name, what, fix, size=None, error=None):
    """The ConfigError for memory asked for and not had: ``what`` needed ``size`` bytes (or the size
    NumPy's ``error`` names). The limit ``name`` is named too: set lower, its variable refuses such
    a size before anything is asked for."""
    size = size if size is not None else getattr(error, "_total_size", None)  # NumPy's _ArrayMemoryError
    needed = f"the {size:,} bytes it needs" if size else "the memory it needs"
    _, variable, _ = _LIMITS[name]
    return ConfigError(f"{what}: {needed} could not be had (out of memory; this process may be capped, as by "
                       f"ulimit -v); {fix}, or give the process more memory ({variable}, now {limit(name):,}, "
                       "sets the size refused before any is asked for)")


@contextmanager
def memory_for(name, what, fix, size=None):
    """Inside, a MemoryError becomes ``out_of_memory``'s one line: never a traceback."""
    try:
        yield
    except MemoryError as e:
        raise out_of_memory(name, what, fix, size, e) from None


def product(sizes):
    """The exact product of whole numbers (Python integers: no overflow)."""
    return math.prod(int(s) for s in sizes)


def check_regular_file(path, what, fix="give the path of a file"):
    """Refuse, without opening it, anything at ``path`` that is not a regular file.

    A FIFO would block a read for ever and a device such as /dev/zero never
    ends; a folder cannot be read as a file. Missing files are left to the
    caller's own message.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as e:
        raise ConfigError(f"{what} {os.fspath(path)!r} cannot be read ({e.strerror}); {fix}") from None
    if stat.S_ISDIR(mode):
        raise ConfigError(f"{what} {os.fspath(path)!r} is a folder; {fix}")
    if not stat.S_ISREG(mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device or special file"
        raise ConfigError(f"{what} {os.fspath(path)!r} is {kind}, not a regular file; {fix}")
