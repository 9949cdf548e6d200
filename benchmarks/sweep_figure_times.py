"""CPU seconds per figure of a lab report: its sweeps re-drawn from a finished report folder, and the lab's own.

    python benchmarks/sweep_figure_times.py REPORT_FOLDER [--repeat N] [--lab] [-- lab options...]

REPORT_FOLDER is the folder of a finished 'backproplab lab --report' (or of one sweep). It is copied
to a temporary folder, where every sweep's figures (curves, accuracy, boundaries, gradients) are
drawn again from its saved runs and models, each figure function timed in CPU seconds of this process
(on a quiet machine, the figure's wall time; on a busy one, far steadier than it). With ``--lab``, the
lab's own figures of the report (comparison, learning curve, boundary, network, neurons, gradients of
each data set) are timed too, first as in the report, by running ``backproplab lab`` (with the options
after ``--``, those the report was made with) into a temporary folder: then "all figures" is every
figure of the report.
Prints the median and total per figure kind and over all. With PYTHONPATH=OTHER/src it times another
revision's figures from the same runs, for a comparison side by side.
"""

import argparse
import contextlib
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
import types

# What a sweep draws, by the name of the module attribute that draws it.
FIGURES = {"plots": ("sweep_curves", "sweep_accuracy", "boundaries_grid"), "gradients": ("gradient_norms_grid",)}


def timed(function, name, times):
    def figure(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            times.setdefault(name, []).append(time.process_time() - start)
    return figure


def sweep_folders(root):
    return sorted(folder for folder, _, files in os.walk(root) if "sweep.json" in files)


def time_lab(times, options, repeat):
    """The lab's own figures: ``backproplab lab OPTIONS`` run ``repeat`` times into a temporary folder, each
    figure timed."""
    from figure_times import wrap_everywhere  # the sibling benchmark's timers of every figure function

    from backproplab.cli import main as cli_main
    lab = {}
    wrap_everywhere(lab)
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out, contextlib.redirect_stdout(io.StringIO()):
            cli_main(["lab", *options, "--out", out])
    for name, ts in lab.items():
        times.setdefault(name, []).extend(cpu for _, cpu in ts)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", help="a finished 'backproplab lab --report' folder, or one sweep's")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--lab", action="store_true", help="also time the lab's own figures (runs 'backproplab lab')")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args, lab_options = parser.parse_args(argv[:split]), argv[split + 1:]
    from backproplab import plots
    from backproplab.experiments import figures, gradients, read_results, read_spec, write_sweep_outputs

    times = {}
    originals = {name: getattr(plots, name) for name in FIGURES["plots"]}
    originals.update({name: getattr(gradients, name) for name in FIGURES["gradients"]})
    if args.lab:  # first, as the report draws the lab's figures before its sweeps'
        time_lab(times, lab_options, args.repeat)
    # figures.py calls plots.NAME: give it a namespace of the same functions, these timed
    figures.plots = types.SimpleNamespace(**vars(plots))
    for name in FIGURES["plots"]:
        setattr(figures.plots, name, timed(originals[name], name, times))
    for name in FIGURES["gradients"]:
        setattr(gradients, name, timed(originals[name], name, times))
    with tempfile.TemporaryDirectory() as scratch:
        copy = os.path.join(scratch, "report")
        shutil.copytree(args.folder, copy)
        folders = sweep_folders(copy)
        if not folders:
            sys.exit(f"error: {args.folder!r} holds no sweep (no sweep.json below it)")
        for _ in range(args.repeat):
            for folder in folders:
                write_sweep_outputs(read_spec(folder), folder, list(read_results(folder).values()))
    every = [t for ts in times.values() for t in ts]
    print(f"{'figure':22s} {'count':>5s} {'median CPU s':>13s} {'total CPU s':>12s}")
    for name, ts in sorted(times.items()) + [("all figures", every)]:
        print(f"{name:22s} {len(ts):5d} {statistics.median(ts):13.3f} {sum(ts):12.2f}")


if __name__ == "__main__":
    main()
