"""Reading feature rows from a CSV file."""

import csv
import os

import numpy as np

from ..errors import ConfigError


def read_points(path):
    """Features from a CSV file, one sample per row, as a float array (N, D).

    A first row that is not numeric is taken as a header and skipped.
    """
    path = os.fspath(path)
    try:
        with open(path, newline="") as f:
            rows = [row for row in csv.reader(f) if row and any(cell.strip() for cell in row)]
    except FileNotFoundError:
        raise ConfigError(f"data file {path!r} does not exist; check the path") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read data file {path!r}: {e}") from None
    if rows and not _numeric(rows[0]):
        rows = rows[1:]
    if not rows:
        raise ConfigError(f"data file {path!r} holds no rows of numbers")
    width = len(rows[0])
    values = []
    for line, row in enumerate(rows, start=1):
        if len(row) != width or not _numeric(row):
            raise ConfigError(f"data file {path!r}: row {line} is not {width} numbers: {','.join(row)[:60]!r}")
        values.append([float(cell) for cell in row])
    X = np.array(values)
    if not np.all(np.isfinite(X)):
        raise ConfigError(f"data file {path!r} holds NaN or inf; remove those rows")
    return X


def _numeric(row):
    try:
        [float(cell) for cell in row]
    except ValueError:
        return False
    return True
