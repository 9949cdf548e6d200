"""Backpropagation, shown: one sample's forward values, gradients and update, checked number by number.

``trace(model, x, y, loss, optimizer=None)`` returns a Trace: the record of the
engine's own forward and backward passes and the optimizer's own step, with
every gradient compared with central differences, readable as text, Markdown,
HTML or JSON.
"""

from .blocks import DIGITS
from .render import FORMATS, Trace, trace

__all__ = ["DIGITS", "FORMATS", "Trace", "trace"]
