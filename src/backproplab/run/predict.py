"""Prepare raw features for a saved model, and write what it predicts: what ``backproplab predict`` does.

A table run records in its model file how its inputs were prepared (``input_scale``, and
``feature_mean`` and ``feature_std`` when standardised); ``prepare_inputs`` repeats it.
"""

import numpy as np

from ..atomic import write_text
from ..data.features import PLAIN, features
from ..errors import BackproplabError, ConfigError
from ..nn import LOSSES, Conv2d, MSELoss, Sequential, get_loss
from ..nn.losses import loss_settings
from .point_inputs import place


def saved_loss(metadata):
    """The loss a model file's run trained (mse for a file that names none), with the settings its
    config recorded (``loss_args``) that this loss takes."""
    name = metadata.get("loss", LOSSES.name_of(MSELoss))
    recorded = dict(metadata.get("config", {}).get("loss_args", {}))
    takes = loss_settings(name)
    return get_loss(name, **{k: v for k, v in recorded.items() if k in takes})


def feature_statistics_metadata(data):
    """The model file's record of a standardised run (a Split): each feature's training mean and std."""
    if data.feature_mean is None:
        return {}
    return {"feature_mean": data.feature_mean.tolist(), "feature_std": data.feature_std.tolist()}


def placement_metadata(data):
    """The model file's record of a file's points placed on --square (a Split's ``placement``), if they were."""
    return {} if data.placement is None else {"placement": data.placement}


def _wrong_columns(message, got, wanted, metadata):
    """The error for rows of ``got`` columns given to a model of ``wanted`` inputs, with what would fix it.

    A playground model records its input ``features`` (x1, x2 and any computed from them, such
    as sin(x1)) and the square its x1 and x2 come from; predict reads each feature as a column
    and computes none of them.
    """
    features = metadata.get("features") or []
    if len(features) == wanted:
        message += f": {', '.join(features)}, one column each, in this order"
        computed = [name for name in features if name not in ("x1", "x2")]
        if computed:
            message += (f"; predict does not compute {', '.join(computed)}: work them out from each row's x1 "
                        "and x2 and add them as columns")
        if "input_square" in metadata:
            low, high = metadata["input_square"]
            message += f" (x1 and x2 are the playground map's coordinates, {low:g} to {high:g})"
    if got == wanted + 1:
        message += "; if one column is the label, drop it: predict reads features only"
    return BackproplabError(message)


def refuse_broken_weights(model, use):
    """A one-line error for a model whose weights hold NaN or inf: ``use`` ("its predictions") would mean nothing."""
    broken = [name for name, p in model.named_parameters() if not np.all(np.isfinite(p.data))]
    if broken:
        raise BackproplabError(f"the model's weights {', '.join(broken[:3])} hold NaN or inf (its training "
                               f"diverged), so {use} would be meaningless; train it again with a lower --lr")


def prepare_inputs(model, metadata, X, source="the data"):
    """``X`` (rows of raw features, as in the training file) scaled and shaped for ``model``.

    Points of a file placed on --square in training (a ``placement``) are placed alike, then a
    model trained on ``--features`` of 2-D points gets those features of X's two columns.
    Inputs are divided by the ``input_scale`` the model was trained with (255 for pixels),
    standardised with the training rows' ``feature_mean`` and ``feature_std`` when the run
    was, and cast to the model's dtype; a model that starts with a convolution gets each
    row as a (channels, height, width) image of the ``image_shape`` in ``metadata``.
    """
    first = model.layers[0] if isinstance(model, Sequential) else model
    refuse_broken_weights(model, "its predictions")
    placement = metadata.get("placement")
    if placement is not None and X.shape[1] == len(placement["low"]):  # other widths: refused below
        X = place(X, placement)
    names = tuple(metadata.get("config", {}).get("features", PLAIN))
    if names != PLAIN:  # trained on --features of 2-D points: computed from the points here
        if X.shape[1] != 2:
            raise ConfigError(f"{source!r} has {X.shape[1]} columns; the model was trained on {', '.join(names)} "
                              "of 2-D points, so give two columns, x1 and x2")
        X = features(X, names)
    dtype = model.parameters()[0].data.dtype
    if isinstance(first, Conv2d):
        height, width = metadata.get("image_shape") or (0, 0)
        if X.shape[1] != height * width:
            raise _wrong_columns(f"{source!r} has {X.shape[1]} columns, the model takes {height}x{width} = "
                                 f"{height * width} pixels per row", X.shape[1], height * width, metadata)
    else:
        n_in = model.parameters()[0].shape[1]
        if X.shape[1] != n_in:
            raise _wrong_columns(f"{source!r} has {X.shape[1]} columns, the model takes {n_in} features",
                                 X.shape[1], n_in, metadata)
    inputs = X / metadata.get("input_scale", 1.0)
    if metadata.get("feature_mean") is not None:
        inputs = (inputs - np.asarray(metadata["feature_mean"])) / np.asarray(metadata["feature_std"])
    inputs = inputs.astype(dtype)
    if isinstance(first, Conv2d):
        return inputs.reshape(len(X), first.in_channels, height, width)
    return inputs


def write_predictions(path, labels, scores, class_names=None):
    """A CSV of one line per row: ``row,class,score`` (and ``name`` when the classes have names), atomically.

    ``score`` is the probability of class 1 for one output, else of the predicted class.
    """
    named = bool(class_names) and any(name != str(i) for i, name in enumerate(class_names))
    header = "row,class,score" + (",name" if named else "")
    best = scores if scores.ndim == 1 else scores.max(axis=1)
    lines = [f"{i},{int(label)},{score:.6g}" + (f",{class_names[int(label)]}" if named else "")
             for i, (label, score) in enumerate(zip(labels, best))]
    write_text(path, "\n".join([header, *lines]) + "\n")


def write_submission(path, labels):
    """Kaggle's digit-recognizer format: a header, then ImageId (from 1) and Label; written atomically."""
    write_text(path, "ImageId,Label\n" + "".join(f"{i},{int(label)}\n" for i, label in enumerate(labels, start=1)))


def prediction_lines(X, labels, scores, class_names=None):
    """``sample 0 | 0.3, 0.7 | class 1 (cat) | score 0.98765`` for every row of ``X``: its first 8 features,
    its class (and name, when the classes have names) and the score of ``write_predictions``."""
    lines = []
    for i, (row, label) in enumerate(zip(X, labels)):
        score = f"{scores[i]:.5f}" if scores.ndim == 1 else f"{scores[i].max():.5f}"
        shown = ", ".join(f"{v:g}" for v in row[:8]) + (", ..." if len(row) > 8 else "")
        name = f" ({class_names[int(label)]})" if class_names and class_names[int(label)] != str(int(label)) else ""
        lines.append(f"sample {i} | {shown} | class {int(label)}{name} | score {score}")
    return lines


def write_values(path, values):
    """A CSV of one line per row, ``row,value``: a regression model's prediction for it, atomically."""
    write_text(path, "row,value\n" + "".join(f"{i},{value:.6g}\n" for i, value in enumerate(values)))


def value_lines(X, values):
    """``sample 0 | 0.3, 0.7 | value 0.41234`` for every row of ``X``: its first 8 features and the predicted value."""
    return [f"sample {i} | " + ", ".join(f"{v:g}" for v in row[:8]) + (", ..." if len(row) > 8 else "")
            + f" | value {value:.5f}" for i, (row, value) in enumerate(zip(X, values))]
