"""Running the registered checks over a log: :func:`check_log` over frames, :func:`audit`
over a loaded log, and :func:`format_violation` for one line of ``govsim check``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from govsim.checks.context import LogContext, Violation
from govsim.checks.registry import INVARIANTS
from govsim.core.calendar import WorkCalendar
from govsim.core.org import Organisation
from govsim.core.runtime import collector_paused
from govsim.log.read import LoadedLog
from govsim.scenario.models import Scenario


def check_log(
    events: pd.DataFrame,
    cases: pd.DataFrame,
    org: Organisation,
    cal: WorkCalendar,
    only: list[str] | None = None,
    scenario: Scenario | None = None,
    colour_rule: Any = None,
) -> list[Violation]:
    """Run every invariant (or those in ``only``) and return all violations found.

    ``scenario`` supplies the knobs some checks depend on (the 补位 policy, the A80 lead, the
    ledger's colour thresholds); without it their defaults are assumed. ``colour_rule``
    overrides the scenario's ``[ledger.colour]`` (K62) for INV-S04."""
    if colour_rule is None and scenario is not None and scenario.ledger is not None:
        colour_rule = scenario.ledger.colour
    ctx = LogContext(
        events.reset_index(drop=True), cases, org, cal, colour_rule=colour_rule, sc=scenario
    )
    out: list[Violation] = []
    with collector_paused():
        for name, spec in INVARIANTS.items():
            if only is None or name in only:
                out += spec.check(ctx)
    return out


def audit(log: LoadedLog) -> list[Violation]:
    """Every invariant of :data:`govsim.checks.INVARIANTS` over the log."""
    return check_log(log.events, log.cases, log.org, log.cal, scenario=log.scenario)


def format_violation(v: Violation, log: LoadedLog) -> str:
    """``INV-D14 (A57) case 12: routed to vm_2, but … [line 45]`` — one line per violation."""
    case = f" case {log.case_label(v.case)}" if v.case is not None else ""
    where = f" [{log.where(v.events)}]" if v.events else ""
    return f"{v.invariant} ({v.article}){case}: {v.message}{where}"
