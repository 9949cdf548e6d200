"""The benchmark: backproplab against PyTorch and scikit-learn, measured side by side.

Each case runs every available implementation in alternation (A B A B ...)
after a warm-up, so that a noisy machine slows all of them alike, and reports
medians, min-max and speedups (how many times faster backproplab is). All
implementations get the same number of threads: the benchmark re-runs itself
with the thread variables of the BLAS libraries set before NumPy loads.

    python benchmarks/bench.py [--quick] [--threads 2] [--cases xor-step,mlp-epoch] [--json FILE]
    backproplab bench ...        (the same, from a source checkout installed with pip install -e)

A script of the source repository, not part of the installed package: it
imports backproplab like any user's program. It imports NumPy, backproplab
and the peers inside the functions that use them, so that each memory child
process holds only what its implementation needs.

PyTorch and scikit-learn come from the ``bench`` extra
(``pip install -e ".[bench]"``); a missing peer is skipped and said so.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
# Set on some machines to pin OpenBLAS to an older kernel than the CPU supports (see --native-blas).
KERNEL_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# A case whose samples spread more than this (max / min, or median / min) ran on a noisy machine.
NOISY_SPREAD, NOISY_MEDIAN = 1.5, 1.15
_CHILD_MARK = "BACKPROPLAB_BENCH_CHILD"
# How the command that ran this script is spelled in usage lines: 'backproplab bench' sets it.
PROG_VARIABLE = "BACKPROPLAB_BENCH_PROG"
SCRIPT = os.path.abspath(__file__)  # re-run in fresh processes (thread variables, memory children)
CASES = ("xor-step", "xor-to-100", "mlp-epoch", "cnn-epoch", "predict", "help-start", "lab", "lab-report", "figure",
         "memory")
PEERS = ("backproplab", "pytorch", "sklearn")
MLP_LAYERS = [(784, 256), (256, 128), (128, 10)]  # (in, out) of the mlp-epoch network
# The figure functions of a lab run, as its writers import them (the figure case times each call).
FIGURES = ("comparison", "learning_curve", "decision_boundary", "network_diagram", "neuron_maps", "gradient_norms")


# --- what each implementation runs ------------------------------------------------------------

def _np():
    import numpy as np

    return np


def _ours_xor_step(steps):
    np = _np()
    from backproplab.data import xor_easy
    from backproplab.nn import Linear, MSELoss, Sequential, Sigmoid
    from backproplab.optim import SGD

    X, y = xor_easy()
    rng = np.random.default_rng(0)
    model = Sequential(Linear(2, 4, rng=rng), Sigmoid(), Linear(4, 4, rng=rng), Sigmoid(), Linear(4, 1, rng=rng), Sigmoid())
    loss, opt = MSELoss(), SGD(model.parameters(), lr=0.5)

    def run():
        for _ in range(steps):
            loss.forward(model.forward(X), y)
            opt.zero_grad()
            model.backward(loss.backward(), input_grad=False)
            opt.step()
    return run


def _script_xor_step(steps):
    """The same NumPy calls as backproplab's step, written out flat with no classes.

    Not a peer: the floor that this sequence of NumPy calls sets on the machine.
    """
    np = _np()
    from backproplab.data import xor_easy
    from backproplab.nn import functional as F

    X, y = xor_easy()
    y = y.reshape(-1, 1).astype(np.float64)
    rng = np.random.default_rng(0)
    shapes = [(4, 2), (4, 4), (1, 4)]
    weights = [rng.standard_normal(shape) for shape in shapes]
    biases = [np.zeros(shape[0]) for shape in shapes]
    flat = np.zeros(sum(a * b + a for a, b in shapes))
    flat_grad = np.zeros_like(flat)
    ones = np.ones(len(X))

    def run():
        for _ in range(steps):
            hs = [X]
            for w, b in zip(weights, biases):
                z = np.dot(hs[-1], w.T)
                z += b
                hs.append(F.sigmoid(z))
            diff = hs[-1] - y
            flat_diff = diff.reshape(-1)
            float(np.dot(flat_diff, flat_diff))
            d = diff * (2.0 / diff.size)
            flat_grad.fill(0)
            for layer in (2, 1, 0):
                h = hs[layer + 1]
                t = np.subtract(1.0, h)
                t *= h
                t *= d
                np.dot(t.T, hs[layer])
                np.dot(ones, t)
                if layer:
                    d = np.dot(t, weights[layer])
            flat.__isub__(0.5 * flat_grad)
    return run



def _layers_xor_step(steps):
    """The script's NumPy calls inside layer objects whose backward adds into a packed gradient, as backproplab's do.

    Not a peer: the least a design with layer objects and gradients that add up (``grad += ...``, so a
    tied weight's two uses sum) costs on this machine, with no checks of any kind.
    """
    np = _np()
    from backproplab.data import xor_easy
    from backproplab.nn import functional as F

    X, y = xor_easy()
    y = y.reshape(-1, 1).astype(np.float64)
    rng = np.random.default_rng(0)
    shapes = [(4, 2), (4, 4), (1, 4)]
    flat = np.zeros(sum(a * b + a for a, b in shapes))
    flat_grad = np.zeros_like(flat)
    ones = np.ones(len(X))

    class Dense:
        def __init__(self, n_out, n_in, offset):
            w_end, b_end = offset + n_out * n_in, offset + n_out * n_in + n_out
            self.w, self.w_grad = flat[offset:w_end].reshape(n_out, n_in), flat_grad[offset:w_end].reshape(n_out, n_in)
            self.b, self.b_grad = flat[w_end:b_end], flat_grad[w_end:b_end]
            self.w[...] = rng.standard_normal((n_out, n_in))

        def forward(self, x):
            self.x = x
            z = np.dot(x, self.w.T)
            z += self.b
            return z

        def backward_params(self, d):
            self.w_grad += d.T @ self.x
            self.b_grad += np.dot(ones, d)

        def backward(self, d):
            self.backward_params(d)
            return np.dot(d, self.w)

    class Logistic:
        def forward(self, z):
            self.h = F.sigmoid(z)
            return self.h

        def backward(self, d):
            t = np.subtract(1.0, self.h)
            t *= self.h
            t *= d
            return t

    layers, offset = [], 0
    for n_out, n_in in shapes:
        layers += [Dense(n_out, n_in, offset), Logistic()]
        offset += n_out * n_in + n_out
    backward_order = layers[:0:-1]  # then the first layer's parameters only: its input gradient is not needed

    def run():
        for _ in range(steps):
            h = X
            for layer in layers:
                h = layer.forward(h)
            diff = h - y
            flat_diff = diff.reshape(-1)
            float(np.dot(flat_diff, flat_diff))
            d = diff * (2.0 / diff.size)
            flat_grad.fill(0)
            for layer in backward_order:
                d = layer.backward(d)
            layers[0].backward_params(d)
            flat.__isub__(0.5 * flat_grad)
    run.layers = layers  # for the test that this is backproplab's step
    return run

def _torch_xor_step(steps):
    import torch

    from backproplab.data import xor_easy

    X, y = xor_easy()
    X, y = torch.from_numpy(X), torch.from_numpy(y.reshape(-1, 1).astype("float64"))
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 4), torch.nn.Sigmoid(),
                                torch.nn.Linear(4, 1), torch.nn.Sigmoid()).double()
    loss, opt = torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.5)

    def run():
        for _ in range(steps):
            opt.zero_grad()
            loss(model(X), y).backward()
            opt.step()
    return run


def _ours_xor_to_100():
    from backproplab.run import RunConfig, train

    def run():
        history = train(RunConfig(dataset="xor", target_accuracy=1.0)).history
        return history.seconds[-1]  # training time only, as the case asks
    return run


def _torch_xor_to_100():
    import torch

    from backproplab.data import xor_easy

    X, y = xor_easy()
    X, y = torch.from_numpy(X), torch.from_numpy(y.reshape(-1, 1).astype("float64"))

    def run():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Sigmoid(), torch.nn.Linear(8, 8), torch.nn.Sigmoid(),
                                    torch.nn.Linear(8, 1), torch.nn.Sigmoid()).double()
        loss, opt = torch.nn.BCELoss(), torch.optim.Adam(model.parameters(), lr=0.01)
        start = time.perf_counter()
        for _ in range(2000):
            opt.zero_grad()
            out = model(X)
            loss(out, y).backward()
            opt.step()
            if bool(((out > 0.5).double() == y).all()):
                break
        return time.perf_counter() - start
    return run


def _mnist_shaped(n, rows=784):
    np = _np()
    rng = np.random.default_rng(0)
    return rng.random((n, rows), dtype=np.float32), rng.integers(0, 10, n)


def _ours_mlp(seed=0):
    np = _np()
    from backproplab.nn import Linear, ReLU, Sequential

    rng = np.random.default_rng(seed)
    return Sequential(Linear(784, 256, init="he", rng=rng), ReLU(), Linear(256, 128, init="he", rng=rng), ReLU(),
                      Linear(128, 10, init="he", rng=rng)).to(np.float32)


def _torch_mlp():
    import torch

    return torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
                               torch.nn.Linear(128, 10))


def _ours_epoch(model_fn, X, y, batch):
    """One epoch of fit() over (X, y) with Adam, timed without building the model."""
    from backproplab.nn import CrossEntropyLoss
    from backproplab.optim import Adam
    from backproplab.training import fit

    def run():
        model = model_fn()
        start = time.perf_counter()
        fit(model, CrossEntropyLoss(), Adam(model.parameters(), lr=1e-3), X, y, epochs=1, batch_size=batch, seed=0)
        return time.perf_counter() - start
    return run


def _torch_epoch(model_fn, X, y, batch, fused=False, batches=None):
    import torch

    X, y = torch.from_numpy(X), torch.from_numpy(y)

    def run():
        torch.manual_seed(0)
        model = model_fn()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=fused or None)
        loss = torch.nn.CrossEntropyLoss()
        start = time.perf_counter()
        order = torch.randperm(len(X))
        stop = len(X) if batches is None else batches * batch
        for i in range(0, stop, batch):
            idx = order[i:i + batch]
            opt.zero_grad()
            loss(model(X[idx]), y[idx]).backward()
            opt.step()
        return time.perf_counter() - start
    return run


def _sklearn_one_epoch(X, y):
    """scikit-learn's MLPClassifier of the same shape, fitted for one epoch (max_iter=1)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(hidden_layer_sizes=(256, 128), solver="adam", batch_size=128, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # one epoch is not meant to converge
        model.fit(X, y)
    return model


def _sklearn_mlp_epoch(n):
    X, y = _mnist_shaped(n)
    return _timed_calls(lambda: _sklearn_one_epoch(X, y))


def _ours_cnn():
    np = _np()
    from backproplab.nn import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential

    rng = np.random.default_rng(0)
    # ReLU after max pooling, as `backproplab train --model cnn` builds it: the same function as
    # PyTorch's ReLU-then-pool (they commute), on a quarter of the values.
    return Sequential(Conv2d(1, 32, 3, rng=rng), MaxPool2d(2), ReLU(), Conv2d(32, 64, 3, rng=rng), MaxPool2d(2), ReLU(),
                      Flatten(), Linear(1600, 128, init="he", rng=rng), ReLU(), Linear(128, 10, init="he", rng=rng)
                      ).to(np.float32)


def _torch_cnn():
    import torch

    nn = torch.nn
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))


