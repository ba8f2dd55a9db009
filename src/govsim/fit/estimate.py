"""What a log tells about a scenario's parameters: samples, counts and exposures.

Everything here reads only the event log and the case table (the schema of
``docs/event-log.md``) with the work calendar, so a log converted from an OA system is read
exactly like a simulated one. Each estimable parameter is one entry of a table —
:data:`SHARES` (routing and outcome shares), :data:`EFFORTS` (working-time efforts) — whose
function pulls its sample from the log; :mod:`govsim.fit.fitting` turns samples into
estimates with intervals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.rules.intake import applicable_defects
from govsim.scenario.models import Scenario

__all__ = ["EFFORTS", "SHARES", "LogView", "arrival_counts", "month_exposure"]

UPWARD = ("request", "report")
INTAKE_DEFECTS = (
    "non_submitting_body", "skip_level", "multi_addressee", "dept_scope", "informal_form",
    "unsigned", "multi_matter", "embedded_request",
)  # fmt: skip
"""The A55/A56 defects of a first submission, each an ``intake.p_…`` share."""
DIRECT_CHANNELS = ("leader_assigned", "classified_direct", "major_emergency",
                   "foreign_affairs_partial")  # fmt: skip
"""The A55 direct channels, each an ``intake.direct_channels.…`` share."""
WORKING_DAYS_PER_WEEK = 5


@dataclass(frozen=True)
class LogView:
    """A log with the context its parameters are read in."""

    events: pd.DataFrame
    cases: pd.DataFrame
    cal: WorkCalendar
    scenario: Scenario

    @property
    def end(self) -> float:
        """The log's end: the scenario's horizon (work open then is censored there)."""
        return float(self.cal.horizon_minutes)

    def acts(self, *names: str) -> pd.DataFrame:
        """Events of the given activities on upward documents (请示, 报告)."""
        ev = self.events
        return ev.loc[ev["activity"].isin(names) & ev["case_type"].isin(UPWARD)]

    def upward_cases(self, *types: str) -> pd.DataFrame:
        cases = self.cases
        return cases.loc[cases["case_type"].isin(types or UPWARD)]

    def work(self, clocks: np.ndarray) -> np.ndarray:
        """Working minutes from clock 0 to each clock."""
        end = self.cal.end_clock
        return np.array([self.cal.work_elapsed(min(float(t), end)) for t in clocks])


# -- shares (A57, A63) ----------------------------------------------------------------------

Count = tuple[int, int]


def _cases_with(view: LogView, activity: str, case_type: str) -> pd.Index:
    acts = view.acts(activity)
    return pd.Index(acts.loc[acts["case_type"] == case_type, "case"].unique())


def _instructed(case_type: str, decided: str) -> Callable[[LogView], Count]:
    """Decided (or read) documents of a type that carry a 批示 (A57)."""

    def count(view: LogView) -> Count:
        done = _cases_with(view, decided, case_type)
        instructed = _cases_with(view, "leader.instructed", case_type)
        return int(done.isin(instructed).sum()), len(done)

    return count


def _attribute(column: str, *types: str, go_only: bool = False) -> Callable[[LogView], Count]:
    """Cases of the types whose attribute ``column`` is true (A56, A57, A63)."""

    def count(view: LogView) -> Count:
        cases = view.upward_cases(*types)
        if go_only and "channel" in cases:
            cases = cases.loc[cases["channel"].astype(str) == "go"]
        return int(cases[column].astype(bool).sum()), len(cases)

    return count


def _poor_quality(view: LogView) -> Count:
    """First submissions of poor quality (A63): the case attribute when the log carries it,
    else first GO reviews returned for poor quality."""
    k, n = _attribute("poor_quality", go_only=True)(view)
    if k > 0:
        return k, n
    reviews = view.acts("go.reviewed").sort_values("time", kind="stable")
    first = reviews.drop_duplicates("case")
    poor = (first["outcome"].astype(str) == "return") & (
        first["reason"].astype(str) == "poor_quality"
    )
    return int(poor.sum()), len(first)


def _first_submissions(view: LogView) -> pd.DataFrame:
    """The first ``doc.submitted`` of each 请示 and 报告 sent through the GO (A55), with the
    case's kind and its sender's kind."""
    first = view.acts("doc.submitted").drop_duplicates("case", keep="first")
    cases = view.cases.set_index("case")
    channel = cases["channel"].astype(str).reindex(first["case"]).to_numpy()
    first = first.loc[channel == "go"]
    kinds = {d.id: d.kind for d in view.scenario.departments}
    senders = cases["sender"].astype(str).reindex(first["case"])
    return pd.DataFrame(
        {
            "kind": first["case_type"].astype(str).to_numpy(),
            "sender_kind": senders.map(kinds).to_numpy(),
            "reason": first["reason"].astype(object).to_numpy(),
        }
    )


def _defect(name: str) -> Callable[[LogView], Count]:
    """First submissions carrying an A55/A56 defect, among those that can carry it (a
    skip-level sender is a county's department, a hidden request is in a report …)."""

    def count(view: LogView) -> Count:
        subs = _first_submissions(view)
        pairs = subs[["kind", "sender_kind"]].drop_duplicates()
        able = [
            (k, sk) for k, sk in pairs.itertuples(index=False)
            if isinstance(sk, str) and name in applicable_defects(k, sk)
        ]  # fmt: skip
        keys = pd.MultiIndex.from_frame(subs[["kind", "sender_kind"]])
        subs = subs.loc[keys.isin(able)]
        return int((subs["reason"] == name).sum()), len(subs)

    return count


def _channel(name: str) -> Callable[[LogView], Count]:
    """请示 and 报告 sent by an A55 direct channel rather than through the GO."""

    def count(view: LogView) -> Count:
        cases = view.upward_cases()
        return int((cases["channel"].astype(str) == name).sum()), len(cases)

    return count


def _replies(view: LogView) -> pd.DataFrame:
    """Each co-department's first reply in the first round, on time or after deeming (A59,
    AMB-19): the agreement it countersigns after a resolved negotiation (A56) and the
    second round on the dissent version are not its position."""
    ev = view.events
    replies = ev.loc[ev["activity"].isin(("cs.replied", "cs.replied_late"))]
    replies = replies.loc[replies["reason"].astype(str) != "dissent_version"]
    return replies.drop_duplicates(["case", "actor"], keep="first")


def _objects(view: LogView) -> Count:
    """Co-departments that object (A56): an objection shows in the reply's outcome, whether
    it came on time or after deemed consent, so replies of both kinds count."""
    replies = _replies(view)
    return int((replies["outcome"].astype(str) == "object").sum()), len(replies)


def _resolved(view: LogView) -> Count:
    """Negotiations by the principal heads that resolve the objection (A56)."""
    ev = view.events
    talks = ev.loc[ev["activity"] == "cs.negotiated", "outcome"].astype(str)
    return int((talks == "resolved").sum()), len(talks)


def _cross_department(view: LogView) -> Count:
    """Departments' 请示 that touch other departments' powers (``doc.involves`` at
    creation) and so need their countersign first (A56, A59); a joint submission is never
    ``cs.requested``, so that act would undercount."""
    kinds = {d.id: d.kind for d in view.scenario.departments}
    cases = view.upward_cases("request")
    cases = cases.loc[cases["sender"].astype(str).map(kinds) == "department"]
    asked = view.events.loc[view.events["activity"] == "doc.involves", "case"].unique()
    return int(cases["case"].isin(asked).sum()), len(cases)


SHARES: dict[str, Callable[[LogView], Count]] = {
    "load.p_major": _attribute("major", "request"),
    "load.p_poor_quality": _poor_quality,
    "instructions.p_request": _instructed("request", "leader.approved"),
    "instructions.p_report": _instructed("report", "leader.circle_read"),
    "instructions.p_urgent": _attribute("urgent"),
    **{f"intake.p_{name}": _defect(name) for name in INTAKE_DEFECTS},
    **{f"intake.direct_channels.{name}": _channel(name) for name in DIRECT_CHANNELS},
    "countersign.p_cross_dept_request": _cross_department,
    "countersign.p_object": _objects,
    "countersign.p_resolved": _resolved,
}
"""Share parameters: dotted key → (successes, trials) read from the log."""

OPTIONAL_ATTRIBUTES: frozenset[str] = frozenset(
    ["instructions.p_urgent", *(f"intake.direct_channels.{name}" for name in DIRECT_CHANNELS)]
)
"""Shares read from optional case columns (``urgent``, ``channel``): a log that never sets
them (an OA export without the column reads as all ``false`` / ``go``) is taken as not
recording them, so the base's value is kept rather than a share of zero written."""


# -- efforts (A57, A63) ---------------------------------------------------------------------

Sample = tuple[np.ndarray, np.ndarray]
"""Observed working minutes, and right-censored lower bounds (work open at the log's end)."""


def _logged_effort(activity: str, share: bool = False) -> Callable[[LogView], Sample]:
    """The effort an act logs in ``value``; a leader's is occupied time, effort divided by
    ``leader_work.document_share``, so it is multiplied back."""

    def sample(view: LogView) -> Sample:
        values = view.acts(activity)["value"].to_numpy(dtype=float)
        factor = view.scenario.leader_work.document_share if share else 1.0
        return values[np.isfinite(values)] * factor, np.empty(0)

    return sample


def _desk_effort(view: LogView, kind: str, urgent: bool) -> Sample | None:
    """The efforts a unit's desk logged for its jobs of ``kind`` (``desk.job_done``: the
    working time of the job itself, without its wait at the desk), or None when the log
    has no desks. A job still queued at the log's end has told nothing of its effort."""
    ev = view.events
    done = ev.loc[(ev["activity"] == "desk.job_done") & (ev["reason"].astype(str) == kind)]
    if done.empty:
        return None
    flags = view.cases.set_index("case")["urgent"].astype(bool)
    done = done.loc[flags.reindex(done["case"]).to_numpy() == urgent]
    values = done["value"].to_numpy(dtype=float)
    return values[np.isfinite(values)], np.empty(0)


def _reply(urgent: bool) -> Callable[[LogView], Sample]:
    """A department's working time on the formal reply to a 批示 (A57): the desk's logged
    effort when units have desks (the time from transfer to reply then includes the wait
    at a busy desk, which is not effort); else the working time from the GO's transfer to
    the reply, transfers still unanswered at the log's end censored there."""

    def sample(view: LogView) -> Sample:
        at_desk = _desk_effort(view, "reply", urgent)
        if at_desk is not None:
            return at_desk
        flags = view.cases.set_index("case")["urgent"].astype(bool)
        transfers = view.acts("go.transferred").drop_duplicates("case", keep="first")
        transfers = transfers.loc[flags.reindex(transfers["case"]).to_numpy() == urgent]
        replies = view.acts("dept.replied").drop_duplicates("case", keep="first")
        reply_at = replies.set_index("case")["time"].reindex(transfers["case"]).to_numpy()
        start = view.work(transfers["time"].to_numpy())
        done = np.isfinite(reply_at)
        observed = view.work(reply_at[done]) - start[done]
        open_for = view.work(np.full((~done).sum(), view.end)) - start[~done]
        return observed, open_for

    return sample


def _countersign_response(view: LogView) -> Sample:
    """A co-department's working time from the lead's request to its countersign (A59): its
    first reply of the round, on time or after deemed consent (the reply still comes,
    AMB-19); a request still unanswered at the log's end is censored there."""
    ev = view.events
    key = ["case", "dept", "round"]

    def frame(acts: tuple[str, ...], who: str) -> pd.DataFrame:
        rows = ev.loc[ev["activity"].isin(acts)]
        return pd.DataFrame(
            {
                "time": rows["time"].to_numpy(),
                "case": rows["case"].to_numpy(),
                "dept": rows[who].astype(str).to_numpy(),
                "round": rows["reason"].astype(str).to_numpy(),
            }
        ).drop_duplicates(key, keep="first")

    asked = frame(("cs.requested",), "target")
    replied = frame(("cs.replied", "cs.replied_late"), "actor").rename(columns={"time": "reply"})
    pairs = asked.merge(replied, on=key, how="left")
    start = view.work(pairs["time"].to_numpy())
    done = pairs["reply"].notna().to_numpy()
    observed = view.work(pairs["reply"].to_numpy()[done]) - start[done]
    return observed, view.work(np.full((~done).sum(), view.end)) - start[~done]


EFFORTS: dict[str, Callable[[LogView], Sample]] = {
    "general_office.review": _logged_effort("go.reviewed"),
    "general_office.transfer": _logged_effort("go.transferred"),
    "leader_work.approve": _logged_effort("leader.approved", share=True),
    "leader_work.read": _logged_effort("leader.circle_read", share=True),
    "instructions.reply": _reply(urgent=False),
    "instructions.urgent_reply": _reply(urgent=True),
    "countersign.response": _countersign_response,
}
"""Effort distributions: dotted key → working-minute sample read from the log."""


# -- arrivals (A55, A56) --------------------------------------------------------------------


def arrival_counts(view: LogView) -> pd.DataFrame:
    """Cases created per sender, kind (``request``/``report``) and calendar month (1–12)."""
    cases = view.upward_cases()
    created = cases["created"].to_numpy(dtype=float)
    months = [view.cal.date_of(float(t)).month for t in created]
    frame = pd.DataFrame(
        {"sender": cases["sender"].astype(str), "kind": cases["case_type"].astype(str)}
    )
    frame["month"] = months
    return frame.value_counts().rename("n").reset_index()


def month_exposure(view: LogView, until: float | None = None) -> np.ndarray:
    """Working weeks of each calendar month (1–12) within the log's span (or up to the
    clock ``until``), Jan first."""
    cal, start = view.cal, view.scenario.scenario.start
    stop = view.end if until is None else min(until, view.end)
    out = np.zeros(12)
    day, end = start, start + dt.timedelta(days=view.scenario.scenario.horizon_days)
    week = WORKING_DAYS_PER_WEEK * cal.working_minutes_per_day
    while day < end:
        nxt = min(_next_month(day), end)
        w0 = cal.work_elapsed(cal.clock_of(day))
        w1 = cal.work_elapsed(max(min(cal.clock_of(nxt), stop), cal.clock_of(day)))
        out[day.month - 1] += (w1 - w0) / week
        day = nxt
    return out


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
