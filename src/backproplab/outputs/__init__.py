"""Outputs: one run written to a folder of files (figures, model.npz, metrics.json).

Above the run layer (it trains through ``build``) and ``plots`` (it draws
through them); below ``experiments``, ``report`` and the command line.
"""

from .folders import check_run_folder, lock_folder, new_run_folder, release_folders, remove_if_empty
from .image_run import CHECKPOINT, run_images_to_folder
from .metrics import run_metrics, versions, write_metrics
from .points_run import run_to_folder
from .predictions import confusion, positive_class_scores, sample_lines

__all__ = ["CHECKPOINT", "check_run_folder", "confusion", "lock_folder", "new_run_folder", "positive_class_scores",
           "release_folders", "remove_if_empty", "run_images_to_folder",
           "run_metrics", "run_to_folder", "sample_lines", "versions", "write_metrics"]
