"""KPIs and daily series computed from an event log (and the static calendar/organisation).

Each KPI family and each series reporter is registered by name (:mod:`.registry`) with the
scenario sections it needs; :func:`compute` runs those that apply on a shared view of the log
(:mod:`.view`). One module per family: documents (the core), countersign, signing, legality,
availability (leave and substitution), backlog, ledger (with the A74 year table) and
meetings; shared helpers in :mod:`.helpers`; activity names in :mod:`.vocab`.
"""

from govsim.kpis import (  # noqa: F401  (importing a family module registers it)
    availability,
    backlog,
    countersign,
    desks,
    documents,
    ledger,
    ledger_year,
    legality,
    meetings,
    signing,
)
from govsim.kpis.availability import absence_table
from govsim.kpis.backlog import backlog_series
from govsim.kpis.compute import KpiResult, compute, replication_kpis
from govsim.kpis.helpers import holding_intervals, pair_visits
from govsim.kpis.ledger import ledger_daily, ledger_items, ledger_kpis
from govsim.kpis.ledger_year import ledger_year_table
from govsim.kpis.meetings import meeting_kpis
from govsim.kpis.registry import FAMILIES, SERIES, families_for, series_for
from govsim.kpis.vocab import CASE_TYPES

__all__ = [
    "CASE_TYPES",
    "FAMILIES",
    "SERIES",
    "KpiResult",
    "absence_table",
    "backlog_series",
    "compute",
    "families_for",
    "holding_intervals",
    "ledger_daily",
    "ledger_items",
    "ledger_kpis",
    "ledger_year_table",
    "meeting_kpis",
    "pair_visits",
    "replication_kpis",
    "series_for",
]
