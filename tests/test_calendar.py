"""Tests of the work calendar (RULES §0.3; A49, A59; AMB-01, AMB-45; INV-E04)."""

from __future__ import annotations

import datetime as dt
import warnings

import chinese_calendar
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.core.calendar import WORK_EPS, CalendarDataError, WorkCalendar

D = dt.date
DT = dt.datetime

# One calendar per kind for the pinned and property tests: 2024-01-01 .. 2025-12-31 horizon,
# the default 400-day margin reaching into 2027 (estimated silently).
CN = WorkCalendar(D(2024, 1, 1), 731)
WEEKDAYS = WorkCalendar(D(2024, 1, 1), 731, kind="weekdays")
CONT = WorkCalendar(D(2024, 1, 1), 731, kind="continuous")
ALL = (CN, WEEKDAYS, CONT)


def at(cal: WorkCalendar, *args: int) -> float:
    return cal.clock_of(DT(*args))


def when(cal: WorkCalendar, t: float) -> DT:
    return cal.datetime_of(t)


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(i) for i in range((last - first).days + 1)]


# -- official data against the chinese_calendar package -------------------------------------

# Genuine data difference between the two packages, 2004–2026 (no others exist):
# 2005-12-31 (Saturday). The State Council notice for 2006 (国办发明电〔2005〕35号, 2005-12-16)
# says: 「元旦：1月1日—3日放假，共3天。其中1月1日为法定假日，将12月31日（星期六）、1月1日
# （星期日）两个公休日调至1月2日（星期一）、3日（星期二），12月31日（星期六）上班。」 So it was a
# make-up working day. `holidays` is right; `chinese_calendar` misses this cross-year make-up
# day and treats it as an ordinary Saturday.
ORACLE_WRONG = {D(2005, 12, 31): True}


def test_cn_official_matches_chinese_calendar_2004_2026() -> None:
    cal = WorkCalendar(D(2004, 1, 1), (D(2027, 1, 1) - D(2004, 1, 1)).days, margin_days=0)
    assert cal.warnings == []
    mismatches = {}
    for d in days(D(2004, 1, 1), D(2026, 12, 31)):
        ours, oracle = cal.is_working_day(d), chinese_calendar.is_workday(d)
        if ours != oracle:
            mismatches[d] = ours
    assert mismatches == ORACLE_WRONG


def test_2005_12_31_is_make_up_working_day() -> None:
    cal = WorkCalendar(D(2005, 12, 1), 62)
    assert cal.is_working_day(D(2005, 12, 31))  # Saturday worked (2006 notice)
    assert [cal.is_working_day(d) for d in days(D(2006, 1, 1), D(2006, 1, 4))] == [
        False,  # Sun 01-01 New Year
        False,  # Mon 01-02 off
        False,  # Tue 01-03 off (moved from Sat 2005-12-31)
        True,  # Wed 01-04
    ]


# -- hand-pinned weeks ------------------------------------------------------------------------


def test_national_day_2024() -> None:
    # 2024 notice: 10-01..10-07 off; Sun 09-29 and Sat 10-12 worked.
    expected = {
        D(2024, 9, 27): True,  # Fri
        D(2024, 9, 28): False,  # Sat, ordinary weekend
        D(2024, 9, 29): True,  # Sun, make-up working day
        D(2024, 9, 30): True,  # Mon
        **{d: False for d in days(D(2024, 10, 1), D(2024, 10, 7))},
        D(2024, 10, 8): True,  # Tue, back to work
        D(2024, 10, 9): True,
        D(2024, 10, 10): True,
        D(2024, 10, 11): True,  # Fri
        D(2024, 10, 12): True,  # Sat, make-up working day
        D(2024, 10, 13): False,  # Sun
        D(2024, 10, 14): True,
    }
    for cal in (CN,):
        assert {d: cal.is_working_day(d) for d in expected} == expected


