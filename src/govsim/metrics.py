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
CASE_TYPES = ("request", "report", "draft", "normative", "contract")
RETURN_REASONS = (
    "non_submitting_body",
    "skip_level",
    "multi_addressee",
    "dept_scope",
    "informal_form",
    "unsigned",
    "multi_matter",
    "embedded_request",
    "poor_quality",
    "redundant",
)
"""Reasons the GO returns a submission for (A55, A56, A59, A63), one KPI column each."""


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


HOLDER_PAIRS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("doc.routed", ("leader.approved", "leader.circle_read", "gov.consented")),
    ("doc.sent_for_review", ("doc.co_review_signed",)),
    ("doc.sent_for_signature", ("doc.signed",)),
    ("legality.submitted", ("justice.legality_reviewed",)),
)
"""For holders other than the GO: the act that hands them an item (its ``target``) and the
acts by which they finish it (their ``actor`` or ``on_behalf``)."""


def holding_intervals(events: pd.DataFrame, holder: str) -> tuple[np.ndarray, np.ndarray]:
    """When each work item entered and left ``holder``'s hands (exit = inf while still held).

    The GO holds a document from ``go.received`` to ``go.reviewed`` and an instruction from
    ``leader.instructed`` to ``go.transferred``; a leader holds a document from
    ``doc.routed`` to it until its ``leader.approved`` / ``leader.circle_read`` /
    ``gov.consented``, and from ``doc.sent_for_review`` / ``doc.sent_for_signature`` to it
    until its ``doc.co_review_signed`` / ``doc.signed``; the justice bureau holds a document
    from ``legality.submitted`` to it until its ``justice.legality_reviewed``.
    """
    return _holding_intervals(events, [holder])[holder]