def _cnn_data(batches):
    X, y = _mnist_shaped(64 * batches)
    return X.reshape(-1, 1, 28, 28), y


def _ours_predict(X):
    from backproplab.training import predict_output

    model = _ours_mlp()

    def run():
        start = time.perf_counter()
        predict_output(model, X, batch_size=len(X))
        return len(X) / (time.perf_counter() - start)
    return run


def _torch_predict(X):
    import torch

    model = _torch_mlp().eval()
    Xt = torch.from_numpy(X)

    def run():
        start = time.perf_counter()
        with torch.inference_mode():
            model(Xt)
        return len(X) / (time.perf_counter() - start)
    return run


def _sklearn_predict(X):
    model = _sklearn_one_epoch(*_mnist_shaped(2000))

    def run():
        start = time.perf_counter()
        model.predict_proba(X)
        return len(X) / (time.perf_counter() - start)
    return run


def _help_start():
    """A fresh interpreter printing 'backproplab --help': how long the command line takes to start."""
    command = [sys.executable, "-m", "backproplab", "--help"]
    return _timed_calls(lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL))


def _lab_command(*options):
    """A fresh interpreter running 'backproplab lab' with ``options`` into a new temporary folder: wall seconds,
    start-up, training, figures and files included, as a user waits for them."""
    def run():
        with tempfile.TemporaryDirectory() as folder:
            command = [sys.executable, "-m", "backproplab", "lab", *options, "--out", os.path.join(folder, "lab")]
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            return time.perf_counter() - start
    return run


