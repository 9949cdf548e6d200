"""The options the classic lab set-ups need: no biases, bias starts, summed and half-sum-of-squares
losses, AdaGrad's starting accumulator and per-sample updates in a fixed order, from the Python API,
a RunConfig and the command line."""

import json

import numpy as np
import pytest

import backproplab as bl
from backproplab.cli import main
from backproplab.data import xor_easy
from backproplab.errors import ConfigError
from backproplab.nn import get_loss
from backproplab.run import RunConfig, build_model, build_optimizer


def test_half_sse_gradient_is_the_error_per_sample():
    out, y = np.array([[0.25], [0.75], [0.5]]), np.array([0, 1, 1])
    summed = get_loss("half_sse", "sum")
    assert summed(out, y) == pytest.approx(0.5 * (0.25 ** 2 + 0.25 ** 2 + 0.5 ** 2))
    np.testing.assert_allclose(summed.backward().ravel(), [0.25, -0.25, -0.5])
    mean = get_loss("half_sse")
    assert mean(out, y) == pytest.approx(summed(out, y) / 3)
    np.testing.assert_allclose(mean.backward().ravel(), [0.25 / 3, -0.25 / 3, -0.5 / 3])


def test_summed_loss_is_the_mean_times_the_terms():
    out, y = np.array([[0.2], [0.9]]), np.array([0, 1])
    for name in ("mse", "bce"):
        assert get_loss(name, "sum")(out, y) == pytest.approx(2 * get_loss(name)(out, y))
    with pytest.raises(ConfigError, match="reduction"):
        get_loss("mse", "total")


def test_bias_initialisers():
    rng = np.random.default_rng(0)
    assert np.all(bl.Linear(4, 3, bias_init="ones", rng=rng).bias.data == 1)
    assert np.all(bl.Linear(4, 3, rng=rng).bias.data == 0)
    bound = 1 / np.sqrt(400)
    b = bl.Linear(400, 1000, bias_init="uniform", rng=rng).bias.data
    assert b.min() >= -bound and b.max() <= bound and b.std() > bound / 3
    assert abs(bl.Linear(2, 5000, bias_init="normal", rng=rng).bias.data.std() - 1) < 0.05
    with pytest.raises(ConfigError, match="did you mean 'ones'"):
        bl.Linear(2, 2, bias_init="one")


def test_config_builds_every_option_into_the_network_and_optimizer():
    config = RunConfig(hidden=(5, 5), bias=False, optimizer="adagrad", initial_accumulator_value=1.0, eps=1e-8)
    model = build_model(config, (2,), 1, "sigmoid", np.random.default_rng(0))
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "2.weight", "4.weight"]
    optimizer = build_optimizer(config, model.parameters())
    assert optimizer.initial_accumulator_value == 1.0 and optimizer.eps == 1e-8
    assert all(np.all(state["sum"] == 1.0) for state in optimizer.state)
    ones = build_model(RunConfig(bias_init="ones"), (2,), 1, "sigmoid", np.random.default_rng(0))
    assert all(np.all(layer.bias.data == 1) for layer in ones if isinstance(layer, bl.Linear))


def _per_sample_run(shuffle, seed):
    X, y = xor_easy()
    rng = np.random.default_rng(1)
    model = bl.Sequential(bl.Linear(2, 4, rng=rng), bl.Sigmoid(), bl.Linear(4, 1, rng=rng), bl.Sigmoid())
    bl.fit(model, bl.MSELoss(), bl.SGD(model.parameters(), lr=0.5), X, y, epochs=3, batch_size=1,
           shuffle=shuffle, seed=seed)
    return model.state_dict()["0.weight"]


def test_no_shuffle_updates_per_sample_in_the_data_order():
    np.testing.assert_array_equal(_per_sample_run(False, 0), _per_sample_run(False, 1))  # no random order
    assert not np.array_equal(_per_sample_run(True, 0), _per_sample_run(True, 1))
    # the same steps by hand, sample 0, 1, 2, ... each epoch
    X, y = xor_easy()
    rng = np.random.default_rng(1)
    model = bl.Sequential(bl.Linear(2, 4, rng=rng), bl.Sigmoid(), bl.Linear(4, 1, rng=rng), bl.Sigmoid())
    loss_fn, opt = bl.MSELoss(), bl.SGD(model.parameters(), lr=0.5)
    for _ in range(3):
        for i in range(len(X)):
            loss_fn(model(X[i:i + 1]), y[i:i + 1])
            opt.zero_grad()
            model.backward(loss_fn.backward())
            opt.step()
    np.testing.assert_array_equal(model.state_dict()["0.weight"], _per_sample_run(False, 5))


@pytest.mark.slow
def test_command_line_takes_every_lab_option(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--dataset", "xor", "--hidden", "5", "5", "--no-bias", "--bias-init", "normal",
                 "--init", "normal", "--loss", "half_sse", "--loss-reduction", "sum", "--optimizer", "adagrad",
                 "--initial-accumulator", "1", "--eps", "1e-8", "--lr", "0.05", "--batch-size", "1",
                 "--no-shuffle", "--epochs", "5", "--print-every", "0", "--out", str(out)])
    assert code == 0, capsys.readouterr()
    config = json.loads((out / "metrics.json").read_text())["config"]
    assert config["bias"] is False and config["loss"] == "half_sse" and config["loss_reduction"] == "sum"
    assert config["initial_accumulator_value"] == 1.0 and config["shuffle"] is False
    model, _ = bl.load_model(out / "model.npz")
    assert all(layer.bias is None for layer in model if isinstance(layer, bl.Linear))


def test_a_bad_reduction_is_one_line_and_exit_2(capsys):
    assert main(["train", "--loss-reduction", "median"]) == 2
    err = capsys.readouterr().err
    assert "median" in err and "mean, sum" in err and "Traceback" not in err
