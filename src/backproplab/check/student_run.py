"""Run a student's network through the protocol, in the child process, and record its numbers.

Everything here calls untrusted code; the child process that runs it is the
sandbox (see ``sandbox.py``). What the student returns is copied at once into
float64 arrays, so that a later change made in place cannot alter what was seen;
changes made in place are noted instead.
"""

import numpy as np

from ..nn.losses import get_loss
from . import inputs
from .protocol import to_student_bias, to_student_weight

MAX_VALUES = 1_000_000  # entries one returned array may have before it is refused
STEPS = 2  # two updates: the second shows a gradient kept from the step before


class StudentError(Exception):
    """The student's code returned something the protocol cannot read; one sentence."""


class Recorder:
    """Calls the student's functions and keeps what they return as named float64 arrays."""

    def __init__(self, module, declared, stage):
        self.module, self.declared, self._stage = module, declared, stage
        self.arrays, self.notes = {}, []
        self.current, self.failure = "", None  # the stage now; (error, stage) of the first error
        self.low_precision = False  # float32 numbers: central differences of them say nothing at 1e-5
        self.learning_rate = inputs.LEARNING_RATE

    def stage(self, name):
        self.current = name
        self._stage(name)

    def keep(self, key, value):
        if value is None:
            return None
        if getattr(value, "dtype", None) in (np.float32, np.float16):
            self.low_precision = True
        try:
            array = np.array(value, dtype=np.float64)
        except (TypeError, ValueError) as e:
            raise StudentError(f"returned {_named(key)} that is not an array of numbers "
                               f"({type(value).__name__}: {e})") from None
        if array.size > MAX_VALUES:
            raise StudentError(f"returned {_named(key)} with {array.size:,} entries, more than {MAX_VALUES:,}")
        self.arrays[key] = array
        return array

    def build(self, weights, biases):
        d = self.declared
        student_w = [to_student_weight(w, d.weights).copy() for w in weights]
        student_b = None if d.biases == "none" else [to_student_bias(b, d.biases).copy() for b in biases]
        self.stage("build")
        return self.module.build(student_w, student_b, self.learning_rate)

    def parameters(self, net, prefix):
        self.stage("parameters")
        found = self.module.parameters(net)
        if not (isinstance(found, (tuple, list)) and len(found) == 2):
            raise StudentError("returned from parameters(network) something other than (weights, biases)")
        weights, biases = found
        for l, w in enumerate(weights, 1):
            self.keep(f"{prefix}/W{l}", w)
        for l, b in enumerate(biases or (), 1):
            self.keep(f"{prefix}/b{l}", b)

    def forward(self, net, X, prefix):
        self.stage("forward")
        given = X.copy()
        found = self.module.forward(net, given)
        record = found if isinstance(found, dict) else {"a": [None] * (len(self.declared.sizes) - 2) + [found]}
        shown = self._lists(record, ("z", "a"), "forward")
        if not np.array_equal(given, X):
            self.notes.append("forward changed its input X in place")
        return shown

    def backward(self, net, X, y, prefix):
        self.stage("backward")
        found = self.module.backward(net, X.copy(), y.copy())
        if found is None:
            found = {}
        if not isinstance(found, dict):
            raise StudentError(f"returned from backward a {type(found).__name__}, not a dict of lists "
                               "(da, delta, dW, db)")
        return self._lists(found, ("da", "delta", "dW", "db"), "backward")

    def _lists(self, record, names, function):
        layers = len(self.declared.sizes) - 1
        shown = {}
        for name in names:
            values = record.get(name)
            if values is None:
                continue
            if not isinstance(values, (list, tuple)) or len(values) != layers:
                raise StudentError(f"gave {name!r} from {function} as something other than a list of {layers} "
                                   "entries, one per layer")
            shown[name] = values
        return shown

    def store(self, shown, prefix):
        """Copy each returned value, then later compare it with the object to see changes in place."""
        for name, values in shown.items():
            for l, v in enumerate(values, 1):
                self.keep(f"{prefix}/{name}{l}", v)

    def changed_in_place(self, shown, prefix, during):
        for name, values in shown.items():
            for l, v in enumerate(values, 1):
                kept = self.arrays.get(f"{prefix}/{name}{l}")
                if isinstance(v, np.ndarray) and kept is not None and v.shape == kept.shape \
                        and not np.array_equal(v, kept, equal_nan=True):
                    self.notes.append(f"{name}{l} was changed in place during {during}")


def _named(key):
    """'batch/1/dW2' -> 'dW2 (batch, step 1)'."""
    case, step, name = key.split("/")
    return f"{name} ({case}, step {step})"


def record_student(rec):
    """Fill ``rec`` (a Recorder) with every number the checker compares, from the student's network.

    What was recorded before an error stays in ``rec``, so a crash in update still lets backward be graded.
    """
    module, declared = rec.module, rec.declared
    weights, biases = inputs.initial_parameters(declared.sizes, declared.biases != "none")
    for case, (X, y) in inputs.cases(declared.sizes[0], declared.sizes[-1]).items():
        try:
            _record_case(rec, case, X, y, weights, biases)
        except Exception as error:  # the other case may still run; the first error is reported
            rec.failure = rec.failure or (error, rec.current)
    if rec.failure:
        raise rec.failure[0]
    if rec.low_precision:
        rec.notes.append("the network computes in float32: its own central differences need float64, so "
                         "vs own Δ is left out")
    else:
        try:
            own_gradients(module, declared, rec, weights, biases)
        except Exception as error:  # the comparisons with the engine stand without this column
            rec.notes.append(f"no central differences of its own forward pass: {type(error).__name__}: "
                             f"{str(error)[:120]}")