def test_spring_festival_2026() -> None:
    # From holidays.China (2026 notice): off Sun 02-15 .. Mon 02-23 (9 days: 02-16 New Year's Eve,
    # 02-17..19 Spring Festival, 02-20 and 02-23 moved from the make-up Saturdays, 02-15, 02-21
    # and 02-22 weekend); Sat 02-14 and Sat 02-28 are worked.
    cal = WorkCalendar(D(2026, 1, 1), 365)
    expected = {
        D(2026, 2, 13): True,  # Fri
        D(2026, 2, 14): True,  # Sat, make-up working day
        **{d: False for d in days(D(2026, 2, 15), D(2026, 2, 23))},
        **{d: True for d in days(D(2026, 2, 24), D(2026, 2, 27))},  # Tue..Fri
        D(2026, 2, 28): True,  # Sat, make-up working day
        D(2026, 3, 1): False,  # Sun
        D(2026, 3, 2): True,
    }
    assert {d: cal.is_working_day(d) for d in expected} == expected
    assert cal.warnings == []


def test_weekdays_and_continuous_kinds() -> None:
    assert WEEKDAYS.is_working_day(D(2024, 10, 1))  # Tue, holiday ignored
    assert not WEEKDAYS.is_working_day(D(2024, 9, 29))  # Sun, no make-up days
    assert all(CONT.is_working_day(d) for d in days(D(2024, 9, 28), D(2024, 10, 13)))
    assert CONT.working_minutes_per_day == 1440.0
    assert CN.working_minutes_per_day == 450.0  # 08:30–12:00 + 13:30–17:30


def test_extras_override_everything() -> None:
    cal = WorkCalendar(
        D(2024, 9, 1), 60, extra_workdays=[D(2024, 10, 2)], extra_holidays=[D(2024, 9, 29)]
    )
    assert cal.is_working_day(D(2024, 10, 2))  # a National Day holiday made working
    assert not cal.is_working_day(D(2024, 9, 29))  # a make-up Sunday made a rest day
    wk = WorkCalendar(D(2024, 9, 1), 60, kind="weekdays", extra_holidays=[D(2024, 10, 1)])
    assert not wk.is_working_day(D(2024, 10, 1))
    with pytest.raises(ValueError, match="both"):
        WorkCalendar(
            D(2024, 9, 1), 60, extra_workdays=[D(2024, 9, 2)], extra_holidays=[D(2024, 9, 2)]
        )


# -- clock and dates --------------------------------------------------------------------------


def test_clock_date_round_trip() -> None:
    assert CN.clock_of(D(2024, 1, 1)) == 0.0
    assert CN.clock_of(D(2024, 1, 2)) == 1440.0
    t = at(CN, 2024, 9, 27, 15, 0)
    assert CN.date_of(t) == D(2024, 9, 27)
    assert when(CN, t) == DT(2024, 9, 27, 15, 0)
    assert CN.date_of(CN.clock_of(D(2024, 9, 28))) == D(2024, 9, 28)  # midnight starts the day
    assert CN.horizon_minutes == 731 * 1440.0
    assert CN.office_open(D(2024, 9, 27)) == at(CN, 2024, 9, 27, 8, 30)
    assert CN.office_close(D(2024, 9, 27)) == at(CN, 2024, 9, 27, 17, 30)
    assert CONT.office_close(D(2024, 9, 27)) == at(CONT, 2024, 9, 28, 0, 0)
    assert CN.last_official_year >= 2026


def test_out_of_range_clock_raises() -> None:
    cal = WorkCalendar(D(2024, 1, 1), 10, margin_days=5)
    for bad in (-1.0, 15 * 1440.0 + 1.0, float("nan")):
        for f in (cal.date_of, cal.work_elapsed, cal.next_open, cal.is_open, cal.datetime_of):
            with pytest.raises(ValueError):
                f(bad)
        with pytest.raises(ValueError):
            cal.finish_time(bad, 10.0)
    with pytest.raises(ValueError):
        cal.is_working_day(D(2024, 1, 16))
    with pytest.raises(ValueError):
        cal.clock_of(D(2023, 12, 31))
    with pytest.raises(ValueError):
        cal.finish_time(0.0, 1e9)  # beyond the margin


# -- deadlines (A59 「3个工作日」, AMB-45) ---------------------------------------------------


