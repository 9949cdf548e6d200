import numpy as np
import pytest

from backproplab import ConfigError
from backproplab.data import (batches, blobs, check_dataset, chessboard, circles, linear, spiral,
                              train_test_split, xor_easy)


def test_xor_easy_is_exactly_the_lab_points():
    X, y = xor_easy()
    assert X.shape == (21, 2)
    zeros = {(round(a, 10), round(b, 10)) for a, b in X[y == 0]}
    ones = {(round(a, 10), round(b, 10)) for a, b in X[y == 1]}
    assert zeros == {(round(0.1 * i, 10), round(0.1 * i, 10)) for i in range(11)}
    assert ones == {(round(0.1 * i, 10), round(1 - 0.1 * i, 10)) for i in range(11) if i != 5}


def test_linear_labels_follow_the_diagonal():
    X, y = linear(100, seed=3)
    assert X.shape == (100, 2) and X.min() >= 0 and X.max() <= 1
    np.testing.assert_array_equal(y, np.where(X[:, 0] > X[:, 1], 0, 1))


@pytest.mark.parametrize("make", [lambda s: linear(50, seed=s), lambda s: chessboard(50, seed=s),
                                  lambda s: circles(50, seed=s), lambda s: spiral(50, seed=s),
                                  lambda s: blobs(50, seed=s)])
def test_generators_are_seeded(make):
    a, b, c = make(7), make(7), make(8)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])


def test_multi_class_generators():
    for make in (spiral, blobs):
        X, y = make(90, classes=3, seed=0)
        assert set(y) == {0, 1, 2} and X.shape == (90, 2)


def test_chessboard_colours():
    X, y = chessboard(500, squares=2, seed=0)
    np.testing.assert_array_equal(y, ((X[:, 0] > 0.5) ^ (X[:, 1] > 0.5)).astype(int))


def test_split_and_batches_cover_everything():
    X, y = linear(20, seed=0)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, seed=0)
    assert len(Xte) == 5 and len(Xtr) == 15
    seen = np.concatenate(list(batches(20, 6, np.random.default_rng(0))))
    assert sorted(seen) == list(range(20))
    assert [len(b) for b in batches(20, 6, np.random.default_rng(0))] == [6, 6, 6, 2]


@pytest.mark.parametrize("X, y, message", [
    (np.zeros(5), np.zeros(5), "X must be 2-D"),
    (np.zeros((5, 2)), np.zeros(4), r"y must have shape \(5,\)"),
    (np.array([[0.0, np.nan]]), np.zeros(1), "NaN or inf"),
    (np.zeros((2, 2)), np.array([0.5, 1.0]), "integer class labels"),
    (np.zeros((2, 2)), np.array([-1, 0]), "labels must be >= 0"),
])
def test_check_dataset_rejects_bad_arrays(X, y, message):
    with pytest.raises(ConfigError, match=message):
        check_dataset(X, y)
