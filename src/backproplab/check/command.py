"""``backproplab check PATH``: the command line of the checker (its parser options and what it runs)."""

import csv
import io
import json
import os

from ..atomic import write_text
from ..errors import ConfigError
from ..run.threads import workers_note
from .api import check_file, check_folder, is_class_folder, submissions
from .exercise import write_exercise
from .report import as_dict, as_json, grading_results, summary, text
from .sandbox import TIME_LIMIT

FORMATS = ("text", "json")
WORKERS = 2  # submissions checked at once when --workers is not given


def add_arguments(parser):
    parser.add_argument("path", metavar="PATH",
                        help="a student's .py file (with the check protocol, or a check_adapter.py beside it), "
                             "or a folder of such submissions: a whole class")
    parser.add_argument("--format", default="text", help=f"{' or '.join(FORMATS)} (default: text)")
    parser.add_argument("--results", metavar="FILE",
                        help="also write a results file for a grading tool: for one file, Gradescope's results.json "
                             "(as otter-grader writes it); for a folder, a CSV of every submission's score")
    parser.add_argument("--force", action="store_true", help="allow --results to replace an existing file")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, metavar="SECONDS",
                        help=f"wall time one submission may take (default: {TIME_LIMIT:g})")
    parser.add_argument("--workers", type=int, metavar="N",
                        help=f"submissions of a folder checked at once (default: {WORKERS})")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")


def _check_options(args):
    if args.format not in FORMATS:
        raise ConfigError(f"--format {args.format!r} is not one of {', '.join(FORMATS)}; use --format text")
    if not os.path.exists(args.path):
        raise ConfigError(f"{args.path!r} does not exist; give a student's .py file or a folder of submissions")
    if not 0.5 <= args.time_limit <= 600:
        raise ConfigError(f"--time-limit {args.time_limit:g} is outside 0.5..600 seconds; try --time-limit 10")
    if args.workers is not None and args.workers < 1:
        raise ConfigError(f"--workers {args.workers} must be at least 1")
    if args.results and os.path.exists(args.results) and not args.force:
        raise ConfigError(f"--results {args.results!r} already exists; choose another name or add --force")


def run(args, write=print):
    """Check the file or the class folder ``args.path``; 0 when every submission passes every item, else 1."""
    _check_options(args)
    if is_class_folder(args.path):
        note = args.workers and workers_note(args.workers, len(submissions(args.path)), "submission")
        if note and args.format == "text":  # (json output is the results alone)
            write(note)
        results = check_folder(args.path, args.workers or WORKERS, args.time_limit)
        if not results:
            raise ConfigError(f"{args.path!r} holds no submission (.py files, or folders with a check_adapter.py)")
        if args.format == "json":
            write(json.dumps([as_dict(r) for r in results], indent=2, ensure_ascii=False))
        else:
            for line in class_table(results):
                write(line)
        if args.results:
            write_text(args.results, grades_csv(results))
        return 0 if all(r.passed for r in results) else 1
    result = check_file(args.path, args.time_limit)
    write(as_json(result) if args.format == "json" else text(result))
    if args.results:
        write_text(args.results, json.dumps(grading_results(result), indent=2, ensure_ascii=False) + "\n")
    return 0 if result.passed else 1


def _first_position(result):
    """Where a submission first fails, for sorting: code that never ran first, passes last."""
    if result.error:
        return -1
    for i, row in enumerate(result.rows):
        if row.graded and not row.passed:
            return i
    return len(result.rows) + (1 if not result.crash else 0)


def _first_label(result):
    if result.error:
        return "runs at all"
    failing = next((row for row in result.rows if row.graded and not row.passed), None)
    return failing.label if failing else ("—" if not result.crash else "stopped")


def class_table(results):
    """One line per submission, sorted by the first failing item, then a count."""
    ordered = sorted(results, key=lambda r: (_first_position(r), os.path.basename(r.path)))
    names = [os.path.basename(r.path.rstrip("/")) for r in ordered]
    width = max(len("submission"), *map(len, names))
    first_width = max(len("first failing item"), *(len(_first_label(r)) for r in ordered))
    lines = [f"{'submission':<{width}}  {'score':>7}  {'first failing item':<{first_width}}  why"]
    for name, r in zip(names, ordered):
        why = "" if r.passed else summary(r).split("likely mistake: ")[-1]
        lines.append(f"{name:<{width}}  {f'{r.score}/{r.total}':>7}  {_first_label(r):<{first_width}}  {why}")
    passed = sum(r.passed for r in results)
    slowest = max(r.seconds for r in results)
    lines.append(f"{passed} of {len(results)} submissions pass; the slowest took {slowest:.1f} s")
    return lines


def grades_csv(results):
    out = io.StringIO()
    rows = csv.writer(out)
    rows.writerow(["submission", "score", "max_score", "first_failing_item", "summary"])
    for r in results:
        rows.writerow([os.path.basename(r.path.rstrip("/")), r.score, r.total, _first_label(r), summary(r)])
    return out.getvalue()


def add_exercise_arguments(parser):
    parser.add_argument("folder", metavar="DIR", help="folder to write network.py and check_adapter.py into")
    parser.add_argument("--debug", action="store_true", help="show a traceback on errors")


def run_exercise(args, write=print):
    """Write the exercise into ``args.folder`` and say how to check it."""
    for path in write_exercise(args.folder):
        write(f"wrote {path}")
    write(f"fill in forward, backward and update in {os.path.join(args.folder, 'network.py')}, then run:")
    write(f"  backproplab check {args.folder}")
    return 0
