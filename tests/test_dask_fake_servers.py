"""Scheduler addresses that are not Dask schedulers: servers on 127.0.0.1, started and stopped here, that take
the connection and never answer, answer garbage, or answer as a web server. Each ends in one line within
about 30 s and leaves no sweep folder; so do a bad scheduler file and $DASK_SCHEDULER_ADDRESS."""

import importlib.util
import socket
import threading
import time

import pytest

from backproplab.cli import main
from backproplab.errors import ConfigError
from backproplab.experiments import SweepSpec, run_sweep
from backproplab.experiments.executors import PROBE_SECONDS

pytestmark = [pytest.mark.slow, pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                                   reason="Dask distributed is not installed")]
BOUND_SECONDS = 30
REPLIES = {
    "silent": None,  # takes the connection, reads, never writes
    "garbage": b"\xff" * 64,  # a frame header promising exbibytes
    "http": b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
}


class FakeServer:
    """Listens on 127.0.0.1; to every connection it sends ``reply`` (None: nothing) and holds it open."""

    def __init__(self, reply):
        self.reply, self.connections = reply, []
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.address = f"tcp://127.0.0.1:{self.socket.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:  # closed by stop()
                return
            self.connections.append(connection)
            if self.reply is not None:
                connection.sendall(self.reply)

    def stop(self):
        self.socket.close()
        for connection in self.connections:
            connection.close()
        self.thread.join(timeout=5)


@pytest.fixture(params=sorted(REPLIES))
def server(request):
    fake = FakeServer(REPLIES[request.param])
    yield fake
    fake.stop()


def _sweep(argv, out, capsys):
    started = time.monotonic()
    code = main(["sweep", "--vary", "lr=0.1,0.5", "--seeds", "1", "--epochs", "5", *argv, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and time.monotonic() - started < BOUND_SECONDS
    assert err.count("\n") == 1, err
    assert not out.exists()
    return err


def test_a_server_that_is_not_a_scheduler_is_one_line_and_writes_nothing(server, tmp_path, capsys):
    err = _sweep(["--scheduler", server.address], tmp_path / "sweep", capsys)
    assert f"--scheduler {server.address!r}: something" in err and "not answer as a Dask scheduler" in err \
        or "but not as a Dask scheduler" in err, err


def test_a_scheduler_file_names_the_address_it_holds(server, tmp_path, capsys):
    file = tmp_path / "scheduler.json"
    file.write_text(f'{{"type": "Scheduler", "address": "{server.address}"}}')
    assert f"--scheduler {server.address!r}" in _sweep(["--scheduler-file", str(file)], tmp_path / "sweep", capsys)


@pytest.mark.parametrize("content, message", [(None, "cannot read it"), ("{not json", "holds no scheduler address"),
                                              ('{"id": 1}', "holds no scheduler address")])
def test_a_bad_scheduler_file_is_one_line(content, message, tmp_path, capsys):
    file = tmp_path / "scheduler.json"
    if content is not None:
        file.write_text(content)
    err = _sweep(["--scheduler-file", str(file)], tmp_path / "sweep", capsys)
    assert f"--scheduler-file {str(file)!r}" in err and message in err, err


def test_dask_scheduler_address_in_the_environment_is_asked_too(monkeypatch, tmp_path):
    silent = FakeServer(None)
    try:
        monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", silent.address)
        started = time.monotonic()
        with pytest.raises(ConfigError, match=f"within {PROBE_SECONDS} s") as info:
            run_sweep(SweepSpec(base={"epochs": 5}, vary={"lr": [0.1]}, seeds=1), tmp_path / "sweep", write=print)
        assert time.monotonic() - started < BOUND_SECONDS and "\n" not in str(info.value)
        assert not (tmp_path / "sweep").exists()
    finally:
        silent.stop()


def test_tls_is_an_address_and_asks_for_certificates(tmp_path, capsys):
    server = FakeServer(None)
    try:
        address = server.address.replace("tcp://", "tls://")
        err = _sweep(["--scheduler", address], tmp_path / "sweep", capsys)
        assert f"--scheduler {address!r} needs TLS certificates" in err, err
    finally:
        server.stop()
