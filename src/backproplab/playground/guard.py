"""What keeps other web pages out of the playground, and bounds what any request may send.

Any page a student visits can make the browser send requests to 127.0.0.1. So:

- a request must name the server's own address in its ``Host`` header (a DNS-rebinding page
  names its own host name, and is refused);
- a request that changes anything (every POST) must come from the playground's own page: its
  ``Origin`` (or, without one, its ``Referer``) is the server's address, and it carries the
  token the server wrote into that page (a page of another origin cannot read it);
- a JSON body is parsed only when it is small and nested no deeper than ``MAX_JSON_DEPTH``, so
  no body can exhaust the parser's recursion.
"""

import collections
import json
import secrets
import socket
import threading
from http import HTTPStatus

from .sessions import HTTPError

TOKEN_HEADER = "X-Playground-Token"
MAX_TOKENS = 1024  # the pages served last; an older page's requests are refused and it is told to reload
MAX_JSON_DEPTH = 16  # settings nest 3 deep; nothing the page sends is deeper
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARDS = ("0.0.0.0", "::", "")


def host_names(host):
    """The names a browser may use for a server bound to ``host``: this computer's, and the bound address."""
    names = set(LOCAL_NAMES)
    if host in WILDCARDS:  # listening everywhere (a warned choice): also the machine's own names
        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    else:
        names.add(f"[{host}]" if ":" in host else host.lower())
    return names


class Guard:
    """The checks of one server at ``host``:``port``, and the tokens of the pages it served."""

    def __init__(self, host, port):
        names = host_names(host)
        self.hosts = {f"{name}:{port}" for name in names} | (names if port == 80 else set())
        self._tokens = collections.OrderedDict()
        self._lock = threading.Lock()

    def check_host(self, headers):
        host = (headers.get("Host") or "").strip().lower()
        if host not in self.hosts:
            raise HTTPError(HTTPStatus.FORBIDDEN, f"this playground answers requests for {sorted(self.hosts)[0]}, "
                                                  f"not {host[:100]!r}; open the address it printed")
        return host

    def check_page(self, headers, host):
        """A state-changing request: from the playground's own origin, with a token of a page it served."""
        origin = f"http://{host}"
        sender = headers.get("Origin")
        if sender is None:
            referer = headers.get("Referer") or ""
            sender = origin if referer == origin or referer.startswith(origin + "/") else referer[:100] or None
        if sender != origin:
            raise HTTPError(HTTPStatus.FORBIDDEN, f"a request that changes anything must come from the playground's "
                                                  f"own page at {origin}, not from {sender!r}")
        token = headers.get(TOKEN_HEADER) or ""
        with self._lock:
            known = token in self._tokens
        if not known:
            raise HTTPError(HTTPStatus.FORBIDDEN, f"the request has no {TOKEN_HEADER} of a page this server "
                                                  "served; reload the page")

    def new_token(self):
        """A token for one served page, kept among the last MAX_TOKENS."""
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._tokens[token] = True
            while len(self._tokens) > MAX_TOKENS:
                self._tokens.popitem(last=False)
        return token


def nesting_too_deep(text, limit=MAX_JSON_DEPTH):
    """True when the JSON ``text`` opens more than ``limit`` brackets inside each other (strings skipped)."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def parse_json(body):
    """The JSON value of ``body`` (bytes), or an HTTPError 400 naming what is wrong with it."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise HTTPError(HTTPStatus.BAD_REQUEST, f"the body is not valid JSON: not UTF-8 ({e.reason})") from None
    if nesting_too_deep(text):
        raise HTTPError(HTTPStatus.BAD_REQUEST, f"the body is not valid JSON here: it nests deeper than "
                                                f"{MAX_JSON_DEPTH} brackets")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise HTTPError(HTTPStatus.BAD_REQUEST, f"the body is not valid JSON: {e}") from None
