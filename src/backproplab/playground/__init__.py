"""The playground: a local web page where a small network trains live on 2-D data.

``backproplab playground`` serves one page from ``static/``; each tab gets its own
Session (``session.py``: its points and network from ``state.py``, what the page draws
from ``frames.py`` and ``inspector.py``), trained by the engine's one training step in
the server and streamed to the page as Server-Sent Events (``server.py``, ``sessions.py``,
``stream.py``). This package sits above the run layer and is imported only by the command line.
"""

from .server import PlaygroundServer, make_server, serve
from .session import Session
from .settings import DEFAULTS, check_settings

__all__ = ["DEFAULTS", "PlaygroundServer", "Session", "check_settings", "make_server", "serve"]
