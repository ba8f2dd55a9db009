"""The supervision ledger's rules: colours, rhythm dates, deadlines, push effects, scoring.

A70 「中央和省、市重点工作，全部纳入政府及部门工作台帐，实行清单化管理、“蓝黄红”标识……政府部门
周盘点、分管副市长旬推进、市长月调度」; A73 「完善“立项—交办—承办—反馈—核查—销号”流程」; A74
「督查结果与政府部门年终考核成绩挂钩」. The text names the colours and the rhythm but defines
neither; the defaults below are the catalogue's ASSUMPTIONS (RULES §7.4, §7.5; knobs K06, K07,
K62, K63, K65, K68; AMB-14, AMB-15, AMB-50), each a scenario knob.

Pure functions: the model calls them; :mod:`govsim.checks` restates the colour rule and the
rhythm dates independently over the log (INV-S04, INV-S05).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from typing import NamedTuple, Protocol

from govsim.core.calendar import WorkCalendar

BLUE, YELLOW, RED = "blue", "yellow", "red"
COLOURS = (BLUE, YELLOW, RED)  # LedgerColour, A70 「“蓝黄红”标识」
_EPS = 1e-6


class ColourThresholds(Protocol):
    """What the colour rule needs from ``[ledger.colour]`` (K62)."""

    behind_yellow: float
    behind_red: float
    warn_working_days: int


def ledger_deadline(cal: WorkCalendar, registered: float, working_days: int) -> float:
    """The deadline an item gets at 立项: ``working_days`` after registration (AMB-50, K65).

    AMB-50: the deadline is set at 立项 by the GO or by the item's source. Counted like every
    working-day limit (AMB-45): the day of registration is not counted; the limit ends at the
    close of office on the last working day.
    """
    return cal.add_working_days(registered, working_days)


def expected_progress(
    cal: WorkCalendar, registered: float, deadline: float, t: float, before: float = 0.0
) -> float:
    """Share of an item's work planned to be done at clock ``t`` (RULES §7.4, ASSUMPTION).

    The plan is linear in working time from 立项 (``registered``) to the deadline: 0 at
    registration, 1 at the deadline, clipped to [0, 1]. An item whose registration and deadline
    enclose no working time is planned done at once. ``before``: working minutes of the plan
    that elapsed before ``registered`` (an item carried across a warm start's cut, registered
    before the calendar begins, is given ``registered = 0`` and the minutes since its 立项).
    """
    w0, w1 = cal.work_elapsed(registered) - before, cal.work_elapsed(deadline)
    if w1 <= w0:
        return 1.0
    share = (cal.work_elapsed(t) - w0) / (w1 - w0)
    return 1.0 if share > 1.0 else 0.0 if share < 0.0 else share


def working_days_left(cal: WorkCalendar, day: dt.date, deadline: float) -> int:
    """Working days after ``day`` up to and including the deadline's day (0 if not later).

    A deadline at the close of office on the next working day leaves 1; on ``day`` itself, 0;
    at minute 0 (one carried across a warm start's cut, passed before it), 0.
    """
    due = cal.date_of(max(deadline - _EPS, 0.0))
    if due <= day:
        return 0
    return cal.working_days_in(day + dt.timedelta(days=1), due + dt.timedelta(days=1))


def colour(
    progress: float,
    expected: float,
    overdue: bool,
    days_left: int,
    rule: ColourThresholds,
) -> str:
    """The 蓝黄红 colour of an open item at a stocktake (A70; RULES §7.4; K62; AMB-14).

    The text gives no semantics (AMB-14). Default rule (ASSUMPTION, thresholds are knobs):

    * RED — overdue (the deadline has passed and the item is not closed), or seriously behind:
      ``progress < expected − behind_red`` (Δ = 25 %);
    * YELLOW — behind: ``progress < expected − behind_yellow`` (δ = 10 %), or the work is not
      done (``progress < 1``) and the deadline is at most ``warn_working_days`` working days
      away (w = 5);
    * BLUE — on schedule otherwise.

    ``progress`` and ``expected`` are shares of the item's work (see :func:`expected_progress`);
    ``days_left`` comes from :func:`working_days_left`.
    """
    if overdue or progress < expected - rule.behind_red:
        return RED
    if progress < expected - rule.behind_yellow:
        return YELLOW
    if progress < 1.0 and days_left <= rule.warn_working_days:
        return YELLOW
    return BLUE


def push_multiplier(dekad_pushed: bool, dispatched: bool, dekad: float, dispatch: float) -> float:
    """How much faster a pushed item progresses (A70 旬推进, 月调度; RULES §7.5; K63).

    A VM's dekad push raises the progress rate of the yellow and red items it reviews by
    ``dekad`` (K63: +5 %); the mayor's monthly dispatch raises that of red items by
    ``dispatch`` (+10 %). The effects multiply. ASSUMPTION: an effect lasts until the next
    session of the same kind re-examines the item.
    """
    return (1.0 + dekad if dekad_pushed else 1.0) * (1.0 + dispatch if dispatched else 1.0)


def year_end_score(
    on_time: int,
    red_months: int,
    criticisms: int,
    per_on_time: float,
    per_red_month: float,
    per_criticism: float,
) -> float:
    """A department's ledger points for the year-end assessment (A74 「加减分」; K68).

    K68 default: +1 per on-time closure, −1 per red month (an item red at a stocktake in that
    calendar month), −3 per 通报批评. The formula is a knob; the text fixes none.
    """
    return on_time * per_on_time + red_months * per_red_month + criticisms * per_criticism


# -- rhythm dates (A70; K06, K07; AMB-15) --------------------------------------------------


class Dekad(NamedTuple):
    """One 旬 of a month and the working day its push falls on."""

    first: dt.date  # first day of the dekad (1, 11 or 21)
    nominal: dt.date  # 10th, 20th or last day of the month
    push_day: dt.date  # the working day the 旬推进 is held
    month_end: bool  # the third dekad: also the day of the mayor's 月调度


def _last_working_day(cal: WorkCalendar, first: dt.date, last: dt.date) -> dt.date | None:
    """The last working day in ``[first, last]``; None if there is none (or it precedes the
    calendar, i.e. happened before the simulated period)."""
    day = last
    while day >= first:
        if day < cal.start:
            return None
        if cal.is_working_day(day):
            return day
        day -= dt.timedelta(days=1)
    return None


def dekads(cal: WorkCalendar, start: dt.date, end: dt.date) -> list[Dekad]:
    """Every dekad whose push day falls in ``[start, end)`` (A70 「分管副市长旬推进」).

    AMB-15 default: calendar dekads (上旬 1–10, 中旬 11–20, 下旬 21–end of month), each pushed
    on its nominal day — the 10th, the 20th, the last day of the month (K06). A nominal day
    that is not a working day moves **back** to the last working day of the same dekad
    (ASSUMPTION: the push stays inside the dekad it reviews, and the month-end push and the
    mayor's 月调度 stay inside their month, e.g. Saturday 2025-05-31, a Dragon Boat holiday,
    → Friday 05-30). A dekad without a working day has no push.
    """
    out: list[Dekad] = []
    year, month = start.year, start.month
    while dt.date(year, month, 1) < end:
        last = _calendar.monthrange(year, month)[1]
        for k, (a, b) in enumerate(((1, 10), (11, 20), (21, last))):
            first, nominal = dt.date(year, month, a), dt.date(year, month, b)
            if nominal >= cal.end:
                break
            push = _last_working_day(cal, first, nominal)
            if push is not None and start <= push < end:
                out.append(Dekad(first, nominal, push, k == 2))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def stocktake_days(cal: WorkCalendar, start: dt.date, end: dt.date) -> list[dt.date]:
    """The weekly stocktake day of every week, for those in ``[start, end)`` (A70 周盘点; K07).

    K07 default: the last working day of the calendar week (Monday–Sunday): usually Friday; a
    调休 Saturday or Sunday when the week has one; an earlier day when Friday is a holiday. A
    week without a working day has no stocktake.
    """
    out: list[dt.date] = []
    monday = start - dt.timedelta(days=start.weekday())
    while monday < end:
        sunday = monday + dt.timedelta(days=6)
        if sunday < cal.end:
            day = _last_working_day(cal, monday, sunday)
            if day is not None and start <= day < end:
                out.append(day)
        monday += dt.timedelta(days=7)
    return out
