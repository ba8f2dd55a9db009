"""A whole run in one call for ``govsim check`` and ``govsim export``.

A results folder (``govsim run --events all``; ``--events sample`` keeps replication 0 of
each design point) or an events file may hold several replications, told apart by the columns
``variant``, ``point`` and ``replication``. :func:`govsim.log.read.load_logs` reads the files
once and yields those the options select (all of them when none is given); each is then
checked or exported on its own, since invariants and exports work on one replication's log.

``check`` prints a grouped summary first — per invariant: how many violations, its article,
in how many replications, the first few cases — then the details up to ``--max-violations``,
or everything as JSON (``--format json``) for pipelines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from govsim.checks.context import Violation
    from govsim.log.read import LoadedLog

FIRST_CASES = 3
MAX_LISTED_REPLICATIONS = 20


@dataclass
class Audited:
    """One replication's log and what the invariants found in it."""

    log: LoadedLog
    violations: list[Violation]

    @property
    def label(self) -> str:
        return self.log.selection or "the log"


@dataclass
class Findings:
    """Violations of one invariant over the whole run."""

    invariant: str
    article: str
    count: int = 0
    replications: set[str] = field(default_factory=set)
    first: list[str] = field(default_factory=list)


def group(audits: Sequence[Audited]) -> list[Findings]:
    """Per invariant (in order of first appearance): count, article, replications, first cases."""
    from govsim.checks import format_violation

    found: dict[str, Findings] = {}
    for audit in audits:
        for v in audit.violations:
            f = found.setdefault(v.invariant, Findings(v.invariant, v.article))
            f.count += 1
            f.replications.add(audit.label)
            if len(f.first) < FIRST_CASES:
                f.first.append(f"{audit.label}: {format_violation(v, audit.log)}")
    return list(found.values())


def _describe(log: LoadedLog) -> str:
    return f"{log.selection or 'the log'}: {len(log.events)} events, {len(log.cases)} cases"


def report_lines(audits: Sequence[Audited], max_violations: int) -> Iterable[str]:
    """The text report: replications read, grouped summary, then details (capped)."""
    from govsim.checks import INVARIANTS, NOT_YET_CHECKED, format_violation

    yield f"checking {audits[0].log.source}: {len(audits)} replication(s)"
    shown = audits if len(audits) <= MAX_LISTED_REPLICATIONS else audits[:MAX_LISTED_REPLICATIONS]
    for audit in shown:
        n = len(audit.violations)
        yield f"  {_describe(audit.log)}: {f'{n} violation(s)' if n else 'ok'}"
    if len(audits) > len(shown):
        yield f"… and {len(audits) - len(shown)} more replication(s)"
    findings = group(audits)
    total = sum(f.count for f in findings)
    if findings:
        yield "violations by invariant:"
        for f in findings:
            reps = len(f.replications)
            yield f"  {f.invariant} ({f.article}): {f.count} in {reps} replication(s)"
            yield from (f"      {case}" for case in f.first)
        yield (
            f"details (first {max_violations} of {total}):"
            if total > max_violations
            else "details:"
        )
        yield from _details(audits, max_violations, format_violation)
    checked = len(INVARIANTS)
    reps = f"{len(audits)} replication(s) and " if len(audits) > 1 else ""
    if findings:
        detail = ", ".join(f"{f.invariant}: {f.count}" for f in findings)
        yield (
            f"{total} violation(s) of {len(findings)} invariant(s) ({detail}); "
            f"{reps}{checked} invariants checked"
        )
    else:
        yield f"no violations: {reps}{checked} invariants checked ({', '.join(INVARIANTS)})"
    yield "not yet checked:"
    yield from (f"  {item}" for item in NOT_YET_CHECKED)


def _details(audits: Sequence[Audited], limit: int, fmt: Any) -> Iterable[str]:
    left = limit
    for audit in audits:
        if not audit.violations or left <= 0:
            continue
        if len(audits) > 1:
            yield f"[{audit.label}]"
        for v in audit.violations[:left]:
            yield fmt(v, audit.log)
        left -= len(audit.violations)


def report_json(audits: Sequence[Audited], max_violations: int) -> str:
    """The same report as one JSON document (details capped at ``max_violations``)."""
    from govsim.checks import INVARIANTS, NOT_YET_CHECKED

    details = []
    for audit in audits:
        log = audit.log
        for v in audit.violations:
            if len(details) >= max_violations:
                break
            details.append(
                {
                    "variant": log.variant,
                    "point": log.point,
                    "replication": log.replication,
                    "invariant": v.invariant,
                    "article": v.article,
                    "case": None if v.case is None else log.case_label(v.case),
                    "message": v.message,
                    "where": log.where(v.events) if v.events else None,
                }
            )
    findings = group(audits)
    doc = {
        "replications": [
            {
                "source": a.log.source,
                "variant": a.log.variant,
                "point": a.log.point,
                "replication": a.log.replication,
                "events": len(a.log.events),
                "cases": len(a.log.cases),
                "violations": len(a.violations),
            }
            for a in audits
        ],
        "invariants_checked": list(INVARIANTS),
        "summary": [
            {
                "invariant": f.invariant,
                "article": f.article,
                "count": f.count,
                "replications": sorted(f.replications),
                "first": f.first,
            }
            for f in findings
        ],
        "violations": sum(f.count for f in findings),
        "details": details,
        "details_truncated": sum(f.count for f in findings) > len(details),
        "not_yet_checked": list(NOT_YET_CHECKED),
    }
    return json.dumps(doc, indent=1, ensure_ascii=False)


def export_name(log: LoadedLog, fmt: str) -> str:
    """``baseline@load.scale=1.3-rep2.xes``: one file per replication of a whole run."""
    ext = {"ocel": "ocel.json"}.get(fmt, fmt)
    design = log.variant or "log"
    if log.point:
        design += "@" + log.point
    design = "".join(ch if ch.isalnum() or ch in "-_.=@," else "_" for ch in design)
    rep = f"-rep{log.replication}" if log.replication is not None else ""
    return f"{design}{rep}.{ext}"
