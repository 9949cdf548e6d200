"""Train a student's network in the child process: ``python -m backproplab.check.train_child REQUEST RESULT STAGE``.

The request holds the lab's data, the starting weights (the engine's, in its
layout) and the training settings. Each epoch walks the training set in the
batches ``fit`` would use (the same shuffling stream), and for each batch calls
the student's forward, backward and update. The loss and accuracy (nan for values
to regress onto) are measured by the engine's loss on the student's output, as ``fit`` measures them; the
test set is scored after every epoch. What comes back: the curves, each
layer's gradient norm per epoch, the final weights (engine layout) and the
student's own output on the test set.
"""

import math
import os
import sys
import time

import numpy as np

from ..data import batches
from ..nn.losses import get_loss
from ..run import random_streams
from ..training.evaluate import summed_over_samples
from .child import load_protocol, serve
from .protocol import from_student_bias, from_student_weight, to_student_bias, to_student_weight
from .student_run import StudentError


def student_targets(y, outputs):
    """Class labels (N,) as the student's backward takes them: a column (N, 1), or one-hot (N, C)."""
    if outputs == 1:
        return y.reshape(-1, 1).astype(np.float64)
    return np.eye(outputs)[y.astype(int)]


def _output(found, n, outputs):
    """The student's forward result as an (n, outputs) float64 array, or one sentence why it is not one."""
    out = found["a"][-1] if isinstance(found, dict) else found
    try:
        out = np.array(out, dtype=np.float64)
    except (TypeError, ValueError):
        raise StudentError(f"returned from forward a {type(out).__name__}, not an array of numbers") from None
    if out.size != n * outputs:
        raise StudentError(f"returned from forward an output of shape {out.shape}, not ({n}, {outputs})")
    return out.reshape(n, outputs)


def _squared_norms(grads, layers):
    """||dW||² of each layer from what backward returned (nan where it shows no dW)."""
    shown = grads.get("dW") if isinstance(grads, dict) else None
    if not isinstance(shown, (list, tuple)) or len(shown) != layers:
        return [math.nan] * layers
    return [float(np.sum(np.square(np.asarray(g, dtype=np.float64)))) if g is not None else math.nan for g in shown]


def train_job(request, job):
    module, declared = load_protocol(request["path"])
    with np.load(request["arrays"], allow_pickle=False) as given:
        data = {name: given[name] for name in given.files}
    layers, outputs = len(declared.sizes) - 1, declared.sizes[-1]
    X, y = data["X_train"], data["y_train"]
    targets = student_targets(y, outputs)
    loss_fn = get_loss(request["loss"], request["reduction"])
    lr, epochs, batch_size, separate_test = request["lr"], request["epochs"], request["batch_size"], request["test"]
    classes = request.get("classes", True)  # False: values to regress onto, which have no accuracy (nan)
    weights = [to_student_weight(data[f"W{l}"], declared.weights).copy() for l in range(1, layers + 1)]
    biases = None if declared.biases == "none" else \
        [to_student_bias(data[f"b{l}"], declared.biases).copy() for l in range(1, layers + 1)]
    job.stage("build")
    net = module.build(weights, biases, lr)
    rng = random_streams(request["seed"])["shuffling"]  # fit's stream: the same batches as the engine's run
    curves = {name: [] for name in ("loss", "accuracy", "test_loss", "test_accuracy", "seconds")}
    norms = [[] for _ in range(layers)]
    started = time.perf_counter()
    for epoch in range(1, epochs + 1):
        total, correct, sums, count = 0.0, 0, np.zeros(layers), 0
        for idx in batches(len(X), batch_size, rng, request["shuffle"]):
            xb, yb = X[idx], y[idx]
            job.stage(f"forward {epoch}")
            out = _output(module.forward(net, xb.copy()), len(yb), outputs)
            with np.errstate(all="ignore"):
                loss = loss_fn.forward(out, yb)
            if not math.isfinite(loss):
                job.meta["diverged"] = {"epoch": epoch, "loss": str(loss)}
                break
            job.stage(f"backward {epoch}")
            sums += _squared_norms(module.backward(net, xb.copy(), targets[idx].copy()), layers)
            job.stage(f"update {epoch}")
            module.update(net, lr)
            total += summed_over_samples(loss_fn, loss, len(yb))
            correct += int(np.count_nonzero(loss_fn.predict(out) == yb)) if classes else 0
            count += 1
        if "diverged" in job.meta:
            break
        curves["loss"].append(total / len(X))
        curves["accuracy"].append(correct / len(X) if classes else math.nan)
        for l in range(layers):
            norms[l].append(math.sqrt(sums[l] / count))
        if separate_test:
            job.stage(f"forward {epoch}")
            scored = _output(module.forward(net, data["X_test"].copy()), len(data["y_test"]), outputs)
            with np.errstate(all="ignore"):
                test_loss = loss_fn.forward(scored, data["y_test"])
            curves["test_loss"].append(summed_over_samples(loss_fn, test_loss, len(scored)) / len(scored))
            curves["test_accuracy"].append(float(np.mean(loss_fn.predict(scored) == data["y_test"])) if classes
                                           else math.nan)
        curves["seconds"].append(time.perf_counter() - started)
    job.arrays.update({name: np.array(values, dtype=np.float64) for name, values in curves.items()})
    job.arrays.update({f"norm/W{l}": np.array(norms[l - 1]) for l in range(1, layers + 1)})
    job.stage("forward")
    job.arrays["test_output"] = _output(module.forward(net, data["X_test"].copy()), len(data["y_test"]), outputs)
    job.stage("parameters")
    found = module.parameters(net)
    if not (isinstance(found, (tuple, list)) and len(found) == 2):
        raise StudentError("returned from parameters(network) something other than (weights, biases)")
    for l, w in enumerate(found[0], 1):
        job.arrays[f"W{l}"] = from_student_weight(np.array(w, dtype=np.float64), declared.weights)
    for l, b in enumerate(found[1] or (), 1):
        job.arrays[f"b{l}"] = from_student_bias(np.array(b, dtype=np.float64))
    job.stage("done")


if __name__ == "__main__":
    request_path, result_path, stage_path = sys.argv[1:4]
    status = serve(request_path, result_path, stage_path, train_job)
    os._exit(status)  # not sys.exit: a thread the student started must not keep the process alive
