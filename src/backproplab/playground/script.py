"""The page's set-up as a Python script that builds and trains the same network with backproplab."""

from ..data.batching import count_batches
from .state import optimisation_config

_HEADER = '''"""{title}"""

from backproplab.nn import get_loss
from backproplab.nn.mlp import mlp
from backproplab.playground.datasets import features, generate
from backproplab.rng import spawn
from backproplab.run import RunConfig, build_optimizer, build_schedule
from backproplab.training import WeightPenalty, fit

'''


def _data(s):
    if s["dataset"] == "csv":
        return ("# your uploaded points: X (N, 2) scaled into [-5, 5], y (N,) labels\n"
                "X, y = ...\n")
    return (f"data_rng, split_rng = spawn({s['seed']}, 2)\n"
            f"X, y = generate({s['dataset']!r}, n={s['points']}, noise_percent={s['noise']}, "
            f"classes={s['classes']}, rng=data_rng)\n")


def _model(s, n_out, out_activation):
    widths = [len(s["features"]), *s["hidden"], n_out]
    dropout = f", dropout={s['dropout']}" if s["dropout"] else ""
    return (f"model = mlp({widths}, {s['activation']!r}, {out_activation!r}{dropout}, rng=weights_rng, "
            "dropout_rng=dropout_rng)\n")


def python_script(session):
    """A script that trains ``session``'s network (its settings, data and losses) from scratch."""
    s = session.settings
    config = optimisation_config(s)
    penalty = "None"
    if s["regularization"] != "none" and s["reg_rate"]:
        penalty = f"WeightPenalty(model, {s['regularization']!r}, {s['reg_rate']!r})"
    return _HEADER.format(title="The backproplab playground's set-up, trained by a script.") + _data(s) + (
        f"order = split_rng.permutation(len(y))\n"
        f"n_train = max(1, min(len(y) - 1, round(len(y) * {s['ratio']} / 100)))\n"
        f"inputs = {s['features']!r}\n"
        f"X_train, y_train = features(X[order[:n_train]], inputs), y[order[:n_train]]\n"
        f"X_test, y_test = features(X[order[n_train:]], inputs), y[order[n_train:]]\n\n"
        f"weights_rng, dropout_rng, _ = spawn({s['seed'] + 1}, 3)\n"
        + _model(s, session.linears[-1].out_features, session.output_activation) +
        f"loss_fn = get_loss({session.loss_name!r})\n"
        f"config = RunConfig(optimizer={config.optimizer!r}, lr={config.lr!r}, schedule={config.schedule!r}, "
        f"epochs={config.epochs}, step_size={config.step_size}, patience={config.patience})\n"
        f"optimizer = build_optimizer(config, model.parameters())\n"
        f"schedule = build_schedule(config, optimizer, {count_batches(len(session.y_train), s['batch'])})"
        "  # batches per epoch\n"
        f"history = fit(model, loss_fn, optimizer, X_train, y_train, epochs={config.epochs}, batch_size={s['batch']}, "
        f"schedule=schedule, validation_data=(X_test, y_test), seed={s['seed'] + 1}, penalty={penalty})\n"
        f"print(f\"training loss {{history.loss[-1]:.4f}}, test loss {{history.val_loss[-1]:.4f}}\")\n"
    )
