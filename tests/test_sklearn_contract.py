"""backproplab.sklearn against MLPClassifier's contract: sample_weight, multilabel targets, sparse input,
scikit-learn's learning_rate, momentum and shuffle, and the weights in MLPClassifier's layout."""

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

import scipy.sparse as sp  # noqa: E402
from sklearn.datasets import load_digits, make_multilabel_classification  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.preprocessing import LabelBinarizer  # noqa: E402

from backproplab.errors import ConfigError  # noqa: E402
from backproplab.sklearn import BackpropClassifier, BackpropRegressor  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _digits(n=150):
    X, y = load_digits(return_X_y=True)
    return X[:n] / 16, y[:n]


def _small(**params):
    return BackpropClassifier(**{"hidden_layer_sizes": (16,), "max_iter": 20, "learning_rate_init": 0.01,
                                 "random_state": 0, **params})


def test_weights_of_one_train_exactly_as_no_weights():
    X, y = _digits()
    plain, weighted = _small().fit(X, y), _small().fit(X, y, sample_weight=np.ones(len(y)))
    assert plain.loss_curve_ == pytest.approx(weighted.loss_curve_, rel=1e-12)
    np.testing.assert_allclose(plain.predict_proba(X), weighted.predict_proba(X), rtol=1e-10)


@pytest.mark.parametrize("make", [lambda: _small(alpha=0.01), lambda: BackpropRegressor(
    hidden_layer_sizes=(8,), max_iter=20, learning_rate_init=0.01, alpha=0.01, random_state=0)])
def test_integer_weights_train_as_repeated_samples(make):
    X, y = _digits(120)  # one batch of all samples: the order of the samples cannot matter
    weights = np.random.default_rng(0).integers(0, 4, len(y))
    repeated = make().fit(X.repeat(weights, axis=0), y.repeat(weights))
    weighted = make().fit(X, y, sample_weight=weights)
    assert repeated.loss_curve_ == pytest.approx(weighted.loss_curve_, rel=1e-9)
    np.testing.assert_allclose(repeated.predict(X), weighted.predict(X), rtol=1e-7)


def test_weights_change_the_fit_and_the_score_and_reach_partial_fit():
    X, y = _digits()
    weights = np.where(y == 3, 20.0, 1.0)
    plain, weighted = _small().fit(X, y), _small().fit(X, y, sample_weight=weights)
    assert weighted.loss_curve_ != plain.loss_curve_
    expected = np.average(weighted.predict(X) == y, weights=weights)
    assert weighted.score(X, y, sample_weight=weights) == pytest.approx(expected)
    clf = _small()
    clf.partial_fit(X, y, sample_weight=weights, classes=np.arange(10))
    clf.partial_fit(X, y, sample_weight=weights)
    assert clf.n_iter_ == 2
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        _small().fit(X, y, sample_weight=-weights)


def test_multilabel_targets_follow_mlpclassifier():
    X, Y = make_multilabel_classification(n_samples=300, n_features=10, n_classes=4, random_state=0)
    X = X / X.max()
    clf = BackpropClassifier(hidden_layer_sizes=(32,), max_iter=200, learning_rate_init=0.01, random_state=0)
    clf.fit(X, Y)
    assert clf.predict(X).shape == Y.shape and set(np.unique(clf.predict(X))) <= {0, 1}
    proba = clf.predict_proba(X)
    assert proba.shape == Y.shape and np.array_equal(clf.predict(X), (proba >= 0.5).astype(int))
    assert list(clf.classes_) == [0, 1, 2, 3] and clf.out_activation_ == "logistic"
    reference = MLPClassifier(hidden_layer_sizes=(32,), max_iter=200, learning_rate_init=0.01,
                              random_state=0).fit(X, Y)
    assert clf.score(X, Y) > reference.score(X, Y) - 0.1  # subset accuracy, as scikit-learn's
    with pytest.raises(ConfigError, match="a multilabel y needs a loss of one 0/1 target per output"):
        BackpropClassifier(loss="cross_entropy").fit(X, Y)


@pytest.mark.parametrize("container", [sp.csr_array, sp.csc_matrix])
def test_sparse_input_trains_and_predicts_as_dense(container):
    X, y = _digits()
    dense, sparse = _small().fit(X, y), _small().fit(container(X), y)
    assert dense.loss_curve_ == pytest.approx(sparse.loss_curve_, rel=1e-12)
    np.testing.assert_allclose(dense.predict_proba(X), sparse.predict_proba(container(X)), rtol=1e-10)


