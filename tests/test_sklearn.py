"""backproplab.sklearn: scikit-learn's estimator checks, and the estimators in Pipeline,
GridSearchCV and cross_val_score."""

import pickle

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import load_breast_cancer, load_digits, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from backproplab import Sequential  # noqa: E402
from backproplab.errors import ConfigError  # noqa: E402
from backproplab.sklearn import BackpropClassifier, BackpropRegressor  # noqa: E402

# Short fits keep the checks quick; stopping at max_iter is expected then.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# Checks these estimators are known to fail, each with its reason (scikit-learn reports them as xfail).
EXPECTED_FAILURES = {}


def _expected_failures(estimator):
    return EXPECTED_FAILURES


@parametrize_with_checks([BackpropClassifier(hidden_layer_sizes=(16,), max_iter=100, learning_rate_init=0.01,
                                            random_state=0),
                          BackpropRegressor(hidden_layer_sizes=(16,), max_iter=100, learning_rate_init=0.01,
                                            random_state=0)],
                         expected_failed_checks=_expected_failures)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def _digits():
    X, y = load_digits(return_X_y=True)
    return X[:600], y[:600]


def test_pipeline_with_a_scaler_learns_the_digits():
    X, y = _digits()
    pipe = make_pipeline(StandardScaler(), BackpropClassifier(hidden_layer_sizes=(32,), max_iter=30,
                                                                learning_rate_init=0.01, random_state=0))
    pipe.fit(X[:450], y[:450])
    assert pipe.score(X[450:], y[450:]) > 0.85
    assert pipe.predict_proba(X[450:]).shape == (150, 10)


@pytest.mark.slow
def test_grid_search_in_two_processes_and_cross_val_score():
    X, y = _digits()
    pipe = make_pipeline(StandardScaler(), BackpropClassifier(max_iter=15, learning_rate_init=0.01, random_state=0))
    grid = GridSearchCV(pipe, {"backpropclassifier__hidden_layer_sizes": [(8,), (32,)],
                               "backpropclassifier__activation": ["relu", "logistic"]}, cv=3, n_jobs=2)
    grid.fit(X, y)
    assert grid.best_params_["backpropclassifier__hidden_layer_sizes"] == (32,)
    assert grid.best_score_ > 0.85
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.min() > 0.8


def test_fitted_attributes_follow_mlpclassifier_and_hold_the_model():
    X, y = load_breast_cancer(return_X_y=True)
    clf = BackpropClassifier(hidden_layer_sizes=(10, 5), activation="logistic", max_iter=5, random_state=0)
    clf.fit(StandardScaler().fit_transform(X), np.where(y, "benign", "malignant"))
    assert list(clf.classes_) == ["benign", "malignant"]
    assert clf.n_features_in_ == 30 and clf.n_iter_ == 5 and len(clf.loss_curve_) == 5
    assert [w.shape for w in clf.coefs_] == [(30, 10), (10, 5), (5, 1)]
    assert [b.shape for b in clf.intercepts_] == [(10,), (5,), (1,)]
    assert isinstance(clf.model_, Sequential)
    assert type(clf.model_[1]).__name__ == "Sigmoid"  # 'logistic' is backproplab's sigmoid


@pytest.mark.slow
def test_early_stopping_keeps_the_best_validation_epoch():
    X, y = _digits()
    clf = BackpropClassifier(early_stopping=True, n_iter_no_change=2, max_iter=200, random_state=0)
    clf.fit(StandardScaler().fit_transform(X), y)
    assert clf.n_iter_ < 200
    assert clf.best_validation_score_ == max(clf.validation_scores_)


def test_regressor_fits_several_targets():
    X, y = make_regression(n_samples=200, n_features=5, n_targets=2, noise=1.0, random_state=0)
    reg = BackpropRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=200, random_state=0)
    reg.fit(X, y / y.std(axis=0))
    assert reg.predict(X).shape == (200, 2)
    assert reg.score(X, y / y.std(axis=0)) > 0.9


@pytest.mark.parametrize("param, value, message", [
    ("solver", "lbfgs", "unknown solver 'lbfgs'"),
    ("activation", "sigmod", "did you mean 'sigmoid'"),
    ("hidden_layer_sizes", (0,), "hidden_layer_sizes must be an integer >= 1, got 0"),
    ("learning_rate_init", -1.0, "learning_rate_init must be a number > 0, got -1.0"),
    ("loss", "mse_typo", "unknown loss 'mse_typo'"),
])
def test_bad_parameters_get_one_line_errors_at_fit(param, value, message):
    clf = BackpropClassifier(**{param: value})  # the constructor only stores, as scikit-learn requires
    with pytest.raises(ConfigError, match=message) as info:
        clf.fit([[0.0], [1.0]], [0, 1])
    assert "\n" not in str(info.value)


def test_verbose_prints_one_line_per_iteration(capsys):
    BackpropClassifier(max_iter=3, verbose=True, random_state=0).fit([[0.0], [1.0]], [0, 1])
    assert capsys.readouterr().out.count("Iteration") == 3


