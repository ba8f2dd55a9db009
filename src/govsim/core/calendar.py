"""Work calendar: maps the simulation clock to dates, office hours and working days.

The rules count two time limits in working days (RULES §0.3): A49 「应于会前5个工作日报送市政府
办公室运转」 (executive-meeting topics reach the General Office 5 working days before the meeting)
and A59 「一般应在3个工作日内回复」 (opinion requests and countersigns are answered within 3
working days). AMB-01 reads A59's 「特别复杂的事项不得超过一周」 as 5 working days by default, so
it is also counted here (``add_working_days(t, 5)``). AMB-02 reads A80's 「提前3天」 and A90's
「提前7天」 as calendar days; those are plain clock arithmetic (``n * 1440`` minutes) and need
nothing from this module.

The text defines neither "working day" nor when a count starts. Defaults (ASSUMPTIONS, knobs
K01 and K05):

* A working day (``kind="cn_official"``) is a PRC official working day: Monday to Friday, minus
  the statutory holidays and the days off they move, plus the make-up weekend working days
  (调休) of the State Council's annual notice. The data come from ``holidays.China``.
* AMB-45: the day of the triggering event is not counted, whatever kind of day it is; a limit
  of *n* working days ends at the close of office on the *n*-th working day after it.
  「会前5个工作日」 means received no later than the close of office on the 5th working day
  before the meeting day (:meth:`WorkCalendar.sub_working_days`).

The clock is float minutes since midnight of the scenario's start date (naive local time,
Asia/Shanghai). Every per-call method is pure Python over lists precomputed at construction
and searched with :mod:`bisect`, because the simulator calls them on its hot path.
"""

from __future__ import annotations

import datetime as dt
import warnings
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from govsim.core.calendar_input import (
    MINUTES_PER_DAY,
    WORK_EPS,
    BeyondData,
    CalendarDataError,
    Kind,
    as_dates,
    check_arguments,
    cn_year,
    official_years,
    parse_office_hours,
)

__all__ = ["MINUTES_PER_DAY", "WORK_EPS", "CalendarDataError", "WorkCalendar"]


