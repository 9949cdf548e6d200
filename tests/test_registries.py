"""One class, one registration: a registered entry is everywhere, and no hand-kept list misses one.

The first test registers a throwaway activation inside the test and follows it
into every place a user meets activations: the Python API, the CLI and its help,
the sweep options, model files, the gradient check and the PyTorch parity tests.
The others check that every list still kept by hand (``__all__`` of a package,
the option table of the ``train`` page, docs/train.md) covers its registry.
"""

import importlib.util
import json
import pathlib
import re

import numpy as np
import pytest

import backproplab
from backproplab import data, nn, optim
from backproplab.cli import main
from backproplab.experiments import SweepSpec, parse_vary
from backproplab.gradcheck import gradcheck
from backproplab.model_file import load_model, save_model
from backproplab.nn import ACTIVATIONS, INITIALIZERS, LAYERS, LOSSES, Linear, Module, Sequential, get_activation
from backproplab.optim import OPTIMIZERS, SCHEDULES
from backproplab.run import RunConfig, build_optimizer, build_schedule, datasets
from backproplab.run.config import FIELDS, hidden_activation_names
from backproplab.run.help import help_text

TRAIN_PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "train.md"
THROWAWAY = "cube"


@pytest.fixture
def cube():
    """A throwaway activation, registered for one test and removed after it."""

    @ACTIVATIONS.register(THROWAWAY)
    class Cube(Module):
        """out = x^3.   Backward: dx = dout * 3 x^2."""

        _x = None

        def forward(self, x):
            self._x = x
            return x * x * x

        def backward(self, dout):
            if self._x is None:
                raise RuntimeError("Cube.backward called before forward")
            return dout * 3.0 * self._x * self._x

    try:
        yield Cube
    finally:
        ACTIVATIONS.unregister(THROWAWAY)
        LAYERS.unregister("Cube")


@pytest.mark.slow
def test_a_registered_activation_is_everywhere(cube, tmp_path, capsys, help_of):
    # the Python API
    assert isinstance(get_activation(THROWAWAY), cube)

    # the CLI: a choice, in the help, and a run that trains and writes its files
    assert THROWAWAY in hidden_activation_names()
    assert THROWAWAY in help_of("train")
    out = tmp_path / "run"
    assert main(["train", "--activation", THROWAWAY, "--epochs", "3", "--print-every", "0", "--out", str(out)]) == 0
    assert json.loads((out / "metrics.json").read_text())["config"]["activation"] == [THROWAWAY]

    # the sweep options
    vary = parse_vary([f"activation={THROWAWAY},sigmoid"], {})
    spec = SweepSpec(base={"dataset": "xor", "epochs": 2}, vary=vary, seeds=1)
    assert [point["activation"] for point in spec.points()] == [(THROWAWAY,), ("sigmoid",)]

    # model files: the trained run's and a hand-built one load back as the same network
    model, _ = load_model(out / "model.npz")
    assert any(isinstance(layer, cube) for layer in model.layers)
    net = Sequential(Linear(2, 3, rng=0), cube(), Linear(3, 1, rng=1))
    path = save_model(net, tmp_path / "cube.npz")
    loaded, _ = load_model(path)
    x = np.random.default_rng(0).standard_normal((5, 2))
    assert [type(layer) for layer in loaded.layers] == [Linear, cube, Linear]
    np.testing.assert_array_equal(loaded(x), net(x))

    # the gradient check
    report = gradcheck(Sequential(Linear(2, 3, rng=0), cube()), x)
    assert max(report.values()) < 1e-7, report

    # the parity tests see it, and report that it has no PyTorch counterpart yet
    if importlib.util.find_spec("torch") is None:
        pytest.skip("PyTorch is not installed: the parity machinery is not importable")
    import torch_pairs

    assert THROWAWAY in torch_pairs.parity_names("activation")
    assert THROWAWAY not in torch_pairs.NO_COUNTERPART["activation"]
    with pytest.raises(KeyError, match="no PyTorch counterpart"):
        torch_pairs.torch_counterpart("activation", THROWAWAY)


def test_the_throwaway_is_gone_after_its_test():
    assert THROWAWAY not in ACTIVATIONS and "Cube" not in LAYERS


# --- hand-kept lists cover their registries --------------------------------------------------------

def _library(entries):
    """Names of the library's own entries (tests may register classes of their own)."""
    return {obj.__name__ for obj in entries if obj.__module__.startswith("backproplab.")}


def test_package_exports_cover_the_registries():
    layers_and_losses = _library([*LAYERS.values(), *LOSSES.values()])
    optimizers = _library(obj for obj in (*OPTIMIZERS.values(), *SCHEDULES.values()) if isinstance(obj, type))
    for name in layers_and_losses:
        assert name in nn.__all__ and getattr(nn, name) is not None, name
    for name in layers_and_losses | optimizers:
        assert name in backproplab.__all__ and hasattr(backproplab, name), name
    for name in _library([*OPTIMIZERS.values(), *SCHEDULES.values()]):
        assert name in optim.__all__, name
    for name in _library(data.DATASETS.values()):
        assert name in data.__all__ and hasattr(data, name), name


