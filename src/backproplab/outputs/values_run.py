"""A trained run on 2-D points with values to regress onto, written to a folder: the loss and R², no accuracy.

Its figures are those of a classification run where they carry over (the learning curve, the
network), and a heat map of the prediction (prediction.png) in place of the decision boundary and
the comparison of classes, which a value has none of.
"""

import os

import numpy as np

from .. import plots
from ..data.features import features
from ..model_file import save_model
from ..run.predict import placement_metadata
from ..training import evaluate
from .metrics import run_metrics, write_divergence, write_metrics
from .network_figures import write_network_figures
from .sample_trace import write_sample_trace

SHOWN_SAMPLES = 10  # test points printed with their target and prediction


def r_squared(y, predicted):
    """1 - SS_res / SS_tot: the share of the targets' variance the predictions explain (None for constant targets)."""
    total = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum((predicted - y) ** 2)) / total if total > 0 else None


def write_values_run(run, folder, write=print, show_samples=True, title=None):
    """Write the files of ``run``, a TrainedRun on 2-D points of values (``run.train_recorded``), into
    ``folder``; return the metrics dict. Files: model.npz, metrics.json, learning_curve.png,
    prediction.png, network.png, neurons.png, gradients.png and trace.json."""
    config, data, model, loss_fn, history = run.config, run.data, run.model, run.loss_fn, run.history
    title = title or config.dataset
    write_divergence(run, write)
    model.eval()
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged model may overflow; reported above
        test_loss, _ = evaluate(model, loss_fn, data.X_test.astype(config.dtype), data.y_test, classes=False)
        predicted = model.forward(data.X_test.astype(config.dtype))[:, 0]
    r2 = r_squared(data.y_test, predicted) if np.all(np.isfinite(predicted)) else None
    if show_samples:
        write(f"predictions on the test set ({data.test_source}):")
        for i, (truth, value) in enumerate(zip(data.y_test[:SHOWN_SAMPLES], predicted)):
            write(f"sample {i} | target {truth:.5g} | prediction {value:.5g}")
    # general formats: the values are the targets' own scale, and a diverged run's may be 1e240
    shown_r2 = "undefined (constant targets)" if r2 is None else f"{r2:.5g}"
    write(f"final training loss {history.last('loss'):.5g}  test loss {test_loss:.5g}  test R² {shown_r2}")

    save_model(model, os.path.join(folder, "model.npz"),
               metadata={"config": config.as_dict(), "loss": run.loss_name, "regression": True,
                         **placement_metadata(data)})
    metrics = run_metrics(config, data, history, test_loss, None, run.diagnosis)
    metrics["test_r2"] = r2
    metrics["predictions"] = [{"sample": i, "truth": float(t), "prediction": float(p)}
                              for i, (t, p) in enumerate(zip(data.y_test, predicted))]
    metrics["gradient_norms"] = run.gradient_norms
    metrics["test_is_training"] = False
    if run.test_curve:
        metrics["history"].update(test_loss=run.test_curve["loss"], test_accuracy=run.test_curve["accuracy"])
    write_metrics(folder, metrics)

    points_train = data.X_train if data.points_train is None else data.points_train
    plots.learning_curve(history, os.path.join(folder, "learning_curve.png"), title=f"{title}: learning curve",
                         test=run.test_curve, loss=run.loss_name)

    def predict(grid):
        with np.errstate(over="ignore", invalid="ignore"):
            return model.forward(features(grid, config.features).astype(config.dtype))[:, 0]

    plots.value_map(predict, points_train, data.y_train, os.path.join(folder, "prediction.png"),
                    title=f"{title}: the network's prediction, training points")
    write_network_figures(model, loss_fn, points_train.astype(config.dtype), run.gradient_norms, folder, title,
                          config.features)
    write_sample_trace(model, loss_fn, run.loss_name, data.X_train, data.y_train, folder)
    return metrics
