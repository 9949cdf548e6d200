"""The network pictures of a 2-D run: network.png, neurons.png and gradients.png."""

import os

import numpy as np

from ..data.features import PLAIN, features
from ..nn import Linear, Sequential
from ..plots.network import gradient_norms, gradients_worth_drawing, network_diagram, neuron_maps

RESOLUTION = 60  # grid points per side of each neuron's map


def unit_outputs(model, grid):
    """Each layer's unit outputs for the points ``grid`` (M, 2): the inputs themselves, then, for
    every Linear layer, the output after what follows it up to the next Linear (its activation,
    dropout in eval mode): a list of arrays (M, units)."""
    layers = model.layers if isinstance(model, Sequential) else [model]
    outputs, x = [grid], grid
    for k, layer in enumerate(layers):
        x = layer.forward(x)
        if k + 1 == len(layers) or isinstance(layers[k + 1], Linear):
            outputs.append(x)
    return outputs


def write_network_figures(model, loss_fn, X, gradient_norm_history, folder, name, feature_names=PLAIN):
    """network.png, neurons.png (2-D points X only) and gradients.png (networks of three weight layers or more,
    where a gradient can be seen to shrink on its way down) into ``folder``; returns the paths. The network's
    inputs are the ``feature_names`` of the points, each drawn as its own map over the plane."""
    written = []
    if X.shape[1] == 2:
        lo = np.minimum(X.min(axis=0), 0.0) - 0.05
        hi = np.maximum(X.max(axis=0), 1.0) + 0.05
        xs, ys = np.linspace(lo[0], hi[0], RESOLUTION), np.linspace(lo[1], hi[1], RESOLUTION)
        gx, gy = np.meshgrid(xs, ys)
        grid = np.column_stack([gx.ravel(), gy.ravel()])
        linear = [layer for layer in (model.layers if isinstance(model, Sequential) else [model])
                  if isinstance(layer, Linear)]
        weights = [layer.weight.data for layer in linear]
        biases = [None if layer.bias is None else layer.bias.data for layer in linear]
        model.eval()
        with np.errstate(over="ignore", invalid="ignore"):
            outputs = unit_outputs(model, features(grid, feature_names).astype(weights[0].dtype))
            outputs[-1] = loss_fn.probabilities(outputs[-1])  # the output units as the network's answer
        # A diverged run's outputs overflow: NaN is drawn as 0 and the rest bounded at 1e300, so that a colour
        # scale's own arithmetic (high - low) stays finite.
        maps = [np.clip(np.nan_to_num(o.T.reshape(-1, RESOLUTION, RESOLUTION).astype(np.float64)), -1e300, 1e300)
                for o in outputs]
        extent = (lo[0], hi[0], lo[1], hi[1])
        names = ["inputs " + ", ".join(feature_names)] + [f"hidden layer {k}" for k in range(1, len(maps) - 1)] + ["output"]
        written.append(os.path.join(folder, "network.png"))
        network_diagram(weights, maps, extent, written[-1], layer_names=names, biases=biases,
                        title=f"{name}: the trained network, each neuron filled with its output over the inputs")
        if len(maps) > 2:
            written.append(os.path.join(folder, "neurons.png"))
            neuron_maps(maps[1:-1], extent, written[-1], layer_names=names[1:-1], X=X,
                        title=f"{name}: each hidden neuron's output at the end of training")
    if gradient_norm_history and gradients_worth_drawing(gradient_norm_history):
        written.append(os.path.join(folder, "gradients.png"))
        gradient_norms(gradient_norm_history, written[-1],
                       title=f"{name}: weight-gradient norm of each layer (W1 first)")
    return written