@pytest.mark.parametrize("params", [
    {"momentum": 0.0}, {"momentum": 0.5}, {"nesterovs_momentum": False}, {"learning_rate": "invscaling"},
    {"learning_rate": "invscaling", "power_t": 0.25}, {"shuffle": False},
])
def test_each_sgd_setting_changes_the_steps(params):
    X, y = _digits()
    sgd = {"solver": "sgd", "learning_rate_init": 0.1, "batch_size": 32}
    default = _small(**sgd).fit(X, y).loss_curve_
    assert _small(**sgd, **params).fit(X, y).loss_curve_ != default


def test_adaptive_learning_rate_lowers_the_rate_before_stopping():
    X, y = _digits()
    clf = _small(solver="sgd", learning_rate="adaptive", learning_rate_init=0.1, n_iter_no_change=1, tol=10.0,
                 max_iter=30)
    clf.fit(X, y)
    # the loss never improves by tol after epoch 1: every second epoch from epoch 3 the rate falls by 5, eight
    # times (0.1 / 5^8 = 2.6e-7), and at epoch 19 it is below 1e-6: training stops
    assert clf.n_iter_ == 19
    with pytest.raises(ConfigError, match="learning_rate='adaptive' and schedule='cosine' would both set the rate"):
        _small(learning_rate="adaptive", schedule="cosine").fit(X, y)


def _as_mlp(fitted, mlp):
    """``mlp`` given ``fitted``'s weights and what scikit-learn reads when it predicts."""
    mlp.coefs_, mlp.intercepts_ = fitted.coefs_, fitted.intercepts_
    mlp.n_layers_, mlp.n_outputs_, mlp.out_activation_ = fitted.n_layers_, fitted.n_outputs_, fitted.out_activation_
    mlp.n_features_in_ = fitted.n_features_in_
    if hasattr(fitted, "classes_"):
        mlp.classes_ = fitted.classes_
        mlp._label_binarizer = LabelBinarizer().fit(fitted.classes_)
    return mlp


@pytest.mark.parametrize("n_classes", [2, 10])
def test_a_fitted_classifier_loaded_into_mlpclassifier_predicts_the_same(n_classes):
    X, y = _digits(300)
    keep = y < n_classes
    fitted = _small(hidden_layer_sizes=(12, 8), activation="tanh").fit(X[keep], y[keep])
    assert [w.shape for w in fitted.coefs_] == [(64, 12), (12, 8), (8, 1 if n_classes == 2 else 10)]
    mlp = _as_mlp(fitted, MLPClassifier(hidden_layer_sizes=(12, 8), activation="tanh"))
    np.testing.assert_allclose(mlp.predict_proba(X), fitted.predict_proba(X), rtol=1e-10, atol=1e-12)
    assert np.array_equal(mlp.predict(X), fitted.predict(X))


def test_a_fitted_regressor_loaded_into_mlpregressor_predicts_the_same():
    X, y = _digits()
    fitted = BackpropRegressor(hidden_layer_sizes=(8,), activation="logistic", max_iter=5, random_state=0)
    fitted.fit(X, y / 10)
    mlp = _as_mlp(fitted, MLPRegressor(hidden_layer_sizes=(8,), activation="logistic"))
    np.testing.assert_allclose(mlp.predict(X), fitted.predict(X), rtol=1e-10)


@pytest.mark.slow
@pytest.mark.parametrize("ours, theirs", [(BackpropClassifier, MLPClassifier), (BackpropRegressor, MLPRegressor)])
def test_check_estimator_runs_at_least_the_checks_of_scikit_learns_mlp(ours, theirs):
    from sklearn.utils.estimator_checks import check_estimator

    def results(estimator):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the checks' short fits stop at max_iter
            return {r["check_name"]: r["status"] for r in check_estimator(estimator, on_fail=None)}

    mine, reference = results(ours(max_iter=100)), results(theirs(max_iter=100))
    assert set(reference) <= set(mine) and "failed" not in mine.values()
    assert [name for name, status in mine.items() if status == "skipped"] == [
        name for name, status in reference.items() if status == "skipped"]
