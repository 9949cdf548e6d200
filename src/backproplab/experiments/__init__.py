"""Experiments: sweeps over settings and seeds, their summaries and figures.

Above ``outputs`` and ``plots`` (and the run layer they train through);
below ``report`` and the command line. ``spec`` says what a sweep runs,
``sweep`` runs it, ``summary`` and ``figures`` say what it found.
"""

from .figures import write_sweep_outputs
from .results import SweepResults
from .spec import SweepSpec, coerce, model_file_name, parse_vary, point_label, read_spec, run_key
from .summary import sentences, summarize
from .summary_table import table
from .sweep import read_results, read_sweep, run_one, run_sweep

__all__ = ["SweepResults", "SweepSpec", "coerce", "model_file_name", "parse_vary", "point_label", "read_results",
           "read_spec", "read_sweep", "run_key", "run_one", "run_sweep", "sentences", "summarize", "table",
           "write_sweep_outputs"]
