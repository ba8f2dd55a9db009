"""Countersign limits and deemed consent (A56, A59; RULES §4.3, Q08–Q11, R26, R27).

A59: 「部门之间征求意见或会签文件时，除主办部门另有时限要求外，一般应在3个工作日内回复，特别
复杂的事项不得超过一周；特殊情况不能按期回复的，应主动与主办部门沟通并商定回复时限及方式，
逾期不回复视为无不同意见。」 AMB-20: the same limits apply to A56 request countersigns.
Every limit is counted with the calendar's AMB-45 convention: the day of the request is not
counted, and the limit ends at the close of office.
"""

from __future__ import annotations

from typing import Literal

from govsim.core.calendar import WorkCalendar
from govsim.rules.deadlines import calendar_days_deadline

TEXT_WORKING_DAYS = 3
"""A59 「一般应在3个工作日内回复」 (K31)."""

ComplexLimit = Literal["5wd", "7cd"]


def one_week(cal: WorkCalendar, requested_at: float, unit: ComplexLimit = "5wd") -> float:
    """A59 「特别复杂的事项不得超过一周」: the end of 「一周」 after a request at ``requested_at``.

    AMB-01 (K02): ``"5wd"`` (default) reads the week as 5 working days — the sentence counts
    in working days, and 7 calendar days over a holiday could expire with no working time
    elapsed; ``"7cd"`` reads it as 7 calendar days (:func:`calendar_days_deadline`).
    """
    if unit == "5wd":
        return cal.add_working_days(requested_at, 5)
    return calendar_days_deadline(cal, requested_at, 7)


def countersign_deadline(
    cal: WorkCalendar,
    requested_at: float,
    *,
    complex_: bool = False,
    lead_limit_wd: int = 0,
    working_days: int = TEXT_WORKING_DAYS,
    complex_limit: ComplexLimit = "5wd",
) -> float:
    """When a co-department's reply to a countersign request is due (RULES R26, INV-D10).

    The lead department's own limit if it set one (「除主办部门另有时限要求外」, K33;
    ``lead_limit_wd`` working days), else one week for an especially complex matter
    (:func:`one_week`), else ``working_days`` (3) working days.
    """
    if lead_limit_wd > 0:
        return cal.add_working_days(requested_at, lead_limit_wd)
    if complex_:
        return one_week(cal, requested_at, complex_limit)
    return cal.add_working_days(requested_at, working_days)


def extended_deadline(cal: WorkCalendar, deadline: float, working_days: int) -> float:
    """The new limit agreed when a co-department cannot reply in time (A59 「商定回复时限」).

    ASSUMPTION (K30): the extension adds ``working_days`` working days to the current limit.
    """
    return cal.add_working_days(deadline, working_days)


def deemed_no_objection(
    reply_at: float,
    deadline: float,
    *,
    deemed_consent: bool = True,
    extended: bool = False,
    deemed_after_extension: bool = True,
) -> bool:
    """A59 「逾期不回复视为无不同意见」: whether the countersign is deemed given at ``deadline``.

    It is iff deeming applies and no reply came by the deadline (a reply exactly at the
    deadline is in time). ``deemed_consent=False`` switches the rule off (every reply is
    awaited); AMB-19 (K34): after an agreed extension it applies to the new limit unless
    ``deemed_after_extension`` is False. A reply after deeming is logged and ignored (K35).
    """
    applies = deemed_consent and (deemed_after_extension or not extended)
    return applies and reply_at > deadline
