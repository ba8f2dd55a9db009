"""The supervision ledger (A70, A73; RULES §7, §8.2 INV-S01, S04, S05).

Restated from the text over the log: none of this calls :mod:`govsim.rules`.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from govsim.checks.context import EPS, LogContext, Violation
from govsim.checks.leave import allowed_handlers
from govsim.checks.registry import invariant
from govsim.checks.views import absences, decode, rows, triggers
from govsim.checks.vocab import LEDGER_MARKS, LEDGER_NEXT, LEDGER_STEPS
from govsim.core.calendar import WorkCalendar

FAMILY = "ledger"


def _ledger_items(ctx: LogContext) -> set[int]:
    cases = ctx.cases
    return set(cases.loc[cases["case_type"] == "ledger_item", "case"].astype(int))


def _item_steps(case: int, steps: list[tuple[Any, ...]]) -> list[Violation]:
    """INV-S01 over one item's events (index, activity, outcome, time, deadline) in order."""
    out: list[Violation] = []
    state: str | None = None
    deadline = math.nan
    for idx, activity, outcome, time, dl in steps:
        if activity == "case.carried" and state is None:
            state, deadline = activity, dl  # open at a warm start's cut: its steps before are
            continue  # in the earlier log; 立项 was one of them
        if activity not in LEDGER_STEPS and activity not in LEDGER_MARKS:
            out.append(Violation("INV-S01", "A73", case, f"{activity} on an item", (idx,)))
            continue
        if activity in LEDGER_MARKS:
            if state is None or state == "ledger.closed":
                where = "after 销号" if state else "before 立项"
                out.append(Violation("INV-S01", "A73", case, f"{activity} {where}", (idx,)))
            continue
        if activity not in LEDGER_NEXT[state]:
            msg = f"{activity} after {state or 'nothing'}"
            out.append(Violation("INV-S01", "A73", case, msg, (idx,)))
        if activity == "ledger.registered":
            deadline = dl
        if activity == "ledger.verified":
            if outcome not in ("pass", "fail"):
                out.append(Violation("INV-S01", "A73", case, f"核查 outcome {outcome}", (idx,)))
            state = f"verified:{outcome}"
            continue
        if activity == "ledger.closed":
            late = time > deadline + EPS
            if outcome != ("late" if late else "on_time"):
                msg = f"销号 marked {outcome} but late={late}"
                out.append(Violation("INV-S01", "A70", case, msg, (idx,)))
        state = activity
    return out


@invariant("INV-S01", article="A73", family=FAMILY)
def inv_s01(ctx: LogContext) -> list[Violation]:
    """A73 「完善“立项—交办—承办—反馈—核查—销号”流程」: every ledger item's steps come in
    that order, a failed 核查 returning it to 承办 (AMB-16); 销号 only right after a passing
    核查, once, and nothing after it; colours, pushes and escalations only while it is open.
    A70 「按期完」: 销号 is marked late exactly when it comes after the deadline set at 立项.
    Ledger events belong to ledger items only. An item carried across a warm start's cut
    begins with its ``case.carried`` row (its deadline) and goes on from any step after 立项."""
    ev = ctx.events
    items = _ledger_items(ctx)
    out: list[Violation] = []
    found = rows(ctx, *LEDGER_STEPS, *LEDGER_MARKS)
    stray = found.loc[~found["case"].isin(items)]
    for idx, case, act in zip(stray.index, stray["case"], stray["activity"], strict=True):
        out.append(Violation("INV-S01", "A73", int(case), f"{act} on a non-item", (idx,)))
    mine = ev.loc[ev["case"].isin(items)]
    mine = mine.iloc[np.argsort(mine["case"].to_numpy(), kind="stable")]
    steps = zip(
        mine["case"].tolist(),
        mine.index.tolist(),
        decode(mine["activity"]),
        decode(mine["outcome"], missing=math.nan),
        mine["time"].tolist(),
        mine["deadline"].tolist(),
        strict=True,
    )
    for case, group in itertools.groupby(steps, key=lambda r: r[0]):
        out += _item_steps(case, [r[1:] for r in group])
    return out


@dataclass(frozen=True)
class _K62:
    behind_yellow: float = 0.10
    behind_red: float = 0.25
    warn_working_days: int = 5


def _stated_colour(progress: float, planned: float, overdue: bool, near: bool, rule: Any) -> str:
    """RULES §7.4 as written: red when overdue or behind by more than Δ; yellow when behind by
    more than δ, or not done with the deadline near; blue otherwise."""
    if overdue:
        return "red"
    behind = planned - progress
    if behind > rule.behind_red:
        return "red"
    if behind > rule.behind_yellow or (progress < 1 and near):
        return "yellow"
    return "blue"


