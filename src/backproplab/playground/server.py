"""The playground's web server: the page, a JSON API per session and a stream of frames.

Standard library only (``http.server.ThreadingHTTPServer``). Routes:

- ``GET /`` and ``GET /static/<file>``: the page, from the package's ``static`` folder;
- ``GET /api/options``: the choices, defaults and limits, and the half-width of the square the map covers;
- ``POST /api/sessions``: a new session from settings, returns its id;
- ``POST /api/sessions/<id>/<settings|control|inspect|weight|hover|view|upload|alive|close>``;
- ``GET /api/sessions/<id>/frame?since=&version=&generation=``: the page's next frame, after the
  training that comes before it while playing (``pacing``); a hidden or closed tab asks for none,
  so its training stops. Each request is short, so any number of tabs share a browser's 6
  connections per host. A page says ``alive`` now and then; a session its page has not asked
  anything of for a while is freed (``sessions``);
- ``GET /api/sessions/<id>/model.npz``: the trained network for ``backproplab predict``;
- ``GET /api/sessions/<id>/train.py``: a script that builds and trains the same network.

Every request is checked: its Host must be the server's own address, a POST must come from the
page the server served, with that page's token (``guard``); bodies are capped, JSON is bounded in
depth and must be an object of known fields, and any error becomes a 4xx reply with a one-line
message; a client that hangs up is let go without a word. Nothing a client sends stops the server.
"""

import json
import os
import sys
import tempfile
import traceback
import urllib.parse
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources

from ..errors import BackproplabError, ConfigError
from ..run.threads import blas_threads
from ..validation import check_int, check_number
from .datasets import SQUARE, dataset_names, is_regression, takes_classes
from .guard import Guard, parse_json
from .previews import dataset_previews, feature_maps
from .script import python_script
from .sessions import HTTPError, Sessions
from .settings import DEFAULTS, MAX_UPLOAD_BYTES, choices, limits
from .pacing import next_frame, readable, train_ahead

MAX_JSON_BYTES = 64 * 1024
STATIC = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "views.js": "text/javascript; charset=utf-8", "network.js": "text/javascript; charset=utf-8",
          "style.css": "text/css; charset=utf-8"}


class PlaygroundServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, log=None):
        super().__init__(address, Handler)
        self.sessions = Sessions()
        self.log = log
        self.guard = Guard(*self.server_address[:2])
        self.previews, self.feature_maps = dataset_previews(), feature_maps()  # the same for every page

    @property
    def url(self):
        host, port = self.server_address[:2]
        return f"http://{'[' + host + ']' if ':' in host else host}:{port}/"

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the client hung up: nothing to tell anyone
        super().handle_error(request, client_address)

    def shutdown(self):
        self.sessions.close_all()
        super().shutdown()


def _static(name):
    return resources.files(__package__).joinpath("static", name).read_bytes()


