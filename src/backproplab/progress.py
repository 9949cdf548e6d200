"""A text progress bar: done/total, a bar, custom fields, rate and time left.

On a terminal it redraws one line in place (at most ten times a second); in a
log file or pipe it writes only the finished line, so logs stay short.
"""

import sys
import time


def format_seconds(seconds):
    seconds = int(round(seconds))
    minutes, s = divmod(seconds, 60)
    hours, m = divmod(minutes, 60)
    return f"{hours}:{m:02d}:{s:02d}" if hours else f"{m}:{s:02d}"


class ProgressBar:
    """``bar = ProgressBar(total, 'epoch 1/10', unit='img')``; ``bar.update(n, loss='0.12')``; ``bar.close()``."""

    def __init__(self, total, label="", unit="it", stream=None, width=24):
        self.total, self.label, self.unit, self.width = total, label, unit, width
        self.stream = stream if stream is not None else sys.stderr
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.done, self.fields = 0, {}
        self.start = self._last_draw = time.perf_counter()

    def update(self, n=1, **fields):
        self.done += n
        self.fields.update(fields)
        now = time.perf_counter()
        if self.live and (now - self._last_draw > 0.1 or self.done >= self.total):
            self._last_draw = now
            self.stream.write("\r" + self.line() + "\x1b[K")
            self.stream.flush()

    def line(self):
        elapsed = time.perf_counter() - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        frac = min(1.0, self.done / self.total) if self.total else 1.0
        filled = int(round(frac * self.width))
        bar = "#" * filled + "." * (self.width - filled)
        parts = [self.label, f"[{bar}]", f"{self.done}/{self.total}" if self.total else f"{self.done}"]
        parts += [f"{k} {v}" for k, v in self.fields.items()]
        parts.append(f"{rate:,.0f} {self.unit}/s")
        if self.total and self.done < self.total and rate > 0:
            parts.append(f"ETA {format_seconds((self.total - self.done) / rate)}")
        else:
            parts.append(f"in {format_seconds(elapsed)}")
        return "  ".join(p for p in parts if p)

    def close(self, **fields):
        self.fields.update(fields)
        self.stream.write(("\r" if self.live else "") + self.line() + ("\x1b[K\n" if self.live else "\n"))
        self.stream.flush()
