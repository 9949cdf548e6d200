"""Weight initialisers. Each fills a (fan_out, fan_in) weight from a Generator.

- ``normal``: standard normal N(0, 1), as in the original lab.
- ``xavier``: Glorot uniform U(-a, a), a = sqrt(6 / (fan_in + fan_out)); keeps
  the variance of sigmoid/tanh layers roughly constant.
- ``he``: Kaiming normal N(0, 2 / fan_in); the same for ReLU layers.

Bias initialisers fill a (fan_out,) bias given the layer's fan_in:

- ``zeros`` (the default), ``ones`` (a start some lab set-ups use);
- ``normal``: standard normal N(0, 1), the original lab's random biases;
- ``uniform``: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), PyTorch's Linear default.

References: Glorot & Bengio (2010), "Understanding the difficulty of training
deep feedforward neural networks"; He et al. (2015), "Delving Deep into
Rectifiers".
"""

import numpy as np

from ..registry import Registry

# Every weight initialiser by the name the CLI and the layers' ``init`` argument use.
INITIALIZERS = Registry("initialiser")


@INITIALIZERS.register("normal")
def normal(shape, rng):
    return rng.standard_normal(shape)


@INITIALIZERS.register("xavier", also_known_as=("glorot",))
def xavier(shape, rng):
    fan_out, fan_in = shape[0], int(np.prod(shape[1:]))
    a = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=shape)


@INITIALIZERS.register("he", also_known_as=("kaiming",))
def he(shape, rng):
    fan_in = int(np.prod(shape[1:]))
    return rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)


def get_initializer(name):
    return INITIALIZERS.get(name)


# Every bias initialiser by the name ``Linear(bias_init=...)`` and ``--bias-init`` use.
BIAS_INITIALIZERS = Registry("bias initialiser")


@BIAS_INITIALIZERS.register("zeros")
def zeros(shape, fan_in, rng):
    return np.zeros(shape)


@BIAS_INITIALIZERS.register("ones")
def ones(shape, fan_in, rng):
    return np.ones(shape)


@BIAS_INITIALIZERS.register("normal")
def bias_normal(shape, fan_in, rng):
    return rng.standard_normal(shape)


@BIAS_INITIALIZERS.register("uniform")
def bias_uniform(shape, fan_in, rng):
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=shape)


def get_bias_initializer(name):
    return BIAS_INITIALIZERS.get(name)
