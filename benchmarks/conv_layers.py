"""Per-layer convolution timings: im2col against Winograd F(2x2, 3x3) against PyTorch.

    python benchmarks/conv_layers.py [--rounds 15] [--batch 64] [--threads 2] [--layers NAME,...] [--cpu-time]
    python benchmarks/conv_layers.py --cnn-step [--rounds 15] [--threads 2] [--cpu-time]

For every layer below, in float32 with a batch of 64, it times the forward
and the backward pass (the input gradient included, except for a first layer,
whose input gradient training never computes: there backward is
``backward_params``, and PyTorch is asked for the weight gradient only).
Implementations run in alternation (A B C A B C ...), one sample per round,
so a noisy machine slows all of them alike; the table gives medians and
min-max in milliseconds, and which algorithm ``Conv2d(algorithm="auto")``
picks. BLAS and OpenMP get the same number of threads, set before NumPy loads.

``--cnn-step`` times instead one whole training step (forward, cross-entropy,
backward, Adam) of the bench's MNIST CNN (``cnn-epoch``), with its second
convolution as im2col (what auto picks) and as Winograd, against PyTorch.

``--cpu-time`` times with the CPU time of the process instead of the wall
clock: with ``--threads 1`` that is the work done, which other processes on
a shared machine stretch far less than the wall clock (only through shared
caches), so it ranks the algorithms on a busy machine. With more threads it also counts
the time BLAS threads spend waiting for each other, so keep it for one thread.
"""

import argparse
import os
import statistics
import sys
import time

# (name, in channels, out channels, image size, padding, first layer)
LAYERS = [
    ("cnn conv1 1->32 28x28", 1, 32, 28, 0, True),
    ("cnn conv2 32->64 13x13", 32, 64, 13, 0, False),
    ("64->64 13x13 pad 1", 64, 64, 13, 1, False),
    ("64->64 28x28 pad 1", 64, 64, 28, 1, False),
    ("32->32 28x28 pad 1", 32, 32, 28, 1, False),
    ("32->32 20x20 pad 1", 32, 32, 20, 1, False),
    ("32->32 16x16 pad 1", 32, 32, 16, 1, False),
    ("16->32 28x28 pad 1", 16, 32, 28, 1, False),
    ("8->16 28x28 pad 1", 8, 16, 28, 1, False),
    ("4->16 28x28 pad 1", 4, 16, 28, 1, False),
]


def _torch(c_in, c_out, x, padding, first):
    import torch

    conv = torch.nn.Conv2d(c_in, c_out, 3, padding=padding)
    xt = torch.from_numpy(x).requires_grad_(not first)
    state = {}

    def forward():
        state["out"] = conv(xt)

    def backward():
        out = state["out"]
        inputs = (conv.weight, conv.bias) if first else (conv.weight, conv.bias, xt)
        torch.autograd.grad(out, inputs, torch.ones_like(out))
    return forward, backward


def _time(fn, clock):
    start = clock()
    fn()
    return clock() - start


def measure(layer, rounds, batch, clock):
    """{implementation: {"forward": [seconds], "backward": [seconds]}} and auto's choice."""
    import numpy as np

    from backproplab.nn import Conv2d

    name, c_in, c_out, size, padding, first = layer
    x = np.random.default_rng(0).standard_normal((batch, size, size, c_in), dtype=np.float32).transpose(0, 3, 1, 2)
    runners = {}
    for algorithm in ("im2col", "winograd"):
        conv = Conv2d(c_in, c_out, 3, padding=padding, rng=0, dtype=np.float32, algorithm=algorithm)
        runners[algorithm] = _our_steps(conv, x, first)
    runners["pytorch"] = _torch(c_in, c_out, x, padding, first)
    samples = {impl: {"forward": [], "backward": []} for impl in runners}
    for impl, (forward, backward) in runners.items():  # warm-up
        forward()
        backward()
    for _ in range(rounds):
        for impl, (forward, backward) in runners.items():
            samples[impl]["forward"].append(_time(forward, clock))
            samples[impl]["backward"].append(_time(backward, clock))
    out_size = (size + 2 * padding - 2,) * 2
    return samples, Conv2d(c_in, c_out, 3, padding=padding, rng=0).algorithm_for(out_size)


