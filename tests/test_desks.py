"""Units' desks (A57, A59, A63): a hand-worked desk under each queue discipline, to the minute
across a weekend; the capacity and office-hours invariants (INV-U01, U02) catch a broken
desk; every arrival stream follows ``load.scale`` and seasonality."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import simpy
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import govsim.model.arrivals as arrivals
from factory import BASE, make_scenario, scenario_dicts
from govsim.checks import check_log
from govsim.core.calendar import build_calendar
from govsim.core.org import Organisation
from govsim.log import EventLog
from govsim.model.desks import DISCIPLINES, Desk
from govsim.model.outgoing_arrivals import generate_outgoing
from govsim.model.world import World, simulate
from govsim.scenario.department_models import Discipline
from govsim.scenario.load import load_scenario

DAY = 1440.0
# Monday 2024-11-04 is day 0; no holiday that month. Office 08:30–12:00, 13:30–17:30.
START = "2024-11-04"


def clock(day: int, hh: int, mm: int) -> float:
    return day * DAY + hh * 60 + mm


def _setting(staff: int = 1):
    raw = copy.deepcopy(BASE)
    raw["scenario"] = {"name": "desk", "start": START, "horizon_days": 20}
    raw["desks"] = {"staff": {"department": staff}}
    sc = make_scenario(raw)
    return sc, build_calendar(sc), Organisation.from_scenario(sc)


def _run(discipline: str) -> tuple[dict[str, float], EventLog, object, object]:
    """One staff member; a 60-minute job at Friday 09:00, then three jobs at the same
    instant: J1 600 min (deadline Wednesday), J2 300 min urgent (Tuesday), J3 120 min
    (Monday). Returns each job's finish clock."""
    _sc, cal, org = _setting()
    env = simpy.Environment()
    log = EventLog(org.actors)
    desk = Desk(env, cal, log, ("d_a", org.code["d_a"]), 1, DISCIPLINES[discipline])
    finished: dict[str, float] = {}

    def feed():
        yield env.timeout(clock(4, 9, 0))
        jobs = {
            "J0": desk.submit("reply", 60, deadline=clock(4, 17, 30)),
            "J1": desk.submit("revision", 600, deadline=clock(9, 17, 30)),
            "J2": desk.submit("reply", 300, deadline=clock(8, 17, 30), urgent=True),
            "J3": desk.submit("countersign", 120, deadline=clock(7, 17, 30)),
        }
        for name, done in jobs.items():
            done.callbacks.append(lambda e, name=name: finished.__setitem__(name, e.value))
        yield env.all_of(list(jobs.values()))

    env.process(feed())
    env.run()
    return finished, log, org, cal


# Worked by hand: J0 runs Friday 09:00–10:00; then 450 office minutes a day, none at the
# weekend (Saturday, Sunday = days 5, 6).
EXPECTED = {
    # J1 (Fri 10:00 + 360 → Mon 08:30 + 240 → Mon 14:00), J2 (+210 Mon, +90 → Tue 10:00),
    # J3 (Tue 10:00–12:00).
    "fcfs": {"J1": clock(7, 14, 0), "J2": clock(8, 10, 0), "J3": clock(8, 12, 0)},
    # J2 (Fri 10:00–12:00, 13:30–16:30), J1 (60 Fri, 450 Mon, 90 → Tue 10:00), J3.
    "urgent_first": {"J2": clock(4, 16, 30), "J1": clock(8, 10, 0), "J3": clock(8, 12, 0)},
    # J3 (Fri 10:00–12:00), J2 (Fri 13:30–17:30, Mon 08:30–09:30), J1 (390 Mon, 210 Tue).
    "edf": {"J3": clock(4, 12, 0), "J2": clock(7, 9, 30), "J1": clock(8, 12, 0)},
}


@pytest.mark.parametrize("discipline", sorted(EXPECTED))
def test_hand_worked_desk_across_a_weekend(discipline: str) -> None:
    finished, log, org, cal = _run(discipline)
    assert finished.pop("J0") == clock(4, 10, 0)
    assert finished == EXPECTED[discipline]
    order = sorted(finished, key=finished.get)
    assert order == list(EXPECTED[discipline])
    events = log.to_frame()
    done = events.loc[events["activity"] == "desk.job_done"]
    # The logged start of the job taken up at 12:00 (EDF's J2) is the next opening, 13:30.
    if discipline == "edf":
        assert clock(4, 13, 30) in set(done["start"])
    assert check_log(events, log.cases_frame(), org, cal, only=["INV-U01", "INV-U02"]) == []


