"""Progress bars behind one small interface, tqdm's own.

A bar factory is called as ``factory(total=..., desc=..., unit=..., file=...)`` and
returns a bar with ``update(n)``, ``set_postfix(fields, refresh=False)`` and
``close()``; ``tqdm.tqdm`` is one. The engine draws no bar itself: its default,
LineBar, writes one finished line when the bar closes (a log stays short and no
terminal width is guessed). The command line installs a tqdm factory with
``set_bar_factory`` (``backproplab.run.bars.terminal_bar``): tqdm fits the bar to
the terminal's width, draws in notebooks, and shows slow rates as s/it.
"""

import sys
import time


def format_seconds(seconds):
    seconds = int(round(seconds))
    minutes, s = divmod(seconds, 60)
    hours, m = divmod(minutes, 60)
    return f"{hours}:{m:02d}:{s:02d}" if hours else f"{m}:{s:02d}"


class LineBar:
    """A bar that writes only its finished line: ``desc  done/total  fields  rate  in time``."""

    def __init__(self, total=None, desc="", unit="it", file=None, **options):
        self.total, self.desc, self.unit = total, desc, unit
        self.file = file if file is not None else sys.stderr
        self.n, self.postfix = 0, {}
        self.start = time.perf_counter()

    def update(self, n=1):
        self.n += n

    def set_postfix(self, ordered_dict=None, refresh=True, **kwargs):
        self.postfix = {**(ordered_dict or {}), **kwargs}

    def line(self):
        elapsed = time.perf_counter() - self.start
        rate = self.n / elapsed if elapsed > 0 else 0.0
        parts = [self.desc, f"{self.n}/{self.total}" if self.total else f"{self.n}"]
        parts += [f"{k} {v}" for k, v in self.postfix.items()]
        parts += [f"{rate:,.0f} {self.unit}/s" if rate >= 1 or not self.n else f"{1 / rate:.2f} s/{self.unit}",
                  f"in {format_seconds(elapsed)}"]
        return "  ".join(p for p in parts if p)

    def close(self):
        self.file.write(self.line() + "\n")
        self.file.flush()


_factory = LineBar


def set_bar_factory(factory):
    """Make ``factory`` draw every progress bar from now on (None: LineBar); returns the one before."""
    global _factory
    previous, _factory = _factory, factory or LineBar
    return previous


def bar_factory():
    """The factory that draws progress bars (LineBar unless ``set_bar_factory`` chose another)."""
    return _factory


class ProgressBar:
    """``bar = ProgressBar(total, 'epoch 1/10', unit='img')``; ``bar.update(n, loss='0.12')``; ``bar.close()``.

    Drawn by ``factory`` (default: ``bar_factory()``, read when the bar is made).
    """

    def __init__(self, total, label="", unit="it", stream=None, factory=None):
        self.bar = (factory or _factory)(total=total, desc=label, unit=unit, file=stream)
        self.fields = {}

    def update(self, n=1, **fields):
        self._show(fields)
        self.bar.update(n)

    def close(self, **fields):
        self._show(fields)
        self.bar.close()

    def _show(self, fields):
        if fields:  # fields given once stay shown, as before
            self.fields.update(fields)
            self.bar.set_postfix(self.fields, refresh=False)
