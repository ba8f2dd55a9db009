"""The one entry point: every KPI family and series reporter that applies to a scenario, run
on one replication's log through a shared :class:`~govsim.kpis.view.LogView`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.kpis.registry import core_families, families_for, series_for
from govsim.kpis.view import LogView, Setting


@dataclass
class KpiResult:
    """One replication's KPIs (one flat row) and its series frames, by series name (each
    feeds ``<name>.parquet``)."""

    kpis: dict[str, float]
    series: dict[str, pd.DataFrame] = field(default_factory=dict)


def compute(
    events: pd.DataFrame, cases: pd.DataFrame, sc: Any, cal: WorkCalendar, org: Any
) -> KpiResult:
    """The KPIs and series of one replication of ``sc`` (``org``: its organisation).

    Reads only the log's frames and the static context, so it works on simulated and
    converted real logs alike. KPIs cover documents *created* at or after the warm-up;
    series cover every day.
    """
    view = LogView(events, cases, cal, Setting.of(sc, org))
    kpis: dict[str, float] = {}
    for family in families_for(sc):
        kpis.update(family.compute(view))
    return KpiResult(kpis, {s.name: s.compute(view) for s in series_for(sc)})


def replication_kpis(
    events: pd.DataFrame,
    cases: pd.DataFrame,
    cal: WorkCalendar,
    leaders: Sequence[str],
    go_reviewers: int,
    warmup_days: int = 0,
    leader_roles: dict[str, str] | None = None,
    units: Sequence[str] = (),
) -> dict[str, float]:
    """The KPIs every scenario reports (the families that always apply), for a bare log;
    leaders count as vice mayors unless ``leader_roles`` says otherwise (see
    ``docs/results.md`` for each column)."""
    setting = Setting(
        leaders=tuple(leaders),
        go_reviewers=go_reviewers,
        warmup_days=warmup_days,
        leader_roles=leader_roles or dict.fromkeys(leaders, "vice_mayor"),
        units=tuple(units),
    )
    view = LogView(events, cases, cal, setting)
    out: dict[str, float] = {}
    for family in core_families():
        out.update(family.compute(view))
    return out