class Handler(BaseHTTPRequestHandler):
    server_version = "backproplab-playground"
    protocol_version = "HTTP/1.1"
    timeout = 30  # a client that sends nothing for this long is dropped
    disable_nagle_algorithm = True  # a reply's last bytes go at once, not after the client's delayed ACK (~40 ms)
    after_reply = None  # work a route leaves for after its answer is sent: training ahead of the next frame

    def log_message(self, format, *args):
        if self.server.log:
            self.server.log(format % args)

    # --- replies ------------------------------------------------------------------
    def _reply(self, status, body, content_type="application/json; charset=utf-8", headers=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")  # no other page may frame it and steer a student's clicks
        self.send_header("Content-Security-Policy", "frame-ancestors 'none'")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status, message):
        self.close_connection = True
        try:
            self._reply(status, {"error": message})
        except (ConnectionError, TimeoutError):
            pass  # the client hung up before its answer

    def _dispatch(self, routes):
        try:
            path = self.path.split("?", 1)[0]
            parts = [p for p in path.split("/") if p]
            host = self.server.guard.check_host(self.headers)
            if self.command == "POST":
                self.server.guard.check_page(self.headers, host)
            self.after_reply = None
            with self.server.sessions.answering():
                routes(parts)
            if self.after_reply:
                self.after_reply()
        except HTTPError as e:
            self._error(e.status, str(e))
        except (BackproplabError, ValueError, TypeError, KeyError, IndexError) as e:
            self._error(HTTPStatus.BAD_REQUEST, str(e) or type(e).__name__)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:  # never let one request take the server down; say what broke
            traceback.print_exc()
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error; see the server's output")

    def do_GET(self):
        self._dispatch(self._get)

    def do_HEAD(self):
        self._dispatch(self._get)

    def do_POST(self):
        self._dispatch(self._post)

    def _refuse(self):
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, f"{self.command} is not supported; use GET or POST")

    def _refuse_method(self):
        self._dispatch(lambda parts: self._refuse())

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse_method

    # --- reading requests ---------------------------------------------------------
    def _body(self, limit):
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            raise HTTPError(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length, not chunked")
        try:
            length = int(length)
        except (TypeError, ValueError):
            raise HTTPError(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length header") from None
        if length < 0 or length > limit:
            raise HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                            f"the body has {length} bytes; the limit here is {limit}")
        body = self.rfile.read(length)
        if len(body) < length:
            raise HTTPError(HTTPStatus.BAD_REQUEST, f"the body ended after {len(body)} of its {length} bytes")
        return body

    def _json(self, fields):
        """The body as a JSON object whose keys are all in ``fields``."""
        data = parse_json(self._body(MAX_JSON_BYTES))
        if not isinstance(data, dict):
            raise HTTPError(HTTPStatus.BAD_REQUEST, f"the body must be a JSON object, got {type(data).__name__}")
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise HTTPError(HTTPStatus.BAD_REQUEST, f"unknown fields {unknown}; known: {sorted(fields)}")
        return data

    # --- routes -------------------------------------------------------------------
    def _get(self, parts):
        if not parts:  # the page, with a token of its own for its requests
            page = _static("index.html").replace(b'content="TOKEN"', f'content="{self.server.guard.new_token()}"'.encode())
            return self._reply(HTTPStatus.OK, page, STATIC["index.html"])
        if len(parts) == 2 and parts[0] == "static" and parts[1] in STATIC:
            return self._reply(HTTPStatus.OK, _static(parts[1]), STATIC[parts[1]])
        if parts == ["api", "options"]:
            return self._reply(HTTPStatus.OK, {"choices": choices(), "defaults": DEFAULTS, "limits": limits(),
                                               "takes_classes": [n for n in dataset_names() if takes_classes(n)],
                                               "regression_sets": [n for n in dataset_names() if is_regression(n)],
                                               "square": SQUARE, "previews": self.server.previews,
                                               "feature_maps": self.server.feature_maps})
        if len(parts) == 4 and parts[:2] == ["api", "sessions"]:
            if parts[3] == "frame":
                return self._frame(parts[2])
            if parts[3] == "model.npz":
                return self._export(parts[2])
            if parts[3] == "train.py":
                session = self.server.sessions.get(parts[2])
                with session.turn():
                    text = python_script(session)
                return self._reply(HTTPStatus.OK, text.encode("utf-8"), "text/x-python; charset=utf-8",
                                   [("Content-Disposition", 'attachment; filename="train.py"')])
        raise HTTPError(HTTPStatus.NOT_FOUND, f"nothing at {self.path[:200]!r}")

    def _post(self, parts):
        sessions = self.server.sessions
        if parts == ["api", "sessions"]:
            data = self._json({"settings"})
            key, session = sessions.create(data.get("settings", {}))
            with session.lock:
                return self._reply(HTTPStatus.CREATED, {"id": key, "settings": session.settings})
        if len(parts) != 4 or parts[:2] != ["api", "sessions"]:
            raise HTTPError(HTTPStatus.NOT_FOUND, f"nothing at {self.path[:200]!r}")
        key, action = parts[2], parts[3]
        if action == "close":
            self._body(MAX_JSON_BYTES)
            sessions.close(key)
            return self._reply(HTTPStatus.OK, {"closed": key})
        if action == "alive":  # a page that asks for no frames (paused, or hidden) keeps its session
            self._body(MAX_JSON_BYTES)
            sessions.get(key)
            return self._reply(HTTPStatus.OK, {"alive": key})
        session = sessions.get(key)
        handlers = {"settings": self._settings, "control": self._control, "inspect": self._inspect,
                    "weight": self._weight, "upload": self._upload, "hover": self._hover,
                    "view": self._view}
        if action not in handlers:
            raise HTTPError(HTTPStatus.NOT_FOUND, f"unknown action {action!r}; known: {sorted(handlers)}")
        request = self._body(MAX_UPLOAD_BYTES) if action == "upload" else self._json(
            {"settings": ("settings",), "control": ("action",), "inspect": ("layer", "neuron", "point", "from"),
             "weight": ("layer", "to", "from", "value"), "hover": ("layer", "neuron"),
             "view": ("gradients",)}[action])
        with session.turn():
            handlers[action](session, request)
            return self._reply(HTTPStatus.OK, {"settings": session.settings, "epoch": session.epoch})

    def _settings(self, session, data):
        session.apply(data.get("settings", {}))

    def _control(self, session, data):
        session.control(data.get("action"))

    def _inspect(self, session, data):
        source = data.get("from")  # a weight: the input it comes from; none for the neuron itself
        session.set_inspect(*(check_int(name, data.get(name), 0) for name in ("layer", "neuron", "point")),
                            None if source is None else check_int("from", source, 0))

    def _hover(self, session, data):
        session.set_hover(*(None if data.get(name) is None else check_int(name, data[name], 0)
                            for name in ("layer", "neuron")))

    def _view(self, session, data):
        if not isinstance(data.get("gradients"), bool):
            raise HTTPError(HTTPStatus.BAD_REQUEST, f"gradients must be true or false, got {data.get('gradients')!r}")
        session.show_gradients = data["gradients"]

    def _weight(self, session, data):
        session.set_weight(check_int("layer", data.get("layer"), 0), check_int("to", data.get("to"), 0),
                           check_int("from", data.get("from"), -1), check_number("value", data.get("value"), -100, 100))

    def _upload(self, session, body):
        session.upload(body)

    def _export(self, key):
        session = self.server.sessions.get(key)
        fd, path = tempfile.mkstemp(prefix="playground-", suffix=".npz")
        os.close(fd)
        try:
            with session.lock:
                session.export(path)
            with open(path, "rb") as f:
                body = f.read()
        finally:
            os.unlink(path)
        self._reply(HTTPStatus.OK, body, "application/octet-stream",
                    [("Content-Disposition", 'attachment; filename="model.npz"')])

    def _frame(self, key):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)

        def number(name):  # what the page has: -1 for nothing yet
            text = (query.get(name) or ["-1"])[0]
            if not text.lstrip("-").isdigit():
                raise HTTPError(HTTPStatus.BAD_REQUEST, f"{name} must be a whole number, got {text[:50]!r}")
            return check_int(name, int(text), -1)

        sessions = self.server.sessions
        text, session = next_frame(sessions, key, number("since"), number("version"), number("generation"))
        self._reply(HTTPStatus.OK, text.encode("utf-8"))
        # then, no longer counted as being answered, train until this connection's next request
        self.after_reply = lambda: train_ahead(sessions, key, session, lambda: readable(self.connection))


LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def make_server(host="127.0.0.1", port=0, log=None):
    """A PlaygroundServer bound to ``host``:``port`` (0: a free port); call ``serve_forever``."""
    return PlaygroundServer((host, port), log)


def serve(host="127.0.0.1", port=0, open_browser=True, write=print):
    """Run the playground until Ctrl-C or SIGTERM: print its address (and a warning off 127.0.0.1), open a browser."""
    check_int("--port", port, 0, 65535)
    try:
        server = make_server(host, port)
    except OSError as e:
        raise ConfigError(f"cannot listen on {host}:{port}: {e.strerror or e}; choose another --port") from None
    if host not in LOCAL_HOSTS:
        write(f"warning: listening on {host}, so other machines can reach this playground and run "
              "training on this computer; use the default 127.0.0.1 unless you mean that")
    write(f"backproplab playground at {server.url}  (Ctrl-C to stop)")
    sys.stdout.flush()  # a script reading the output learns the port now, not when the buffer fills
    if open_browser:
        webbrowser.open(server.url)
    # A waiting request gets the interpreter within 1 ms of a training thread, not 5: frames stay smooth
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(0.001)
    try:  # Ctrl-C or SIGTERM ends it here and goes on up, so the command exits 130 or 143
        with blas_threads(1):  # its products are small: BLAS threads would only wait for each other
            server.serve_forever(poll_interval=0.2)
    finally:
        sys.setswitchinterval(switch_interval)
        server.sessions.close_all()
        server.server_close()
    return 0
