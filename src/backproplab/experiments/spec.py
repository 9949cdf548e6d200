"""What a sweep runs: the Cartesian grid of any ``train`` options, each point for several seeds.

``SweepSpec`` holds the base options, the varied ones and the seeds; the
functions below type option values from text or TOML and name runs and
settings the way results.jsonl, the tables and the figures show them.
"""

import itertools
import os
import tomllib
from dataclasses import dataclass, field

from ..errors import ConfigError, unknown_name
from ..limits import check_regular_file, check_size, product
from ..records import check_record, parse_json, read_text
from ..run import RunConfig, check_sizes
from ..run.config import FIELDS, loss_options
from ..run.datasets import targets
from ..validation import check_int, check_number

SPEC_FILE = "sweep.json"


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
        self._check_shape()
        for name in list(self.base) + list(self.vary):
            if name not in _option_types() or name == "seed":
                known = sorted(set(_option_types()) - {"seed", "loss_args"})
                raise unknown_name("sweep option", name, known) if name != "seed" else ConfigError(
                    "vary the seed with --seeds N, not as an option")
        self.base = {k: coerce(k, v, where="[base]") for k, v in self.base.items()}
        self.vary = {k: [coerce(k, v) for v in values] for k, values in self.vary.items()}
        for name, values in self.vary.items():
            if not values:
                raise ConfigError(f"--vary {name} needs at least one value")
            labels = [_label(v) for v in values]
            twice = next((label for label in labels if labels.count(label) > 1), None)
            if twice is not None:
                raise ConfigError(f"--vary {name} lists {twice} more than once; give each value once")
        self.seeds = check_int("--seeds", self.seeds, 1)
        # Checked before the grid is built: a typo such as --seeds 1000000000 must not allocate it.
        check_size("runs", product(len(v) for v in self.vary.values()) * self.seeds,
                   f"this sweep ({' x '.join(str(len(v)) for v in self.vary.values()) or '1'} settings "
                   f"x {self.seeds} seeds)", "vary fewer values or use fewer --seeds")
        self.target_accuracy = check_number("--target", self.target_accuracy, 0, 1, low_open=True,
                                            fix="give the training accuracy that counts as reached, e.g. 1.0")
        for point in self.points():  # every combination must be a valid run, of sizes within the limits
            config = self.config(point, 0)
            check_sizes(config)
            if targets(config) == "values":  # a sweep's results are accuracies and epochs to reach one
                raise ConfigError(f"a sweep compares accuracies; --dataset {config.dataset} holds values to regress "
                                  "onto, which have none: train each setting with backproplab train")
            if config.dataset == "csv":  # a missing table is one line now, not a folder and a failed first run
                check_regular_file(config.data, "data file", "give a .csv file")
                if not os.path.exists(config.data):
                    raise ConfigError(f"data file {config.data!r} does not exist; check the path")

    def _check_shape(self):
        """Tables where tables belong, lists of values in [vary], text as title and question."""
        for part, example in (("base", "epochs = 100"), ("vary", "lr = [0.1, 0.5]")):
            if not isinstance(getattr(self, part), dict):
                raise ConfigError(f"a sweep's [{part}] must be a table of options such as {example}, "
                                  f"got {getattr(self, part)!r}")
        for name, values in self.vary.items():
            if not isinstance(values, (list, tuple)):
                raise ConfigError(f"[vary] {name} must be a list of values, got {values!r}; put the values in "
                                  f"brackets: {name} = [...]")
        for part in ("title", "question"):
            if not isinstance(getattr(self, part), str):
                raise ConfigError(f"a sweep's {part} must be text in quotes, got {getattr(self, part)!r}")

    def points(self):
        """Every combination of the varied values, as dicts, in grid order."""
        names = list(self.vary)
        return [dict(zip(names, combo)) for combo in itertools.product(*self.vary.values())] or [{}]

    def config(self, point, seed):
        return RunConfig.for_dataset(**{**self.base, **point, "seed": seed, "print_every": 0})

    def runs(self):
        """(key, point, seed) of every run, in a fixed order."""
        return [(run_key(point, seed), point, seed) for point in self.points() for seed in range(self.seeds)]

    def with_overrides(self, base=None, vary=None, seeds=None, target_accuracy=None):
        """This sweep with what the command line gives put over its own: ``base`` options over its [base],
        ``vary`` lists over its [vary] (name by name), and ``seeds`` and ``target_accuracy`` where not None."""
        vary, base = vary or {}, base or {}
        refuse_fixed_and_varied(base, {**self.vary, **vary})
        # An option varied on the command line is no longer fixed by the file's [base].
        return SweepSpec(base={**{k: v for k, v in self.base.items() if k not in vary}, **base},
                         vary={**self.vary, **vary},
                         seeds=self.seeds if seeds is None else seeds,
                         target_accuracy=self.target_accuracy if target_accuracy is None else target_accuracy,
                         title=self.title, question=self.question)

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
            data = tomllib.loads(read_text(path, "sweep file", "give a .toml file"))
        except (tomllib.TOMLDecodeError, RecursionError) as e:
            raise ConfigError(f"sweep file {path!r} is not valid TOML: {str(e)[:120]}") from None
        data.pop("expect", None)  # what a lab set-up is known to reach, read by benchmarks/lab_setups.py
        settings = data.pop("sweep", {})
        if not isinstance(settings, dict) or not set(settings) <= {"seeds", "target_accuracy"}:
            raise ConfigError(f"sweep file {path!r}: [sweep] takes seeds and target_accuracy, got {settings!r}")
        spec = {"base": data.pop("base", {}), "vary": data.pop("vary", {}), **settings}
        spec.update({k: data.pop(k) for k in ("title", "question") if k in data})
        if data:
            raise ConfigError(f"sweep file {path!r}: unknown keys {sorted(data)}; use title, question, "
                              "[base], [vary], [sweep] and [expect]")
        read = cls.from_dict(spec)
        refuse_fixed_and_varied(read.base, read.vary)
        return read


