"""Countersign deadlines worked by hand to the minute (A59; RULES §4.3, INV-D08 … D10).

A59 「部门之间征求意见或会签文件时，除主办部门另有时限要求外，一般应在3个工作日内回复，特别复杂的
事项不得超过一周；特殊情况不能按期回复的，应主动与主办部门沟通并商定回复时限及方式，逾期不回复
视为无不同意见。」 AMB-45: the day of receipt is not counted; a limit ends at the close of
office (17:30). AMB-01: 「一周」 is 5 working days by default, 7 calendar days under the knob
(ending on the next working day when the 7th day is a rest day).

Calendar facts (State Council notices for 2024): Mon 06-10 Dragon Boat Festival; Sat 09-14,
Sun 09-29 and Sat 10-12 are make-up working days; 09-15 … 09-17 and 10-01 … 10-07 are off.
"""

from __future__ import annotations

import datetime as dt

import pytest

from factory import countersigned_request_raw, fixed, make_scenario
from govsim.checks import check_log
from govsim.core.calendar import WorkCalendar
from govsim.model.world import simulate
from govsim.rules.countersign import countersign_deadline, deemed_no_objection, extended_deadline

CAL = WorkCalendar(dt.date(2024, 1, 1), 366)


def clock(text: str) -> float:
    return CAL.clock_of(dt.datetime.fromisoformat(text))


def when(t: float) -> str:
    return CAL.datetime_of(t).strftime("%Y-%m-%d %a %H:%M")


@pytest.mark.parametrize(
    ("received", "kind", "due"),
    [
        # Friday before the Dragon Boat Festival: Sat, Sun rest, Mon 06-10 holiday;
        # WD1 Tue 06-11, WD2 Wed 06-12, WD3 Thu 06-13.
        ("2024-06-07 10:00", "ordinary", "2024-06-13 Thu 17:30"),
        # … complex, 5 working days: 06-11, 12, 13, 14, then Mon 06-17.
        ("2024-06-07 10:00", "complex_5wd", "2024-06-17 Mon 17:30"),
        # … complex, 7 calendar days: Fri 06-14 is a working day.
        ("2024-06-07 10:00", "complex_7cd", "2024-06-14 Fri 17:30"),
        # Received on a rest day (Sun 10-06, National Day week): Mon 10-07 is off too;
        # WD1 Tue 10-08, WD2 Wed 10-09, WD3 Thu 10-10.
        ("2024-10-06 10:00", "ordinary", "2024-10-10 Thu 17:30"),
        # … complex, 5 working days: 10-08, 09, 10, 11 and the make-up Saturday 10-12.
        ("2024-10-06 10:00", "complex_5wd", "2024-10-12 Sat 17:30"),
        # … 7 calendar days end on Sun 10-13, a rest day: the next working day, Mon 10-14.
        ("2024-10-06 10:00", "complex_7cd", "2024-10-14 Mon 17:30"),
        # Received on a make-up Saturday (10-12), itself not counted: Mon 14, Tue 15, Wed 16.
        ("2024-10-12 09:00", "ordinary", "2024-10-16 Wed 17:30"),
        ("2024-10-12 09:00", "complex_5wd", "2024-10-18 Fri 17:30"),
        # 7 calendar days end on Sat 10-19, a rest day: Mon 10-21.
        ("2024-10-12 09:00", "complex_7cd", "2024-10-21 Mon 17:30"),
        # Make-up Saturday 09-14 before Mid-Autumn: 15 rest, 16 off, 17 holiday; 18, 19, 20.
        ("2024-09-14 17:00", "ordinary", "2024-09-20 Fri 17:30"),
        # Received after hours on a working day: that day is still not counted.
        ("2024-09-26 20:00", "ordinary", "2024-09-30 Mon 17:30"),
        # The lead department's own limit wins (「除主办部门另有时限要求外」), even for a
        # complex matter: 1 working day after Fri 09-27 is the make-up Sunday 09-29.
        ("2024-09-27 16:00", "lead_1", "2024-09-29 Sun 17:30"),
        ("2024-09-27 16:00", "lead_2", "2024-09-30 Mon 17:30"),
    ],
)
def test_deadline_by_hand(received: str, kind: str, due: str) -> None:
    t0 = clock(received)
    kw = {
        "ordinary": {},
        "complex_5wd": {"complex_": True},
        "complex_7cd": {"complex_": True, "complex_limit": "7cd"},
        "lead_1": {"lead_limit_wd": 1, "complex_": True},
        "lead_2": {"lead_limit_wd": 2},
    }[kind]
    assert when(countersign_deadline(CAL, t0, **kw)) == due


def test_extension_adds_working_days_to_the_current_limit() -> None:
    # Mon 09-30 17:30 + 3 working days: 10-01 … 10-07 off → Tue 08, Wed 09, Thu 10.
    assert when(extended_deadline(CAL, clock("2024-09-30 17:30"), 3)) == "2024-10-10 Thu 17:30"