def _planned(cal: WorkCalendar, t0: float, deadline: float, t: float, before: float = 0.0) -> float:
    """The share of working time elapsed at ``t`` from 立项 (``t0``, or ``before`` working
    minutes before minute 0 for an item carried across a warm start's cut) to the deadline."""
    w0, w1 = cal.work_elapsed(t0) - before, cal.work_elapsed(deadline)
    return 1.0 if w1 <= w0 else min(1.0, max(0.0, (cal.work_elapsed(t) - w0) / (w1 - w0)))


def _near(cal: WorkCalendar, rule: Any, t: float, deadline: float) -> bool:
    """The deadline falls by the close of the ``warn_working_days``-th working day after
    the stocktake's day (that day's close for 0)."""
    w = rule.warn_working_days
    if w == 0:
        return deadline <= cal.office_close(cal.date_of(t - EPS)) + EPS
    try:
        return deadline <= cal.add_working_days(t - EPS, w) + EPS
    except ValueError:  # the w-th working day is past the calendar: the deadline is not
        return True


def _plans(ctx: LogContext) -> pd.DataFrame:
    """Each item's plan by case: ``time`` of 立项, ``deadline``, ``before`` (working minutes
    of it before minute 0). A carried item's comes from its ``case.carried`` row: planned
    from minute 0 with the working minutes since its 立项 before the cut (its ``value``)."""
    reg = rows(ctx, "ledger.registered").groupby("case", observed=True).first()
    reg = reg.assign(before=0.0)[["time", "deadline", "before"]]
    carried = rows(ctx, "case.carried")
    carried = carried.loc[carried["case"].isin(_ledger_items(ctx))]
    if carried.empty:
        return reg
    plans = carried.groupby("case", observed=True).first()
    plans = plans.assign(time=0.0, before=plans["value"])[["time", "deadline", "before"]]
    return pd.concat([reg, plans.loc[~plans.index.isin(reg.index)]])


@invariant("INV-S04", article="A70", family=FAMILY)
def inv_s04(ctx: LogContext) -> list[Violation]:
    """A70 「“蓝黄红”标识」 with the K62 rule (AMB-14): every colour logged at a stocktake is the
    one RULES §7.4 gives for the logged progress. The planned progress is restated from the log:
    the share of working time elapsed from 立项 to the deadline; the deadline is near when it
    falls no later than the close of office of the ``warn_working_days``-th working day after
    the stocktake's day; overdue means after the deadline."""
    cal = ctx.cal
    rule = ctx.colour_rule or _K62()
    reg = _plans(ctx)
    out: list[Violation] = []
    colours = rows(ctx, "ledger.colour")
    cols = zip(
        colours.index, colours["case"], colours["time"], colours["value"],
        colours["outcome"].astype(object), strict=True,
    )  # fmt: skip
    for idx, case, t, progress, colour in cols:
        if case not in reg.index:
            continue  # INV-S01 reports it
        t0, deadline, before = (reg.at[case, c] for c in ("time", "deadline", "before"))
        planned = _planned(cal, t0, deadline, t, before)
        near = _near(cal, rule, t, deadline)
        allowed = {
            _stated_colour(p, planned, over, near, rule)
            for p in (progress - 1e-9, progress, progress + 1e-9)
            for over in (t > deadline + EPS, t > deadline - EPS)
        }
        if colour not in allowed:
            msg = (
                f"colour {colour} at progress {progress:.4f} (planned {planned:.4f}, "
                f"overdue={t > deadline}, near={near}); the rule gives {sorted(allowed)}"
            )
            out.append(Violation("INV-S04", "A70", int(case), msg, (idx,)))
    return out


def _last_workday(cal: WorkCalendar, first: dt.date, last: dt.date) -> dt.date | None:
    """The last working day in [first, last] inside the calendar (None if none is)."""
    day = last
    while day >= max(first, cal.start):
        if cal.is_working_day(day):
            return day
        day -= dt.timedelta(days=1)
    return None


Due = Callable[[float], bool]
"""Whether a session is still due at a moment (any item open for it)."""


