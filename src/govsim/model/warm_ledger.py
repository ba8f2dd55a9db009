"""Warm start: ledger items (督办台账) and absences open at the cut, carried into a run.

**Ledger items** (A70–A74). Every item registered (立项) and not closed (销号) at the cut is
carried at its step (A73): awaiting 交办 (``registered``), awaiting 承办 (``assigned``), at the
department's desk (``undertaking``, also after a failed 核查, AMB-16) or awaiting 核查
(``feedback``). It keeps its source, owner department (and so its leader in charge, A8), its
deadline to the minute (:func:`~govsim.model.warm_snapshot._on_new_clock`: one that passed
before the cut's day is minute 0), its work, the 核查 it failed (each adds the scenario's
``rework_share``), its colour at the last 周盘点 (蓝黄红, A70) and the 督办 it is under: pushed
at the last 旬推进 of its leader, supervised at the last 月调度, the monthly dispatches in a
row it was red at (A74 约谈). It re-enters through :meth:`LedgerModel.carry
<govsim.model.ledger.LedgerModel.carry>` — the model's own lifecycle from its step; its desk
sittings queue again from the work left (:mod:`govsim.model.ledger_desk`); the rhythm
(周盘点, 旬推进, 月调度) treats it as any open item, and its colours follow the K62 rule from
its plan, linear in working time from its 立项 before the cut (the ``case.carried`` row states
those working minutes, so the colour check restates the same plan).

ASSUMPTION: the work done at the cut is the progress logged at the item's last stocktake (all
of it once it reported 反馈); work since that stocktake is not in the log and is done again.
A push holds at the cut when it was made in the dekad (for 月调度: the month's last dekad) of
the last push day before the cut (a push delayed past its dekad by an absent leader is not
seen). An item's lateness for 通报批评 (A74) is counted from its deadline on the new clock.

**Absences** (A6, A8, A80). An absence that began before the cut and had not ended goes on to
its planned end: it is in the run's availability from minute 0 (its 补位 in force, A6, A8),
the run's own random absences of that person do not overlap it (:func:`draw_absences
<govsim.model.availability.draw_absences>`), and its case is opened again at minute 0 with
``case.carried`` (deadline: the planned end), ``absence.start`` and ``substitution.start``
rows, so the leave checks see who is away. Not carried (counted in ``not_carried``): a leave
asked for but not begun at the cut (the log does not say its planned end; the run draws its
own), and an absence whose person was recalled and is travelling back (A80).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govsim.core.calendar import build_calendar
from govsim.model.availability import Absence, person_role
from govsim.model.ledger import Item
from govsim.model.warm_snapshot import (
    Snapshot,
    _on_new_clock,
    classifies,
    load_families,
    read_snapshot,
    starts,
)
from govsim.rules.ledger import push_multiplier

if TYPE_CHECKING:
    import pandas as pd

    from govsim.core.org import Organisation
    from govsim.model.world import World
    from govsim.scenario.models import Scenario

STAGE_AFTER = {
    "ledger.registered": "registered",
    "ledger.assigned": "assigned",
    "ledger.undertaken": "undertaking",
    "ledger.feedback": "feedback",
    "ledger.verified": "undertaking",  # a failed 核查: back to 承办 (AMB-16)
}
"""An open item's step at the cut, after its last logged step (A73)."""


@dataclass(frozen=True)
class CarriedItem:
    """One ledger item open at the cut, times on the new clock (module docstring)."""

    stage: str  # registered | assigned | undertaking | feedback
    source: str
    owner: str
    sender: str
    registered: float  # its 立项 (negative: before the cut's day)
    deadline: float
    work: float  # working minutes at 立项
    fails: int = 0  # failed 核查 so far (AMB-16)
    progress: float | None = None  # at its last stocktake
    fails_at_colour: int = 0  # failed 核查 before that stocktake
    colour: str | None = None  # at its last stocktake (A70)
    pushed: float | None = None  # its last 旬推进
    supervised: float | None = None  # its last 督办 at a 月调度
    red_dispatches: int = 0  # monthly dispatches in a row it was red at (A74)
    kind: str = "ledger_item"


