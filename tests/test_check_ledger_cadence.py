"""INV-S05 (A70 旬推进) when a leader is away on a dekad's last working day and nobody holds
the push for them: the push is held when the leader is back, and the check accepts that day
instead — but only for a leader who was away; a push merely moved is still caught."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import govsim
from govsim.checks import check_log

ROOT = Path(__file__).resolve().parents[1]
AWAY = dt.date(2025, 2, 20)  # Thursday, the last working day of the dekad 11–20 February

SCENARIO = f"""
[scenario]
base = "{(ROOT / "scenarios" / "ledger.toml").as_posix()}"
name = "ledger-cadence"
horizon_days = 75

[substitution]
policy = "none"              # nobody holds an absent leader's push (A8 left unused)

[[leave.fixed]]
who = "vm_1"
start = 2025-02-19
end = 2025-02-21
reason = "study"
"""


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> govsim.Simulation:
    path = tmp_path_factory.mktemp("cadence") / "cadence.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    return govsim.simulate(path, 0, seed=3)


def _s05(sim: govsim.Simulation, events: pd.DataFrame) -> list[str]:
    found = check_log(
        events, sim.cases, sim.org, sim.calendar, only=["INV-S05"], scenario=sim.scenario
    )
    return [v.message for v in found if v.invariant == "INV-S05"]


def _pushes(sim: govsim.Simulation, who: str) -> pd.DataFrame:
    ev = sim.events
    return ev.loc[(ev["activity"] == "cadence.dekad_push") & (ev["actor"] == who)]


def test_push_held_on_return_is_accepted(sim: govsim.Simulation) -> None:
    days = [sim.calendar.date_of(t) for t in _pushes(sim, "vm_1")["time"]]
    assert AWAY not in days
    assert dt.date(2025, 2, 24) in days  # back on Monday: the push is held then
    assert _s05(sim, sim.events) == []


def test_push_never_held_is_caught(sim: govsim.Simulation) -> None:
    late = _pushes(sim, "vm_1")
    late = late[[sim.calendar.date_of(t) == dt.date(2025, 2, 24) for t in late["time"]]]
    events = sim.events.drop(index=late.index).reset_index(drop=True)
    assert _s05(sim, events) == [f"no dekad push by vm_1 on {AWAY}"]


def test_push_of_a_present_leader_moved_is_caught(sim: govsim.Simulation) -> None:
    cal, ev = sim.calendar, sim.events.copy()
    pushes = _pushes(sim, "vm_2")
    row = pushes.index[[cal.date_of(t) == AWAY for t in pushes["time"]]][0]
    ev.loc[row, "time"] = cal.office_open(dt.date(2025, 2, 24)) + 30.0
    ev = ev.sort_values("time", kind="stable").reset_index(drop=True)
    assert _s05(sim, ev) == [
        f"no dekad push by vm_2 on {AWAY}",
        "session by vm_2 on 2025-02-24, not due",
    ]


def test_push_held_on_return_is_caught_when_substitution_covered_it(sim) -> None:
    """The same log judged under a scenario whose 补位 hands the push of an absent vice mayor
    to a substitute on post (designated, every reason triggers it, K59 scope): the push should
    have been held on the day, for vm_1 — held on return, it breaks A70's rhythm."""
    sc = sim.scenario
    covered = sc.model_copy(
        update={
            "substitution": sc.substitution.model_copy(
                update={"policy": "designated", "triggers": "any"}
            )
        }
    )
    found = check_log(sim.events, sim.cases, sim.org, sim.calendar, ["INV-S05"], covered)
    assert [v.message for v in found] == [
        f"no dekad push by vm_1 on {AWAY}",
        "session by vm_1 on 2025-02-24, not due",
    ]
