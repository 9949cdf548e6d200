"""trace.json of a 2-D run: the trained network traced on the training point it gets most wrong."""

import json
import os

import numpy as np

from ..tracing import trace

MAX_CANDIDATES = 1000  # training points searched for the largest loss


def hardest_point(model, loss_fn, X, y):
    """Index of the training point (among the first MAX_CANDIDATES) with the largest loss."""
    n = min(len(X), MAX_CANDIDATES)
    with np.errstate(all="ignore"):
        out = model.forward(X[:n])
        losses = [loss_fn.forward(out[i:i + 1], y[i:i + 1]) for i in range(n)]
    return int(np.nanargmax(losses)) if np.isfinite(losses).any() else 0


def write_sample_trace(model, loss_fn, loss_name, X, y, folder):
    """Trace the trained ``model`` (eval mode) on its hardest training point; write trace.json; return the path."""
    model.eval()
    index = hardest_point(model, loss_fn, X, y)
    with np.errstate(all="ignore"):
        result = trace(model, X[index], y[index], loss_name)
    record = result.as_dict()
    record["sample"]["source"] = f"training point {index}, the one with the largest loss after training"
    path = os.path.join(folder, "trace.json")
    with open(path, "w") as f:
        json.dump(record, f)
    return path
