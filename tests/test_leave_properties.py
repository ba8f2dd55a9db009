"""Property tests of leave and substitution over generated scenarios (A6, A8, A56, A80).

No one acts while absent, whatever the act (INV-L07), and no leader works at the desk
during one of the leader's blocks away from it (INV-L11, K28); substitutes begin work only while the
owner is away (INV-L10, under every 补位 scope and with or without hand-back); every act for
someone else falls inside that person's triggering absence and matches the policy (INV-L06,
L05); mayor-only items are only ever decided by the mayor; leave notice holds or is counted
late (INV-L01); recalls (L03, L04); substitution windows (L08). Broken rule functions must
be caught.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govsim.model.world as world_module
from factory import make_scenario
from govsim.checks import check_log
from govsim.model.world import simulate
from govsim.scenario.availability_models import ACT_KINDS
from test_properties import scenarios

REASONS = ["out_of_city", "visit", "vacation", "study", "family_visit", "medical"]


@st.composite
def leave_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    raw = draw(scenarios())
    leaders = [ld["id"] for ld in raw["leaders"]]
    vms = [
        ld["id"] for ld in raw["leaders"] if ld["role"] in ("vice_mayor", "executive_vice_mayor")
    ]
    for ld in raw["leaders"]:
        others = [v for v in vms if v != ld["id"]]
        if ld["role"] in ("vice_mayor", "executive_vice_mayor") and others:
            ld["substitute"] = draw(st.sampled_from(others))

    def profile() -> dict[str, Any]:
        reasons = draw(st.lists(st.sampled_from(REASONS), min_size=1, max_size=4, unique=True))
        return {
            "per_year": draw(st.floats(2, 40)),
            "duration": {"dist": "uniform", "low_days": 1, "high_days": draw(st.floats(1, 6))},
            "reasons": {r: 1.0 for r in reasons},
            "p_late_request": draw(st.floats(0, 0.5)),
            "holiday_affinity": draw(st.floats(0, 0.5)),
            "p_recall": draw(st.floats(0, 0.5)),
            "return_latency": {"dist": "exponential", "mean_hours": draw(st.floats(0.5, 12))},
        }

    roles = draw(
        st.lists(
            st.sampled_from(
                [
                    "mayor",
                    "executive_vice_mayor",
                    "vice_mayor",
                    "secretary_general",
                    "department_head",
                ]
            ),
            min_size=1,
            max_size=5,
            unique=True,
        )
    )
    raw["leave"] = {"profiles": {r: profile() for r in roles}}
    policy = draw(st.sampled_from(["none", "designated", "chain", "least_loaded"]))
    raw["substitution"] = {
        "policy": policy,
        "fallback": draw(st.sampled_from(["wait", "executive_vice_mayor", "mayor"])),
        "move_queued": draw(st.booleans()),
        "substitute_may_approve": draw(st.booleans()),
        "hand_back": draw(st.booleans()),
        "scope": {kind: draw(st.booleans()) for kind in ACT_KINDS},
        "triggers": draw(
            st.one_of(st.just("any"), st.lists(st.sampled_from(REASONS), unique=True))
        ),
        "chains": {
            v: draw(st.lists(st.sampled_from(leaders), max_size=3, unique=True)) for v in vms
        },
    }
    raw["load"]["p_mayor_only"] = draw(st.floats(0, 0.5))
    raw["scenario"]["horizon_days"] = draw(st.integers(20, 90))
    raw["other_time"] = draw(other_time())
    return raw


@st.composite
def other_time(draw: st.DrawFn) -> dict[str, Any]:
    """Leaders' blocks away from the desk (K28) for some roles, up to a few a day."""
    kinds = ["research", "reception", "external_meeting", "event"]

    def rates() -> dict[str, Any]:
        chosen = draw(st.lists(st.sampled_from(kinds), max_size=3, unique=True))
        return {
            k: {
                "per_week": draw(st.floats(0, 8)),
                "duration": {
                    "dist": "lognormal",
                    "mean_hours": draw(st.floats(0.25, 9)),
                    "cv": 0.5,
                },
            }
            for k in chosen
        }

    roles = ["mayor", "executive_vice_mayor", "vice_mayor", "secretary_general"]
    picked = draw(st.lists(st.sampled_from(roles), max_size=4, unique=True))
    return {"roles": {r: rates() for r in picked}}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=leave_scenarios(), replication=st.integers(0, 3))
def test_leave_invariants_hold_on_generated_scenarios(
    raw: dict[str, Any], replication: int
) -> None:
    sc = make_scenario(raw)
    world = simulate(sc, replication)
    events, cases = world.log.to_frame(), world.log.cases_frame()
    found = check_log(events, cases, world.org, world.cal, scenario=sc)
    assert found == [], "\n".join(map(str, found[:10]))


def busy_leave_raw() -> dict[str, Any]:
    from test_properties import busy_raw

    raw = busy_raw()
    raw["leaders"][1]["substitute"] = "vm1"
    raw["leaders"][2]["substitute"] = "vm_exec"
    raw["leave"] = {
        "profiles": {
            role: {
                "per_year": 30,
                "duration": {"dist": "fixed", "value_days": 3},
                "reasons": {"out_of_city": 1, "study": 1},
            }
            for role in ("mayor", "executive_vice_mayor", "vice_mayor")
        }
    }
    raw["scenario"]["horizon_days"] = 90
    return raw


def test_busy_leave_scenario_exercises_substitution():
    sc = make_scenario(busy_leave_raw())
    world = simulate(sc)
    ev = world.log.to_frame()
    acts = ev.loc[ev["activity"].isin(["leader.approved", "leader.circle_read"])]
    assert acts["on_behalf"].notna().any()
    assert (ev["activity"] == "absence.start").sum() > 5
    assert check_log(ev, world.log.cases_frame(), world.org, world.cal, scenario=sc) == []


def test_wrong_substitute_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken policy that always hands work to the mayor → INV-L06."""
    monkeypatch.setattr(
        world_module,
        "handler_for",
        lambda owner, needs, org, policy, away, inbox: owner if away(owner) is None else org.mayor,
    )
    sc = make_scenario(busy_leave_raw())
    world = simulate(sc)
    found = check_log(
        world.log.to_frame(), world.log.cases_frame(), world.org, world.cal, scenario=sc
    )
    assert "INV-L06" in {v.invariant for v in found}


def test_ignoring_absences_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken availability that lets absent leaders work → INV-L07."""
    from govsim.model.agents import Office

    real_perform = Office.perform

    def perform_ignoring_absence(self, effort):
        self.availability = None
        return (yield from real_perform(self, effort))

    monkeypatch.setattr(Office, "perform", perform_ignoring_absence)
    sc = make_scenario(busy_leave_raw())
    world = simulate(sc)
    found = check_log(
        world.log.to_frame(), world.log.cases_frame(), world.org, world.cal, scenario=sc
    )
    assert "INV-L07" in {v.invariant for v in found}