def _figure_seconds():
    """Median CPU seconds per figure of one 'backproplab lab' run in this process (its 12 figures), each
    figure function timed where the lab's writers call it. CPU time of this process: on a quiet machine
    the figure's wall time, and on a busy one far steadier than it (drawing is single-threaded)."""
    from backproplab import plots
    from backproplab.cli import main
    from backproplab.outputs import network_figures

    times = []

    def timed(function):
        def figure(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                times.append(time.process_time() - start)
        return figure

    for module in (plots, network_figures):  # points_run calls plots.comparison ..., network_figures its own names
        for name in FIGURES:
            if hasattr(module, name):
                setattr(module, name, timed(getattr(module, name)))

    def run():
        times.clear()
        with tempfile.TemporaryDirectory() as folder, open(os.devnull, "w") as quiet:
            stdout, sys.stdout = sys.stdout, quiet
            try:
                main(["lab", "--out", os.path.join(folder, "lab")])
            finally:
                sys.stdout = stdout
        return statistics.median(times)
    return run


def _timed_calls(fn, unit_count=1):
    """A runner for functions that do not time themselves: seconds per unit."""
    def run():
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) / unit_count
    return run


# --- the cases ------------------------------------------------------------------------------

def _available(peer):
    module = {"pytorch": "torch", "sklearn": "sklearn"}.get(peer)
    if module is None:
        return True
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def build_cases(quick, names):
    """name -> (unit, higher_is_better, repeats, {implementation: runner})."""
    mlp_n = 60000
    repeats_small, repeats_big = (5, 3) if quick else (15, 7)
    cases = {}
    if "xor-step" in names:
        steps = 200 if quick else 2000
        cases["xor-step"] = ("us", False, repeats_small, {
            "backproplab": lambda: _timed_calls(_ours_xor_step(steps), steps / 1e6),
            "pytorch": lambda: _timed_calls(_torch_xor_step(steps), steps / 1e6),
            "numpy-script": lambda: _timed_calls(_script_xor_step(steps), steps / 1e6),
            "numpy-layers": lambda: _timed_calls(_layers_xor_step(steps), steps / 1e6),
        })
    if "xor-to-100" in names:
        cases["xor-to-100"] = ("s", False, repeats_small, {
            "backproplab": _ours_xor_to_100, "pytorch": _torch_xor_to_100,
        })
    if "mlp-epoch" in names:
        X, y = _mnist_shaped(mlp_n)
        cases["mlp-epoch"] = ("s", False, 2 if quick else repeats_big, {
            "backproplab": lambda X=X, y=y: _ours_epoch(_ours_mlp, X, y, 128),
            "pytorch": lambda X=X, y=y: _torch_epoch(_torch_mlp, X, y, 128),
            "pytorch-fused": lambda X=X, y=y: _torch_epoch(_torch_mlp, X, y, 128, fused=True),
            "sklearn": lambda: _sklearn_mlp_epoch(mlp_n),
        })
    if "cnn-epoch" in names:
        batches = 20 if quick else 100
        X, y = _cnn_data(batches)
        scale = 100 / batches  # reported per 100 batches
        cases["cnn-epoch"] = ("s/100 batches", False, 2 if quick else repeats_big, {
            "backproplab": lambda X=X, y=y: _scaled(_ours_epoch(_ours_cnn, X, y, 64), scale),
            "pytorch": lambda X=X, y=y: _scaled(_torch_epoch(_torch_cnn, X, y, 64), scale),
        })
    if "predict" in names:
        X, _ = _mnist_shaped(10000)
        cases["predict"] = ("samples/s", True, repeats_small, {
            "backproplab": lambda X=X: _ours_predict(X), "pytorch": lambda X=X: _torch_predict(X),
            "sklearn": lambda X=X: _sklearn_predict(X),
        })
    if "help-start" in names:
        cases["help-start"] = ("s", False, repeats_small, {"backproplab": _help_start})
    if "lab" in names:
        cases["lab"] = ("s", False, 3 if quick else 7, {"backproplab": _lab_command})
    if "lab-report" in names:
        cases["lab-report"] = ("s", False, 1 if quick else 3, {"backproplab": lambda: _lab_command("--report")})
    if "figure" in names:
        cases["figure"] = ("CPU s/figure", False, 3 if quick else 7, {"backproplab": _figure_seconds})
    return cases


