"""Sweeps: the Cartesian grid of any ``train`` options, each point run for several seeds.

A sweep folder holds ``sweep.json`` (what to run) and ``results.jsonl`` (one
line per finished run, appended and flushed the moment it finishes), so an
interrupted sweep loses nothing finished and ``resume`` runs only what is
missing. Runs are deterministic for their seed, so a resumed sweep ends with
the same results as one that was never interrupted.
"""

import itertools
import json
import math
import multiprocessing
import os
import tomllib
from dataclasses import dataclass, field, fields

import numpy as np

from ..config import RunConfig
from ..errors import ConfigError, unknown_name
from ..progress import ProgressBar

SPEC_FILE, RESULTS_FILE = "sweep.json", "results.jsonl"
_TUPLE_FIELDS = ("hidden", "activation", "conv")
_FIELDS = {f.name: f for f in fields(RunConfig)}


@dataclass
class SweepSpec:
    """What a sweep runs: ``base`` options, the ``vary`` grid and the seeds."""

    base: dict = field(default_factory=dict)
    vary: dict = field(default_factory=dict)  # option -> list of values
    seeds: int = 5
    target_accuracy: float = 1.0  # what "reached" means in the results
    title: str = ""
    question: str = ""

    def __post_init__(self):
        for name in list(self.base) + list(self.vary):
            if name not in _FIELDS or name == "seed":
                known = sorted(set(_FIELDS) - {"seed"})
                raise unknown_name("sweep option", name, known) if name != "seed" else ConfigError(
                    "vary the seed with --seeds N, not as an option")
        self.base = {k: coerce(k, v) for k, v in self.base.items()}
        self.vary = {k: [coerce(k, v, base=self.base) for v in values] for k, values in self.vary.items()}
        for name, values in self.vary.items():
            if not values:
                raise ConfigError(f"--vary {name} needs at least one value")
        if isinstance(self.seeds, bool) or not isinstance(self.seeds, int) or self.seeds < 1:
            raise ConfigError(f"--seeds must be an integer >= 1, got {self.seeds!r}")
        t = self.target_accuracy
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t <= 1:
            raise ConfigError(f"--target must be a fraction in (0, 1], got {t!r}")
        for point in self.points():  # every combination must be a valid run
            self.config(point, 0)

    def points(self):
        """Every combination of the varied values, as dicts, in grid order."""
        names = list(self.vary)
        return [dict(zip(names, combo)) for combo in itertools.product(*self.vary.values())] or [{}]

    def config(self, point, seed):
        return RunConfig.for_dataset(**{**self.base, **point, "seed": seed, "print_every": 0})

    def runs(self):
        """(key, point, seed) of every run, in a fixed order."""
        return [(run_key(point, seed), point, seed) for point in self.points() for seed in range(self.seeds)]

    def as_dict(self):
        return {"base": _jsonable(self.base), "vary": {k: [_jsonable(v) for v in vs] for k, vs in self.vary.items()},
                "seeds": self.seeds, "target_accuracy": self.target_accuracy, "title": self.title,
                "question": self.question}

    @classmethod
    def from_dict(cls, d):
        known = {"base", "vary", "seeds", "target_accuracy", "title", "question"}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ConfigError(f"unknown sweep keys {unknown}; known: {sorted(known)}")
        return cls(**d)

    @classmethod
    def from_toml(cls, path):
        """Read a sweep file: top-level title/question, [base] options, [vary] lists, [sweep] seeds/target."""
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except FileNotFoundError:
            raise ConfigError(f"sweep file {path!r} does not exist; check the path") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"sweep file {path!r} is not valid TOML: {e}") from None
        settings = data.pop("sweep", {})
        spec = {"base": data.pop("base", {}), "vary": data.pop("vary", {}), **settings}
        spec.update({k: data.pop(k) for k in ("title", "question") if k in data})
        if data:
            raise ConfigError(f"sweep file {path!r}: unknown keys {sorted(data)}; use title, question, "
                              "[base], [vary] and [sweep]")
        return cls.from_dict(spec)


def _jsonable(value):
    return list(value) if isinstance(value, tuple) else value


def coerce(name, value, base=None):
    """A value for option ``name`` from text or TOML, typed like RunConfig's field.

    ``hidden`` takes '8-8' for two layers of 8; a single width '4' keeps the
    base network's depth (the lab's 2-8-8-1 becomes 2-4-4-1).
    """
    if name in _TUPLE_FIELDS:
        if isinstance(value, (list, tuple)):
            items = list(value)
        elif isinstance(value, str) and "-" in value and name != "activation":
            items = value.split("-")
        else:
            items = [value]
        if name == "activation":
            return tuple(str(v) for v in items)
        try:
            widths = tuple(int(v) for v in items)
        except (TypeError, ValueError):
            raise ConfigError(f"--vary {name}: {value!r} is not a width such as 8 or 8-8") from None
        if name == "hidden" and len(widths) == 1:
            depth = len((base or {}).get("hidden", RunConfig.for_dataset(**(base or {})).hidden))
            widths = widths * depth
        return widths
    kind = _FIELDS[name].type
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.lower() in ("none", "full"):
        return None
    if "int" in str(kind):
        try:
            return int(text)
        except ValueError:
            raise ConfigError(f"--vary {name}: {value!r} is not an integer") from None
    if "float" in str(kind):
        try:
            return float(text)
        except ValueError:
            raise ConfigError(f"--vary {name}: {value!r} is not a number") from None
    if "bool" in str(kind):
        return text.lower() in ("1", "true", "yes")
    return text


