"""One way to turn a user's seed into a NumPy random Generator."""

import numpy as np

from .errors import ConfigError


def _check_seed(seed):
    if isinstance(seed, (bool, float)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def as_generator(seed):
    """Return a ``numpy.random.Generator`` for an int seed, a Generator, or None.

    None draws fresh entropy (not reproducible); pass an int to repeat a run.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    return np.random.default_rng(_check_seed(seed))


def spawn(seed, n):
    """``n`` independent Generators derived from one non-negative int seed.

    Used to give data, test data, weights and shuffling their own streams, so
    changing one (say, the number of points) leaves the others as they were.
    """
    return [np.random.default_rng(s) for s in np.random.SeedSequence(_check_seed(seed)).spawn(n)]