def _scaled(run, factor):
    return lambda: run() * factor


def _noisy(samples):
    """Why these samples of one implementation are too spread to trust, or ''."""
    low, high, median = min(samples), max(samples), statistics.median(samples)
    if high > NOISY_SPREAD * low:
        return f"max/min {high / low:.2f}"
    if median > NOISY_MEDIAN * low:
        return f"median/min {median / low:.2f}"
    return ""


def _run_case(name, spec, write):
    """Every implementation of one case, alternating; a noisy case gets a second set of
    repeats, and when it stays noisy its ratios are marked unreliable."""
    unit, higher_better, repeats, builders = spec
    runners = {}
    for impl, make in builders.items():
        peer = impl.split("-")[0]
        if not _available(peer):
            write(f"  {name}: {impl} not installed, skipped")
            continue
        runners[impl] = make()
        runners[impl]()  # warm-up: imports, allocations, BLAS thread start-up
    samples = {impl: [] for impl in runners}
    for attempt in range(2):
        for _ in range(repeats):  # alternate, so noise hits every implementation alike
            for impl, run in runners.items():
                samples[impl].append(run())
        noisy = {impl: why for impl, s in samples.items() if (why := _noisy(s))}
        if not noisy:
            break
        if attempt == 0:
            write(f"  {name}: noisy ({'; '.join(f'{k} {v}' for k, v in noisy.items())}); repeating")
    summary = _summary(name, unit, higher_better, samples)
    summary["noisy"] = noisy
    return summary


