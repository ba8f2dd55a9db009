"""Property tests: hypothesis generates small scenarios; the log must satisfy the invariants.

Checked on every generated scenario: no document lost (arrived = done + withdrawn + open at
the horizon, INV-E01), times never go backwards (INV-E02), every document reaching a leader
passed the GO first (INV-D01, A55), routing to the leader in charge or the mayor (INV-D14,
A57), A63 returns, A57 transfers and replies, and the same seed gives the identical log.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govsim.model.documents as documents
from factory import make_scenario, scenario_dicts
from govsim.checks import check_log
from govsim.kpis import replication_kpis
from govsim.model.world import simulate


def scenarios() -> st.SearchStrategy[dict[str, Any]]:
    """A small but complete scenario: 1–4 vice mayors, 1–8 departments, 0–3 counties."""
    return scenario_dicts()


PROPERTY_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(raw=scenarios(), replication=st.integers(0, 3))
def test_generated_scenarios_keep_every_invariant(raw: dict[str, Any], replication: int) -> None:
    sc = make_scenario(raw)
    world = simulate(sc, replication)
    events, cases = world.log.to_frame(), world.log.cases_frame()
    violations = check_log(events, cases, world.org, world.cal)
    assert violations == [], "\n".join(map(str, violations[:10]))

    assert np.all(np.diff(events["time"].to_numpy()) >= 0)  # INV-E02
    assert events["time"].max() <= world.cal.horizon_minutes if len(events) else True
    kpis = replication_kpis(events, cases, world.cal, list(world.org.leaders), 1)
    for ctype in ("request", "report"):  # INV-E01: no document lost
        assert kpis[f"arrived_{ctype}"] == (
            kpis[f"done_{ctype}"] + kpis[f"withdrawn_{ctype}"] + kpis[f"open_{ctype}"]
        )
        assert kpis[f"open_{ctype}"] >= 0
    assert kpis["arrived_request"] + kpis["arrived_report"] == len(cases)


@settings(max_examples=10, deadline=None)
@given(raw=scenarios())
def test_same_seed_same_log(raw: dict[str, Any]) -> None:
    sc = make_scenario(raw)
    a, b = simulate(sc, 1), simulate(sc, 1)
    pd.testing.assert_frame_equal(a.log.to_frame(), b.log.to_frame())
    pd.testing.assert_frame_equal(a.log.cases_frame(), b.log.cases_frame())


def busy_raw() -> dict[str, Any]:
    """A deterministic-enough scenario where every rule gets exercised."""
    return {
        "scenario": {"name": "busy", "start": "2025-03-03", "horizon_days": 40},
        "leaders": [
            {"id": "mayor", "role": "mayor", "portfolio": ["d0"]},
            {"id": "vm_exec", "role": "executive_vice_mayor", "portfolio": ["d1", "d2"]},
            {"id": "vm1", "role": "vice_mayor", "portfolio": ["d3"]},
            {"id": "sg", "role": "secretary_general"},
        ],
        "departments": [{"id": f"d{i}"} for i in range(4)] + [{"id": "c0", "kind": "county"}],
        "general_office": {
            "reviewers": 2,
            "review": {"dist": "exponential", "mean_hours": 1.0},
            "transfer": {"dist": "fixed", "value_minutes": 20},
            "revise": {"dist": "fixed", "value_days": 1},
        },
        "leader_work": {
            "approve": {"dist": "exponential", "mean_minutes": 30},
            "read": {"dist": "exponential", "mean_minutes": 15},
        },
        "instructions": {
            "p_request": 0.6,
            "p_report": 0.2,
            "reply": {"dist": "exponential", "mean_days": 5},
        },
        "load": {
            "request_per_dept_per_week": 3,
            "report_per_dept_per_week": 3,
            "p_major": 0.2,
            "p_poor_quality": 0.2,
        },
    }


def test_broken_routing_rule_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deliberately wrong routing function (everything to the executive VM) → INV-D14."""
    monkeypatch.setattr(
        documents,
        "route_upward",
        lambda org, matter, major, mayor_only=False: org.executive_vice_mayor,
    )
    world = simulate(make_scenario(busy_raw()))
    found = check_log(world.log.to_frame(), world.log.cases_frame(), world.org, world.cal)
    assert found and {v.invariant for v in found} == {"INV-D14"}


def test_broken_deadline_rule_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deadline that is not at a working day's close of office → INV-E04."""
    monkeypatch.setattr(
        documents, "instruction_reply_deadline", lambda cal, t, days: t + days * 1440.0
    )
    world = simulate(make_scenario(busy_raw()))
    found = check_log(world.log.to_frame(), world.log.cases_frame(), world.org, world.cal)
    assert "INV-E04" in {v.invariant for v in found}


def test_clean_busy_scenario_has_no_violation() -> None:
    world = simulate(make_scenario(busy_raw()))
    events = world.log.to_frame()
    assert {"go.reviewed", "leader.instructed", "go.transferred", "dept.replied"} <= set(
        events["activity"].astype(str)
    )
    assert (events["outcome"] == "return").any()
    assert check_log(events, world.log.cases_frame(), world.org, world.cal) == []