def _our_steps(conv, x, first):
    import numpy as np

    state = {}

    def forward():
        state["out"] = conv.forward(x)

    def backward():
        dout = state.get("dout")
        if dout is None:
            dout = state["dout"] = np.ones_like(state["out"])
        (conv.backward_params if first else conv.backward)(dout)
    return forward, backward


def cnn_steps(batch):
    """{name: one training step}: the bench's CNN with each algorithm for conv2, and PyTorch's."""
    import numpy as np
    import torch

    from backproplab.nn import Conv2d, CrossEntropyLoss, Flatten, Linear, MaxPool2d, ReLU, Sequential
    from backproplab.optim import Adam

    rng = np.random.default_rng(0)
    x = rng.random((batch, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, batch)
    steps = {}
    for algorithm in ("im2col", "winograd"):
        r = np.random.default_rng(0)
        model = Sequential(Conv2d(1, 32, 3, rng=r), MaxPool2d(2), ReLU(),
                           Conv2d(32, 64, 3, rng=r, algorithm=algorithm), MaxPool2d(2), ReLU(), Flatten(),
                           Linear(1600, 128, init="he", rng=r), ReLU(), Linear(128, 10, init="he", rng=r)
                           ).to(np.float32)
        steps[f"conv2 {algorithm}"] = _our_step(model, CrossEntropyLoss(), Adam(model.parameters(), lr=1e-3), x, y)
    nn = torch.nn
    net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                        nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Linear(128, 10))
    optimizer, loss = torch.optim.Adam(net.parameters(), lr=1e-3), nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def torch_step():
        optimizer.zero_grad()
        loss(net(xt), yt).backward()
        optimizer.step()
    steps["pytorch"] = torch_step
    return steps


def _our_step(model, loss, optimizer, x, y):
    def step():
        loss.forward(model.forward(x), y)
        optimizer.zero_grad()
        model.backward(loss.backward(), input_grad=False)
        optimizer.step()
    return step


def measure_cnn_steps(rounds, batch, clock):
    steps = cnn_steps(batch)
    samples = {name: [] for name in steps}
    for step in steps.values():  # warm-up
        step()
    for _ in range(rounds):
        for name, step in steps.items():
            samples[name].append(_time(step, clock))
    return samples


def format_rows(layer, samples, auto):
    name = layer[0]
    lines = []
    for impl, passes in samples.items():
        cells = []
        for which in ("forward", "backward"):
            s = [t * 1e3 for t in passes[which]]
            cells.append(f"{statistics.median(s):7.2f} ({min(s):6.2f}-{max(s):6.2f})")
        total = statistics.median(passes["forward"]) + statistics.median(passes["backward"])
        mark = " <- auto" if impl == auto else ""
        lines.append(f"{name:<24} {impl:<9} {cells[0]:>24} {cells[1]:>24} {total * 1e3:8.2f}{mark}")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--layers", help="comma-separated names (or name prefixes) of the layers to time")
    parser.add_argument("--cpu-time", action="store_true", help="time with the process's CPU time (for --threads 1)")
    parser.add_argument("--cnn-step", action="store_true", help="time a whole training step of the bench's CNN")
    args = parser.parse_args(argv)
    clock = time.process_time if args.cpu_time else time.perf_counter
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(args.threads)  # before NumPy and PyTorch load
    import torch

    torch.set_num_threads(args.threads)
    clock_name = "CPU time" if args.cpu_time else "wall clock"
    print(f"batch {args.batch}, float32, {args.threads} threads, {args.rounds} alternating rounds, {clock_name}",
          flush=True)
    if args.cnn_step:
        samples = measure_cnn_steps(args.rounds, args.batch, clock)
        print(f"{'training step of the bench CNN':<32} {'ms median (min-max)':>24}")
        for name, s in samples.items():
            s = [t * 1e3 for t in s]
            print(f"{name:<32} {statistics.median(s):8.2f} ({min(s):6.2f}-{max(s):6.2f})")
        return 0
    layers = LAYERS
    if args.layers:
        wanted = args.layers.split(",")
        layers = [layer for layer in LAYERS if any(layer[0].startswith(w) for w in wanted)]
    header = (f"{'layer':<24} {'algorithm':<9} {'forward ms median (min-max)':>24} "
              f"{'backward ms median (min-max)':>24} {'sum ms':>8}")
    print(header)
    print("-" * len(header), flush=True)
    for layer in layers:
        samples, auto = measure(layer, args.rounds, args.batch, clock)
        print("\n".join(format_rows(layer, samples, auto)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
