"""Property-based fuzzing of every reader: damaged files get backproplab's own one-line error or are read.

Each target (``fuzz_targets.TARGETS``) starts from a valid file and damages it. The
fast tier runs a fixed, modest number of examples per target, the same every time
(derandomized); the slow tier runs more, and ``scripts/fuzz.py`` runs them for as long
as asked.
"""

import pytest
from hypothesis import HealthCheck, given, settings

from fuzz_targets import TARGETS, outcome

FAST, SLOW = 40, 300


def _fuzz(name, examples, derandomize):
    strategy, read = TARGETS[name]

    @settings(max_examples=examples, deadline=None, derandomize=derandomize, database=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy())
    def run(data):
        outcome(read, data)

    run()


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_reader_keeps_the_property_on_damaged_files(name):
    _fuzz(name, FAST, derandomize=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_reader_keeps_the_property_on_many_more_damaged_files(name):
    _fuzz(name, SLOW, derandomize=False)