def test_add_working_days_over_national_day() -> None:
    # Received Fri 2024-09-27 15:00, 3 WD. Receipt day not counted. Sat 09-28 rest;
    # Sun 09-29 (make-up) WD1; Mon 09-30 WD2; 10-01..07 holiday; Tue 10-08 WD3 → 10-08 17:30.
    t = at(CN, 2024, 9, 27, 15, 0)
    assert when(CN, CN.add_working_days(t, 3)) == DT(2024, 10, 8, 17, 30)
    # Same receipt with 1 WD: the make-up Sunday itself → Sun 09-29 17:30.
    assert when(CN, CN.add_working_days(t, 1)) == DT(2024, 9, 29, 17, 30)
    # AMB-01 「一周」 = 5 WD: 09-29, 09-30, 10-08, 10-09, 10-10 → Thu 10-10 17:30.
    assert when(CN, CN.add_working_days(t, 5)) == DT(2024, 10, 10, 17, 30)


def test_add_working_days_receipt_on_rest_day() -> None:
    # Received Sat 2024-09-28 10:00 (ordinary Saturday, rest): Sun 09-29 WD1, Mon 09-30 WD2,
    # Tue 10-08 WD3 → 10-08 17:30.
    t = at(CN, 2024, 9, 28, 10, 0)
    assert when(CN, CN.add_working_days(t, 3)) == DT(2024, 10, 8, 17, 30)
    # Received Sat 2024-10-05 09:00 inside the holiday: Tue 10-08 WD1, Wed 10-09 WD2,
    # Thu 10-10 WD3 → 10-10 17:30.
    t = at(CN, 2024, 10, 5, 9, 0)
    assert when(CN, CN.add_working_days(t, 3)) == DT(2024, 10, 10, 17, 30)
    # Received at 23:59 on a Sunday still counts from Monday.
    t = at(CN, 2024, 10, 13, 23, 59)
    assert when(CN, CN.add_working_days(t, 1)) == DT(2024, 10, 14, 17, 30)


def test_add_working_days_receipt_on_make_up_saturday() -> None:
    # Received on the make-up Saturday 2024-10-12 10:00: a working day, but the receipt day is
    # never counted. Sun 10-13 rest; Mon 10-14 WD1, Tue 10-15 WD2, Wed 10-16 WD3 → 10-16 17:30.
    t = at(CN, 2024, 10, 12, 10, 0)
    assert when(CN, CN.add_working_days(t, 3)) == DT(2024, 10, 16, 17, 30)
    # Received the Friday before (10-11): Sat 10-12 (make-up) WD1, Mon 10-14 WD2, Tue 10-15 WD3.
    t = at(CN, 2024, 10, 11, 16, 0)
    assert when(CN, CN.add_working_days(t, 3)) == DT(2024, 10, 15, 17, 30)


def test_add_working_days_other_kinds() -> None:
    t = at(CONT, 2024, 9, 27, 15, 0)
    # Continuous: every day works, close of office is 24:00. 09-28 WD1, 09-29 WD2, 09-30 WD3;
    # the deadline is the end of 09-30, i.e. 2024-10-01 00:00.
    assert when(CONT, CONT.add_working_days(t, 3)) == DT(2024, 10, 1, 0, 0)
    # Weekdays: Mon 09-30 WD1, Tue 10-01 WD2, Wed 10-02 WD3 (no holidays) → 10-02 17:30.
    assert when(WEEKDAYS, WEEKDAYS.add_working_days(t, 3)) == DT(2024, 10, 2, 17, 30)
    with pytest.raises(ValueError):
        CN.add_working_days(t, 0)


def test_sub_working_days_across_holiday() -> None:
    # A49 「会前5个工作日」, meeting Thu 2024-10-10, the meeting day not counted:
    # Wed 10-09 WD1, Tue 10-08 WD2, (10-01..07 holiday) Mon 09-30 WD3, Sun 09-29 (make-up) WD4,
    # (Sat 09-28 rest) Fri 09-27 WD5 → 2024-09-27.
    assert CN.sub_working_days(D(2024, 10, 10), 5) == D(2024, 9, 27)
    assert CN.add_working_days_date(D(2024, 9, 27), 5) == D(2024, 10, 10)
    # Meeting Tue 2026-02-24, right after the Spring Festival break (02-15..02-23):
    # Sat 02-14 (make-up) WD1, Fri 02-13 WD2, Thu 02-12 WD3 → 2026-02-12.
    cal = WorkCalendar(D(2026, 1, 1), 365)
    assert cal.sub_working_days(D(2026, 2, 24), 3) == D(2026, 2, 12)
    # The count from a rest day: 3 WD before Sat 2024-10-05 = Mon 09-30, Sun 09-29, Fri 09-27.
    assert CN.sub_working_days(D(2024, 10, 5), 3) == D(2024, 9, 27)
    with pytest.raises(ValueError):
        CN.sub_working_days(D(2024, 1, 3), 5)  # before the calendar starts


