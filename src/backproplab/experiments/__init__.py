"""Experiments: sweeps over settings and seeds, their summaries and figures."""

from .summary import sentences, summarize
from .sweep import SweepSpec, read_results, read_spec, run_sweep

__all__ = ["SweepSpec", "read_results", "read_spec", "run_sweep", "sentences", "summarize"]
