"""Sweeps on a Dask cluster: a real scheduler and two workers, started here on 127.0.0.1 and stopped here.

The cluster's results equal a local sweep's (runs are deterministic for their
seed), its models come back to the driver, a worker killed mid-sweep loses
nothing, and --resume works the same; a bad or silent scheduler address is one line.
"""

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from backproplab.cli import main
from backproplab.experiments import SweepSpec, read_results, run_sweep
from backproplab.model_file import load_model

# One process runs the file, so its costly set-up (session-scoped: kept while other files' tests
# run in between) is built once.
pytestmark = pytest.mark.xdist_group("test_dask_sweep")

HAS_DISTRIBUTED = importlib.util.find_spec("distributed") is not None
needs_dask = pytest.mark.skipif(not HAS_DISTRIBUTED,
                                reason="Dask distributed is not installed (pip install 'backproplab[dask]')")
TIMING = ("seconds", "seconds_to_target")
START_SECONDS = 30  # for the scheduler and the workers to come up
LIFE_SECONDS = 180  # the cluster is stopped after this long whatever happens, so a hung test fails rather than waits
SPEC = SweepSpec(base={"dataset": "xor", "epochs": 200}, vary={"lr": [0.03, 0.1], "hidden": ["2", "4"]}, seeds=1)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(process):
    """Terminate, then kill if it has not gone within a few seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


class Cluster:
    """A dask scheduler and two workers (one thread each, no nanny: killing a worker's process kills the worker)."""

    def __init__(self, tmp):
        self.address = f"tcp://127.0.0.1:{_free_port()}"
        self.processes, self.workers = [], {}
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.log = open(tmp / "cluster.log", "w")
        self.watchdog = threading.Timer(LIFE_SECONDS, self.stop)
        self.watchdog.daemon = True
        self.watchdog.start()
        try:
            self._start([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                         "--port", self.address.rsplit(":", 1)[1], "--no-dashboard"], env)
            for name in ("w0", "w1"):
                self.workers[name] = self._start(
                    [sys.executable, "-m", "distributed.cli.dask_worker", self.address, "--host", "127.0.0.1",
                     "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", name,
                     "--death-timeout", str(START_SECONDS)], env)
        except BaseException:
            self.stop()
            raise

    def _start(self, argv, env):
        process = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.processes.append(process)
        return process

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=START_SECONDS)

    def stop(self):
        self.watchdog.cancel()
        for process in reversed(self.processes):  # workers first: they wait for a scheduler that is gone
            _stop(process)
        self.log.close()


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    if not HAS_DISTRIBUTED:
        pytest.skip("Dask distributed is not installed (pip install 'backproplab[dask]')")
    cluster = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        with cluster.client() as client:
            client.wait_for_workers(2, timeout=START_SECONDS)
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def local_results(tmp_path_factory):
    """The same sweep on this machine's processes: what the cluster must reproduce."""
    folder = tmp_path_factory.mktemp("local")
    run_sweep(SPEC, folder, workers=1, write=lambda s: None)
    return folder


def _comparable(folder):
    return {k: {f: v for f, v in r.items() if f not in TIMING} for k, r in sorted(read_results(folder).items())}


def _same_models(a, b):
    names = sorted(os.listdir(a / "models"))
    assert names == sorted(os.listdir(b / "models")) and len(names) == len(SPEC.runs())
    for name in names:
        (left, left_metadata), (right, right_metadata) = load_model(a / "models" / name), load_model(b / "models" / name)
        assert left_metadata == right_metadata
        for (n, p), (_, q) in zip(left.named_parameters(), right.named_parameters(), strict=True):
            assert np.array_equal(p.data, q.data), (name, n)


@pytest.mark.slow
@needs_dask
def test_a_cluster_sweep_equals_a_local_one_models_included(cluster, local_results, tmp_path):
    folder = tmp_path / "dask"
    run_sweep(SPEC, folder, scheduler=cluster.address, write=lambda s: None)
    assert _comparable(folder) == _comparable(local_results)
    _same_models(folder, local_results)  # sent back by the workers and written here


@pytest.mark.slow
@needs_dask
def test_resume_on_a_cluster_finishes_a_sweep(cluster, local_results, tmp_path, capsys):
    folder = tmp_path / "dask"
    run_sweep(SPEC, folder, scheduler=cluster.address, write=lambda s: None)
    lines = (folder / "results.jsonl").read_text().splitlines(keepends=True)
    (folder / "results.jsonl").write_text("".join(lines[:2]))  # as if stopped after two runs
    assert main(["sweep", "--resume", str(folder), "--scheduler", cluster.address]) == 0
    assert "2 already done, 2 to run" in capsys.readouterr().out
    assert _comparable(folder) == _comparable(local_results)


