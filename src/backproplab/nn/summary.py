"""summary(): a table of a model's layers, their output shapes and parameter counts."""

import numpy as np

from .module import Sequential


def summary(model, input_shape, dtype=np.float64):
    """A table of layers, output shapes and parameter counts, as text.

    ``input_shape`` excludes the batch axis, e.g. ``(2,)`` for 2-D points.
    A one-sample forward pass is run to find each output shape.
    """
    layers = model.layers if isinstance(model, Sequential) else [model]
    x = np.zeros((1, *input_shape), dtype=dtype)
    rows = [("layer", "output shape", "parameters")]
    was_training = model.training
    model.eval()
    try:
        for i, layer in enumerate(layers):
            x = layer.forward(x)
            rows.append((f"{i}: {layer!r}", str((None, *x.shape[1:])), f"{layer.num_parameters():,}"))
    finally:
        model.train(was_training)
    widths = [max(len(r[c]) for r in rows) for c in range(3)]
    line = "-" * (sum(widths) + 4)

    def fmt(r):
        return f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}"

    body = [fmt(rows[0]), line] + [fmt(r) for r in rows[1:]] + [line]
    body.append(f"total parameters: {model.num_parameters():,}")
    return "\n".join(body)