def _record_case(rec, case, X, y, weights, biases, steps=STEPS):
    module = rec.module
    net = rec.build(weights, biases)
    rec.parameters(net, f"{case}/0")
    for step in range(1, steps + 1):
        prefix = f"{case}/{step}"
        shown = rec.forward(net, X, prefix)
        rec.store(shown, prefix)
        if step == 1 and callable(getattr(module, "loss", None)):
            rec.stage("loss")
            rec.keep(f"{prefix}/loss", module.loss(net, _output(shown, rec, prefix), y.copy()))
        grads = rec.backward(net, X, y, prefix)
        rec.store(grads, prefix)
        rec.changed_in_place(shown, prefix, "backward")
        rec.stage("update")
        module.update(net, rec.learning_rate)
        rec.changed_in_place(grads, prefix, "update")
        rec.parameters(net, prefix)


def record_trace(rec, X, y, weights, biases):
    """One step of the student's network on (X, y) from the given weights (engine layout), under "trace/"."""
    _record_case(rec, "trace", X, y, weights, biases, steps=1)
    rec.stage("done")


def _output(shown, rec, prefix):
    layers = len(rec.declared.sizes) - 1
    out = rec.arrays.get(f"{prefix}/a{layers}")
    if out is None:
        raise StudentError("returned no output from forward (return it, or a dict whose 'a' ends with it)")
    return out.copy()


def own_objective(module, declared):
    """L(weights, biases): the student's loss (or the declared one) of the student's own forward pass."""
    engine_loss = get_loss(declared.loss, declared.reduction)
    layers = len(declared.sizes) - 1

    def objective(rec, weights, biases, X, y):
        net = rec.build(weights, biases)
        rec.stage("forward")
        found = module.forward(net, X.copy())
        out = found["a"][layers - 1] if isinstance(found, dict) else found
        out = np.array(out, dtype=np.float64).reshape(y.shape)
        if callable(getattr(module, "loss", None)):
            return float(module.loss(net, out, y.copy()))
        return engine_loss.forward(out, y)
    return objective


def own_gradients(module, declared, rec, weights, biases, h=1e-6):
    """Central differences of the student's own objective, by every weight and bias, on the batch."""
    objective = own_objective(module, declared)
    X, y = inputs.cases(declared.sizes[0], declared.sizes[-1])["batch"]
    params = [("dW", w) for w in weights] + ([("db", b) for b in biases] if declared.biases != "none" else [])
    counts = {"dW": 0, "db": 0}
    for name, array in params:
        counts[name] += 1
        grad = np.zeros_like(array)
        flat, gflat = array.reshape(-1), grad.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + h
            plus = objective(rec, weights, biases, X, y)
            flat[i] = old - h
            minus = objective(rec, weights, biases, X, y)
            flat[i] = old
            gflat[i] = (plus - minus) / (2 * h)
        student = to_student_weight(grad, declared.weights) if name == "dW" else to_student_bias(grad, declared.biases)
        rec.arrays[f"own/{name}{counts[name]}"] = student
    layers = len(declared.sizes) - 1
    output = rec.arrays.get(f"batch/1/a{layers}")
    if callable(getattr(module, "loss", None)) and output is not None and output.size == y.size:
        rec.arrays[f"own/da{layers}"] = _loss_slope(module, rec.build(weights, biases), output.reshape(y.shape), y, h)
    if declared.biases != "none":
        deltas = own_deltas(objective, rec, weights, biases, X, y, h)
        for l, delta in enumerate(deltas, 1):
            rec.arrays[f"own/delta{l}"] = delta
            if l > 1:  # z_l = a_(l-1)·W_lᵀ + b_l, so dL/da_(l-1) = δ_l·W_l (engine layout, W (out, in))
                rec.arrays[f"own/da{l - 1}"] = delta @ weights[l - 1]
    rec.stage("done")


def own_deltas(objective, rec, weights, biases, X, y, h):
    """δ_l = dL/dz_l of every sample of the batch, by central differences of the student's own objective.

    A bias moves z_l of every sample at once; run on one sample alone, it moves that sample's only:
    dL_n/db_l is row n of δ_l for that sample's own loss. The batch's loss is the samples' losses summed
    or averaged; the ratio of the two, measured, scales the rows to the batch's δ_l.
    """
    singles = [(X[n:n + 1], y[n:n + 1]) for n in range(len(X))]
    whole, parts = objective(rec, weights, biases, X, y), sum(objective(rec, weights, biases, *s) for s in singles)
    scale = whole / parts if parts else 1.0
    deltas = []
    for b in biases:
        delta = np.zeros((len(X), b.size))
        for n, single in enumerate(singles):
            for j in range(b.size):
                old = b[j]
                b[j] = old + h
                plus = objective(rec, weights, biases, *single)
                b[j] = old - h
                minus = objective(rec, weights, biases, *single)
                b[j] = old
                delta[n, j] = scale * (plus - minus) / (2 * h)
        deltas.append(delta)
    return deltas


def _loss_slope(module, net, output, y, h):
    """Central differences of the student's own loss by each entry of the output: its dL/da of the last layer."""
    slope = np.zeros_like(output)
    for i in np.ndindex(output.shape):
        moved = output.copy()
        moved[i] += h
        plus = float(module.loss(net, moved, y.copy()))
        moved[i] -= 2 * h
        slope[i] = (plus - float(module.loss(net, moved, y.copy()))) / (2 * h)
    return slope

