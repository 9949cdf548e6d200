"""A page's next frame, asked for by the page, with the training that comes before it.

A page asks for a frame (``GET /api/sessions/<id>/frame``) when it is ready to draw one: while
playing, about 30 times a second; while paused, after each of its own requests. The request trains
the session first, for what is left of a frame's period, then builds the frame. A request lasts
a few milliseconds and frees its connection, so any number of tabs and windows share the 6
connections a browser keeps per host, and a hidden tab, which asks for nothing, trains nothing.

With several sessions playing at once, each request trains its share of the period, so that the
threads, which share one interpreter lock, leave each other time to build their frames.
"""

import json
import time
import warnings

FRAME_SECONDS = 1 / 30   # a frame's period while playing: training fills what building the frame leaves
MIN_TRAIN_SECONDS = 0.01  # but trains at least this long (and at least one epoch) per frame


def next_frame(sessions, key, since, version, generation):
    """Session ``key``'s frame as JSON text, after its training for this frame when it is playing.

    The page has the history up to epoch ``since``, the points of data version ``version`` and
    the network of ``generation``; the frame brings what is new (all of it for a new network).
    """
    session = sessions.get(key)
    with session.lock:
        if session.playing:
            share = 1 / max(1, sessions.playing(key))
            session.train_for(max(MIN_TRAIN_SECONDS, FRAME_SECONDS - session.frame_seconds) * share)
        building = time.monotonic()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = session.frame(since if generation == session.generation else -1, version)
        text = json_text(frame)
        session.frame_seconds = time.monotonic() - building
        session.touched = time.monotonic()
    return text


def json_text(frame):
    """JSON the browser parses: a diverged network's NaN and inf become null and +-1e308."""
    try:
        return json.dumps(frame, allow_nan=False)
    except ValueError:
        text = json.dumps(frame)
        return text.replace("-Infinity", "-1e308").replace("Infinity", "1e308").replace("NaN", "null")
