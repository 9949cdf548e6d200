"""Output folders that never overwrite an earlier run."""

import datetime
import fcntl
import os

from ..errors import ConfigError

LOCK_FILE = ".backproplab-lock"
_held: dict = {}  # folder -> open lock file, kept open (and so locked) until the command releases it or the process ends


def lock_folder(path):
    """Take the output folder ``path`` for this process, or refuse when another run holds it.

    An exclusive lock on ``path/.backproplab-lock``; the operating system
    releases it when the process ends, however it ends, and ``release_folders``
    removes the file once the command is done with the folder.
    """
    key = os.path.abspath(path)
    if key in _held:
        return
    lock_path = os.path.join(key, LOCK_FILE)  # absolute: _release finds it from any working directory
    while True:
        f = open(lock_path, "a")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            raise ConfigError(f"another backproplab run is writing to {path!r}; wait for it to finish or choose "
                              "another --out") from None
        if _is_file_at(f, lock_path):
            break
        # The run that held it removed the file between our open and our lock: lock the one there now.
        f.close()
    _held[key] = f


def _is_file_at(f, path):
    """True when the open file ``f`` is the file at ``path`` (not one removed, or replaced, since)."""
    try:
        there = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(f.fileno())
    return (there.st_dev, there.st_ino) == (mine.st_dev, mine.st_ino)


def _release(f):
    """Remove the lock file ``f`` while still holding its lock, if it is still the one at its path, then unlock.

    A run that opened the file before it was removed can lock it only after this; it then
    sees the file gone (``_is_file_at``) and locks the one at the path instead.
    """
    try:
        if _is_file_at(f, f.name):
            os.remove(f.name)
    except OSError:
        pass  # a folder removed or made read-only meanwhile: the file stays, unlocked, as before
    finally:
        f.close()


def release_folders():
    """Give back every folder this process took (the end of a command, for long-lived processes)."""
    while _held:
        _release(_held.popitem()[1])


def check_run_folder(out, force=False):
    """Refuse ``out`` as a run's folder (a file, or a folder with files in it without ``force``) without
    making it: a command checks this before reading its data, which can take a while."""
    path = os.fspath(out)
    if os.path.isfile(path):
        raise ConfigError(f"--out {path!r} is a file; give a folder path")
    _check_empty(path, force)


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
        check_run_folder(path, force)
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, ".write-test")
        with open(probe, "w"):
            pass
        os.remove(probe)
        lock_folder(path)  # first: a run started at the same moment sees the lock, not an empty folder
    except OSError as e:
        raise ConfigError(f"cannot write to output folder {path!r} ({e.strerror}); choose another --out") from None
    if out is not None:
        _check_empty(path, force)  # again, now that it is ours: a run may have finished there meanwhile
    return path


def _check_empty(path, force):
    if os.path.isdir(path) and set(os.listdir(path)) - {LOCK_FILE} and not force:
        raise ConfigError(f"--out {path!r} already holds files; choose a new folder or add --force to replace them")


def remove_if_empty(path):
    """Undo ``new_run_folder`` for a run that failed before writing anything."""
    try:
        if os.listdir(path) == [LOCK_FILE]:
            held = _held.pop(os.path.abspath(path), None)
            if held is not None:
                _release(held)
        os.rmdir(path)  # only ever removes an empty folder
    except OSError:
        pass
