"""Property tests of the four government meetings over generated scenarios (A44–A53).

No executive meeting opens without a quorum, and no meeting with an unauthorised chair
(INV-M02, M03); every topic on an executive agenda met the A49 lead or is special (INV-M04)
and every plenary or executive topic went through A48 in order (INV-M06); absent members
asked the mayor and absent observers the GO (INV-M07); minutes are signed only by the
authorised signer and important special-topic minutes reviewed by the mayor (INV-M08); with
the rest of the M invariants and the leave ones, on scenarios with random leave and meeting
knobs (plenary months, on-demand mayor's office and special-topic meetings, deferral, return
and escalation at meetings, a deputy secretary-general or not). Deliberately broken rule
functions are caught.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govsim.model.meetings.sitting as sitting_module
import govsim.model.meetings.topics as topics_module
from factory import make_scenario
from govsim.checks import check_log
from govsim.model.world import simulate
from govsim.rules.meetings import executive_members
from test_leave_properties import leave_scenarios


@st.composite
def meeting_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    raw = draw(leave_scenarios())
    raw["load"]["p_major"] = draw(st.floats(0.2, 1.0))
    raw["scenario"]["horizon_days"] = draw(st.integers(40, 120))
    raw["meetings"] = {
        "executive": {
            "cadence": draw(st.sampled_from(["monthly", "fortnightly"])),
            "weekday": draw(st.integers(0, 4)),
            "capacity": draw(st.integers(1, 5)),
            "adhoc_urgent_topics": draw(st.integers(0, 3)),
            "entrust_when_mayor_away": draw(st.booleans()),
            "quorum_base": draw(st.sampled_from(["roster", "roster_minus_leave"])),
            "standing_item_every": draw(st.integers(0, 3)),
            "week_of_month": draw(st.sampled_from([-1, 1, 2, 3, 4])),
            "holiday_shift": draw(st.sampled_from(["next_working_day", "earlier", "later"])),
            "adhoc_max_wait_working_days": draw(st.integers(0, 5)),
            "standing_item_owners": [raw["departments"][0]["id"]],
        },
        "topics": {
            "p_refer": draw(st.floats(0.3, 1.0)),
            "p_special": draw(st.floats(0, 0.5)),
            "merge_vm_steps": draw(st.booleans()),
            "research": {"dist": "exponential", "mean_days": draw(st.floats(0.5, 8))},
        },
        "minutes": {"exec_vm_may_sign_when_entrusted": draw(st.booleans())},
        "plenary": {
            "months": draw(st.lists(st.integers(1, 12), max_size=2, unique=True)),
            "capacity": draw(st.integers(0, 4)),
            "entrust_when_mayor_away": draw(st.booleans()),
        },
        "mayor_office": {
            "p_take": draw(st.floats(0, 1)),
            "trigger_topics": draw(st.integers(1, 4)),
            "max_wait_working_days": draw(st.integers(1, 15)),
            "p_escalate": draw(st.floats(0, 1)),
            "entrust_when_mayor_away": draw(st.booleans()),
        },
        "special_topic": {
            "p_convene_on_dissent": draw(st.floats(0, 1)),
            "entrust_when_away": draw(st.booleans()),
            "p_escalate": draw(st.floats(0, 1)),
            "signer": draw(st.sampled_from(["convener", "mayor"])),
            "p_important": draw(st.floats(0, 1)),
        },
    }
    raw["countersign"] = {
        "p_cross_dept_request": draw(st.floats(0, 0.6)),
        "p_object": draw(st.floats(0, 1)),
        "p_resolved": draw(st.floats(0, 1)),
    }
    raw["meetings"]["postpone_working_days"] = draw(st.integers(1, 3))
    raw["meetings"]["implementation_report"] = draw(st.sampled_from(["monthly", "none"]))
    raw["meetings"]["topics"]["p_defer_at_meeting"] = draw(st.floats(0, 0.3))
    raw["meetings"]["topics"]["p_return_at_meeting"] = draw(st.floats(0, 0.3))
    if draw(st.booleans()):  # A45, A46 列席; A47 a deputy may chair a special topic
        raw["leaders"].append({"id": "dsg_1", "role": "deputy_secretary_general"})
    return raw


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=meeting_scenarios(), replication=st.integers(0, 3))
def test_meeting_invariants_hold_on_generated_scenarios(raw: dict[str, Any], replication: int):
    sc = make_scenario(raw)
    world = simulate(sc, replication)
    events, cases = world.log.to_frame(), world.log.cases_frame()
    found = check_log(events, cases, world.org, world.cal, scenario=sc)
    assert found == [], "\n".join(map(str, found[:10]))


def busy_meetings_raw() -> dict[str, Any]:
    """Four members often away, many major requests, fortnightly meetings."""
    from test_properties import busy_raw

    raw = busy_raw()
    raw["leave"] = {
        "profiles": {
            role: {
                "per_year": 40,
                "duration": {"dist": "fixed", "value_days": 3},
                "reasons": {"out_of_city": 1, "study": 1},
            }
            for role in ("mayor", "executive_vice_mayor", "vice_mayor", "secretary_general")
        }
    }
    raw["load"]["p_major"] = 0.6
    raw["scenario"]["horizon_days"] = 150
    # disagreements the departments cannot settle, for special-topic meetings (A47(二))
    raw["countersign"] = {"p_cross_dept_request": 0.5, "p_object": 0.6, "p_resolved": 0.2}
    raw["leave"]["profiles"]["department_head"] = {
        "per_year": 20,
        "duration": {"dist": "fixed", "value_days": 3},
        "reasons": {"study": 1},
    }
    raw["meetings"] = {
        "executive": {"cadence": "fortnightly", "capacity": 3, "entrust_when_mayor_away": True},
        "topics": {
            "p_refer": 0.6,
            "research": {"dist": "exponential", "mean_days": 3},
            "p_defer_at_meeting": 0.1,
            "p_return_at_meeting": 0.1,
        },
        "plenary": {"months": [2, 4]},
        "mayor_office": {"p_take": 1.0, "p_escalate": 0.3},
        "special_topic": {"p_convene_on_dissent": 1.0, "p_escalate": 0.3, "p_important": 0.5},
    }
    return raw


def _found(raw: dict[str, Any]) -> set[str]:
    sc = make_scenario(raw)
    world = simulate(sc)
    ev, cases = world.log.to_frame(), world.log.cases_frame()
    return {v.invariant for v in check_log(ev, cases, world.org, world.cal, scenario=sc)}


def test_busy_scenario_exercises_the_rules():
    sc = make_scenario(busy_meetings_raw())
    world = simulate(sc)
    ev = world.log.to_frame()
    outcomes = set(ev.loc[ev["activity"] == "meeting.postponed", "outcome"].astype(str))
    assert "no_quorum" in outcomes
    assert (ev["activity"] == "meeting.entrusted").any()
    assert set(ev.loc[ev["activity"] == "topic.deferred", "outcome"].astype(str)) >= {
        "late",
        "at_meeting",
    }
    kinds = set(ev.loc[ev["activity"] == "meeting.planned", "outcome"].astype(str))
    assert kinds == {"executive", "plenary", "mayor_office", "special_topic"}
    for act in ("topic.escalated", "topic.returned", "minutes.reviewed", "go.leave_summary"):
        assert (ev["activity"] == act).any(), act
    assert check_log(ev, world.log.cases_frame(), world.org, world.cal, scenario=sc) == []


@pytest.mark.parametrize(
    ("name", "broken", "invariant"),
    [
        ("has_quorum", lambda present, expected: True, "INV-M03"),
        ("chair_now", lambda convener, delegate, away: convener, "INV-M02"),
        ("eligible", lambda received, special, cutoff: True, "INV-M04"),
        ("minutes_signer", lambda org, chair, *_: chair, "INV-M08"),
        ("observers", lambda org, kind: (), "INV-M07"),
        ("members", lambda org, kind: executive_members(org), "INV-M12"),  # SG at A46
        (  # entrusting whichever leader is on post, not the SG or a deputy (A47)
            "stand_in",
            lambda org, kind, away: next((ld for ld in org.leaders if away(ld) is None), None),
            "INV-M02",
        ),
    ],
)
def test_broken_rule_is_caught(monkeypatch: pytest.MonkeyPatch, name, broken, invariant):
    for module in (sitting_module, topics_module):  # wherever the model calls the rule
        if hasattr(module, name):
            monkeypatch.setattr(module, name, broken)
    raw = busy_meetings_raw()
    raw["meetings"]["executive"]["capacity"] = 50  # late topics are not crowded out
    raw["meetings"]["topics"]["urgent_special"] = False
    assert invariant in _found(raw)