def refuse_fixed_and_varied(base, vary):
    """An option both fixed (--lr, [base]) and varied (--vary, [vary]) by what a user wrote is an error:
    the varied values would replace the fixed one without a word. (A lab question varies what its
    set-up fixes, on purpose; it builds its SweepSpec itself.)"""
    both = next((name for name in vary if name in base), None)
    if both is not None:
        raise ConfigError(f"{both} is both given one value (--{both.replace('_', '-')} or [base]) and varied "
                          "(--vary or [vary]) in this sweep; give it in one place")


def _jsonable(value):
    return list(value) if isinstance(value, tuple) else value


def _option_types():
    """Every option a sweep takes -> how it is typed: RunConfig's fields, and each loss setting
    (``loss_delta``) typed as its default is."""
    settings = {key: {"type": type(default)} for key, (_, default, _) in loss_options().items()}
    return {**{name: f.metadata for name, f in FIELDS.items()}, **settings}


def coerce(name, value, where="--vary"):
    """A value for option ``name`` from text or TOML, typed as RunConfig's field declares it.

    A field that takes several values (``hidden``, ``conv``, ``activation``) takes a
    list, or for widths '8-8' (two layers of 8). A single width is one layer, as
    ``train --hidden 360`` is: ``hidden=360`` is one hidden layer of 360. ``where`` names the
    value's place in errors ('--vary' or '[base]').
    """
    declared = _option_types()[name]
    kind = declared.get("type", str)
    if "nargs" in declared:
        if isinstance(value, (list, tuple)):
            items = list(value)
        elif isinstance(value, str) and "-" in value and kind is int:
            items = value.split("-")
        else:
            items = [value]
        if kind is not int:
            return tuple(str(v) for v in items)
        try:
            widths = tuple(int(v) for v in items)
        except (TypeError, ValueError):
            raise ConfigError(f"{where} {name}: {value!r} is not a width such as 8 or 8-8") from None
        return widths
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.lower() in ("none", "full"):
        return None
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise ConfigError(f"{where} {name}: {value!r} is not an integer") from None
    if kind is float:
        try:
            return float(text)
        except ValueError:
            raise ConfigError(f"{where} {name}: {value!r} is not a number") from None
    if kind is bool:
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


def model_file_name(key):
    """The file name (without extension) of the model of run ``key`` in a sweep's ``models`` folder.

    'lr=0.1|hidden=4-4|seed=2' -> 'lr-0.1__hidden-4-4__seed-2': no '|', '=' or '/' in a path.
    """
    return key.replace("|", "__").replace("=", "-").replace("/", "_")


def read_spec(folder):
    """The SweepSpec saved in a sweep folder's sweep.json."""
    path = os.path.join(folder, SPEC_FILE)
    if not os.path.isfile(path):
        raise ConfigError(f"{folder!r} holds no {SPEC_FILE}; give the folder of a sweep")
    fix = "it cannot be resumed: run the sweep again into a new --out"
    saved = check_record(parse_json(read_text(path, "sweep description", fix), f"{path!r}", fix), "sweep",
                         f"{path!r}", fix)
    try:
        return SweepSpec.from_dict(saved)
    except ConfigError as e:
        raise ConfigError(f"{path!r} is damaged ({e}); {fix}") from None