@dataclass(frozen=True)
class _OpenItems:
    """Ledger items as intervals: registered at ``t_in``, closed at ``t_out``; each item's
    owner department and that department's leader in charge (分管, A8)."""

    t_in: np.ndarray
    t_out: np.ndarray
    owners: np.ndarray
    leaders: np.ndarray

    def at(self, t: float) -> np.ndarray:
        """Open at ``t``: registered before it and not closed by it."""
        return (self.t_in < t) & (self.t_out > t)

    def due(self, leader: str, session: str) -> Due:
        """Whether ``leader``'s push (any item of the portfolio open), or the monthly dispatch
        (any item open), is due at a moment."""
        if session == "monthly dispatch":
            return lambda t: bool(self.at(t).any())
        return lambda t: bool((self.at(t) & (self.leaders == leader)).any())


def _open_items(ctx: LogContext) -> _OpenItems:
    items = sorted(_ledger_items(ctx))
    matter = ctx.cases.set_index("case")["matter"]
    opened = rows(ctx, "ledger.registered", "case.carried")  # carried: open since re-entry
    reg = opened.groupby("case", observed=True)["time"].min()
    closed = rows(ctx, "ledger.closed").groupby("case", observed=True)["time"].min()
    owners = np.array([str(matter.at[c]) for c in items], dtype=object)
    return _OpenItems(
        np.array([reg.get(c, math.inf) for c in items]),
        np.array([closed.get(c, math.inf) for c in items]),
        owners,
        np.array([ctx.org.portfolio_owner.get(o) for o in owners], dtype=object),
    )


def _held(ctx: LogContext, activity: str) -> set[tuple[str, dt.date]]:
    """(owner, day) of each cadence session (a stocktake's day: the one whose close it is);
    the owner is the leader a substitute held it for (``on_behalf``, A6, A8), else the actor."""
    found, cal = rows(ctx, activity), ctx.cal
    owner = found["on_behalf"].astype(object).where(found["on_behalf"].notna(), found["actor"])
    return {
        (str(a), cal.date_of(t - EPS if activity == "cadence.stocktake" else t))
        for a, t in zip(owner.astype(object), found["time"], strict=True)
    }


def _weekly(ctx: LogContext, items: _OpenItems) -> list[Violation]:
    """周盘点: on each week's last working day, by each department with open items only."""
    cal, out = ctx.cal, []
    stocktakes = _held(ctx, "cadence.stocktake")
    due_days: set[dt.date] = set()
    last_day = cal.start + dt.timedelta(days=cal.days)
    monday = cal.start - dt.timedelta(days=cal.start.weekday())
    while monday < last_day:
        day = _last_workday(cal, monday, monday + dt.timedelta(days=6))
        monday += dt.timedelta(days=7)
        if day is None or cal.office_close(day) >= cal.horizon_minutes:
            continue
        due_days.add(day)
        for dept in sorted(set(items.owners[items.at(cal.office_close(day))])):
            if (dept, day) not in stocktakes:
                msg = f"no stocktake by {dept} on {day} (周盘点)"
                out.append(Violation("INV-S05", "A70", None, msg))
    for actor, day in sorted(stocktakes - {(a, d) for a, d in stocktakes if d in due_days}):
        out.append(Violation("INV-S05", "A70", None, f"stocktake by {actor} on {day}, not due"))
    return out


def _dekad_days(cal: WorkCalendar) -> list[tuple[dt.date, bool]]:
    """Each dekad's last working day inside the calendar, and whether it ends its month."""
    days = []
    last_day = cal.start + dt.timedelta(days=cal.days)
    year, month = cal.start.year, cal.start.month
    while dt.date(year, month, 1) < last_day:
        end = _calendar.monthrange(year, month)[1]
        for a, b in ((1, 10), (11, 20), (21, end)):
            day = _last_workday(cal, dt.date(year, month, a), dt.date(year, month, b))
            if day is not None and cal.office_open(day) < cal.horizon_minutes:
                days.append((day, b == end))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def _dekads(ctx: LogContext, items: _OpenItems) -> list[Violation]:
    """旬推进 and 月调度: on each dekad's last working day, by each leader in charge of open
    items; the mayor's dispatch on the month's last such day; on no other day — except that
    a session its leader could not hold for being away, with nobody holding it for them, is
    held on the return (:func:`_held_on_return`)."""
    cal, org, out = ctx.cal, ctx.org, []
    pushes = _held(ctx, "cadence.dekad_push")
    dispatches = _held(ctx, "cadence.monthly_dispatch")
    held = pushes | dispatches
    days = _dekad_days(cal)
    push_days, late = {day for day, _ in days}, set()
    for day, month_end in days:
        mask = items.at(cal.office_open(day))
        due = [(leader, "dekad push") for leader in sorted(set(items.leaders[mask]))]
        if month_end and mask.any():
            due.append((org.mayor, "monthly dispatch"))
        for leader, what in due:
            if (leader, day) in held:
                continue
            found = _held_on_return(ctx, held, leader, day, what, items.due(leader, what))
            if found is None:
                on = f"no {what} by {leader}" if what == "dekad push" else f"no {what}"
                out.append(Violation("INV-S05", "A70", None, f"{on} on {day}"))
            else:
                late.add((leader, found))
    for actor, day in sorted(held - late):
        if day not in push_days:
            out.append(Violation("INV-S05", "A70", None, f"session by {actor} on {day}, not due"))
    return out


