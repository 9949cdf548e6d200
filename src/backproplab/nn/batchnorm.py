"""Batch normalisation (Ioffe & Szegedy, 2015) with running statistics, as in PyTorch."""

import numpy as np

from ..errors import ConfigError
from ..validation import check_int, check_number
from .module import Module, Parameter


class _BatchNorm(Module):
    r"""Normalise each channel over the batch (and, for images, over H and W).

    Training, with mean mu and biased variance var over the m values of a channel:
        xhat = (x - mu) / sqrt(var + eps);   out = gamma * xhat + beta
        running_mean <- (1 - momentum) running_mean + momentum mu
        running_var  <- (1 - momentum) running_var  + momentum var * m / (m - 1)
    Eval: the same with running_mean and running_var in place of mu and var.

    Backward (training), sums over the m values of each channel:
        dbeta  = sum dout;   dgamma = sum dout * xhat
        dx     = gamma / (m sqrt(var + eps)) * (m dout - dbeta - xhat dgamma)
    (mu and var depend on x, hence the two correction terms). In eval mode the
    statistics are constants: dx = dout * gamma / sqrt(running_var + eps).
    """

    buffers = ("running_mean", "running_var")
    saved_for_backward = ("_cache",)
    _axes: tuple[int, ...] = ()    # axes reduced over
    _ndim = 0    # input dimensions expected
    # The trace's symbol for its output, and its forward and backward formulas ({o} output, {i} input, {l} layer).
    symbol = "n"
    formula = "{o} = gamma{l} ({i} - running_mean) / sqrt(running_var + eps) + beta{l}"
    derivative = ("dL/dgamma{l} = dL/d{o} * normalised {i};  dL/dbeta{l} = dL/d{o};  "
                  "dL/d{i} = dL/d{o} * gamma{l} / sqrt(running_var + eps)")
    parameter_symbols = {"weight": "gamma", "bias": "beta"}
    starts_layer = False  # its gamma and beta belong to the layer before

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, *, dtype=np.float64) -> None:
        self.num_features = check_int("num_features", num_features, 1)
        self.eps = check_number("eps", eps, 0.0, low_open=True)
        self.momentum = check_number("momentum", momentum, 0.0, 1.0)
        self.weight = Parameter(np.ones(self.num_features, dtype=dtype))
        self.bias = Parameter(np.zeros(self.num_features, dtype=dtype))
        self.running_mean = np.zeros(self.num_features, dtype=dtype)
        self.running_var = np.ones(self.num_features, dtype=dtype)
        self._cache: tuple | None = None

    def _channel(self, v):
        """A per-channel vector shaped to broadcast against the input."""
        return v.reshape((1, -1) + (1,) * (self._ndim - 2))

    def forward(self, x: np.ndarray) -> np.ndarray:
        name = type(self).__name__
        if x.ndim != self._ndim or x.shape[1] != self.num_features:
            raise ConfigError(
                f"{name}({self.num_features}) expects input of {self._ndim} dimensions with "
                f"{self.num_features} channels on axis 1, got shape {x.shape}"
            )
        m = x.size // self.num_features
        if self.training:
            if m < 2:
                raise ConfigError(f"{name} needs more than one value per channel in training, got shape {x.shape}")
            mean, var = x.mean(axis=self._axes), x.var(axis=self._axes)
            keep = 1.0 - self.momentum
            self.running_mean *= keep
            self.running_mean += self.momentum * mean
            self.running_var *= keep
            self.running_var += (self.momentum * m / (m - 1)) * var
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        xhat = (x - self._channel(mean)) * self._channel(inv_std)
        self._cache = (xhat, inv_std, m, self.training)
        return xhat * self._channel(self.weight.data) + self._channel(self.bias.data)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        xhat, inv_std, m, training = self.saved(self._cache)
        dbeta = dout.sum(axis=self._axes)
        dgamma = (dout * xhat).sum(axis=self._axes)
        self.weight.grad += dgamma
        self.bias.grad += dbeta
        scale = self._channel(self.weight.data * inv_std)
        if not training:
            return dout * scale
        return (scale / m) * (m * dout - self._channel(dbeta) - xhat * self._channel(dgamma))

    def config(self):
        return {"num_features": self.num_features, "eps": self.eps, "momentum": self.momentum}


class BatchNorm1d(_BatchNorm):
    __doc__ = "Batch norm of features (N, C), per feature over the batch.\n\n" + str(_BatchNorm.__doc__)
    _axes, _ndim = (0,), 2
    example_arguments, example_input_shape = (4,), (6, 4)


class BatchNorm2d(_BatchNorm):
    __doc__ = "Batch norm of images (N, C, H, W), per channel over N, H and W.\n\n" + str(_BatchNorm.__doc__)
    _axes, _ndim = (0, 2, 3), 4
    example_arguments, example_input_shape = (3,), (4, 3, 5, 5)
