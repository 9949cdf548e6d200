"""The set-up a lab runs on: backproplab's default, the hand-out's classic one, or a set-up file.

``backproplab lab`` trains one network on both of the lab's data sets and (``--report``) asks
the lab's questions of it. ``LabSetup`` says which network that is and why, so that the report
can say it too:

- the default: RunConfig's own (Adam at 0.01 from Xavier weights), which trains both sets in
  a few hundred epochs whatever the seed;
- ``--classic``: what the lab hand-out prescribes and every student of it used, sigmoid units
  trained by plain gradient descent from standard-normal weights;
- ``--setup NAME|FILE``: a classic set-up of ``experiments/setups`` (or any sweep file), its
  network and training options on both data sets.
"""

import json
import os
from dataclasses import dataclass, field

from ..atomic import write_json

from ..errors import ConfigError, did_you_mean
from ..limits import check_regular_file
from ..nn.activations import ACTIVATIONS, Sigmoid
from ..optim import OPTIMIZERS
from ..optim.adaptive import Adam
from ..optim.sgd import SGD
from ..run import RunConfig
from .shipped import find_sweep_file, shipped_sweeps, sweep_key
from .spec import SweepSpec

SETUPS = "setups/"  # the shipped set-ups' folder among the sweep files

GD = OPTIMIZERS.name_of(SGD)
ADAM = OPTIMIZERS.name_of(Adam)
# The rate each optimizer is compared at when it is not the set-up's own: gradient descent's best on
# both lab sets (the learning-rate question measures it), and Adam's default.
OTHER_RATES = {GD: 1.0, ADAM: 0.01}
# Options of a set-up that are the data's, not the network's: the lab chooses its own data.
DATA_KEYS = ("dataset", "n", "noise", "classes", "test_size", "data", "seed", "print_every")


@dataclass(frozen=True)
class LabSetup:
    """The network and training options the lab runs (over RunConfig's defaults), with a name and a reason."""

    name: str
    why: str
    options: dict = field(default_factory=dict)

    def value(self, key):
        return self.options.get(key, getattr(RunConfig, key))

    def config(self, dataset, seed, epochs=None, print_every=200):
        """The lab's RunConfig on ``dataset``: the set-up's options, ``epochs`` over its own when given."""
        options = {**self.options, **({"epochs": epochs} if epochs is not None else {})}
        return RunConfig.for_dataset(dataset=dataset, seed=seed, print_every=print_every, **options)

    def optimizers(self):
        """[(optimizer, lr)]: the set-up's own, then the other of gradient descent and Adam at its rate, so that
        a question whose answer depends on the optimizer shows both side by side."""
        own = (self.value("optimizer"), self.value("lr"))
        other = GD if own[0] != GD else ADAM
        return [own, (other, OTHER_RATES[other])]


DEFAULT = LabSetup(
    "default",
    "backproplab's default: Adam at learning rate 0.01 from Xavier weights, which trains both data sets to 100% "
    "within a few hundred epochs whatever the seed. The lab hand-out prescribes plain gradient descent "
    "(backproplab lab --classic); the questions whose answer depends on the optimizer show both side by side.")

CLASSIC = LabSetup(
    "classic",
    "the lab hand-out's set-up, which every student of it used: sigmoid units trained by plain full-batch gradient "
    "descent from standard-normal weights, on the binary cross-entropy, at learning rate 1 (the rate the "
    "learning-rate question finds best for it on both data sets). The questions whose answer depends on the "
    "optimizer show Adam beside it.",
    {"activation": (ACTIVATIONS.name_of(Sigmoid),), "init": "normal", "optimizer": GD, "lr": 1.0, "hidden": (8, 8)})


def setup_from_file(name):
    """The LabSetup of a set-up file (``xor-2-7-7-1-mse-sgd``, ``setups/...`` or a path): its [base] options
    without the data's, which the lab chooses."""
    spec = SweepSpec.from_toml(_setup_path(name))
    if spec.vary:
        raise ConfigError(f"set-up {name!r} varies {', '.join(spec.vary)}; a lab set-up is one network, so give a "
                          "file without [vary] (backproplab experiments lists the set-ups under setups/)")
    options = {k: v for k, v in spec.base.items() if k not in DATA_KEYS}
    return LabSetup(name, f"the set-up {spec.title or name}", options)


def _setup_path(name):
    """The file of set-up ``name``: a path, a shipped set-up (``setups/NAME`` or ``NAME``), or another shipped
    sweep (which its [vary] then refuses, saying why); else a ConfigError suggesting only shipped set-ups."""
    if os.path.exists(name):
        return find_sweep_file(name)
    shipped = shipped_sweeps()
    key = sweep_key(name)
    setups = {other.removeprefix(SETUPS): path for other, path in shipped.items() if other.startswith(SETUPS)}
    if key.removeprefix(SETUPS) in setups:
        return setups[key.removeprefix(SETUPS)]
    if key in shipped:
        return shipped[key]
    raise ConfigError(f"unknown set-up {name!r}{did_you_mean(key.removeprefix(SETUPS), setups)}: neither a file nor "
                      f"a shipped set-up; 'backproplab experiments' lists the set-ups (under {SETUPS}), or give a "
                      ".toml file of one network (no [vary])")


SETUP_FILE = "lab.json"  # in a lab folder: the set-up it ran, so that its report can say which and why


def write_lab_setup(folder, setup):
    write_json(os.path.join(folder, SETUP_FILE), {"name": setup.name, "why": setup.why,
                                                  "options": {k: list(v) if isinstance(v, tuple) else v
                                                              for k, v in setup.options.items()}})


def read_lab_setup(folder):
    """{'name', 'why'} of a lab folder's set-up: its lab.json, or the default one for a folder written without."""
    path = os.path.join(folder, SETUP_FILE)
    if not os.path.exists(path):
        return {"name": DEFAULT.name, "why": DEFAULT.why}
    check_regular_file(path, "lab set-up file", "remove it, or run the lab again into a new --out")
    try:
        with open(path, encoding="utf-8") as f:
            saved = json.load(f)
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path!r} cannot be read ({e}); run the lab again into a new --out") from None
    if not (isinstance(saved, dict) and isinstance(saved.get("name"), str) and isinstance(saved.get("why"), str)):
        raise ConfigError(f"{path!r} is not a lab set-up (it needs a name and a why, as text); run the lab again "
                          "into a new --out")
    return {"name": saved["name"], "why": saved["why"]}
