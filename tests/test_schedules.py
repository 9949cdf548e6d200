import math

import numpy as np
import pytest

from backproplab.cli import main
from backproplab.data import count_batches
from backproplab.errors import ConfigError
from backproplab.nn import BCELoss, Linear, Parameter, Sequential, Sigmoid
from backproplab.optim import SGD, ConstantLR, CosineAnnealingLR, ExponentialLR, OneCycleLR, ReduceLROnPlateau, StepLR
from backproplab.optim.schedules import make_schedule, resize
from backproplab.run import RunConfig, train
from backproplab.training import fit


def _opt(lr=1.0):
    return SGD([Parameter(np.zeros(1))], lr=lr)


def _rates(schedule, epochs, metrics=None):
    rates = []
    for e in range(epochs):
        schedule.step(None if metrics is None else metrics[e])
        rates.append(schedule.optimizer.lr)
    return rates


def test_step_multiplies_by_gamma_every_k_epochs():
    assert _rates(StepLR(_opt(), step_size=2, gamma=0.5), 6) == [1.0, 0.5, 0.5, 0.25, 0.25, 0.125]


def test_exponential():
    assert _rates(ExponentialLR(_opt(), gamma=0.9), 3) == pytest.approx([0.9, 0.81, 0.729])


def test_cosine_reaches_eta_min_at_t_max():
    rates = _rates(CosineAnnealingLR(_opt(), T_max=4, eta_min=0.1), 4)
    assert rates[1] == pytest.approx(0.1 + 0.9 * (1 + math.cos(math.pi / 2)) / 2)
    assert rates[-1] == pytest.approx(0.1)


def test_plateau_cuts_after_patience_bad_epochs():
    schedule = ReduceLROnPlateau(_opt(), factor=0.5, patience=2)
    rates = _rates(schedule, 6, [1.0, 1.0, 1.0, 1.0, 0.5, 0.5])
    # epoch 1 improves; 2, 3 are bad (patience 2); the 3rd bad epoch (4) cuts.
    assert rates == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5]


def test_one_cycle_rises_to_lr_then_falls_to_its_floor():
    schedule = OneCycleLR(_opt(0.4), total_steps=10, pct_start=0.5, div_factor=4.0, final_div_factor=10.0)
    assert schedule.optimizer.lr == pytest.approx(0.1)  # lr / div_factor before the first step
    rates = _rates(schedule, 10)
    assert rates[3] == pytest.approx(0.4)  # the top at step pct_start * total_steps - 1 = 4
    assert max(rates) <= 0.4 and rates[:4] == sorted(rates[:4]) and rates[4:] == sorted(rates[4:], reverse=True)
    assert rates[8] == rates[9] == pytest.approx(0.01)  # lr / div_factor / final_div_factor from the last step on


def test_fit_steps_a_per_batch_schedule_after_every_batch():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 2)), (rng.random(40) > 0.5).astype(int)
    model = Sequential(Linear(2, 3, rng=0), Sigmoid(), Linear(3, 1, rng=0), Sigmoid())
    optimizer = SGD(model.parameters(), lr=0.5)
    schedule = OneCycleLR(optimizer, total_steps=3 * count_batches(40, 16))
    history = fit(model, BCELoss(), optimizer, X, y, epochs=3, batch_size=16, schedule=schedule, seed=0)
    assert schedule.epoch == 9  # 3 epochs of 3 batches
    assert history.lr[-1] == pytest.approx(0.5 / 25 / 1e4)
    assert history.lr[0] > 0.5 / 25  # well up the rise after the first epoch's three updates


def test_make_schedule_sizes_cosine_in_epochs_and_one_cycle_in_batches():
    cosine = make_schedule("cosine", _opt(), epochs=30, steps_per_epoch=7)
    cycle = make_schedule("onecycle", _opt(), epochs=30, steps_per_epoch=7)
    assert cosine.T_max == 30 and cycle.total_steps == 210
    assert make_schedule("cosine", _opt(), epochs=30, T_max=5).T_max == 5  # a length given wins


def test_resize_continues_from_the_step_reached_and_ends_on_the_new_last_epoch():
    schedule = CosineAnnealingLR(_opt(), T_max=1000)
    _rates(schedule, 10)
    resize(schedule, 20)
    assert schedule.optimizer.lr == pytest.approx(0.5)  # epoch 10 of 20: half way down
    assert _rates(schedule, 10)[-1] == pytest.approx(0.0, abs=1e-15)
    constant = ConstantLR(_opt(0.1))
    assert resize(constant, 20).optimizer.lr == 0.1 and not hasattr(constant, "T_max")


def test_a_one_cycle_too_short_to_rise_and_fall_names_the_value_given():
    with pytest.raises(ConfigError) as error:
        OneCycleLR(_opt(), total_steps=1)
    assert str(error.value).startswith("total_steps must be an integer >= 2, got 1;")


@pytest.mark.parametrize("options, message", [
    ({"epochs": 1}, "--schedule onecycle needs at least 2 steps in all (epochs x batches per epoch); got 1 x 1 = 1: "
                    "train for more epochs or use smaller batches"),
    ({"epochs": 50, "t_max": 1}, "(--t-max x batches per epoch); got 1 x 1 = 1: give a longer --t-max"),
])
def test_a_run_of_one_step_under_one_cycle_says_so_in_the_options_given(tmp_path, capsys, options, message):
    config = RunConfig.for_dataset(dataset="xor", schedule="onecycle", **options)
    with pytest.raises(ConfigError) as error:
        train(config)
    assert message in str(error.value) and "\n" not in str(error.value)
    flags = [part for name, value in options.items() for part in (f"--{name.replace('_', '-')}", str(value))]
    assert main(["train", "--dataset", "xor", "--schedule", "onecycle", *flags, "--out", str(tmp_path / "run")]) == 2
    assert message in capsys.readouterr().err
    assert len(train(config.replace(epochs=2, t_max=None)).history.lr) == 2  # two steps make a cycle
