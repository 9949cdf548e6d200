"""A trained image (or CSV) run written to a folder: what a student wants to look at, and a checkpoint to resume from.

Files: learning_curve.png (training and validation), confusion_matrix.png,
misclassified.png (for images), model.npz, metrics.json, and checkpoint.npz,
rewritten after every epoch so that ``--resume`` can continue the run.
"""

import os

import numpy as np

from .. import plots
from ..model_file import save_model
from ..run.predict import feature_statistics_metadata
from ..training import evaluate, predict_output
from .metrics import how_training_measured, run_metrics, write_divergence, write_metrics
from .predictions import confusion

CHECKPOINT = "checkpoint.npz"


def last_epoch_line(history, during):
    """The last epoch's training loss and accuracy, saying how they were measured (``during``, see
    ``how_training_measured``), and its validation loss and accuracy where measured."""
    line = (f"last epoch: training loss {history.last('loss'):.4f}, accuracy {100 * history.last('accuracy'):.2f}% "
            f"during it ({during})")
    if history.val_loss:
        line += (f"; validation loss {history.last('val_loss'):.4f}, accuracy "
                 f"{100 * history.last('val_accuracy'):.2f}% after it")
    return line


def write_image_run(run, folder, write=print):
    """Write the files of ``run``, a TrainedRun on image or CSV data (``run.train_recorded``, with its
    checkpoint in ``folder``), into ``folder``; return the metrics dict."""
    config = run.config  # what ran: written into the model file and metrics as such
    data, model, loss_fn, history = run.data, run.model, run.loss_fn, run.history
    during = how_training_measured(len(data.y_train), config.batch_size, config.dropout)
    if history.epochs:
        write(last_epoch_line(history, during))
    write_divergence(run, write)
    if history.best_epoch is not None:
        write(f"kept the weights of epoch {history.best_epoch} (best {config.monitor})")
    with np.errstate(over="ignore", invalid="ignore"):
        test_loss, test_accuracy = evaluate(model, loss_fn, data.X_test, data.y_test)
        y_pred = loss_fn.predict(predict_output(model, data.X_test))
    names = data.class_names
    matrix = confusion(data.y_test, y_pred, len(names))
    # a class absent from the test set has no accuracy (None), not 0%
    per_class = {name: float(matrix[k, k] / matrix[k].sum()) if matrix[k].sum() else None
                 for k, name in enumerate(names)}
    write(f"test accuracy {100 * test_accuracy:.2f}%  test loss {test_loss:.4f}  "
          f"({len(data.y_test):,} test samples: {data.test_source})")
    write("per class: " + "  ".join(f"{name} {100 * acc:.1f}%" if acc is not None else f"{name} (not in the test set)"
                                    for name, acc in per_class.items()))

    # the model and metrics first: a disk that fills up costs figures, not the trained weights
    save_model(model, os.path.join(folder, "model.npz"), metadata={
        "config": config.as_dict(), "loss": run.loss_name, "class_names": list(names),
        "input_scale": data.input_scale, "image_shape": list(data.image_shape) if data.image_shape else None,
        **feature_statistics_metadata(data),
    })
    metrics = run_metrics(config, data, history, test_loss, test_accuracy, run.diagnosis)
    metrics.update({
        "per_class_accuracy": per_class,
        "confusion_matrix": matrix.tolist(),
        "n_val": 0 if data.y_val is None else int(len(data.y_val)),
        "val_accuracy": history.last("val_accuracy"),
        "best_epoch": history.best_epoch,
    })
    write_metrics(folder, metrics)

    title = config.dataset
    plots.learning_curve(history, os.path.join(folder, "learning_curve.png"), title=f"{title}: learning curve",
                         during=during, loss=run.loss_name)
    plots.confusion_matrix(matrix, names, os.path.join(folder, "confusion_matrix.png"), title=f"{title}: test set")
    if data.image_shape is not None:
        images = data.X_test.reshape(len(data.X_test), *data.image_shape)
        plots.misclassified_grid(images, data.y_test, y_pred, names, os.path.join(folder, "misclassified.png"),
                                 title=f"{title}: misclassified test images")
    return metrics
