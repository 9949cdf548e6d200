"""backproplab against another revision of itself, side by side: is a change as fast as before?

    python benchmarks/compare_revisions.py OTHER_SRC [--rounds 5] [--cases xor-step,mlp-epoch]

OTHER_SRC is the ``src`` folder of another checkout (e.g. ``git worktree add /tmp/before main``,
then ``/tmp/before/src``). Each round runs every case once per revision, each in a fresh
process with the same thread variables (this checkout's and the other's alternating, so
a noisy machine slows both alike); every process times its case several times after a
warm-up and reports the median. The table gives the median over rounds and the ratio
this / other of times (below 1: this checkout is faster; for rates, samples/s, the
ratio is other / this, so below 1 still means faster). It uses the cases of ``bench.py`` that
need only the API both revisions share.
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
THIS_SRC = os.path.join(os.path.dirname(HERE), "src")
CASES = ("xor-step", "xor-to-100", "mlp-epoch", "cnn-epoch", "predict", "help-start", "lab", "lab-report", "figure")
NO_WARM_UP = ("lab-report",)  # a fresh process each time already, and too long to run once more


def _bench():
    """benchmarks/bench.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("bench", os.path.join(HERE, "bench.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _xor_to_100():
    """The lab's network trained on XOR until 100% accuracy, through fit() (both revisions have it)."""
    import numpy as np

    from backproplab.data import xor_easy
    from backproplab.nn import BCELoss, Linear, Sequential, Sigmoid
    from backproplab.optim import Adam
    from backproplab.training import TargetAccuracy, fit

    X, y = xor_easy()

    def run():
        rng = np.random.default_rng(0)
        model = Sequential(Linear(2, 8, rng=rng), Sigmoid(), Linear(8, 8, rng=rng), Sigmoid(), Linear(8, 1, rng=rng),
                           Sigmoid())
        start = time.perf_counter()
        fit(model, BCELoss(), Adam(model.parameters(), lr=0.01), X, y, epochs=2000, callbacks=[TargetAccuracy(1.0)])
        return time.perf_counter() - start
    return run


def _runner(case, bench):
    """(unit, seconds-or-rate function, repeats) of one case."""
    if case == "xor-step":
        return "us", bench._timed_calls(bench._ours_xor_step(2000), 2000 / 1e6), 15
    if case == "xor-to-100":
        return "s", _xor_to_100(), 15
    if case == "mlp-epoch":
        X, y = bench._mnist_shaped(60000)
        return "s", bench._ours_epoch(bench._ours_mlp, X, y, 128), 3
    if case == "cnn-epoch":
        X, y = bench._cnn_data(100)
        return "s/100 batches", bench._ours_epoch(bench._ours_cnn, X, y, 64), 3
    if case == "predict":
        X, _ = bench._mnist_shaped(10000)
        return "samples/s", bench._ours_predict(X), 15
    if case == "help-start":
        return "s", bench._help_start(), 7
    if case == "lab":
        return "s", bench._lab_command(), 3
    if case == "lab-report":
        return "s", bench._lab_command("--report"), 1
    if case == "figure":
        return "CPU s/figure", bench._figure_seconds(), 3
    raise ValueError(case)


def child(case):
    unit, run, repeats = _runner(case, _bench())
    if case not in NO_WARM_UP:
        run()  # warm-up
    samples = [run() for _ in range(repeats)]
    import backproplab

    print(json.dumps({"unit": unit, "median": statistics.median(samples), "where": os.path.dirname(backproplab.__file__)}))


def measure(src, case, threads):
    env = dict(os.environ, PYTHONPATH=src, **{v: str(threads) for v in _bench().THREAD_VARIABLES})
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", case], env=env, check=True,
                         capture_output=True, text=True).stdout
    found = json.loads(out.strip().splitlines()[-1])
    if not found["where"].startswith(os.path.abspath(src)):  # e.g. an installed copy took precedence
        raise SystemExit(f"error: the child imported backproplab from {found['where']}, not from {src}")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python benchmarks/compare_revisions.py", description=__doc__.split("\n\n")[0],
                                     allow_abbrev=False)
    parser.add_argument("other_src", nargs="?", help="the src folder of the other checkout")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cases", default=",".join(CASES), help=f"comma-separated subset of {', '.join(CASES)}")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    if not args.other_src or not os.path.isdir(os.path.join(args.other_src, "backproplab")):
        parser.error(f"OTHER_SRC must be a checkout's src folder holding backproplab/, got {args.other_src!r}")
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        parser.error(f"unknown cases {unknown}; choose from {', '.join(CASES)}")
    revisions = {"this": THIS_SRC, "other": os.path.abspath(args.other_src)}
    results = {case: {name: [] for name in revisions} for case in cases}
    units = {}
    for r in range(args.rounds):
        for case in cases:
            for name, src in (revisions.items() if r % 2 == 0 else reversed(revisions.items())):
                found = measure(src, case, args.threads)
                units[case] = found["unit"]
                results[case][name].append(found["median"])
        print(f"round {r + 1} of {args.rounds} done", file=sys.stderr)
    print(f"| case | unit | this (median of {args.rounds}) | other | this / other (time) | spread this | spread other |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for case in cases:
        this, other = (results[case][n] for n in revisions)
        mt, mo = statistics.median(this), statistics.median(other)
        ratio = mo / mt if units[case].endswith("/s") else mt / mo  # below 1: this is faster
        spread = lambda v: f"{min(v):.4g}-{max(v):.4g}"  # noqa: E731
        print(f"| {case} | {units[case]} | {mt:.4g} | {mo:.4g} | {ratio:.3f} | {spread(this)} | {spread(other)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
