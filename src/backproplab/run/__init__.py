"""The run layer: a RunConfig (every choice of one run) and building and training a run from it.

It sits between the engine (``nn``, ``optim``, ``data``, ``training``, model files)
and what uses runs (``experiments``, ``lab``, the CLI): it imports the engine, never them.

- ``config``: RunConfig, its grouped, self-describing fields; ``validate``, the rules they keep;
  ``help``, each option's help generated from the fields and the entries that take them;
- ``datasets``: each data set's kind, options and split;
- ``recipes``: how image and CSV runs train by default;
- ``build``: the head and loss, the network, the optimizer and schedule from the registries;
- ``train``: a config prepared (data and network, every size checked) and trained end to end
  (``train_recorded``: with what its written files show, for ``outputs`` to write);
- ``predict``: raw features prepared for a saved model, and its predictions written.
"""

from .build import build_loss, build_model, build_optimizer, build_schedule, check_sizes, choose_head, describe, trained_loss
from .config import RunConfig, dataset_defaults, option
from .datasets import DEFAULT_VAL_SIZE, Split
from .predict import prepare_inputs
from .train import Prepared, TrainedRun, make_data, prepare, random_streams, train, train_recorded

__all__ = [
    "DEFAULT_VAL_SIZE", "Prepared", "RunConfig", "Split", "TrainedRun", "build_loss", "build_model", "build_optimizer",
    "build_schedule", "check_sizes", "choose_head", "dataset_defaults", "describe", "make_data", "option",
    "prepare", "prepare_inputs", "random_streams", "train", "train_recorded", "trained_loss",
]
