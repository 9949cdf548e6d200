"""A page's next frame, asked for by the page, and the training done while the page draws it.

A page asks for a frame (``GET /api/sessions/<id>/frame``) when it is ready to draw one: while
playing, about 30 times a second; while paused, after each of its own requests. The request is
answered at once with the frame of the network as it is, and then, while the page draws, the
session trains for what is left of a frame's period, or until the page's next request. A request
holds its connection only that long, so any number of tabs and windows share the 6 connections a
browser keeps per host; and a hidden tab, which asks for nothing, trains nothing.

With several sessions playing at once, each trains its share of the period, and stops at its next
epoch while any request waits to be answered: the threads share one interpreter lock, and a page
waiting for its frame, or for the answer to a click, comes before training.
"""

import json
import select
import time
import warnings

FRAME_SECONDS = 1 / 30   # a frame's period while playing: training fills what building the frame leaves
MIN_TRAIN_SECONDS = 0.01  # but trains at least this long (and at least one epoch) per frame


def next_frame(sessions, key, since, version, generation):
    """Session ``key``'s frame now, as JSON text, and the session.

    The page has the history up to epoch ``since``, the points of data version ``version`` and
    the network of ``generation``; the frame brings what is new (all of it for a new network).
    """
    session = sessions.get(key)
    with session.turn():  # ahead of the training that follows the last frame, which stops at its next epoch
        if session.playing and session.epoch == session.frame_epoch:  # asked again before it trained ahead
            session.train_for(MIN_TRAIN_SECONDS)
        session.frame_epoch = session.epoch
        building = time.monotonic()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = session.frame(since if generation == session.generation else -1, version)
        text = json_text(frame)
        session.frame_seconds = time.monotonic() - building
    return text, session


def train_ahead(sessions, key, session, page_asks):
    """While its page draws the frame just sent: train ``session`` (``key``), when playing, for what is
    left of a frame's period (its share of it, with others playing), until ``page_asks()`` for more,
    or while any page waits for an answer (one epoch at least): answers come before training."""
    with session.lock:
        if session.playing:
            share = 1 / max(1, sessions.playing(key))
            session.train_for(max(MIN_TRAIN_SECONDS, FRAME_SECONDS - session.frame_seconds) * share,
                              lambda: sessions.waited_on() or page_asks())


def json_text(frame):
    """JSON the browser parses: a diverged network's NaN and inf become null and +-1e308."""
    try:
        return json.dumps(frame, allow_nan=False)
    except ValueError:
        text = json.dumps(frame)
        return text.replace("-Infinity", "-1e308").replace("Infinity", "1e308").replace("NaN", "null")


def readable(sock):
    """True when ``sock`` has something to read: the page's next request on this connection, or its close."""
    try:
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True
