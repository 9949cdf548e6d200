import math

import numpy as np
import pytest

from backproplab.nn import Parameter
from backproplab.optim import SGD, CosineAnnealingLR, ExponentialLR, ReduceLROnPlateau, StepLR


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
