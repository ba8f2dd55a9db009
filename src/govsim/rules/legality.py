"""Legality review and decision gates (A20, A21, A60; RULES §3.8, §4.7, §4.9).

A20 「提请市政府讨论的地方性法规草案和审议的市政府规章草案由市司法局审查或组织起草」.
A21 「市政府制定规范性文件，应当依照法定权限和程序，进行评估论证、公开征求意见，经市司法局合法性
审核后，由起草部门提请市政府全体会议或常务会议审议，并予以公布和备案」.
A60 「以市政府名义对外签订合同、协议、备忘录、意向书等，需事先经市司法局合法性审查，并报市政府
同意」.
"""

from __future__ import annotations

import datetime as dt

from govsim.core.calendar import WorkCalendar
from govsim.rules.deadlines import calendar_days_deadline

NEEDS_LEGALITY_REVIEW = frozenset({"normative_doc", "gov_rule", "contract"})
"""Topics the justice bureau must review before they go further (A20, A21, A60; INV-N01,
INV-N03, INV-O11)."""

DELIBERATED = frozenset({"normative_doc", "gov_rule"})
"""Topics a plenary or executive meeting must deliberate (A21, A45(三))."""


def comment_period_end(cal: WorkCalendar, opened_at: float, days: int) -> float:
    """End of a public comment period (公开征求意见, A21) of ``days`` calendar days.

    The text gives no length (ASSUMPTION, scenario); counted like every limit here: the day it
    opens is not counted, and it ends at the close of office, moved to the next working day
    if its last day is not one.
    """
    return calendar_days_deadline(cal, opened_at, days)


def next_decision_time(cal: WorkCalendar, ready_at: float, day_of_month: int) -> float:
    """When the government next decides a matter ready at ``ready_at`` (A21, A61(6)).

    Without ``[meetings]`` the government decides on a fixed day of each month: the opening of
    office on ``day_of_month``, or on the next working day if that is not one; the first such
    time strictly after ``ready_at`` (ASSUMPTION). With ``[meetings]`` the executive meeting
    decides instead (:meth:`govsim.model.meetings.MeetingsModel.deliberate`).
    """
    d = cal.date_of(ready_at)
    year, month = d.year, d.month
    while True:
        day = dt.date(year, month, day_of_month)
        if day >= cal.start:
            while not cal.is_working_day(day):
                day += dt.timedelta(days=1)
            at = cal.office_open(day)
            if at > ready_at:
                return at
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
