"""Meeting rules: cadence, the A49 lead, chair, quorum, minutes signer (A45, A49, A50, A52).

Pure functions of the regulation (RULES §3.5, §5.2–§5.6; K39, K44–K49; AMB-10, AMB-11,
AMB-40, AMB-45). The model calls them; :mod:`govsim.invariants` restates the same rules over
the log (INV-M02, M03, M04, M08), so a wrong function here shows up as a violation.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Callable

from govsim.calendar import WorkCalendar
from govsim.org import Organisation

MEMBER_ROLES = ("mayor", "executive_vice_mayor", "vice_mayor", "secretary_general")


def executive_members(org: Organisation) -> tuple[str, ...]:
    """A45 「市政府常务会议由市长、副市长、市政府秘书长组成」: the roster, in scenario order.

    Deputy secretaries-general attend (列席) but are not members (INV-M12, AMB-11)."""
    return tuple(ld for ld, role in org.leader_roles.items() if role in MEMBER_ROLES)


def _on_or_after_working(cal: WorkCalendar, d: dt.date) -> dt.date | None:
    end = cal.start + dt.timedelta(days=cal.days)
    while d < end:
        if cal.is_working_day(d):
            return d
        d += dt.timedelta(days=1)
    return None


def executive_meeting_days(cal: WorkCalendar, cadence: str, weekday: int) -> list[dt.date]:
    """The regular executive meeting days in the calendar (A45 「原则上每月召开1次」; K39).

    ``monthly`` (K39 default): the last ``weekday`` of each month if it is a working day,
    otherwise the next working day (e.g. Thursday 2025-01-30, a Spring Festival holiday →
    Wednesday 2025-02-05). ``fortnightly``: every second ``weekday`` from the first one on or
    after the calendar's start, each moved to the next working day the same way.
    """
    end = cal.start + dt.timedelta(days=cal.days)
    nominal: list[dt.date] = []
    if cadence == "monthly":
        year, month = cal.start.year, cal.start.month
        while dt.date(year, month, 1) < end:
            last = dt.date(year, month, _calendar.monthrange(year, month)[1])
            nominal.append(last - dt.timedelta(days=(last.weekday() - weekday) % 7))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    elif cadence == "fortnightly":
        d = cal.start + dt.timedelta(days=(weekday - cal.start.weekday()) % 7)
        while d < end:
            nominal.append(d)
            d += dt.timedelta(days=14)
    else:
        raise ValueError(f"unknown cadence {cadence!r}")
    out: list[dt.date] = []
    for d in nominal:
        if d < cal.start:
            continue
        day = _on_or_after_working(cal, d)
        if day is not None and (not out or day > out[-1]):
            out.append(day)
    return out


def submission_cutoff(cal: WorkCalendar, meeting_day: dt.date, lead_working_days: int) -> float:
    """Latest clock at which a topic's materials may reach the GO for a meeting on
    ``meeting_day`` (A49 「除特殊情况外，应于会前5个工作日报送」, K44).

    AMB-45: the meeting day is not counted; the materials are on time if received by the close
    of office on the ``lead_working_days``-th working day before it."""
    return cal.office_close(cal.sub_working_days(meeting_day, lead_working_days))


def eligible(received: float, special: bool, cutoff: float) -> bool:
    """A49: a topic may go on the agenda if received by the cut-off, or as a special case."""
    return special or received <= cutoff


def resolve_chair(org: Organisation, away: Callable[[str], object], entrusted: bool) -> str | None:
    """Who chairs an executive meeting now (RULES §5.3), or None: postpone (AMB-56).

    A45: the mayor chairs; 「市长不能出席会议时，可委托负责常务工作的副市长召集和主持」 — the
    executive vice mayor only with an explicit entrustment (AMB-40, K48) and only if on post.
    """
    if away(org.mayor) is None:
        return org.mayor
    evm = org.executive_vice_mayor
    if entrusted and away(evm) is None:
        return evm
    return None


def expected_members(roster: tuple[str, ...], on_leave: set[str], base: str) -> int:
    """「应到人数」 (A45; K46, AMB-11): the roster, or the roster minus members on leave."""
    if base == "roster_minus_leave":
        return sum(1 for m in roster if m not in on_leave)
    return len(roster)


def has_quorum(present: int, expected: int) -> bool:
    """A45 「出席人数须超过应到人数的二分之一」: strictly more than half (RULES §5.5)."""
    return 2 * present > expected


def minutes_signer(org: Organisation, chair: str, exec_vm_may_sign: bool) -> str:
    """A52 「市政府全体会议、常务会议和市长办公会议纪要，由市长签发」 (RULES §5.4).

    The mayor signs even when the executive VM chaired by entrustment (AMB-10), unless the
    K49 knob lets that VM sign."""
    if exec_vm_may_sign and chair == org.executive_vice_mayor:
        return chair
    return org.mayor
