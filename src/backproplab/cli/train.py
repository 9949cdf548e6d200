"""``backproplab train``: any network on generated points, images or a CSV table; ``--resume`` continues one."""

import os

from ..errors import BackproplabError, ConfigError, WriteError
from .lab import add_engine_arguments, engine_of
from .options import add_config_options, add_output_options, config_options


def add_parser(sub):
    train = sub.add_parser("train", help="train any network on generated points, MNIST, Fashion-MNIST or a CSV",
                           description="Train a network with every choice exposed. On 2-D points it writes the same files as one "
                                       "data set of 'lab'; on images or a CSV also a confusion matrix, misclassified "
                                       "images and a checkpoint after every epoch (--resume).",
                           arguments=_add_arguments)


def _add_arguments(train):
    """The options of 'train', added on its parser's first use: RunConfig's fields import the run layer."""
    train.add_argument("--resume", metavar="RUN_DIR",
                       help="continue the interrupted image/CSV run in RUN_DIR from its last finished epoch")
    add_output_options(add_config_options(train)["output"], "<dataset>")
    add_engine_arguments(train, "the run (2-D point sets)")


def run(args, write):
    if args.resume and args.engine:
        raise ConfigError("--resume continues an image or CSV run, and --engine trains 2-D points; drop one")
    if args.resume:
        return _resume(args, write)
    # Here and below, not at the top: the writers of a run's files import matplotlib, which --help does not need.
    from ..outputs import CHECKPOINT, check_run_folder, new_run_folder, remove_if_empty, write_diagnosis, write_points_run
    from ..run import RunConfig, describe, prepare, train_recorded

    given = config_options(args)
    engine = engine_of(args)
    config = RunConfig.for_dataset(**given)
    if engine is not None:
        config = engine.config_for(config, given)
    if args.out is not None:
        check_run_folder(args.out, args.force)  # before reading data, which can take a while
    # Data read and network built first: a bad size or data file is then the only output, with no folder made.
    # A batch size the user did not give may become the whole of a table smaller than it.
    prepared = prepare(config, fit_default_batch=args.batch_size is None)
    config = prepared.config
    folder = new_run_folder(args.out, config.dataset, args.force)
    write(f"writing to {folder}")
    if engine is not None:
        write(engine.introduction())
    write(f"== {config.dataset if engine is None else engine.title(config.dataset)}: {describe(config)} ==")
    if prepared.note:
        write(prepared.note)
    try:
        if config.is_table:
            write(f"checkpoint after every epoch: {os.path.join(folder, CHECKPOINT)} "
                  f"(continue an interrupted run with: backproplab train --resume {folder})")
            metrics = _run_images(config, folder, write, prepared=prepared)
        elif engine is not None:
            metrics = write_points_run(engine.train(config, write), folder, write, title=engine.title(config.dataset))
        else:
            metrics = write_points_run(train_recorded(config, write, prepared=prepared), folder, write)
    except BackproplabError:
        remove_if_empty(folder)  # an error before anything was written leaves no empty run folder behind
        raise
    write(f"figures, model and metrics in {folder}")
    write_diagnosis(metrics, write)  # last, where it is seen: what went wrong, why, what to try
    return 1 if metrics["diverged"] else 0


def _resume(args, write):
    from ..outputs import CHECKPOINT, lock_folder, write_diagnosis
    from ..run import RunConfig, describe, option, prepare
    from ..training import read_checkpoint

    extra = sorted(set(config_options(args)) | ({"out"} if args.out else set()))
    if extra:
        raise ConfigError(
            f"--resume continues the saved run with its own settings; drop {', '.join(option(n) for n in extra)}"
        )
    path = os.path.join(args.resume, CHECKPOINT)
    if not os.path.isfile(path):
        raise ConfigError(f"--resume {args.resume!r}: no {CHECKPOINT} there; give the folder of an image or CSV run")
    lock_folder(args.resume)
    record, _ = read_checkpoint(path)
    config = RunConfig.from_dict(record["metadata"]["config"])
    done = len(record["history"]["epoch"])
    prepared = prepare(config)  # e.g. data files that are gone: the only output
    write(f"== {config.dataset}: {describe(config)} ==")
    if done >= config.epochs or record["history"]["stop_reason"] != "completed":
        write(f"the run in {args.resume} already finished ({done} epoch{'' if done == 1 else 's'}); writing its results again")
    metrics = _run_images(config, args.resume, write, resume=True, prepared=prepared)
    write(f"figures, model and metrics in {args.resume}")
    write_diagnosis(metrics, write)
    return 1 if metrics["diverged"] else 0


def _run_images(config, folder, write, resume=False, prepared=None):
    """An image or CSV run into ``folder``; a refused write names the command that continues from the checkpoint."""
    from ..outputs import CHECKPOINT, write_image_run
    from ..run import train_recorded

    try:
        return write_image_run(train_recorded(config, write, prepared, os.path.join(folder, CHECKPOINT), resume), folder, write)
    except WriteError as e:
        raise with_resume_command(e, folder, CHECKPOINT, "train") from None


def with_resume_command(error, folder, saved, command):
    """A refused write (``error``), naming ``backproplab COMMAND --resume FOLDER`` once ``folder`` holds ``saved``."""
    if not os.path.isfile(os.path.join(folder, saved)):
        return error  # nothing saved yet to continue from
    return WriteError(f"{error}; then continue with: backproplab {command} --resume {folder}")
