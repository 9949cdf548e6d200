"""Checkpoints: everything needed to continue an interrupted run exactly where it stopped.

One ``.npz`` file, rewritten atomically after every epoch, holds the model's
parameters and buffers, the optimizer's state, the early-stopping state, a
JSON record of the History, the schedule, the random generators' states and
the caller's metadata (e.g. the run's configuration). Resuming restores all of
it, so a resumed run continues with the same batches and the same updates as
one that was never interrupted.
"""

import json
import os

import numpy as np

from ..errors import ModelFileError
from ..model_file import write_npz_atomically
from ..npz_file import NpzFile
from .callbacks import Callback
from .history import History

FORMAT = "backproplab-checkpoint"
_RECORD = "__record__"


def generators(model, *extra):
    """The random Generators a run draws from: ``extra`` ones, then every layer's ``rng``."""
    found = list(extra)
    for module in model.modules():
        if isinstance(getattr(module, "rng", None), np.random.Generator):
            found.append(module.rng)
    return found


class Checkpoint(Callback):
    """Write a checkpoint to ``path`` at the end of every epoch."""

    def __init__(self, path, optimizer, *, schedule=None, early_stopping=None, rngs=(), metadata=None):
        self.path, self.optimizer, self.schedule = os.fspath(path), optimizer, schedule
        self.early_stopping, self.rngs, self.metadata = early_stopping, list(rngs), metadata or {}

    def on_epoch_end(self, history, model):
        self.save(history, model)
        return False

    def save(self, history, model):
        optimizer = self.optimizer.state_dict()
        arrays = {f"model:{k}": v for k, v in model.state_dict().items()}
        arrays.update((f"optimizer:{i}.{name}", value) for i, entry in optimizer["state"].items()
                      for name, value in entry.items() if name != "step")
        record = {
            "format": FORMAT,
            "history": history.as_dict(),
            # The optimizer's state_dict() without its arrays, which are stored as optimizer:<i>.<name>
            "optimizer": {"param_groups": optimizer["param_groups"],
                          "steps": {str(i): entry["step"] for i, entry in optimizer["state"].items()}},
            "schedule": self.schedule.state_dict() if self.schedule is not None else None,
            "rngs": [g.bit_generator.state for g in generators(model, *self.rngs)],
            "metadata": self.metadata,
        }
        if self.early_stopping is not None:
            scalars, best = self.early_stopping.state_dict()
            record["early_stopping"] = scalars
            arrays.update((f"best:{k}", v) for k, v in best.items())
        arrays[_RECORD] = np.frombuffer(json.dumps(record).encode("utf-8"), dtype=np.uint8)
        write_npz_atomically(self.path, arrays)


def read_checkpoint(path):
    """(record dict, arrays) of the checkpoint at ``path``; a clear error if it is not one.

    Only the record is read here. ``arrays`` maps each array's name to its value
    but reads nothing until ``restore`` has judged every name and shape against
    the run it goes into.
    """
    path = os.fspath(path)
    npz = NpzFile(path, "checkpoint")
    try:
        record = npz.record(_RECORD)
    except KeyError:
        record = None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        npz.close()
        raise ModelFileError(f"{path!r} is not a backproplab checkpoint")
    npz.close()
    shapes = {"history": dict, "optimizer": dict, "rngs": list, "metadata": dict}
    for key, kind in shapes.items():
        if not isinstance(record.get(key), kind):
            raise ModelFileError(f"checkpoint {path!r} is damaged: its record has no valid {key!r}; "
                                 "start the run again (or restore the file)")
    if not isinstance(record["history"].get("epoch"), list):
        raise ModelFileError(f"checkpoint {path!r} is damaged: its history lists no epochs; start the run again")
    return record, CheckpointArrays(path)


class CheckpointArrays(dict):
    """A checkpoint's arrays, read on ``load(shapes)`` once each name and shape has been judged."""

    def __init__(self, path):
        super().__init__()
        self.path = path

    def load(self, shapes):
        # The optimizer's state exists after the first update, the best weights once there is a best.
        with NpzFile(self.path, "checkpoint") as npz:
            npz.expect(shapes, "this run", required=[name for name in shapes if name.startswith("model:")])
            self.update((name, npz.read(name)) for name in shapes if name in npz.members)
        return self


def expected_shapes(model, optimizer, early_stopping):
    """Name -> shape of every array a checkpoint of this run may hold."""
    shapes = {f"model:{k}": v.shape for k, v in model.state_dict().items()}
    shapes.update((f"optimizer:{i}.{name}", a.shape) for i, entry in enumerate(optimizer.state)
                  for name, a in entry.items())
    if early_stopping is not None:
        shapes.update((f"best:{k}", v.shape) for k, v in model.state_dict().items())
    return shapes


def optimizer_state(record, arrays):
    """The optimizer's ``state_dict()`` put back together from a checkpoint's record and arrays."""
    saved = record["optimizer"]
    if "param_groups" not in saved:
        raise ModelFileError("this checkpoint was written by an older backproplab, whose optimizer state "
                             "cannot be resumed; start the run again")
    state = {}
    for key, value in arrays.items():
        index, name = key.split(".", 1)
        state.setdefault(int(index), {"step": saved["steps"][index]})[name] = value
    return {"state": state, "param_groups": saved["param_groups"]}


def restore(record, arrays, model, optimizer, *, schedule=None, early_stopping=None, rngs=()):
    """Put the run saved in (record, arrays) back into these objects; returns its History."""
    if isinstance(arrays, CheckpointArrays):
        arrays = arrays.load(expected_shapes(model, optimizer, early_stopping))
    part = lambda prefix: {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}  # noqa: E731
    try:
        model.load_state_dict(part("model:"))
        optimizer.load_state_dict(optimizer_state(record, part("optimizer:")))
        if schedule is not None and record.get("schedule") is not None:
            schedule.load_state_dict(record["schedule"])
        if early_stopping is not None and "early_stopping" in record:
            early_stopping.load_state_dict(record["early_stopping"], part("best:"))
        for generator, state in zip(generators(model, *rngs), record["rngs"]):
            generator.bit_generator.state = state  # a foreign or damaged state raises here
        return History(**record["history"])
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as e:  # ConfigError is a ValueError
        raise ModelFileError(f"the checkpoint does not fit this run or is damaged ({type(e).__name__}: {e}); "
                             "start the run again") from None

