"""Seconds per figure of the lab report: every figure function timed where it is called.

    python benchmarks/figure_times.py [--repeat N] [-- lab options...]

Runs ``backproplab lab --report`` (or the options after ``--``) N times in this process with each
figure function wrapped by a timer, and prints the median seconds per figure kind and over all
figures, in wall seconds and in CPU seconds of this process (on a shared, busy machine the CPU time is
close to the wall time the same figure takes on a quiet one). The figures are written into a
temporary folder that is removed afterwards.
"""

import argparse
import statistics
import sys
import tempfile
import time

FIGURES = ["comparison", "learning_curve", "decision_boundary", "network_diagram", "neuron_maps", "gradient_norms",
           "sweep_curves", "sweep_accuracy", "boundaries_grid", "gradient_norms_grid", "confusion_matrix",
           "misclassified_grid"]


def timed(function, name, times):
    def wrapper(*args, **kwargs):
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            times.setdefault(name, []).append((time.perf_counter() - start, time.process_time() - cpu))
    return wrapper


def wrap_everywhere(times):
    """Replace each figure function by its timed self in every backproplab module that holds it."""
    import backproplab.cli  # noqa: F401  (imports what the command imports)
    from backproplab import plots
    from backproplab.plots import images, network, points, sweeps, training
    originals = {}
    for module in (plots, images, network, points, sweeps, training):
        for name in FIGURES:
            if hasattr(module, name):
                originals[name] = getattr(module, name)
    for _ in range(2):  # modules imported on first use: import them now so their names are found
        for module in [m for n, m in list(sys.modules.items()) if n.startswith("backproplab")]:
            for name, function in originals.items():
                if getattr(module, name, None) is function:
                    setattr(module, name, timed(function, name, times))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    options, lab = parser.parse_args(argv[:split]), argv[split + 1:]
    import importlib
    for name in ("backproplab.outputs.points_run", "backproplab.outputs.network_figures",
                 "backproplab.outputs.image_run", "backproplab.experiments.figures",
                 "backproplab.experiments.gradients"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    times = {}
    wrap_everywhere(times)
    from backproplab.cli import main as cli_main
    for _ in range(options.repeat):
        with tempfile.TemporaryDirectory() as out:
            try:
                cli_main(["lab", *(lab or ["--report"]), "--out", out])
            except SystemExit:
                pass
    every = [t for ts in times.values() for t in ts]
    print(f"{'figure':22s} {'count':>5s} {'wall s':>8s} {'CPU s':>8s}  (medians)")
    for name, ts in sorted(times.items()) + [("all figures", every)]:
        walls, cpus = zip(*ts)
        print(f"{name:22s} {len(ts):5d} {statistics.median(walls):8.3f} {statistics.median(cpus):8.3f}")


if __name__ == "__main__":
    main()
