"""The ledger's rule functions, worked by hand (A70; RULES §7.4, §7.5; K06, K07, K62, K63, K68;
AMB-14, AMB-15, AMB-45, AMB-50).

Calendar facts (State Council notices): 2024 — Spring Festival 02-10…02-17 off, Sun 02-04 and
Sun 02-18 make-up days; Sun 09-29 and Sat 10-12 make-up days around National Day 10-01…10-07.
2025 — Spring Festival 01-28…02-04 off, Sun 01-26 and Sat 02-08 make-up days; Qingming 04-04…
04-06 off; Labour Day 05-01…05-05 off, Sun 04-27 make-up; Dragon Boat 05-31…06-02 off;
National Day and Mid-Autumn 10-01…10-08 off, Sun 09-28 and Sat 10-11 make-up days. Office
08:30–12:00 and 13:30–17:30 (450 minutes a day).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from govsim.core.calendar import WorkCalendar
from govsim.rules.ledger import (
    BLUE,
    RED,
    YELLOW,
    colour,
    dekads,
    expected_progress,
    ledger_deadline,
    push_multiplier,
    stocktake_days,
    working_days_left,
    year_end_score,
)

K62 = SimpleNamespace(behind_yellow=0.10, behind_red=0.25, warn_working_days=5)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar(dt.date(2024, 1, 1), 800)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def clock(cal: WorkCalendar, text: str) -> float:
    return cal.clock_of(dt.datetime.fromisoformat(text))


def push_days(cal: WorkCalendar, year: int, month: int) -> list[tuple[str, bool]]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return [(k.push_day.isoformat(), k.month_end) for k in dekads(cal, first, nxt)]


# -- 旬推进 dates: nominal 10th, 20th, month end, moved back inside the dekad (AMB-15) ----------


def test_dekad_days_september_2024_month_end_before_national_day(cal):
    # Mon 09-30 is a working day (the holiday starts 10-01): the month-end push stays there.
    assert push_days(cal, 2024, 9) == [
        ("2024-09-10", False),
        ("2024-09-20", False),
        ("2024-09-30", True),
    ]


def test_dekad_days_october_2024_sunday_moves_back_to_friday(cal):
    # 10-20 is a Sunday (not a make-up day): back to Friday 10-18, still in 中旬.
    assert push_days(cal, 2024, 10) == [
        ("2024-10-10", False),
        ("2024-10-18", False),
        ("2024-10-31", True),
    ]


def test_dekad_days_may_2025_saturday_month_end_in_dragon_boat_holiday(cal):
    # 05-10 is a Saturday → Friday 05-09; 05-31 is a Saturday and a holiday → Friday 05-30,
    # so the mayor's 月调度 stays in May.
    assert push_days(cal, 2025, 5) == [
        ("2025-05-09", False),
        ("2025-05-20", False),
        ("2025-05-30", True),
    ]


def test_dekad_days_february_2024_spring_festival_and_leap_day(cal):
    # 02-10 is New Year's Day of the Spring Festival (and a Saturday) → Friday 02-09, a working
    # day; the month ends on the leap day, Thursday 02-29.
    assert push_days(cal, 2024, 2) == [
        ("2024-02-09", False),
        ("2024-02-20", False),
        ("2024-02-29", True),
    ]


def test_dekad_days_january_2025_month_end_pushed_before_spring_festival(cal):
    # 01-28 … 02-04 are off: the 下旬 push moves back to Monday 01-27.
    assert push_days(cal, 2025, 1) == [
        ("2025-01-10", False),
        ("2025-01-20", False),
        ("2025-01-27", True),
    ]


def test_dekad_days_october_2025_after_the_long_holiday(cal):
    # 10-01 … 10-08 are off; Friday 10-10 is a working day.
    assert push_days(cal, 2025, 10) == [
        ("2025-10-10", False),
        ("2025-10-20", False),
        ("2025-10-31", True),
    ]


def test_dekads_before_the_calendar_start_are_skipped():
    late = WorkCalendar(dt.date(2024, 9, 12), 30)
    # The first dekad's push (09-10) was before the start; 09-20 and 09-30 remain.
    assert [k.push_day for k in dekads(late, late.start, d("2024-10-12"))] == [
        d("2024-09-20"),
        d("2024-09-30"),
        d("2024-10-10"),
    ]


def test_continuous_calendar_pushes_on_the_nominal_days():
    cont = WorkCalendar(dt.date(2025, 2, 1), 40, kind="continuous")
    assert [k.push_day for k in dekads(cont, cont.start, d("2025-03-12"))] == [
        d("2025-02-10"),
        d("2025-02-20"),
        d("2025-02-28"),
        d("2025-03-10"),
    ]


# -- 周盘点 days: the last working day of each week (K07) ----------------------------------------


def test_stocktake_days_around_national_day_2024(cal):
    # Sun 09-29 and Sat 10-12 are make-up working days; the week of 09-30 has only Monday.
    assert stocktake_days(cal, d("2024-09-23"), d("2024-10-20")) == [
        d("2024-09-29"),
        d("2024-09-30"),
        d("2024-10-12"),
        d("2024-10-18"),
    ]


def test_stocktake_days_spring_festival_2025_and_qingming(cal):
    assert stocktake_days(cal, d("2025-01-20"), d("2025-02-10")) == [
        d("2025-01-26"),  # make-up Sunday
        d("2025-01-27"),  # the Monday before the holiday
        d("2025-02-08"),  # make-up Saturday
    ]
    assert stocktake_days(cal, d("2025-03-31"), d("2025-04-14")) == [
        d("2025-04-03"),  # Friday 04-04 is Qingming
        d("2025-04-11"),
    ]


# -- deadlines, planned progress, colours (K62, AMB-14, AMB-45, AMB-50) ------------------------


def test_deadline_counts_working_days_from_the_day_after(cal):
    t = clock(cal, "2025-03-03T09:00")
    assert cal.datetime_of(ledger_deadline(cal, t, 20)) == dt.datetime(2025, 3, 31, 17, 30)
    # Across Qingming: from Thu 04-03, 2 working days are 04-07 and 04-08.
    t = clock(cal, "2025-04-03T10:00")
    assert cal.datetime_of(ledger_deadline(cal, t, 2)) == dt.datetime(2025, 4, 8, 17, 30)


def test_working_days_left(cal):
    deadline = clock(cal, "2025-03-31T17:30")
    assert working_days_left(cal, d("2025-03-07"), deadline) == 16
    assert working_days_left(cal, d("2025-03-28"), deadline) == 1
    assert working_days_left(cal, d("2025-03-31"), deadline) == 0
    assert working_days_left(cal, d("2025-04-03"), deadline) == 0


STOCKTAKES = ["2025-03-07", "2025-03-14", "2025-03-21", "2025-03-28", "2025-04-03"]


def test_colour_sequence_for_fixed_progress_is_exact(cal):
    """An item registered Mon 2025-03-03 09:00 with 20 working days: deadline Mon 03-31 17:30.

    Planned work between them: 420 minutes on 03-03, 20 days × 450 = 9420 minutes. At the
    Friday stocktakes (17:30) 2220, 4470, 6720, 8970 minutes have passed; the week of Qingming
    takes stock on Thursday 04-03, after the deadline.
    """
    t0 = clock(cal, "2025-03-03T09:00")
    deadline = ledger_deadline(cal, t0, 20)
    planned = [expected_progress(cal, t0, deadline, cal.office_close(d(day))) for day in STOCKTAKES]
    assert planned == pytest.approx([2220 / 9420, 4470 / 9420, 6720 / 9420, 8970 / 9420, 1.0])

    def sequence(progress: list[float]) -> list[str]:
        out = []
        for day, p, e in zip(STOCKTAKES, progress, planned, strict=True):
            t = cal.office_close(d(day))
            out.append(colour(p, e, t > deadline, working_days_left(cal, d(day), deadline), K62))
        return out

    # 0.20 vs 0.236: blue. 0.30 vs 0.475 (behind 0.17 > δ): yellow. 0.40 vs 0.713 (behind
    # 0.31 > Δ): red. Done on 03-28, one working day before the deadline: blue again (RULES
    # §7.4 allows recovery). 04-03: past the deadline and not closed: red.
    assert sequence([0.20, 0.30, 0.40, 1.0, 1.0]) == [BLUE, YELLOW, RED, BLUE, RED]
    # Ahead of plan all along, but not done within w = 5 working days of the deadline: yellow.
    assert sequence([0.30, 0.50, 0.75, 0.96, 0.99]) == [BLUE, BLUE, BLUE, YELLOW, RED]
    # Behind by exactly δ or Δ is not "behind by more than": the boundaries stay on the better side.
    e = planned[1]
    assert colour(e - 0.10, e, False, 10, K62) == BLUE
    assert colour(e - 0.2500001, e, False, 10, K62) == RED


def test_colour_thresholds_are_knobs():
    lax = SimpleNamespace(behind_yellow=0.3, behind_red=0.5, warn_working_days=0)
    assert colour(0.5, 0.75, False, 1, lax) == BLUE
    assert colour(0.5, 0.85, False, 1, lax) == YELLOW
    assert colour(0.3, 0.85, False, 1, lax) == RED
    assert colour(0.9, 0.9, False, 0, lax) == YELLOW  # w = 0: only on the deadline's day


def test_planned_progress_is_clipped_and_handles_empty_spans(cal):
    t0 = clock(cal, "2025-03-03T09:00")
    deadline = ledger_deadline(cal, t0, 1)
    assert expected_progress(cal, t0, deadline, t0 - 600) == 0.0
    assert expected_progress(cal, t0, deadline, deadline + 6000) == 1.0
    night = clock(cal, "2025-03-08T10:00")  # a Saturday: no working time to the same instant
    assert expected_progress(cal, night, night, night) == 1.0


def test_push_multiplier_and_year_end_score():
    assert push_multiplier(False, False, 0.05, 0.10) == 1.0
    assert push_multiplier(True, False, 0.05, 0.10) == pytest.approx(1.05)
    assert push_multiplier(True, True, 0.05, 0.10) == pytest.approx(1.155)
    # K68: +1 per on-time closure, −1 per red month, −3 per criticism.
    assert year_end_score(7, 4, 1, 1.0, -1.0, -3.0) == 0.0
