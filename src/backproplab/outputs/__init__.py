"""Outputs: one run written to a folder of files (figures, model.npz, metrics.json).

They only write: the run layer trains a run (``run.train_recorded``) and these
write it. Above the run layer and ``plots`` (they draw through them); below
``experiments``, ``report`` and the command line.
"""

from .folders import check_run_folder, lock_folder, new_run_folder, release_folders, remove_if_empty
from .image_run import CHECKPOINT, write_image_run
from .metrics import run_metrics, versions, write_diagnosis, write_metrics
from .points_run import write_points_run
from .predictions import confusion, positive_class_scores, sample_lines

__all__ = ["CHECKPOINT", "check_run_folder", "confusion", "lock_folder", "new_run_folder", "positive_class_scores",
           "release_folders", "remove_if_empty", "run_metrics", "sample_lines", "versions", "write_diagnosis",
           "write_image_run", "write_metrics", "write_points_run"]
