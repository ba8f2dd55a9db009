"""KPIs and backlog series computed from an event log (and the static calendar/organisation).

Reads only the log's frames, so it works on simulated and converted real logs alike. KPIs
cover documents *created* at or after the warm-up; backlog series cover every day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.core.org import GO
from govsim.rules.meetings import KINDS

PERCENTILES = (50, 90, 95)
CASE_TYPES = ("request", "report", "draft", "normative", "contract")
DOCUMENT_ACTS = (
    "doc.involves",
    "cs.requested",
    "cs.deemed",
    "cs.replied",
    "cs.replied_late",
    "cs.cannot_meet",
    "cs.extension_agreed",
    "cs.negotiated",
    "doc.countersigned",
    "doc.sent_for_signature",
    "doc.signed",
    "doc.co_review_signed",
    "sign.authorized",
    "legality.submitted",
    "justice.legality_reviewed",
)
"""The activities the countersign, signing and legality KPIs read."""
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


LEADER_ACTS = (
    "leader.approved",
    "leader.circle_read",
    "doc.co_review_signed",  # 审签 (A61(5), AMB-43)
    "doc.signed",  # 签发 (A61)
    "gov.consented",  # consent to a contract (A60)
)
ROUTING = ("doc.routed", "doc.rerouted", "doc.sent_for_review", "doc.sent_for_signature")


def leader_visits(events: pd.DataFrame) -> pd.DataFrame:
    """Each stay of a document with a leader: ``case``, ``holder`` (the routed-to leader),
    ``owner`` (the leader it belongs to: ``on_behalf`` when substituted), ``time_in`` and
    ``time_out`` (the next routing or the leader's act; NaN while still held)."""
    rows = events.loc[
        events["activity"].isin(ROUTING + LEADER_ACTS),
        ["case", "time", "activity", "target", "on_behalf"],
    ]
    nxt = rows.groupby("case", observed=True)["time"].shift(-1)
    stays = rows.assign(time_out=nxt).loc[rows["activity"].isin(ROUTING)]
    holder = stays["target"].astype(str)
    owner = stays["on_behalf"].astype(object).where(stays["on_behalf"].notna(), holder)
    return pd.DataFrame(
        {
            "case": stays["case"].to_numpy(),
            "holder": holder.to_numpy(),
            "owner": owner.astype(str).to_numpy(),
            "time_in": stays["time"].to_numpy(),
            "time_out": stays["time_out"].to_numpy(),
        }
    )


def holding_intervals(
    events: pd.DataFrame, holder: str, visits: pd.DataFrame | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """When each work item entered and left ``holder``'s hands (exit = inf while still held).

    The GO holds a document from ``go.received`` to ``go.reviewed`` and an instruction from
    ``leader.instructed`` to ``go.transferred``; a leader holds a document from its
    ``doc.routed`` (or ``doc.rerouted``, ``doc.sent_for_review``, ``doc.sent_for_signature``)
    to it until its act or its next routing; the justice bureau holds a document from
    ``legality.submitted`` to it until its ``justice.legality_reviewed`` (A21, A60).
    """
    if holder != GO:
        v = leader_visits(events) if visits is None else visits
        mine = v.loc[v["holder"] == holder]
        enters = [mine["time_in"].to_numpy()]
        exits = [mine["time_out"].fillna(math.inf).to_numpy()]
        sent = _times(events, "legality.submitted")
        sent = sent.loc[sent["target"] == holder]
        if len(sent):
            done = _times(events, "justice.legality_reviewed")
            stays = pair_visits(sent, done.loc[done["actor"] == holder])
            enters.append(stays["time_in"].to_numpy())
            exits.append(stays["time_out"].fillna(math.inf).to_numpy())
        return np.concatenate(enters), np.concatenate(exits)
    enters, exits = [], []
    for enter_act, exit_act in (
        ("go.received", "go.reviewed"),
        ("leader.instructed", "go.transferred"),
    ):
        stays = pair_visits(_times(events, enter_act), _times(events, exit_act))
        enters.append(stays["time_in"].to_numpy())
        exits.append(stays["time_out"].fillna(math.inf).to_numpy())
    return np.concatenate(enters), np.concatenate(exits)


def backlog_series(events: pd.DataFrame, cal: WorkCalendar, holders: Sequence[str]) -> pd.DataFrame:
    """Items held at the end of each simulated day, per holder (long format).

    Columns: ``day`` (date), ``holder``, ``backlog``.
    """
    days = cal.days
    ends = (np.arange(days) + 1) * 1440.0
    dates = [cal.start + pd.Timedelta(days=int(i)) for i in range(days)]
    frames = []
    visits = leader_visits(events)
    for holder in holders:
        enter, exit_ = holding_intervals(events, holder, visits)
        enter, exit_ = np.sort(enter), np.sort(exit_)
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
    leader_roles: dict[str, str] | None = None,
    units: Sequence[str] = (),
    backlog: pd.DataFrame | None = None,
) -> dict[str, float]:
    """One row of KPIs for one replication (see ``docs/results.md`` for each column).

    ``backlog`` is the replication's :func:`backlog_series` if the caller has it already."""
    warm = warmup_days * 1440.0
    horizon = cal.horizon_minutes
    leader_roles = leader_roles or {leader: "vice_mayor" for leader in leaders}
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
    # One pass over the log for the document KPIs (most events are of other kinds).
    doc_ev = ev.loc[ev["activity"].isin(DOCUMENT_ACTS)]
    out.update(countersign_kpis(doc_ev, cal))
    out.update(signing_kpis(doc_ev))
    out.update(legality_kpis(doc_ev, cal))

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
    acts = _times(all_after, LEADER_ACTS)
    per_leader = acts.groupby("actor", observed=True)["value"].sum()
    for leader in leaders:
        out[f"util_{leader}"] = float(per_leader.get(leader, 0.0) / office) if office else math.nan

    if backlog is None:
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
    leader_b = after.loc[after["holder"].isin(leaders)].groupby("day")["backlog"].sum()
    out["backlog_leaders_mean"] = float(leader_b.mean())
    out["backlog_leaders_max"] = float(leader_b.max())
    justice = justice_bureau(events)
    if justice is None:
        out["backlog_justice_mean"] = out["backlog_justice_max"] = math.nan
    else:
        jb = (
            backlog.loc[backlog["holder"] == justice] if justice in set(backlog["holder"]) else None
        )
        if jb is None or jb.empty:
            jb = backlog_series(events, cal, [justice])
        jb = jb.loc[
            pd.to_datetime(jb["day"]) >= pd.Timestamp(cal.start) + pd.Timedelta(days=warmup_days)
        ]
        out["backlog_justice_mean"] = float(jb["backlog"].mean())
        out["backlog_justice_max"] = float(jb["backlog"].max())
    roles = {**{u: "department_head" for u in units}, **leader_roles}
    out.update(availability_kpis(events, cal, roles, warm))
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
    if sent.empty:
        waits = np.empty(0)
    else:
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
    if sent.empty:
        nan = math.nan
        return {
            "legality_reviews": 0,
            "legality_failed": 0,
            "legality_wait_mean_hours": nan,
            "legality_review_mean_wd": nan,
        }
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


# -- supervision ledger (A70, A73, A74; RULES §2.0 kpi.backlog.ledger, kpi.ledger.*) --------

LEDGER_COLOURS = ("blue", "yellow", "red")
DAYS_PER_MONTH = 365.25 / 12


def ledger_items(events: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """One row per ledger item: ``case``, ``source``, ``owner``, ``registered``, ``deadline``,
    ``closed`` (NaN while open), ``on_time`` (closed by the deadline), ``verify_fails``."""
    items = cases.loc[cases["case_type"] == "ledger_item", ["case", "source", "matter"]]
    items = items.rename(columns={"matter": "owner"}).set_index("case")
    reg = _times(events, "ledger.registered").groupby("case", observed=True).first()
    closed = _times(events, "ledger.closed").groupby("case", observed=True).first()
    verified = _times(events, "ledger.verified")
    fails = verified.loc[verified["outcome"] == "fail"].groupby("case", observed=True).size()
    out = items.assign(
        registered=reg["time"].reindex(items.index),
        deadline=reg["deadline"].reindex(items.index),
        closed=closed["time"].reindex(items.index),
        on_time=(closed["outcome"] == "on_time").reindex(items.index, fill_value=False),
        verify_fails=fails.reindex(items.index, fill_value=0).astype(int),
    )
    return out.reset_index()


def ledger_colour_intervals(events: pd.DataFrame, horizon: float) -> pd.DataFrame:
    """How long each logged colour held: ``case``, ``colour``, ``time_in`` (the stocktake),
    ``time_out`` (the item's next stocktake, its 销号, or the horizon)."""
    colours = _times(events, "ledger.colour")[["case", "time", "outcome"]]
    closed = _times(events, "ledger.closed").groupby("case", observed=True)["time"].first()
    nxt = colours.groupby("case", observed=True)["time"].shift(-1)
    end = colours["case"].map(closed).astype(float).fillna(horizon)
    return pd.DataFrame(
        {
            "case": colours["case"].to_numpy(),
            "colour": colours["outcome"].astype(str).to_numpy(),
            "time_in": colours["time"].to_numpy(),
            "time_out": nxt.fillna(end).clip(upper=horizon).to_numpy(),
        }
    )


def _count_at(starts: np.ndarray, ends: np.ndarray, at: np.ndarray) -> np.ndarray:
    """How many intervals [start, end) contain each instant of ``at``."""
    return np.searchsorted(np.sort(starts), at, side="right") - np.searchsorted(
        np.sort(ends), at, side="right"
    )


def ledger_daily(events: pd.DataFrame, cases: pd.DataFrame, cal: WorkCalendar) -> pd.DataFrame:
    """Open ledger items at the end of each day, by colour (``kpi.backlog.ledger[colour]``).

    Columns: ``day``, ``open``, ``blue``, ``yellow``, ``red`` (the colour of the item's latest
    stocktake), ``unrated`` (no stocktake yet), ``registered`` and ``closed`` (that day).
    """
    horizon = cal.horizon_minutes
    ends = (np.arange(cal.days) + 1) * 1440.0
    items = ledger_items(events, cases)
    reg = items["registered"].to_numpy(dtype=float)
    out_t = items["closed"].fillna(math.inf).to_numpy(dtype=float)
    frame = pd.DataFrame({"day": [cal.start + pd.Timedelta(days=i) for i in range(cal.days)]})
    frame["open"] = _count_at(reg, out_t, ends).astype(np.int32)
    spans = ledger_colour_intervals(events, horizon)
    rated = np.zeros(cal.days, dtype=np.int64)
    for colour in LEDGER_COLOURS:
        sub = spans.loc[spans["colour"] == colour]
        t_out = sub["time_out"].to_numpy(dtype=float)
        t_out = np.where(t_out >= horizon, math.inf, t_out)  # still this colour at the horizon
        counts = _count_at(sub["time_in"].to_numpy(dtype=float), t_out, ends)
        frame[colour] = counts.astype(np.int32)
        rated += counts
    frame["unrated"] = (frame["open"] - rated).astype(np.int32)
    for name, times in (("registered", reg), ("closed", out_t[np.isfinite(out_t)])):
        days = (times // 1440).astype(int)
        frame[name] = np.bincount(days[days < cal.days], minlength=cal.days).astype(np.int32)
    return frame


def _red_dwell(spans: pd.DataFrame) -> pd.Series:
    red = spans.loc[spans["colour"] == "red"]
    return ((red["time_out"] - red["time_in"]) / 1440.0).groupby(red["case"]).sum()


def ledger_kpis(
    events: pd.DataFrame,
    cases: pd.DataFrame,
    cal: WorkCalendar,
    leaders: Sequence[str],
    warmup_days: int = 0,
) -> dict[str, float]:
    """KPIs of the supervision ledger for one replication (``docs/results.md``).

    Items registered at or after the warm-up; daily series and rhythm after it.
    """
    warm, horizon = warmup_days * 1440.0, cal.horizon_minutes
    items = ledger_items(events, cases)
    items = items.loc[items["registered"] >= warm]
    closed = items.loc[items["closed"].notna()]
    open_ = items.loc[items["closed"].isna()]
    overdue_open = int((open_["deadline"] < horizon).sum())
    on_time = int(closed["on_time"].sum())
    out: dict[str, float] = {
        "ledger_registered": len(items),
        "ledger_closed": len(closed),
        "ledger_open": len(open_),
        "ledger_closed_on_time": on_time,
        "ledger_closed_late": len(closed) - on_time,
        "ledger_overdue_open": overdue_open,
        "ledger_on_time_share": on_time / len(closed) if len(closed) else math.nan,
    }
    due = len(closed) + overdue_open
    out["ledger_due_on_time_share"] = on_time / due if due else math.nan
    for source in ("instruction", "key_task", "audit", "meeting"):
        out[f"ledger_registered_{source}"] = int((items["source"] == source).sum())
    cycle = (closed["closed"] - closed["registered"]).to_numpy() / 1440.0
    out["ledger_cycle_mean_days"] = float(cycle.mean()) if cycle.size else math.nan
    out["ledger_cycle_p90_days"] = float(np.percentile(cycle, 90)) if cycle.size else math.nan
    verified = _times(events, "ledger.verified")
    verified = verified.loc[verified["case"].isin(items["case"])]
    n_fail = int((verified["outcome"] == "fail").sum())
    out["ledger_verify_fail_rate"] = n_fail / len(verified) if len(verified) else math.nan
    months = (horizon - warm) / 1440.0 / DAYS_PER_MONTH
    out["ledger_closed_per_month"] = len(closed) / months if months > 0 else math.nan

    spans = ledger_colour_intervals(events, horizon)
    spans = spans.loc[spans["case"].isin(items["case"])]
    dwell = _red_dwell(spans)
    out["ledger_red_item_days"] = float(dwell.sum())
    out["ledger_red_dwell_mean_days"] = float(dwell.mean()) if len(dwell) else 0.0
    out["ledger_ever_red_share"] = len(dwell) / len(items) if len(items) else math.nan

    daily = ledger_daily(events, cases, cal)
    after = daily.iloc[warmup_days:]
    for col in ("open", *LEDGER_COLOURS):
        out[f"ledger_{col}_mean"] = float(after[col].mean())
    out["ledger_red_max"] = float(after["red"].max())

    later = events.loc[events["time"] >= warm]
    for activity, name in (
        ("cadence.stocktake", "stocktakes"),
        ("cadence.dekad_push", "dekad_pushes"),
        ("cadence.monthly_dispatch", "monthly_dispatches"),
        ("outcome.supervise", "supervise"),
        ("outcome.admonish", "admonish"),
        ("outcome.criticise", "criticise"),
    ):
        out[f"ledger_{name}"] = len(_times(later, activity))
    sessions = _times(later, ("cadence.dekad_push", "cadence.monthly_dispatch"))
    out["ledger_hours_dekad_push"] = float(
        sessions.loc[sessions["activity"] == "cadence.dekad_push", "value"].sum() / 60.0
    )
    out["ledger_hours_monthly_dispatch"] = float(
        sessions.loc[sessions["activity"] == "cadence.monthly_dispatch", "value"].sum() / 60.0
    )
    out["ledger_hours_rhythm"] = (
        out["ledger_hours_dekad_push"] + out["ledger_hours_monthly_dispatch"]
    )
    per_leader = sessions.groupby("actor", observed=True)["value"].sum() / 60.0
    for leader in leaders:
        out[f"ledger_hours_{leader}"] = float(per_leader.get(leader, 0.0))
    return out


def ledger_year_table(
    events: pd.DataFrame,
    cases: pd.DataFrame,
    cal: WorkCalendar,
    departments: Sequence[str],
    scoring: object | None = None,
) -> pd.DataFrame:
    """Year-end ledger results per department, for the A74 assessment (RULES §7.6, K68).

    One row per calendar year of the horizon and department: ``year``, ``days`` (days of the
    year inside the horizon), ``department``, ``registered``, ``closed``, ``closed_on_time``,
    ``closed_late`` (销号 in the year), ``open_at_year_end``, ``overdue_at_year_end`` (at the
    year's end or the horizon), ``red_days`` (item-days red inside the year), ``red_months``
    (item × month with a red stocktake), ``supervise`` (督办), ``admonish`` (约谈),
    ``criticise`` (通报批评) and ``score`` = K68 points (``[ledger.scoring]``; default +1 per
    on-time closure, −1 per red month, −3 per criticism).
    """
    per_on_time = getattr(scoring, "on_time", 1.0)
    per_red_month = getattr(scoring, "red_month", -1.0)
    per_criticism = getattr(scoring, "criticism", -3.0)
    horizon = cal.horizon_minutes
    items = ledger_items(events, cases).set_index("case")
    owner = items["owner"].astype(str)
    spans = ledger_colour_intervals(events, horizon)
    red = spans.loc[spans["colour"] == "red"].copy()
    red["owner"] = red["case"].map(owner)
    red["month"] = [cal.date_of(t).replace(day=1) for t in red["time_in"]]
    rows = []
    last_day = cal.start + dt.timedelta(days=cal.days - 1)
    for year in range(cal.start.year, last_day.year + 1):
        y0 = max(0.0, float((dt.date(year, 1, 1) - cal.start).days * 1440))
        y1 = min(horizon, float((dt.date(year + 1, 1, 1) - cal.start).days * 1440))
        in_year = events.loc[(events["time"] >= y0) & (events["time"] < y1)]
        marks = {
            name: _times(in_year, f"outcome.{name}").groupby("target", observed=True).size()
            for name in ("supervise", "admonish", "criticise")
        }
        reg = items.loc[(items["registered"] >= y0) & (items["registered"] < y1)]
        shut = items.loc[(items["closed"] >= y0) & (items["closed"] < y1)]
        still = items.loc[(items["registered"] < y1) & ~(items["closed"] < y1)]
        dwell = (red["time_out"].clip(upper=y1) - red["time_in"].clip(lower=y0)).clip(lower=0)
        red_days = (dwell / 1440.0).groupby(red["owner"]).sum()
        in_months = red.loc[(red["time_in"] >= y0) & (red["time_in"] < y1)]
        red_months = in_months.drop_duplicates(["case", "month"]).groupby("owner").size()
        for dept in departments:
            on_time = int(((shut["owner"] == dept) & shut["on_time"]).sum())
            n_closed = int((shut["owner"] == dept).sum())
            mine = still.loc[still["owner"] == dept]
            n_red_months = int(red_months.get(dept, 0))
            n_crit = int(marks["criticise"].get(dept, 0))
            rows.append(
                {
                    "year": year,
                    "days": round((y1 - y0) / 1440.0),
                    "department": dept,
                    "registered": int((reg["owner"] == dept).sum()),
                    "closed": n_closed,
                    "closed_on_time": on_time,
                    "closed_late": n_closed - on_time,
                    "open_at_year_end": len(mine),
                    "overdue_at_year_end": int((mine["deadline"] < y1).sum()),
                    "red_days": float(red_days.get(dept, 0.0)),
                    "red_months": n_red_months,
                    "supervise": int(marks["supervise"].get(dept, 0)),
                    "admonish": int(marks["admonish"].get(dept, 0)),
                    "criticise": n_crit,
                    "score": on_time * per_on_time
                    + n_red_months * per_red_month
                    + n_crit * per_criticism,
                }
            )
    return pd.DataFrame(rows)


def absence_table(events: pd.DataFrame) -> pd.DataFrame:
    """One row per absence from the log: ``case``, ``person``, ``reason``, ``start``,
    ``planned_end``, ``back`` (NaN if still away at the horizon), ``recalled``."""
    starts = _times(events, "absence.start")
    ends = _times(events, ("absence.end", "absence.on_post"))
    table = pd.DataFrame(
        {
            "case": starts["case"].to_numpy(),
            "person": starts["actor"].astype(str).to_numpy(),
            "reason": starts["outcome"].astype(str).to_numpy(),
            "start": starts["time"].to_numpy(),
            "planned_end": starts["deadline"].to_numpy(),
        }
    )
    back = ends.set_index("case")["time"]
    table["back"] = table["case"].map(back)
    recalled = set(_times(events, "absence.recall")["case"])
    table["recalled"] = table["case"].isin(recalled)
    return table


def _overlap(t0: np.ndarray, t1: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Length of [t0, t1) ∩ ⋃[a, b) for each row (intervals a–b disjoint)."""
    total = np.zeros(len(t0))
    for lo, hi in zip(a, b, strict=True):
        total += np.clip(np.minimum(t1, hi) - np.maximum(t0, lo), 0.0, None)
    return total


def availability_kpis(
    events: pd.DataFrame,
    cal: WorkCalendar,
    roles: dict[str, str],
    warm: float = 0.0,
) -> dict[str, float]:
    """Leave and substitution KPIs (A6, A8, A80; RULES §2.0 kpi.sub.*, kpi.leave.late,
    kpi.recall.latency). ``roles`` maps every person to a role (leaders' roles, and
    ``department_head`` for units). Always returns the same columns, zeros without leave."""
    horizon = cal.horizon_minutes
    absences = absence_table(events)
    out: dict[str, float] = {}
    role_names = (
        "mayor",
        "executive_vice_mayor",
        "vice_mayor",
        "secretary_general",
        "department_head",
    )
    people_per_role = {r: sum(1 for v in roles.values() if v == r) for r in role_names}
    days = {r: 0.0 for r in role_names}
    for row in absences.itertuples():
        lo = max(row.start, warm)
        hi = min(horizon, row.back if not math.isnan(row.back) else horizon)
        if hi > lo:
            days[roles.get(row.person, "department_head")] += cal.working_days_between(lo, hi)
    for r in role_names:
        n = people_per_role[r]
        out[f"absence_days_{r}"] = days[r] / n if n else math.nan

    requests = _times(events.loc[events["time"] >= warm], "leave.requested")
    out["leave_requests"] = len(requests)
    out["leave_late"] = int((requests["outcome"] == "late").sum())
    latency = _times(events.loc[events["time"] >= warm], "absence.on_post")["value"]
    out["recalls"] = len(latency)
    out["recall_latency_mean_hours"] = float(latency.mean()) if len(latency) else math.nan

    visits = leader_visits(events)
    visits = visits.loc[visits["time_in"] >= warm]
    time_out = visits["time_out"].fillna(horizon).to_numpy()
    absent_hold = np.zeros(len(visits))
    owner_away = np.zeros(len(visits), dtype=bool)
    for person, grp in absences.groupby("person"):
        a = grp["start"].to_numpy()
        b = grp["back"].fillna(math.inf).to_numpy()
        held = (visits["holder"] == person).to_numpy()
        if held.any():
            absent_hold[held] = _overlap(visits["time_in"].to_numpy()[held], time_out[held], a, b)
        owned = (visits["owner"] == person).to_numpy()
        t_in = visits["time_in"].to_numpy()[owned]
        owner_away[owned] = ((t_in[:, None] >= a) & (t_in[:, None] < b)).any(axis=1)
    substituted = (visits["holder"] != visits["owner"]).to_numpy()
    out["sub_items"] = int(owner_away.sum())
    out["sub_coverage"] = float(substituted[owner_away].mean()) if owner_away.any() else math.nan
    out["absent_wait_items"] = int((absent_hold > 0).sum())
    out["absent_wait_hours_mean"] = (
        float(absent_hold[absent_hold > 0].mean() / 60.0) if (absent_hold > 0).any() else 0.0
    )
    acts = _times(events.loc[events["time"] >= warm], LEADER_ACTS)
    on_behalf = acts.loc[acts["on_behalf"].notna()]
    out["sub_acts"] = len(on_behalf)
    out["sub_load_hours"] = float(on_behalf["value"].sum() / 60.0)
    return out


# -- meetings (A44–A52; RULES §2.0 kpi.meeting.count, kpi.sign.wait) ------------------------

MEETING_KINDS = KINDS  # the four meetings of A43 (govsim.rules.meetings)


def _mean_p90(values: np.ndarray) -> tuple[float, float]:
    if not len(values):
        return math.nan, math.nan
    return float(values.mean()), float(np.percentile(values, 90))


def meeting_kpis(events: pd.DataFrame, cal: WorkCalendar, warm: float = 0.0) -> dict[str, float]:
    """Meeting KPIs from the log; always the same columns (zeros or NaN without meetings).

    Topic wait (executive and plenary topics): materials at the GO (``topic.submitted``, the
    last one before the decision) to the meeting's decision, in calendar days; for the
    mayor's office and special-topic meetings, referral to decision. Deferrals are events: a
    topic left off several agendas counts once per agenda — as late (A49), overflow (K43) or
    not signed off in time — or deferred at a meeting; topic-postponements (a topic on the
    agenda of a meeting postponed once counts once). Returned for rework, escalated to the
    executive meeting. Meetings opened by type, ad-hoc ones among them; minutes wait: drafted
    to signed, in clock hours (AMB-10), and minutes still waiting for a signature at the
    horizon (whenever drafted). Leader hours: each meeting adjourned after the warm-up, its
    length times the members present (a special topic: its chair), by type — observers'
    time (deputy secretaries-general, the SG at the mayor's office meeting) is not in it."""
    ev = events.loc[events["time"] >= warm]
    out: dict[str, float] = {}
    planned = _times(events, "meeting.planned")
    kind_of = planned.set_index("case")["outcome"].astype(str)
    decided = _times(ev, "meeting.decision")
    decided_kind = decided["value"].astype(int).map(kind_of)
    out["topics_decided"] = len(decided)

    def wait_days(kinds: tuple[str, ...], since: str) -> np.ndarray:
        mine = decided.loc[decided_kind.isin(kinds)]
        start = _times(events, since).groupby("case", observed=True)["time"].last()
        return (mine["time"] - mine["case"].map(start)).dropna().to_numpy() / 1440.0

    waits = wait_days(("executive", "plenary"), "topic.submitted")
    out["topic_wait_mean_days"], out["topic_wait_p90_days"] = _mean_p90(waits)
    for kind in ("mayor_office", "special_topic"):
        out[f"{kind}_wait_mean_days"] = _mean_p90(wait_days((kind,), "topic.referred"))[0]
    deferred = _times(ev, "topic.deferred")["outcome"].astype(str)
    for why in ("late", "overflow", "not_ready", "at_meeting"):
        out[f"topics_deferred_{why}"] = int((deferred == why).sum())
    out["topics_returned"] = len(_times(ev, "topic.returned"))
    out["topics_escalated"] = len(_times(ev, "topic.escalated"))
    postponed = _times(ev, "meeting.postponed")
    on_agenda = _times(events, "topic.on_agenda")["value"].astype(int).value_counts()
    out["topics_postponed"] = int(postponed["case"].map(on_agenda).fillna(0).sum())
    outcome = postponed["outcome"].astype(str)
    out["quorum_failures"] = int((outcome == "no_quorum").sum())
    out["chair_failures"] = int((outcome == "no_chair").sum())
    how = _times(events, "meeting.convene_decided").set_index("case")["outcome"].astype(str)
    opened = _times(ev, "meeting.opened")
    opened_kind = opened["case"].map(kind_of)
    for kind in MEETING_KINDS:
        out[f"meetings_{kind}"] = int((opened_kind == kind).sum())
    out["meetings_adhoc"] = int((opened["case"].map(how) == "adhoc").sum())
    out["meetings_entrusted"] = len(_times(ev, "meeting.entrusted"))
    drafted = _times(events, "minutes.drafted").set_index("case")["time"]
    signed = _times(ev, "minutes.signed")
    wait = (signed["time"] - signed["case"].map(drafted)).dropna().to_numpy() / 60.0
    out["minutes_wait_mean_hours"] = float(wait.mean()) if len(wait) else math.nan
    out["minutes_wait_max_hours"] = float(wait.max()) if len(wait) else math.nan
    out["minutes_reviewed"] = len(_times(ev, "minutes.reviewed"))
    out["implementation_reports"] = len(_times(ev, "go.implementation_report"))
    out["standing_items"] = len(_times(ev, "meeting.standing_item"))
    ever_signed = _times(events, "minutes.signed")["case"]
    out["minutes_unsigned"] = int((~drafted.index.isin(ever_signed)).sum())
    adjourned = _times(ev, "meeting.adjourned").set_index("case")["value"]
    # members present at the opening, which may precede the warm-up's end
    present = _times(events, "meeting.opened").set_index("case")["value"]
    hours = adjourned * present.reindex(adjourned.index) / 60.0
    out["leader_meeting_hours"] = float(hours.sum())
    hours_kind = hours.index.map(kind_of)
    for kind in MEETING_KINDS:
        out[f"leader_meeting_hours_{kind}"] = float(hours[hours_kind == kind].sum())
    return out
