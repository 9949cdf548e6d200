"""The extension exercise: a new optimizer, loss and layer, each one class and its registration.

Each is registered inside a test, as a contributor would write it, with what it knows about itself
declared on its class (its formula, its words, its traits), and followed everywhere a user meets
it: the CLI and its help, sweeps, model files, the gradient checks, the trace with its own formula,
the report's words, the playground page's choices and the scikit-learn estimators. Nothing else is
edited; each is unregistered afterwards.
"""

import json
from types import SimpleNamespace

import numpy as np
import pytest
from test_gradcheck import TOLERANCE, example

from backproplab.cli import main
from backproplab.experiments import SweepSpec, parse_vary
from backproplab.gradcheck import gradcheck
from backproplab.model_file import load_model, save_model
from backproplab.nn import ACTIVATIONS, LAYERS, LOSSES, Identity, Linear, Sequential
from backproplab.nn.activations import _Activation
from backproplab.nn.losses import Loss
from backproplab.optim import OPTIMIZERS, Optimizer
from backproplab.playground.settings import check_settings, choices
from backproplab.report.setup import value_words
from backproplab.run import RunConfig, build_loss, build_optimizer
from backproplab.run.predict import saved_loss
from backproplab.tracing import trace
from backproplab.tracing.notation import loss_words
from backproplab.training.diagnosis import _look_inside
from backproplab.validation import check_number

sklearn = pytest.importorskip("backproplab.sklearn", reason="scikit-learn not installed: pip install -e '.[test]'")


@pytest.fixture
def ext():
    """A new optimizer, loss and activation, each a class and its registration, removed after the test."""

    class Lion(Optimizer):
        """Lion (Chen et al., 2023): the sign of a blend of momentum and gradient, with decoupled weight decay."""

        formula = ("w <- w - lr sign(beta1 exp_avg + (1 - beta1) g);  "
                   "exp_avg <- beta2 exp_avg + (1 - beta2) g")
        words = "Lion (signed momentum)"
        decoupled = True
        state_names = ("exp_avg",)

        def __init__(self, params, lr=1e-3, betas=(0.9, 0.99), weight_decay=0.0):
            self.beta1, self.beta2 = (check_number("beta", b, 0.0, 1.0, high_open=True) for b in betas)
            self.weight_decay = check_number("weight_decay", weight_decay, 0.0)
            super().__init__(params, lr)

        def update(self, w, g, state):
            m = state["exp_avg"]
            w *= 1.0 - self.lr * self.weight_decay
            w -= self.lr * np.sign(self.beta1 * m + (1.0 - self.beta1) * g)
            m *= self.beta2
            m += (1.0 - self.beta2) * g

        def hyperparameters(self):
            return {"lr": self.lr, "betas": (self.beta1, self.beta2), "weight_decay": self.weight_decay}


    class PseudoHuberLoss(Loss):
        """Pseudo-Huber: squared errors near 0, absolute ones beyond delta, smooth everywhere.

        L = mean(delta^2 (sqrt(1 + (r / delta)^2) - 1)), r = y_hat - y.   dL/dy_hat = r / sqrt(1 + (r / delta)^2) / size.
        """

        formula = "L = mean({delta:g}^2 (sqrt(1 + (({p} - y) / {delta:g})^2) - 1))"
        derivative = "dL/d{p} = ({p} - y) / sqrt(1 + (({p} - y) / {delta:g})^2) / n"
        words = "pseudo-Huber loss"
        settings_help = {"delta": "where the loss turns from squared to absolute errors"}

        def __init__(self, reduction="mean", delta=1.0):
            super().__init__(reduction)
            self.delta = check_number("delta", delta, 0.0, low_open=True)

        def forward(self, output, target):
            target = np.asarray(target, dtype=output.dtype).reshape(output.shape)
            r = output - target
            self._cache = r
            return float(np.sum(self.delta**2 * (np.sqrt(1.0 + (r / self.delta) ** 2) - 1.0))) / self._terms(r.size)

        def backward(self):
            r = self._cached()
            return r / np.sqrt(1.0 + (r / self.delta) ** 2) / self._terms(r.size)


    class ScaledTanh(_Activation):
        """out = tanh(scale x).   Backward: dx = dout * scale (1 - out^2)."""

        formula = "tanh({scale:g} {z})"
        derivative = "{scale:g} (1 - {a}^2)"
        words = "scaled tanh"
        saturates_at = (-1.0, 1.0)
        example_arguments = (1.5,)

        def __init__(self, scale=2.0):
            self.scale = check_number("scale", scale, 0.0, low_open=True)

        def forward(self, x):
            self._cache = out = np.tanh(self.scale * x)
            return out

        def backward(self, dout):
            out = self._cached()
            return dout * self.scale * (1.0 - out * out)

        def config(self):
            return {"scale": self.scale}

    OPTIMIZERS.register("lion")(Lion)
    LOSSES.register("pseudo_huber")(PseudoHuberLoss)
    ACTIVATIONS.register("scaled_tanh")(ScaledTanh)
    try:
        yield SimpleNamespace(Lion=Lion, PseudoHuberLoss=PseudoHuberLoss, ScaledTanh=ScaledTanh)
    finally:
        OPTIMIZERS.unregister("lion")
        LOSSES.unregister("pseudo_huber")
        ACTIVATIONS.unregister("scaled_tanh")
        LAYERS.unregister("ScaledTanh")  # a Module subclass names itself in LAYERS when defined


