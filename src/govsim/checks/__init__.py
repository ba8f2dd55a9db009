"""The rules' invariants (RULES §8.2) as checks over an event log, by rule family.

Each check restates its article independently of the model's decision code in
:mod:`govsim.rules` — it reads only the log, the case table, the organisation and the
calendar — so a wrong rule function shows up here as a violation (DESIGN: Rules are written
once; invariants restate them).

One module per family registers its checks (:func:`~govsim.checks.registry.invariant`):
:mod:`~govsim.checks.documents` (INV-D01 … D06, D12 … D17: intake, routing, leaders' acts,
instructions), :mod:`~govsim.checks.countersign` (INV-D07 … D11), :mod:`~govsim.checks.signing`
(INV-O01 … O09, O11: outgoing documents, the A61 matrix, contracts),
:mod:`~govsim.checks.legality` (INV-N01, N03), :mod:`~govsim.checks.ledger` (INV-S01, S04,
S05), :mod:`~govsim.checks.engineering` (INV-E01 … E04), :mod:`~govsim.checks.leave`
(INV-L01, L03 … L08, L10, L11: leaders' blocks away from the desk),
:mod:`~govsim.checks.meetings` (INV-M01 … M09, M12) and
:mod:`~govsim.checks.desks` (INV-U01, U02: staff and office hours of units' desks). They share
the views of :mod:`~govsim.checks.views`, derived once per log, and the activity names of
:mod:`~govsim.checks.vocab`. Invariants of parts not yet modelled (seals, department
meetings, …) are listed in :data:`NOT_YET_CHECKED`.
"""

from __future__ import annotations

from govsim.checks import (  # noqa: F401  (importing a family module registers its checks)
    countersign,
    desks,
    documents,
    engineering,
    leave,
    ledger,
    legality,
    meeting_calendar,
    meetings,
    signing,
)
from govsim.checks.audit import audit, check_log, format_violation
from govsim.checks.context import Check, LogContext, RuleParams, Violation, params_from_scenario
from govsim.checks.registry import (
    FAMILIES,
    INVARIANTS,
    NOT_YET_CHECKED,
    InvariantSpec,
    invariant,
    invariant_group,
)

__all__ = [
    "FAMILIES",
    "INVARIANTS",
    "NOT_YET_CHECKED",
    "Check",
    "InvariantSpec",
    "LogContext",
    "RuleParams",
    "Violation",
    "audit",
    "check_log",
    "format_violation",
    "invariant",
    "invariant_group",
    "params_from_scenario",
]
