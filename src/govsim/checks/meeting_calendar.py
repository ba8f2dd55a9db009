"""The executive meeting's calendar (A45 「原则上每月召开1次」; RULES §8.2 INV-M10).

Restated from the log: the executive meetings planned (``meeting.planned``, outcome
``executive``) and opened (``meeting.opened``). Independent of the model and of the rules.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd

from govsim.checks.context import LogContext, Violation
from govsim.checks.registry import invariant
from govsim.checks.views import opened, rows

FAMILY = "meetings"
MONTH_TOLERANCE_WORKING_DAYS = 5
"""INV-M10's tolerance: a month's executive meeting may open up to this many working days after
the month's end — a planned day in a holiday moved to the next working day (K39 as
catalogued), or a meeting postponed at the month's end for want of a chair or a quorum (K50,
AMB-56). 「原则上」 (in principle) allows for such cases; five working days is an ASSUMPTION."""


def days_of(cal, found: pd.DataFrame) -> list[dt.date]:  # type: ignore[no-untyped-def]
    """The day of each opening, in log order."""
    return [cal.date_of(t) for t in found["time"].tolist()]


def _months(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    out, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _falls_in(ctx: LogContext, days: list[dt.date], year: int, month: int) -> bool:
    """True if one of ``days`` is in the month, or within the tolerance after its end."""
    cal, end = ctx.cal, _month_end(year, month)
    if any((d.year, d.month) == (year, month) for d in days):
        return True
    later = [d for d in days if d > end]
    if not later:
        return False
    try:
        limit = cal.add_working_days_date(end, MONTH_TOLERANCE_WORKING_DAYS)
    except ValueError:
        return True  # the tolerance runs past the calendar: not judged
    return min(later) <= limit


def _postponed_days(ctx: LogContext, planned: pd.DataFrame) -> list[dt.date]:
    """The planned opening days of executive meetings postponed (no chair, no quorum, not
    ready — an arrangement not done by the planned opening is logged then: K50, AMB-56)."""
    cal = ctx.cal
    put_off = set(rows(ctx, "meeting.postponed")["case"].tolist())
    return [
        cal.date_of(float(t))
        for c, t in zip(planned["case"].tolist(), planned["deadline"].tolist(), strict=True)
        if c in put_off
    ]


@invariant("INV-M10", article="A45", family=FAMILY)
def inv_m10(ctx: LogContext) -> list[Violation]:
    """A45 「市政府常务会议原则上每月召开1次」: every calendar month from the first executive
    meeting planned to open to the last one opened has an executive meeting opening in it (or
    at most :data:`MONTH_TOLERANCE_WORKING_DAYS` working days after its end), unless a meeting
    planned to open in it (or within the same tolerance after it: a planned day in a holiday
    moved to the next working day, K39) was postponed (logged, K50) — and no two executive
    meetings open on the same day. Judged on every log, whatever the cadence or the
    ``holiday_shift``: both keep a meeting within the tolerance of each month."""
    cal = ctx.cal
    found = opened(ctx, "executive")
    days = sorted(cal.date_of(t) for t in found["time"].tolist())
    planned = rows(ctx, "meeting.planned")
    planned = planned.loc[planned["outcome"].astype(object) == "executive"]
    out = []
    cases = dict(zip(days_of(cal, found), found["case"].tolist(), strict=True))
    for day, n in sorted(Counter(days).items()):
        if n > 1:
            msg = f"{n} executive meetings open on {day}"
            out.append(Violation("INV-M10", "A45", int(cases[day]), msg))
    if not days or planned.empty:
        return out
    first = cal.date_of(float(planned["deadline"].min()))  # the first planned opening
    put_off = _postponed_days(ctx, planned)
    for year, month in _months(first, days[-1]):
        if not _falls_in(ctx, days, year, month) and not _falls_in(ctx, put_off, year, month):
            msg = f"no executive meeting in {year}-{month:02d}"
            out.append(Violation("INV-M10", "A45", None, msg))
    return out