def _help(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    return " ".join(capsys.readouterr().out.split())


def test_each_reaches_the_command_line_with_its_own_help_and_a_run(ext, tmp_path, capsys):
    text = _help("train", capsys)
    assert "lion" in text and "pseudo_huber" in text and "scaled_tanh" in text  # the choices
    assert "adam, adamw, lion: first-moment decay" in text  # from Lion's constructor: it takes betas
    assert "for adamw and lion" in text  # its weight decay is decoupled, as it declares
    assert "--loss-delta LOSS_DELTA pseudo_huber: where the loss turns from squared to absolute errors" in text

    out = tmp_path / "run"
    assert main(["train", "--dataset", "xor", "--activation", "scaled_tanh", "--loss", "pseudo_huber",
                 "--loss-delta", "0.5", "--optimizer", "lion", "--weight-decay", "0.01", "--beta1", "0.8",
                 "--epochs", "3", "--print-every", "0", "--out", str(out)]) == 0
    config = json.loads((out / "metrics.json").read_text())["config"]
    assert (config["optimizer"], config["loss"], config["loss_args"]) == ("lion", "pseudo_huber", {"delta": 0.5})
    assert config["activation"] == ["scaled_tanh"] and config["beta1"] == 0.8

    # a setting of the loss given to another loss is refused in one line
    assert main(["train", "--loss", "bce", "--loss-delta", "0.5", "--epochs", "1"]) == 2
    assert "--loss-delta is a setting of pseudo_huber, not of --loss bce; drop it" in capsys.readouterr().err


def test_each_reaches_sweeps_and_model_files(ext, tmp_path):
    options = {"dataset": "xor", "epochs": 2, "loss": "pseudo_huber"}
    vary = parse_vary(["optimizer=lion,adam", "activation=scaled_tanh", "loss_delta=0.5,2"], options)
    spec = SweepSpec(base=options, vary=vary, seeds=1)
    configs = [spec.config(point, 0) for point in spec.points()]
    assert [c.loss_args for c in configs] == [(("delta", 0.5),), (("delta", 2.0),)] * 2
    assert build_loss(configs[0]).delta == 0.5
    lion = build_optimizer(configs[0], Linear(2, 2, rng=0).parameters())
    assert isinstance(lion, ext.Lion) and lion.hyperparameters()["betas"] == (0.9, 0.99)

    net = Sequential(Linear(2, 3, rng=0), ext.ScaledTanh(1.5), Linear(3, 1, rng=1))
    config = RunConfig.for_dataset(dataset="xor", loss="pseudo_huber", loss_delta=0.25)
    path = save_model(net, tmp_path / "model.npz", metadata={"config": config.as_dict(), "loss": config.loss})
    loaded, metadata = load_model(path)
    assert loaded.layers[1].scale == 1.5  # its constructor argument, from its config()
    x = np.random.default_rng(0).standard_normal((4, 2))
    np.testing.assert_array_equal(loaded(x), net(x))
    assert saved_loss(metadata).delta == 0.25  # what predict reads the outputs with
    assert RunConfig.from_dict(metadata["config"]) == config


def test_each_passes_the_gradient_checks_and_is_traced_with_its_own_formula(ext, rng):
    layer, shape = example("ScaledTanh", rng)  # the recipe the gradient check of every layer uses
    assert layer.scale == 1.5
    report = gradcheck(layer, rng.uniform(0.2, 1.5, shape))
    assert max(report.values()) < TOLERANCE, report
    output = rng.standard_normal((6, 1))
    report = gradcheck(Identity(), output, ext.PseudoHuberLoss(delta=0.5), rng.standard_normal(6))
    assert report["input"] < TOLERANCE, report

    model = Sequential(Linear(2, 3, rng=rng), ext.ScaledTanh(1.5), Linear(3, 1, rng=rng))
    lion = ext.Lion(model.parameters(), lr=0.1, weight_decay=0.2)
    record = trace(model, [0.3, -0.7], 0.5, ext.PseudoHuberLoss(delta=0.5), lion).record
    assert record["layers"][1]["formula"] == "a1 = tanh(1.5 z1)"
    assert record["layers"][1]["backward_formula"].endswith("f'(z1) = 1.5 (1 - a1^2)")
    assert record["loss"]["formula"] == "L = mean(0.5^2 (sqrt(1 + ((z2 - y) / 0.5)^2) - 1))"
    assert record["optimizer"]["formula"] == ("w <- w (1 - lr 0.2);  w <- w - lr sign(beta1 exp_avg + (1 - beta1) g);  "
                                              "exp_avg <- beta2 exp_avg + (1 - beta2) g")
    assert record["gradcheck_max_rel_error"] < TOLERANCE

    # diagnosis reads where it saturates from the class
    pinned = Sequential(Linear(2, 3, rng=rng), ext.ScaledTanh(50.0), Linear(3, 1, rng=rng))
    inside = _look_inside(pinned, ext.PseudoHuberLoss(), rng.uniform(1, 2, (20, 2)), None)
    assert inside["pinned_hidden"] > 0.5


def test_each_is_named_in_words_in_the_report_and_offered_by_the_page(ext):
    run = {"optimizer": "lion", "loss": "pseudo_huber", "activation": ["scaled_tanh"]}
    assert value_words("optimizer", run) == "Lion (signed momentum)"
    assert value_words("loss", run) == loss_words("pseudo_huber") == "pseudo-Huber loss"
    assert value_words("activation", run) == "scaled tanh"

    offered = choices()
    assert "lion" in offered["optimizer"] and "scaled_tanh" in offered["activation"]
    assert offered["loss_settings"]["pseudo_huber"] == {"delta": 1.0}
    settings = check_settings({"loss": "pseudo_huber", "loss_args": {"delta": 0.5}, "optimizer": "lion",
                               "activation": ["scaled_tanh", "scaled_tanh"]})
    assert settings["loss_args"] == {"delta": 0.5}


@pytest.mark.filterwarnings("ignore:stopped at max_iter")  # five epochs: enough to show they train
def test_each_trains_in_the_scikit_learn_estimators(ext):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    y = (X[:, 0] > 0).astype(int)
    classifier = sklearn.BackpropClassifier((4,), activation="scaled_tanh", solver="lion", loss="pseudo_huber",
                                            max_iter=5, random_state=0).fit(X, y)
    assert isinstance(classifier.model_.layers[1], ext.ScaledTanh) and classifier.loss_function_ == "pseudo_huber"
    regressor = sklearn.BackpropRegressor((4,), activation="scaled_tanh", solver="lion", loss="pseudo_huber",
                                          max_iter=5, random_state=0).fit(X, X[:, 0])
    assert regressor.predict(X).shape == (40,)


def test_the_extensions_are_gone_after_their_tests():
    assert "lion" not in OPTIMIZERS and "pseudo_huber" not in LOSSES and "scaled_tanh" not in ACTIVATIONS
    assert "ScaledTanh" not in LAYERS
