"""Property tests of the supervision ledger: hypothesis generates small scenarios with the
ledger on (every source, random thresholds, pushes, failing verifications, any calendar kind);
every log must keep the ledger's invariants (RULES §8.2 INV-S01, S04, S05) and the others.

Stated here a second time, directly over the log: the steps of every item follow 立项 → 交办 →
承办 → 反馈 → 核查 (→ 承办 …) → 销号 (A73), 销号 only right after a passing 核查, every item is
closed or open at the horizon, and the same seed gives the same log. Deliberately broken rule
functions (colour, dekad days, stocktake days) must be caught.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govsim.model.ledger_rhythm as ledger_model  # where the rhythm reads its rules
from factory import durations, make_scenario
from govsim.checks import check_log
from govsim.kpis import ledger_items, ledger_kpis
from govsim.model.world import simulate
from govsim.rules.ledger import Dekad
from test_properties import busy_raw, scenarios

TOKENS = {
    "ledger.registered": "R",
    "ledger.assigned": "A",
    "ledger.undertaken": "U",
    "ledger.feedback": "F",
    "ledger.closed": "C",
}
# A prefix of 立项 交办 (承办 反馈 核查-fail)* 承办 反馈 核查-pass 销号 (a run may stop anywhere).
ITEM_LIFE = re.compile(r"^R(A(UFx)*(U(F(pC?)?)?)?)?$")


def life(events: pd.DataFrame) -> str:
    out = []
    for act, outcome in zip(events["activity"].astype(str), events["outcome"], strict=True):
        if act == "ledger.verified":
            out.append("p" if outcome == "pass" else "x")
        elif act in TOKENS:
            out.append(TOKENS[act])
    return "".join(out)


@st.composite
def ledger_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    raw = draw(scenarios())
    raw["scenario"]["horizon_days"] = draw(st.integers(20, 75))
    start = raw["scenario"]["start"]
    horizon = raw["scenario"]["horizon_days"]
    yellow = draw(st.floats(0.0, 0.5))
    raw["ledger"] = {
        "dept_share": draw(st.floats(0.05, 1.0)),
        "allocation": draw(st.sampled_from(["pace", "equal"])),
        "assign": draw(durations("minutes", 5, 120)),
        "accept": draw(durations("days", 0.1, 2.0)),
        "verify": draw(durations("hours", 0.2, 4.0)),
        "p_verify_fail": draw(st.floats(0.0, 0.7)),
        "rework_share": draw(st.floats(0.0, 1.0)),
        "colour": {
            "behind_yellow": yellow,
            "behind_red": draw(st.floats(yellow, 1.0)),
            "warn_working_days": draw(st.integers(0, 10)),
        },
        "rhythm": {
            "dekad_push": draw(durations("hours", 0.2, 3.0)),
            "monthly_dispatch": draw(durations("hours", 0.2, 4.0)),
            "minutes_per_item": draw(st.floats(0.0, 30.0)),
            "priority": draw(st.sampled_from(["urgent", "normal"])),
            "dekad_push_factor": draw(st.floats(0.0, 2.0)),
            "monthly_dispatch_factor": draw(st.floats(0.0, 2.0)),
            "admonish_after": draw(st.integers(0, 3)),
            "criticise": draw(st.booleans()),
            "criticise_late_working_days": draw(st.integers(0, 5)),
        },
        "instructions": {
            "p_supervise": draw(st.floats(0.0, 1.0)),
            "deadline": draw(durations("days", 1.0, 15.0)),
            "work": draw(durations("days", 0.1, 5.0)),
        },
        "key_tasks": {
            "batch_dates": [start + dt.timedelta(days=draw(st.integers(0, horizon - 1)))],
            "batch_size": draw(st.integers(0, 8)),
            "per_week": draw(st.floats(0.0, 2.0)),
            "deadline": draw(durations("days", 1.0, 40.0)),
            "work": draw(durations("days", 0.1, 10.0)),
        },
        "audit": {
            "per_week": draw(st.floats(0.0, 3.0)),
            "deadline": draw(durations("days", 1.0, 20.0)),
            "work": draw(durations("days", 0.1, 5.0)),
        },
    }
    if draw(st.booleans()):  # ledger work at the departments' desks, in sittings (A70–A73)
        raw["desks"] = {
            "staff": {"department": draw(st.integers(1, 3))},
            "discipline": draw(st.sampled_from(["fcfs", "urgent_first", "edf"])),
        }
        raw["ledger"]["sitting_minutes"] = draw(st.floats(30.0, 900.0))
        raw["ledger"]["desk_staff"] = draw(st.integers(1, 3))
        raw["ledger"]["effort_factor"] = draw(st.none() | st.floats(0.5, 5.0))
    return raw


LEDGER_SETTINGS = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@LEDGER_SETTINGS
@given(raw=ledger_scenarios(), replication=st.integers(0, 3))
def test_generated_ledgers_keep_every_invariant(raw: dict[str, Any], replication: int) -> None:
    sc = make_scenario(raw)
    world = simulate(sc, replication)
    events, cases = world.log.to_frame(), world.log.cases_frame()
    violations = check_log(events, cases, world.org, world.cal, colour_rule=sc.ledger.colour)
    assert violations == [], "\n".join(map(str, violations[:10]))

    # The lifecycle, restated as a regular expression over each item's steps (A73, AMB-16).
    items = cases.loc[cases["case_type"] == "ledger_item", "case"]
    mine = events.loc[events["case"].isin(items)]
    lives = {int(c): life(g) for c, g in mine.groupby("case", observed=True)}
    assert set(lives) == set(items)  # every item has events, starting with 立项
    for case, steps in lives.items():
        assert ITEM_LIFE.match(steps), f"item {case}: {steps}"
        if "C" in steps:  # 销号 only right after a passing 核查
            assert steps.endswith("pC")

    # Conservation: every item is closed or open at the horizon, exactly once.
    k = ledger_kpis(events, cases, world.cal, list(world.org.leaders))
    assert k["ledger_registered"] == len(items)
    assert k["ledger_registered"] == k["ledger_closed"] + k["ledger_open"]
    assert sum(s.endswith("C") for s in lives.values()) == k["ledger_closed"]
    table = ledger_items(events, cases)
    assert table["registered"].notna().all()
    if world.desks:  # no sitting lost: each is done, in work or waiting at the horizon
        queued = (events["activity"] == "desk.job_queued").sum()
        done = (events["activity"] == "desk.job_done").sum()
        assert queued == done + sum(d.held for d in world.desks.values())
    assert (table["closed"].isna() | (table["closed"] >= table["registered"])).all()


@settings(max_examples=8, deadline=None)
@given(raw=ledger_scenarios())
def test_same_seed_same_log_with_the_ledger(raw: dict[str, Any]) -> None:
    sc = make_scenario(raw)
    a, b = simulate(sc, 2), simulate(sc, 2)
    pd.testing.assert_frame_equal(a.log.to_frame(), b.log.to_frame())
    pd.testing.assert_frame_equal(a.log.cases_frame(), b.log.cases_frame())


def busy_ledger_raw() -> dict[str, Any]:
    """Two months of a small government whose ledger is behind: every colour appears."""
    raw = busy_raw()
    raw["scenario"] = {"name": "busy-ledger", "start": "2025-02-24", "horizon_days": 60}
    raw["departments"] = [d for d in raw["departments"] if d.get("kind") != "county"]
    raw["load"] = {"request_per_dept_per_week": 2, "report_per_dept_per_week": 2}
    raw["ledger"] = {
        "dept_share": 0.3,
        "p_verify_fail": 0.3,
        "instructions": {"p_supervise": 0.5},
        "key_tasks": {
            "batch_dates": ["2025-02-25"],
            "batch_size": 8,
            "deadline": {"dist": "uniform", "low_days": 15, "high_days": 30},
            "work": {"dist": "lognormal", "mean_days": 6, "cv": 0.5},
        },
        "audit": {"per_week": 1.0},
    }
    return raw


def violations_of(raw: dict[str, Any]) -> list:
    sc = make_scenario(raw)
    world = simulate(sc)
    return check_log(
        world.log.to_frame(),
        world.log.cases_frame(),
        world.org,
        world.cal,
        colour_rule=sc.ledger.colour,
    )


def test_busy_ledger_is_clean_and_shows_every_colour() -> None:
    sc = make_scenario(busy_ledger_raw())
    world = simulate(sc)
    events = world.log.to_frame()
    colours = set(events.loc[events["activity"] == "ledger.colour", "outcome"].astype(str))
    assert colours == {"blue", "yellow", "red"}
    acts = set(events["activity"].astype(str))
    assert {"ledger.pushed", "outcome.supervise", "ledger.closed"} <= acts
    assert (events.loc[events["activity"] == "ledger.verified", "outcome"] == "fail").any()
    assert violations_of(busy_ledger_raw()) == []


def test_broken_colour_rule_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A colour rule that never warns (everything blue) → INV-S04."""
    monkeypatch.setattr(ledger_model, "colour_rule", lambda *args: "blue")
    found = violations_of(busy_ledger_raw())
    assert found and {v.invariant for v in found} == {"INV-S04"}


