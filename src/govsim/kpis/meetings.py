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
from govsim.kpis.helpers import by_case, lookup
from govsim.kpis.registry import kpi_family, section
from govsim.kpis.view import LogView, Setting


def _mean_p90(values: np.ndarray) -> tuple[float, float]:
    if not len(values):
        return math.nan, math.nan
    return float(values.mean()), float(np.percentile(values, 90))


def _of_case(view: LogView, activity: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Each case of ``activity`` (the whole log; one event per case) and its ``column``."""
    rows = view.at(activity)
    return by_case(rows["case"], rows[column], "first")


def _topics(view: LogView, kind_of: tuple[np.ndarray, np.ndarray]) -> dict[str, float]:
    """Topics decided, their waits, deferrals, returns, escalations and postponements."""
    decided = view.at(v.MEETING_DECISION, "after")
    decided_kind = lookup(*kind_of, decided["value"].astype(int))
    out: dict[str, float] = {"topics_decided": len(decided)}

    def wait_days(kinds: tuple[str, ...], since: str) -> np.ndarray:
        mine = decided.select(np.isin(decided_kind, kinds))
        start = view.at(since)
        wait = mine["time"] - lookup(*by_case(start["case"], start["time"], "last"), mine["case"])
        return wait[~np.isnan(wait)] / 1440.0

    waits = wait_days(("executive", "plenary"), v.TOPIC_SUBMITTED)
    out["topic_wait_mean_days"], out["topic_wait_p90_days"] = _mean_p90(waits)
    for kind in ("mayor_office", "special_topic"):
        out[f"{kind}_wait_mean_days"] = _mean_p90(wait_days((kind,), v.TOPIC_REFERRED))[0]
    deferred = view.at(v.TOPIC_DEFERRED, "after")
    for why in v.DEFERRAL_REASONS:
        out[f"topics_deferred_{why}"] = int(deferred.equals("outcome", why).sum())
    for activity, name in v.MEETING_COUNTS:
        out[name] = view.count(activity, "after")
    postponed = view.at(v.MEETING_POSTPONED, "after")
    meeting, on_agenda = np.unique(
        view.at(v.TOPIC_ON_AGENDA)["value"].astype(int), return_counts=True
    )
    topics = lookup(meeting, on_agenda.astype(float), postponed["case"])
    out["topics_postponed"] = int(np.where(np.isnan(topics), 0.0, topics).sum())
    out["quorum_failures"] = int(postponed.equals("outcome", "no_quorum").sum())
    out["chair_failures"] = int(postponed.equals("outcome", "no_chair").sum())
    return out


def _meetings(view: LogView, kind_of: tuple[np.ndarray, np.ndarray]) -> dict[str, float]:
    """Meetings opened by kind, ad-hoc and entrusted ones, the minutes and their waits."""
    out: dict[str, float] = {}
    opened = view.at(v.MEETING_OPENED, "after")
    opened_kind = lookup(*kind_of, opened["case"])
    for kind in v.MEETING_KINDS:
        out[f"meetings_{kind}"] = int((opened_kind == kind).sum())
    how = lookup(*_of_case(view, v.MEETING_CONVENE, "outcome"), opened["case"])
    out["meetings_adhoc"] = int((how == "adhoc").sum())
    out["meetings_entrusted"] = view.count(v.MEETING_ENTRUSTED, "after")
    drafted = _of_case(view, v.MINUTES_DRAFTED, "time")
    signed = view.at(v.MINUTES_SIGNED, "after")
    wait = signed["time"] - lookup(*drafted, signed["case"])
    wait = wait[~np.isnan(wait)] / 60.0
    out["minutes_wait_mean_hours"] = float(wait.mean()) if len(wait) else math.nan
    out["minutes_wait_max_hours"] = float(wait.max()) if len(wait) else math.nan
    for activity, name in v.MEETING_LATE_COUNTS:
        out[name] = view.count(activity, "after")
    ever_signed = view.at(v.MINUTES_SIGNED)["case"]
    out["minutes_unsigned"] = int((~np.isin(drafted[0], ever_signed)).sum())
    return out


def _leader_hours(view: LogView, kind_of: tuple[np.ndarray, np.ndarray]) -> dict[str, float]:
    """Leader hours in meetings adjourned after the warm-up, by kind (A44–A48)."""
    adjourned = view.at(v.MEETING_ADJOURNED, "after")
    # members present at the opening, which may precede the warm-up's end
    present = lookup(*_of_case(view, v.MEETING_OPENED, "value"), adjourned["case"])
    hours = pd.Series(adjourned["value"] * present / 60.0)
    out = {"leader_meeting_hours": float(hours.sum())}
    hours_kind = lookup(*kind_of, adjourned["case"])
    for kind in v.MEETING_KINDS:
        out[f"leader_meeting_hours_{kind}"] = float(hours[hours_kind == kind].sum())
    return out


@kpi_family("meetings", rank=110, applies=section("meetings"))
def meeting_family(view: LogView) -> dict[str, float]:
    """The meeting KPIs of one replication (see the module docstring)."""
    kind_of = _of_case(view, v.MEETING_PLANNED, "outcome")
    return {
        **_topics(view, kind_of),
        **_meetings(view, kind_of),
        **_leader_hours(view, kind_of),
    }


def meeting_kpis(events: pd.DataFrame, cal: WorkCalendar, warmup_days: int = 0) -> dict[str, float]:
    """:func:`meeting_family` of a bare log (KPIs after ``warmup_days``)."""
    return meeting_family(LogView(events, cal=cal, setting=Setting(warmup_days=warmup_days)))
