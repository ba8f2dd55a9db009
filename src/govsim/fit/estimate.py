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
from govsim.scenario.models import Scenario

__all__ = ["EFFORTS", "SHARES", "LogView", "arrival_counts", "month_exposure"]

UPWARD = ("request", "report")
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


SHARES: dict[str, Callable[[LogView], Count]] = {
    "load.p_major": _attribute("major", "request"),
    "load.p_poor_quality": _poor_quality,
    "instructions.p_request": _instructed("request", "leader.approved"),
    "instructions.p_report": _instructed("report", "leader.circle_read"),
    "instructions.p_urgent": _attribute("urgent"),
}
"""Share parameters: dotted key → (successes, trials) read from the log."""


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


def _reply(urgent: bool) -> Callable[[LogView], Sample]:
    """A department's working time from the GO's transfer of a 批示 to its formal reply
    (A57); transfers still unanswered at the log's end are censored there."""

    def sample(view: LogView) -> Sample:
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


EFFORTS: dict[str, Callable[[LogView], Sample]] = {
    "general_office.review": _logged_effort("go.reviewed"),
    "general_office.transfer": _logged_effort("go.transferred"),
    "leader_work.approve": _logged_effort("leader.approved", share=True),
    "leader_work.read": _logged_effort("leader.circle_read", share=True),
    "instructions.reply": _reply(urgent=False),
    "instructions.urgent_reply": _reply(urgent=True),
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


def month_exposure(view: LogView) -> np.ndarray:
    """Working weeks of each calendar month (1–12) within the log's span, Jan first."""
    cal, start = view.cal, view.scenario.scenario.start
    out = np.zeros(12)
    day, end = start, start + dt.timedelta(days=view.scenario.scenario.horizon_days)
    week = WORKING_DAYS_PER_WEEK * cal.working_minutes_per_day
    while day < end:
        nxt = min(_next_month(day), end)
        w0 = cal.work_elapsed(cal.clock_of(day))
        w1 = cal.work_elapsed(min(cal.clock_of(nxt), view.end))
        out[day.month - 1] += (w1 - w0) / week
        day = nxt
    return out


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
