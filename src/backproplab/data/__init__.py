"""Data: the lab's generated sets, more 2-D shapes, splitting and mini-batches."""

from .batching import batches, check_dataset, train_test_split
from .synthetic import DATASETS, blobs, chessboard, circles, linear, spiral, xor_easy



def get_dataset(name):
    return DATASETS.get(name)


__all__ = [
    "DATASETS", "batches", "blobs", "check_dataset", "chessboard", "circles", "get_dataset",
    "linear", "spiral", "train_test_split", "xor_easy",
]
