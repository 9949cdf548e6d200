"""``backproplab predict``: a saved model's class for every row of a CSV, printed or written (or a Kaggle file)."""

import os

from ..errors import ConfigError


def add_parser(sub):
    predict = sub.add_parser("predict", help="predict classes (or values) for a CSV with a saved model (or write a Kaggle submission)",
                             description="Load a model.npz written by 'lab' or 'train' and print its prediction for every row of a CSV file of features.")
    predict.add_argument("--model", required=True, metavar="FILE", help="model file (.npz)")
    predict.add_argument("--data", required=True, metavar="CSV", help="comma-separated features, one sample per row (a header row is skipped)")
    predict.add_argument("--kaggle", metavar="CSV", help="write a Kaggle submission (ImageId,Label) to this file instead of printing")
    predict.add_argument("--out", metavar="CSV", help="write row,class,score (a regression model: row,value) for every row to this file instead of printing")
    predict.add_argument("--force", action="store_true", help="allow --kaggle or --out to replace an existing file")
    predict.add_argument("--debug", action="store_true", help="show a traceback on errors")


def run(args, write):
    # Here, not above: the engine imports NumPy, and outputs the figures (matplotlib); --help needs neither.
    from ..data.csv_table import read_points
    from ..model_file import load_model
    from ..outputs import positive_class_scores
    from ..run import prepare_inputs
    from ..run.predict import prediction_lines, saved_loss, write_predictions, write_submission
    from ..training import predict_output

    model, metadata = load_model(args.model)
    for flag, path in (("--kaggle", args.kaggle), ("--out", args.out)):
        if path and os.path.exists(path) and not args.force:
            raise ConfigError(f"{flag} {path!r} already exists; choose another name or add --force to replace it")
    X = read_points(args.data)
    inputs = prepare_inputs(model, metadata, X, args.data)
    loss_fn = saved_loss(metadata)
    output = predict_output(model, inputs)
    if metadata.get("regression"):  # values, not classes
        return _write_values(args, X, output[:, 0], write)
    labels = loss_fn.predict(output)
    if args.kaggle:
        write_submission(args.kaggle, labels)
        write(f"wrote {len(labels):,} predictions to {args.kaggle} (ImageId,Label)")
        return 0
    scores = positive_class_scores(loss_fn, output)
    names = metadata.get("class_names")
    if args.out:
        write_predictions(args.out, labels, scores, names)
        write(f"wrote {len(labels):,} predictions to {args.out} (row,class,score)")
        return 0
    for line in prediction_lines(X, labels, scores, names):
        write(line)
    return 0


def _write_values(args, X, values, write):
    """A regression model's predicted values: to --out as row,value, or printed."""
    from ..run.predict import value_lines, write_values

    if args.kaggle:
        raise ConfigError(f"{args.model!r} predicts values, not classes; a Kaggle digit submission needs classes: "
                          "use --out instead of --kaggle")
    if args.out:
        write_values(args.out, values)
        write(f"wrote {len(values):,} predictions to {args.out} (row,value)")
        return 0
    for line in value_lines(X, values):
        write(line)
    return 0