def test_cli_choices_and_help_cover_the_registries(help_of):
    text = " ".join(help_of("train").split())
    for registry in (LOSSES, OPTIMIZERS, SCHEDULES, INITIALIZERS, data.DATASETS):
        for name in registry:
            assert name in text, (registry, name)
    for name in ACTIVATIONS:
        assert name in text, name
    assert set(datasets.names()) >= set(data.DATASETS)
    assert set(hidden_activation_names()) | {"softmax"} >= set(ACTIVATIONS)


def _option_table_row(option):
    """The row for ``option``, e.g. '--loss', of the option table on the ``train`` page."""
    rows = [line for line in TRAIN_PAGE.read_text(encoding="utf-8").splitlines() if line.startswith(f"| `{option}`")]
    assert rows, f"docs/train.md has no row for {option} in its option table"
    return rows[0]


@pytest.mark.parametrize("option, names", [
    ("--dataset", datasets.names),
    ("--activation", hidden_activation_names),
    ("--output-activation", lambda: tuple(ACTIVATIONS)),
    ("--loss", LOSSES.names),
    ("--optimizer", OPTIMIZERS.names),
    ("--schedule", SCHEDULES.names),
    ("--init", INITIALIZERS.names),
])
def test_the_option_table_names_every_registered_choice(option, names):
    listed = set(re.findall(r"`([^`]+)`", _option_table_row(option)))
    missing = [name for name in names() if name not in listed]
    assert not missing, f"docs/train.md's row for {option} misses {missing}"


def test_every_config_option_is_a_cli_option(help_of):
    text = help_of("train")
    for name, field in RunConfig.__dataclass_fields__.items():
        if field.metadata.get("loss_settings"):  # an option per setting of a loss: --loss-delta
            continue
        assert field.metadata.get("flag", "--" + name.replace("_", "-")) in text, name


@pytest.mark.parametrize("name", OPTIMIZERS.names())
def test_every_optimizer_builds_from_a_config_with_the_options_it_takes(name):
    defaults = build_optimizer(RunConfig(optimizer=name), Linear(2, 2, rng=0).parameters()).hyperparameters()
    given = build_optimizer(RunConfig(optimizer=name, lr=0.05, weight_decay=0.1, eps=1e-6, momentum=0.5, beta1=0.8),
                            Linear(2, 2, rng=0).parameters()).hyperparameters()
    assert given["lr"] == 0.05 and given["weight_decay"] == 0.1
    for option, value in (("eps", 1e-6), ("momentum", 0.5)):
        assert given.get(option) == (value if option in defaults else None)
    if "betas" in defaults:
        assert given["betas"] == (0.8, defaults["betas"][1])


def test_the_help_of_a_setting_names_the_entries_whose_constructor_takes_it():
    """--beta1 is Adam's and AdamW's, --alpha RMSprop's: the help says so from their signatures, not by hand."""
    helps = {f.name: help_text(f, lab_only=True) for f in FIELDS.values() if "part" in f.metadata}
    assert helps["beta1"].startswith("adam, adamw: ") and helps["alpha"].startswith("rmsprop: ")
    assert helps["gamma"].startswith("step, exponential: ")
    assert not helps["lr"].startswith(tuple(OPTIMIZERS))  # every optimizer takes it: no list
    decoupled = [name for name, entry in OPTIMIZERS.items() if getattr(entry, "decoupled", False)]
    assert decoupled and helps["weight_decay"].split("(default")[0].rstrip().endswith(" ".join(decoupled))


@pytest.mark.parametrize("name", SCHEDULES.names())
def test_every_schedule_builds_from_a_config(name):
    config = RunConfig(schedule=name, epochs=300)
    schedule = build_schedule(config, build_optimizer(config, Linear(2, 2, rng=0).parameters()))
    assert isinstance(schedule, SCHEDULES.get(name))
    if name == "cosine":
        assert schedule.T_max == 300  # --t-max defaults to --epochs


@pytest.fixture
def stripes():
    """A throwaway 2-D data set: its function and registration, nothing else."""

    @data.DATASETS.register("stripes")
    def stripes(n=60, noise=0.0, seed=None):
        rng = np.random.default_rng(seed)
        X = rng.uniform(size=(n, 2)) + noise * rng.standard_normal((n, 2))
        return X, (X[:, 0] * 4).astype(np.int64) % 2

    try:
        yield stripes
    finally:
        data.DATASETS.unregister("stripes")


@pytest.mark.slow
def test_a_registered_data_set_is_a_cli_choice_with_the_options_it_takes(stripes, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--dataset", "stripes", "--noise", "0.01", "--epochs", "3", "--print-every", "0",
                 "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["n_test"] == 60  # the generator's default n, also for the fresh test points
    assert main(["train", "--dataset", "stripes", "--classes", "3"]) == 2
    assert "--classes applies to spiral, blobs, playground-gauss and playground-spiral, not stripes" in capsys.readouterr().err
