"""The command line: ``backproplab lab``, ``backproplab train``, ``backproplab predict`` ...

It only wires options to the library and contains no maths. ``parser`` builds the parser of
every command from the modules named in ``parser.COMMANDS``, one per command, each with its
``add_parser`` and its ``run``; ``entry.main`` dispatches to them.
"""

from .entry import main
from .parser import build_parser

__all__ = ["build_parser", "main"]
