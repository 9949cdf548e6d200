"""The child process that runs a student's file: ``python -m backproplab.check.child REQUEST RESULT STAGE``.

REQUEST is a JSON file naming the student's file (and, for other jobs than the
check, what to do with it); RESULT is the .npz file written at the end (arrays,
plus a JSON string under ``__meta__``); STAGE is rewritten before each call
into the student's code, so that the parent can say where a process that
vanished was. The parent has set the limits (time, memory, file size) before
this starts; here output is counted and thrown away, and every error becomes
one sentence in the result. ``serve`` does this for any job: the check's
(``check_job``) and training's (``train_child``).
"""

import importlib.util
import io
import json
import os
import sys
import traceback

import numpy as np

from ..nn.activations import ACTIVATIONS
from .protocol import ADAPTER_NAME, declared_by, missing_functions
from .student_run import Recorder, StudentError, record_student, record_trace

KEPT_OUTPUT = 2000  # characters of the student's printing kept for the report


class CountingSink(io.TextIOBase):
    """A stdout that keeps the first characters written, counts the rest and stores none of it."""

    def __init__(self):
        self.kept, self.count = [], 0

    def writable(self):
        return True

    def write(self, text):
        if self.count < KEPT_OUTPUT:
            self.kept.append(text[:KEPT_OUTPUT - self.count])
        self.count += len(text)
        return len(text)


def load(path, name):
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)  # the adapter imports the student's file beside it
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _last_student_line(error):
    """' (file.py:12)': the innermost frame of the student's code, to point at its line."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if not f.filename.startswith("<") and not os.path.abspath(f.filename).startswith(PACKAGE_DIR)
              and "numpy" not in f.filename]
    return f" ({os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""


def describe(error):
    """One sentence for an exception raised by the student's code."""
    if isinstance(error, SystemExit):
        return f"called sys.exit({error.code!r})"
    if isinstance(error, MemoryError):
        return "ran out of memory (MemoryError): it asked for more than the checker allows"
    if isinstance(error, StudentError):
        return str(error)
    text = str(error).splitlines()[0][:200] if str(error) else ""
    return f"raised {type(error).__name__}{': ' + text if text else ''}{_last_student_line(error)}"


def load_protocol(path):
    """The student's module with the check protocol (the file, or the adapter beside it) and its Declared."""
    module = load(path, "student_submission")
    if missing_functions(module) and os.path.basename(path) != ADAPTER_NAME:
        adapter = os.path.join(os.path.dirname(os.path.abspath(path)), ADAPTER_NAME)
        if os.path.isfile(adapter):
            module = load(adapter, "student_adapter")
    missing = missing_functions(module)
    if missing:
        raise StudentError(f"has no check protocol: define {', '.join(missing)} in the file or in a "
                           f"{ADAPTER_NAME} beside it (see docs/check.md)")
    declared = declared_by(module)
    problems = declared.problems(tuple(n for n in ACTIVATIONS if ACTIVATIONS[n].hidden_layer))
    if problems:
        raise StudentError("declares " + "; ".join(problems))
    return module, declared


class Job:
    """What a job leaves for the result: its arrays, notes and extra facts, and where it was."""

    def __init__(self, stage):
        self.arrays, self.notes, self.meta = {}, [], {}
        self.stage, self.current = stage, "load"  # where an error happened, unless failed_stage says otherwise
        self.failed_stage = None


def check_job(request, job):
    """The checker's job: every number the grading compares (``student_run.record_student``)."""
    module, declared = load_protocol(request["path"])
    job.meta["declared"] = declared.as_dict()
    rec = Recorder(module, declared, job.stage)
    job.arrays, job.notes = rec.arrays, rec.notes  # kept even if recording stops with an error
    try:
        record_student(rec)
    finally:
        job.current = rec.current
        job.failed_stage = rec.failure[1] if rec.failure else None


def trace_job(request, job):
    """One step from the weights and on the sample the request gives (``trace --engine``), under "trace/"."""
    module, declared = load_protocol(request["path"])
    job.meta["declared"] = declared.as_dict()
    with np.load(request["arrays"], allow_pickle=False) as given:
        data = {name: given[name] for name in given.files}
    layers = len(declared.sizes) - 1
    weights = [data[f"W{l}"] for l in range(1, layers + 1)]
    biases = [data.get(f"b{l}") for l in range(1, layers + 1)]
    rec = Recorder(module, declared, job.stage)
    rec.learning_rate = request["lr"]
    job.arrays, job.notes = rec.arrays, rec.notes
    record_trace(rec, data["X"], data["y"], weights, biases)


def serve(request_path, result_path, stage_path, run_job):
    """Run ``run_job(request, job)`` with the student's printing counted, and write what it left to RESULT."""
    request = json.loads(open(request_path, encoding="utf-8").read())
    stage_file = open(stage_path, "w", encoding="utf-8")

    def stage(name):
        job.current = name
        stage_file.seek(0)
        stage_file.write(name.ljust(24))
        stage_file.flush()

    job = Job(stage)
    sink = CountingSink()
    sys.stdout = sys.stderr = sink
    meta = {}
    try:
        stage("load")
        run_job(request, job)
    except BaseException as error:  # noqa: BLE001 (the student's code may raise anything, SystemExit included)
        meta["error"] = describe(error)
        meta["stage"] = job.failed_stage or job.current
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    meta.update(job.meta, notes=job.notes, printed=sink.count, printed_start="".join(sink.kept))
    np.savez(result_path, __meta__=np.array(json.dumps(meta)),
             **{k.replace("/", "|"): v for k, v in job.arrays.items()})
    return 0


JOBS = {"check": check_job, "trace": trace_job}


def main(request_path, result_path, stage_path):
    with open(request_path, encoding="utf-8") as f:
        job = JOBS[json.load(f).get("job", "check")]
    return serve(request_path, result_path, stage_path, job)


if __name__ == "__main__":
    status = main(*sys.argv[1:4])
    os._exit(status)  # not sys.exit: a thread the student started must not keep the process alive
