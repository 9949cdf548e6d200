"""Compare two arrays the way the report states it: relative error, largest difference, where, or shapes."""

from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-5  # relative error: float64 agrees to ~1e-15, float32 to ~1e-7, a mistake far above
TINY = 1e-12  # differences below this are equal, whatever their relative size


@dataclass(frozen=True)
class Comparison:
    ok: bool
    relative: float = float("nan")
    largest: float = float("nan")
    where: tuple = ()
    problem: str = ""  # a shape mismatch, NaN, or nothing shown

    def describe(self):
        if self.problem:
            return self.problem
        where = f" at {list(self.where)}" if self.where else ""
        return f"relative error {self.relative:.1e}, largest difference {self.largest:.2g}{where}"


def aligned(student, expected):
    """``student`` reshaped to ``expected`` when only length-1 axes differ ((N,) for (N, 1)), else None."""
    if student.shape == expected.shape:
        return student
    if student.size == expected.size and tuple(n for n in student.shape if n != 1) == \
            tuple(n for n in expected.shape if n != 1):
        return student.reshape(expected.shape)
    return None


def compare(student, expected, strict=False):
    """How far ``student`` is from ``expected``; ``strict``: the shapes must be equal, not only alike."""
    if student is None:
        return Comparison(False, problem="not shown")
    if not np.all(np.isfinite(student)):
        bad = np.argwhere(~np.isfinite(student))[0]
        return Comparison(False, problem=f"holds NaN or inf (first at {list(map(int, bad))})")
    if expected is None:
        return Comparison(False, problem="shown, but this network has none")
    fitted = student if student.shape == expected.shape else None if strict else aligned(student, expected)
    if fitted is None:
        return Comparison(False, problem=f"shape {student.shape}, not {expected.shape}")
    diff = np.abs(fitted - expected)
    norm = np.linalg.norm(fitted) + np.linalg.norm(expected)
    relative = 0.0 if norm == 0 else float(np.linalg.norm(fitted - expected) / norm)
    where = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape)) if diff.size else ()
    largest = float(diff.max()) if diff.size else 0.0
    return Comparison(relative <= TOLERANCE or largest <= TINY, relative, largest, where)


def same(a, b, strict=False):
    """True when arrays a and b hold the same numbers (up to length-1 axes unless ``strict``)."""
    if a is None or b is None or not np.all(np.isfinite(a)):
        return False
    return compare(a, b, strict).ok