def test_working_days_in_and_between() -> None:
    # [09-27, 10-14): 09-27, 09-29, 09-30, 10-08, 10-09, 10-10, 10-11, 10-12 → 8.
    assert CN.working_days_in(D(2024, 9, 27), D(2024, 10, 14)) == 8
    assert CN.working_days_in(D(2024, 10, 1), D(2024, 10, 8)) == 0
    assert CN.working_days_in(D(2024, 10, 8), D(2024, 10, 1)) == 0
    t0 = at(CN, 2024, 9, 30, 8, 30)
    t1 = at(CN, 2024, 10, 8, 17, 30)
    assert CN.working_days_between(t0, t1) == pytest.approx(2.0)
    assert CN.working_days_between(t0, at(CN, 2024, 9, 30, 12, 0)) == pytest.approx(210 / 450)


# -- working time -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "effort", "end"),
    [
        # Lunch: Thu 09-26 11:00 + 120 min: 60 until 12:00, 60 from 13:30 → 14:30.
        (DT(2024, 9, 26, 11, 0), 120, DT(2024, 9, 26, 14, 30)),
        # Ends exactly at the end of the morning block → 12:00, not 13:30.
        (DT(2024, 9, 26, 11, 0), 60, DT(2024, 9, 26, 12, 0)),
        # Ends exactly at close → 17:30, not next morning.
        (DT(2024, 9, 26, 17, 0), 30, DT(2024, 9, 26, 17, 30)),
        # Overnight: Wed 09-25 17:00 + 60: 30 until 17:30, 30 from Thu 08:30 → 09:00.
        (DT(2024, 9, 25, 17, 0), 60, DT(2024, 9, 26, 9, 0)),
        # Weekend: Fri 09-20 17:00 + 60: 30 on Fri; Sat 09-21, Sun 09-22 rest → Mon 09-23 09:00.
        (DT(2024, 9, 20, 17, 0), 60, DT(2024, 9, 23, 9, 0)),
        # Weekend with a make-up Sunday: Fri 09-27 17:00 + 60 → Sun 09-29 09:00.
        (DT(2024, 9, 27, 17, 0), 60, DT(2024, 9, 29, 9, 0)),
        # National Day: Mon 09-30 16:00 + 600: 90 on 09-30 (510 left); 10-01..07 rest;
        # 450 on Tue 10-08 (60 left); Wed 10-09 08:30 + 60 → 09:30.
        (DT(2024, 9, 30, 16, 0), 600, DT(2024, 10, 9, 9, 30)),
        # Started at night: Thu 09-26 22:00 + 30 → Fri 09-27 09:00.
        (DT(2024, 9, 26, 22, 0), 30, DT(2024, 9, 27, 9, 0)),
        # Started on a Saturday: Sat 09-21 10:00 + 30 → Mon 09-23 09:00.
        (DT(2024, 9, 21, 10, 0), 30, DT(2024, 9, 23, 9, 0)),
        # Started in the lunch break: 12:30 + 30 → 14:00.
        (DT(2024, 9, 26, 12, 30), 30, DT(2024, 9, 26, 14, 0)),
        # Started at 12:00 sharp (closed): + 30 → 14:00.
        (DT(2024, 9, 26, 12, 0), 30, DT(2024, 9, 26, 14, 0)),
        # Whole working days: Tue 09-24 08:30 + 2×450 → Wed 09-25 17:30.
        (DT(2024, 9, 24, 8, 30), 900, DT(2024, 9, 25, 17, 30)),
    ],
)
def test_finish_time_to_the_minute(start: DT, effort: float, end: DT) -> None:
    assert when(CN, CN.finish_time(CN.clock_of(start), effort)) == end


def test_finish_time_zero_effort_and_continuous() -> None:
    t = at(CN, 2024, 9, 28, 3, 0)
    assert CN.finish_time(t, 0.0) == t
    assert CN.finish_time(t, -5.0) == t
    t = at(CONT, 2024, 9, 28, 23, 0)
    assert when(CONT, CONT.finish_time(t, 120.0)) == DT(2024, 9, 29, 1, 0)


