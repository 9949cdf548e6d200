"""The image accuracy targets, reproduced with the CLI's defaults.

    python benchmarks/accuracy_targets.py [--seed 0] [--out runs/targets] [--only mnist-mlp,...]

Runs ``backproplab train --dataset D --model M --seed S`` for MNIST and
Fashion-MNIST with the MLP and the CNN, then prints each run's test accuracy
against its target and its training time. Data files come from
``$BACKPROPLAB_DATA`` or the cache (downloaded when missing).
"""

import argparse
import json
import os
import subprocess
import sys
import time

TARGETS = {  # name: (data set, model, minimum test accuracy)
    "mnist-mlp": ("mnist", "mlp", 0.983),
    "mnist-cnn": ("mnist", "cnn", 0.992),
    "fashion-mlp": ("fashion-mnist", "mlp", 0.895),
    "fashion-cnn": ("fashion-mnist", "cnn", 0.915),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join("runs", "targets"))
    parser.add_argument("--only", default=",".join(TARGETS), help="comma-separated subset of " + ", ".join(TARGETS))
    args = parser.parse_args()
    rows = []
    for name in args.only.split(","):
        dataset, model, target = TARGETS[name]
        folder = os.path.join(args.out, f"{name}-seed{args.seed}")
        command = [sys.executable, "-m", "backproplab", "train", "--dataset", dataset, "--model", model,
                   "--seed", str(args.seed), "--out", folder, "--force"]
        print("$", " ".join(["backproplab", *command[3:]]), flush=True)
        start = time.perf_counter()
        subprocess.run(command, check=True)
        wall = time.perf_counter() - start
        with open(os.path.join(folder, "metrics.json")) as f:
            metrics = json.load(f)
        rows.append((name, metrics["test_accuracy"], target, metrics["seconds"], wall))
    print(f"\n{'run':<12} {'test accuracy':>13} {'target':>8} {'met':>4} {'training s':>11} {'wall s':>8}")
    for name, accuracy, target, seconds, wall in rows:
        print(f"{name:<12} {100 * accuracy:12.2f}% {100 * target:7.1f}% {'yes' if accuracy >= target else 'NO':>4} "
              f"{seconds:11.0f} {wall:8.0f}")
    return 0 if all(accuracy >= target for _, accuracy, target, _, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
