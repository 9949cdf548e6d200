"""Prepare raw features for a saved model: what ``backproplab predict`` feeds the network."""

from ..errors import BackproplabError
from ..nn import Conv2d, Sequential


def prepare_inputs(model, metadata, X, source="the data"):
    """``X`` (rows of raw features, as in the training file) scaled and shaped for ``model``.

    Inputs are divided by the ``input_scale`` the model was trained with (255 for pixels)
    and cast to the model's dtype; a model that starts with a convolution gets each row
    as a (channels, height, width) image of the ``image_shape`` in ``metadata``.
    """
    first = model.layers[0] if isinstance(model, Sequential) else model
    dtype = model.parameters()[0].data.dtype
    inputs = (X / metadata.get("input_scale", 1.0)).astype(dtype)
    if isinstance(first, Conv2d):
        height, width = metadata.get("image_shape") or (0, 0)
        if X.shape[1] != height * width:
            raise BackproplabError(f"{source!r} has {X.shape[1]} columns, the model takes {height}x{width} = "
                                   f"{height * width} pixels per row")
        return inputs.reshape(len(X), first.in_channels, height, width)
    n_in = model.parameters()[0].shape[1]
    if X.shape[1] != n_in:
        raise BackproplabError(f"{source!r} has {X.shape[1]} columns, the model takes {n_in} features")
    return inputs
