"""Run a student's file in a child process with a time, memory and file-size limit.

Whatever the code does (loops for ever, allocates 10 GB, calls ``sys.exit`` or
``os._exit``, prints megabytes, crashes the interpreter) the checker gets an
``Outcome``: the numbers the student's network produced, or one sentence that
says what happened and where.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

import numpy as np

try:
    import resource  # POSIX: the limits of the child process
except ImportError:  # Windows: the time limit alone holds
    resource = None  # type: ignore[assignment]

TIME_LIMIT = 10.0  # seconds of wall time for one submission
MEMORY_LIMIT = 2 << 30  # bytes of address space: NumPy (or matplotlib) and a small network need far less
FILE_LIMIT = 64 << 20  # bytes any file the child writes may reach
# One BLAS thread: the arrays are tiny, and each thread would reserve address space of its own.
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

STAGE_WORDS = {"load": "while loading the file", "build": "in build", "parameters": "in parameters",
               "forward": "in forward", "loss": "in loss", "backward": "in backward", "update": "in update",
               "done": "after the last call"}


@dataclass
class Outcome:
    """What running a submission gave: its arrays and notes, or an error sentence."""

    arrays: dict = field(default_factory=dict)
    declared: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    facts: dict = field(default_factory=dict)  # what else the child's job reported (e.g. epochs trained)


def _limit(memory, seconds):
    def apply():  # runs in the child between fork and exec
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = int(seconds) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def stage_words(stage):
    """'update 37' -> 'in update at epoch 37': where the code was, in words."""
    name, _, epoch = (stage or "").strip().partition(" ")
    words = STAGE_WORDS.get(name, "while starting")
    return f"{words} at epoch {epoch}" if epoch else words


def _where(stage_path):
    try:
        with open(stage_path, encoding="utf-8") as f:
            return stage_words(f.read())
    except OSError:
        return stage_words("")


def _vanished(code, stage_path, seconds):
    where = _where(stage_path)
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else f"signal {-code}"
        if -code == signal.SIGXCPU:
            return f"used more than {int(seconds) + 2} s of processor time {where} (an endless loop?)"
        if -code == signal.SIGXFSZ:
            return f"wrote a file larger than {FILE_LIMIT >> 20} MB {where}"
        return f"crashed the Python interpreter ({name}) {where}"
    return f"ended the checking process with exit status {code} {where} (os._exit?)"


CHECK_JOB = "backproplab.check.child"


def run_submission(path, time_limit=TIME_LIMIT, memory_limit=MEMORY_LIMIT, job=CHECK_JOB, settings=None, arrays=None):
    """Run the student's file at ``path`` in a child process and return its Outcome.

    ``job`` is the module the child runs (by default the checker's); ``settings`` (JSON) and ``arrays``
    (saved as an .npz the child reads) are handed to it in its request.
    """
    with tempfile.TemporaryDirectory(prefix="backproplab-check-") as work:
        request, result, stage = (os.path.join(work, name) for name in ("request.json", "result.npz", "stage.txt"))
        given = {"path": os.path.abspath(path), **(settings or {})}
        if arrays is not None:
            given["arrays"] = os.path.join(work, "request.npz")
            np.savez(given["arrays"], **arrays)
        with open(request, "w", encoding="utf-8") as f:
            json.dump(given, f)
        # The submission's folder is the working directory, so that a file it opens by name is found.
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg", **{v: "1" for v in THREAD_VARIABLES})
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", job, request, result, stage],
                                 cwd=os.path.dirname(os.path.abspath(path)), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True,
                                 preexec_fn=_limit(memory_limit, time_limit) if resource else None)
        try:
            code = child.wait(timeout=time_limit)
        except subprocess.TimeoutExpired:
            _kill_group(child)
            return Outcome(error=f"did not finish within {time_limit:g} s {_where(stage)} (an endless loop?)",
                           seconds=time.perf_counter() - started)
        except BaseException:  # Ctrl-C: the child has a session of its own and would not hear it
            _kill_group(child)
            raise
        seconds = time.perf_counter() - started
        _kill_group(child)  # anything the student left running
        if not os.path.isfile(result):
            return Outcome(error=_vanished(code, stage, time_limit), seconds=seconds)
        return _read_result(result, seconds)


def _kill_group(child):
    """Kill the child and every process it started (they share its process group), and reap it."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()


def _read_result(result, seconds):
    try:
        with np.load(result, allow_pickle=False) as data:  # never unpickle what the child wrote
            meta = json.loads(str(data["__meta__"]))
            arrays = {k.replace("|", "/"): data[k] for k in data.files if k != "__meta__"}
    except (OSError, ValueError, KeyError) as e:
        return Outcome(error=f"left an unreadable result ({e})", seconds=seconds)
    notes = list(meta.get("notes", []))
    if meta.get("printed", 0) > 10_000:
        notes.append(f"printed {meta['printed']:,} characters (not shown)")
    error = meta.get("error", "")
    if error:
        error = f"{error} {stage_words(meta.get('stage')) if meta.get('stage') else ''}".rstrip()
    return Outcome(arrays=arrays, declared=meta.get("declared", {}), notes=notes, error=error, seconds=seconds,
                   facts={k: v for k, v in meta.items() if k not in ("declared", "notes", "error", "stage")})