def test_colour_rule_with_other_thresholds_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The model colouring with δ = Δ = 0.5 while the scenario says K62 → INV-S04."""
    real = ledger_model.colour_rule

    class Lax:
        behind_yellow = behind_red = 0.5
        warn_working_days = 5

    monkeypatch.setattr(
        ledger_model, "colour_rule", lambda p, e, over, left, rule: real(p, e, over, left, Lax)
    )
    found = violations_of(busy_ledger_raw())
    assert found and {v.invariant for v in found} == {"INV-S04"}


def test_broken_dekad_days_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pushing on the nominal day moved forward (10th → next working day) → INV-S05."""
    real = ledger_model.dekads

    def forward(cal, start, end):
        out = []
        for k in real(cal, start, end):
            day = k.nominal
            while not cal.is_working_day(day):
                day += dt.timedelta(days=1)
            out.append(Dekad(k.first, k.nominal, day, k.month_end))
        return out

    monkeypatch.setattr(ledger_model, "dekads", forward)
    found = violations_of(busy_ledger_raw())  # 04-20 is a Sunday: 04-21 instead of 04-18
    assert found and {v.invariant for v in found} == {"INV-S05"}


def test_broken_stocktake_days_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Taking stock every Friday, holiday or not, and skipping make-up weekends → INV-S05."""

    def fridays(cal, start, end):
        day = start + dt.timedelta(days=(4 - start.weekday()) % 7)
        out = []
        while day < end:
            out.append(day)
            day += dt.timedelta(days=7)
        return out

    monkeypatch.setattr(ledger_model, "stocktake_days", fridays)
    raw = busy_ledger_raw()
    raw["scenario"].update(start="2025-03-24", horizon_days=30)  # Qingming Friday 04-04
    raw["ledger"]["key_tasks"]["batch_dates"] = ["2025-03-25"]
    found = violations_of(raw)
    assert found and {v.invariant for v in found} == {"INV-S05"}
    assert any("2025-04-03" in v.message for v in found)
