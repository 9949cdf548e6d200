"""Data: the lab's generated sets, more 2-D shapes, splitting and mini-batches."""

from ..errors import lookup
from .batching import batches, check_dataset, train_test_split
from .synthetic import blobs, chessboard, circles, linear, spiral, xor_easy

DATASETS = {
    "linear": linear,
    "xor": xor_easy,
    "chessboard": chessboard,
    "circles": circles,
    "spiral": spiral,
    "blobs": blobs,
}


def get_dataset(name):
    return lookup("dataset", name, DATASETS)


__all__ = [
    "DATASETS", "batches", "blobs", "check_dataset", "chessboard", "circles", "get_dataset",
    "linear", "spiral", "train_test_split", "xor_easy",
]
