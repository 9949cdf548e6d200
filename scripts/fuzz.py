"""Fuzz every reader for longer than the test suite does: ``python scripts/fuzz.py --minutes 5``.

Runs the targets of ``tests/fuzz_targets.py`` (IDX plain and gzip, CSV, model files,
checkpoints, results.jsonl, sweep.json, sweep TOML, metrics.json, trace.json) in turn,
in rounds of fresh random examples, until each has had its share of the time. The
process's address space is capped (``--memory-gib``, 2 by default), so a reader that
allocates what a damaged header claims fails here instead of swapping. Prints, per
target, the examples run, how many were read and how many refused with a one-line
error, and the first example that broke the property, if any; exits 1 if one did.
"""

import argparse
import os
import resource
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402

from fuzz_targets import TARGETS, outcome  # noqa: E402

ROUND = 200  # examples per round: each round draws fresh ones


def fuzz(name, seconds):
    """(counts of outcomes, the failure's text or None) of fuzzing target ``name`` for ``seconds``."""
    strategy, read = TARGETS[name]
    counts = {"ok": 0, "refused": 0}
    examples = strategy()

    @settings(max_examples=ROUND, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(examples)
    def run(data):
        counts[outcome(read, data)] += 1

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            run()
        except Exception:  # the property broke: hypothesis has shrunk the example and says which
            return counts, traceback.format_exc(limit=-3)
    return counts, None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="time for all targets together (default 5)")
    parser.add_argument("--targets", nargs="+", choices=sorted(TARGETS), default=sorted(TARGETS))
    parser.add_argument("--memory-gib", type=float, default=2.0, help="address-space cap (default 2 GiB)")
    args = parser.parse_args(argv)
    cap = int(args.memory_gib * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    failed = False
    share = args.minutes * 60 / len(args.targets)
    print(f"{'target':<14} {'examples':>9} {'read':>7} {'refused':>8}  result")
    for name in args.targets:
        counts, failure = fuzz(name, share)
        total = counts["ok"] + counts["refused"]
        print(f"{name:<14} {total:>9,} {counts['ok']:>7,} {counts['refused']:>8,}  {'FAILED' if failure else 'ok'}",
              flush=True)
        if failure:
            failed = True
            print(failure, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
