"""The checks on a model file's architecture record and metadata, before either is used.

A model file is data from anywhere: each field is checked for its type, its
range and its agreement with the model it describes, so that a damaged or
hand-edited file gets one line naming the field instead of a traceback or,
worse, a prediction of NaN (an ``input_scale`` of 0).
"""

import math
import numbers

from .errors import ModelFileError
from .limits import limit
from .nn.losses import LOSSES
from .version import __version__

FORMAT = "backproplab-model"
FORMAT_VERSION = 1
MAX_LAYERS = 1_000


def _refuse(path, field, rule, value):
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return ModelFileError(f"model file {path!r}: {field} must be {rule}, got {shown}; "
                          "give a model file written by backproplab (or save the model again)")


def check_architecture(arch, path):
    """``arch`` if it is a record of this format whose layers are a list of {type, config}; else one line."""
    if not isinstance(arch, dict) or arch.get("format") != FORMAT:
        raise ModelFileError(f"{path!r} is an .npz file but not a backproplab model")
    if arch.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            f"model file {path!r} has format version {arch.get('format_version')!r}; this "
            f"backproplab ({__version__}) reads version {FORMAT_VERSION}; re-save it with a matching version"
        )
    layers = arch.get("layers")
    if not isinstance(layers, list) or not 1 <= len(layers) <= MAX_LAYERS:
        raise _refuse(path, "'layers'", f"a list of 1 to {MAX_LAYERS:,} layers", layers)
    for i, spec in enumerate(layers):
        if not (isinstance(spec, dict) and isinstance(spec.get("type"), str) and isinstance(spec.get("config"), dict)
                and all(isinstance(key, str) for key in spec["config"])):
            raise _refuse(path, f"layer {i}", "an object with a 'type' name and a 'config' object", spec)
    arch.setdefault("sequential", True)
    if not isinstance(arch["sequential"], bool) or (not arch["sequential"] and len(layers) != 1):
        raise _refuse(path, "'sequential'", "true, or false for a single layer", arch["sequential"])
    arch.setdefault("metadata", {})
    if not isinstance(arch["metadata"], dict):
        raise _refuse(path, "'metadata'", "an object", arch["metadata"])
    return arch


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _numbers(path, field, value, length, low=-math.inf, low_open=False):
    """A list of ``length`` finite numbers (> or >= ``low``), or one line naming the field."""
    rule = f"a list of {length:,} finite numbers" + (f" {'>' if low_open else '>='} {low:g}" if low > -math.inf else "")
    if not isinstance(value, list) or len(value) != length or not all(
            _is_number(v) and (v > low if low_open else v >= low) for v in value):
        raise _refuse(path, field, rule, value)


def _inputs_and_outputs(model):
    """(inputs a row holds, outputs the model gives), each None where the first or last layer does not say."""
    layers = getattr(model, "layers", [model])
    first = getattr(layers[0], "in_features", None)
    last = next((layer.out_features for layer in reversed(layers) if hasattr(layer, "out_features")), None)
    return first, last


def check_metadata(metadata, model, path):
    """``metadata`` if every field a command reads from it has the type and range it needs."""
    n_in, n_out = _inputs_and_outputs(model)
    if "loss" in metadata and (not isinstance(metadata["loss"], str) or metadata["loss"] not in LOSSES):
        raise _refuse(path, "'loss'", f"one of {', '.join(LOSSES)}", metadata["loss"])
    for field in ("config", "settings"):
        if field in metadata and not isinstance(metadata[field], dict):
            raise _refuse(path, f"{field!r}", "an object", metadata[field])
    if not isinstance(metadata.get("config", {}).get("loss_args", {}), dict):
        raise _refuse(path, "'config.loss_args'", "an object", metadata["config"]["loss_args"])
    if "input_scale" in metadata and not (_is_number(metadata["input_scale"]) and metadata["input_scale"] > 0):
        raise _refuse(path, "'input_scale'", "a finite number > 0", metadata["input_scale"])
    shape = metadata.get("image_shape")
    if shape is not None and not (isinstance(shape, list) and len(shape) == 2 and all(
            isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 2**16 for v in shape)):
        raise _refuse(path, "'image_shape'", "null or [height, width], whole numbers from 1 to 65,536", shape)
    names = metadata.get("class_names")
    wanted = max(2, n_out or 0)
    if names is not None and not (isinstance(names, list) and wanted <= len(names) <= limit("classes")
                                  and all(isinstance(name, str) for name in names)):
        raise _refuse(path, "'class_names'", f"a list of at least {wanted} names, one per class", names)
    if metadata.get("feature_mean") is not None or metadata.get("feature_std") is not None:
        length = n_in if n_in is not None else len(metadata.get("feature_mean") or ())
        _numbers(path, "'feature_mean'", metadata.get("feature_mean"), length)
        _numbers(path, "'feature_std'", metadata.get("feature_std"), length, low=0, low_open=True)
    features = metadata.get("features")
    if features is not None and not (isinstance(features, list) and all(isinstance(f, str) for f in features)):
        raise _refuse(path, "'features'", "a list of feature names", features)
    if not isinstance(metadata.get("regression", False), bool):
        raise _refuse(path, "'regression'", "true or false", metadata["regression"])
    if "input_square" in metadata:
        square = metadata["input_square"]
        _numbers(path, "'input_square'", square, 2)
        if not square[0] < square[1]:
            raise _refuse(path, "'input_square'", "[low, high] with low < high", square)
    placement = metadata.get("placement")
    if placement is not None:
        if not isinstance(placement, dict):
            raise _refuse(path, "'placement'", "an object of low, high and square", placement)
        _numbers(path, "'placement.low'", placement.get("low"), 2)
        _numbers(path, "'placement.high'", placement.get("high"), 2)
        if not all(low <= high for low, high in zip(placement["low"], placement["high"])):
            raise _refuse(path, "'placement'", "low <= high in each column", placement)
        if not (_is_number(placement.get("square")) and placement["square"] > 0):
            raise _refuse(path, "'placement.square'", "a finite number > 0", placement.get("square"))
    return metadata
