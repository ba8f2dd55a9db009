"""The plenary, the mayor's office meeting and special-topic meetings, worked by hand (A44,
A46, A47, A51, A52; RULES §3.5, §4.4, §5.1–§5.4; AMB-24, AMB-26).

The calendar and the organisation are those of ``test_meetings``: office hours 08:30–12:00
and 13:30–17:30; Spring Festival 2025 is a holiday from Tue 01-28 to Tue 02-04 and Sun 01-26
a make-up working day; executive meetings on Wed 02-05 and Thu 02-27 (cut-offs: 17:30 on
01-22 and on 02-20). A major request from d_a arriving at 08:30 on 01-22 is reviewed by the
GO by 10:30 and taken by the mayor (60 min) at 11:30.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest

from factory import fixed, make_scenario
from govsim.kpis import meeting_kpis
from govsim.model.world import simulate
from govsim.rules.meetings import plenary_days
from test_meetings import at, away, raw_scenario, run, when


def office_raw(p_escalate: float = 0.0) -> dict:
    """Every major request the mayor does not refer goes to a mayor's office meeting, which
    is convened as soon as one topic waits (A46; RULES §5.6)."""
    raw = raw_scenario("2025-01-22T08:30:00")
    raw["meetings"]["topics"]["p_refer"] = 0.0
    raw["meetings"]["mayor_office"] = {
        "p_take": 1.0,
        "trigger_topics": 1,
        "lead_working_days": 2,
        "base_minutes": 30,
        "topic_minutes": 20,
        "p_escalate": p_escalate,
    }
    return raw


def test_mayor_office_meeting_on_demand_decides_the_topic():
    world, ev = run(office_raw())
    referred = ev.loc[ev["activity"] == "topic.referred"].iloc[0]
    assert str(referred["outcome"]) == "mayor_office"
    assert when(world, ev, "topic.referred") == at("2025-01-22T11:30")
    # Convened at once for the 2nd working day after, Fri 01-24. The GO proposes (60 min,
    # over lunch) and the mayor fixes the agenda (30 min); no SG review (AMB-24).
    assert when(world, ev, "meeting.convene_decided", actor="mayor") == at("2025-01-22T11:30")
    assert when(world, ev, "go.arrangement_proposed") == at("2025-01-22T14:00")
    assert when(world, ev, "mayor.agenda_fixed") == at("2025-01-22T14:30")
    office = ev.loc[ev["case"] == ev.loc[ev["activity"] == "mayor.agenda_fixed", "case"].iat[0]]
    assert not (office["activity"] == "sg.arrangement_reviewed").any()
    assert when(world, ev, "meeting.opened", actor="mayor") == at("2025-01-24T08:30")
    assert when(world, ev, "meeting.decision") == at("2025-01-24T09:20")  # 30 + 20 min
    # A52 「市长办公会议的纪要，由市长签发」: drafted in 2 h, signed in 30 min.
    assert when(world, ev, "minutes.signed", actor="mayor") == at("2025-01-24T11:50")
    assert when(world, ev, "doc.closed") == at("2025-01-24T11:50")
    # Members are the mayor and the vice mayors (A46): the SG is not counted.
    assert ev.loc[ev["activity"] == "meeting.opened", "value"].iat[0] == 3
    kpis = meeting_kpis(ev, world.cal)
    # The executive meetings of 02-05 and 02-27 are held with empty agendas (A45(一) …).
    assert kpis["meetings_mayor_office"] == 1 and kpis["meetings_executive"] == 2
    assert kpis["minutes_unsigned"] == 0 and kpis["topics_decided"] == 1
    assert kpis["mayor_office_wait_mean_days"] == pytest.approx((1 * 1440 - 130) / 1440 + 1)


def test_mayor_office_meeting_escalates_to_the_executive_meeting():
    world, ev = run(office_raw(p_escalate=1.0))
    assert when(world, ev, "topic.escalated", actor="mayor") == at("2025-01-24T09:20")
    # After the minutes (11:50) the topic goes through A48: research 150 working minutes
    # (10 before lunch, 140 after) → 15:50; vm_exec confirms in 60 min → 16:50; the mayor
    # agrees in 60 min: 40 min to the close, 20 on make-up Sunday 01-26 → 08:50.
    assert when(world, ev, "topic.researched", nth=0) == at("2025-01-24T15:50")
    assert when(world, ev, "topic.submitted") == at("2025-01-26T08:50")
    # Too late for 02-05 (cut-off 01-22) but its agenda was picked on 01-24, before it was
    # submitted; the 02-27 meeting decides it.
    opened = ev.loc[ev["activity"] == "meeting.opened"]
    assert [world.cal.datetime_of(t) for t in opened["time"]] == [
        at("2025-01-24T08:30"),
        at("2025-02-05T08:30"),
        at("2025-02-27T08:30"),
    ]
    assert when(world, ev, "meeting.decision") == at("2025-02-27T09:20")
    assert (ev["activity"] == "doc.closed").sum() == 1


def plenary_raw(**plenary) -> dict:
    """A topic submitted one minute too late for 02-05 is decided by the plenary of Mon
    02-17 (15 Feb is a Saturday), whose agenda the GO proposes on Mon 02-10."""
    raw = raw_scenario("2025-01-22T08:31:00")
    raw["meetings"]["plenary"] = {
        "months": [2],
        "day_of_month": 15,
        "capacity": 4,
        "base_minutes": 120,
        "topic_minutes": 20,
        "arrangement_working_days": 5,
        **plenary,
    }
    return raw


def test_plenary_days():
    world = simulate(make_scenario(raw_scenario(None)))
    assert plenary_days(world.cal, [2], 15) == [dt.date(2025, 2, 17)]
    # 2025-01-02 is the first day of the calendar; Sun 02-02 falls in Spring Festival.
    assert plenary_days(world.cal, [1, 2], 2) == [dt.date(2025, 1, 2), dt.date(2025, 2, 5)]


def test_plenary_decides_a_ready_topic_without_the_a49_cutoff():
    world, ev = run(plenary_raw())
    assert list(ev.loc[ev["activity"] == "topic.deferred", "outcome"]) == ["late"]
    planned = ev.loc[ev["activity"] == "meeting.planned"]
    assert list(planned["outcome"].astype(str)) == ["executive", "plenary", "executive"]
    assert when(world, ev, "go.arrangement_proposed", nth=1) == at("2025-02-10T09:30")
    assert when(world, ev, "meeting.opened", nth=1) == at("2025-02-17T08:30")
    assert when(world, ev, "meeting.decision") == at("2025-02-17T10:50")  # 120 + 20 min
    kpis = meeting_kpis(ev, world.cal)
    assert kpis["meetings_plenary"] == 1
    assert kpis["leader_meeting_hours_plenary"] == pytest.approx(140 / 60 * 4)


@pytest.mark.parametrize("entrust", [False, True])
def test_plenary_without_the_mayor_waits_unless_the_knob_allows_a_stand_in(entrust: bool):
    raw = plenary_raw(entrust_when_mayor_away=entrust)
    raw["leave"] = away(("mayor", "2025-02-17", "2025-02-18"))
    world, ev = run(raw)
    plenary = ev.loc[ev["case"] == ev.loc[ev["activity"] == "meeting.opened", "case"].iat[1]]
    opened = plenary.loc[plenary["activity"] == "meeting.opened"].iloc[0]
    if entrust:  # AMB-26 knob: the executive VM by entrustment
        assert str(opened["actor"]) == "vm_exec"
        assert world.cal.datetime_of(opened["time"]) == at("2025-02-17T08:30")
    else:  # A44 「会议由市长召集和主持」: no stand-in
        post = plenary.loc[plenary["activity"] == "meeting.postponed"]
        assert list(post["outcome"]) == ["no_chair", "no_chair"]
        assert str(opened["actor"]) == "mayor"
        assert world.cal.datetime_of(opened["time"]) == at("2025-02-19T08:30")


def test_absent_department_head_at_the_plenary_goes_through_the_go_summary():
    raw = plenary_raw()
    raw["leave"] = away(("d_b", "2025-02-17", "2025-02-17"), ("vm_1", "2025-02-17", "2025-02-17"))
    world, ev = run(raw)
    asked = ev.loc[ev["activity"] == "meeting_leave.requested"]
    # A51: the leader asks the mayor; the other participant asks the GO, which reports.
    assert {(str(a), str(t)) for a, t in zip(asked["actor"], asked["target"], strict=True)} == {
        ("vm_1", "mayor"),
        ("d_b", "GO"),
    }
    summary = ev.loc[ev["activity"] == "go.leave_summary"].iloc[0]
    assert str(summary["target"]) == "mayor" and summary["value"] == 1
    assert world.cal.datetime_of(summary["time"]) == at("2025-02-17T08:30")


def test_topic_deferred_or_returned_at_the_meeting():
    raw = raw_scenario("2025-01-22T08:30:00")
    raw["meetings"]["topics"]["p_defer_at_meeting"] = 1.0
    world, ev = run(raw)
    deferred = ev.loc[ev["activity"] == "topic.deferred"]
    assert list(deferred["outcome"]) == ["at_meeting", "at_meeting"]  # 02-05 and 02-27
    assert not (ev["activity"] == "meeting.decision").any()
    raw["meetings"]["topics"].update(
        p_defer_at_meeting=0.0, p_return_at_meeting=1.0, rework=fixed(days=1)
    )
    world, ev = run(raw)
    assert when(world, ev, "topic.returned", actor="mayor") == at("2025-02-05T09:20")
    # The lead department learns it from the minutes (signed 11:50) and reworks one working
    # day → 02-06 11:50, then A48 again: vm_exec confirms in 60 min (10 before lunch) by
    # 14:20, the mayor agrees by 15:20.
    assert when(world, ev, "topic.researched", nth=1) == at("2025-02-06T11:50")
    assert when(world, ev, "topic.submitted", nth=1) == at("2025-02-06T15:20")
    assert (ev["activity"] == "topic.returned").sum() == 2  # returned again on 02-27


def special_raw(**special) -> dict:
    """A non-major request from d_a that d_b objects to and the negotiation does not settle
    (A56): the VM in charge, vm_exec, takes it to a special-topic meeting (A47(二))."""
    raw = raw_scenario(None)
    raw["load"]["scheduled"] = [
        {
            "at": "2025-01-06T08:30:00",
            "kind": "request",
            "sender": "d_a",
            "major": False,
            "urgent": False,
        }
    ]
    raw["countersign"] = {
        "p_cross_dept_request": 1.0,
        "n_codepts_weights": [1.0],
        "p_complex": 0.0,
        "p_lead_limit": 0.0,
        "response": fixed(hours=4),
        "p_object": 1.0,
        "p_extension": 0.0,
        "negotiation": fixed(hours=2),
        "p_resolved": 0.0,
        "dissent_drafting": fixed(hours=2),
        "recountersign_dissent": False,
        "p_joint": 0.0,
    }
    raw["meetings"]["special_topic"] = {
        "p_convene_on_dissent": 1.0,
        "lead_working_days": 3,
        "base_minutes": 30,
        "topic_minutes": 30,
        "p_escalate": 0.0,
        "p_important": 0.0,
        "review": fixed(minutes=30),
        **special,
    }
    return raw


def _special(world, ev):
    referred = ev.loc[ev["activity"] == "topic.referred"].iloc[0]
    assert str(referred["outcome"]) == "special_topic" and str(referred["actor"]) == "vm_exec"
    cal = world.cal
    day = cal.add_working_days_date(cal.date_of(referred["time"]), 3)
    return cal.datetime_of(cal.office_open(day))


def test_special_topic_meeting_convened_and_signed_by_the_vm_in_charge():
    world, ev = run(special_raw())
    opens = _special(world, ev)
    assert str(ev.loc[ev["activity"] == "meeting.convene_decided", "actor"].iat[0]) == "vm_exec"
    assert when(world, ev, "meeting.opened", actor="vm_exec") == opens
    assert when(world, ev, "meeting.decision") == opens + dt.timedelta(minutes=60)
    # A52 「专题会议纪要由市长或分管有关工作的副市长签发」: the convener signs (2 h + 30 min).
    assert when(world, ev, "minutes.signed", actor="vm_exec") == opens + dt.timedelta(hours=3.5)
    assert not (ev["activity"] == "meeting_leave.requested").any()  # A51 does not cover it
    assert not (ev["activity"] == "leader.approved").any()


def test_special_topic_convener_away_entrusts_the_sg_and_important_minutes_go_to_the_mayor():
    world, ev = run(special_raw())
    opens = _special(world, ev)
    raw = special_raw(p_important=1.0)
    raw["leave"] = away(("vm_exec", opens.date().isoformat(), opens.date().isoformat()))
    # the absent convener entrusts from afar: remote acts allowed (K61); by default an absent
    # convener with no 补位 substitute entrusts nobody and the meeting waits (A80)
    raw["substitution"] = {"remote_acts": "all"}
    world, ev = run(raw)
    entrusted = ev.loc[ev["activity"] == "meeting.entrusted"].iloc[0]
    assert (str(entrusted["actor"]), str(entrusted["target"])) == ("vm_exec", "sg")
    assert when(world, ev, "meeting.opened", actor="sg") == opens  # A47 「委托…秘书长」
    # The mayor reviews the important minutes (30 min after the 2 h draft); the convener,
    # back the next working day, signs them at its opening (A52).
    assert when(world, ev, "minutes.reviewed", actor="mayor") == opens + dt.timedelta(hours=3.5)
    back = world.cal.office_open(world.cal.add_working_days_date(opens.date(), 1))
    assert when(world, ev, "minutes.signed", actor="vm_exec") == world.cal.datetime_of(back + 30)


def test_special_topic_escalates_to_the_executive_meeting():
    world, ev = run(special_raw(p_escalate=1.0))
    assert (ev["activity"] == "topic.escalated").sum() == 1
    escalated = ev.loc[ev["activity"] == "topic.escalated"].iloc[0]
    later = ev.loc[(ev["case"] == escalated["case"]) & (ev.index > escalated.name)]
    assert "topic.researched" in set(later["activity"])  # A48 from the start
    # Submitted in January, before the 01-22 cut-off: the 02-05 executive meeting decides.
    assert world.cal.datetime_of(
        later.loc[later["activity"] == "topic.submitted", "time"].iat[0]
    ) < at("2025-01-22T17:30")
    decided = later.loc[later["activity"] == "meeting.decision"]
    assert world.cal.datetime_of(decided["time"].iat[0]) == at("2025-02-05T09:20")
    meeting = int(decided["value"].iat[0])
    kind = ev.loc[(ev["case"] == meeting) & (ev["activity"] == "meeting.planned"), "outcome"]
    assert str(kind.iat[0]) == "executive"


def test_an_urgent_topic_waiting_too_long_calls_an_adhoc_meeting():
    """K40 「急需研究的重要事项可以随时召开」: with the wait trigger at 3 working days, an
    urgent topic still on no agenda has the mayor convene an ad-hoc meeting, when none is
    planned within a week of it (urgent topics are special, AMB-12, so it takes it)."""
    raw = raw_scenario(None)
    raw["scenario"]["start"] = "2025-03-03"
    raw["load"]["scheduled"] = [
        {
            "at": "2025-03-03T08:30:00",
            "kind": "request",
            "sender": "d_a",
            "major": True,
            "urgent": True,
        }
    ]
    raw["meetings"]["executive"] = {"adhoc_max_wait_working_days": 3, "adhoc_lead_working_days": 2}
    world, ev = run(raw)
    # Ready (signed off) 03-03 at 17:00: reviewed 10:30, referred 11:30, researched 15:30,
    # confirmed 16:30, agreed 17:30 → submitted; the sign-off (30 min) ends 03-04 09:00.
    assert when(world, ev, "topic.signed_off") == at("2025-03-04T09:00")
    # Still waiting at the opening of 03-07 (3 working days on): an ad-hoc meeting on 03-11
    # (2 working days on), not within a week of the regular one of Thu 03-27.
    how = ev.loc[ev["activity"] == "meeting.convene_decided"]
    assert list(how["outcome"].astype(str))[:2] == ["adhoc", "regular"]
    assert when(world, ev, "meeting.convene_decided") == at("2025-03-07T08:30")
    assert when(world, ev, "meeting.opened") == at("2025-03-11T08:30")
    assert when(world, ev, "meeting.decision") == at("2025-03-11T09:20")


def test_postponement_delay_is_a_knob():
    """K50: without a chair the meeting is tried again ``postpone_working_days`` later."""
    raw = raw_scenario()
    raw["meetings"]["executive"] = {"entrust_when_mayor_away": False}
    raw["meetings"]["postpone_working_days"] = 2
    raw["leave"] = away(("mayor", "2025-02-05", "2025-02-07"))
    world, ev = run(raw)
    post = ev.loc[ev["activity"] == "meeting.postponed"]
    assert [world.cal.datetime_of(t) for t in post["time"]] == [
        at("2025-02-05T08:30"),
        at("2025-02-07T08:30"),
    ]
    assert when(world, ev, "meeting.opened") == at("2025-02-10T08:30")  # 02-08 + 2: Mon 02-10


def test_minutes_wait_for_an_absent_mayor_to_the_horizon():
    """AMB-10: the executive VM chairs by entrustment but the mayor signs; away to the end of
    the run, the minutes of both meetings are still waiting. The mayor, away when the 02-27
    agenda is to be fixed, entrusts the executive VM then (A45 「委托…召集和主持」), who fixes
    it; the decisions of minutes not yet issued are not on the ledger yet (INV-M09)."""
    raw = raw_scenario()
    raw["leave"] = away(("mayor", "2025-02-05", "2025-03-03"))
    raw["ledger"] = {"instructions": {"p_supervise": 0.0}}
    world, ev = run(raw)
    chairs = ev.loc[ev["activity"] == "meeting.opened", "actor"].astype(str)
    assert list(chairs) == ["vm_exec", "vm_exec"]
    fixed = ev.loc[ev["activity"] == "mayor.agenda_fixed", "actor"].astype(str)
    assert list(fixed) == ["mayor", "vm_exec"]  # 01-24 by the mayor, 02-24 by the stand-in
    kpis = meeting_kpis(ev, world.cal)
    assert kpis["minutes_unsigned"] == 2 and kpis["meetings_entrusted"] == 2
    assert not (ev["activity"] == "ledger.registered").any()
    assert math.isnan(kpis["minutes_wait_mean_hours"])


@pytest.mark.parametrize(
    ("lines", "where", "message"),
    [
        (
            ["[meetings.topics]", "p_defer_at_meeting = 0.6", "p_return_at_meeting = 0.5"],
            ":5: meetings.topics:",
            "must be at most 1",
        ),
        (
            ["[meetings.topics]", "lead_working_days = 2"],
            ": meetings.executive.arrangement_working_days:",
            "after the A49 cut-off",
        ),
        (
            ["[meetings.topics]", "urgent_special = false"],
            ":6: meetings.topics.urgent_special:",
            "late for it",
        ),
    ],
)
def test_meeting_knobs_that_contradict_each_other_are_refused(tmp_path, lines, where, message):
    """One line naming the file, the line and the field, and exit code 2 (the base,
    scenarios/meetings.toml, has ad-hoc meetings 2 working days after the call)."""
    from click.testing import CliRunner

    from govsim.cli import main

    base = Path(__file__).resolve().parents[1] / "scenarios" / "meetings.toml"
    head = ["[scenario]", f'base = "{base.as_posix()}"', 'name = "m"', ""]
    path = tmp_path / "m.toml"
    path.write_text("\n".join(head + lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(str(path)) and where in line and message in line, line


def test_an_urgent_topic_after_the_agenda_is_drawn_gets_an_adhoc_meeting_the_next_day():
    """K40: the 02-27 agenda was drawn on 02-24, so it cannot take an urgent topic ready on
    02-25; the ad-hoc meeting convened then falls 2 working days later, 02-27, which has a
    meeting already — it is held on the next working day, 02-28, and decides the topic."""
    raw = raw_scenario("2025-02-24T08:30:00")
    raw["load"]["scheduled"][0]["urgent"] = True
    raw["meetings"]["executive"] = {"adhoc_urgent_topics": 1}
    world, ev = run(raw)
    assert when(world, ev, "topic.signed_off") == at("2025-02-25T09:00")
    how = ev.loc[ev["activity"] == "meeting.convene_decided"]
    assert list(how["outcome"].astype(str)) == ["regular", "regular", "adhoc"]
    assert when(world, ev, "meeting.convene_decided", nth=2) == at("2025-02-25T09:00")
    assert when(world, ev, "meeting.decision") == at("2025-02-28T09:20")


@pytest.mark.parametrize("reason", ["study", "out_of_city"])
def test_mayor_away_the_whole_run_meetings_go_on_by_entrustment(reason: str):
    """With the mayor away from start to end — and random absences drawn on top, which the
    dated one overrides — every executive meeting is fixed and chaired by the entrusted
    executive VM, and the whole log keeps every invariant (INV-M02, M05, M07, L06, L07)."""
    raw = raw_scenario("2025-01-22T08:30:00")
    raw["leave"] = {
        "fixed": [{"who": "mayor", "start": "2025-01-02", "end": "2025-03-03", "reason": reason}],
        "profiles": {
            "mayor": {
                "per_year": 50,
                "duration": {"dist": "fixed", "value_days": 2},
                "reasons": {"visit": 1},
            },
            "vice_mayor": {
                "per_year": 30,
                "duration": {"dist": "fixed", "value_days": 2},
                "reasons": {"study": 1},
            },
        },
    }
    if reason == "study":
        # a study course does not make the executive VM preside (A6); the mayor convenes and
        # entrusts from afar only when remote acts are allowed (K61) — out of the city, the
        # executive VM does it for the mayor (A6, 补位 scope ``convening``)
        raw["substitution"] = {"remote_acts": "all"}
    _, ev = run(raw)
    opened = ev.loc[ev["activity"] == "meeting.opened", "actor"].astype(str)
    fixed = ev.loc[ev["activity"] == "mayor.agenda_fixed", "actor"].astype(str)
    assert len(opened) == 2 and set(opened) == {"vm_exec"} and set(fixed) == {"vm_exec"}
    assert not (ev.loc[ev["activity"] == "absence.start", "outcome"].astype(str) == "visit").any()


def test_the_go_reports_on_meeting_decisions_monthly():
    """A53 「定期将会议决定事项的落实情况向市政府领导同志报告」 (K53 monthly): the first report
    comes on the first working day of the month after a decision is issued — not on 02-05
    (the first working day of February, before the 02-05 decision), but on Mon 03-03; it
    takes the GO 2 hours and counts the one decision issued since."""
    raw = raw_scenario("2025-01-22T08:30:00")
    raw["scenario"]["horizon_days"] = 75
    raw["meetings"]["report"] = fixed(hours=2)
    world, ev = run(raw)
    reports = ev.loc[ev["activity"] == "go.implementation_report"]
    assert [world.cal.datetime_of(t) for t in reports["time"]] == [at("2025-03-03T10:30")]
    assert list(reports["value"]) == [1.0] and set(reports["actor"].astype(str)) == {"GO"}
    assert meeting_kpis(ev, world.cal)["implementation_reports"] == 1
    raw["meetings"]["implementation_report"] = "none"
    _, ev = run(raw)
    assert not (ev["activity"] == "go.implementation_report").any()


def test_standing_key_matters_take_an_agenda_slot_and_go_to_the_ledger():
    """A45(七) 「定期研究安全生产、生态环保等重点事项」: with a standing item at every regular
    meeting and one slot per agenda, the item takes the slot — the topic is deferred as
    overflow at 02-05 and 02-27 — the meeting lasts 30 + 20 minutes, and each decision goes
    to the ledger with the meeting as parent (A53, INV-M09)."""
    raw = raw_scenario("2025-01-22T08:30:00")
    raw["meetings"]["executive"] = {
        "capacity": 1,
        "standing_item_every": 1,
        "standing_item_owners": ["d_b"],
    }
    raw["ledger"] = {"instructions": {"p_supervise": 0.0}}
    world, ev = run(raw)
    standing = ev.loc[ev["activity"] == "meeting.standing_item"]
    assert [world.cal.datetime_of(t) for t in standing["time"]] == [
        at("2025-02-05T09:20"),
        at("2025-02-27T09:20"),
    ]
    assert set(standing["target"].astype(str)) == {"d_b"}
    deferred = ev.loc[ev["activity"] == "topic.deferred", "outcome"].astype(str)
    assert list(deferred) == ["overflow", "overflow"]
    items = world.log.cases_frame()
    items = items.loc[items["case_type"] == "ledger_item"]
    assert sorted(items["parent"].astype(int)) == sorted(standing["case"].astype(int))
    assert meeting_kpis(ev, world.cal)["standing_items"] == 2


def test_standing_items_need_departments_to_carry_them_out(tmp_path):
    from click.testing import CliRunner

    from govsim.cli import main

    base = Path(__file__).resolve().parents[1] / "scenarios" / "meetings.toml"
    path = tmp_path / "m.toml"
    path.write_text(
        f'[scenario]\nbase = "{base.as_posix()}"\nname = "m"\n\n'
        "[meetings.executive]\nstanding_item_every = 3\nstanding_item_owners = ['nobody']\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert ":7: meetings.executive.standing_item_owners[0]: 'nobody' is not a department" in line


def test_overlapping_dated_absences_are_refused(tmp_path):
    """One absence at a time (A80): two dated absences of one person must not overlap."""
    from click.testing import CliRunner

    from govsim.cli import main

    base = Path(__file__).resolve().parents[1] / "scenarios" / "meetings.toml"
    path = tmp_path / "m.toml"
    path.write_text(
        f'[scenario]\nbase = "{base.as_posix()}"\nname = "m"\n\n[leave]\nfixed = [\n'
        '  { who = "mayor", start = 2025-03-03, end = 2025-05-30, reason = "study" },\n'
        '  { who = "mayor", start = 2025-04-01, end = 2025-04-10, reason = "visit" },\n]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert ":8: leave.fixed[1].start: overlaps leave.fixed[0] of 'mayor'" in line


def test_adhoc_meetings_do_not_cascade():
    """K40: an ad-hoc meeting convened and not yet held counts as a meeting soon, so in a busy
    year another one is called only once it has opened (RULES §5.6), and never two a day."""
    from govsim.scenario.load import load_scenario

    sc = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "meetings.toml")
    world = simulate(sc.model_copy(update={"variants": [], "sweep": {}}), 1)
    ev = world.log.to_frame()
    called = ev.loc[
        (ev["activity"] == "meeting.convene_decided") & (ev["outcome"].astype(str) == "adhoc")
    ]
    opened = ev.loc[ev["activity"] == "meeting.opened"].groupby("case")["time"].min()
    assert len(called) >= 2
    times, cases = list(called["time"]), list(called["case"].astype(int))
    for i in range(1, len(times)):
        assert opened.get(cases[i - 1], float("inf")) <= times[i]
