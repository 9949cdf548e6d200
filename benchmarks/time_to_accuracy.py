"""Time to accuracy: seconds of training until the test accuracy first reaches its target.

    python benchmarks/time_to_accuracy.py [--seeds 3] [--only mnist-cnn,fashion-cnn,mnist-mlp]
                                          [--peers backproplab,pytorch] [--pytorch-seeds 1] [--threads 2]

Each case trains ``backproplab train --dataset D --model M`` with the CLI's defaults, for
each seed, and measures the test accuracy after every epoch (the measuring is not
counted in the training time). PyTorch then runs the same recipe: the identical network
with the same initial weights, the same training rows in the same batch order, the same
learning rate at every step, Adam with the same settings, the same dropout rate, in
float32 with the same number of threads. Both count the validation pass of every epoch
as training time, since the recipe needs it.

It prints, per case and implementation: the seconds to the target (median over seeds,
"-" when a seed never reaches it), the epochs it took, the final test accuracy (median
and worst), and whether the case met its target within its time budget. It exits with
status 1 when backproplab misses a target or a budget. Data files come from
``$BACKPROPLAB_DATA`` or the cache (downloaded when missing).
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

from backproplab.data import batches, count_batches
from backproplab.nn import Parameter, get_loss
from backproplab.optim import SGD
from backproplab.run import RunConfig, build_model, build_schedule, choose_head, train
from backproplab.run.train import make_data, random_streams
from backproplab.training import evaluate
from backproplab.training.callbacks import Callback

# name: (data set, model, target test accuracy, time budget in seconds of training)
CASES = {
    "mnist-cnn": ("mnist", "cnn", 0.992, 90.0),
    "fashion-cnn": ("fashion-mnist", "cnn", 0.915, 120.0),
    "mnist-mlp": ("mnist", "mlp", 0.983, 30.0),
    "fashion-mlp": ("fashion-mnist", "mlp", 0.895, 30.0),
}


class TestAccuracyClock(Callback):
    """After every epoch: training seconds so far (its own measuring left out) and test accuracy."""

    def __init__(self, X_test, y_test, loss_fn):
        self.X_test, self.y_test, self.loss_fn = X_test, y_test, loss_fn
        self.measuring = 0.0
        self.points = []  # (training seconds, test accuracy) per epoch

    def on_epoch_end(self, history, model):
        start = time.perf_counter()
        accuracy = evaluate(model, self.loss_fn, self.X_test, self.y_test)[1]
        self.points.append((history.seconds[-1] - self.measuring, accuracy))
        self.measuring += time.perf_counter() - start
        return False


def run_backproplab(config):
    """(seconds, test accuracy) after every epoch of ``train(config)``."""
    data = make_data(config)
    head = choose_head(config, data.n_classes)
    clock = TestAccuracyClock(data.X_test.astype(config.dtype), data.y_test, get_loss(head.loss))
    train(config, callbacks=[clock])
    return clock.points


def _torch_model(ours, torch):
    """The PyTorch twin of a backproplab Sequential, holding the same weights."""
    nn = torch.nn
    layers = []
    for layer in ours.layers:
        name = type(layer).__name__
        if name == "Conv2d":
            twin = nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, layer.stride, layer.padding)
        elif name == "Linear":
            twin = nn.Linear(layer.weight.data.shape[1], layer.weight.data.shape[0], bias=layer.bias is not None)
        elif name == "MaxPool2d":
            twin = nn.MaxPool2d(layer.kernel_size, layer.stride)
        elif name == "Dropout":
            twin = nn.Dropout(layer.p)
        elif name in ("ReLU", "Flatten"):
            twin = getattr(nn, name)()
        else:
            raise ValueError(f"no PyTorch twin for {name} in this benchmark")
        with torch.no_grad():
            for attr in ("weight", "bias"):
                mine = getattr(layer, attr, None)
                if isinstance(mine, Parameter):
                    getattr(twin, attr).copy_(torch.from_numpy(np.array(mine.data, dtype=np.float32)))
        layers.append(twin)
    return nn.Sequential(*layers)


def run_pytorch(config, threads):
    """(seconds, test accuracy) after every epoch of the same recipe in PyTorch."""
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(config.seed)
    streams = random_streams(config.seed)
    data = make_data(config, streams)
    head = choose_head(config, data.n_classes)
    ours = build_model(config, data.X_train.shape[1:], head.outputs, head.output_activation, streams["weights"],
                       streams["dropout"])
    model = _torch_model(ours, torch)
    X = torch.from_numpy(np.ascontiguousarray(data.X_train, dtype=np.float32))
    y = torch.from_numpy(data.y_train.astype(np.int64))
    X_val, y_val = (torch.from_numpy(np.ascontiguousarray(a)) for a in (data.X_val.astype(np.float32),
                                                                          data.y_val.astype(np.int64)))
    X_test, y_test = (torch.from_numpy(np.ascontiguousarray(a)) for a in (data.X_test.astype(np.float32),
                                                                            data.y_test.astype(np.int64)))
    betas = (0.9 if config.beta1 is None else config.beta1, 0.999 if config.beta2 is None else config.beta2)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, betas=betas,
                                 **({} if config.eps is None else {"eps": config.eps}))
    # The learning rate of every step, read from backproplab's own schedule on a stand-in optimizer.
    stand_in = SGD([Parameter(np.zeros(1))], lr=config.lr)
    schedule = build_schedule(config, stand_in, count_batches(len(X), config.batch_size))
    loss_fn = torch.nn.CrossEntropyLoss()

    def accuracy(inputs, labels):
        model.eval()
        with torch.no_grad():
            out = torch.cat([model(inputs[i:i + 1024]) for i in range(0, len(inputs), 1024)])
        model.train()
        return out, float((out.argmax(1) == labels).float().mean())

    points, seconds = [], 0.0
    for _ in range(config.epochs):
        start = time.perf_counter()
        for idx in batches(len(X), config.batch_size, streams["shuffling"]):
            for group in optimizer.param_groups:
                group["lr"] = stand_in.lr
            index = torch.from_numpy(idx)
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(X[index]), y[index]).backward()
            optimizer.step()
            if schedule.per_batch:
                schedule.step()
        val_out, _ = accuracy(X_val, y_val)
        if not schedule.per_batch:
            schedule.step(float(loss_fn(val_out, y_val)))
        seconds += time.perf_counter() - start
        points.append((seconds, accuracy(X_test, y_test)[1]))
    return points


def first_reaching(points, target):
    """(seconds, epoch) at which the accuracy first reached ``target``, or (None, None)."""
    for epoch, (seconds, accuracy) in enumerate(points, 1):
        if accuracy >= target:
            return seconds, epoch
    return None, None


def summarise(runs, target, budget):
    reached = [first_reaching(points, target) for points in runs]
    seconds = [s for s, _ in reached]
    finals = [points[-1][1] for points in runs]
    met = all(s is not None for s in seconds) and statistics.median(seconds) <= budget
    return {
        "seconds": statistics.median(seconds) if all(s is not None for s in seconds) else None,
        "epochs": [e for _, e in reached],
        "final_median": statistics.median(finals), "final_worst": min(finals),
        "total_seconds": statistics.median(points[-1][0] for points in runs),
        "met": met and statistics.median(finals) >= target,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--seeds", type=int, default=3, help="backproplab seeds 0..N-1 (default 3)")
    parser.add_argument("--pytorch-seeds", type=int, default=1, help="PyTorch seeds 0..N-1 (default 1)")
    parser.add_argument("--only", default=",".join(CASES), help="comma-separated subset of " + ", ".join(CASES))
    parser.add_argument("--peers", default="backproplab,pytorch")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch's threads (default 2)")
    parser.add_argument("--epochs", type=int, help="override the defaults' epochs (a quick look; not the recipe)")
    args = parser.parse_args()
    names = args.only.split(",")
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"unknown case {unknown[0]!r}; choose from {', '.join(CASES)}")
    peers = args.peers.split(",")
    rows, failed = [], False
    for name in names:
        dataset, model, target, budget = CASES[name]
        for peer in peers:
            seeds = args.seeds if peer == "backproplab" else args.pytorch_seeds
            runs = []
            for seed in range(seeds):
                config = RunConfig.for_dataset(dataset=dataset, model=model, seed=seed)
                if args.epochs:
                    config = config.replace(epochs=args.epochs)
                if peer == "backproplab":
                    points = run_backproplab(config)  # its own thread count: auto_threads, at most the cores
                else:
                    points = run_pytorch(config, args.threads)
                runs.append(points)
                print(f"{name} {peer} seed {seed}: " + ", ".join(f"{s:.0f}s {100 * a:.2f}%" for s, a in points),
                      flush=True)
            result = summarise(runs, target, budget)
            rows.append((name, peer, target, budget, seeds, result))
            failed |= peer == "backproplab" and not result["met"]
    print(f"\n{'case':<12} {'peer':<12} {'target':>7} {'budget':>7} {'seeds':>5} {'s to target':>11} "
          f"{'epochs':>9} {'final (worst)':>15} {'total s':>8} {'met':>4}")
    for name, peer, target, budget, seeds, r in rows:
        to_target = "-" if r["seconds"] is None else f"{r['seconds']:.0f}"
        epochs = ",".join("-" if e is None else str(e) for e in r["epochs"])
        print(f"{name:<12} {peer:<12} {100 * target:6.1f}% {budget:6.0f}s {seeds:>5} {to_target:>11} {epochs:>9} "
              f"{100 * r['final_median']:6.2f}% ({100 * r['final_worst']:.2f}) {r['total_seconds']:8.0f} "
              f"{'yes' if r['met'] else 'NO':>4}")
    config = RunConfig.for_dataset(dataset="mnist", model="cnn")
    print(f"\nrecipe (mnist cnn defaults): batch {config.batch_size}, {config.epochs} epochs, {config.optimizer} "
          f"lr {config.lr}, schedule {config.schedule}, dropout {config.dropout}, {config.dtype}; "
          f"{args.threads} threads")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