def _held_on_return(
    ctx: LogContext,
    held: set[tuple[str, dt.date]],
    leader: str,
    day: dt.date,
    session: str,
    due: Due,
) -> dt.date | None:
    """The day a session missed on ``day`` was held instead, if ``leader`` was away when it
    was due (the day's office opening, A80) and 补位 hands it to nobody on post then
    (:func:`_covered`): the working day of the return, or none at all if nothing is ``due``
    then (the items closed meanwhile); ``day`` itself if the leader is still away when the log
    ends. A70 names no stand-in beyond 补位: the model holds the session when the leader is
    back (ASSUMPTION)."""
    cal = ctx.cal
    opens = cal.office_open(day)
    if absences(ctx).at(leader, opens) is None or _covered(ctx, leader, opens, session):
        return None
    back = _back(ctx, leader, opens)
    on_post = cal.next_open(back) if back < cal.horizon_minutes else math.inf
    if on_post >= cal.horizon_minutes or not due(on_post):
        return day  # held after the log's end, or nothing left to hold it on
    later = sorted(d for a, d in held if a == leader and d > day)
    return later[0] if later and later[0] <= cal.date_of(on_post) else None


def _covered(ctx: LogContext, leader: str, t: float, session: str) -> bool:
    """Whether 补位 hands an absent ``leader``'s session at ``t`` to someone on post (A6, A8;
    K59 ``scope``): the policy is not ``none``, the absence's reason triggers it, the scope
    includes the session, and one of the leader's substitutes under the policy (the executive
    vice mayor for the mayor, AMB-09) is on post then."""
    sub, away = ctx.substitution, absences(ctx)
    absent, trig = away.at(leader, t), triggers(ctx)
    if sub.policy == "none" or absent is None or (trig is not None and absent.reason not in trig):
        return False
    if not getattr(sub.scope, session.replace(" ", "_")):  # dekad push | monthly dispatch
        return False
    org = ctx.org
    allowed = {org.executive_vice_mayor} if leader == org.mayor else allowed_handlers(ctx, leader)
    return any(away.at(h, t) is None for h in allowed or () if h != leader)


def _back(ctx: LogContext, person: str, t: float) -> float:
    """When ``person``, away at ``t``, is back on post — through absences that follow one
    another without a working minute between (A80)."""
    spans, horizon = absences(ctx).of(person), ctx.cal.horizon_minutes
    back = at = t
    while at < horizon:
        nxt = [a.back for a in spans if a.start <= at < a.back]
        if not nxt:
            break
        back = max(nxt)
        at = ctx.cal.next_open(back) if back < horizon else horizon
    return back


@invariant("INV-S05", article="A70", family=FAMILY)
def inv_s05(ctx: LogContext) -> list[Violation]:
    """A70 「政府部门周盘点、分管副市长旬推进、市长月调度」 (RULES §7.5; K06, K07, AMB-15):

    * every calendar week, at the close of office of its last working day, each department with
      open items holds a ``cadence.stocktake`` — and stocktakes happen on no other day;
    * every dekad (1–10, 11–20, 21–end of month), on its last working day up to the 10th, 20th
      or month end, each leader in charge of a department with open items convenes a
      ``cadence.dekad_push`` — and pushes happen on no other day;
    * on the month's last such day, if any item is open, the mayor convenes the
      ``cadence.monthly_dispatch``;
    * a push or dispatch whose leader is away at the day's opening, and which 补位 hands to
      nobody on post (A6, A8, K59), is held on the working day the leader is back instead.

    Open at a moment means registered before it and not closed by it. Days before the start
    of the calendar are unknown: a week or dekad whose day would fall before it is not checked.
    """
    items = _open_items(ctx)
    return _weekly(ctx, items) + _dekads(ctx, items)
