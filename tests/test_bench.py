"""The benchmark script runs and reports in the documented shape (no timing assertions).

``benchmarks/bench.py`` is a script of the source repository, not a module of
the package; it is loaded here from its path like ``python benchmarks/bench.py``
would run it. ``backproplab bench`` is the thin command that runs it.
"""

import importlib.util
import json
import os

import pytest

from backproplab import bench as bench_command
from backproplab.cli import main as cli_main

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks", "bench.py")
_spec = importlib.util.spec_from_file_location("bench_script", SCRIPT)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


@pytest.mark.slow
def test_quick_bench_of_the_small_cases_reports_every_peer(tmp_path):
    report = bench.run_bench(quick=True, threads=1, names=("xor-step", "predict"), write=lambda s: None)
    assert set(report) >= {"machine", "versions", "cases"}
    names = [c["name"] for c in report["cases"]]
    assert names == ["xor-step", "predict"]
    for case in report["cases"]:
        assert set(case) >= {"name", "unit", "median", "min", "max", "speedup"}
        assert "backproplab" in case["median"] and case["median"]["backproplab"] > 0
        for peer, ratio in case["speedup"].items():
            assert case["min"][peer] <= case["median"][peer] <= case["max"][peer] and ratio > 0
    assert "pytorch" in report["cases"][0]["speedup"]  # torch is a test dependency
    assert report["versions"]["pytorch"]
    text = bench.format_table(report)
    assert "xor-step" in text and "faster" in text and "samples/s" in text


@pytest.mark.slow
def test_bench_script_writes_json_in_a_fresh_process(tmp_path, capsys):
    path = tmp_path / "bench.json"
    assert bench.main(["--quick", "--threads", "1", "--cases", "xor-step", "--json", str(path)]) == 0
    data = json.loads(path.read_text())
    assert data["machine"]["threads"] == 1
    assert data["machine"]["blas_threads"]["OMP_NUM_THREADS"] == "1"  # set before NumPy loaded
    assert [c["name"] for c in data["cases"]] == ["xor-step"]


def test_the_quick_start_cases_time_the_command_a_user_runs():
    cases = bench.build_cases(quick=True, names=("help-start", "lab", "lab-report", "figure"))
    assert {name: unit for name, (unit, *_) in cases.items()} == {
        "help-start": "s", "lab": "s", "lab-report": "s", "figure": "CPU s/figure"}
    from backproplab import plots
    from backproplab.outputs import network_figures

    # every figure the figure case times is one the lab's writers call, where the case wraps it
    assert [name for name in bench.FIGURES if not hasattr(plots, name) and not hasattr(network_figures, name)] == []


def test_bench_rejects_unknown_cases(capsys):
    assert bench.main(["--cases", "warp-drive"]) == 2
    assert "unknown cases ['warp-drive']" in capsys.readouterr().err


def test_bench_command_runs_the_script_of_the_checkout(capfd):
    assert bench_command.source_checkout() == os.path.dirname(os.path.dirname(SCRIPT))  # pip install -e of this repo
    assert cli_main(["bench", "--cases", "warp-drive"]) == 2  # the script's own check, in a process of its own
    assert "unknown cases ['warp-drive']" in capfd.readouterr().err


def test_bench_command_outside_a_checkout_says_where_the_benchmark_is(monkeypatch, capsys):
    monkeypatch.setattr(bench_command, "source_checkout", lambda: None)
    assert cli_main(["bench", "--quick"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "ships with the source repository" in err and "benchmarks/bench.py" in err


@pytest.mark.slow
def test_the_report_names_every_blas_library_and_its_kernel(tmp_path):
    report = bench.run_bench(quick=True, threads=1, names=("xor-step",), write=lambda s: None)
    owners = {lib["owner"] for lib in report["blas"]}
    assert "numpy" in owners and "pytorch" in owners  # both peers' libraries are listed
    numpy_blas = next(lib for lib in report["blas"] if lib["owner"] == "numpy" and lib["user_api"] == "blas")
    assert numpy_blas["architecture"] and numpy_blas["threads"] >= 1
    assert "kernel " + numpy_blas["architecture"] in bench.format_table(report)


def test_a_forced_older_kernel_is_warned_about(monkeypatch):
    libraries = [{"owner": "numpy", "library": "openblas", "architecture": "Haswell"}]
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    warning = bench.kernel_warning(libraries, native="SkylakeX")
    assert "OPENBLAS_CORETYPE=Haswell" in warning and "SkylakeX" in warning and "--native-blas" in warning
    assert bench.kernel_warning(libraries, native="Haswell") == ""  # the variable changes nothing here
    monkeypatch.delenv("OPENBLAS_CORETYPE")
    assert bench.kernel_warning(libraries, native="SkylakeX") == ""  # nothing forced


def test_noisy_samples_are_flagged_and_their_ratios_marked():
    assert bench._noisy([1.0, 1.02, 1.05]) == ""
    assert bench._noisy([1.0, 1.1, 20.0]).startswith("max/min")
    assert bench._noisy([1.0, 1.3, 1.4]).startswith("median/min")
    # after a warm-up call, backproplab's runs are steady and PyTorch's spread out, every time
    series = {"backproplab": [9.0] + [1.0, 1.01, 1.02] * 2, "pytorch": [9.0] + [1.0, 1.4, 1.45] * 2}
    spec = ("s", False, 3, {impl: (lambda it=iter(values): (lambda: next(it))) for impl, values in series.items()})
    messages = []
    case = bench._run_case("demo", spec, messages.append)
    assert case["noisy"] and any("repeating" in m for m in messages)
    report = {"machine": {"cpu": "x", "cores": 2, "threads": 1, "platform": "p", "blas_threads": {}},
              "versions": {}, "cases": [case]}
    text = bench.format_table(report)
    assert "(unreliable)" in text and "too noisy for demo" in text


def test_bench_help_names_the_command_it_was_run_as(monkeypatch, capfd):
    monkeypatch.setattr(bench_command, "source_checkout", lambda: os.path.dirname(os.path.dirname(SCRIPT)))
    assert cli_main(["bench", "--help"]) == 0
    out = capfd.readouterr().out
    assert out.startswith("usage: backproplab bench ") and "benchmarks/bench.py" not in out
    assert not bench.build_parser().allow_abbrev


def test_the_layered_floor_takes_the_same_step_as_backproplab():
    """The xor-step's numpy-layers row is a floor of this very step: from the same weights, the same weights after."""
    from backproplab.data import xor_easy
    from backproplab.nn import Linear, MSELoss, Sequential, Sigmoid
    from backproplab.optim import SGD

    floor_step = bench._layers_xor_step(3)
    dense = floor_step.layers[::2]
    model = Sequential(Linear(2, 4), Sigmoid(), Linear(4, 4), Sigmoid(), Linear(4, 1), Sigmoid())
    for linear, layer in zip(model.layers[::2], dense):
        linear.weight.data[...], linear.bias.data[...] = layer.w, layer.b
    X, y = xor_easy()
    loss, optimizer = MSELoss(), SGD(model.parameters(), lr=0.5)
    for _ in range(3):
        loss.forward(model.forward(X), y)
        optimizer.zero_grad()
        model.backward(loss.backward(), input_grad=False)
        optimizer.step()
    floor_step()
    for linear, layer in zip(model.layers[::2], dense):
        assert (linear.weight.data == layer.w).all() and (linear.bias.data == layer.b).all()
        assert not (layer.w_grad == 0).all()  # it did compute gradients, and they moved the weights
