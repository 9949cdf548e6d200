"""What forward keeps for backward is declared, and a pickled or copied layer leaves it behind.

Parametrised over the layer registry, so a new layer that keeps something undeclared fails here.
"""

import copy
import pickle

import numpy as np
import pytest

from backproplab.nn import LAYERS, Linear, Sequential, Sigmoid


def _example_after_a_step(name, rng):
    """The registered layer ``name``'s example (a Sequential: Linear and Sigmoid) after one forward and backward."""
    if name == "Sequential":
        layer, shape = Sequential(Linear(3, 4, rng=rng), Sigmoid()), (5, 3)
    else:
        layer, shape = LAYERS[name].example(rng), LAYERS[name].example_input_shape
    before = dict(vars(layer))
    out = layer.forward(rng.standard_normal(shape))
    layer.backward(rng.standard_normal(out.shape))
    return layer, before, shape


# The library's own layers: a test module's stand-in subclass (test_gradcheck's) registers itself too.
OWN_LAYERS = sorted(name for name in LAYERS if LAYERS[name].__module__.startswith("backproplab."))


@pytest.mark.parametrize("name", OWN_LAYERS)
def test_forward_fills_only_the_attributes_it_declares(name, rng):
    layer, before, _ = _example_after_a_step(name, rng)
    filled = {key for key, value in vars(layer).items() if key not in before or value is not before[key]}
    filled.discard("_first_cache")  # Sequential's index of its first layer with weights: no data
    assert filled <= set(layer.saved_for_backward), f"{name} keeps {sorted(filled)} undeclared"


# The library's own layers: a test module's stand-in subclass (test_gradcheck's) registers itself too.
OWN_LAYERS = sorted(name for name in LAYERS if LAYERS[name].__module__.startswith("backproplab."))


@pytest.mark.parametrize("name", OWN_LAYERS)
@pytest.mark.parametrize("duplicate", [lambda m: pickle.loads(pickle.dumps(m)), copy.deepcopy],
                         ids=["pickle", "deepcopy"])
def test_a_saved_layer_holds_its_weights_and_nothing_of_the_batch(name, duplicate, rng):
    layer, _, shape = _example_after_a_step(name, rng)
    saved = duplicate(layer)
    for original, module in zip(layer.modules(), saved.modules()):
        assert all(getattr(module, key, None) is None for key in module.saved_for_backward)
        assert all(getattr(original, key) is not None for key in original.saved_for_backward)
    for (key, p), (_, q) in zip(layer.named_parameters(), saved.named_parameters()):
        assert np.array_equal(p.data, q.data), key
        assert np.any(p.grad) and not np.any(q.grad), key  # the last batch's gradient stays behind
    x = rng.standard_normal(shape)
    assert np.array_equal(saved.eval().forward(x), layer.eval().forward(x))
