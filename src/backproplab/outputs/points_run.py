"""One run on 2-D points to a folder: comparison, learning curve, decision boundary, model, metrics."""

import os
import warnings

import numpy as np

from .. import plots
from ..model_file import save_model
from ..run import build_loss, choose_head, make_data, train
from ..training import Callback, DivergenceWarning, GradientNorms, evaluate
from .metrics import how_training_measured, run_metrics, write_ending, write_metrics
from .network_figures import write_network_figures
from .predictions import positive_class_scores, sample_lines
from .sample_trace import write_sample_trace


class EpochTestScores(Callback):
    """Loss and accuracy on a test set after every epoch (in eval mode): the test curve beside the training one."""

    def __init__(self, loss_fn, X, y):
        self.loss_fn, self.X, self.y = loss_fn, X, y
        self.loss, self.accuracy = [], []

    def on_epoch_end(self, history, model):
        with np.errstate(all="ignore"):  # a diverging run is reported by fit
            loss, accuracy = evaluate(model, self.loss_fn, self.X, self.y)
        self.loss.append(float(loss) if np.isfinite(loss) else None)
        self.accuracy.append(accuracy)
        return False


def epoch_test_scores(config):
    """An EpochTestScores on the test set of ``config``, or None when the test set is the training set
    itself (a fixed set such as the lab's XOR points), whose curve the training curve already is."""
    data = make_data(config)
    if data.X_test is data.X_train:
        return None
    loss_fn = build_loss(config, choose_head(config, data.n_classes).loss)
    return EpochTestScores(loss_fn, data.X_test.astype(config.dtype), data.y_test)


def final_line(config, history, n_train, test_loss, test_accuracy, test_is_training):
    """The run's last line: the training loss of the last epoch, and the test loss and accuracy after training.

    The training loss is averaged over the last epoch's batches, each measured before its update
    (and with dropout on); the test scores come after the last update. On a set that is its own
    test set (XOR) these are one set's loss at two moments, and the line says so.
    """
    training_loss = history.last("loss")
    training_loss = float("nan") if training_loss is None else training_loss  # a loss of exactly 0 is a loss
    if not test_is_training:
        return (f"final training loss {training_loss:.5f}  test loss {test_loss:.5f}  "
                f"test accuracy {100 * test_accuracy:.2f}%")
    before = how_training_measured(n_train, config.batch_size, config.dropout)
    return (f"final loss on the {n_train} training points: {training_loss:.5f} during the last epoch ({before}), "
            f"{test_loss:.5f} after training; accuracy {100 * test_accuracy:.2f}%")


def run_to_folder(config, folder, write=print, show_samples=True, prepared=None):
    """Train ``config`` (or ``prepared``, what ``run.prepare(config)`` returned), write its files into
    ``folder`` and return the metrics dict.

    Files, in the order written: model.npz, metrics.json, comparison.png, learning_curve.png,
    decision_boundary.png, network.png, neurons.png, gradients.png and trace.json.
    The test loss and accuracy are measured after every epoch too (unless the test set is the
    training set), for the learning curve and metrics.json's history.
    """
    norms, test_scores = GradientNorms(), epoch_test_scores(config)
    with warnings.catch_warnings():  # a divergence is reported below and in metrics.json
        warnings.simplefilter("ignore", DivergenceWarning)
        run = train(config, write=write, callbacks=[norms] + ([test_scores] if test_scores else []),
                    prepared=prepared)
    config = run.config  # what ran: written into the model file and metrics as such
    data, model, loss_fn, history = run.data, run.model, run.loss_fn, run.history
    name = config.dataset
    write_ending(run, write)
    model.eval()
    X_test = data.X_test.astype(config.dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged model may overflow; reported above
        test_loss, test_accuracy = evaluate(model, loss_fn, X_test, data.y_test)
        output = model.forward(X_test)
        y_pred = loss_fn.predict(output)
        scores = positive_class_scores(loss_fn, output)
    fixed = test_scores is None  # a fixed set (XOR) is its own test set
    if show_samples:
        where = (f", which for {name} is the {len(data.y_test)} training points themselves (the set is fixed)"
                 if fixed else f" ({data.test_source})")
        write(f"predictions on the test set{where}:")
        for line in sample_lines(data.y_test, scores):
            write(line)
    write(final_line(config, history, len(data.y_train), test_loss, test_accuracy, fixed))

    # the model and metrics first: a disk that fills up costs figures, not the trained weights
    save_model(model, os.path.join(folder, "model.npz"), metadata={"config": config.as_dict(), "loss": run.loss_name})
    metrics = run_metrics(config, data, history, test_loss, test_accuracy, run.diagnosis)
    metrics["predictions"] = [{"sample": i, "truth": int(t),
                               "prediction": round(float(sc), 5) if scores.ndim == 1 else int(np.argmax(sc))}
                              for i, (t, sc) in enumerate(zip(data.y_test, scores))]
    metrics["gradient_norms"] = norms.norms  # per layer, per epoch: what gradients.png draws
    metrics["test_is_training"] = test_scores is None  # a fixed set (XOR) is its own test set
    test_curve = {"loss": test_scores.loss, "accuracy": test_scores.accuracy} if test_scores else None
    if test_curve:
        metrics["history"].update(test_loss=test_curve["loss"], test_accuracy=test_curve["accuracy"])
    write_metrics(folder, metrics)

    plots.comparison(data.X_test, data.y_test, y_pred, os.path.join(folder, "comparison.png"),
                     title=f"{name}: test set")
    plots.learning_curve(history, os.path.join(folder, "learning_curve.png"), title=f"{name}: learning curve",
                         test=test_curve, test_is_training=test_scores is None)

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
