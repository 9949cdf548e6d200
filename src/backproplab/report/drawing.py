"""A report's sweeps drawn on every core before its page is put together.

Each sweep's summary and figures (``write_sweep_outputs``) depend on that sweep's
folder alone, so they are drawn side by side in worker processes; the page then
reads the summaries in order. A lab report's 15 sweeps hold 60 figures.
"""

import concurrent.futures
import multiprocessing
import os
import sys

from ..experiments import write_sweep_outputs
from .sections import read_sweep


def _draw(folder):
    spec, results = read_sweep(folder)
    return write_sweep_outputs(spec, folder, results) if results else None


def draw_sweeps(folders, workers=None):
    """{folder: its summary rows, or None without finished runs}: each sweep's summary and figures written
    to its folder, ``workers`` at a time (default: the number of cores)."""
    folders = list(folders)
    workers = max(1, min(workers or os.cpu_count() or 1, len(folders)))
    if workers == 1:
        return {folder: _draw(folder) for folder in folders}
    # fork where it is safe and quick (Linux): the workers start with everything imported
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        return dict(zip(folders, pool.map(_draw, folders)))
