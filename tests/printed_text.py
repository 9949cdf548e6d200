"""Compare printed text that carries floating-point numbers: words exactly, numbers as numbers.

Printed numbers are rounded values of float computations whose last bits depend on the CPU and the
BLAS kernel (the order of a matrix product's sums differs between kernels). Central-difference
gradient checks print relative errors of about 1e-10, which are round-off itself: their digits
differ between machines while staying far below any check's threshold.
"""

import math
import re

# A number as the CLI prints it: 0.19912, -1.5e-06, 5.3e-11, 100.00 (a trailing % stays text).
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")

# Relative: six significant digits, as the trace prints them, may differ in the last one.
RELATIVE = 2e-5
# Absolute: round-off (a central difference's relative error is ~1e-10 on every kernel) is below it.
ABSOLUTE = 1e-7


def split_numbers(line):
    """``line`` as its words (numbers replaced by #) and its numbers, in order."""
    return _NUMBER.sub("#", line), [float(n) for n in _NUMBER.findall(line)]


def same_line(printed, expected, rel=RELATIVE, abs_=ABSOLUTE):
    """True when the two lines read the same and their numbers agree within the tolerances."""
    (words_p, numbers_p), (words_e, numbers_e) = split_numbers(printed), split_numbers(expected)
    # Spacing may differ when a column's number has another width: compare words without it.
    if words_p.split() != words_e.split() or len(numbers_p) != len(numbers_e):
        return False
    return all(math.isclose(p, e, rel_tol=rel, abs_tol=abs_) for p, e in zip(numbers_p, numbers_e))


def same_lines(printed, expected, **tolerances):
    """True when both lists have as many lines and each pair is ``same_line``."""
    return len(printed) == len(expected) and all(same_line(p, e, **tolerances) for p, e in zip(printed, expected))


def find_lines(printed, expected, **tolerances):
    """The index in ``printed`` where the run of lines ``expected`` starts, or None."""
    for i in range(len(printed) - len(expected) + 1):
        if same_lines(printed[i:i + len(expected)], expected, **tolerances):
            return i
    return None
