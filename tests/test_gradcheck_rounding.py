"""The gradient check on a trained network: a tiny gradient beside its estimate is rounding, a wrong one is not.

A central difference carries a rounding error of its own, 2 eps S / h (``gradcheck.numeric_rounding``), and
a trained network's gradients can be as small. The lab's XOR network after its 2,000 epochs has entries
of 1e-9 whose estimates differ from them by 1e-10: a relative error of 4e-2 that is rounding, not a
wrong backward pass. The check judges each entry by |g - numeric| <= d + RTOL |numeric|, and still
fails a backward pass that is wrong by a factor 2 or a sign on the same network.
"""

import copy
import re

import numpy as np
import pytest

import backproplab as bl
from backproplab.gradcheck import EPS, RTOL, agreement, computation_scale, numeric_rounding
from backproplab.nn import Linear, Sigmoid
from backproplab.run.config import RunConfig
from backproplab.run.trace_sample import trace_input
from backproplab.run.train import make_data, random_streams

FAILED_CELL = r"\de[-+]\d\d FAIL"  # a relative error marked as failing, in a table
LAB_EPOCHS = 2000  # the lab's XOR run: `backproplab lab` trains the same network as long


class _DoubledSigmoid(Sigmoid):
    def backward(self, dout):
        return 2 * super().backward(dout)  # a factor 2 too many


class _SignFlippedSigmoid(Sigmoid):
    def backward(self, dout):
        return -super().backward(dout)  # f'(z) with the wrong sign


class _HalvedWeightGradient(Linear):
    def backward(self, dout):
        dx = super().backward(dout)
        self.weight.grad *= 0.5  # dL/dW halved, dL/dx and dL/db right
        return dx


@pytest.fixture(scope="module")
def lab_xor():
    """The lab's XOR network after its training, the loss and optimizer it is traced with, and its training points."""
    found = trace_input({}, sample=0, steps=LAB_EPOCHS)
    config = RunConfig.for_dataset()
    data = make_data(config, random_streams(config.seed))
    return found, data.X_train, data.y_train


def _verdicts(record):
    """(layer index, gradient name, verdict, relative error) of every checked entry."""
    found = []
    for i, layer in enumerate(record["layers"]):
        for key, check in layer["backward"]["check"].items():
            g = np.asarray(layer["backward"][key]).reshape(-1)[check["entries"]]
            n = np.asarray(check["numeric"])
            rel = np.abs(g - n) / np.maximum(np.abs(g) + np.abs(n), 1e-300)
            found += [(i, key, v, r) for v, r in zip(check["verdicts"], rel)]
    return found


def test_the_trained_lab_network_fails_no_entry(lab_xor):
    found, X, y = lab_xor
    alarming = 0
    for x, target in zip(X, y):
        result = bl.trace(found.model, x, target, found.loss, found.optimizer)
        verdicts = _verdicts(result.record)
        assert result.gradcheck_passed and not any(v == "FAIL" for _, _, v, _ in verdicts)
        assert not re.search(FAILED_CELL, result.text())
        # entries whose relative error alone looks like a wrong backward pass, each passed as rounding
        alarming += sum(v == "rounding" and r > 1e-2 for _, _, v, r in verdicts)
    assert alarming > 0  # the rounding a relative error alone reported as failures is still there to see


def test_the_trace_marks_a_tiny_entry_as_rounding_and_says_why(lab_xor):
    found, X, y = lab_xor
    result = bl.trace(found.model, X[3], y[3], found.loss, found.optimizer)
    check = result.record["gradcheck"]
    assert check["rounding"] == pytest.approx(2 * EPS * check["scale"] / 1e-6)
    assert 1e-10 < check["rounding"] < 1e-8 and check["within_rounding"] > 0 and check["failed"] == 0
    w3 = result.record["layers"][4]["backward"]  # dL/dW3: entry 6 is about 1e-9
    assert abs(w3["dL/dW3"][0, 6]) < 10 * check["rounding"] and w3["check"]["dL/dW3"]["verdicts"][6] == "rounding"
    text = " ".join(result.text().split())
    assert "shows 'rounding' instead, and a wrong one FAIL" in text  # the rule, in the how-to-read paragraph
    assert f"an entry passes when |g - numeric| <= d + {RTOL:.0e} |numeric|, d = 2 eps S / h = " in text
    assert (f"gradient check: passed, all {check['checked']} checked entries agree with their numeric estimates, "
            f"{check['within_rounding']} of them only within the estimate's rounding") in text


@pytest.mark.parametrize("index, wrong", [(3, _DoubledSigmoid), (1, _SignFlippedSigmoid), (4, _HalvedWeightGradient)])
def test_a_wrong_backward_on_the_trained_network_still_fails(lab_xor, index, wrong):
    found, X, y = lab_xor
    model = copy.deepcopy(found.model)
    model.layers[index].__class__ = wrong  # the trained layer, its weights kept, with a wrong backward
    for x, target in zip(X[:4], y[:4]):
        result = bl.trace(model, x, target, found.loss)
        verdicts = _verdicts(result.record)
        failed = [(i, key) for i, key, v, _ in verdicts if v == "FAIL"]
        assert not result.gradcheck_passed and failed, (x, target)
        assert all(i <= index for i, _ in failed)  # above the wrong layer every gradient is right
        assert any(i == index for i, _ in failed)  # and the wrong layer's own is caught
        assert "gradient check: FAILED" in result.text() and re.search(FAILED_CELL, result.text())


def test_an_entry_is_judged_by_its_difference_within_rounding_plus_rtol():
    g = np.array([1.0, 1e-9, 1e-9, 1.0, 0.0])
    n = np.array([1.0 + 1e-7, 1.2e-9, 5e-9, 1.01, 0.0])
    assert agreement(g, n, rounding=1e-9) == ["ok", "rounding", "FAIL", "FAIL", "ok"]
    assert agreement(g, n, rounding=1e-9, rtol=0.5) == ["ok", "ok", "FAIL", "ok", "ok"]


def test_infinities_fail_without_a_warning():
    assert agreement(np.array([np.inf]), np.array([np.inf]), rounding=1e-9) == ["FAIL"]


def test_the_scale_is_the_formula_its_docstring_states():
    # S = |L| + sum (1 + |o_k|) + sum |a| |dL/da|, with o = (0.5, -2) and one value a = (3, -1), dL/da = (0.1, 2)
    scale = computation_scale(-0.25, np.array([0.5, -2.0]), [np.array([3.0, -1.0])], [np.array([0.1, 2.0])])
    assert scale == pytest.approx(0.25 + 1.5 + 3.0 + 0.3 + 2.0)
    assert numeric_rounding(scale, 1e-6) == pytest.approx(2 * EPS * scale / 1e-6)


def test_a_summarised_array_counts_its_failing_entries(rng):
    model = bl.nn.Sequential(Linear(2, 80, rng=rng), _DoubledSigmoid(), Linear(80, 1, rng=rng), Sigmoid())
    text = " ".join(bl.trace(model, [0.3, -0.7], 1, "bce").text().split())
    summary = text.split("dL/dW1 (80 x 2): norm")[1].split("Layer")[0]
    assert "numeric check on 64 of 160 entries" in summary and re.search(r"entries, rel. error of the array "
                                                                         r"\S+, 6\d FAIL", summary), summary
