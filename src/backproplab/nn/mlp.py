"""A multi-layer perceptron from its widths: what the CLI, the page and the estimators all build.

Each hidden layer is a Linear layer, then its activation (then Dropout, when asked); the
last Linear layer gives the outputs, followed by the output activation unless that is
the identity (logits, for a loss that applies the sigmoid or softmax itself).
"""

import numpy as np

from .activations import Identity, get_activation
from .dropout import Dropout
from .linear import Linear
from .module import Sequential


def mlp_layers(widths, activations, output_activation=None, *, bias=True, init="xavier", bias_init="zeros",
               dropout=0.0, rng=None, dropout_rng=None, dtype=np.float64):
    """The layers of an MLP with layer widths ``widths`` (inputs, every hidden layer, outputs).

    ``activations`` names one activation per hidden layer (``len(widths) - 2`` of them), and
    ``output_activation`` the one after the outputs (None or the identity: none). The
    weights are drawn from ``rng`` layer by layer, first to last; every Dropout draws its masks
    from ``dropout_rng``.
    """
    if len(activations) != len(widths) - 2:
        raise ValueError(f"an MLP of widths {list(widths)} has {len(widths) - 2} hidden layers; "
                         f"give one activation for each, got {list(activations)}")
    layers = []
    for fan_in, fan_out, activation in zip(widths, widths[1:], activations):
        layers += [Linear(fan_in, fan_out, bias, init=init, bias_init=bias_init, rng=rng, dtype=dtype),
                   get_activation(activation)]
        if dropout:
            layers.append(Dropout(dropout, rng=dropout_rng))
    layers.append(Linear(widths[-2], widths[-1], bias, init=init, bias_init=bias_init, rng=rng, dtype=dtype))
    if output_activation is not None:
        head = get_activation(output_activation)
        if not isinstance(head, Identity):  # logits: the last Linear layer's outputs as they are
            layers.append(head)
    return layers


def mlp(widths, activations, output_activation=None, **options):
    """The MLP of ``mlp_layers`` (same arguments) as a Sequential."""
    return Sequential(mlp_layers(widths, activations, output_activation, **options))
