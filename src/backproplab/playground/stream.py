"""The stream of frames to one page (Server-Sent Events), and the training it drives.

The thread that serves a session's stream also trains it: while playing, it trains for
what is left of a frame's period, then builds and sends a frame. With several streams
training at once, each trains its share of the period and sleeps the rest, so that the
threads, which share one interpreter lock, leave each other time to build and send their
frames (a tab keeps drawing while others train). A hidden or closed tab
ends the stream, and with it the session's training; the session itself is closed by the
page, or freed when left idle (``sessions``).
"""

import json
import select
import socket
import time
import warnings
from http import HTTPStatus

FRAME_SECONDS = 1 / 30   # a frame's period while playing: training fills what building and sending it leave
MIN_TRAIN_SECONDS = 0.01  # but trains at least this long (and at least one epoch) per frame
KEEPALIVE_SECONDS = 10
IDLE_CHECK_SECONDS = 0.5  # how often a paused stream looks whether its tab has closed


def stream_frames(handler, sessions, key):
    """Send session ``key``'s frames on ``handler``'s connection until the tab or the server closes."""
    session = sessions.get(key)
    handler.send_response(HTTPStatus.OK)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Cache-Control", "no-store")
    handler.end_headers()
    handler.close_connection = True
    sessions.stream(key, True)
    since, version, generation, revision, sent, cost = -1, 0, 0, -1, 0.0, 0.0
    try:
        while not handler.server.stopping.is_set() and not session.closed:
            period, share = time.monotonic(), 1 / max(1, sessions.streaming())
            with session.lock:
                if session.playing:
                    session.train_for(max(MIN_TRAIN_SECONDS, FRAME_SECONDS - cost) * share)
                elif revision == session.revision and since == session.epoch:
                    session.changed.wait(IDLE_CHECK_SECONDS)
                    quiet = revision == session.revision and since == session.epoch
                    if quiet and time.monotonic() - sent < KEEPALIVE_SECONDS:
                        if socket_closed(handler.connection):
                            break
                        continue
                building = time.monotonic()
                if generation != session.generation:
                    since = -1
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    frame = session.frame(since, version)
                since, version, generation = session.epoch, session.data_version, session.generation
                revision = session.revision
                session.touched = time.monotonic()
            handler.wfile.write(b"data: " + json_text(frame).encode("utf-8") + b"\n\n")
            handler.wfile.flush()
            sent = time.monotonic()
            cost = sent - building  # building and sending: the rest of the period
            pause = 0.002 if frame["playing"] and not session.waiting else 0.01
            if frame["playing"] and share < 1:  # the others' turn, until this period ends
                pause = max(pause, FRAME_SECONDS - (sent - period))
            time.sleep(pause)
    except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
        pass  # the tab closed: its training stops with this thread
    finally:  # the session stays for the tab to stream again (when shown) or close it
        session.touched = time.monotonic()
        sessions.stream(key, False)


def socket_closed(sock):
    """True when the peer has closed ``sock`` (readable, and a peek reads nothing)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and not sock.recv(1, socket.MSG_PEEK)
    except (OSError, ValueError):
        return True


def json_text(frame):
    """JSON the browser parses: a diverged network's NaN and inf become null and +-1e308."""
    try:
        return json.dumps(frame, allow_nan=False)
    except ValueError:
        text = json.dumps(frame)
        return text.replace("-Infinity", "-1e308").replace("Infinity", "1e308").replace("NaN", "null")
