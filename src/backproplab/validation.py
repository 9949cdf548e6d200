"""One way to check an argument: its type, its range, and a message that names both and the fix.

Every layer, optimizer, schedule, data generator and the run configuration
checks its arguments with these functions, so that every bad value gets the
same kind of one-line error::

    lr must be a number > 0, got -0.1
    --hidden must be an integer >= 1, got 0; give widths such as --hidden 8 8
"""

import math
import numbers

from .errors import ConfigError, lookup


def _shown(bound):
    """A bound as a reader writes it: 10,000,000 for a whole number, 1e-08 or 0.5 otherwise."""
    return f"{bound:,}" if isinstance(bound, int) else f"{bound:g}"


def _rule(low, high, low_open, high_open):
    parts = []
    if low is not None and low != -math.inf:
        parts.append(f"{'>' if low_open else '>='} {_shown(low)}")
    if high is not None and high != math.inf:
        parts.append(f"{'<' if high_open else '<='} {_shown(high)}")
    return " and ".join(parts)


def _fail(name, kind, rule, value, fix):
    message = f"{name} must be {kind}{' ' + rule if rule else ''}, got {value!r}"
    raise ConfigError(message + (f"; {fix}" if fix else ""))


def check_int(name, value, low=None, high=None, *, allow_none=False, fix=None):
    """``value`` as an int, or a ConfigError unless it is a whole number with low <= value <= high.

    ``name`` is how the user spells the argument (``"in_features"``, ``"--epochs"``);
    ``fix`` is appended to the message (``"use --batch-size 1 for per-sample updates"``).
    """
    if value is None and allow_none:
        return None
    rule = _rule(low, high, False, False)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        _fail(name, "an integer", rule, value, fix)
    if (low is not None and value < low) or (high is not None and value > high):
        _fail(name, "an integer", rule, value, fix)
    return int(value)


def check_number(name, value, low=None, high=None, *, low_open=False, high_open=False,
                 allow_none=False, fix=None):
    """``value`` as a float, or a ConfigError unless it is a finite real number in the range.

    The range is [low, high] by default; ``low_open`` / ``high_open`` exclude an end.
    """
    if value is None and allow_none:
        return None
    rule = _rule(low, high, low_open, high_open)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        _fail(name, "a finite number", rule, value, fix)
    if low is not None and (value <= low if low_open else value < low):
        _fail(name, "a number", rule, value, fix)
    if high is not None and (value >= high if high_open else value > high):
        _fail(name, "a number", rule, value, fix)
    return float(value)


def check_choice(kind, value, choices):
    """``value`` if it is one of ``choices``; else a ConfigError listing them and the closest."""
    lookup(kind, value, dict.fromkeys(choices))
    return value


def check_bool(name, value, *, fix=None):
    """``value`` if it is True or False (not merely truthy)."""
    if not isinstance(value, bool):
        _fail(name, "true or false", "", value, fix)
    return value
