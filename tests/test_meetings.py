"""The executive meeting, worked by hand (A45, A49–A52; RULES §5; AMB-10, AMB-40, AMB-45).

Calendar: Spring Festival 2025 is a holiday from Tue 01-28 to Tue 02-04; Sun 01-26 is a
make-up working day. The last Thursday of January, 01-30, is a holiday, so the January
meeting moves to the next working day, Wed 02-05 (K39). Counting back from 02-05 without the
day itself: 01-27 (1), Sun 01-26 (2), 01-24 (3), 01-23 (4), Wed 01-22 (5): materials are on
time if the GO has them by 17:30 on 01-22 (A49 「会前5个工作日」, AMB-45). The GO proposes the
agenda at 08:30 on the 3rd working day before, Fri 01-24.

A major request from d_a arriving at 08:30 on 01-22 is reviewed by 10:30 (2 h), referred by
the mayor at 11:30 (60 min), researched by 15:30 (150 working minutes over lunch;
coordination and compliance review take no time here), confirmed by vm_exec at 16:30 and
agreed by the mayor at 17:30: submitted at 17:30 exactly. One minute later, every step is
one minute later and the last ends at 08:31 on 01-23: too late.
Members: mayor, vm_exec, vm_1, sg (4): quorum is 3.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from factory import BASE, fixed, make_scenario
from govsim.checks import check_log
from govsim.model.world import simulate
from govsim.rules.meetings import executive_meeting_days, has_quorum, submission_cutoff


def raw_scenario(arrival: str | None = "2025-01-22T08:30:00", **meetings: Any) -> dict:
    raw = copy.deepcopy(BASE)
    raw["scenario"] = {"name": "m", "start": "2025-01-02", "horizon_days": 60}
    raw["leaders"] = [
        {"id": "mayor", "role": "mayor", "portfolio": ["d_b"]},
        {"id": "vm_exec", "role": "executive_vice_mayor", "portfolio": ["d_a"]},
        {"id": "vm_1", "role": "vice_mayor", "portfolio": []},
        {"id": "sg", "role": "secretary_general"},
    ]
    raw["general_office"]["reviewers"] = 2
    if arrival:
        raw["load"]["scheduled"] = [
            {"at": arrival, "kind": "request", "sender": "d_a", "major": True, "urgent": False}
        ]
    raw["meetings"] = {
        "topics": {
            "p_refer": 1.0,
            "p_special": 0.0,
            "research": fixed(minutes=150),
            "coordinate": fixed(minutes=0),
            "compliance_review": fixed(minutes=0),
            "confirm": fixed(minutes=60),
            "agree": fixed(minutes=60),
            "sign_off": fixed(minutes=30),
        },
        "agenda": {
            "propose": fixed(minutes=60),
            "review": fixed(minutes=60),
            "fix": fixed(minutes=30),
        },
        "minutes": {"draft": fixed(hours=2), "sign": fixed(minutes=30)},
        # only the executive meeting here; the others have their own tests
        "plenary": {"months": []},
        "mayor_office": {"p_take": 0.0},
        "special_topic": {"p_convene_on_dissent": 0.0},
        **meetings,
    }
    return raw


def away(*who: tuple[str, str, str]) -> dict:
    return {"fixed": [{"who": w, "start": a, "end": b, "reason": "out_of_city"} for w, a, b in who]}


def run(raw: dict):
    sc = make_scenario(raw)
    world = simulate(sc)
    ev, cases = world.log.to_frame(), world.log.cases_frame()
    violations = check_log(ev, cases, world.org, world.cal, scenario=sc)
    assert violations == [], "\n".join(map(str, violations))
    return world, ev


def when(world, ev, activity: str, nth: int = 0, **where: str) -> dt.datetime:
    rows = ev.loc[ev["activity"] == activity]
    for col, value in where.items():
        rows = rows.loc[rows[col] == value]
    return world.cal.datetime_of(rows["time"].iat[nth])


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_the_rules_calendar_of_january_2025():
    world = simulate(make_scenario(raw_scenario(None)))
    cal = world.cal
    days = executive_meeting_days(cal, "monthly", 3)
    assert days[:2] == [dt.date(2025, 2, 5), dt.date(2025, 2, 27)]  # K39: 01-30 is a holiday
    # the second Thursday: 01-09; 02-13; 10-09 (National Day week ends 10-08)
    second = executive_meeting_days(cal, "monthly", 3, week=2)
    assert second[:2] == [dt.date(2025, 1, 9), dt.date(2025, 2, 13)]
    # the first Thursday of February is 02-06 (a working day after Spring Festival)
    assert executive_meeting_days(cal, "monthly", 3, week=1)[1] == dt.date(2025, 2, 6)
    assert cal.datetime_of(submission_cutoff(cal, days[0], 5)) == at("2025-01-22T17:30")
    assert not has_quorum(2, 4) and has_quorum(3, 4)  # A45: strictly more than half


def test_topic_submitted_exactly_five_working_days_ahead_is_decided():
    world, ev = run(raw_scenario("2025-01-22T08:30:00"))
    assert when(world, ev, "topic.submitted") == at("2025-01-22T17:30")
    assert when(world, ev, "topic.signed_off") == at("2025-01-23T09:00")
    assert when(world, ev, "go.arrangement_proposed") == at("2025-01-24T09:30")
    assert when(world, ev, "sg.arrangement_reviewed") == at("2025-01-24T10:30")
    assert when(world, ev, "mayor.agenda_fixed") == at("2025-01-24T11:00")
    assert when(world, ev, "meeting.opened") == at("2025-02-05T08:30")
    # 30 min + 20 min for the one topic; the GO drafts for 2 h, the mayor signs in 30 min.
    assert when(world, ev, "meeting.decision") == at("2025-02-05T09:20")
    assert when(world, ev, "minutes.signed", actor="mayor") == at("2025-02-05T11:50")
    assert when(world, ev, "doc.closed") == at("2025-02-05T11:50")
    assert "leader.approved" not in set(ev["activity"])  # a meeting decision, not an approval
    assert not (ev["activity"] == "topic.deferred").any()


def test_topic_one_minute_later_waits_for_the_next_meeting():
    world, ev = run(raw_scenario("2025-01-22T08:31:00"))
    assert when(world, ev, "topic.submitted") == at("2025-01-23T08:31")
    deferred = ev.loc[ev["activity"] == "topic.deferred"]
    assert list(deferred["outcome"]) == ["late"]
    assert when(world, ev, "topic.deferred") == at("2025-01-24T08:30")
    # The February meeting, last Thursday 02-27, decides it.
    assert when(world, ev, "meeting.decision") == at("2025-02-27T09:20")


def test_a_special_topic_is_admitted_although_late():
    raw = raw_scenario("2025-01-22T08:31:00")
    raw["meetings"]["topics"]["p_special"] = 1.0
    world, ev = run(raw)
    assert when(world, ev, "meeting.decision") == at("2025-02-05T09:20")
    assert (ev.loc[ev["activity"] == "topic.submitted", "outcome"] == "special").all()


def test_exactly_half_present_is_no_quorum_half_plus_one_opens():
    # vm_1 and sg away on 02-05: 2 of 4, postponed to 02-06 when they are back.
    raw = raw_scenario()
    raw["leave"] = away(("vm_1", "2025-02-05", "2025-02-05"), ("sg", "2025-02-05", "2025-02-05"))
    world, ev = run(raw)
    post = ev.loc[ev["activity"] == "meeting.postponed"]
    assert list(post["outcome"]) == ["no_quorum"]
    assert when(world, ev, "meeting.postponed") == at("2025-02-05T08:30")
    asked = ev.loc[ev["activity"] == "meeting_leave.requested"]
    assert sorted(asked["actor"].astype(str)) == ["sg", "vm_1"]
    assert set(asked["target"].astype(str)) == {"mayor"}
    assert when(world, ev, "meeting.opened") == at("2025-02-06T08:30")
    # Only sg away: 3 of 4 present, it opens on the day.
    raw["leave"] = away(("sg", "2025-02-05", "2025-02-05"))
    world, ev = run(raw)
    assert not (ev["activity"] == "meeting.postponed").any()
    opened = ev.loc[ev["activity"] == "meeting.opened"].iloc[0]
    assert world.cal.datetime_of(opened["time"]) == at("2025-02-05T08:30")
    assert opened["value"] == 3


@pytest.mark.parametrize("entrust", [True, False])
def test_mayor_away_entrusted_exec_vm_chairs_else_postponed(entrust: bool):
    raw = raw_scenario()
    raw["meetings"]["executive"] = {"entrust_when_mayor_away": entrust}
    raw["leave"] = away(("mayor", "2025-02-05", "2025-02-07"))
    world, ev = run(raw)
    opened = ev.loc[ev["activity"] == "meeting.opened"].iloc[0]
    if entrust:
        assert (ev["activity"] == "meeting.entrusted").sum() == 1
        assert str(opened["actor"]) == "vm_exec"
        assert world.cal.datetime_of(opened["time"]) == at("2025-02-05T08:30")
        # A52, AMB-10: the minutes wait for the mayor, back on Sat 02-08 (a make-up working
        # day) at 08:30.
        assert when(world, ev, "minutes.drafted") == at("2025-02-05T11:20")
        assert when(world, ev, "minutes.signed", actor="mayor") == at("2025-02-08T09:00")
    else:
        assert not (ev["activity"] == "meeting.entrusted").any()
        post = ev.loc[ev["activity"] == "meeting.postponed"]
        assert list(post["outcome"]) == ["no_chair"] * 3  # 02-05, 02-06, 02-07
        assert str(opened["actor"]) == "mayor"
        assert world.cal.datetime_of(opened["time"]) == at("2025-02-08T08:30")  # make-up day


def test_exec_vm_signs_when_the_knob_allows():
    raw = raw_scenario()
    raw["meetings"]["minutes"]["exec_vm_may_sign_when_entrusted"] = True
    raw["leave"] = away(("mayor", "2025-02-05", "2025-02-07"))
    world, ev = run(raw)
    assert when(world, ev, "minutes.signed", actor="vm_exec") == at("2025-02-05T11:50")


def test_without_the_section_nothing_changes():
    raw = raw_scenario()
    raw.pop("meetings")
    _, ev = run(raw)
    assert "leader.approved" in set(ev["activity"])
    assert not ev["activity"].astype(str).str.startswith(("meeting", "topic")).any()


def test_the_docs_example_validates_on_top_of_the_minimal_scenario():
    from govsim.scenario.load import parse_scenario
    from test_scenario_docs import snippet

    sc = parse_scenario(snippet("minimal") + "\n" + snippet("meetings"))
    assert sc.meetings is not None and sc.meetings.executive.cadence == "fortnightly"


def test_a_meeting_whose_arrangement_falls_before_the_start_is_still_held():
    """A run starting on Tue 02-25 (a warm start's cut, say): the executive meeting of Thu
    02-27 would have been arranged (A50) three working days before, Mon 02-24, before the run.
    It is arranged at the first opening, 02-25 08:30 (propose 1 h, review 1 h, fix 30 min:
    fixed 11:00), and held on its day — not skipped."""
    raw = raw_scenario(arrival=None)
    raw["scenario"] = {"name": "m", "start": "2025-02-25", "horizon_days": 10}
    world, ev = run(raw)
    assert when(world, ev, "meeting.planned") == at("2025-02-25T08:30")
    assert when(world, ev, "mayor.agenda_fixed") == at("2025-02-25T11:00")
    assert when(world, ev, "meeting.opened") == at("2025-02-27T08:30")
