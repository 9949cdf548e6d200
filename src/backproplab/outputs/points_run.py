"""A trained run on 2-D points written to a folder: comparison, learning curve, decision boundary, model, metrics."""

import os

import numpy as np

from .. import plots
from ..data.features import features
from ..model_file import save_model
from ..run.predict import placement_metadata
from ..training import evaluate
from .metrics import how_training_measured, loss_text, run_metrics, write_divergence, write_metrics
from .network_figures import write_network_figures
from .predictions import positive_class_scores, sample_lines
from .sample_trace import write_sample_trace
from .values_run import write_values_run


def final_line(config, history, n_train, test_loss, test_accuracy, test_is_training):
    """The run's last line: the training loss of the last epoch, and the test loss and accuracy after training.

    The training loss is averaged over the last epoch's batches, each measured before its update
    (and with dropout on); the test scores come after the last update. On a set that is its own
    test set (XOR) these are one set's loss at two moments, and the line says so.
    """
    training_loss = history.last("loss")
    training_loss = float("nan") if training_loss is None else training_loss  # a loss of exactly 0 is a loss
    if not test_is_training:
        return (f"final training loss {loss_text(training_loss)}  test loss {loss_text(test_loss)}  "
                f"test accuracy {100 * test_accuracy:.2f}%")
    before = how_training_measured(n_train, config.batch_size, config.dropout)
    return (f"final loss on the {n_train} training points: {loss_text(training_loss)} during the last epoch "
            f"({before}), {loss_text(test_loss)} after training; accuracy {100 * test_accuracy:.2f}%")


def write_points_run(run, folder, write=print, show_samples=True, title=None):
    """Write the files of ``run``, a TrainedRun on 2-D points (``run.train_recorded``), into ``folder``;
    return the metrics dict. A diagnosis of what went wrong is left to the caller to print last
    (``write_diagnosis(metrics, write)``), after where the files went.

    A run of values to regress onto writes its own files (``values_run``). Files of a run of classes,
    in the order written: model.npz, metrics.json, comparison.png, learning_curve.png,
    decision_boundary.png, network.png, neurons.png, gradients.png and trace.json. The test
    curve (metrics.json's history and the learning curve) is the one recorded during training,
    absent when the test set is the training set. ``title`` begins each figure's title (default: the data set's name).
    """
    if not run.data.n_classes:  # values to regress onto: their own files
        return write_values_run(run, folder, write, show_samples, title)
    config = run.config  # what ran: written into the model file and metrics as such
    data, model, loss_fn, history = run.data, run.model, run.loss_fn, run.history
    name = config.dataset
    title = title or name
    write_divergence(run, write)
    model.eval()
    X_test = data.X_test.astype(config.dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged model may overflow; reported above
        test_loss, test_accuracy = evaluate(model, loss_fn, X_test, data.y_test)
        output = model.forward(X_test)
        y_pred = loss_fn.predict(output)
        scores = positive_class_scores(loss_fn, output)
    fixed = run.test_curve is None  # a fixed set (XOR) is its own test set
    if show_samples:
        where = (f", which for {name} is the {len(data.y_test)} training points themselves (the set is fixed)"
                 if fixed else f" ({data.test_source})")
        write(f"predictions on the test set{where}:")
        for line in sample_lines(data.y_test, scores):
            write(line)
    write(final_line(config, history, len(data.y_train), test_loss, test_accuracy, fixed))

    # the model and metrics first: a disk that fills up costs figures, not the trained weights
    save_model(model, os.path.join(folder, "model.npz"), metadata={"config": config.as_dict(), "loss": run.loss_name,
                                                                   **placement_metadata(data)})
    metrics = run_metrics(config, data, history, test_loss, test_accuracy, run.diagnosis)
    metrics["predictions"] = [{"sample": i, "truth": int(t),
                               "prediction": round(float(sc), 5) if scores.ndim == 1 else int(np.argmax(sc))}
                              for i, (t, sc) in enumerate(zip(data.y_test, scores))]
    metrics["gradient_norms"] = run.gradient_norms  # per layer, per epoch: what gradients.png draws
    metrics["test_is_training"] = fixed
    test_curve = run.test_curve
    if test_curve:
        metrics["history"].update(test_loss=test_curve["loss"], test_accuracy=test_curve["accuracy"])
    write_metrics(folder, metrics)

    # the figures draw the points; the network's inputs may be --features of them
    points_train = data.X_train if data.points_train is None else data.points_train
    points_test = data.X_test if data.points_test is None else data.points_test
    plots.comparison(points_test, data.y_test, y_pred, os.path.join(folder, "comparison.png"),
                     title=f"{title}: test set", dataset=config.dataset)
    plots.learning_curve(history, os.path.join(folder, "learning_curve.png"), title=f"{title}: learning curve",
                         test=test_curve, test_is_training=fixed, loss=run.loss_name)

    def predict_proba(grid):
        with np.errstate(over="ignore", invalid="ignore"):
            scores = positive_class_scores(loss_fn, model.forward(features(grid, config.features).astype(config.dtype)))
        return np.nan_to_num(scores, nan=0.5)

    plots.decision_boundary(predict_proba, points_train, data.y_train,
                            os.path.join(folder, "decision_boundary.png"),
                            title=f"{title}: network output, training points")
    write_network_figures(model, loss_fn, points_train.astype(config.dtype), run.gradient_norms, folder, title,
                          config.features)
    write_sample_trace(model, loss_fn, run.loss_name, data.X_train, data.y_train, folder)
    return metrics
