"""Downloads against a local HTTP server on 127.0.0.1: good, corrupted and interrupted files."""

import hashlib
import http.server
import io
import os
import threading

import pytest

from backproplab import ConfigError
from backproplab.data import images
from backproplab.data.download import DownloadError, download

PAYLOAD = os.urandom(200_000)
SHA = hashlib.sha256(PAYLOAD).hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    """/good/<name>: the payload; /corrupt/<name>: other bytes; /cut/<name>: half, then the connection drops."""

    def do_GET(self):
        kind = self.path.split("/")[1]
        if kind not in ("good", "corrupt", "cut"):
            self.send_error(404)
            return
        body = PAYLOAD if kind != "corrupt" else PAYLOAD[::-1]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if kind == "cut" else body)
        if kind == "cut":
            self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_good_file_is_kept_with_a_progress_bar(server, tmp_path):
    stream = io.StringIO()
    path = download(f"{server}/good/f.gz", tmp_path / "f.gz", SHA, stream=stream)
    with open(path, "rb") as f:
        assert f.read() == PAYLOAD
    assert os.listdir(tmp_path) == ["f.gz"]
    assert "downloading f.gz" in stream.getvalue() and "200000/200000" in stream.getvalue()


@pytest.mark.parametrize("kind, message", [
    ("corrupt", "is not the expected file"),
    ("cut", "was interrupted after"),
    ("missing", "answered HTTP 404"),
])
def test_bad_downloads_leave_nothing_behind(server, tmp_path, kind, message):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(DownloadError, match=message) as err:
        download(f"{server}/{kind}/f.gz", tmp_path / "f.gz", SHA, stream=io.StringIO())
    assert "\n" not in str(err.value)
    assert sorted(os.listdir(tmp_path)) == ["keep.txt"]


def test_unreachable_server(tmp_path):
    with pytest.raises(DownloadError, match="cannot reach"):
        download("http://127.0.0.1:9/f.gz", tmp_path / "f.gz", SHA, timeout=2, stream=io.StringIO())
    assert os.listdir(tmp_path) == []


def _fake_set(monkeypatch):
    """A data set of one file whose checksum is the payload's."""
    fake = images.ImageSet("fake", {"train images": ("f.gz", SHA)}, ("http://unused/",), ("0", "1"))
    monkeypatch.setitem(images.IMAGE_SETS, "fake", fake)


def test_locate_tries_mirrors_in_order_and_fills_the_cache(server, tmp_path, monkeypatch):
    _fake_set(monkeypatch)
    monkeypatch.setenv(images.ENV_VAR, str(tmp_path))
    paths = images.locate("fake", mirrors=[f"{server}/cut/", f"{server}/corrupt/", f"{server}/good/"],
                          stream=io.StringIO())
    assert paths["train images"] == os.path.join(str(tmp_path), "fake", "f.gz")
    assert os.listdir(tmp_path / "fake") == ["f.gz"]


def test_every_mirror_failing_says_where_to_put_the_file(server, tmp_path, monkeypatch):
    _fake_set(monkeypatch)
    monkeypatch.setenv(images.ENV_VAR, str(tmp_path))
    with pytest.raises(DownloadError, match="if this machine is offline, put the file there by hand") as err:
        images.locate("fake", mirrors=[f"{server}/cut/", f"{server}/corrupt/"], stream=io.StringIO())
    assert "interrupted" in str(err.value) and "not the expected file" in str(err.value)
    assert os.listdir(tmp_path / "fake") == []


def test_no_download_names_the_folder_and_the_source(tmp_path, monkeypatch):
    _fake_set(monkeypatch)
    monkeypatch.setenv(images.ENV_VAR, str(tmp_path))
    with pytest.raises(ConfigError, match=r"f.gz is not in .*fake and downloading is off; put the four files "
                                          r"from http://unused/ there \(or name their folder: --data-dir FOLDER on the command line, "
                                          r"data_dir=FOLDER in Python\)"):
        images.locate("fake", download_missing=False)


def test_data_dir_takes_the_folder_or_its_parent(tmp_path, monkeypatch):
    _fake_set(monkeypatch)
    (tmp_path / "fake").mkdir()
    (tmp_path / "fake" / "f").write_bytes(b"")  # an already gunzipped copy counts too
    for folder in (tmp_path, tmp_path / "fake"):
        assert images.locate("fake", data_dir=str(folder), download_missing=False)["train images"].endswith("f")
    with pytest.raises(ConfigError, match="is not a folder"):
        images.locate("fake", data_dir=str(tmp_path / "nowhere"))


def test_the_default_cache_follows_the_platform_convention(monkeypatch, tmp_path):
    monkeypatch.delenv(images.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(images.sys, "platform", "linux")
    assert images.cache_dir() == os.path.join(str(tmp_path), "backproplab")
