"""Leave and 补位 substitution, worked by hand (A6, A8, A56, A61(3)–(4), A80).

Week of Mon 2024-09-23 (ordinary working days; office 08:30–12:00, 13:30–17:30). Two GO
reviewers, review 2 h, approval 60 min, all fixed. vm_1 (in charge of d_c) is away
Mon–Wed 09-23…09-25 (out of the city); a request from d_c arrives Tue 09:00, is reviewed by
11:00 and routed at 11:00. vm_exec is busy 10:30–11:30 with a request from d_a (arrived
08:30). Designated substitutes: vm_1 → vm_2, vm_2 → vm_1, vm_exec → vm_1.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

import govsim
from factory import make_scenario
from govsim.checks import check_log
from govsim.model.world import simulate

ROOT = Path(__file__).resolve().parents[1]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def scenario(
    base_raw: dict[str, Any],
    substitution: dict[str, Any],
    fixed: list[dict[str, Any]],
    extra: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    raw = base_raw
    raw["leaders"] = [
        {"id": "mayor", "role": "mayor", "portfolio": ["d_b"]},
        {
            "id": "vm_exec",
            "role": "executive_vice_mayor",
            "portfolio": ["d_a"],
            "substitute": "vm_1",
        },
        {"id": "vm_1", "role": "vice_mayor", "portfolio": ["d_c"], "substitute": "vm_2"},
        {"id": "vm_2", "role": "vice_mayor", "portfolio": ["d_d"], "substitute": "vm_1"},
        {"id": "sg", "role": "secretary_general"},
    ]
    raw["departments"] = [{"id": d} for d in ("d_a", "d_b", "d_c", "d_d")]
    raw["general_office"]["reviewers"] = 2
    raw["leave"] = {"fixed": fixed, "return_latency": {"dist": "fixed", "value_hours": 2}}
    raw["substitution"] = substitution
    raw["load"]["scheduled"] = [
        {"at": "2024-09-24T08:30:00", "kind": "request", "sender": "d_a"},
        {"at": "2024-09-24T09:00:00", "kind": "request", "sender": "d_c"},
        *(extra or []),
    ]
    return raw


VM1_AWAY = {"who": "vm_1", "start": "2024-09-23", "end": "2024-09-25", "reason": "out_of_city"}


def doc_case(world, nth: int) -> int:
    """The id of the ``nth`` document (absences are cases too)."""
    cases = world.log.cases_frame()
    return int(cases.loc[cases["case_type"] != "absence", "case"].iloc[nth])


def decision(world, nth: int) -> tuple[str, str | None, dt.datetime]:
    case = doc_case(world, nth)
    ev = world.log.to_frame()
    row = ev.loc[(ev["case"] == case) & (ev["activity"] == "leader.approved")].iloc[0]
    on_behalf = None if isinstance(row["on_behalf"], float) else str(row["on_behalf"])
    return str(row["actor"]), on_behalf, world.cal.datetime_of(row["time"])


def run(raw: dict[str, Any]):
    sc = make_scenario(raw)
    world = simulate(sc)
    violations = check_log(
        world.log.to_frame(), world.log.cases_frame(), world.org, world.cal, scenario=sc
    )
    assert violations == [], "\n".join(map(str, violations))
    return world


@pytest.mark.parametrize(
    ("substitution", "expected"),
    [
        # none: the item waits; vm_1 is back at Wed 17:30 and approves Thu 08:30 + 60 min.
        ({"policy": "none"}, ("vm_1", None, at("2024-09-26 09:30"))),
        # designated: vm_2 (on post, idle) approves 11:00 + 60 min.
        ({"policy": "designated"}, ("vm_2", "vm_1", at("2024-09-24 12:00"))),
        # chain: vm_exec first — on post but busy until 11:30; 30 min before lunch, 30 after.
        (
            {"policy": "chain", "chains": {"vm_1": ["vm_exec", "vm_2"]}},
            ("vm_exec", "vm_1", at("2024-09-24 14:00")),
        ),
        # least_loaded: vm_exec holds one item at 11:00, vm_2 none → vm_2.
        ({"policy": "least_loaded"}, ("vm_2", "vm_1", at("2024-09-24 12:00"))),
        # triggers: a study absence does not trigger 补位 (AMB-07) — covered below.
    ],
)
def test_vm_away_monday_to_wednesday_request_on_tuesday(base_raw, substitution, expected):
    world = run(scenario(base_raw, substitution, [VM1_AWAY]))
    assert decision(world, 0) == ("vm_exec", None, at("2024-09-24 11:30"))
    assert decision(world, 1) == expected


@pytest.mark.parametrize(
    ("fallback", "expected"),
    [
        ("wait", ("vm_1", None, at("2024-09-26 09:30"))),
        ("executive_vice_mayor", ("vm_exec", "vm_1", at("2024-09-24 14:00"))),
        ("mayor", ("mayor", "vm_1", at("2024-09-24 12:00"))),
    ],
)
def test_substitute_also_away(base_raw, fallback, expected):
    vm2_away = {"who": "vm_2", "start": "2024-09-24", "end": "2024-09-24", "reason": "vacation"}
    raw = scenario(base_raw, {"policy": "designated", "fallback": fallback}, [VM1_AWAY, vm2_away])
    assert decision(run(raw), 1) == expected


def test_non_triggering_reason_waits(base_raw):
    study = {**VM1_AWAY, "reason": "study"}
    world = run(scenario(base_raw, {"policy": "designated"}, [study]))
    assert decision(world, 1) == ("vm_1", None, at("2024-09-26 09:30"))
    any_raw = scenario(base_raw, {"policy": "designated", "triggers": "any"}, [study])
    assert decision(run(any_raw), 1) == ("vm_2", "vm_1", at("2024-09-24 12:00"))


def test_recall_mid_absence(base_raw):
    """Recalled Tue 14:00, back on post 2 h later; the waiting item is approved 16:00–17:00."""
    recalled = {**VM1_AWAY, "recall_at": "2024-09-24T14:00:00"}
    world = run(scenario(base_raw, {"policy": "none"}, [recalled]))
    assert decision(world, 1) == ("vm_1", None, at("2024-09-24 17:00"))
    ev = world.log.to_frame()
    leave = ev.loc[ev["case_type"] == "absence"]
    got = [
        (str(r.activity), str(r.actor), world.cal.datetime_of(r.time)) for r in leave.itertuples()
    ]
    assert got == [
        ("leave.reported", "vm_1", at("2024-09-23 00:00")),
        ("leave.filed", "vm_1", at("2024-09-23 00:00")),
        ("leave.approved", "mayor", at("2024-09-23 00:00")),
        ("absence.start", "vm_1", at("2024-09-23 08:30")),
        ("absence.recall", "mayor", at("2024-09-24 14:00")),
        ("absence.on_post", "vm_1", at("2024-09-24 16:00")),
    ]
    assert leave.loc[leave["activity"] == "absence.on_post", "value"].iloc[0] == 2.0


def test_mayor_away_mayor_only_item_waits_and_major_goes_to_exec_vm(base_raw):
    """A6: the exec VM presides while the mayor is away — a major request goes to the exec VM;
    a mayor-only item (A61(3)–(4)) waits for the mayor (AMB-09, K60)."""
    mayor_away = {"who": "mayor", "start": "2024-09-24", "end": "2024-09-25", "reason": "visit"}
    extra = [
        {"at": "2024-09-24T09:00:00", "kind": "request", "sender": "d_b", "mayor_only": True},
        {"at": "2024-09-24T09:00:00", "kind": "request", "sender": "d_d", "major": True},
    ]
    raw = scenario(base_raw, {"policy": "designated"}, [mayor_away], extra)
    raw["general_office"]["reviewers"] = 4
    world = run(raw)
    assert decision(world, 2) == ("mayor", None, at("2024-09-26 09:30"))
    # exec VM: own item 10:30–11:30, then the mayor's major item 11:30–12:00, 13:30–14:00.
    assert decision(world, 3) == ("vm_exec", "mayor", at("2024-09-24 14:00"))


def test_head_away_delays_submission(base_raw):
    """A56: the principal head signs the submission — d_c's head is away Tuesday, so a request
    ready Tue 09:00 is submitted at Tue 17:30 and reviewed Wed 08:30–10:30."""
    head = {"who": "d_c", "start": "2024-09-24", "end": "2024-09-24", "reason": "study"}
    world = run(scenario(base_raw, {"policy": "designated"}, [head]))
    ev = world.log.to_frame()
    case1 = ev.loc[ev["case"] == doc_case(world, 1)]
    times = {str(r.activity): world.cal.datetime_of(r.time) for r in case1.itertuples()}
    assert times["doc.submitted"] == at("2024-09-24 17:30")
    assert times["go.reviewed"] == at("2024-09-25 10:30")


@pytest.mark.parametrize(
    ("move_queued", "second", "rerouted"),
    [
        (True, ("vm_2", "vm_1", at("2024-09-25 09:30")), 1),
        (False, ("vm_1", None, at("2024-09-26 10:30")), 0),
    ],
)
def test_queued_items_move_when_absence_starts(base_raw, move_queued, second, rerouted):
    """Three d_c requests arrive Tue 15:30. Two are reviewed by 17:30 and routed to vm_1, who
    is away on Wednesday: the first is in hand (it waits for vm_1: Thu 08:30–09:30); the
    second is queued. With move_queued it moves to vm_2 when the absence starts (Wed 08:30)
    and is approved 08:30–09:30; without, it waits for vm_1 (Thu 09:30–10:30). The third is
    reviewed Wed 08:30–10:30 and goes straight to vm_2 (10:30–11:30)."""
    raw = scenario(
        base_raw,
        {"policy": "designated", "move_queued": move_queued},
        [{"who": "vm_1", "start": "2024-09-25", "end": "2024-09-25", "reason": "vacation"}],
    )
    raw["load"]["scheduled"] = [
        {"at": "2024-09-24T15:30:00", "kind": "request", "sender": "d_c"} for _ in range(3)
    ]
    world = run(raw)
    assert decision(world, 0) == ("vm_1", None, at("2024-09-26 09:30"))
    assert decision(world, 1) == second
    assert decision(world, 2) == ("vm_2", "vm_1", at("2024-09-25 11:30"))
    ev = world.log.to_frame()
    assert (ev["activity"] == "doc.rerouted").sum() == rerouted


def test_a_dated_absence_drops_the_random_ones_it_overlaps(base_raw):
    """One absence at a time: with the mayor away all month for study (dated), the random
    absences the profile draws for the mayor in that month are dropped, those after it kept;
    the model's and the log's view of who is away then agree (INV-L07, INV-M02)."""
    from govsim.model.availability import draw_absences
    from govsim.model.rng import Streams

    raw = scenario(base_raw, {"policy": "designated"}, [])
    raw["scenario"]["horizon_days"] = 90
    raw["leave"]["fixed"] = [
        {"who": "mayor", "start": "2024-09-23", "end": "2024-10-31", "reason": "study"}
    ]
    raw["leave"]["profiles"] = {
        "mayor": {
            "per_year": 60,
            "duration": {"dist": "fixed", "value_days": 2},
            "reasons": {"out_of_city": 1},
        }
    }
    sc = make_scenario(raw)
    world = simulate(sc)
    spans = sorted(
        (a.start, a.end)
        for a in draw_absences(sc.leave, world.org, world.cal, Streams(sc.experiment.seed, 0))
        if a.person == "mayor"
    )
    assert all(b[0] >= a[1] for a, b in pairwise(spans))  # no overlap
    assert len(spans) > 1  # random absences after the dated one are kept
    run(raw)


def test_a_dated_absence_begun_before_the_run_is_under_way_at_its_start(tmp_path):
    """A run starting Mon 2025-03-17 (a warm start's cut, say) with a dated trip of vm_1 from
    Wed 03-12 to Wed 03-19 (A80): vm_1 is away from the first opening, 03-17 08:30, to the
    trip's end, 03-19 17:30; a trip over before the start is ignored; the log is clean."""
    path = tmp_path / "begun.toml"
    path.write_text(
        f'[scenario]\nbase = "{(ROOT / "scenarios" / "jining.toml").as_posix()}"\n'
        "start = 2025-03-17\nhorizon_days = 10\n\n"
        '[[leave.fixed]]\nwho = "vm_1"\nstart = 2025-03-12\nend = 2025-03-19\nreason = "visit"\n\n'
        '[[leave.fixed]]\nwho = "vm_2"\nstart = 2025-03-10\nend = 2025-03-14\nreason = "visit"\n',
        encoding="utf-8",
    )
    sim = govsim.simulate(path)
    ev = sim.events
    trips = ev.loc[ev["activity"].isin(["absence.start", "absence.end"]) & (ev["actor"] == "vm_1")]
    acts, times = trips["activity"].astype(str), trips["time"]
    when = [(a, sim.calendar.datetime_of(t)) for a, t in zip(acts, times, strict=True)]
    assert when[:2] == [
        ("absence.start", dt.datetime(2025, 3, 17, 8, 30)),
        ("absence.end", dt.datetime(2025, 3, 19, 17, 30)),
    ]
    early = ev.loc[ev["activity"].eq("absence.start") & ev["actor"].eq("vm_2")]
    assert not (early["deadline"] < early["time"]).any()  # the trip over before is not there
    assert sim.check() == []