def test_open_hours() -> None:
    assert not CN.is_open(at(CN, 2024, 9, 26, 8, 29))
    assert CN.is_open(at(CN, 2024, 9, 26, 8, 30))  # block start open
    assert not CN.is_open(at(CN, 2024, 9, 26, 12, 0))  # block end closed
    assert not CN.is_open(at(CN, 2024, 9, 29, 7, 0))
    assert CN.is_open(at(CN, 2024, 9, 29, 9, 0))  # make-up Sunday
    assert not CN.is_open(at(CN, 2024, 10, 2, 9, 0))  # holiday
    t = at(CN, 2024, 9, 26, 9, 0)
    assert CN.next_open(t) == t
    assert when(CN, CN.next_open(at(CN, 2024, 9, 26, 12, 0))) == DT(2024, 9, 26, 13, 30)
    assert when(CN, CN.next_open(at(CN, 2024, 9, 30, 17, 30))) == DT(2024, 10, 8, 8, 30)
    assert CONT.is_open(at(CONT, 2024, 9, 29, 0, 0))  # midnight inside a continuous run


def test_clock_at_work_basics() -> None:
    assert CN.clock_at_work(0.0) == 0.0
    # 2024-01-01 is New Year's Day; 01-02 is the first working day. 210 min = its morning.
    assert when(CN, CN.clock_at_work(210.0)) == DT(2024, 1, 2, 12, 0)
    assert when(CN, CN.clock_at_work(211.0)) == DT(2024, 1, 2, 13, 31)
    assert CN.work_elapsed(at(CN, 2024, 1, 2, 13, 0)) == 210.0
    w = np.array([0.0, 1.0, 210.0, 211.0, 450.0, 451.0, 12345.6])
    expected = [CN.clock_at_work(float(x)) for x in w]
    assert CN.clock_at_work_array(w).tolist() == pytest.approx(expected, abs=1e-9)
    with pytest.raises(ValueError):
        CN.clock_at_work_array(np.array([1e12]))


def test_no_rounding_push_over_lunch() -> None:
    # 0.1 + 209.9 minutes from 08:30 must end at 12:00, not after lunch.
    t0 = at(CN, 2024, 1, 2, 8, 30)
    t1 = CN.finish_time(CN.finish_time(t0, 0.1), 209.9)
    assert abs(t1 - at(CN, 2024, 1, 2, 12, 0)) < 1e-6


# -- beyond the official data -----------------------------------------------------------------


def test_beyond_data_error_names_year() -> None:
    with pytest.raises(CalendarDataError, match="2027") as info:
        WorkCalendar(D(2026, 6, 1), 400)
    assert isinstance(info.value, ValueError)
    assert "beyond_data" in str(info.value)


def test_before_data_also_needs_a_choice() -> None:
    with pytest.raises(CalendarDataError, match="2000"):
        WorkCalendar(D(2000, 6, 1), 30)


def test_beyond_data_estimate_warns() -> None:
    with pytest.warns(UserWarning, match="2027"):
        cal = WorkCalendar(D(2026, 6, 1), 400, beyond_data="estimate")
    assert len(cal.warnings) == 1
    assert "2027" in cal.warnings[0]
    assert not cal.is_working_day(D(2027, 1, 1))  # New Year's Day, statutory
    assert cal.is_working_day(D(2027, 1, 4))  # an ordinary Monday


def test_beyond_data_user_supplied_year_counts_as_covered() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cal = WorkCalendar(D(2026, 6, 1), 400, extra_workdays=[D(2027, 2, 20)])
    assert cal.warnings == []
    assert cal.is_working_day(D(2027, 2, 20))  # a Saturday made working


def test_margin_beyond_data_is_silent() -> None:
    # Horizon 2026-01-01 .. 2026-12-31; the 400-day margin reaches into 2028.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cal = WorkCalendar(D(2026, 1, 1), 365)
    assert cal.warnings == []
    t = cal.clock_of(DT(2026, 12, 31, 10, 0))
    # Thu 12-31 received; Fri 2027-01-01 New Year (estimate) rest; Mon 01-04 WD1.
    assert when(cal, cal.add_working_days(t, 1)) == DT(2027, 1, 4, 17, 30)


