"""How many BLAS threads a run uses: one for small problems, where threads only wait.

On small matrices BLAS threads spend their time spin-waiting for each other: a
13-feature table trained in 4-11 s with the default threads on a busy 2-core machine
and in 0.13-0.43 s with one. A run whose largest matrix product is small therefore
runs single-threaded unless ``--threads`` says otherwise.
"""

import contextlib
import os

import numpy as np

# Multiply-adds of the largest product per step below which one thread is faster.
SMALL_PRODUCT = 4_000_000


def auto_threads(config, input_shape, n_samples):
    """``config.threads`` when set; else 1 for a small MLP, None (BLAS's own choice) otherwise."""
    if config.threads is not None:
        return config.threads
    if config.model == "cnn":
        return None
    rows = min(config.batch_size or n_samples, n_samples)
    widths = [int(np.prod(input_shape)), *config.hidden]
    largest = max((a * b for a, b in zip(widths, widths[1:])), default=widths[0])  # no hidden layer: the inputs
    return 1 if rows * largest < SMALL_PRODUCT else None


def blas_threads(n):
    """A context in which BLAS uses ``n`` threads (None: leave them as they are)."""
    from threadpoolctl import threadpool_limits  # here, not above: the command line's --help does not need it

    return threadpool_limits(limits=n, user_api="blas") if n else contextlib.nullcontext()


def workers_note(workers, runs, what="run", cores=None):
    """A line on ``workers`` processes asked for more than the ``runs`` to do (there are never more) or
    the cores (they share them), else ''. ``what`` names a run ("submission")."""
    cores = cores or os.cpu_count() or 1
    used = min(workers, runs)
    parts = [f"{runs:,} {what}{'' if runs == 1 else 's'} to do, so {used:,} process{'' if used == 1 else 'es'}"
             ] if workers > runs else []
    if used > cores:
        parts.append(f"more than the {cores} cores: they share them, each {what} slower")
    return f"note: --workers {workers:,}: {'; '.join(parts)}" if parts else ""
