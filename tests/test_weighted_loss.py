"""SampleWeightedLoss: samples weighted as scikit-learn's sample_weight, against central differences,
the plain loss (all weights 1) and repeated rows (integer weights)."""

import numpy as np
import pytest

from backproplab import ConfigError, gradcheck
from backproplab.nn import LOSSES, Identity, SampleWeightedLoss, get_loss

TOLERANCE = 1e-7


def batch(name, rng, n=6, outputs=3):
    """An output and a target ``name`` takes: class labels, or one 0/1 target per output."""
    if name == "cross_entropy":
        return rng.standard_normal((n, outputs)), rng.integers(0, outputs, n)
    if name == "bce":
        return rng.uniform(0.05, 0.95, (n, outputs)), rng.integers(0, 2, (n, outputs))
    return rng.standard_normal((n, outputs)), rng.integers(0, 2, (n, outputs)).astype(float)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_the_weighted_loss_matches_central_differences(name, rng):
    output, target = batch(name, rng)
    loss = SampleWeightedLoss(get_loss(name), rng.uniform(0, 3, len(output)))
    report = gradcheck(Identity(), output, loss, target)
    assert report["input"] < TOLERANCE, report


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_weights_of_one_give_the_plain_loss_and_gradient(name, rng):
    output, target = batch(name, rng)
    plain = get_loss(name)
    value, grad = plain(output, target), plain.backward()
    weighted = SampleWeightedLoss(get_loss(name), np.ones(len(output)))
    assert weighted(output, target) == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(weighted.backward(), grad, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_integer_weights_count_as_repeated_samples(name, rng):
    output, target = batch(name, rng)
    weights = np.array([0, 1, 2, 3, 1, 0])
    repeated = get_loss(name)
    value = repeated(output.repeat(weights, axis=0), target.repeat(weights, axis=0))
    grad = np.zeros_like(output)
    np.add.at(grad, np.arange(len(output)).repeat(weights), repeated.backward())  # each copy's gradient adds up
    weighted = SampleWeightedLoss(get_loss(name), weights)
    assert weighted(output, target) == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(weighted.backward(), grad, rtol=1e-12, atol=1e-15)


def test_weights_that_sum_to_zero_or_miscount_are_refused(rng):
    with pytest.raises(ConfigError, match="sum to 0; give at least one sample a positive weight"):
        SampleWeightedLoss(get_loss("mse"), np.zeros(3))
    with pytest.raises(ConfigError, match="2 sample weights for 3 samples"):
        SampleWeightedLoss(get_loss("mse"), np.ones(2))(np.zeros((3, 1)), np.zeros(3))
    with pytest.raises(ConfigError, match="reduction='mean'"):
        SampleWeightedLoss(get_loss("mse", "sum"), np.ones(3))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        SampleWeightedLoss(get_loss("mse"), np.ones(3)).backward()


def test_the_weighted_loss_and_its_gradient_match_pytorch(rng):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    per_sample = {  # PyTorch's losses with reduction='none', each sample's terms averaged as L_i
        "cross_entropy": lambda z, y: F.cross_entropy(z, y.long(), reduction="none"),
        "bce_logits": lambda z, y: F.binary_cross_entropy_with_logits(z, y, reduction="none").mean(dim=1),
        "mse": lambda z, y: F.mse_loss(z, y, reduction="none").mean(dim=1),
    }
    for name, torch_loss in per_sample.items():
        output, target = batch(name, rng)
        weights = rng.uniform(0, 3, len(output))
        ours = SampleWeightedLoss(get_loss(name), weights)
        value, grad = ours(output, target), ours.backward()
        z = torch.tensor(output, requires_grad=True)
        w = torch.tensor(weights)
        expected = (w * torch_loss(z, torch.tensor(target, dtype=torch.float64))).sum() / w.sum()
        expected.backward()
        assert value == pytest.approx(expected.item(), rel=1e-12), name
        np.testing.assert_allclose(grad, z.grad.numpy(), rtol=1e-10, err_msg=name)
