"""What recording gradient norms costs: ``python benchmarks/gradient_norms_cost.py``.

On the bench's mlp-epoch network (784-256-128-10 ReLU, float32, batches of 128, Adam, 2 threads), per
batch: one training step as ``fit`` runs it, against ``GradientNorms.on_batch_end`` on the same model's
gradients. Each is repeated 400 times and the minimum kept, the run least disturbed by other work on
the machine; a whole epoch is 469 such batches.
"""

import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")  # the bench's threads, set before NumPy loads
os.environ.setdefault("OMP_NUM_THREADS", "2")

import numpy as np  # noqa: E402

from backproplab.nn import CrossEntropyLoss, Linear, ReLU, Sequential  # noqa: E402
from backproplab.optim import Adam  # noqa: E402
from backproplab.training import GradientNorms  # noqa: E402

BATCHES_PER_EPOCH = 469  # 60,000 samples in batches of 128
REPEATS = 400


def minimum_seconds(fn, repeats=REPEATS):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    rng = np.random.default_rng(0)
    model = Sequential(Linear(784, 256, init="he", rng=rng), ReLU(), Linear(256, 128, init="he", rng=rng), ReLU(),
                       Linear(128, 10, init="he", rng=rng)).to(np.float32)
    X, y = rng.random((128, 784), dtype=np.float32), rng.integers(0, 10, 128)
    loss_fn, optimizer = CrossEntropyLoss(), Adam(model.parameters(), lr=1e-3)
    norms = GradientNorms()
    norms.on_train_begin(None, model)

    def step():
        loss_fn.forward(model.forward(X), y)
        optimizer.zero_grad()
        model.backward(loss_fn.backward(), input_grad=False)
        optimizer.step()

    def record():
        norms.on_batch_end(len(X), 0.0, 0)

    for _ in range(20):  # warm-up
        step()
        record()
    step_s, record_s = minimum_seconds(step), minimum_seconds(record)
    print(f"training step {1e6 * step_s:.0f} us, recording the norms {1e6 * record_s:.1f} us per batch: "
          f"{100 * record_s / step_s:.2f}% of the step, {1e3 * BATCHES_PER_EPOCH * record_s:.1f} ms per epoch")


if __name__ == "__main__":
    main()