def test_other_kinds_never_raise_for_data() -> None:
    WorkCalendar(D(2030, 1, 1), 365, kind="weekdays")
    WorkCalendar(D(2030, 1, 1), 365, kind="continuous")


# -- office-hours validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "blocks",
    [
        [],
        [("12:00", "08:30")],  # ends before it starts
        [("08:30", "08:30")],  # empty
        [("08:00", "12:00"), ("11:00", "13:00")],  # overlap
        [("13:30", "17:30"), ("08:30", "12:00")],  # out of order
        [("08:30", "25:00")],
        [("08:60", "12:00")],
        [("24:00", "24:00")],  # 24:00 only as an end
        [("24:30", "24:45")],
        [("8.30", "12:00")],
        [("08:30",)],
        ["08:30-12:00"],
        [(830, 1200)],
    ],
)
def test_bad_office_hours(blocks: list) -> None:
    with pytest.raises(ValueError, match="office_hours"):
        WorkCalendar(D(2024, 1, 1), 10, office_hours=blocks)


def test_office_hours_variants() -> None:
    cal = WorkCalendar(D(2024, 1, 1), 30, kind="weekdays", office_hours=[("00:00", "24:00")])
    assert cal.working_minutes_per_day == 1440.0
    # Touching blocks merge; a "24:00" end is fine.
    cal = WorkCalendar(D(2024, 1, 1), 30, office_hours=[("09:00", "12:00"), ("12:00", "24:00")])
    assert cal.is_open(cal.clock_of(DT(2024, 1, 2, 12, 0)))
    assert cal.office_close(D(2024, 1, 2)) == cal.clock_of(D(2024, 1, 3))


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        WorkCalendar(D(2024, 1, 1), 10, kind="lunar")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        WorkCalendar(D(2024, 1, 1), 10, beyond_data="ignore")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        WorkCalendar(D(2024, 1, 1), 0)


# -- properties -------------------------------------------------------------------------------

clock = st.floats(min_value=0.0, max_value=CN.horizon_minutes, allow_nan=False)
effort = st.floats(min_value=0.0, max_value=20_000.0, allow_nan=False)
calendars = st.sampled_from(ALL)
n_wd = st.integers(min_value=1, max_value=40)
horizon_date = st.integers(min_value=90, max_value=700).map(
    lambda i: D(2024, 1, 1) + dt.timedelta(i)
)


@given(calendars, clock)
def test_clock_at_work_inverts_work_elapsed(cal: WorkCalendar, t: float) -> None:
    w = cal.work_elapsed(t)
    back = cal.clock_at_work(w)
    assert back <= t + 1e-6
    assert cal.work_elapsed(back) == pytest.approx(w, abs=1e-6)
    if w > 0:
        # open, or the (closed) end of a block: just before it the office is open
        assert cal.is_open(back) or cal.is_open(back - 1e-3)


@given(calendars, clock, clock)
def test_work_elapsed_non_decreasing(cal: WorkCalendar, a: float, b: float) -> None:
    lo, hi = min(a, b), max(a, b)
    assert cal.work_elapsed(lo) <= cal.work_elapsed(hi)
    assert cal.work_elapsed(hi) - cal.work_elapsed(lo) <= hi - lo + 1e-9


seconds = st.integers(min_value=0, max_value=20_000 * 60).map(lambda s: s / 60.0)
clock_seconds = st.integers(min_value=0, max_value=int(CN.horizon_minutes) * 60).map(
    lambda s: s / 60.0
)


@given(calendars, clock_seconds, seconds, seconds)
def test_finish_time_composes(cal: WorkCalendar, t: float, a: float, b: float) -> None:
    # Times and efforts on a one-second grid, as the simulator's are in practice. Work that
    # reaches a block end within WORK_EPS ends there, so rounding noise cannot push a job over
    # lunch; composition then holds in clock time.
    whole = cal.finish_time(t, a + b)
    parts = cal.finish_time(cal.finish_time(t, a), b)
    assert whole == pytest.approx(parts, abs=1e-6)
    assert whole >= t
    if a + b > 0:
        assert cal.work_elapsed(whole) - cal.work_elapsed(t) == pytest.approx(a + b, abs=1e-6)