def test_deemed_exactly_when_no_reply_by_the_deadline() -> None:
    deadline = clock("2024-10-10 17:30")
    assert not deemed_no_objection(deadline, deadline)  # a reply at 17:30 is in time
    assert deemed_no_objection(deadline + 1, deadline)
    assert not deemed_no_objection(deadline + 1, deadline, deemed_consent=False)
    assert deemed_no_objection(deadline + 1, deadline, extended=True)  # AMB-19 default
    assert not deemed_no_objection(
        deadline + 1, deadline, extended=True, deemed_after_extension=False
    )


# --------------------------------------------------------------------------- in the simulation


def countersigned_request(base_raw, **countersign):
    """A request from d_a on Fri 2024-09-27 16:00 touching d_b's powers; d_b needs 10 working
    days to reply (fixed), so without an extension the countersign is deemed."""
    countersigned_request_raw(base_raw, **countersign)
    world = simulate(make_scenario(base_raw))
    ev = world.log.to_frame()
    rows = [
        (str(r.activity), str(r.actor), None if isinstance(r.target, float) else str(r.target),
         None if isinstance(r.outcome, float) else str(r.outcome), when_w(world, r.time),
         None if r.deadline != r.deadline else when_w(world, r.deadline))
        for r in ev.itertuples()
    ]  # fmt: skip
    violations = check_log(ev, world.log.cases_frame(), world.org, world.cal, scenario=world.sc)
    assert violations == [], violations
    return world, rows


def when_w(world, t: float) -> str:
    return world.cal.datetime_of(t).strftime("%Y-%m-%d %a %H:%M")


def test_deemed_at_exactly_the_deadline(base_raw) -> None:
    world, rows = countersigned_request(base_raw)
    # Deadline: Fri not counted; WD1 Sun 09-29 (make-up), WD2 Mon 09-30, WD3 Tue 10-08.
    # d_b's reply would take 4500 working minutes from Fri 16:00 → Wed 10-16 16:00: late.
    # Submission at the deemed instant; GO review 2 h from Wed 08:30; co-review by the mayor
    # (d_b's portfolio, AMB-43) 30 min, then routed to vm_exec (d_a's portfolio), who
    # approves in 60 min.
    assert rows == [
        ("doc.involves", "d_a", "d_b", None, "2024-09-27 Fri 16:00", None),
        ("cs.requested", "d_a", "d_b", None, "2024-09-27 Fri 16:00", "2024-10-08 Tue 17:30"),
        ("cs.deemed", "d_a", "d_b", None, "2024-10-08 Tue 17:30", "2024-10-08 Tue 17:30"),
        ("doc.countersigned", "d_a", None, "consensus", "2024-10-08 Tue 17:30", None),
        ("doc.submitted", "d_a", "GO", None, "2024-10-08 Tue 17:30", None),
        ("go.received", "GO", None, None, "2024-10-08 Tue 17:30", None),
        ("go.reviewed", "GO", None, "pass", "2024-10-09 Wed 10:30", None),
        ("doc.sent_for_review", "GO", "mayor", None, "2024-10-09 Wed 10:30", None),
        ("doc.co_review_signed", "mayor", None, None, "2024-10-09 Wed 11:00", None),
        ("doc.routed", "GO", "vm_exec", None, "2024-10-09 Wed 11:00", None),
        ("leader.approved", "vm_exec", None, None, "2024-10-09 Wed 12:00", None),
        ("doc.closed", "GO", None, None, "2024-10-09 Wed 12:00", None),
        # Logged and ignored (AMB-19), after the case closed.
        ("cs.replied_late", "d_b", "d_a", "agree", "2024-10-16 Wed 16:00", None),
    ]
    ev = world.log.to_frame()
    deemed = ev.loc[ev["activity"] == "cs.deemed"].iloc[0]
    assert deemed["time"] == deemed["deadline"]  # exactly, not within a tolerance


def test_complex_matter_gets_a_week(base_raw) -> None:
    _, rows = countersigned_request(base_raw, p_complex=1.0)
    # 5 working days after Fri 09-27: Sun 29, Mon 30, Tue 10-08, Wed 09, Thu 10.
    assert rows[1][5] == rows[2][4] == "2024-10-10 Thu 17:30"
    assert rows[2][0] == "cs.deemed"


def test_complex_matter_seven_calendar_days(base_raw) -> None:
    _, rows = countersigned_request(base_raw, p_complex=1.0, complex_limit="7cd")
    # 7 calendar days after Fri 09-27 is Fri 10-04, a National Day rest day: Tue 10-08.
    assert rows[1][5] == rows[2][4] == "2024-10-08 Tue 17:30"