@dataclass(frozen=True)
class CarriedAbsence:
    """One absence begun before the cut and not ended, times on the new clock (A80)."""

    person: str
    reason: str
    start: float
    end: float  # its planned end
    kind: str = "absence"
    stage: str = "away"


# -- at the cut ----------------------------------------------------------------------------


@classifies("ledger_item")
def _classify_item(
    rows: pd.DataFrame, attrs: pd.Series, at: float, offset: float
) -> CarriedItem | str:
    """Where one open ledger item was at the cut: its step, plan, progress, colour, 督办."""
    fails = fails_at_colour = red_dispatches = 0
    stage = registered = deadline = work = None
    progress = colour = pushed = supervised = None
    cols = ("activity", "time", "outcome", "deadline", "value")
    for act, t, outcome, limit, value in rows[list(cols)].itertuples(index=False):
        if act == "ledger.registered":
            registered, deadline, work = t - offset, limit, float(value)
        elif act == "ledger.colour":
            progress, colour, fails_at_colour = float(value), str(outcome), fails
            red_dispatches = 0 if colour != "red" else red_dispatches
        elif act == "ledger.pushed":
            pushed = t - offset
        elif act == "outcome.supervise":
            supervised, red_dispatches = t - offset, red_dispatches + 1
        fails += act == "ledger.verified" and outcome == "fail"
        stage = STAGE_AFTER.get(act, stage)
    if stage is None or registered is None:
        return "ledger item registered before the log"
    return CarriedItem(
        stage, str(attrs["source"]), str(attrs["matter"]), str(attrs["sender"]), registered,
        _on_new_clock(float(deadline), offset), float(work), int(fails), progress,
        fails_at_colour, colour, pushed, supervised, red_dispatches,
    )  # fmt: skip


@classifies("absence")
def _classify_absence(
    rows: pd.DataFrame, attrs: pd.Series, at: float, offset: float
) -> CarriedAbsence | str:
    """An absence begun before the cut and not ended goes on to its planned end (A80)."""
    acts = rows["activity"].astype(str)
    began = rows.loc[acts == "absence.start"]
    if began.empty:
        return "leave asked for, not begun"
    if (acts == "absence.recall").any():
        return "absence recalled, travelling back"
    first = began.iloc[0]
    return CarriedAbsence(
        str(first["actor"]),
        str(first["outcome"]),
        float(first["time"]) - offset,
        float(first["deadline"]) - offset,
    )


# -- re-entering the run -------------------------------------------------------------------


@starts(CarriedItem)
def _start_items(w: World, carried: list[CarriedItem], snap: Snapshot) -> None:
    """Each carried item re-enters the ledger at the re-entry moment, in case order. Without
    a ledger in the run's scenario they are not started."""
    if w.ledger is None:
        return
    before = work_before(w.sc, w.cal.start, [c.registered for c in carried])
    w.env.process(_reenter(w, carried, before, snap.reentry))


def _reenter(
    w: World, carried: list[CarriedItem], before: list[float], at: float
) -> Generator[Any, Any, None]:
    if at > 0:
        yield w.env.timeout(at)
    assert w.ledger is not None
    dekad_since = push_holds_since(w, at, month_end=False)
    month_since = push_holds_since(w, at, month_end=True)
    rhythm, rework = w.ledger.cfg.rhythm, w.ledger.cfg.rework_share
    for c, minutes in zip(carried, before, strict=True):
        total = c.work * (1.0 + rework * c.fails)
        done = c.work * (1.0 + rework * (c.fails - 1)) if c.fails else 0.0
        if c.progress is not None:
            done = max(done, c.progress * c.work * (1.0 + rework * c.fails_at_colour))
        dekad = c.pushed is not None and c.pushed >= dekad_since
        dispatch = c.supervised is not None and c.supervised >= month_since
        item = Item(
            -1, c.source, c.owner, w.org.portfolio_owner[c.owner], 0.0, c.deadline, c.work,
            total, total if c.stage == "feedback" else min(done, total), "carried", c.colour,
            dekad, dispatch, c.red_dispatches,
            push_multiplier(dekad, dispatch, rhythm.dekad_push_factor,
                            rhythm.monthly_dispatch_factor),
            minutes,
        )  # fmt: skip
        w.ledger.carry(item, c.stage, c.sender, minutes)