def _holding_intervals(
    events: pd.DataFrame, holders: Sequence[str]
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """:func:`holding_intervals` of several holders, pairing each kind of hand-over once."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if GO in holders:
        enters, exits = [], []
        for enter_act, exit_act in (
            ("go.received", "go.reviewed"),
            ("leader.instructed", "go.transferred"),
        ):
            visits = pair_visits(_times(events, enter_act), _times(events, exit_act))
            enters.append(visits["time_in"].to_numpy())
            exits.append(visits["time_out"].fillna(math.inf).to_numpy())
        out[GO] = (np.concatenate(enters), np.concatenate(exits))
    others = [h for h in holders if h != GO]
    if not others:
        return out
    parts: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {h: [] for h in others}
    for enter_act, exit_acts in HOLDER_PAIRS:
        ent = _times(events, enter_act)
        ent = ent.loc[ent["target"].isin(others), ["case", "time", "target"]]
        if ent.empty:
            continue
        ent = ent.rename(columns={"target": "holder"})
        ent["holder"] = ent["holder"].astype(str)
        ext = _times(events, exit_acts)
        by_actor = ext.loc[ext["actor"].isin(others), ["case", "time", "start", "actor"]]
        behalf = ext.loc[
            ext["on_behalf"].isin(others) & (ext["on_behalf"] != ext["actor"]),
            ["case", "time", "start", "on_behalf"],
        ]
        ext = pd.concat(
            [
                by_actor.rename(columns={"actor": "holder"}).astype({"holder": str}),
                behalf.rename(columns={"on_behalf": "holder"}).astype({"holder": str}),
            ]
        ).sort_index(kind="stable")
        keys = ["case", "holder"]
        a = ent.assign(k=ent.groupby(keys, observed=True).cumcount())
        b = ext.assign(k=ext.groupby(keys, observed=True).cumcount())
        visits = a.merge(b, on=[*keys, "k"], how="left", suffixes=("_in", "_out"))
        for holder, v in visits.groupby("holder", sort=False):
            parts[str(holder)].append(
                (v["time_in"].to_numpy(), v["time_out"].fillna(math.inf).to_numpy())
            )
    for h in others:
        got = parts[h]
        out[h] = (
            (np.concatenate([e for e, _ in got]), np.concatenate([x for _, x in got]))
            if got
            else (np.empty(0), np.empty(0))
        )
    return out


def backlog_series(events: pd.DataFrame, cal: WorkCalendar, holders: Sequence[str]) -> pd.DataFrame:
    """Items held at the end of each simulated day, per holder (long format).

    Columns: ``day`` (date), ``holder``, ``backlog``.
    """
    days = cal.days
    ends = (np.arange(days) + 1) * 1440.0
    dates = [cal.start + pd.Timedelta(days=int(i)) for i in range(days)]
    frames = []
    intervals = _holding_intervals(events, holders)
    for holder in holders:
        enter, exit_ = intervals[holder]
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
    closing = _times(ev, "doc.closed")
    closed = closing.set_index("case")["time"]
    redirected = set(closing.loc[closing["reason"] == "redirected", "case"])
    withdrawn = _times(ev, "doc.withdrawn").set_index("case")["time"]
    out: dict[str, float] = {}
    for ctype in CASE_TYPES:
        sub = kept.loc[kept["case_type"] == ctype]
        done = sub.loc[sub["case"].isin(closed.index)]
        n_withdrawn = int(sub["case"].isin(withdrawn.index).sum())
        out[f"arrived_{ctype}"] = len(sub)
        out[f"done_{ctype}"] = len(done)
        out[f"redirected_{ctype}"] = int(done["case"].isin(redirected).sum())
        out[f"withdrawn_{ctype}"] = n_withdrawn
        out[f"open_{ctype}"] = len(sub) - len(done) - n_withdrawn
        done = done.loc[~done["case"].isin(redirected)]  # cycle times of handled documents
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
    for reason in RETURN_REASONS:
        out[f"go_return_{reason}"] = int(
            ((reviews["outcome"] == "return") & (reviews["reason"] == reason)).sum()
        )
    out["go_redirect_dept_scope"] = int((reviews["outcome"] == "redirect").sum())
    out.update(countersign_kpis(ev, cal))
    out.update(signing_kpis(ev))
    out.update(legality_kpis(ev, cal))

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
    out["instr_overdue"] = len(_times(ev, "instruction.overdue"))
    due = len(replies) + len(overdue_open)
    out["instr_breach_rate"] = (late + len(overdue_open)) / due if due else math.nan

    office = cal.work_elapsed(horizon) - cal.work_elapsed(warm)
    all_after = events.loc[events["time"] >= warm]
    go_work = _times(all_after, ("go.reviewed", "go.transferred"))["value"].sum()
    out["util_go"] = float(go_work / (office * go_reviewers)) if office else math.nan
    acts = _times(
        all_after,
        (
            "leader.approved",
            "leader.circle_read",
            "doc.co_review_signed",
            "doc.signed",
            "gov.consented",
        ),
    )
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
    justice = justice_bureau(events)
    if justice is None:
        out["backlog_justice_mean"] = out["backlog_justice_max"] = math.nan
    else:
        jb = backlog_series(events, cal, [justice])
        jb = jb.loc[
            pd.to_datetime(jb["day"]) >= pd.Timestamp(cal.start) + pd.Timedelta(days=warmup_days)
        ]
        out["backlog_justice_mean"] = float(jb["backlog"].mean())
        out["backlog_justice_max"] = float(jb["backlog"].max())
    out["events"] = len(events)
    return out


def justice_bureau(events: pd.DataFrame) -> str | None:
    """The unit the log sends legality reviews to (A20, A21, A60), if any."""
    sent = _times(events, "legality.submitted")["target"].dropna()
    return str(sent.iloc[0]) if len(sent) else None


def _mean(values: np.ndarray | pd.Series) -> float:
    return float(np.mean(values)) if len(values) else math.nan


def _p90(values: np.ndarray | pd.Series) -> float:
    return float(np.percentile(values, 90)) if len(values) else math.nan


def countersign_kpis(ev: pd.DataFrame, cal: WorkCalendar) -> dict[str, float]:
    """Countersign KPIs (A56, A59; RULES kpi.cs.*): how long coordination takes, how often
    consent is deemed, extensions, objections and how they end."""
    out: dict[str, float] = {}
    requested = _times(ev, "cs.requested")
    done = _times(ev, "doc.countersigned").groupby("case", observed=True)["time"].first()
    # Coordination starts with the first request, or for a joint submission (no requests)
    # when the case opens (A56).
    asked = requested.groupby("case", observed=True)["time"].min()
    opened = _times(ev, "doc.involves").groupby("case", observed=True)["time"].min()
    begin = asked.reindex(done.index).fillna(opened.reindex(done.index)).fillna(done)
    wd = np.array(
        [cal.working_days_between(a, b) for a, b in zip(begin, done, strict=True)], dtype=float
    )
    outcome = _times(ev, "doc.countersigned")["outcome"]
    out["cs_docs"] = len(done)
    out["cs_duration_mean_wd"] = _mean(wd)
    out["cs_duration_p90_wd"] = _p90(wd)
    out["cs_duration_mean_days"] = _mean((done - begin).to_numpy() / 1440.0)
    out["cs_requests"] = len(requested)
    deemed = len(_times(ev, "cs.deemed"))
    out["cs_deemed"] = deemed
    out["cs_deemed_share"] = deemed / len(requested) if len(requested) else math.nan
    out["cs_replied_late"] = len(_times(ev, "cs.replied_late"))
    out["cs_cannot_meet"] = len(_times(ev, "cs.cannot_meet"))
    out["cs_extensions"] = len(_times(ev, "cs.extension_agreed"))
    replies = _times(ev, "cs.replied")
    objections = replies.loc[replies["outcome"] == "object"]
    talks = _times(ev, "cs.negotiated")
    out["cs_objections"] = len(objections)
    out["cs_objections_resolved"] = int((talks["outcome"] == "resolved").sum())
    out["cs_dissent_docs"] = int((outcome == "dissent").sum())
    out["cs_joint_docs"] = int((outcome == "joint").sum())
    first_objection = objections.groupby("case", observed=True)["time"].min()
    ends = done.reindex(first_objection.index).dropna()
    objected = first_objection.reindex(ends.index)
    res = np.array(
        [cal.working_days_between(a, b) for a, b in zip(objected, ends, strict=True)], dtype=float
    )
    out["cs_objection_resolution_mean_wd"] = _mean(res)
    return out


def signing_kpis(ev: pd.DataFrame) -> dict[str, float]:
    """Outgoing documents (A59, A61; RULES kpi.sign.wait): signatures, co-reviews, and the
    clock hours a document waits for its authorised signer once sent for signature."""
    sent = _times(ev, "doc.sent_for_signature")
    signed = _times(ev, "doc.signed")
    visits = pair_visits(sent, signed).dropna(subset=["start"])
    waits = (visits["start"] - visits["time_in"]).to_numpy() / 60.0
    return {
        "signed": len(signed),
        "co_reviews": len(_times(ev, "doc.co_review_signed")),
        "sign_authorisations": len(_times(ev, "sign.authorized")),
        "sign_wait_mean_hours": _mean(waits),
        "sign_wait_p90_hours": _p90(waits),
    }


def legality_kpis(ev: pd.DataFrame, cal: WorkCalendar) -> dict[str, float]:
    """The justice bureau's legality review (A20, A21, A60; K29): reviews, failures, clock
    hours queued before a reviewer starts, working days from submission to verdict."""
    sent = _times(ev, "legality.submitted")
    reviewed = _times(ev, "justice.legality_reviewed")
    visits = pair_visits(sent, reviewed).dropna(subset=["start"])
    waits = (visits["start"] - visits["time_in"]).to_numpy() / 60.0
    turnaround = np.array(
        [
            cal.working_days_between(a, b)
            for a, b in zip(visits["time_in"], visits["time_out"], strict=True)
        ],
        dtype=float,
    )
    return {
        "legality_reviews": len(reviewed),
        "legality_failed": int((reviewed["outcome"] == "fail").sum()),
        "legality_wait_mean_hours": _mean(waits),
        "legality_review_mean_wd": _mean(turnaround),
    }
