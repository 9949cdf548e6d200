"""The open sessions of one playground server, by id: a cap on their number and the freeing of abandoned ones."""

import contextlib
import secrets
import threading
import time
from http import HTTPStatus

from .session import Session

MAX_SESSIONS = 64
IDLE_SECONDS = 120  # a session its page has not asked anything of (a closed tab) for this long is freed
PLAYING_SECONDS = 0.5  # a session asked for a frame while playing this recently is training


class HTTPError(Exception):
    """A request refused with an HTTP status and a one-line message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Sessions:
    """Every open session by id, with a cap and the freeing of abandoned ones."""

    def __init__(self, limit=MAX_SESSIONS):
        self.limit = limit
        self._lock = threading.Lock()
        self._sessions = {}
        self._playing = {}  # id -> when its page last asked for a frame while it played
        self._answering = 0  # requests being answered now, by any page

    @contextlib.contextmanager
    def answering(self):
        """Count a request as being answered while in this block: training gives way to it."""
        with self._lock:
            self._answering += 1
        try:
            yield
        finally:
            with self._lock:
                self._answering -= 1

    def waited_on(self):
        """True while some page waits for an answer: a frame to draw or a click to see."""
        return self._answering > 0

    def create(self, settings):
        self._free_idle()
        session = Session(settings)
        with self._lock:
            if len(self._sessions) >= self.limit:
                raise HTTPError(HTTPStatus.SERVICE_UNAVAILABLE,
                                f"the server holds its limit of {self.limit} sessions; close a tab and retry")
            key = secrets.token_urlsafe(12)
            self._sessions[key] = session
        return key, session

    def get(self, key):
        with self._lock:
            session = self._sessions.get(key)
        if session is None:
            raise HTTPError(HTTPStatus.NOT_FOUND, f"no session {key!r}: it was closed or the server restarted; reload")
        session.touched = time.monotonic()
        return session

    def close(self, key):
        with self._lock:
            session = self._sessions.pop(key, None)
            self._playing.pop(key, None)
        if session is not None:
            with session.lock:
                session.playing = False

    def close_all(self):
        with self._lock:
            keys = list(self._sessions)
        for key in keys:
            self.close(key)

    def playing(self, key):
        """Session ``key`` asks for a frame while playing: how many sessions do so now, it included."""
        now = time.monotonic()
        with self._lock:
            self._playing[key] = now
            for other in [k for k, seen in self._playing.items() if now - seen > PLAYING_SECONDS]:
                del self._playing[other]
            return len(self._playing)

    def _free_idle(self):
        now = time.monotonic()
        with self._lock:
            idle = [k for k, s in self._sessions.items() if now - s.touched > IDLE_SECONDS]
        for key in idle:
            self.close(key)

    def __len__(self):
        with self._lock:
            return len(self._sessions)
