"""The benchmark harness runs and reports in the documented shape (no timing assertions)."""

import json

from backproplab.bench import format_table, main, run_bench


def test_quick_bench_of_the_small_cases_reports_every_peer(tmp_path):
    report = run_bench(quick=True, threads=1, names=("xor-step", "predict"), write=lambda s: None)
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
    text = format_table(report)
    assert "xor-step" in text and "faster" in text and "samples/s" in text


def test_bench_command_writes_json_in_a_fresh_process(tmp_path, capsys):
    path = tmp_path / "bench.json"
    assert main(["--quick", "--threads", "1", "--cases", "xor-step", "--json", str(path)]) == 0
    data = json.loads(path.read_text())
    assert data["machine"]["threads"] == 1
    assert data["machine"]["blas_threads"]["OMP_NUM_THREADS"] == "1"  # set before NumPy loaded
    assert [c["name"] for c in data["cases"]] == ["xor-step"]


def test_bench_rejects_unknown_cases(capsys):
    assert main(["--cases", "warp-drive"]) == 2
    assert "unknown cases ['warp-drive']" in capsys.readouterr().err