@pytest.mark.parametrize("last_call", ["fit", "predict"])
def test_a_pickled_estimator_holds_weights_and_no_training_row(last_call):
    X, y = _digits()
    clf = BackpropClassifier(hidden_layer_sizes=(32,), max_iter=5, learning_rate_init=0.01, random_state=0).fit(X, y)
    if last_call == "predict":
        clf.predict(X[:1])
    blob = pickle.dumps(clf)
    assert not any(row.tobytes() in blob for row in X)
    weights_bytes = clf.model_.num_parameters() * X.itemsize
    assert weights_bytes < len(blob) < weights_bytes + 8_000  # the weights, their names and the settings
    assert np.array_equal(pickle.loads(blob).predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("make, message", [
    (lambda: BackpropClassifier(hidden_layer_sizes=(10**6, 10**6)).fit([[0.0], [1.0]], [0, 1]),
     r"hidden_layer_sizes=\(1000000, 1000000\) on 1 features and 1 outputs: 1,000,004,000,001 parameters"),
    (lambda: BackpropClassifier(hidden_layer_sizes=(4,)).fit(np.zeros((40_002, 1)), np.arange(40_002) // 2),
     "y: 20,001 classes, over the limit of 10,000; check that y holds class labels"),
    (lambda: BackpropRegressor(hidden_layer_sizes=(300_000,), batch_size=10_000).fit(np.zeros((10_000, 1)),
                                                                                   np.zeros(10_000)),
     "batch_size=10000 with .* bytes of activations for one batch, over the limit .*; use a smaller batch_size"),
])
def test_sizes_over_the_limits_are_refused_before_anything_is_allocated(make, message):
    with pytest.raises(ConfigError, match=message) as info:
        make()
    assert "\n" not in str(info.value)


def test_inputs_beyond_the_dtype_are_named_before_training():
    with pytest.raises(ConfigError, match=r"X holds values up to 1e\+300, beyond the largest float32") as info:
        BackpropClassifier(dtype="float32").fit([[0.0], [1e300]], [0, 1])
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("dtype, scale", [(np.float32, 1e20), (np.float64, 1e160)])
def test_training_overflow_is_blamed_on_the_inputs_scale_without_raw_warnings(dtype, scale):
    X, y = _digits()
    clf = BackpropClassifier(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    with pytest.raises(ConfigError, match=f"the network's {np.dtype(dtype)} arithmetic overflowed; the inputs "
                                          r"reach \|x\| = .*; scale them") as info:
        clf.fit((X * scale).astype(dtype), y)  # filterwarnings=error: any raw NumPy warning fails here
    assert "learning_rate" not in str(info.value)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_loss_is_the_final_value_and_the_input_dtype_is_followed(dtype):
    X, y = _digits()
    clf = BackpropClassifier(hidden_layer_sizes=(16,), max_iter=4, random_state=0).fit((X / 16).astype(dtype), y)
    assert isinstance(clf.loss_, float) and clf.loss_ == clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert clf.loss_function_ == "cross_entropy"
    assert clf.coefs_[0].dtype == dtype and clf.predict_proba(X[:5] / 16).dtype == dtype
    assert clf.t_ == len(X) * clf.n_iter_


def test_warm_start_goes_on_from_the_fitted_network():
    X, y = _digits()
    clf = BackpropClassifier(hidden_layer_sizes=(16,), max_iter=3, random_state=0).fit(X / 16, y)
    first = list(clf.loss_curve_)
    clf.set_params(warm_start=True).fit(X / 16, y)
    assert clf.n_iter_ == 6 and clf.t_ == 6 * len(X) and clf.loss_curve_[:3] == first
    assert clf.loss_curve_[3] < first[-1]  # it went on from there, not from a fresh network
    with pytest.raises(ConfigError, match="the fitted network takes 64 features to 10 outputs, this data 63 to 10"):
        clf.fit(X[:, 1:] / 16, y)


def test_partial_fit_trains_one_epoch_a_call_and_needs_the_classes_first():
    X, y = _digits()
    clf = BackpropClassifier(hidden_layer_sizes=(32,), learning_rate_init=0.01, random_state=0)
    with pytest.raises(ConfigError, match="partial_fit's first call needs classes="):
        clf.partial_fit(X, y)
    for _ in range(10):
        clf.partial_fit(X[:300] / 16, y[:300], classes=np.arange(10))
        clf.partial_fit(X[300:] / 16, y[300:])
    assert clf.n_iter_ == 20 and len(clf.loss_curve_) == 20
    assert clf.score(X / 16, y) > 0.9
    with pytest.raises(ConfigError, match="y holds 10, not one of the classes"):
        clf.partial_fit(X[:2] / 16, [0, 10])
    reg = BackpropRegressor(hidden_layer_sizes=(8,), random_state=0)
    reg.partial_fit(X / 16, y / 10.0)
    reg.partial_fit(X / 16, y / 10.0)
    assert reg.n_iter_ == 2 and reg.loss_curve_[1] < reg.loss_curve_[0]


def test_adam_takes_beta_1_beta_2_and_epsilon():
    X, y = _digits()
    fits = [BackpropClassifier(hidden_layer_sizes=(8,), max_iter=2, random_state=0, **params).fit(X / 16, y)
            for params in ({}, {"beta_1": 0.5}, {"beta_2": 0.9}, {"epsilon": 1.0})]
    curves = [tuple(clf.loss_curve_) for clf in fits]
    assert len(set(curves)) == 4  # each setting reaches the optimizer and changes the steps
    with pytest.raises(ConfigError, match="beta_1 must be a number >= 0 and < 1, got 1.0"):
        BackpropClassifier(beta_1=1.0).fit([[0.0], [1.0]], [0, 1])
