"""Deadlines the regulation sets or leaves to the scenario (A57, A59; AMB-13, AMB-45)."""

from __future__ import annotations

import datetime as dt

from govsim.core.calendar import WorkCalendar


def instruction_reply_deadline(
    cal: WorkCalendar, transferred_at: float, working_days: int
) -> float:
    """Deadline of a department's formal reply to a transferred instruction.

    A57: 「各部门应当在规定时限内办理完毕并以正式报告形式回复办理结果」. The text gives no
    number (AMB-13); the GO sets ``working_days`` at transfer. Counted like every working-day
    limit (AMB-45): the day of transfer is not counted and the limit ends at the close of
    office on the last working day.
    """
    return cal.add_working_days(transferred_at, working_days)


def calendar_days_deadline(cal: WorkCalendar, t: float, days: int) -> float:
    """Deadline of a limit of ``days`` calendar days counted from an event at clock ``t``.

    AMB-45: the day of the event is not counted, and a limit ends at the close of office of
    its last day. When that day is not a working day the limit runs to the close of office of
    the next working day — ASSUMPTION, by analogy with the Civil Code's rule on periods
    (民法典 第二百零三条: 「期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的
    最后一日」), so that a limit never expires on a day when nobody can act. Used for A59's
    「一周」 read as 7 calendar days (AMB-01, K02) and for public comment periods (A21).
    """
    day = cal.date_of(t) + dt.timedelta(days=days)
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return cal.office_close(day)