@pytest.mark.slow
@needs_dask
def test_a_worker_killed_mid_sweep_loses_nothing(cluster, tmp_path):
    folder = tmp_path / "dask"
    killed, sweep_over = [], threading.Event()

    def kill_a_busy_worker(client):  # once the sweep has started, kill a worker that is running a run
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and not killed and not sweep_over.is_set():
            names = {a: w["name"] for a, w in client.scheduler_info()["workers"].items()}
            busy = [names[a] for a, keys in client.processing().items() if keys and a in names]
            if busy and (folder / "results.jsonl").exists():
                cluster.workers[busy[0]].send_signal(signal.SIGKILL)
                killed.append((busy[0], len(read_results(folder))))
            time.sleep(0.02)

    argv = ["sweep", "--dataset", "xor", "--epochs", "1000", "--vary", "lr=0.03,0.1", "--vary", "hidden=2,4",
            "--seeds", "2", "--scheduler", cluster.address, "--out", str(folder)]
    with cluster.client() as client:
        killer = threading.Thread(target=kill_a_busy_worker, args=(client,))
        killer.start()
        try:
            assert main(argv) == 0
        finally:
            sweep_over.set()
            killer.join()
    assert killed, "no worker was seen running a run"
    name, finished_before = killed[0]
    assert cluster.workers[name].wait(timeout=5) == -signal.SIGKILL and finished_before < 8
    results = read_results(folder)
    assert len(results) == 8 and len((folder / "results.jsonl").read_text().splitlines()) == 8
    reference = tmp_path / "local"
    assert main([*argv[:-4], "--workers", "1", "--out", str(reference)]) == 0
    assert _comparable(folder) == _comparable(reference)


@pytest.mark.slow
@needs_dask
def test_a_client_passed_from_python_runs_the_sweep_and_stays_open(cluster, local_results, tmp_path):
    with cluster.client() as client:
        run_sweep(SPEC, tmp_path / "by-client", scheduler=client, write=lambda s: None)
        assert client.status == "running"  # the caller's client: the sweep leaves it open
    assert _comparable(tmp_path / "by-client") == _comparable(local_results)


@pytest.mark.slow
@needs_dask
def test_a_scheduler_file_and_the_environment_reach_the_cluster(cluster, local_results, tmp_path, monkeypatch):
    file = tmp_path / "scheduler.json"
    file.write_text(f'{{"address": "{cluster.address}"}}')
    run_sweep(SPEC, tmp_path / "by-file", scheduler_file=file, write=lambda s: None)
    assert _comparable(tmp_path / "by-file") == _comparable(local_results)
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster.address)
    lines = []
    run_sweep(SPEC, tmp_path / "by-environment", write=lines.append)
    assert lines[0] == f"sweep: on the Dask scheduler at {cluster.address} ($DASK_SCHEDULER_ADDRESS)"
    assert _comparable(tmp_path / "by-environment") == _comparable(local_results)


@pytest.mark.slow
@needs_dask
def test_a_local_cluster_sweep_equals_a_local_one(local_results, tmp_path):
    folder = tmp_path / "local-cluster"
    run_sweep(SPEC, folder, workers=1, scheduler="local", write=lambda s: None)  # one worker process: quick to start
    assert _comparable(folder) == _comparable(local_results)


@needs_dask
@pytest.mark.parametrize("address, message", [
    ("127.0.0.1:8786", "is not a scheduler address; give tcp://HOST:PORT or tls://HOST:PORT"),
    ("tcp://127.0.0.1", "is not a scheduler address"),
    ("tcp://127.0.0.1:port", "is not a scheduler address"),
    ("http://127.0.0.1:8786", "is not a scheduler address"),
    ("tcp://127.0.0.1:{free}", "no scheduler answers there"),
])
def test_a_bad_or_silent_scheduler_is_one_line_and_writes_nothing(address, message, tmp_path, capsys):
    address = address.format(free=_free_port())
    out = tmp_path / "sweep"
    started = time.monotonic()
    code = main(["sweep", "--vary", "lr=0.1,0.5", "--seeds", "1", "--epochs", "5", "--scheduler", address,
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and time.monotonic() - started < 15
    assert err.count("\n") == 1 and f"--scheduler {address!r}" in err and message in err, err
    assert not out.exists()


def test_without_dask_a_scheduler_says_what_to_install(monkeypatch, tmp_path, capsys):
    from backproplab.experiments import executors

    monkeypatch.setattr(executors.importlib.util, "find_spec", lambda name: None)
    assert main(["sweep", "--vary", "lr=0.1,0.5", "--scheduler", "local", "--out", str(tmp_path / "s")]) == 2
    assert "pip install 'backproplab[dask]'" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


@pytest.mark.slow
@needs_dask
def test_workers_are_the_clusters_own(tmp_path, capsys):
    argv = ["sweep", "--vary", "lr=0.1,0.5", "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"]
    assert main([*argv, "--out", str(tmp_path / "s")]) == 2
    assert "runs on that cluster's workers; drop --workers" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()
