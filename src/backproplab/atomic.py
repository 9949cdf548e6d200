"""Writing a file so that it is either the old one or the whole new one, never a half.

Every output (metrics, figures, reports, summaries, submissions) is written to
a temporary file in the same folder, flushed to disk and renamed over its
target: a crash, a full disk or a refused permission leaves the old file (or
none) and no temporary file behind, and the user gets one line.
"""

import json
import math
import os
import tempfile

from .errors import WriteError
from .limits import check_regular_file


def replace_atomically(path, write, binary=False):
    """Call ``write(f)`` on a temporary file beside ``path``, then rename it over ``path``."""
    path = os.fspath(path)
    # renaming over a device or FIFO would replace it (as root, /dev/null itself), not write to it
    check_regular_file(path, "output", "give the path of a regular file to write")
    folder = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=os.path.splitext(path)[1], dir=folder)
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""})) as f:
            write(f)
            f.flush()
            os.fchmod(f.fileno(), _default_mode())  # mkstemp makes 0600; outputs get what open() would give
            os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise WriteError(f"cannot write {path!r} ({e.strerror or e}); free some space or choose a writable "
                          "folder, the file is unchanged") from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _default_mode():
    """0666 less the process's umask: the permissions a plainly opened new file gets."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_text(path, text):
    """``text`` to ``path``, atomically."""
    return replace_atomically(path, lambda f: f.write(text))


def finite_or_none(value):
    """``value`` with every non-finite float (NaN, inf) replaced by None, so it is strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(v) for v in value]
    return value


def write_json(path, value, indent=1):
    """``value`` as strict JSON (non-finite numbers become null) to ``path``, atomically."""
    text = json.dumps(finite_or_none(_plain(value)), indent=indent, allow_nan=False)
    return write_text(path, text + "\n")


def _plain(value):
    """NumPy scalars and arrays as Python numbers and lists."""
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return value.tolist()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
