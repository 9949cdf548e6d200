"""``trace --engine PATH``: one sample through a student's network, each number beside the engine's.

The network is the one ``trace`` would trace, built for the student's set-up (its sizes,
activations, loss, plain gradient descent), or a saved model of those sizes, after --steps
epochs if asked. Its weights go into the student's network in the sandbox's child process,
which runs forward, backward and one update on the sample; the engine does the same
(``reference``). Every quantity follows in the order backpropagation computes it, the
student's numbers under the engine's, in the student's own layout, with the relative error.
"""

import numpy as np

from ..errors import ConfigError
from ..nn import Linear
from ..run import RunConfig
from ..run.trace_sample import trace_input
from .api import check_file, submission_file
from .compare import compare
from .engine_run import Refused, student_config
from .grading import in_student_layout
from .items import graded_items
from .protocol import declared_from
from .reference import reference_values
from .sandbox import TIME_LIMIT, run_submission

# What a student's set-up sets in the trace's options, and of those what a saved network still takes.
SET_UP = ("hidden", "activation", "output_activation", "loss", "loss_reduction", "bias", "optimizer", "lr")
WITH_MODEL_FILE = ("loss", "loss_reduction", "optimizer", "lr")


def trace_beside(path, options, model_path=None, sample=None, x=None, y=None, steps=0, digits=4,
                 time_limit=TIME_LIMIT):
    """The lines of the trace of the student's network at ``path`` beside the engine's (see the module)."""
    check = check_file(path, time_limit)
    if check.error:
        raise Refused(f"your code {check.error} (run `backproplab check {path}` for the whole report)")
    declared = declared_from(check.declared)
    config = student_config(declared, RunConfig.for_dataset(**options), options)
    kept = WITH_MODEL_FILE if model_path else SET_UP
    found = trace_input({**options, **{name: getattr(config, name) for name in kept}}, model_path, sample, x, y, steps)
    linears = [m for m in found.model.modules() if isinstance(m, Linear)]
    weights = [layer.weight.data.copy() for layer in linears]
    if tuple([weights[0].shape[1]] + [w.shape[0] for w in weights]) != declared.sizes:
        raise ConfigError(f"--engine: the traced network has sizes {[weights[0].shape[1]] + [w.shape[0] for w in weights]}, "
                          f"and your network declares SIZES = {declared.sizes}")
    biases = [layer.bias.data.copy() if layer.bias is not None else None for layer in linears]
    X = found.x.reshape(1, -1)
    target = _target(found.y, declared.sizes[-1])
    arrays = {"X": X, "y": target, **{f"W{l}": w for l, w in enumerate(weights, 1)},
              **{f"b{l}": b for l, b in enumerate(biases, 1) if b is not None and declared.biases != "none"}}
    outcome = run_submission(submission_file(path), time_limit, job="backproplab.check.child",
                             settings={"job": "trace", "lr": config.lr}, arrays=arrays)
    engine = reference_values(weights, biases if declared.biases != "none" else [None] * len(weights), X, target,
                              declared.layer_activations(), declared.loss, declared.reduction, config.lr, steps=1)
    lines = [f"{found.source}; your network {path} beside the engine's, one step of plain gradient descent at lr "
             f"{config.lr:g}", ""]
    lines += _rows(declared, outcome.arrays, engine, digits)
    if outcome.error:
        lines.append(f"stopped: your code {outcome.error}")
    lines.append("")
    lines.append("the check: every item passes" if check.passed else
                 f"the check: {check.score}/{check.total}; run `backproplab check {path}` for the first difference")
    return lines


def _target(y, outputs):
    """The traced sample's target as the student's backward takes it: (1, outputs)."""
    values = np.atleast_1d(np.asarray(y, dtype=np.float64))
    if values.size == 1 and outputs > 1:
        return np.eye(outputs)[[int(values[0])]]
    return values.reshape(1, -1)


def _rows(declared, arrays, engine, digits):
    layers = len(declared.sizes) - 1
    lines = []
    for item in graded_items(layers, declared.biases != "none"):
        if item.key == "step2":
            continue
        expected = in_student_layout(item.key, engine.get(f"1/{item.key}"), declared)
        mine = arrays.get(f"trace/1/{item.key}")
        if expected is None:
            continue
        verdict = "not shown" if mine is None else compare(mine, expected, strict=item.key.startswith(("W", "dW")))
        word = verdict if isinstance(verdict, str) else "agree" if verdict.ok else "DIFFER: " + verdict.describe()
        lines.append(f"{item.label}: {word}")
        lines += _values("engine", expected, digits)
        if mine is not None:
            lines += _values("yours ", mine, digits)
    return lines


def _values(who, value, digits):
    """A value's rows, as the student's code holds it: one line per row, entries to ``digits`` figures."""
    rows = np.atleast_2d(np.asarray(value))
    text = [" ".join(f"{v: .{digits}g}" for v in row) for row in rows]
    return [f"  {who if i == 0 else ' ' * len(who)}  [{line}]" for i, line in enumerate(text)]