def parse_vary(items, base):
    """['lr=0.1,1', 'hidden=2,4'] -> {'lr': ['0.1', '1'], 'hidden': ['2', '4']} (typed later)."""
    vary = {}
    for item in items:
        name, sep, values = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not values.strip():
            raise ConfigError(f"--vary takes NAME=V1,V2,..., e.g. lr=0.01,0.1; got {item!r}")
        vary[name] = [v for v in values.split(",") if v.strip()]
    return vary


def run_key(point, seed):
    """A stable name of one run, e.g. 'lr=0.1|hidden=4-4|seed=2'."""
    parts = [f"{k}={_label(v)}" for k, v in point.items()]
    return "|".join(parts + [f"seed={seed}"])


def _label(value):
    if isinstance(value, tuple):
        return "-".join(str(v) for v in value)
    return "full" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def point_record(point):
    """A grid point as results.jsonl stores it (tuples become lists)."""
    return {k: _jsonable(v) for k, v in point.items()}


def point_label(point):
    return ", ".join(f"{k} {_label(v)}" for k, v in point.items()) or "one setting"


# --- one run (in a worker process) ---------------------------------------------------------

def run_one(task):
    """Train one (point, seed) and return its result record (JSON-able)."""
    import warnings

    from ..build import train
    from ..model_file import save_model
    from ..training import DivergenceWarning, evaluate

    spec_dict, key, point, seed, model_dir = task
    spec = SweepSpec.from_dict(spec_dict)
    config = spec.config(point, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        run = train(config)
    h = run.history
    with np.errstate(all="ignore"):
        test_loss, test_accuracy = evaluate(run.model, run.loss_fn, run.data.X_test.astype(config.dtype), run.data.y_test)
    reached = next((i for i, a in enumerate(h.accuracy) if a >= spec.target_accuracy), None)
    if model_dir is not None:
        save_model(run.model, os.path.join(model_dir, _file_name(key) + ".npz"),
                   metadata={"config": config.as_dict(), "loss": run.loss_fn.name})
    finite = lambda v: v if v is not None and math.isfinite(v) else None  # noqa: E731
    return {
        "key": key, "point": point_record(point), "seed": seed,
        "test_accuracy": test_accuracy, "test_loss": finite(test_loss),
        "train_accuracy": h.last("accuracy"), "final_loss": finite(h.last("loss")),
        "epochs": h.epochs, "seconds": h.last("seconds") or 0.0, "diverged": h.diverged,
        "epochs_to_target": None if reached is None else h.epoch[reached],
        "seconds_to_target": None if reached is None else h.seconds[reached],
        "loss": [finite(v) for v in h.loss], "accuracy": h.accuracy,
    }


def _file_name(key):
    return key.replace("|", "__").replace("=", "-").replace("/", "_")


# --- the sweep --------------------------------------------------------------------------------

def read_results(folder):
    """Finished runs of the sweep in ``folder`` (a line cut short by a kill is ignored)."""
    results = {}
    path = os.path.join(folder, RESULTS_FILE)
    if not os.path.exists(path):
        return results
    with open(path) as f:
        for line in f:
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # the half-written last line of a killed sweep
            results[record["key"]] = record
    return results


def read_spec(folder):
    path = os.path.join(folder, SPEC_FILE)
    if not os.path.isfile(path):
        raise ConfigError(f"{folder!r} holds no {SPEC_FILE}; give the folder of a sweep")
    with open(path) as f:
        return SweepSpec.from_dict(json.load(f))


def run_sweep(spec, folder, workers=None, write=print, progress_stream=None):
    """Run every missing (point, seed) of ``spec`` into ``folder``; return all results sorted by run.

    ``workers`` processes train in parallel (default: the number of cores).
    Models of 2-D data go to ``folder/models`` (for the decision-boundary figure).
    """
    os.makedirs(folder, exist_ok=True)
    spec_path = os.path.join(folder, SPEC_FILE)
    if os.path.exists(spec_path):
        if read_spec(folder).as_dict() != spec.as_dict():
            raise ConfigError(f"{folder!r} holds a different sweep; choose a new --out (or --resume that one)")
    else:
        with open(spec_path, "w") as f:
            json.dump(spec.as_dict(), f, indent=1)
    done = read_results(folder)
    model_dir = os.path.join(folder, "models")
    os.makedirs(model_dir, exist_ok=True)
    # 2-D models are a few kilobytes: keep every seed's, for decision boundaries of any seed.
    keep = lambda point, seed: not spec.config(point, seed).is_table  # noqa: E731
    todo = [(spec.as_dict(), key, point, seed, model_dir if keep(point, seed) else None)
            for key, point, seed in spec.runs() if key not in done]
    total = len(spec.runs())
    write(f"sweep: {len(spec.points())} settings x {spec.seeds} seeds = {total} runs"
          + (f"; {len(done)} already done, {len(todo)} to run" if done else ""))
    if todo:
        workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
        bar = ProgressBar(len(todo), "runs", unit="run", stream=progress_stream)
        with open(os.path.join(folder, RESULTS_FILE), "a") as out:
            for record in _map(run_one, todo, workers):
                out.write(json.dumps(record) + "\n")
                out.flush()
                os.fsync(out.fileno())  # each finished run survives a kill
                bar.update(1, last=record["key"])
        bar.close()
    results = read_results(folder)
    return [results[key] for key, _, _ in spec.runs()]


def _map(fn, tasks, workers):
    """fn over tasks, yielding results as they finish; one BLAS thread per worker process."""
    if workers == 1:
        yield from map(fn, tasks)
        return
    saved = {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    os.environ.update({v: "1" for v in saved})  # read by the spawned workers as NumPy starts
    try:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            yield from pool.imap_unordered(fn, tasks)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
