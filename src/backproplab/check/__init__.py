"""Check your own backprop: grade a student's network against the engine and name the first mistake.

``check_file(path)`` runs the student's file in a child process (see
``sandbox``), compares every forward value, gradient and update with the
engine's (``reference``) and with central differences of the student's own
forward pass, and names the classic mistake (``mistakes``) whose numbers are
the student's. ``protocol`` says what the student's file declares.
``StudentEngine(path)`` trains the lab's data sets with a network that passes
(``lab --engine``, ``train --engine``).
"""

from .api import check_file, check_folder
from .engine_run import StudentEngine, student_config
from .grading import Result
from .report import as_dict, as_json, grading_results, text
from .trace_beside import trace_beside

__all__ = ["Result", "StudentEngine", "as_dict", "as_json", "check_file", "check_folder", "grading_results",
           "student_config", "text", "trace_beside"]
