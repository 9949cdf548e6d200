"""The page's set-up as a Python script that builds and trains the same network with backproplab."""

from .session import optimisation_config

_HEADER = '''"""{title}"""

from backproplab.nn import Dropout, Linear, Sequential, get_activation, get_loss
from backproplab.playground.datasets import features, generate
from backproplab.rng import spawn
from backproplab.run import RunConfig, build_optimizer, build_schedule
from backproplab.training import fit

'''


def _data(s):
    if s["dataset"] == "csv":
        return ("# your uploaded points: X (N, 2) scaled into [-5, 5], y (N,) labels\n"
                "X, y = ...\n")
    return (f"data_rng, split_rng = spawn({s['seed']}, 2)\n"
            f"X, y = generate({s['dataset']!r}, n={s['points']}, noise_percent={s['noise']}, "
            f"classes={s['classes']}, rng=data_rng)\n")


def _layers(s, n_out, out_activation):
    widths = [len(s["features"]), *s["hidden"], n_out]
    lines = []
    for i, name in enumerate(s["activation"]):
        lines.append(f"    Linear({widths[i]}, {widths[i + 1]}, rng=weights_rng), get_activation({name!r}),")
        if s["dropout"]:
            lines.append(f"    Dropout({s['dropout']}, rng=dropout_rng),")
    lines.append(f"    Linear({widths[-2]}, {widths[-1]}, rng=weights_rng),")
    if out_activation != "identity":
        lines.append(f"    get_activation({out_activation!r}),")
    return "\n".join(lines)


def python_script(session):
    """A script that trains ``session``'s network (its settings, data and losses) from scratch."""
    s = session.settings
    config = optimisation_config(s)
    epochs = s["budget"] or 1000
    regularization = ""
    if s["regularization"] != "none" and s["reg_rate"]:
        regularization = (f"# The page adds {s['regularization'].upper()} regularisation (rate {s['reg_rate']:g}) to each "
                          "weight's gradient; fit has no such hook.\n")
    return _HEADER.format(title="The backproplab playground's set-up, trained by a script.") + _data(s) + (
        f"order = split_rng.permutation(len(y))\n"
        f"n_train = max(1, min(len(y) - 1, round(len(y) * {s['ratio']} / 100)))\n"
        f"inputs = {s['features']!r}\n"
        f"X_train, y_train = features(X[order[:n_train]], inputs), y[order[:n_train]]\n"
        f"X_test, y_test = features(X[order[n_train:]], inputs), y[order[n_train:]]\n\n"
        f"weights_rng, dropout_rng, _ = spawn({s['seed'] + 1}, 3)\n"
        f"model = Sequential(\n{_layers(s, session.linears[-1].out_features, session.output_activation)}\n)\n"
        f"loss_fn = get_loss({session.loss_name!r})\n"
        f"config = RunConfig(optimizer={config.optimizer!r}, lr={config.lr!r}, schedule={config.schedule!r}, "
        f"epochs={config.epochs}, step_size={config.step_size}, patience={config.patience})\n"
        f"optimizer = build_optimizer(config, model.parameters())\n"
        f"schedule = build_schedule(config, optimizer)\n" + regularization +
        f"history = fit(model, loss_fn, optimizer, X_train, y_train, epochs={epochs}, batch_size={s['batch']}, "
        f"schedule=schedule, validation_data=(X_test, y_test), seed={s['seed'] + 1})\n"
        f"print(f\"training loss {{history.loss[-1]:.4f}}, test loss {{history.val_loss[-1]:.4f}}\")\n"
    )
