"""Figures, drawn with matplotlib straight to image files.

The bottom of the upper layer: it knows nothing of runs or sweeps, only of
arrays, histories and file paths. ``outputs`` and ``experiments`` call it.
"""

from .images import confusion_matrix, misclassified_grid
from .points import boundaries_grid, comparison, decision_boundary, draw_boundary, true_boundary
from .style import CLASS_COLOURS, class_colours
from .surface import value_map
from .sweeps import sweep_accuracy, sweep_curves
from .training import learning_curve

__all__ = ["CLASS_COLOURS", "boundaries_grid", "class_colours", "comparison", "confusion_matrix", "decision_boundary",
           "draw_boundary", "learning_curve", "misclassified_grid", "sweep_accuracy", "sweep_curves", "true_boundary",
           "value_map"]
