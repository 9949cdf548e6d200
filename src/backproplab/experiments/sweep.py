"""Running a sweep: every (setting, seed) of a SweepSpec, on worker processes or a Dask cluster.

A sweep folder holds ``sweep.json`` (what to run) and ``results.jsonl`` (one
line per finished run, appended and flushed the moment it finishes), so an
interrupted sweep loses nothing finished and ``resume`` runs only what is
missing. Runs are deterministic for their seed, so a resumed sweep ends with
the same results as one that was never interrupted.
"""

import contextlib
import functools
import json
import math
import os
import tempfile
import warnings

import numpy as np

from ..atomic import replace_atomically, write_json
from ..errors import ConfigError, WriteError
from ..limits import check_regular_file
from ..model_file import save_model
from ..records import check_record, parse_json, read_bounded
from ..progress import ProgressBar
from ..run import train
from ..run.bars import watched_bar_factory
from ..run.threads import workers_note
from ..training import DivergenceWarning, GradientNorms, evaluate
from .executors import ADDRESS_VARIABLE, as_finished, check_scheduler, open_executor, resolve_scheduler
from .curves import compact_curves, compact_norms
from .results import SweepResults
from .spec import SPEC_FILE, SweepSpec, model_file_name, point_record, read_spec

RESULTS_FILE = "results.jsonl"


# --- one run (in a worker process, perhaps on another machine) -------------------------------

@functools.lru_cache(maxsize=4)
def _checked_spec(spec_json):
    """The sweep a task belongs to, checked once per worker process rather than once per run: checking
    builds every setting's configuration."""
    return SweepSpec.from_dict(json.loads(spec_json))


def run_one(task):
    """Train one (point, seed); return its result record (JSON-able) and its model file's bytes (or None)."""
    spec_dict, key, point, seed, keep_model = task
    spec = _checked_spec(json.dumps(spec_dict, sort_keys=True))
    config = spec.config(point, seed)
    norms = GradientNorms()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        run = train(config, callbacks=[] if config.is_table else [norms])
    h = run.history
    with np.errstate(all="ignore"):
        test_loss, test_accuracy = evaluate(run.model, run.loss_fn, run.data.X_test.astype(config.dtype), run.data.y_test)
    reached = next((i for i, a in enumerate(h.accuracy) if a >= spec.target_accuracy), None)
    # A run is judged where it ends too: one that reached the target and fell off it says when it left.
    last_at = max((i for i, a in enumerate(h.accuracy) if a >= spec.target_accuracy), default=None)
    left_target_at = h.epoch[last_at + 1] if last_at is not None and last_at + 1 < len(h.accuracy) else None
    model = _model_bytes(run.model, {"config": config.as_dict(), "loss": run.loss_name}) if keep_model else None
    finite = lambda v: v if v is not None and math.isfinite(v) else None  # noqa: E731
    return {
        "key": key, "point": point_record(point), "seed": seed,
        "test_accuracy": test_accuracy, "test_loss": finite(test_loss),
        "train_accuracy": h.last("accuracy"), "final_loss": finite(h.last("loss")),
        "epochs": h.epochs, "seconds": round(h.last("seconds") or 0.0, 4), "diverged": h.diverged,
        "diagnosis": run.diagnosis.kind if run.diagnosis is not None else None,
        "epochs_to_target": None if reached is None else h.epoch[reached],
        "seconds_to_target": None if reached is None else h.seconds[reached],
        "left_target_at": left_target_at,
        **compact_curves(h, config.epochs),
        "gradient_norms": compact_norms(norms.norms, config.epochs),
    }, model


def _model_bytes(model, metadata):
    """The model file of ``model``, as bytes: the driver writes it, so workers need no shared folder."""
    with tempfile.TemporaryDirectory() as tmp:
        with open(save_model(model, os.path.join(tmp, "model.npz"), metadata=metadata), "rb") as f:
            return f.read()


# --- the sweep --------------------------------------------------------------------------------

def set_aside_torn_line(folder):
    """Move a last line cut short by a kill out of ``results.jsonl`` into ``results.jsonl.damaged``.

    Appending after a torn line would glue the next result onto it and lose
    both; the run it belonged to is simply run again. Returns a sentence for
    the user, or None when the file was whole.
    """
    path = _results_path(folder)
    if not os.path.exists(path):
        return None
    data = read_bounded(path, "results file", _RESULTS_FIX)
    end = data.rfind(b"\n") + 1  # everything after the last newline is an unfinished line
    if end == len(data):
        return None
    try:
        with open(path + ".damaged", "ab") as f:
            f.write(data[end:] + b"\n")
        with open(path, "r+b") as f:
            f.truncate(end)
    except OSError as e:
        raise _refused(path + ".damaged", e) from None
    return (f"{RESULTS_FILE} ended in a line cut short ({len(data) - end} bytes, kept in "
            f"{RESULTS_FILE}.damaged); that run is done again")


def _open_results(folder):
    """``results.jsonl`` opened to append, unbuffered: a line the disk refused is not tried again on closing."""
    path = os.path.join(folder, RESULTS_FILE)
    try:
        return open(path, "ab", buffering=0)
    except OSError as e:  # no inode left, or no permission
        raise _refused(path, e) from None


def _refused(path, e):
    return WriteError(f"cannot write {path!r} ({e.strerror or e}); free some space")


_RESULTS_FIX = "move it out of the sweep's folder; --resume then runs the sweep again"


def _results_path(folder):
    """``folder/results.jsonl``, refused unopened when it is a FIFO (a read would wait for ever), device or folder."""
    path = os.path.join(folder, RESULTS_FILE)
    check_regular_file(path, "results file", f"move it out of {folder!r}; --resume then runs the sweep again")
    return path