class WorkCalendar:
    """Dates, office hours and working days over ``[start, start + days + margin_days)``.

    ``kind`` (knob K01):

    * ``"cn_official"``: PRC official working days from ``holidays.China`` (statutory holidays
      with the days off they move, and the 调休 make-up weekend days in ``weekend_workdays``).
      The years with official data are those with a State Council notice in the package
      (:attr:`last_official_year` is the latest). For a year without one, ``beyond_data``
      decides: ``"error"`` raises :class:`CalendarDataError`; ``"estimate"`` uses the
      statutory holidays ``holidays.China`` computes (no make-up days) and records a message
      in :attr:`warnings`. Only years touched by the horizon ``[start, start + days)`` are
      checked; the margin after it (used only by deadlines that fall after the horizon)
      silently uses the estimate. A year for which ``extra_workdays`` or ``extra_holidays``
      hold any day counts as covered: the user has pasted the newly published notice, so
      list every day where it differs from the estimate.
    * ``"weekdays"``: Monday to Friday, no holidays.
    * ``"continuous"``: every day is a working day and the office is open 00:00–24:00
      (``office_hours`` is ignored); for queueing validation runs.

    ``extra_workdays`` force a day to be working and ``extra_holidays`` force it to be a rest
    day, for every kind; they override everything else.

    ``office_hours`` are the ordered, non-overlapping ``"HH:MM"`` blocks of a working day
    (``"24:00"`` allowed as an end). A block's start is open and its end is closed.

    Counting convention (AMB-45, knob K05): the day of the event is not counted; a limit of
    *n* working days (A59: 3; A59 complex matters: 5 under AMB-01) ends at the close of office
    on the *n*-th working day after the event's date, see :meth:`add_working_days`.

    The clock is float minutes since midnight of ``start``; a clock value outside
    ``[0, (days + margin_days) * 1440]`` raises :class:`ValueError`.
    """

    start: dt.date
    days: int
    margin_days: int
    kind: str
    warnings: list[str]
    horizon_minutes: float
    working_minutes_per_day: float
    end: dt.date
    end_clock: float
    office_blocks: tuple[tuple[int, int], ...]

    def __init__(
        self,
        start: dt.date,
        days: int,
        *,
        kind: Kind = "cn_official",
        office_hours: Sequence[tuple[str, str]] = (("08:30", "12:00"), ("13:30", "17:30")),
        beyond_data: BeyondData = "error",
        extra_workdays: Iterable[dt.date] = (),
        extra_holidays: Iterable[dt.date] = (),
        margin_days: int = 400,
    ) -> None:
        check_arguments(start, days, margin_days, kind, beyond_data)
        self.start = start
        self.days = int(days)
        self.margin_days = int(margin_days)
        self.kind = kind
        self.warnings = []
        n_days = self.days + self.margin_days
        self._n_days = n_days
        self._ord0 = start.toordinal()
        self.end = dt.date.fromordinal(self._ord0 + n_days)
        self.horizon_minutes = float(self.days * MINUTES_PER_DAY)
        self.end_clock = float(n_days * MINUTES_PER_DAY)
        self._epoch = dt.datetime.combine(start, dt.time())
        self._dates: list[dt.date] = [dt.date.fromordinal(self._ord0 + i) for i in range(n_days)]

        blocks = (
            [(0, MINUTES_PER_DAY)] if kind == "continuous" else parse_office_hours(office_hours)
        )
        self.office_blocks = tuple(blocks)
        self.working_minutes_per_day = float(sum(b - a for a, b in blocks))
        self._open_min = float(blocks[0][0])
        self._close_min = float(blocks[-1][1])

        self._flags: list[bool] = self._working_day_flags(
            beyond_data, extra_workdays, extra_holidays
        )
        self._wd_index: list[int] = [i for i, f in enumerate(self._flags) if f]
        self._build_office_intervals(blocks)

    @property
    def first_official_year(self) -> int:
        """The first year with official 调休 data in the holidays package."""
        return min(official_years())

    @property
    def last_official_year(self) -> int:
        """The last year with official 调休 data in the holidays package."""
        return max(official_years())

    # -- construction helpers ---------------------------------------------------------------

    def _working_day_flags(
        self,
        beyond_data: BeyondData,
        extra_workdays: Iterable[dt.date],
        extra_holidays: Iterable[dt.date],
    ) -> list[bool]:
        """One flag per covered day, True on a working day (K01).

        The kind gives the base week (every day, or Monday to Friday); ``cn_official`` then
        applies each year's statutory rest days and 调休 make-up days; ``extra_workdays`` and
        ``extra_holidays`` come last and override everything.
        """
        extra_work = as_dates(extra_workdays, "extra_workdays")
        extra_rest = as_dates(extra_holidays, "extra_holidays")
        both = sorted(extra_work & extra_rest)
        if both:
            raise ValueError(
                "a day cannot be both in extra_workdays and extra_holidays: "
                + ", ".join(d.isoformat() for d in both)
            )
        dates = self._dates
        if self.kind == "continuous":
            flags = [True] * self._n_days
        else:
            flags = [d.weekday() < 5 for d in dates]
        if self.kind == "cn_official":
            self._check_data(beyond_data, extra_work | extra_rest)
            for year in range(dates[0].year, dates[-1].year + 1):
                off, make_up = cn_year(year)
                self._set_flags(flags, off, False)
                self._set_flags(flags, make_up, True)
        self._set_flags(flags, extra_work, True)
        self._set_flags(flags, extra_rest, False)
        return flags

    def _set_flags(self, flags: list[bool], days: Iterable[dt.date], value: bool) -> None:
        """Set the flag of each of ``days`` that the calendar covers to ``value``."""
        for d in days:
            i = d.toordinal() - self._ord0
            if 0 <= i < self._n_days:
                flags[i] = value

    def _build_office_intervals(self, blocks: Sequence[tuple[int, int]]) -> None:
        """Office intervals ``[S[k], E[k])`` on the clock, merged where they touch (24:00 →
        00:00), with the working minutes before each one (C) and up to its end (CE)."""
        starts: list[float] = []
        ends: list[float] = []
        for i in self._wd_index:
            base = i * MINUTES_PER_DAY
            for a, b in blocks:
                s, e = float(base + a), float(base + b)
                if ends and ends[-1] == s:
                    ends[-1] = e
                else:
                    starts.append(s)
                    ends.append(e)
        before: list[float] = []
        upto: list[float] = []
        acc = 0.0
        for s, e in zip(starts, ends, strict=True):
            before.append(acc)
            acc += e - s
            upto.append(acc)
        self._S, self._E, self._C, self._CE = starts, ends, before, upto
        # One office interval from clock 0 (the 24/7 calendar): working time is clock time,
        # and finish_time / next_open take a short cut giving the same results.
        self._one_interval = starts == [0.0]
        self._total_work = acc
        self._S_np = np.asarray(starts, dtype=float)
        self._C_np = np.asarray(before, dtype=float)
        self._E_np = np.asarray(ends, dtype=float)
        self._CE_np = np.asarray(upto, dtype=float)

    def _check_data(self, beyond_data: BeyondData, extras: frozenset[dt.date]) -> None:
        """Apply ``beyond_data`` to the years of the horizon without official 调休 data."""
        user_years = {d.year for d in extras}
        last_day = dt.date.fromordinal(self._ord0 + self.days - 1)
        lo, hi = self.first_official_year, self.last_official_year
        for year in range(self.start.year, last_day.year + 1):
            if year in official_years() or year in user_years:
                continue
            problem = (
                f"no official PRC working-day data for {year} (the holidays package has {lo}–{hi})"
            )
            if beyond_data == "error":
                raise CalendarDataError(
                    f'{problem}; set calendar.beyond_data = "estimate" or list the year\'s days '
                    "in calendar.extra_workdays / extra_holidays"
                )
            message = (
                f"{problem}; {year} is estimated: statutory holidays as computed by "
                "holidays.China, without make-up (调休) working days"
            )
            self.warnings.append(message)
            warnings.warn(message, UserWarning, stacklevel=3)

    def _day(self, d: dt.date) -> int:
        i = d.toordinal() - self._ord0
        if not 0 <= i < self._n_days:
            raise ValueError(
                f"date {d.isoformat()} is outside the calendar "
                f"[{self.start.isoformat()}, {self.end.isoformat()})"
            )
        return i

    def _out_of_range(self, t: float) -> ValueError:
        return ValueError(f"clock {t!r} is outside the calendar [0, {self.end_clock}] minutes")

    def _beyond(self, what: str) -> ValueError:
        return ValueError(
            f"{what} falls after the end of the calendar ({self.end.isoformat()}); "
            "increase margin_days"
        )

    # -- days --------------------------------------------------------------------------------

    def is_working_day(self, d: dt.date) -> bool:
        """Whether ``d`` is a working day of this calendar (A49, A59 count in working days)."""
        i = d.toordinal() - self._ord0
        if not 0 <= i < self._n_days:
            self._day(d)
        return self._flags[i]

    def date_of(self, t: float) -> dt.date:
        """The date of clock ``t`` (``t`` at midnight belongs to the day that starts then)."""
        if not 0.0 <= t < self.end_clock:
            if t == self.end_clock:
                return self.end
            raise self._out_of_range(t)
        return self._dates[int(t // MINUTES_PER_DAY)]

    def datetime_of(self, t: float) -> dt.datetime:
        """The naive local datetime of clock ``t``."""
        if not 0.0 <= t <= self.end_clock:
            raise self._out_of_range(t)
        return self._epoch + dt.timedelta(minutes=t)

    def clock_of(self, x: dt.date | dt.datetime) -> float:
        """The clock of a naive local datetime, or of a date's midnight."""
        if isinstance(x, dt.datetime):
            if x.tzinfo is not None:
                raise ValueError(f"clock_of needs a naive local datetime, got {x!r}")
            t = (x - self._epoch) / dt.timedelta(minutes=1)
        else:
            t = float((x.toordinal() - self._ord0) * MINUTES_PER_DAY)
        if not 0.0 <= t <= self.end_clock:
            raise self._out_of_range(t)
        return t

    def office_open(self, d: dt.date) -> float:
        """Clock of the start of the first office block on ``d`` (its rest-day status aside)."""
        return self._day(d) * MINUTES_PER_DAY + self._open_min

    def office_close(self, d: dt.date) -> float:
        """Clock of the end of the last office block on ``d`` (24:00 for ``continuous``)."""
        return self._day(d) * MINUTES_PER_DAY + self._close_min

    # -- working time ------------------------------------------------------------------------

    def work_elapsed(self, t: float) -> float:
        """Working (office) minutes between clock 0 and ``t``."""
        if not 0.0 <= t <= self.end_clock:
            raise self._out_of_range(t)
        k = bisect_right(self._S, t) - 1
        if k < 0:
            return 0.0
        e = self._E[k]
        return self._C[k] + ((t if t < e else e) - self._S[k])

    def clock_at_work(self, w: float) -> float:
        """The earliest clock ``t`` with ``work_elapsed(t) >= w`` (to within :data:`WORK_EPS`).

        Work that ends exactly at the end of an office block ends there (12:00), not at the
        next opening. ``w <= 0`` gives 0.0.
        """
        if w <= 0.0:
            return 0.0
        k = bisect_left(self._CE, w - WORK_EPS)
        if k == len(self._CE):
            raise self._beyond(f"working minute {w!r}")
        t = self._S[k] + (w - self._C[k])
        e = self._E[k]
        return t if t < e else e

    def clock_at_work_array(self, w: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`clock_at_work`, e.g. to place arrivals generated in working time."""
        w = np.asarray(w, dtype=float)
        k = np.searchsorted(self._CE_np, w - WORK_EPS, side="left")
        if k.size and int(k.max()) >= len(self._CE):
            raise self._beyond(f"working minute {float(w.max())!r}")
        t = np.minimum(self._S_np[k] + (w - self._C_np[k]), self._E_np[k])
        return np.where(w <= 0.0, 0.0, t)

    def finish_time(self, t: float, effort: float) -> float:
        """When a job needing ``effort`` working minutes, queued for work at clock ``t``, is done.

        Work starts at the next opening and spills over lunch, evenings, weekends and
        holidays: ``clock_at_work(work_elapsed(t) + effort)``; ``t`` itself if ``effort <= 0``.
        Never earlier than ``t`` (an effort below :data:`WORK_EPS` may end at ``t``).
        """
        if not 0.0 <= t <= self.end_clock:
            raise self._out_of_range(t)
        if effort <= 0.0:
            return t
        if self._one_interval:
            # The steps below with S = C = [0]: w = t + effort, capped at the interval's end.
            w = t + effort
            end = self._E[0]
            if self._CE[0] < w - WORK_EPS:
                raise self._beyond(f"the end of {effort!r} working minutes from clock {t!r}")
            t1 = w if w <= end else end
            return t1 if t1 > t else t
        S = self._S
        k = bisect_right(S, t) - 1
        if k < 0:
            w = effort
        else:
            e = self._E[k]
            w = self._C[k] + ((t if t < e else e) - S[k]) + effort
        CE = self._CE
        k = bisect_left(CE, w - WORK_EPS)
        if k == len(CE):
            raise self._beyond(f"the end of {effort!r} working minutes from clock {t!r}")
        t1 = S[k] + (w - self._C[k])
        e = self._E[k]
        if t1 > e:
            t1 = e
        # An effort within WORK_EPS, queued while the office is closed, ends when queued.
        return t1 if t1 > t else t

    def next_open(self, t: float) -> float:
        """The earliest ``t' >= t`` at which the office is open (block starts open, ends closed)."""
        if not 0.0 <= t <= self.end_clock:
            raise self._out_of_range(t)
        if self._one_interval and t < self._E[0]:
            return t
        k = bisect_right(self._S, t) - 1
        if k >= 0 and t < self._E[k]:
            return t
        if k + 1 == len(self._S):
            raise self._beyond(f"the next office opening after clock {t!r}")
        return self._S[k + 1]

    def is_open(self, t: float) -> bool:
        """Whether the office is open at clock ``t`` (inside a block; block ends closed)."""
        if not 0.0 <= t <= self.end_clock:
            raise self._out_of_range(t)
        k = bisect_right(self._S, t) - 1
        return k >= 0 and t < self._E[k]

    def working_days_between(self, t0: float, t1: float) -> float:
        """Working time from ``t0`` to ``t1`` in office days (negative if ``t1 < t0``)."""
        return (self.work_elapsed(t1) - self.work_elapsed(t0)) / self.working_minutes_per_day

    # -- working-day counts (A49, A59; AMB-45) ----------------------------------------------

    def _nth_after(self, i: int, n: int) -> int:
        if n < 1:
            raise ValueError(f"n must be >= 1 working day, got {n!r} (AMB-45 count convention)")
        j = bisect_right(self._wd_index, i) + n - 1
        if j >= len(self._wd_index):
            raise self._beyond(f"working day {n} after {self._dates[i].isoformat()}")
        return self._wd_index[j]

    def add_working_days(self, t: float, n: int) -> float:
        """Deadline of a limit of ``n`` working days counted from an event at clock ``t``.

        AMB-45: the day of ``t`` is not counted, whatever kind of day it is; the deadline is
        the close of office (end of the last office block; 24:00 for ``continuous``) on the
        ``n``-th working day after ``date_of(t)``. A59 uses ``n = 3``; its 「一周」 for complex
        matters is ``n = 5`` under AMB-01. ``n >= 1``.
        """
        if not 0.0 <= t < self.end_clock:
            raise self._out_of_range(t)
        i = int(t // MINUTES_PER_DAY)
        return self._nth_after(i, n) * MINUTES_PER_DAY + self._close_min

    def add_working_days_date(self, d: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``d`` (``d`` not counted, AMB-45); ``n >= 1``."""
        return self._dates[self._nth_after(self._day(d), n)]

    def sub_working_days(self, d: dt.date, n: int) -> dt.date:
        """The working day ``n`` working days before ``d`` (``d`` not counted); ``n >= 1``.

        A49 「应于会前5个工作日报送」 under AMB-45: a topic for a meeting on ``d`` is on time if
        received by the close of office on ``sub_working_days(d, 5)``.
        """
        if n < 1:
            raise ValueError(f"n must be >= 1 working day, got {n!r} (AMB-45 count convention)")
        i = self._day(d)
        j = bisect_left(self._wd_index, i) - n
        if j < 0:
            raise ValueError(
                f"working day {n} before {d.isoformat()} falls before the start of the calendar "
                f"({self.start.isoformat()})"
            )
        return self._dates[self._wd_index[j]]

    def working_days_in(self, d0: dt.date, d1: dt.date) -> int:
        """Number of working days in ``[d0, d1)`` (0 if ``d1 <= d0``); ``d1`` may be :attr:`end`."""
        i0 = self._day(d0)
        i1 = d1.toordinal() - self._ord0
        if i1 != self._n_days:
            i1 = self._day(d1)
        if i1 <= i0:
            return 0
        return bisect_left(self._wd_index, i1) - bisect_left(self._wd_index, i0)

    def __repr__(self) -> str:
        return (
            f"WorkCalendar(start={self.start.isoformat()}, days={self.days}, kind={self.kind!r}, "
            f"margin_days={self.margin_days})"
        )


def build_calendar(sc: Any) -> WorkCalendar:
    """The scenario's work calendar over its horizon, built from its ``[scenario]`` start and
    horizon and its ``[calendar]`` section (raises :class:`CalendarDataError` on data gaps).

    The scenario is read duck-typed, so the calendar imports nothing above it.
    """
    c = sc.calendar
    return WorkCalendar(
        sc.scenario.start,
        sc.scenario.horizon_days,
        kind=c.kind,
        office_hours=[tuple(b) for b in c.office_hours],
        beyond_data=c.beyond_data,
        extra_workdays=c.extra_workdays,
        extra_holidays=c.extra_holidays,
    )
