"""Data: the lab's generated sets, more 2-D shapes, splitting and mini-batches.

Every generator of ``DATASETS`` is imported here by its function name (``linear``,
``xor_easy``, ``spiral`` ...); ``tests/test_typing.py`` checks that none is missing.
"""

from collections.abc import Callable

from .batching import batches, check_dataset, count_batches, train_test_split
from .synthetic import DATASETS, blobs, chessboard, circles, linear, spiral, xor_easy


def get_dataset(name: str) -> Callable:
    """The generator registered as ``name``, e.g. ``get_dataset('spiral')(n=300, seed=0)``."""
    return DATASETS.get(name)


__all__ = ["DATASETS", "batches", "blobs", "check_dataset", "chessboard", "circles", "count_batches", "get_dataset",
           "linear", "spiral", "train_test_split", "xor_easy"]
