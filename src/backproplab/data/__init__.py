"""Data: the lab's generated sets, more 2-D shapes, splitting and mini-batches.

Every generator of ``DATASETS`` is importable from here by its function name
(``linear``, ``xor_easy``, ``spiral`` ...), read from the registry.
"""

from .batching import batches, check_dataset, count_batches, train_test_split
from .synthetic import DATASETS

_GENERATORS = {generator.__name__: generator for generator in DATASETS.values()}
globals().update(_GENERATORS)


def get_dataset(name):
    """The generator registered as ``name``, e.g. ``get_dataset('spiral')(n=300, seed=0)``."""
    return DATASETS.get(name)


__all__ = ["DATASETS", "batches", "check_dataset", "count_batches", "get_dataset", "train_test_split", *sorted(_GENERATORS)]
