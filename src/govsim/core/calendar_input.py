"""Inputs of the work calendar: office hours written ``HH:MM``, the PRC official-holiday data
and the argument checks, kept apart from :class:`govsim.core.calendar.WorkCalendar` so that the
calendar's module holds the clock arithmetic alone.

A working day (``kind="cn_official"``, knob K01) is a PRC official working day: Monday to
Friday, minus the statutory holidays and the days off they move, plus the make-up weekend
working days (调休) of the State Council's annual notice, read from ``holidays.China``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Literal

__all__ = [
    "MINUTES_PER_DAY",
    "WORK_EPS",
    "BeyondData",
    "CalendarDataError",
    "Kind",
    "as_dates",
    "check_arguments",
    "cn_year",
    "official_years",
    "parse_office_hours",
]

MINUTES_PER_DAY = 1440
#: Tolerance (minutes, 6 µs) for rounding noise in working-time arithmetic: an amount
#: of work that reaches the end of an office block to within ``WORK_EPS`` finishes at that end,
#: instead of being pushed over lunch or overnight by float error.
WORK_EPS = 1e-7

Kind = Literal["cn_official", "weekdays", "continuous"]
BeyondData = Literal["error", "estimate"]

_KINDS = ("cn_official", "weekdays", "continuous")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


@lru_cache(maxsize=1)
def official_years() -> frozenset[int]:
    """Years with the State Council's 调休 notice in ``holidays.China``. The package is
    imported on first use: a 24/7 or weekdays calendar never needs it (about 0.13 s)."""
    from holidays.countries.china import ChinaStaticHolidays

    return frozenset(ChinaStaticHolidays.special_public_holidays)


class CalendarDataError(ValueError):
    """The horizon reaches a year for which the holiday data hold no official 调休 notice."""


@lru_cache(maxsize=256)
def cn_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """Rest days on weekdays and make-up working weekend days of ``year`` per ``holidays.China``.

    Neighbouring years are populated too, because a notice can move days across New Year
    (the 2006 notice made Saturday 2005-12-31 a working day).
    """
    from holidays.countries.china import China

    cn = China(years=(year - 1, year, year + 1))
    off = frozenset(d for d in cn if d.year == year)
    make_up = frozenset(d for d in cn.weekend_workdays if d.year == year)
    return off, make_up


def _parse_hhmm(text: object, *, is_end: bool) -> int:
    """Minutes after midnight of an ``"HH:MM"`` string; ``"24:00"`` only as a block end."""
    m = _HHMM.match(text) if isinstance(text, str) else None
    if m is None:
        raise ValueError(f"office_hours: {text!r} is not a time of day written HH:MM")
    hours, minutes = int(m.group(1)), int(m.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes != 0):
        raise ValueError(f"office_hours: {text!r} is not a valid time of day")
    if hours == 24 and not is_end:
        raise ValueError(f"office_hours: a block cannot start at {text!r}")
    return hours * 60 + minutes


def parse_office_hours(blocks: Sequence[tuple[str, str]]) -> list[tuple[int, int]]:
    """Validate ordered, non-overlapping blocks; touching blocks are merged into one."""
    out: list[tuple[int, int]] = []
    for i, block in enumerate(blocks):
        if isinstance(block, str) or len(block) != 2:
            raise ValueError(f"office_hours: block {i} must be a pair (start, end), got {block!r}")
        a = _parse_hhmm(block[0], is_end=False)
        b = _parse_hhmm(block[1], is_end=True)
        if a >= b:
            raise ValueError(
                f"office_hours: block {i} ({block[0]}–{block[1]}) must end after it starts"
            )
        if out and a < out[-1][1]:
            raise ValueError(
                f"office_hours: block {i} ({block[0]}–{block[1]}) starts before the previous "
                "block ends; blocks must be in order and must not overlap"
            )
        if out and a == out[-1][1]:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    if not out:
        raise ValueError("office_hours: at least one office block is needed")
    return out


def as_dates(days: Iterable[dt.date], name: str) -> frozenset[dt.date]:
    out = set()
    for d in days:
        if isinstance(d, dt.datetime):
            d = d.date()
        elif not isinstance(d, dt.date):
            raise ValueError(f"{name}: {d!r} is not a date")
        out.add(d)
    return frozenset(out)


def check_arguments(
    start: object, days: int, margin_days: int, kind: str, beyond_data: str
) -> None:
    """Refuse a calendar's arguments of the wrong type or range, with a one-line message."""
    if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
        raise ValueError(f"start must be a date, got {start!r}")
    if int(days) != days or days < 1:
        raise ValueError(f"days must be a positive whole number, got {days!r}")
    if int(margin_days) != margin_days or margin_days < 0:
        raise ValueError(f"margin_days must be a whole number >= 0, got {margin_days!r}")
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {', '.join(_KINDS)}; got {kind!r}")
    if beyond_data not in ("error", "estimate"):
        raise ValueError(f"beyond_data must be 'error' or 'estimate', got {beyond_data!r}")