def _summary(name, unit, higher_better, samples):
    median = {k: statistics.median(v) for k, v in samples.items()}
    ours = median["backproplab"]
    speedup = {k: (ours / v if higher_better else v / ours) for k, v in median.items() if k != "backproplab"}
    return {"name": name, "unit": unit, "median": median, "min": {k: min(v) for k, v in samples.items()},
            "max": {k: max(v) for k, v in samples.items()}, "speedup": speedup, "runs": len(next(iter(samples.values())))}


# --- memory: one process per implementation ----------------------------------------------------

def _memory_child(impl):
    """Run one MLP epoch with ``impl``; print the peak RSS in bytes."""
    if impl == "backproplab":
        _ours_epoch(_ours_mlp, *_mnist_shaped(60000), 128)()
    elif impl == "pytorch":
        X, y = _mnist_shaped(60000)
        _torch_epoch(_torch_mlp, X, y, 128)()
    else:
        _sklearn_mlp_epoch(60000)()
    print(_peak_rss())


def _peak_rss():
    """Peak resident memory of this process in bytes.

    On Linux VmHWM belongs to this program's address space; ru_maxrss would
    also carry the peak of the parent that started it (it survives exec).
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak * (1 if sys.platform == "darwin" else 1024)


def _memory_case(write):
    samples = {}
    for impl in PEERS:
        if not _available(impl):
            write(f"  memory: {impl} not installed, skipped")
            continue
        out = subprocess.run([sys.executable, SCRIPT, "--memory-child", impl],
                             capture_output=True, text=True, env=os.environ, check=True)
        samples[impl] = [int(out.stdout.strip().splitlines()[-1]) / 2**20]
    return _summary("memory", "MiB peak RSS", False, samples)


# --- machine and report --------------------------------------------------------------------------

def matmul_gflops(repeats=5):
    """The machine's float32 matrix-product rate (GFLOP/s), from 2048 x 2048 products."""
    np = _np()
    a = np.random.default_rng(0).random((2048, 2048), dtype=np.float32)
    a @ a
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ a
        times.append(time.perf_counter() - start)
    return 2 * 2048**3 / min(times) / 1e9


