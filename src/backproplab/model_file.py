"""Saving and loading models as a single ``.npz`` file that cannot run code.

The file holds each parameter array under ``param:<name>``, each buffer
(e.g. batch norm's running statistics) under ``buffer:<name>``, plus ``__architecture__``,
a JSON document (stored as bytes) describing the layers, the format version
and the library version. Saving writes a temporary file beside the target and
renames it, so a crash mid-save never leaves a half-written model in place of
a good one. Loading uses ``allow_pickle=False``.
"""

import json
import os

import numpy as np

from .atomic import replace_atomically
from .errors import ConfigError, ModelFileError
from .limits import check_size, product
from .model_record import FORMAT, FORMAT_VERSION, check_architecture, check_metadata
from .npz_file import NpzFile
from .nn.module import LAYERS, Sequential
from .version import __version__

_ARCH_KEY = "__architecture__"


def describe(model):
    """The JSON-able architecture of a Sequential model (or a single layer)."""
    layers = model.layers if isinstance(model, Sequential) else [model]
    for layer in layers:
        # Every Module subclass registers itself in LAYERS by class name when it is defined.
        if type(layer).__name__ not in LAYERS:
            raise ConfigError(f"cannot save layer type {type(layer).__name__}; known: {sorted(LAYERS)}")
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "library_version": __version__,
        "sequential": isinstance(model, Sequential),
        "layers": [{"type": type(layer).__name__, "config": layer.config()} for layer in layers],
    }


def save_model(model, path, metadata=None):
    """Write ``model`` (and optional JSON-able ``metadata``) to ``path`` atomically."""
    path = os.fspath(path)
    if not path.endswith(".npz"):
        raise ConfigError(f"model files end in .npz, got {path!r}; add the extension")
    arch = describe(model)
    arch["metadata"] = metadata or {}
    arrays = {f"param:{name}": p.data for name, p in model.named_parameters()}
    arrays.update((f"buffer:{name}", b) for name, b in model.named_buffers())
    arrays[_ARCH_KEY] = np.frombuffer(json.dumps(arch).encode("utf-8"), dtype=np.uint8)
    return write_npz_atomically(path, arrays)


def write_npz_atomically(path, arrays):
    """np.savez into a temporary file beside ``path``, then rename it over ``path``."""
    return replace_atomically(path, lambda f: np.savez(f, **arrays), binary=True)


def read_npz(path, what="model file"):
    """Every array in the .npz at ``path``, each checked from its header before it is read."""
    with NpzFile(path, what) as npz:
        return {name: npz.read(name) for name in npz.members}


def _check_declared_sizes(path, specs):
    """Refuse an architecture whose layers would be too large, before building any of them.

    The product of the whole numbers in a layer's config (in and out
    features, channels, kernel size) bounds its parameter count.
    """
    total = 0
    for spec in specs:
        sizes = [v for value in spec["config"].values() for v in (value if isinstance(value, list) else [value])
                 if isinstance(v, int) and not isinstance(v, bool) and v > 0]
        total += product(sizes) if sizes else 0
        check_size("parameters", total, f"model file {path!r} declares layers of up to",
                   "give a model file written by backproplab")


def load_model(path):
    """Rebuild the model saved at ``path``; returns ``(model, metadata)``.

    The architecture record is read first; every other member is judged
    against the model it describes (name, shape, dtype) before it is read.
    """
    path = os.fspath(path)
    with NpzFile(path, "model file") as npz:
        try:
            arch = npz.record(_ARCH_KEY)
        except KeyError:
            raise ModelFileError(f"{path!r} is an .npz file but not a backproplab model") from None
        model = _build(path, check_architecture(arch, path))
        shapes = {f"param:{name}": p.data.shape for name, p in model.named_parameters()}
        shapes.update((f"buffer:{name}", b.shape) for name, b in model.named_buffers())
        npz.expect(shapes, "its architecture")
        dtypes = {npz.header(name)[1] for name in shapes}
        if len(dtypes) > 1:
            raise ModelFileError(f"model file {path!r} holds parameters of mixed types {sorted(map(str, dtypes))}")
        if dtypes:
            model.to(dtypes.pop())
        state = {name.split(":", 1)[1]: npz.read(name) for name in shapes}
    try:
        model.load_state_dict(state)
    except ConfigError as e:
        raise ModelFileError(f"model file {path!r} does not match its architecture: {e}") from None
    return model, check_metadata(arch["metadata"], model, path)


def _build(path, arch):
    _check_declared_sizes(path, arch["layers"])
    try:
        layers = [LAYERS[spec["type"]](**spec["config"]) for spec in arch["layers"]]
    except (KeyError, TypeError, ValueError, OverflowError) as e:  # ConfigError is a ValueError
        raise ModelFileError(f"model file {path!r} describes an unknown or invalid layer: {e}") from None
    return Sequential(layers) if arch["sequential"] else layers[0]
