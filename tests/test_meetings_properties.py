"""Property tests of the executive meeting over generated scenarios (A45, A49–A52).

No meeting opens without a quorum or with an unauthorised chair (INV-M02, M03); every topic
on an agenda met the A49 lead or is special (INV-M04); minutes are signed only by the
authorised signer (INV-M08); with the rest of the M invariants and the leave ones, on
scenarios with random leave and meeting knobs. Deliberately broken rule functions are caught.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govsim.model.meetings as meetings_module
from factory import make_scenario
from govsim.invariants import check_log
from govsim.model.world import simulate
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
        },
        "topics": {
            "p_refer": draw(st.floats(0.3, 1.0)),
            "p_special": draw(st.floats(0, 0.5)),
            "merge_vm_steps": draw(st.booleans()),
            "research": {"dist": "exponential", "mean_days": draw(st.floats(0.5, 8))},
        },
        "minutes": {"exec_vm_may_sign_when_entrusted": draw(st.booleans())},
    }
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
    raw["meetings"] = {
        "executive": {"cadence": "fortnightly", "capacity": 3, "entrust_when_mayor_away": True},
        "topics": {"p_refer": 1.0, "research": {"dist": "exponential", "mean_days": 3}},
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
    assert set(ev.loc[ev["activity"] == "topic.deferred", "outcome"].astype(str)) >= {"late"}
    assert check_log(ev, world.log.cases_frame(), world.org, world.cal, scenario=sc) == []


@pytest.mark.parametrize(
    ("name", "broken", "invariant"),
    [
        ("has_quorum", lambda present, expected: True, "INV-M03"),
        ("resolve_chair", lambda org, away, entrusted: org.executive_vice_mayor, "INV-M02"),
        ("eligible", lambda received, special, cutoff: True, "INV-M04"),
        ("minutes_signer", lambda org, chair, k49: chair, "INV-M08"),
    ],
)
def test_broken_rule_is_caught(monkeypatch: pytest.MonkeyPatch, name, broken, invariant):
    monkeypatch.setattr(meetings_module, name, broken)
    raw = busy_meetings_raw()
    raw["meetings"]["executive"]["capacity"] = 50  # late topics are not crowded out
    raw["meetings"]["topics"]["urgent_special"] = False
    assert invariant in _found(raw)
