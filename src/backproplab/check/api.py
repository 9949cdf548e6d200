"""Check one file, or every submission in a folder: the Python API behind ``backproplab check``."""

import os
from concurrent.futures import ThreadPoolExecutor

from .grading import Result, grade
from .protocol import ADAPTER_NAME
from .sandbox import MEMORY_LIMIT, TIME_LIMIT, run_submission


def _python_files(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith(".py") and not name.startswith("_"))


def submission_file(path):
    """The file to load for a submission: the file itself, a folder's adapter, or a folder's only .py file."""
    if not os.path.isdir(path):
        return path
    files = _python_files(path)
    if ADAPTER_NAME in files:
        return os.path.join(path, ADAPTER_NAME)
    return os.path.join(path, files[0]) if len(files) == 1 else None


def check_file(path, time_limit=TIME_LIMIT, memory_limit=MEMORY_LIMIT):
    """Grade one submission: a .py file with the check protocol (or with a check_adapter.py beside it), or a
    folder holding a check_adapter.py or a single .py file. Returns a Result (``.passed``, ``.score``, ``.rows``)."""
    target = submission_file(path)
    if target is None:
        return Result(path=str(path), error=f"is a folder with no {ADAPTER_NAME} and not exactly one .py file")
    return grade(run_submission(target, time_limit, memory_limit), path)


def submissions(folder):
    """Each submission in a class folder: each sub-folder, and each .py file; sorted by name."""
    return [os.path.join(folder, name) for name in sorted(_subfolders(folder) + _python_files(folder))]


def _subfolders(folder):
    return [name for name in os.listdir(folder)
            if os.path.isdir(os.path.join(folder, name)) and not name.startswith((".", "_"))]


def is_class_folder(path):
    """True for a folder of submissions; False for a file, or a folder that is one submission (it holds
    a check_adapter.py, or a single .py file and no folders)."""
    if not os.path.isdir(path):
        return False
    files = _python_files(path)
    return ADAPTER_NAME not in files and not (len(files) == 1 and not _subfolders(path))


def check_folder(folder, workers=2, time_limit=TIME_LIMIT, memory_limit=MEMORY_LIMIT):
    """Grade every submission in ``folder``, ``workers`` at a time; a list of Results in name order."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda p: check_file(p, time_limit, memory_limit), submissions(folder)))
