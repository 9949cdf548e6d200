"""Check one file, or every submission in a folder: the Python API behind ``backproplab check``."""

import os
from concurrent.futures import ThreadPoolExecutor

from .grading import grade
from .protocol import ADAPTER_NAME
from .sandbox import MEMORY_LIMIT, TIME_LIMIT, run_submission


def check_file(path, time_limit=TIME_LIMIT, memory_limit=MEMORY_LIMIT):
    """Grade one submission: a .py file with the check protocol, or with a check_adapter.py beside it, or a
    folder holding a check_adapter.py. Returns a Result (``.passed``, ``.score``, ``.rows`` ...)."""
    target = os.path.join(path, ADAPTER_NAME) if os.path.isdir(path) else path
    return grade(run_submission(target, time_limit, memory_limit), path)


def submissions(folder):
    """Each submission in a class folder: a sub-folder with an adapter, or a .py file; sorted by name."""
    found = []
    for name in sorted(os.listdir(folder)):
        full = os.path.join(folder, name)
        if os.path.isdir(full) and os.path.isfile(os.path.join(full, ADAPTER_NAME)):
            found.append(full)
        elif name.endswith(".py") and os.path.isfile(full) and not name.startswith("_"):
            found.append(full)
    return found


def is_class_folder(path):
    return os.path.isdir(path) and not os.path.isfile(os.path.join(path, ADAPTER_NAME))


def check_folder(folder, workers=2, time_limit=TIME_LIMIT, memory_limit=MEMORY_LIMIT):
    """Grade every submission in ``folder``, ``workers`` at a time; a list of Results in name order."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda p: check_file(p, time_limit, memory_limit), submissions(folder)))
