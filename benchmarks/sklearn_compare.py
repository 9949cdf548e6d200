"""BackpropClassifier against scikit-learn's MLPClassifier, with the same settings, on two data sets.

For scikit-learn's digits and breast-cancer data: a stratified 75/25 split per seed,
standardised on the training part, then both classifiers fit with MLPClassifier's
defaults spelt out (one hidden layer of 100 ReLU units, Adam at 0.001, batches of
200, alpha 1e-4, at most 200 epochs, tol 1e-4 over 10 epochs), alternating which
runs first. Prints mean test accuracy and median fit time over the seeds.

    python benchmarks/sklearn_compare.py                 # seeds 0-4, one BLAS thread
    python benchmarks/sklearn_compare.py --seeds 10 --threads 2
"""

import argparse
import statistics
import time
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from backproplab.sklearn import BackpropClassifier

DATASETS = {"digits": load_digits, "breast-cancer": load_breast_cancer}
SETTINGS = dict(hidden_layer_sizes=(100,), activation="relu", solver="adam", alpha=1e-4, batch_size=200,
                learning_rate_init=0.001, max_iter=200, tol=1e-4, n_iter_no_change=10)
ESTIMATORS = {"backproplab": BackpropClassifier, "scikit-learn": MLPClassifier}


def measure(make, X_train, X_test, y_train, y_test):
    """(test accuracy, fit seconds) of one fresh estimator."""
    estimator = make()
    start = time.perf_counter()
    estimator.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return estimator.score(X_test, y_test), seconds


def compare(name, seeds):
    X, y = DATASETS[name](return_X_y=True)
    results = {key: ([], []) for key in ESTIMATORS}
    for seed in range(seeds):
        X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, stratify=y, random_state=seed)
        scaler = StandardScaler().fit(X_train)
        split = scaler.transform(X_train), scaler.transform(X_test), y_train, y_test
        order = list(ESTIMATORS) if seed % 2 == 0 else list(reversed(ESTIMATORS))
        for key in order:
            accuracy, seconds = measure(lambda: ESTIMATORS[key](random_state=seed, **SETTINGS), *split)
            results[key][0].append(accuracy)
            results[key][1].append(seconds)
    return {key: (float(np.mean(acc)), statistics.median(sec)) for key, (acc, sec) in results.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0], allow_abbrev=False)
    parser.add_argument("--seeds", type=int, default=5, help="seeds 0..N-1 (default 5)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for both (default 1)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", ConvergenceWarning)  # breast-cancer runs all 200 epochs in both
    print(f"{args.seeds} seeds, {args.threads} BLAS thread(s); settings: "
          + ", ".join(f"{k}={v}" for k, v in SETTINGS.items()))
    print("| data set | backproplab accuracy | scikit-learn accuracy | difference (points) "
          "| backproplab fit | scikit-learn fit | speed-up |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with threadpool_limits(args.threads):
        for name in DATASETS:
            r = compare(name, args.seeds)
            (acc_b, sec_b), (acc_s, sec_s) = r["backproplab"], r["scikit-learn"]
            print(f"| {name} | {100 * acc_b:.2f}% | {100 * acc_s:.2f}% | {100 * (acc_b - acc_s):+.2f} "
                  f"| {sec_b:.3f} s | {sec_s:.3f} s | {sec_s / sec_b:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
