"""The JSON files backproplab writes and reads back, each checked field by field before it is used.

A run's ``metrics.json`` and ``trace.json``, a sweep's ``sweep.json`` and each line of its
``results.jsonl`` are read through here: a size bound before the read, a nesting bound
after the parse, then the format's fields by type and range. Whatever is wrong gets
one line in one style::

    'run/metrics.json': 'epochs' must be a whole number >= 0, got -3; remove the file, or train again

The formats' fields are listed in ``FORMATS``, one table per format.
"""

import json
import math
import os
from typing import Any, Callable

from .errors import ConfigError
from .limits import check_regular_file, check_size, limit

# What a field may hold: a word of ``KINDS`` with a trailing "?" where null is allowed too.
KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "text": (lambda v: isinstance(v, str), "text"),
    "count": (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a whole number >= 0"),
    "number": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
               "a finite number"),
    "fraction": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1,
                 "a number from 0 to 1"),
    "flag": (lambda v: isinstance(v, bool), "true or false"),
    "object": (lambda v: isinstance(v, dict), "an object"),
    "list": (lambda v: isinstance(v, list), "a list"),
    "numbers": (lambda v: isinstance(v, list) and all(
        v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in v), "a list of numbers"),
    "counts": (lambda v: isinstance(v, list) and all(KINDS["count"][0](n) for n in v), "a list of whole numbers >= 0"),
    "series": (lambda v: isinstance(v, dict) and all(KINDS["numbers"][0](s) for s in v.values()),
               "an object of lists of numbers"),
}

# format -> {field: kind}; a field not listed is not read by any command, so is not checked.
FORMATS = {
    "metrics": {"dataset": "text", "config": "object", "test_accuracy": "fraction?", "test_loss": "number?",
                "epochs": "count", "seconds": "number", "history": "series?", "n_train": "count?", "n_val": "count?",
                "val_accuracy": "fraction?", "final_loss": "number?", "train_accuracy": "fraction?",
                "test_set": "text?", "stop_reason": "text?", "diagnosis": "object?", "predictions": "list?",
                "test_is_training": "flag?", "diverged": "flag?", "gradient_norms": "series?"},
    "trace": {"sample": "object", "model": "text", "loss": "object", "layers": "list", "notes": "list?"},
    "sweep": {"base": "object", "vary": "object", "seeds": "count", "title": "text?", "question": "text?"},
    "result": {"key": "text", "point": "object", "seed": "count", "test_accuracy": "fraction",
               "test_loss": "number?", "train_accuracy": "fraction?", "final_loss": "number?", "epochs": "count",
               "seconds": "number", "diverged": "flag", "diagnosis": "text?", "epochs_to_target": "count?",
               "seconds_to_target": "number?", "left_target_at": "count?", "loss": "numbers",
               "accuracy": "numbers", "curve_epochs": "counts", "gradient_norms": "series?"},
}
# fields a format may lack (older files, runs that measured less); the others must be there
OPTIONAL = {"metrics": {"history", "n_train", "n_val", "val_accuracy", "test_set", "stop_reason", "diagnosis",
                        "predictions", "test_is_training", "diverged", "gradient_norms", "final_loss",
                        "train_accuracy", "test_loss"},
            "trace": {"notes"}, "sweep": {"title", "question"},
            "result": {"gradient_norms", "left_target_at", "curve_epochs"}}


def _shown(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_record(document, form, what, fix):
    """``document`` if it is an object whose fields fit ``FORMATS[form]``; else a ConfigError naming the field."""
    if not isinstance(document, dict):
        raise ConfigError(f"{what} must hold a JSON object, got {_shown(document)}; {fix}")
    for field, kind in FORMATS[form].items():
        if field not in document:
            if field in OPTIONAL[form]:
                continue
            raise ConfigError(f"{what} has no {field!r}; {fix}")
        value, nullable = document[field], kind.endswith("?")
        test, words = KINDS[kind.rstrip("?")]
        if not ((nullable and value is None) or test(value)):
            raise ConfigError(f"{what}: {field!r} must be {words}{' or null' if nullable else ''}, "
                              f"got {_shown(value)}; {fix}")
    return document


def parse_json(data, what, fix, error=ConfigError):
    """The JSON document in ``data`` (bytes or text), nested no deeper than the limit; else ``error``."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise error(f"{what} is damaged: not valid JSON ({str(e)[:80]}); {fix}") from None
    bound, stack = limit("json_depth"), [(document, 1)]
    while stack:  # walked without recursion: a deep document cannot overflow the stack here
        value, depth = stack.pop()
        if depth > bound:
            check_size("json_depth", depth, f"{what} is nested", fix)
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return document


def read_bounded(path, what, fix, bound="record_bytes"):
    """The bytes of the file at ``path``: refused unread when special or over the limit ``bound``."""
    check_regular_file(path, what, fix)  # a FIFO would block the read for ever
    shown = f"{what} {os.fspath(path)!r}"
    try:
        with open(path, "rb") as f:
            check_size(bound, os.fstat(f.fileno()).st_size, shown, fix)
            data = f.read()  # sized by the file, just checked; never by the limit
    except FileNotFoundError:
        raise ConfigError(f"{shown} does not exist; {fix}") from None
    except OSError as e:
        raise ConfigError(f"{shown} cannot be read ({e.strerror}); {fix}") from None
    check_size(bound, len(data), shown, fix)  # it may have grown since it was measured
    return data


def read_text(path, what, fix):
    """The UTF-8 text of the file at ``path``, read as ``read_bounded`` reads."""
    try:
        return read_bounded(path, what, fix).decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{what} {os.fspath(path)!r} is damaged: not UTF-8 text ({e.reason}); {fix}") from None


def read_record(path, form, fix):
    """The JSON file at ``path`` of format ``form`` ("metrics", "trace", "sweep"), every listed field checked."""
    what = repr(os.fspath(path))
    return check_record(parse_json(read_text(path, f"{form} file", fix), what, fix), form, what, fix)