def test_disciplines_registered_match_the_scenario_knob() -> None:
    assert set(DISCIPLINES) == set(Discipline.__args__)


def test_injected_violations_are_reported_exactly() -> None:
    """Two jobs at once on one staff member (INV-U01); effort beyond the office minutes
    worked (INV-U02)."""
    _, log, org, cal = _run("fcfs")
    events, cases = log.to_frame(), log.cases_frame()
    done = events.index[events["activity"] == "desk.job_done"]
    broken = events.copy()
    # J3 (the last done) claims to have started with J1 at Friday 10:00.
    j3 = done[-1]
    broken.loc[j3, "start"] = clock(4, 10, 0)
    found = check_log(broken, cases, org, cal, only=["INV-U01", "INV-U02"])
    case = int(events.loc[j3, "case"])
    # Friday 10:00 → Tuesday 12:00: 360 + 450 + 210 office minutes.
    assert [(v.invariant, v.case, v.events, v.message) for v in found] == [
        ("INV-U01", case, (j3,), f"d_a: 2 jobs at once at t={clock(4, 10, 0):g} with 1 staff"),
        (
            "INV-U02",
            case,
            (j3,),
            f"d_a: effort 120 min but 1020 office minutes from {clock(4, 10, 0):g} "
            f"to {clock(8, 12, 0):g}",
        ),
    ]


def test_staff_from_the_scenario_when_the_log_has_none() -> None:
    _, log, org, cal = _run("fcfs")
    events, cases = log.to_frame(), log.cases_frame()
    events = events.loc[events["activity"] != "desk.staffed"].copy()
    done = events.index[events["activity"] == "desk.job_done"]
    events.loc[done[-1], "start"] = clock(4, 10, 0)
    sc, _, _ = _setting(staff=1)
    assert check_log(events, cases, org, cal, only=["INV-U01"]) == []  # staff unknown
    found = check_log(events, cases, org, cal, only=["INV-U01"], scenario=sc)
    assert [v.invariant for v in found] == ["INV-U01"]
    sc2, _, _ = _setting(staff=2)
    assert check_log(events, cases, org, cal, only=["INV-U01"], scenario=sc2) == []


def test_zero_effort_and_no_deadline() -> None:
    _sc, cal, org = _setting()
    env = simpy.Environment()
    log = EventLog(org.actors)
    desk = Desk(env, cal, log, ("d_a", org.code["d_a"]), 1, DISCIPLINES["edf"])
    done = [desk.submit("drafting", 0.0), desk.submit("drafting", 30.0, deadline=math.inf)]
    env.run()
    assert [e.value for e in done] == [0.0, clock(0, 9, 0)]
    assert desk.held == 0
    assert np.isnan(log.to_frame()["deadline"]).all()


# -- property tests over generated scenarios ------------------------------------------------