def _append_record(out, record):
    """Add ``record`` as one line to the open (unbuffered, binary) ``results.jsonl``, on disk before returning.

    Synced line by line so that each finished run survives a kill. A line the
    disk refuses part way is a torn last line, which ``set_aside_torn_line``
    moves away on ``--resume``.
    """
    line = memoryview((json.dumps(record) + "\n").encode("utf-8"))
    try:
        while line:
            line = line[out.write(line):]  # a nearly full disk may take only part of it
        os.fsync(out.fileno())
    except OSError as e:
        raise WriteError(f"cannot add run {record['key']} to {out.name!r} ({e.strerror or e}); free some space, "
                         "the runs before it are kept") from None


def read_results(folder):
    """Finished runs of the sweep in ``folder``, by key; a clear error for a damaged line."""
    results = {}
    path = _results_path(folder)
    if not os.path.exists(path):
        return results
    text = read_bounded(path, "results file", _RESULTS_FIX).decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if not line.endswith("\n"):
            break  # a torn last line (set_aside_torn_line moves it away before a run)
        where = f"{path!r} line {number}"
        fix = "remove that line and run --resume again to redo its run"
        try:
            record = check_record(parse_json(line, where, fix), "result", where, fix)
            _check_curve_lengths(record, where, fix)
        except ConfigError as e:
            raise ConfigError(f"{where} is not a run record: {str(e).removeprefix(where + ': ')}") from None
        results[record["key"]] = record
    return results


def read_sweep(folder):
    """The finished runs of the sweep in ``folder`` as a SweepResults, in run order (unfinished ones left out)."""
    spec, finished = read_spec(folder), read_results(folder)
    return SweepResults(spec, folder, [finished[key] for key, _, _ in spec.runs() if key in finished])


def _check_curve_lengths(record, where, fix):
    """A record's curves are read side by side: as many losses and accuracies as the epochs they are at."""
    lengths = {name: len(record[name]) for name in ("curve_epochs", "loss", "accuracy") if name in record}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{n} {name!r}" for name, n in lengths.items())
        raise ConfigError(f"{where}: its curves must be of one length, got {shown}; {fix}")


def run_sweep(spec, folder, workers=None, write=print, progress_stream=None, scheduler=None, scheduler_file=None,
              executor=None):
    """Run every missing (point, seed) of ``spec`` into ``folder``; return all results sorted by run.

    ``workers`` processes train in parallel (default: the number of cores), or a Dask cluster's
    workers: ``scheduler`` (``"tcp://HOST:PORT"``, ``"tls://HOST:PORT"``, ``"local"`` or a
    ``dask.distributed.Client``), the address in ``scheduler_file``, or $DASK_SCHEDULER_ADDRESS
    (see ``executors``), asked before anything is written. Or an ``executor`` from ``open_executor``
    that several sweeps share, its workers started once. Models of 2-D data go to ``folder/models``
    (for the decision-boundary figure), written here as the runs send them back.
    The results are a ``SweepResults``: the records in run order, with ``to_dataframe()``.
    """
    from_environment = scheduler is None and scheduler_file is None and os.environ.get(ADDRESS_VARIABLE)
    scheduler = check_scheduler(resolve_scheduler(scheduler, scheduler_file))
    if from_environment:
        write(f"sweep: on the Dask scheduler at {scheduler} (${ADDRESS_VARIABLE})")
    os.makedirs(folder, exist_ok=True)
    spec_path = os.path.join(folder, SPEC_FILE)
    if os.path.exists(spec_path):
        if read_spec(folder).as_dict() != spec.as_dict():
            raise ConfigError(f"{folder!r} holds a different sweep; choose a new --out (or --resume that one)")
    else:
        write_json(spec_path, spec.as_dict())
    torn = set_aside_torn_line(folder)
    if torn:
        write(torn)
    done = read_results(folder)
    model_dir = os.path.join(folder, "models")
    try:
        os.makedirs(model_dir, exist_ok=True)
    except OSError as e:  # a file of that name, or a full disk
        raise WriteError(f"cannot make the folder {model_dir!r} ({e.strerror}); move what is there away or free "
                         "some space") from None
    # 2-D models are a few kilobytes: keep every seed's, for decision boundaries of any seed.
    tables = [point for point in spec.points() if spec.config(point, 0).is_table]
    todo = [(spec.as_dict(), key, point, seed, point not in tables)
            for key, point, seed in spec.runs() if key not in done]
    total = len(spec.runs())
    write(f"sweep: {len(spec.points())} settings x {spec.seeds} seed{'' if spec.seeds == 1 else 's'} = {total} runs"
          + (f"; {len(done)} already done, {len(todo)} to run" if done else ""))
    if todo:
        if workers is not None:
            note = workers_note(workers, len(todo))
            if note:
                write(note)
        workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
        bar = ProgressBar(len(todo), "runs", unit="run", stream=progress_stream, factory=watched_bar_factory())
        shared = contextlib.nullcontext(executor) if executor is not None else open_executor(workers, scheduler)
        with _open_results(folder) as out, shared as runner:
            for record, model in as_finished(runner, run_one, todo):
                if model is not None:  # before its record: a run in results.jsonl has its model
                    path = os.path.join(model_dir, model_file_name(record["key"]) + ".npz")
                    replace_atomically(path, lambda f, data=model: f.write(data), binary=True)
                _append_record(out, record)
                bar.update(1, last=record["key"])
        bar.close()
    results = read_results(folder)
    return SweepResults(spec, folder, [results[key] for key, _, _ in spec.runs()])