def test_lead_set_limit(base_raw) -> None:
    _, rows = countersigned_request(
        base_raw, p_lead_limit=1.0, lead_limit_working_days=[1, 1], p_complex=1.0
    )
    # The lead's 1 working day beats the complex week: the make-up Sunday 09-29.
    assert rows[1][5] == rows[2][4] == "2024-09-29 Sun 17:30"


def test_extension_then_deemed_at_the_new_deadline(base_raw) -> None:
    _, rows = countersigned_request(base_raw, p_extension=1.0)
    # d_b speaks up halfway to Tue 10-08 17:30 in working time: 1440 working minutes lie
    # ahead, 720 from Fri 16:00 → 90 Fri + 450 Sun + 180 Mon → Mon 09-30 11:30. The lead
    # agrees 3 more working days: Wed 10-09, Thu 10-10, Fri 10-11 → Fri 10-11 17:30; the
    # reply (Wed 10-16) is still late, so the countersign is deemed then (AMB-19).
    assert rows[1:6] == [
        ("cs.requested", "d_a", "d_b", None, "2024-09-27 Fri 16:00", "2024-10-08 Tue 17:30"),
        ("cs.cannot_meet", "d_b", "d_a", None, "2024-09-30 Mon 11:30", None),
        ("cs.extension_agreed", "d_a", "d_b", None, "2024-09-30 Mon 11:30", "2024-10-11 Fri 17:30"),
        ("cs.deemed", "d_a", "d_b", None, "2024-10-11 Fri 17:30", "2024-10-11 Fri 17:30"),
        ("doc.countersigned", "d_a", None, "consensus", "2024-10-11 Fri 17:30", None),
    ]


def test_no_deeming_after_an_extension_when_switched_off(base_raw) -> None:
    _, rows = countersigned_request(base_raw, p_extension=1.0, deemed_after_extension=False)
    # AMB-19 knob off: the lead waits for the late reply, Wed 10-16 16:00.
    assert rows[4] == ("cs.replied", "d_b", "d_a", "agree", "2024-10-16 Wed 16:00", None)
    assert not any(r[0] == "cs.deemed" for r in rows)


def test_reply_in_time_is_not_deemed(base_raw) -> None:
    _, rows = countersigned_request(base_raw, response=fixed(days=1))
    # 450 working minutes from Fri 16:00: 90 Fri, then 360 on Sun 09-29 → 08:30 + 210 to
    # 12:00, 150 from 13:30 → 16:00, before the Tue 10-08 deadline.
    assert rows[2] == ("cs.replied", "d_b", "d_a", "agree", "2024-09-29 Sun 16:00", None)
    assert not any(r[0] == "cs.deemed" for r in rows)


def test_without_deemed_consent_every_reply_is_awaited(base_raw) -> None:
    _, rows = countersigned_request(base_raw, deemed_consent=False)
    assert rows[2] == ("cs.replied", "d_b", "d_a", "agree", "2024-10-16 Wed 16:00", None)
    assert rows[3] == ("doc.countersigned", "d_a", None, "consensus", "2024-10-16 Wed 16:00", None)


def test_unresolved_objection_goes_up_with_the_dissent(base_raw) -> None:
    world, rows = countersigned_request(
        base_raw,
        response=fixed(days=1),
        p_object=1.0,
        p_resolved=0.0,
        negotiation=fixed(days=1),
        dissent_drafting=fixed(hours=2),
    )
    acts = [r[0] for r in rows]
    # Objection Sun 16:00; the lead's principal head negotiates one working day → Mon 09-30
    # 16:00, unresolved; grounds and handling listed 2 working hours later → Tue 10-08
    # 08:30 + 30 min = 09:00 … the dissent version goes round again (A56, K37).
    assert rows[2] == ("cs.replied", "d_b", "d_a", "object", "2024-09-29 Sun 16:00", None)
    assert rows[3] == ("cs.negotiated", "d_a", "d_b", "unresolved", "2024-09-30 Mon 16:00", None)
    assert rows[4] == ("cs.dissent_documented", "d_a", "d_b", None, "2024-10-08 Tue 09:00", None)
    assert rows[5] == ("cs.handling_proposed", "d_a", None, None, "2024-10-08 Tue 09:00", None)
    # Second round from Tue 09:00: deadline Fri 10-11 17:30 (Wed, Thu, Fri).
    assert rows[6] == (
        "cs.requested", "d_a", "d_b", None, "2024-10-08 Tue 09:00", "2024-10-11 Fri 17:30",
    )  # fmt: skip
    assert acts.index("doc.countersigned") < acts.index("doc.submitted")
    ev = world.log.to_frame()
    assert (ev.loc[ev["activity"] == "doc.countersigned", "outcome"] == "dissent").all()
    # The city government decides: a leader approves (INV-D12).
    assert ev.loc[ev["activity"] == "leader.approved", "actor"].iloc[0] == "vm_exec"
