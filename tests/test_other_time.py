"""Leaders' other time (K28; A41, A89, A90): blocks away from the desk while on duty.

Hand-worked placements of document work around a block on the office calendar of 08:30–12:00
and 13:30–17:30; blocks drawn from a scenario, dated ones kept, none inside an absence; no
补位 for a busy leader; INV-L11 on a clean log, on an injected violation (reported exactly)
and on a model broken on purpose (a leader working through a block).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
import simpy

from factory import make_scenario
from govsim.checks import check_log
from govsim.core.calendar import build_calendar
from govsim.model.agents import NORMAL, Office
from govsim.model.other_time import DeskTime, Engagement, draw_engagements
from govsim.model.rng import Streams
from govsim.model.world import simulate
from test_properties import busy_raw

MONDAY = dt.date(2025, 3, 3)


def _busy_with_blocks() -> dict[str, Any]:
    raw = busy_raw()
    raw["scenario"]["horizon_days"] = 60
    rate = {"dist": "lognormal", "mean_hours": 2.0, "cv": 0.5}
    raw["other_time"] = {
        "roles": {
            role: {"reception": {"per_week": 3.0, "duration": rate},
                   "research": {"per_week": 1.0, "duration": rate}}
            for role in ("mayor", "executive_vice_mayor", "vice_mayor")
        },
        "fixed": [{"who": "vm1", "start": "2025-03-04T09:00:00", "end": "2025-03-04T11:00:00",
                   "kind": "external_meeting"}],
    }  # fmt: skip
    return raw


def _at(cal, hh: int, mm: int, day: dt.date = MONDAY) -> float:
    return cal.clock_of(dt.datetime.combine(day, dt.time(hh, mm)))


def _one_job(effort: float, queued: tuple[int, int]) -> tuple[float, float]:
    """A leader with a block 09:00–11:00 on Monday works ``effort`` minutes queued at
    ``queued`` (share 1): returns (start, finish) as clock values."""
    sc = make_scenario(busy_raw())
    cal = build_calendar(sc)
    env = simpy.Environment()
    block = Engagement("vm1", "reception", _at(cal, 9, 0), _at(cal, 11, 0))
    office = Office(env, cal, "vm1", 1, 1.0, None, DeskTime([block]))
    out: dict[str, float] = {}

    def job():
        yield env.timeout(_at(cal, *queued))
        out["start"], _ = yield from office.work(NORMAL, effort)
        out["finish"] = env.now

    env.process(job())
    env.run()
    return out["start"] - _at(cal, 0, 0), out["finish"] - _at(cal, 0, 0)


def test_an_hour_that_does_not_fit_before_the_block_starts_after_it():
    """08:30–09:00 is 30 minutes: a 1-hour approval begins at 11:00, ends at 12:00."""
    assert _one_job(60.0, (8, 30)) == (11 * 60, 12 * 60)


def test_work_that_fits_before_the_block_is_done_before_it():
    """A 20-minute reading queued at 08:30 ends at 08:50; 30 minutes end at 09:00 sharp."""
    assert _one_job(20.0, (8, 30)) == (8 * 60 + 30, 8 * 60 + 50)
    assert _one_job(30.0, (8, 30)) == (8 * 60 + 30, 9 * 60)


def test_work_queued_inside_the_block_waits_for_its_end_and_spans_lunch():
    """Queued at 10:00 (in the block), 150 minutes: 11:00–12:00, lunch, 13:30–15:00."""
    assert _one_job(150.0, (10, 0)) == (11 * 60, 15 * 60)


def test_blocks_drawn_dated_kept_none_inside_an_absence():
    raw = _busy_with_blocks()
    raw["leave"] = {"fixed": [{"who": "mayor", "start": "2025-03-10", "end": "2025-03-21",
                               "reason": "study"}]}  # fmt: skip
    sc = make_scenario(raw)
    world = simulate(sc)
    cal, blocks = world.cal, world.engagements
    fixed = [e for e in blocks if e.kind == "external_meeting"]
    assert [(e.person, e.start, e.end) for e in fixed] == [
        ("vm1", _at(cal, 9, 0, MONDAY + dt.timedelta(1)), _at(cal, 11, 0, MONDAY + dt.timedelta(1)))
    ]
    away = (cal.office_open(dt.date(2025, 3, 10)), cal.office_close(dt.date(2025, 3, 21)))
    mayor = [e for e in blocks if e.person == "mayor"]
    assert mayor and not any(e.start < away[1] and away[0] < e.end for e in mayor)
    for p in {e.person for e in blocks}:
        mine = sorted((e.start, e.end) for e in blocks if e.person == p)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(mine))
        assert all(cal.is_open(s) for s, _ in mine)
    # the same draws without the absence: other leaders' blocks do not move (common numbers)
    del raw["leave"]
    again = draw_engagements(
        make_scenario(raw).other_time, world.org, cal, Streams(sc.experiment.seed, 0)
    )
    assert [e for e in again if e.person != "mayor"] == [e for e in blocks if e.person != "mayor"]


def test_blocks_are_logged_and_trigger_no_substitution():
    sc = make_scenario(_busy_with_blocks())
    world = simulate(sc)
    ev, cases = world.log.to_frame(), world.log.cases_frame()
    engaged = ev.loc[ev["activity"] == "leader.engaged"]
    ended = [e for e in world.engagements if e.end <= cal_end(world)]
    assert len(engaged) == len(ended) > 20
    assert not ev["activity"].isin(["substitution.start", "doc.rerouted"]).any()
    assert ev["on_behalf"].isna().all()
    assert check_log(ev, cases, world.org, world.cal, scenario=sc) == []
    work = ev.loc[ev["activity"].isin(["leader.approved", "leader.circle_read"])]
    assert len(work) > 20


def cal_end(world) -> float:
    return world.cal.horizon_minutes


def test_injected_overlap_is_reported_exactly():
    sc = make_scenario(_busy_with_blocks())
    world = simulate(sc)
    ev, cases = world.log.to_frame(), world.log.cases_frame()
    block = ev.loc[(ev["activity"] == "leader.engaged") & (ev["actor"] == "vm1")].iloc[0]
    acts = ev.loc[(ev["activity"] == "leader.approved") & (ev["actor"] == "vm1")]
    i = acts.index[0]
    bad = ev.copy()
    bad.loc[i, "start"] = block["start"] + 1.0
    bad.loc[i, "time"] = max(float(bad.loc[i, "time"]), block["start"] + 2.0)
    found = [v for v in check_log(bad, cases, world.org, world.cal, scenario=sc)
             if v.invariant == "INV-L11"]  # fmt: skip
    assert [(v.case, v.events) for v in found] == [(int(ev.loc[i, "case"]), (int(i),))]
    assert "vm1 worked (leader.approved)" in found[0].message


def test_working_through_blocks_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken office that ignores its blocks → INV-L11."""
    real_init = Office.__init__

    def init_without_blocks(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        self.desk_time = None

    monkeypatch.setattr(Office, "__init__", init_without_blocks)
    sc = make_scenario(_busy_with_blocks())
    world = simulate(sc)
    found = check_log(
        world.log.to_frame(), world.log.cases_frame(), world.org, world.cal, scenario=sc
    )
    assert "INV-L11" in {v.invariant for v in found}


def test_other_time_kpi_counts_hours_per_leader():
    import govsim

    sc = make_scenario(_busy_with_blocks())
    sim = govsim.simulate(sc)
    ev = sim.events
    warm = sc.scenario.warmup_days * 1440.0
    blocks = ev.loc[(ev["activity"] == "leader.engaged") & (ev["time"] >= warm)]
    assert len(blocks) > 10
    assert sim.kpis["other_time_hours"] == pytest.approx(blocks["value"].sum() / 60.0 / 4)


def test_a_block_over_a_planned_executive_meeting_moves_after_it():
    """ASSUMPTION (K39, A45): regular meetings are fixed in advance, so a block is not held
    over one a leader sits in. vm_1's reception from 08:30 to 10:30 on Wed 2025-02-05 (120
    min) falls on the executive meeting planned then (``test_meetings``), which may take
    30 min and 8 topics of 20 min: until 11:40. The reception moves to 11:40 and ends at
    15:10 (20 min before lunch, 100 after); the meeting opens with vm_1 present."""
    from test_meetings import at, raw_scenario, run, when

    raw = raw_scenario(None)
    block = {"start": "2025-02-05T08:30:00", "end": "2025-02-05T10:30:00"}
    raw["other_time"] = {"fixed": [{"who": "vm_1", "kind": "reception", **block}]}
    world, ev = run(raw)
    engaged = ev.loc[ev["activity"] == "leader.engaged"].iloc[0]
    assert world.cal.datetime_of(engaged["start"]) == at("2025-02-05T11:40")
    assert world.cal.datetime_of(engaged["time"]) == at("2025-02-05T15:10")
    assert engaged["value"] == 120
    assert when(world, ev, "meeting.opened") == at("2025-02-05T08:30")
    # the same block on a day without a meeting stays where it is
    raw["other_time"]["fixed"][0].update(start="2025-02-06T08:30:00", end="2025-02-06T10:30:00")
    world, ev = run(raw)
    engaged = ev.loc[ev["activity"] == "leader.engaged"].iloc[0]
    assert world.cal.datetime_of(engaged["start"]) == at("2025-02-06T08:30")
