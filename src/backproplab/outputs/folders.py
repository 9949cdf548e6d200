"""Output folders that never overwrite an earlier run."""

import datetime
import os

from ..errors import ConfigError


def new_run_folder(out=None, label="run", force=False, root="runs"):
    """Create and return the folder a run writes to.

    Without ``out``: ``runs/<timestamp>-<label>/``, with a numeric suffix if
    that name is taken. With ``out``: that folder, which must not exist or be
    empty unless ``force`` is given (then files in it are replaced).
    """
    if out is None:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        base = os.path.join(root, f"{stamp}-{label}")
        path, k = base, 1
        while os.path.exists(path):
            k += 1
            path = f"{base}-{k}"
    else:
        path = os.fspath(out)
        if os.path.isfile(path):
            raise ConfigError(f"--out {path!r} is a file; give a folder path")
        if os.path.isdir(path) and os.listdir(path) and not force:
            raise ConfigError(
                f"--out {path!r} already holds files; choose a new folder or add --force to replace them"
            )
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, ".write-test")
        with open(probe, "w"):
            pass
        os.remove(probe)
    except OSError as e:
        raise ConfigError(f"cannot write to output folder {path!r} ({e.strerror}); choose another --out") from None
    return path


def remove_if_empty(path):
    """Undo ``new_run_folder`` for a run that failed before writing anything."""
    try:
        os.rmdir(path)  # only ever removes an empty folder
    except OSError:
        pass
