import numpy as np
import pytest

from backproplab import ConfigError
from backproplab.nn import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss


def test_values_match_their_formulas():
    p, y = np.array([[0.8], [0.3]]), np.array([1, 0])
    assert MSELoss()(p, y) == pytest.approx(((0.8 - 1) ** 2 + 0.3**2) / 2)
    assert BCELoss()(p, y) == pytest.approx(-(np.log(0.8) + np.log(0.7)) / 2)
    z = np.array([[2.0], [-1.0]])
    assert BCEWithLogitsLoss()(z, y) == pytest.approx(BCELoss()(1 / (1 + np.exp(-z)), y))
    logits = np.array([[1.0, 2.0, 0.5]])
    expected = -np.log(np.exp(2.0) / np.exp(logits).sum())
    assert CrossEntropyLoss()(logits, np.array([1])) == pytest.approx(expected)


@pytest.mark.parametrize("big", [1000.0, 1e4])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_losses_are_finite_at_extreme_inputs(big, dtype):
    z = np.array([[big], [-big], [big], [-big]], dtype=dtype)
    y = np.array([0, 1, 1, 0])
    for loss in (BCEWithLogitsLoss(), MSELoss()):
        assert np.isfinite(loss(z, y)) and np.all(np.isfinite(loss.backward()))
    probabilities = np.array([[1.0], [0.0], [1.0], [0.0]], dtype=dtype)
    bce = BCELoss()
    assert bce(probabilities, y) == pytest.approx(50.0)  # two wrong samples cost 100 each (log clamp)
    assert np.all(np.isfinite(bce.backward()))
    logits = np.array([[big, -big], [-big, big]], dtype=dtype)
    ce = CrossEntropyLoss()
    assert ce(logits, np.array([1, 1])) == pytest.approx(big)
    assert np.all(np.isfinite(ce.backward()))


def test_cross_entropy_rejects_out_of_range_labels():
    with pytest.raises(ConfigError, match="class labels must lie in 0..1"):
        CrossEntropyLoss()(np.zeros((2, 2)), np.array([0, 2]))


def test_mismatched_shapes_are_a_clear_error():
    with pytest.raises(ConfigError, match="does not match output shape"):
        MSELoss()(np.zeros((3, 1)), np.zeros(4))


def test_predictions_read_each_loss_output_correctly():
    assert list(BCELoss().predict(np.array([[0.2], [0.7]]))) == [0, 1]
    assert list(BCEWithLogitsLoss().predict(np.array([[-0.1], [0.3]]))) == [0, 1]
    assert list(CrossEntropyLoss().predict(np.array([[0.0, 1.0], [3.0, 1.0]]))) == [1, 0]


def test_mse_one_hot_encodes_labels_for_several_outputs():
    loss = MSELoss()
    assert loss(np.array([[1.0, 0.0, 0.0]]), np.array([0])) == 0.0