def work_before(sc: Scenario, start: dt.date, registered: list[float]) -> list[float]:
    """Working minutes from each 立项 (new clock, before or after minute 0) to minute 0, on the
    scenario's calendar extended back to the earliest (negative when after minute 0)."""
    if not registered:
        return []
    back = max(0, math.ceil(-min(registered) / 1440.0))
    first = start - dt.timedelta(days=back)
    run = sc.scenario.model_copy(update={"start": first, "horizon_days": back + 2})
    cal = build_calendar(sc.model_copy(update={"scenario": run}))
    zero = back * 1440.0
    return [cal.work_elapsed(zero) - cal.work_elapsed(zero + r) for r in registered]


def _dekad(d: dt.date, month_end: bool) -> tuple[dt.date, dt.date]:
    """The first and last days of ``d``'s dekad (1–10, 11–20, 21–end; K06); with
    ``month_end``, of the month's last dekad at or before ``d``."""
    last = _calendar.monthrange(d.year, d.month)[1]
    if month_end and d.day <= 20:
        prev = d.replace(day=1) - dt.timedelta(days=1)
        return prev.replace(day=21), prev
    a, b = (1, 10) if d.day <= 10 else (11, 20) if d.day <= 20 else (21, last)
    return d.replace(day=a), d.replace(day=b)


def _previous(first: dt.date, month_end: bool) -> dt.date:
    """The first day of the dekad before the one beginning ``first`` (the month's last)."""
    if month_end or first.day == 1:
        return (first.replace(day=1) - dt.timedelta(days=1)).replace(day=21)
    return first.replace(day=first.day - 10)


def push_holds_since(w: World, at: float, month_end: bool) -> float:
    """The new clock's minute since which a 旬推进 (``month_end``: 月调度) made before ``at``
    still holds: the first day of the dekad of the last push day before it (A70; K06)."""
    cal, day0 = w.cal, w.cal.start
    first, last = _dekad(day0, month_end)
    passed = last < day0  # the month's last dekad ended before the cut's day
    if not passed:
        day, push = day0, None
        while day <= last and cal.office_open(day) < cal.horizon_minutes:
            push = day if cal.is_working_day(day) else push
            day += dt.timedelta(days=1)
        # no working day left in the dekad: its push day came before the cut's day
        passed = (push is None and day > last) or (push == day0 and cal.office_open(day0) <= at)
    since = first if passed else _previous(first, month_end)
    return (since - day0).days * 1440.0


UNASKED = {"requested": None, "late_request": False, "recall": None, "fixed": True, "carried": True}
"""A carried absence: asked for before the cut, dated (as a fixed one), not recalled."""


def carried_absences(sc: Scenario, org: Organisation) -> list[Absence]:
    """The absences ongoing at the cut of ``sc``'s ``[initial_state]``, for the run's
    availability (A6, A8, A80): each to its planned end, its person in the organisation."""
    snap = read_snapshot(sc)
    load_families()
    ongoing = [c for c in snap.carried if isinstance(c, CarriedAbsence) and c.person in org.code]
    role = {c.person: person_role(org, c.person) for c in ongoing}
    return [
        Absence(c.person, role[c.person], c.reason, c.start, c.end, c.end, **UNASKED)
        for c in ongoing
    ]


@starts(CarriedAbsence)
def _start_absences(w: World, carried: list[CarriedAbsence], snap: Snapshot) -> None:
    """Nothing to start here: carried absences are in the run's availability from its
    construction (:func:`carried_absences`), and are logged as they unfold with the others."""