def mlp_epoch_products_seconds(n=60000, batch=128, repeats=3):
    """Seconds for the matrix products of one MLP epoch alone, in the layouts Linear uses.

    Per batch: x W^T for each layer, dout^T x for each weight gradient and
    dout W for the two input gradients backpropagation needs. This is the
    floor for any NumPy implementation of the epoch on this machine: the
    rate small products reach here, not the large-matrix rate.
    """
    np = _np()
    rng = np.random.default_rng(0)
    sizes = MLP_LAYERS
    x = [rng.random((batch, a), dtype=np.float32) for a, _ in sizes]
    w = [rng.random((b, a), dtype=np.float32) for a, b in sizes]
    d = [rng.random((batch, b), dtype=np.float32) for _, b in sizes]
    g = [np.empty((b, a), dtype=np.float32) for a, b in sizes]

    def products():
        for i in range(3):
            np.dot(x[i], w[i].T)
            np.matmul(d[i].T, x[i], out=g[i])
            if i:
                np.dot(d[i], w[i])

    products()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(-(-n // batch)):
            products()
        times.append(time.perf_counter() - start)
    return min(times)


def mlp_epoch_optimizer_seconds(n=60000, batch=128, repeats=3):
    """Seconds for one epoch's Adam updates alone, on the mlp-epoch network's packed parameters.

    Adam is about a dozen elementwise NumPy passes over every weight per step; with the matrix
    products, this bounds how close to the products alone any NumPy epoch with Adam can come.
    """
    np = _np()
    from backproplab.optim import Adam

    model = _ours_mlp()
    optimizer = Adam(model.parameters(), lr=1e-3)
    for p in model.parameters():
        p.grad[...] = np.random.default_rng(0).standard_normal(p.grad.shape)
    optimizer.step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(-(-n // batch)):
            optimizer.step()
        times.append(time.perf_counter() - start)
    return min(times)


def mlp_epoch_gflop(n=60000):
    """FLOPs of one epoch of 784-256-128-10: forward 2nk per layer, backward twice that minus the first dx."""
    sizes = MLP_LAYERS
    forward = sum(2 * n * a * b for a, b in sizes)
    return (3 * forward - 2 * n * 784 * 256) / 1e9


def _owner(filepath):
    """Which package a loaded BLAS/OpenMP library came with, from its path."""
    path = (filepath or "").replace("\\", "/")
    for marker, owner in (("/torch/", "pytorch"), ("/numpy", "numpy"), ("/scipy", "scipy"), ("/sklearn", "sklearn")):
        if marker in path:
            return owner
    return "system"


def blas_libraries():
    """Every BLAS and OpenMP library loaded now: its owner, library, version, kernel (architecture) and threads."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    return [{"owner": _owner(p.get("filepath")), "user_api": p.get("user_api"), "library": p.get("internal_api"),
             "version": p.get("version"), "architecture": p.get("architecture"), "threads": p.get("num_threads")}
            for p in threadpool_info()]


def native_kernel():
    """NumPy's OpenBLAS kernel without the kernel variables (asked in a fresh process), or None."""
    env = {k: v for k, v in os.environ.items() if k not in KERNEL_VARIABLES}
    code = ("import numpy, json; from threadpoolctl import threadpool_info; "
            "print(json.dumps([p.get('architecture') for p in threadpool_info() if p.get('internal_api') == 'openblas']))")
    try:
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
        found = json.loads(out.stdout.strip() or "[]")
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None
    return found[0] if found else None


def kernel_warning(libraries, native):
    """A warning when an environment variable pins OpenBLAS to another kernel than the CPU's own, else ''."""
    forced = {v: os.environ[v] for v in KERNEL_VARIABLES if v in os.environ}
    ran = next((lib["architecture"] for lib in libraries
                if lib["owner"] == "numpy" and lib["library"] == "openblas"), None)
    if not forced or native is None or ran is None or ran == native:
        return ""
    settings = " ".join(f"{k}={v}" for k, v in forced.items())
    return (f"warning: {settings} makes NumPy's OpenBLAS run its {ran} kernel; this CPU's own is {native}, "
            "which users' machines run. Add --native-blas to measure without those variables.")


def machine_info(threads):
    np = _np()
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    blas = {v: os.environ.get(v) for v in THREAD_VARIABLES}
    try:
        from threadpoolctl import threadpool_info

        blas["threadpools"] = [{k: p.get(k) for k in ("internal_api", "num_threads", "version")} for p in threadpool_info()]
    except ImportError:
        pass
    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(), "threads": threads,
            "python": platform.python_version(), "numpy_blas": _numpy_blas(np), "blas_threads": blas,
            "kernel_variables": {v: os.environ[v] for v in KERNEL_VARIABLES if v in os.environ}}


def _numpy_blas(np):
    try:
        config = np.show_config(mode="dicts")
        return config["Build Dependencies"]["blas"].get("name")
    except Exception:  # older NumPy: no dict mode
        return None


def versions():
    from backproplab import __version__

    found = {"backproplab": __version__, "numpy": _np().__version__}
    for name, module in (("pytorch", "torch"), ("sklearn", "sklearn")):
        try:
            found[name] = __import__(module).__version__
        except ImportError:
            found[name] = None
    return found


def format_table(report):
    lines = []
    m = report["machine"]
    lines.append(f"machine: {m['cpu']}, {m['cores']} cores, {m['threads']} threads for every implementation; {m['platform']}")
    lines.append("versions: " + ", ".join(f"{k} {v}" for k, v in report["versions"].items() if v))
    lines.append("BLAS threads: " + ", ".join(f"{k}={v}" for k, v in m["blas_threads"].items() if k != "threadpools"))
    for lib in report.get("blas", []):
        lines.append(f"  {lib['owner']:<8} {lib['library']} {lib['version'] or ''} ({lib['user_api']}): kernel "
                     f"{lib['architecture'] or 'n/a'}, {lib['threads']} threads")
    if m.get("kernel_variables"):
        lines.append("kernel variables: " + ", ".join(f"{k}={v}" for k, v in m["kernel_variables"].items())
                     + f"; the CPU's own kernel: {m.get('native_kernel') or 'unknown'}")
    if report.get("warning"):
        lines.append(report["warning"])
    header = f"{'case':<11} {'unit':<14} {'implementation':<14} {'median':>12} {'min - max':>25} {'backproplab is':>15}"
    lines += ["", header, "-" * len(header)]
    for case in report["cases"]:
        for impl, median in case["median"].items():
            better = "less" if case["name"] == "memory" else ("more" if case["unit"] == "samples/s" else "faster")
            speed = "" if impl == "backproplab" else f"{case['speedup'][impl]:.2f}x {better}"
            if case.get("noisy") and impl != "backproplab" and speed:
                speed += " (unreliable)"
            lines.append(f"{case['name']:<11} {case['unit']:<14} {impl:<14} {_fmt(median):>12} "
                         f"{_fmt(case['min'][impl]) + ' - ' + _fmt(case['max'][impl]):>25} {speed:>15}")
        if "gflops" in case:
            g = case["gflops"]
            lines.append(f"{'':<11} achieved {g['backproplab']:.1f} GFLOP/s = {100 * g['fraction_of_matmul']:.0f}% of the "
                         f"machine's float32 matmul rate ({g['matmul']:.1f} GFLOP/s, 2048 x 2048)")
            lines.append(f"{'':<11} the epoch's matrix products alone: {g['products_alone_s']:.3f} s = "
                         f"{g['products_alone']:.1f} GFLOP/s; the epoch reaches {100 * g['fraction_of_products_alone']:.0f}% of that")
            if "optimizer_alone_s" in g:
                lines.append(f"{'':<11} Adam's updates alone: {g['optimizer_alone_s']:.3f} s; "
                             f"the products and the updates alone reach "
                             f"{100 * g['products_and_optimizer_fraction']:.0f}% of the products' rate")
    noisy = [f"{c['name']} ({'; '.join(f'{k} {v}' for k, v in c['noisy'].items())})"
             for c in report["cases"] if c.get("noisy")]
    if noisy:
        lines += ["", "unreliable: the machine was too noisy for " + ", ".join(noisy)
                  + "; their ratios may be far off. Run again on a quiet machine."]
    return "\n".join(lines)


def _fmt(value):
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def run_bench(quick=False, threads=2, names=CASES, write=print):
    report = {"machine": machine_info(threads), "versions": versions(), "cases": [], "quick": quick}
    try:
        import torch

        torch.set_num_threads(threads)
    except ImportError:
        pass
    for name, spec in build_cases(quick, names).items():
        write(f"running {name} ...")
        report["cases"].append(_run_case(name, spec, write))
    # After the cases: every peer's libraries are loaded by now.
    report["blas"] = blas_libraries()
    report["machine"]["native_kernel"] = native_kernel()
    report["warning"] = kernel_warning(report["blas"], report["machine"]["native_kernel"])
    if "memory" in names:
        write("running memory ...")
        report["cases"].append(_memory_case(write))
    for case in report["cases"]:
        if case["name"] == "mlp-epoch":
            rate, gflop = matmul_gflops(), mlp_epoch_gflop()
            achieved = gflop / case["median"]["backproplab"]
            products, optimizer = mlp_epoch_products_seconds(), mlp_epoch_optimizer_seconds()
            case["gflops"] = {"backproplab": achieved, "matmul": rate, "fraction_of_matmul": achieved / rate,
                              "products_alone_s": products, "products_alone": gflop / products,
                              "fraction_of_products_alone": achieved / (gflop / products),
                              "optimizer_alone_s": optimizer,
                              "products_and_optimizer_fraction": products / (products + optimizer)}
    return report


def build_parser():
    parser = argparse.ArgumentParser(prog=os.environ.get(PROG_VARIABLE, "python benchmarks/bench.py"),
                                     description="Time backproplab against PyTorch and scikit-learn, side by side.",
                                     allow_abbrev=False)
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller cases (under two minutes)")
    parser.add_argument("--threads", type=int, default=2, help="threads for every implementation (default: 2)")
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated subset of {', '.join(CASES)}")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--native-blas", action="store_true",
                        help=f"run without {' and '.join(KERNEL_VARIABLES)}, so OpenBLAS picks this CPU's own kernel")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.memory_child:
        _memory_child(args.memory_child)
        return 0
    names = [n.strip() for n in args.cases.split(",") if n.strip()]
    unknown = sorted(set(names) - set(CASES))
    if unknown or args.threads < 1:
        what = f"unknown cases {unknown}; choose from {', '.join(CASES)}" if unknown else f"--threads must be >= 1, got {args.threads}"
        print(f"error: {what}", file=sys.stderr)
        return 2
    if os.environ.get(_CHILD_MARK) != str(args.threads):
        # Thread and kernel variables only take effect before NumPy starts: run again in a fresh process.
        env = dict(os.environ, **{v: str(args.threads) for v in THREAD_VARIABLES}, **{_CHILD_MARK: str(args.threads)})
        if args.native_blas:
            env = {k: v for k, v in env.items() if k not in KERNEL_VARIABLES}
        argv = sys.argv[1:] if argv is None else list(argv)
        return subprocess.run([sys.executable, SCRIPT, *argv], env=env).returncode
    report = run_bench(args.quick, args.threads, names)
    print()
    print(format_table(report))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
