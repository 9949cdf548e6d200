"""One run on 2-D points to a folder: comparison, learning curve, decision boundary, model, metrics."""

import os
import warnings

import numpy as np

from .. import plots
from ..model_file import save_model
from ..run import train
from ..training import DivergenceWarning, GradientNorms, evaluate
from .metrics import run_metrics, write_ending, write_metrics
from .network_figures import write_network_figures
from .predictions import positive_class_scores, sample_lines
from .sample_trace import write_sample_trace


def run_to_folder(config, folder, write=print, show_samples=True):
    """Train ``config``, write its files into ``folder`` and return the metrics dict.

    Files, in the order written: model.npz, metrics.json, comparison.png, learning_curve.png,
    decision_boundary.png, network.png, neurons.png, gradients.png and trace.json.
    """
    norms = GradientNorms()
    with warnings.catch_warnings():  # a divergence is reported below and in metrics.json
        warnings.simplefilter("ignore", DivergenceWarning)
        run = train(config, write=write, callbacks=[norms])
    data, model, loss_fn, history = run.data, run.model, run.loss_fn, run.history
    write_ending(run, write)
    model.eval()
    X_test = data.X_test.astype(config.dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged model may overflow; reported above
        test_loss, test_accuracy = evaluate(model, loss_fn, X_test, data.y_test)
        output = model.forward(X_test)
        y_pred = loss_fn.predict(output)
        scores = positive_class_scores(loss_fn, output)
    if show_samples:
        write(f"predictions on the test set ({data.test_source}):")
        for line in sample_lines(data.y_test, scores):
            write(line)
    write(f"final training loss {history.last('loss') or float('nan'):.5f}  "
          f"test loss {test_loss:.5f}  test accuracy {100 * test_accuracy:.2f}%")

    # the model and metrics first: a disk that fills up costs figures, not the trained weights
    save_model(model, os.path.join(folder, "model.npz"), metadata={"config": config.as_dict(), "loss": run.loss_name})
    metrics = run_metrics(config, data, history, test_loss, test_accuracy, run.diagnosis)
    metrics["predictions"] = [{"sample": i, "truth": int(t),
                               "prediction": round(float(sc), 5) if scores.ndim == 1 else int(np.argmax(sc))}
                              for i, (t, sc) in enumerate(zip(data.y_test, scores))]
    metrics["gradient_norms"] = norms.norms  # per layer, per epoch: what gradients.png draws
    write_metrics(folder, metrics)

    name = config.dataset
    plots.comparison(data.X_test, data.y_test, y_pred, os.path.join(folder, "comparison.png"),
                     title=f"{name}: test set")
    plots.learning_curve(history, os.path.join(folder, "learning_curve.png"), title=f"{name}: training")

    def predict_proba(grid):
        with np.errstate(over="ignore", invalid="ignore"):
            scores = positive_class_scores(loss_fn, model.forward(grid.astype(config.dtype)))
        return np.nan_to_num(scores, nan=0.5)

    plots.decision_boundary(predict_proba, data.X_train, data.y_train,
                            os.path.join(folder, "decision_boundary.png"),
                            title=f"{name}: network output, training points")
    write_network_figures(model, loss_fn, data.X_train.astype(config.dtype), norms.norms, folder, name)
    write_sample_trace(model, loss_fn, run.loss_name, data.X_train, data.y_train, folder)
    return metrics
