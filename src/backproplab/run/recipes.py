"""Training recipes: how image and CSV runs train where the lab's RunConfig defaults do not fit.

The lab's defaults (RunConfig's own) suit its small networks on 2-D points. Image and CSV
sets train a ReLU network with Adam in float32, per model (``mlp`` or ``cnn``); a data set's
``Source.defaults`` reads its recipe from here.
"""

from ..nn import ACTIVATIONS, LOSSES, CrossEntropyLoss, ReLU
from ..optim import OPTIMIZERS, Adam

# What image and CSV runs use where the lab's RunConfig defaults do not fit, per model.
_TABLE_COMMON = {"activation": (ACTIVATIONS.name_of(ReLU),), "loss": LOSSES.name_of(CrossEntropyLoss), "init": "he",
                 "optimizer": OPTIMIZERS.name_of(Adam),
                 "lr": 0.001, "schedule": "cosine", "print_every": 1, "dtype": "float32"}
# Images train with one cycle of the learning rate (up to lr, then down to almost 0, every batch):
# it reaches a given test accuracy in about a third of the epochs of a cosine decay stepped per epoch.
_IMAGE_RECIPE = {"schedule": "onecycle", "batch_size": 128}
TABLE_DEFAULTS = {
    "mlp": {**_TABLE_COMMON, **_IMAGE_RECIPE, "hidden": (256, 128), "dropout": 0.2, "epochs": 20, "lr": 0.002},
    "cnn": {**_TABLE_COMMON, **_IMAGE_RECIPE, "hidden": (128,), "dropout": 0.25, "epochs": 5, "lr": 0.004},
}
# Where an image set needs more than TABLE_DEFAULTS: clothes are harder to tell apart than digits, and
# Fashion-MNIST's CNN needs a longer cycle: 9 epochs reach 91.97% where 7 reach 91.26% (seed 0).
IMAGE_SET_DEFAULTS = {"fashion-mnist": {"cnn": {"epochs": 9}}}
# A CSV table is most often a few features and a few hundred rows: a small MLP without dropout.
# (--model cnn on a table of 28x28 images takes the images' defaults.)
CSV_DEFAULTS = {
    "mlp": {**_TABLE_COMMON, "hidden": (64, 32), "dropout": 0.0, "epochs": 100, "batch_size": 32},
    "cnn": TABLE_DEFAULTS["cnn"],
}


def recipe(kind, name):
    """Per model, the RunConfig defaults that the data set ``name`` of ``kind`` ("points", "images"
    or "csv") changes: none for 2-D points, the image recipe with the set's own changes, the CSV recipe."""
    if kind == "images":
        own = IMAGE_SET_DEFAULTS.get(name, {})
        return {model: {**defaults, **own.get(model, {})} for model, defaults in TABLE_DEFAULTS.items()}
    return {"points": {}, "csv": CSV_DEFAULTS}[kind]
