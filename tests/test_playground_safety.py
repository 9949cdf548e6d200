"""The playground's server against requests from outside its page: another site's page, a
DNS-rebinding host name, bodies built to break the parser, clients that hang up; and the
command's start-up line and exit status, as a script sees them.

Every server here listens on 127.0.0.1 on a free port and is stopped by its test.
"""

import os
import pathlib
import re
import signal
import socket
import subprocess
import sys
import time

import pytest

from test_playground import new_session, page_headers, request, serving


@pytest.fixture
def server():
    with serving() as srv:
        yield srv


def test_a_host_name_other_than_the_servers_own_is_refused(server):
    port = server.server_address[1]
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{port + 1}", f"localhost.evil.example:{port}", ""):
        status, data = request(server, "GET", "/api/options", headers={"Host": host})
        assert status == 403 and "answers requests for" in data["error"], host
        status, data = request(server, "POST", "/api/sessions", {"settings": {}}, headers={"Host": host}, page=False)
        assert status == 403, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        assert request(server, "GET", "/api/options", headers={"Host": host})[0] == 200, host
    assert len(server.sessions) == 0


def test_a_post_from_another_origin_or_without_the_pages_token_changes_nothing(server):
    key = new_session(server)
    own = page_headers(server)
    outside = [
        {"Origin": "http://evil.example", "Content-Type": "text/plain"},  # a form or fetch on another site
        {"Origin": "http://evil.example", "X-Playground-Token": own["X-Playground-Token"]},
        {"Origin": "null", "X-Playground-Token": own["X-Playground-Token"]},  # a sandboxed frame
        {"X-Playground-Token": own["X-Playground-Token"]},  # neither Origin nor Referer
        {"Referer": "http://evil.example/page", "X-Playground-Token": own["X-Playground-Token"]},
        {"Referer": own["Origin"] + ".evil.example/", "X-Playground-Token": own["X-Playground-Token"]},
        {"Origin": own["Origin"]},  # the right origin without a token
        {"Origin": own["Origin"], "X-Playground-Token": "guessed"},
    ]
    for headers in outside:
        for path, body in (("/api/sessions", {"settings": {}}), (f"/api/sessions/{key}/control", {"action": "play"}),
                           (f"/api/sessions/{key}/close", "")):
            status, data = request(server, "POST", path, body, headers=headers, page=False)
            assert status == 403 and ("must come from" in data["error"] or "Token" in data["error"]), (headers, data)
    assert len(server.sessions) == 1 and not server.sessions.get(key).playing


def test_a_post_with_the_referer_of_the_page_and_its_token_is_accepted(server):
    key = new_session(server)
    token = page_headers(server)["X-Playground-Token"]
    conn = socket.create_connection(server.server_address[:2], timeout=5)
    body = b'{"action": "play"}'
    conn.sendall(f"POST /api/sessions/{key}/control HTTP/1.1\r\nHost: 127.0.0.1:{server.server_address[1]}\r\n"
                 f"Referer: {server.url}?dataset=xor\r\nX-Playground-Token: {token}\r\n"
                 f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    answer = b"".join(iter(lambda: conn.recv(4096), b""))
    conn.close()
    assert answer.startswith(b"HTTP/1.1 200") and server.sessions.get(key).playing


def test_no_other_page_may_frame_the_playground(server):
    conn = socket.create_connection(server.server_address[:2], timeout=5)
    conn.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.server_address[1]}\r\nConnection: close\r\n\r\n".encode())
    head = b"".join(iter(lambda: conn.recv(4096), b"")).split(b"\r\n\r\n")[0].decode().lower()
    conn.close()
    assert "x-frame-options: deny" in head and "frame-ancestors 'none'" in head


def test_each_page_gets_its_own_token(server):
    assert page_headers(server)["X-Playground-Token"] != page_headers(server)["X-Playground-Token"]


@pytest.mark.parametrize("body", ["[" * 60_000, "[" * 30_000 + "]" * 30_000, '{"settings": ' * 4_000 + "{}" + "}" * 4_000,
                                  '{"settings": {"x": "' + "[" * 20_000 + '"}}'])
def test_deeply_nested_json_is_a_clean_400(server, body, capfd):
    status, data = request(server, "POST", "/api/sessions", body)
    assert status == 400 and ("deeper than" in data["error"] or "unknown settings ['x']" in data["error"]), data
    key = new_session(server)
    status, data = request(server, "POST", f"/api/sessions/{key}/settings", body)
    assert status == 400, data
    assert "Traceback" not in capfd.readouterr().err


def hang_up_mid_body(address):
    """Send a POST that promises 1000 bytes, send 10, and close the connection."""
    conn = socket.create_connection(address, timeout=5)
    conn.sendall(f"POST /api/sessions HTTP/1.1\r\nHost: {address[0]}:{address[1]}\r\n"
                 "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"settings\"".encode())
    conn.close()


def test_a_client_that_hangs_up_is_let_go_quietly(server, capfd):
    for _ in range(3):
        hang_up_mid_body(server.server_address[:2])
    conn = socket.create_connection(server.server_address[:2], timeout=5)
    conn.sendall(b"GET /api/options HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # and one that stops mid-headers
    conn.close()
    time.sleep(0.3)
    assert request(server, "GET", "/api/options")[0] == 200
    err = capfd.readouterr().err
    assert "Traceback" not in err and "BrokenPipe" not in err and "ConnectionReset" not in err, err


@pytest.mark.slow
def test_the_command_prints_its_address_at_once_and_exits_143_on_sigterm(tmp_path):
    """``backproplab playground --no-browser > log``: the log names the port while it runs; outside
    requests are refused without a traceback; SIGTERM ends it with status 143, as other commands."""
    log, err = tmp_path / "log", tmp_path / "err"
    env = {**os.environ, "PYTHONPATH": str(pathlib.Path(__file__).resolve().parents[1] / "src")}
    with open(log, "wb") as out, open(err, "wb") as errors:
        process = subprocess.Popen([sys.executable, "-m", "backproplab", "playground", "--no-browser"],
                                   stdout=out, stderr=errors, env=env)
    try:
        for _ in range(200):
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())
            if found or process.poll() is not None:
                break
            time.sleep(0.05)
        assert found, (log.read_text(), err.read_text())
        port = int(found.group(1))
        hang_up_mid_body(("127.0.0.1", port))
        conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        nested = b"[" * 60_000
        conn.sendall(f"POST /api/sessions HTTP/1.1\r\nHost: evil.example:{port}\r\nOrigin: http://evil.example\r\n"
                     f"Content-Length: {len(nested)}\r\nConnection: close\r\n\r\n".encode() + nested)
        answer = b"".join(iter(lambda: conn.recv(4096), b""))
        conn.close()
        assert answer.startswith(b"HTTP/1.1 403")
        time.sleep(0.2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 143
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "Traceback" not in err.read_text() and "terminated" in err.read_text()
