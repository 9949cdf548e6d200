"""A loss whose samples count by their weights, as scikit-learn's ``sample_weight``."""

import numpy as np
from numpy.typing import ArrayLike

from ..errors import ConfigError
from .losses import Loss
from .module import saved_by_forward


class SampleWeightedLoss:
    """A loss averaged over the samples with weights w (N,) instead of equally.

    L = sum_i w_i L_i / sum_i w_i, where L_i is sample i's loss alone (``loss.sample_losses``).
    Backward: dL/dout_i = w_i dL_i/dout_i / sum_i w_i: each sample's gradient scaled by its
    weight, the whole divided by the weights' sum (scikit-learn's MLP divides so too). With
    every w_i = 1 both are the plain 'mean' loss and its gradient.

    The wrapped loss keeps reduction='mean', whose gradient is dL_i/dout_i / N for row i;
    backward multiplies it back by N w_i / sum_i w_i.
    """

    def __init__(self, loss: Loss, sample_weight: ArrayLike) -> None:
        if loss.reduction != "mean":
            raise ConfigError(f"a weighted loss averages its samples; give {type(loss).__name__} reduction='mean'")
        self.loss = loss
        self.sample_weight = np.asarray(sample_weight)
        total = float(self.sample_weight.sum())
        if not total > 0:
            raise ConfigError(f"the sample weights sum to {total:g}; give at least one sample a positive weight")
        self.total = total
        self._n: int | None = None

    def __call__(self, output: np.ndarray, target: np.ndarray) -> float:
        return self.forward(output, target)

    def forward(self, output: np.ndarray, target: np.ndarray) -> float:
        if len(self.sample_weight) != len(output):
            raise ConfigError(f"{len(self.sample_weight)} sample weights for {len(output)} samples; "
                              "give one weight per sample")
        self.loss.forward(output, target)  # keeps what the wrapped loss's backward needs
        self._n = len(output)
        w = self.sample_weight.astype(output.dtype, copy=False)
        return float(np.dot(w, self.loss.sample_losses(output, target))) / self.total

    def backward(self) -> np.ndarray:
        n = saved_by_forward(self, self._n)
        scale = (n / self.total) * self.sample_weight
        dout = self.loss.backward()
        return dout * scale.astype(dout.dtype, copy=False).reshape(-1, *([1] * (dout.ndim - 1)))
