"""Reading numeric CSV files: points to predict, labelled training data, Kaggle digit files.

A first row that is not all numbers is a header. The Kaggle digit-recognizer
layout is ``label,pixel0,...,pixel783`` for training and the pixels alone for
the test file; any numeric CSV with a label column works the same way.
"""

import os
import re
import warnings

import numpy as np

from ..errors import ConfigError
from ..limits import check_regular_file, check_size, limit


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


# Features beyond this size overflow when squared (variances, standardisation): refused, not garbled.
LARGEST_FEATURE = 1e150


def read_table(path):
    """(column names or None, float array (N, D)) from a CSV file of numbers.

    A UTF-8 byte-order mark is skipped (spreadsheets write one), so it is not
    mistaken for a header.
    """
    path = os.fspath(path)
    check_regular_file(path, "data file", "give a .csv file")
    try:
        if os.path.getsize(path) > limit("file_bytes"):
            check_size("file_bytes", os.path.getsize(path), f"data file {path!r}", "give a smaller table")
        with open(path, newline="", encoding="utf-8-sig") as f:
            first = ""
            while not first.strip():
                first = f.readline()
                if not first:
                    break
            cells = [c.strip() for c in first.strip().split(",")]
            header = None if all(_is_number(c) for c in cells) else cells
            f.seek(0)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "input contained no data": reported below
                X = np.loadtxt(f, delimiter=",", skiprows=1 if header else 0, ndmin=2, dtype=np.float64)
    except FileNotFoundError:
        raise ConfigError(f"data file {path!r} does not exist; check the path") from None
    except IsADirectoryError:
        raise ConfigError(f"data file {path!r} is a folder; give a .csv file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read data file {path!r}: {e}") from None
    except ValueError as e:  # a cell that is not a number, or a row of another width
        raise ConfigError(f"data file {path!r} is not a table of numbers: {_reason(e, path, header)}") from None
    if X.size == 0:
        raise ConfigError(f"data file {path!r} holds no rows of numbers")
    if header is not None and len(header) != X.shape[1]:
        raise ConfigError(f"data file {path!r}: the header names {len(header)} columns, the rows hold {X.shape[1]}")
    if not np.all(np.isfinite(X)):
        row = int(np.argwhere(~np.isfinite(X))[0][0])
        raise ConfigError(f"data file {path!r} holds NaN or inf (line {_file_line(path, header, row)}); "
                          "remove or impute those rows")
    too_large = np.abs(X) > LARGEST_FEATURE
    if too_large.any():
        row, column = (int(i) for i in np.argwhere(too_large)[0])
        raise ConfigError(f"data file {path!r} holds {X[row, column]:g} (line {_file_line(path, header, row)}, "
                          f"column {column + 1}); values beyond +-{LARGEST_FEATURE:g} overflow when squared: "
                          "rescale that column")
    return header, X


def _file_line(path, header, row):
    """The file's own line number (from 1, the header counted) of the 0-based data ``row``.

    NumPy counts rows of data only: it skips blank lines and '#' comments, which an editor shows. Bytes that
    are not UTF-8 further on (NumPy stopped before them) are replaced: only the lines are counted here."""
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as f:
        lines = [number for number, text in enumerate(f, start=1) if text.split("#")[0].strip()]
    lines = lines[1:] if header is not None else lines
    return lines[row] if row < len(lines) else row + 1


def _reason(error, path, header):
    """NumPy's parse error, its row of data turned into the file's line (as an editor numbers it)."""
    text = str(error).split(";")[0].rstrip(".")
    match = re.search(r"could not convert string (.*) to \w+ at row (\d+), column (\d+)", text)
    if match:
        cell, row, column = match.groups()  # row: 0-based, among the rows of data
        return f"line {_file_line(path, header, int(row))}, column {column} is {cell}, not a number"
    match = re.search(r"the number of columns changed from (\d+) to (\d+) at row (\d+)", text)
    if match:
        before, after, row = match.groups()  # row: 1-based, among the rows of data
        return (f"line {_file_line(path, header, int(row) - 1)} has {after} columns, the lines above it "
                f"{before}; give every row the same columns")
    return text


def read_points(path):
    """Features from a CSV file, one sample per row, as a float array (N, D)."""
    return read_table(path)[1]


def read_valued(path, label="label"):
    """(X float (N, D), y float (N,)) from a CSV whose column ``label`` holds values to regress onto."""
    header, table = read_table(path)
    column = _label_column(path, header, table, label)
    return np.delete(table, column, axis=1), table[:, column]


def _label_column(path, header, table, label):
    """The index of column ``label`` (a name, or a 0-based index) of a table with a column of features besides.

    A name that is a whole number ("0", as the command line gives it) is an index, unless the header names
    a column so."""
    if isinstance(label, str) and re.fullmatch(r"-?[0-9]+", label.strip()) and label not in (header or ()):
        label = int(label)
    if isinstance(label, str):
        if header is None:
            raise ConfigError(f"data file {path!r} has no header row, so it has no column {label!r}; "
                              "name the label column by its index instead")
        if label not in header:
            raise ConfigError(f"data file {path!r} has no column {label!r}; its columns start {header[:5]}")
        column = header.index(label)
    else:
        column = int(label)
        if not -table.shape[1] <= column < table.shape[1]:
            raise ConfigError(f"label column {column} is outside the {table.shape[1]} columns of {path!r}; "
                              f"give an index from 0 to {table.shape[1] - 1} (or -1 for the last)")
    if table.shape[1] < 2:
        raise ConfigError(f"data file {path!r} has only a label column; it needs features too")
    return column


def read_labelled(path, label="label"):
    """(X float (N, D), y int (N,)) from a CSV whose column ``label`` holds class labels.

    ``label`` is a column name (when the file has a header) or a 0-based column index.
    """
    header, table = read_table(path)
    column = _label_column(path, header, table, label)
    y = table[:, column]
    if np.any(y < 0) or np.any(np.mod(y, 1)):
        bad = y[(y < 0) | (np.mod(y, 1) != 0)][0]
        raise ConfigError(f"data file {path!r}: labels must be integers 0, 1, ..., found {bad:g}")
    check_size("classes", int(y.max()) + 1, f"data file {path!r}: label {y.max():.0f} means",
               "number the classes 0, 1, 2, ... without gaps")
    return np.delete(table, column, axis=1), y.astype(np.int64)
