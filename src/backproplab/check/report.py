"""A graded submission as text, as JSON, and as the results file a grading tool reads."""

import json

from .grading import explained


def _declared(d):
    if not d:
        return ""
    sizes = "-".join(map(str, d["sizes"]))
    output = f"/{d['output_activation']}" if d.get("output_activation") else ""
    return (f"{sizes} {d['activation']}{output}, {d['loss']} ({d['reduction']}), W {d['weights']}, "
            f"b {d['biases']}")


def _cell(comparison):
    if comparison is None:
        return "—"
    if comparison.problem:
        return comparison.problem
    return f"{comparison.relative:.1e}"


def text(result):
    """The report a student reads: one row per item, then the first difference and the likely mistake."""
    lines = [f"{result.path}: {_declared(result.declared)}".rstrip(": ")]
    if result.error:
        lines.append(f"  FAIL  the code {result.error}")
        lines.append("score 0/1: nothing could be checked")
        return "\n".join(lines)
    width = max(len(row.label) for row in result.rows)
    engine = [_cell(row.engine) + (f" ({row.case})" if row.case else "") for row in result.rows]
    own = [_cell(row.own) for row in result.rows]
    ew, ow = max(len("vs engine"), *map(len, engine)), max(len("vs own Δ"), *map(len, own))
    lines.append(f"  {'item':<{width}}  {'vs engine':<{ew}}  {'vs own Δ':<{ow}}  verdict")
    for row, e, o in zip(result.rows, engine, own):
        verdict = row.verdict + (f": {row.note}" if row.note else "")
        lines.append(f"  {row.label:<{width}}  {e:<{ew}}  {o:<{ow}}  {verdict}")
    if result.crash:
        lines.append(f"stopped: the code {result.crash}")
    for i, (row, mistake) in enumerate(explained(result)):
        lines.append(f"{'first difference' if i == 0 else 'also differs'}: {row.label}: {row.engine.describe()}"
                     + (f" ({row.case})" if row.case else ""))
        lines.append(f"  likely mistake: {mistake}" if mistake else "  no classic mistake gives these numbers")
    for note in result.notes:
        lines.append(f"note: {note}")
    status = "PASS" if result.passed else "FAIL"
    lines.append(f"score {result.score}/{result.total} ({100 * result.score // max(result.total, 1)}%)  {status}")
    return "\n".join(lines)


def _comparison(c):
    if c is None:
        return None
    return {"ok": c.ok, "relative_error": None if c.problem else c.relative,
            "largest_difference": None if c.problem else c.largest, "where": list(c.where), "problem": c.problem}


def as_dict(result):
    chains = explained(result)
    return {
        "path": result.path, "declared": result.declared, "passed": result.passed, "score": result.score,
        "total": result.total, "error": result.error or None, "stopped": result.crash or None, "notes": result.notes,
        "first_difference": chains[0][0].key if chains else None,
        "likely_mistakes": {row.key: mistake or None for row, mistake in chains},
        "items": [{"key": r.key, "label": r.label, "verdict": r.verdict, "note": r.note, "case": r.case,
                   "engine": _comparison(r.engine), "own": _comparison(r.own)} for r in result.rows],
        "seconds": round(result.seconds, 3),
    }


def as_json(result):
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False)


def grading_results(result):
    """Gradescope's results.json format, the one otter-grader writes: a score and one test per item."""
    tests = [{"name": row.label, "score": int(row.passed), "max_score": 1,
              "output": row.note or (row.engine.describe() if not row.engine.ok else "")}
             for row in result.rows if row.graded]
    if result.error:
        tests = [{"name": "the code runs", "score": 0, "max_score": 1, "output": result.error}]
    chains = explained(result)
    output = summary(result)
    return {"score": result.score, "max_score": result.total, "output": output, "tests": tests}


def summary(result):
    """One line: what failed first and why, or that everything passes."""
    if result.error:
        return f"the code {result.error}"
    chains = explained(result)
    if chains:
        row, mistake = chains[0]
        return f"{row.label}: {row.engine.describe()}" + (f"; likely mistake: {mistake}" if mistake else "")
    if result.crash:
        return f"the code {result.crash}"
    return "every item passes"
