"""The benchmark script runs and reports in the documented shape (no timing assertions).

``benchmarks/bench.py`` is a script of the source repository, not a module of
the package; it is loaded here from its path like ``python benchmarks/bench.py``
would run it. ``backproplab bench`` is the thin command that runs it.
"""

import importlib.util
import json
import os

from backproplab import bench as bench_command
from backproplab.cli import main as cli_main

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks", "bench.py")
_spec = importlib.util.spec_from_file_location("bench_script", SCRIPT)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


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


def test_bench_script_writes_json_in_a_fresh_process(tmp_path, capsys):
    path = tmp_path / "bench.json"
    assert bench.main(["--quick", "--threads", "1", "--cases", "xor-step", "--json", str(path)]) == 0
    data = json.loads(path.read_text())
    assert data["machine"]["threads"] == 1
    assert data["machine"]["blas_threads"]["OMP_NUM_THREADS"] == "1"  # set before NumPy loaded
    assert [c["name"] for c in data["cases"]] == ["xor-step"]


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
