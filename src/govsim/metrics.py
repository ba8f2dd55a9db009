"""KPIs and backlog series computed from an event log (and the static calendar/organisation).

Reads only the log's frames, so it works on simulated and converted real logs alike. KPIs
cover documents *created* at or after the warm-up; backlog series cover every day.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from govsim.calendar import WorkCalendar
from govsim.org import GO

PERCENTILES = (50, 90, 95)
CASE_TYPES = ("request", "report")


def _times(events: pd.DataFrame, activity: str | Sequence[str]) -> pd.DataFrame:
    acts = [activity] if isinstance(activity, str) else list(activity)
    return events.loc[events["activity"].isin(acts)]


def pair_visits(enter: pd.DataFrame, leave: pd.DataFrame) -> pd.DataFrame:
    """Match the k-th ``enter`` event of each case with its k-th ``leave`` event.

    Returns ``case``, ``time_in``, ``time_out`` (NaN while not left) and ``start`` (when work
    on the visit began, from the leaving event).
    """
    a = enter[["case", "time"]].assign(k=enter.groupby("case", observed=True).cumcount())
    b = leave[["case", "time", "start"]].assign(k=leave.groupby("case", observed=True).cumcount())
    return a.merge(b, on=["case", "k"], how="left", suffixes=("_in", "_out"))


def holding_intervals(events: pd.DataFrame, holder: str) -> tuple[np.ndarray, np.ndarray]:
    """When each work item entered and left ``holder``'s hands (exit = inf while still held).

    The GO holds a document from ``go.received`` to ``go.reviewed`` and an instruction from
    ``leader.instructed`` to ``go.transferred``; a leader holds a document from
    ``doc.routed`` to it until its ``leader.approved`` / ``leader.circle_read``.
    """
    if holder == GO:
        pairs = [
            ("go.received", "go.reviewed", None),
            ("leader.instructed", "go.transferred", None),
        ]
    else:
        pairs = [("doc.routed", ("leader.approved", "leader.circle_read"), holder)]
    enters, exits = [], []
    for enter_act, exit_act, who in pairs:
        ent = _times(events, enter_act)
        ext = _times(events, exit_act)
        if who is not None:
            ent = ent.loc[ent["target"] == who]
            ext = ext.loc[(ext["actor"] == who) | (ext["on_behalf"] == who)]
        visits = pair_visits(ent, ext)
        enters.append(visits["time_in"].to_numpy())
        exits.append(visits["time_out"].fillna(math.inf).to_numpy())
    return np.concatenate(enters), np.concatenate(exits)


def backlog_series(events: pd.DataFrame, cal: WorkCalendar, holders: Sequence[str]) -> pd.DataFrame:
    """Items held at the end of each simulated day, per holder (long format).

    Columns: ``day`` (date), ``holder``, ``backlog``.
    """
    days = cal.days
    ends = (np.arange(days) + 1) * 1440.0
    dates = [cal.start + pd.Timedelta(days=int(i)) for i in range(days)]
    frames = []
    for holder in holders:
        enter, exit_ = holding_intervals(events, holder)
        enter.sort()
        exit_.sort()
        held = np.searchsorted(enter, ends, side="right") - np.searchsorted(
            exit_, ends, side="right"
        )
        frames.append(
            pd.DataFrame({"day": dates, "holder": holder, "backlog": held.astype(np.int32)})
        )
    out = pd.concat(frames, ignore_index=True)
    out["holder"] = pd.Categorical(out["holder"], categories=list(holders))
    return out


def _cycle_stats(prefix: str, cal_days: np.ndarray, work_days: np.ndarray) -> dict[str, float]:
    out: dict[str, float] = {}
    for unit, values in (("days", cal_days), ("wd", work_days)):
        has = values.size > 0
        out[f"{prefix}_mean_{unit}"] = float(values.mean()) if has else math.nan
        for p in PERCENTILES:
            out[f"{prefix}_p{p}_{unit}"] = float(np.percentile(values, p)) if has else math.nan
    return out


def replication_kpis(
    events: pd.DataFrame,
    cases: pd.DataFrame,
    cal: WorkCalendar,
    leaders: Sequence[str],
    go_reviewers: int,
    warmup_days: int = 0,
) -> dict[str, float]:
    """One row of KPIs for one replication (see ``docs/results.md`` for each column)."""
    warm = warmup_days * 1440.0
    horizon = cal.horizon_minutes
    kept = cases.loc[cases["created"] >= warm]
    kept_ids = kept["case"].to_numpy()
    ev = events.loc[events["case"].isin(kept_ids)]
    closed = _times(ev, "doc.closed").set_index("case")["time"]
    withdrawn = _times(ev, "doc.withdrawn").set_index("case")["time"]
    out: dict[str, float] = {}
    for ctype in CASE_TYPES:
        sub = kept.loc[kept["case_type"] == ctype]
        done = sub.loc[sub["case"].isin(closed.index)]
        n_withdrawn = int(sub["case"].isin(withdrawn.index).sum())
        out[f"arrived_{ctype}"] = len(sub)
        out[f"done_{ctype}"] = len(done)
        out[f"withdrawn_{ctype}"] = n_withdrawn
        out[f"open_{ctype}"] = len(sub) - len(done) - n_withdrawn
        t0 = done["created"].to_numpy()
        t1 = closed.loc[done["case"]].to_numpy()
        work = np.array([cal.working_days_between(a, b) for a, b in zip(t0, t1, strict=True)])
        out.update(_cycle_stats(f"cycle_{ctype}", (t1 - t0) / 1440.0, work))

    reviews = _times(ev, "go.reviewed")
    n_return = int((reviews["outcome"] == "return").sum())
    out["go_reviews"] = len(reviews)
    out["go_returns"] = n_return
    out["go_return_rate"] = n_return / len(reviews) if len(reviews) else math.nan
    visits = pair_visits(_times(ev, "go.received"), reviews).dropna(subset=["start"])
    waits = (visits["start"] - visits["time_in"]).to_numpy()
    out["go_wait_mean_hours"] = float(waits.mean() / 60.0) if len(waits) else math.nan

    transferred = _times(ev, "go.transferred")
    replies = _times(ev, "dept.replied")
    overdue_open = transferred.loc[
        (transferred["deadline"] < horizon) & ~transferred["case"].isin(replies["case"])
    ]
    late = int((replies["outcome"] == "late").sum())
    out["instructions"] = len(transferred)
    out["instr_replied_on_time"] = int((replies["outcome"] == "on_time").sum())
    out["instr_replied_late"] = late
    out["instr_overdue_open"] = len(overdue_open)
    due = len(replies) + len(overdue_open)
    out["instr_breach_rate"] = (late + len(overdue_open)) / due if due else math.nan

    office = cal.work_elapsed(horizon) - cal.work_elapsed(warm)
    all_after = events.loc[events["time"] >= warm]
    go_work = _times(all_after, ("go.reviewed", "go.transferred"))["value"].sum()
    out["util_go"] = float(go_work / (office * go_reviewers)) if office else math.nan
    acts = _times(all_after, ("leader.approved", "leader.circle_read"))
    per_leader = acts.groupby("actor", observed=True)["value"].sum()
    for leader in leaders:
        out[f"util_{leader}"] = float(per_leader.get(leader, 0.0) / office) if office else math.nan

    backlog = backlog_series(events, cal, [GO, *leaders])
    after = backlog.loc[
        pd.to_datetime(backlog["day"]) >= pd.Timestamp(cal.start) + pd.Timedelta(days=warmup_days)
    ]
    go_b = after.loc[after["holder"] == GO, "backlog"]
    out["backlog_go_mean"] = float(go_b.mean())
    out["backlog_go_max"] = float(go_b.max())
    for leader in leaders:
        out[f"backlog_{leader}_mean"] = float(
            after.loc[after["holder"] == leader, "backlog"].mean()
        )
    leader_b = after.loc[after["holder"] != GO].groupby("day")["backlog"].sum()
    out["backlog_leaders_mean"] = float(leader_b.mean())
    out["backlog_leaders_max"] = float(leader_b.max())
    out["events"] = len(events)
    return out