@given(calendars, clock, effort, effort)
def test_finish_time_composes_in_work_for_any_floats(
    cal: WorkCalendar, t: float, a: float, b: float
) -> None:
    # With adversarial floats within ~WORK_EPS of a block end, the clock result may fall either
    # side of a lunch break or night (clock_at_work is discontinuous there), but the working
    # time done differs by at most the snap tolerance of each of the two pieces.
    first = cal.finish_time(t, a)
    whole = cal.finish_time(t, a + b)
    parts = cal.finish_time(first, b)
    assert t <= first <= parts
    assert whole >= t
    assert abs(cal.work_elapsed(whole) - cal.work_elapsed(parts)) <= 2 * WORK_EPS + 1e-9


@given(calendars, clock)
def test_next_open_is_open(cal: WorkCalendar, t: float) -> None:
    t1 = cal.next_open(t)
    assert t1 >= t
    assert cal.is_open(t1)
    assert cal.work_elapsed(t1) == cal.work_elapsed(t)


@given(calendars, horizon_date, n_wd)
def test_inv_e04_round_trip(cal: WorkCalendar, d: dt.date, n: int) -> None:
    if not cal.is_working_day(d):
        d = cal.add_working_days_date(d, 1)
    assert cal.sub_working_days(cal.add_working_days_date(d, n), n) == d
    assert cal.add_working_days_date(cal.sub_working_days(d, n), n) == d  # INV-E04 as written


@given(calendars, clock, n_wd)
def test_add_working_days_lands_on_working_day(cal: WorkCalendar, t: float, n: int) -> None:
    deadline = cal.add_working_days(t, n)
    day = cal.date_of(deadline - WORK_EPS)  # the close of office belongs to that day
    assert cal.is_working_day(day)
    assert day > cal.date_of(t)
    assert cal.working_days_in(cal.date_of(t) + dt.timedelta(1), day + dt.timedelta(1)) == n
    assert deadline == cal.office_close(day)


@settings(max_examples=50)
@given(st.lists(st.floats(min_value=0.0, max_value=300_000.0), max_size=20))
def test_clock_at_work_array_matches_scalar(ws: list[float]) -> None:
    got = CN.clock_at_work_array(np.array(ws, dtype=float)).tolist()
    assert got == pytest.approx([CN.clock_at_work(w) for w in ws], abs=1e-9)


def _both(cal: WorkCalendar, method: str, *args: float) -> tuple[object, object]:
    """``method(*args)`` with the one-interval short cut and with the general steps."""

    def call() -> object:
        try:
            return getattr(cal, method)(*args)
        except ValueError as exc:
            return ("error", str(exc))

    cal._one_interval = True
    short = call()
    cal._one_interval = False
    general = call()
    cal._one_interval = True
    return short, general


def test_continuous_short_cut_gives_the_general_results() -> None:
    """The 24/7 calendar is one office interval; finish_time and next_open take a short cut
    there that must give the general steps' results bit for bit, edges included (an effort
    within WORK_EPS of the end, the end itself, beyond it)."""
    cal = WorkCalendar(dt.date(2025, 1, 1), 20, kind="continuous", margin_days=3)
    assert cal._one_interval
    assert not WorkCalendar(dt.date(2025, 1, 1), 20)._one_interval
    gap = WorkCalendar(
        dt.date(2025, 1, 1), 20, kind="continuous", extra_holidays=[dt.date(2025, 1, 5)]
    )
    assert not gap._one_interval
    rng = np.random.default_rng(5)
    end = cal.end_clock
    clocks = [0.0, 5e-8, 1440.0, end - 1.0, end - 2e-7, end - 1e-7, end - 1e-9, end]
    clocks += rng.uniform(0.0, end, 2000).tolist()
    efforts = [0.0, 1e-8, WORK_EPS, 2 * WORK_EPS, 1.0, 1440.0, end, end + 1.0]
    efforts += rng.exponential(30.0, 20).tolist()
    for t in clocks:
        short, general = _both(cal, "next_open", t)
        assert repr(short) == repr(general), t
        for effort in efforts:
            short, general = _both(cal, "finish_time", t, effort)
            assert repr(short) == repr(general), (t, effort)
    for t in (-1.0, end + 1.0):
        assert _both(cal, "finish_time", t, 1.0)[0] == _both(cal, "finish_time", t, 1.0)[1]
