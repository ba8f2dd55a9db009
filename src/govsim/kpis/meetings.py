"""Meeting KPIs (A44–A52; RULES §2.0 kpi.meeting.count, kpi.sign.wait), with a ``[meetings]``
section; always the same columns (zeros or NaN without meetings).

Topic wait (executive and plenary topics): materials at the GO (``topic.submitted``, the last
one before the decision) to the meeting's decision, in calendar days; for the mayor's office
and special-topic meetings, referral to decision. Deferrals are events: a topic left off
several agendas counts once per agenda — as late (A49), overflow (K43) or not signed off in
time — or deferred at a meeting; topic-postponements (a topic on the agenda of a meeting
postponed once counts once). Returned for rework, escalated to the executive meeting.
Meetings opened by type, ad-hoc ones among them; minutes wait: drafted to signed, in clock
hours (AMB-10), and minutes still waiting for a signature at the horizon (whenever drafted).
Leader hours: each meeting adjourned after the warm-up, its length times the members present
(a special topic: its chair), by type — observers' time (deputy secretaries-general, the SG
at the mayor's office meeting) is not in it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.kpis import vocab as v
from govsim.kpis.registry import kpi_family, section
from govsim.kpis.view import LogView, Setting


def _mean_p90(values: np.ndarray) -> tuple[float, float]:
    if not len(values):
        return math.nan, math.nan
    return float(values.mean()), float(np.percentile(values, 90))


def _by_case(view: LogView, activity: str, column: str) -> pd.Series:
    """``column`` of each case's ``activity`` event (the whole log), indexed by case."""
    return view.rows(activity).set_index("case")[column]


def _topics(view: LogView, kind_of: pd.Series) -> dict[str, float]:
    """Topics decided, their waits, deferrals, returns, escalations and postponements."""
    decided = view.rows(v.MEETING_DECISION, "after")
    decided_kind = decided["value"].astype(int).map(kind_of)
    out: dict[str, float] = {"topics_decided": len(decided)}

    def wait_days(kinds: tuple[str, ...], since: str) -> np.ndarray:
        mine = decided.loc[decided_kind.isin(kinds)]
        start = view.rows(since).groupby("case", observed=True)["time"].last()
        return (mine["time"] - mine["case"].map(start)).dropna().to_numpy() / 1440.0

    waits = wait_days(("executive", "plenary"), v.TOPIC_SUBMITTED)
    out["topic_wait_mean_days"], out["topic_wait_p90_days"] = _mean_p90(waits)
    for kind in ("mayor_office", "special_topic"):
        out[f"{kind}_wait_mean_days"] = _mean_p90(wait_days((kind,), v.TOPIC_REFERRED))[0]
    deferred = view.rows(v.TOPIC_DEFERRED, "after")["outcome"].to_numpy(dtype=object)
    for why in v.DEFERRAL_REASONS:
        out[f"topics_deferred_{why}"] = int((deferred == why).sum())
    for activity, name in v.MEETING_COUNTS:
        out[name] = view.count(activity, "after")
    postponed = view.rows(v.MEETING_POSTPONED, "after")
    on_agenda = view.rows(v.TOPIC_ON_AGENDA)["value"].astype(int).value_counts()
    out["topics_postponed"] = int(postponed["case"].map(on_agenda).fillna(0).sum())
    outcome = postponed["outcome"].to_numpy(dtype=object)
    out["quorum_failures"] = int((outcome == "no_quorum").sum())
    out["chair_failures"] = int((outcome == "no_chair").sum())
    return out


def _meetings(view: LogView, kind_of: pd.Series) -> dict[str, float]:
    """Meetings opened by kind, ad-hoc and entrusted ones, the minutes and their waits."""
    out: dict[str, float] = {}
    how = _by_case(view, v.MEETING_CONVENE, "outcome").astype(str)
    opened = view.rows(v.MEETING_OPENED, "after")
    opened_kind = opened["case"].map(kind_of).to_numpy(dtype=object)
    for kind in v.MEETING_KINDS:
        out[f"meetings_{kind}"] = int((opened_kind == kind).sum())
    out["meetings_adhoc"] = int((opened["case"].map(how) == "adhoc").sum())
    out["meetings_entrusted"] = view.count(v.MEETING_ENTRUSTED, "after")
    drafted = _by_case(view, v.MINUTES_DRAFTED, "time")
    signed = view.rows(v.MINUTES_SIGNED, "after")
    wait = (signed["time"] - signed["case"].map(drafted)).dropna().to_numpy() / 60.0
    out["minutes_wait_mean_hours"] = float(wait.mean()) if len(wait) else math.nan
    out["minutes_wait_max_hours"] = float(wait.max()) if len(wait) else math.nan
    for activity, name in v.MEETING_LATE_COUNTS:
        out[name] = view.count(activity, "after")
    ever_signed = view.rows(v.MINUTES_SIGNED)["case"]
    out["minutes_unsigned"] = int((~drafted.index.isin(ever_signed)).sum())
    return out


def _leader_hours(view: LogView, kind_of: pd.Series) -> dict[str, float]:
    """Leader hours in meetings adjourned after the warm-up, by kind (A44–A48)."""
    adjourned = view.rows(v.MEETING_ADJOURNED, "after").set_index("case")["value"]
    # members present at the opening, which may precede the warm-up's end
    present = _by_case(view, v.MEETING_OPENED, "value")
    hours = adjourned * present.reindex(adjourned.index) / 60.0
    out = {"leader_meeting_hours": float(hours.sum())}
    hours_kind = hours.index.map(kind_of)
    for kind in v.MEETING_KINDS:
        out[f"leader_meeting_hours_{kind}"] = float(hours[hours_kind == kind].sum())
    return out


@kpi_family("meetings", rank=110, applies=section("meetings"))
def meeting_family(view: LogView) -> dict[str, float]:
    """The meeting KPIs of one replication (see the module docstring)."""
    kind_of = _by_case(view, v.MEETING_PLANNED, "outcome").astype(str)
    return {
        **_topics(view, kind_of),
        **_meetings(view, kind_of),
        **_leader_hours(view, kind_of),
    }


def meeting_kpis(events: pd.DataFrame, cal: WorkCalendar, warmup_days: int = 0) -> dict[str, float]:
    """:func:`meeting_family` of a bare log (KPIs after ``warmup_days``)."""
    return meeting_family(LogView(events, cal=cal, setting=Setting(warmup_days=warmup_days)))