@st.composite
def desk_scenarios(draw: st.DrawFn) -> dict:
    """A generated scenario with small desks (1–2 staff) and any discipline; countersigns and
    instructions frequent, so desks queue."""
    raw = draw(scenario_dicts(name="desks", max_rate=6.0, horizon=(15, 45)))
    raw["desks"] = {
        "staff": {
            "department": draw(st.integers(1, 2)),
            "county": draw(st.integers(1, 2)),
            "dispatched_agency": 1,
        },
        "discipline": draw(st.sampled_from(sorted(DISCIPLINES))),
    }
    raw["countersign"] = {"p_cross_dept_request": draw(st.floats(0.0, 1.0))}
    return raw


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=desk_scenarios(), replication=st.integers(0, 2))
def test_generated_desks_lose_no_job_and_keep_capacity(raw: dict, replication: int) -> None:
    world = simulate(make_scenario(raw), replication)
    events, cases = world.log.to_frame(), world.log.cases_frame()
    found = check_log(events, cases, world.org, world.cal)
    assert found == [], "\n".join(map(str, found[:10]))
    # No job lost: every job queued is done, in work or waiting at the horizon.
    queued = (events["activity"] == "desk.job_queued").sum()
    done = (events["activity"] == "desk.job_done").sum()
    assert queued == done + sum(d.held for d in world.desks.values())
    assert all(d.busy <= d.staff for d in world.desks.values())
    # A broken desk: one staff member on two jobs at once is caught (INV-U01).
    jobs = events.loc[events["activity"] == "desk.job_done"]
    staff = {u: d.staff for u, d in world.desks.items()}
    by_unit = jobs.groupby(jobs["actor"].astype(str))
    unit = next((u for u, g in by_unit if len(g) > staff[u]), None)
    event("broken desk injected" if unit is not None else "no desk with more jobs than staff")
    if unit is None:
        return
    mine = jobs.loc[jobs["actor"].astype(str) == unit]
    broken = events.copy()
    broken.loc[mine.index[1 : staff[unit] + 1], "start"] = mine["start"].iloc[0]
    broken.loc[mine.index[1 : staff[unit] + 1], "time"] = mine["time"].iloc[0]
    caught = check_log(broken, cases, world.org, world.cal, only=["INV-U01"])
    assert [v.invariant for v in caught] == ["INV-U01"]


# -- one arrival helper for every stream ----------------------------------------------------


def _stream_rates(sc, monkeypatch) -> list[tuple[float, tuple[float, ...] | None]]:
    """(weekly rate, seasonality) each exogenous stream of ``sc`` asks the Poisson helper for."""
    asked: list[tuple[float, tuple[float, ...] | None]] = []

    def spy(rng, cal, per_week, seasonality):
        asked.append((per_week, tuple(seasonality) if seasonality else None))
        return np.empty(0)

    monkeypatch.setattr(arrivals, "poisson_working_times", spy)
    world = World(sc)
    list(arrivals.iter_arrivals(sc, world.cal, world.streams))
    generate_outgoing(sc, world.cal, world.streams)
    world.ledger._exogenous()
    return asked


def test_every_arrival_stream_follows_load_scale_and_seasonality(monkeypatch) -> None:
    """Requests, reports, drafts, normative documents, contracts, the ledger's key tasks and
    audit findings (A69(五), A70): each scales with ``load.scale`` and gets the seasonality."""

    sc = load_scenario(Path(__file__).parents[1] / "scenarios" / "ledger.toml")
    scaled = sc.model_copy(update={"load": sc.load.model_copy(update={"scale": 2.5})})
    base, more = _stream_rates(sc, monkeypatch), _stream_rates(scaled, monkeypatch)
    assert len(base) == len(more) == 7
    season = tuple(sc.load.seasonality)
    for (r1, s1), (r2, s2) in zip(base, more, strict=True):
        assert r1 > 0 and r2 == pytest.approx(2.5 * r1, rel=1e-12)
        assert s1 == s2 == season


def test_top_breaching_units_and_their_figure() -> None:
    from govsim.plots import breaches_by_unit, top_breaching_units

    rows = []
    for point, scale in (("load.scale=1.0", 1), ("load.scale=1.6", 2)):
        for rep in range(2):
            for unit, base in (("a", 1), ("b", 5), ("c", 3)):
                rows.append(
                    {
                        "variant": "baseline",
                        "point": point,
                        "replication": rep,
                        "unit": unit,
                        "staff": 2,
                        "utilisation": 0.1 * base,
                        "cs_deemed": base * scale,
                        "instr_overdue": rep,
                        "ledger_overdue": 0,
                        "breaches": base * scale + rep,
                    }
                )
    desks = pd.DataFrame(rows)
    top = top_breaching_units(desks, 2)
    assert list(top["unit"]) == ["b", "c"]
    assert top.loc[0, "breaches"] == pytest.approx((5 + 10 + 2 * 0.5) / 2)
    assert top.loc[0, "cs_deemed"] == pytest.approx(7.5)
    fig = breaches_by_unit(desks, n=2)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["b", "c"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["load.scale=1.0", "load.scale=1.6"]
