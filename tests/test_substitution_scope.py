"""补位 that holds, worked by hand (A6, A8, A70, A80): work goes back to the owner who returns
before the substitute began it, a begun item stays; the dekad push and the monthly dispatch
are handed over; an absent leader never acts.

Documents: week of Mon 2024-09-23 (office 08:30–12:00, 13:30–17:30), six GO reviewers (review
2 h), approval 60 min, all fixed. vm_1 (d_c) is away from Mon 09-23 (out of the city) and is
recalled Tue 14:00, back on post 2 h later, at 16:00. Designated substitute: vm_1 → vm_2.

Ledger: the hand-worked item of ``test_ledger_model`` (d_a's, decided Mon 2025-03-03 09:00,
yellow by the 03-10 push, red by the 03-31 push and dispatch).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pytest

from factory import make_scenario
from govsim.checks import check_log
from govsim.model.world import World, simulate
from test_leave import at, decision, run, scenario
from test_ledger_model import item_events, ledger_raw, run_with_decision

RECALLED = {
    "who": "vm_1",
    "start": "2024-09-23",
    "end": "2024-09-25",
    "reason": "out_of_city",
    "recall_at": "2024-09-24T14:00:00",
}


def busy_vm2(base_raw: dict[str, Any], **substitution: Any) -> dict[str, Any]:
    """Tue 08:30: three requests of vm_2's own (d_d) and two of vm_1's (d_c), all reviewed by
    10:30 and routed then, in that order, all to vm_2."""
    raw = scenario(base_raw, {"policy": "designated", **substitution}, [RECALLED])
    raw["general_office"]["reviewers"] = 6
    raw["load"]["scheduled"] = [
        *({"at": "2024-09-24T08:30:00", "kind": "request", "sender": "d_d"} for _ in range(3)),
        *({"at": "2024-09-24T08:30:00", "kind": "request", "sender": "d_c"} for _ in range(2)),
    ]
    return raw


def test_unstarted_item_goes_back_at_the_minute_the_owner_returns(base_raw):
    """vm_2 works its own three 10:30–11:30, 11:30–12:00 + 13:30–14:00, 14:00–15:00, then vm_1's
    first 15:00–16:00: begun before vm_1 is back, so vm_2 keeps it. vm_1's second would begin
    at 16:00, the minute vm_1 is on post: it goes back (``doc.rerouted`` to vm_1 at 16:00) and
    vm_1 approves it 16:00–17:00 (A8 「期间」)."""
    world = run(busy_vm2(base_raw))
    assert decision(world, 3) == ("vm_2", "vm_1", at("2024-09-24 16:00"))
    assert decision(world, 4) == ("vm_1", None, at("2024-09-24 17:00"))
    ev = world.log.to_frame()
    back = ev.loc[ev["activity"] == "doc.rerouted"]
    assert [(str(r.target), world.cal.datetime_of(r.time)) for r in back.itertuples()] == [
        ("vm_1", at("2024-09-24 16:00"))
    ]


def test_substitute_keeps_it_when_the_scenario_says_so(base_raw):
    """``hand_back = false``: vm_2 keeps vm_1's second request and approves it 16:00–17:00."""
    world = run(busy_vm2(base_raw, hand_back=False))
    assert decision(world, 4) == ("vm_2", "vm_1", at("2024-09-24 17:00"))
    assert (world.log.to_frame()["activity"] == "doc.rerouted").sum() == 0


def test_documents_out_of_scope_wait_for_the_owner(base_raw):
    """K59 ``scope.documents = false``: vm_1's requests are not handed over; they wait for
    vm_1, on post at 16:00: 16:00–17:00, then 17:00–17:30 and Wed 08:30–09:00."""
    world = run(busy_vm2(base_raw, scope={"documents": False}))
    assert decision(world, 3) == ("vm_1", None, at("2024-09-24 17:00"))
    assert decision(world, 4) == ("vm_1", None, at("2024-09-25 09:00"))


def ledger_with_leave(*fixed_leave: dict[str, Any]) -> dict[str, Any]:
    raw = ledger_raw()
    raw["leaders"] = [
        {"id": "mayor", "role": "mayor", "portfolio": ["d_b"]},
        {
            "id": "vm_exec",
            "role": "executive_vice_mayor",
            "portfolio": ["d_a"],
            "substitute": "vm_1",
        },
        {"id": "vm_1", "role": "vice_mayor", "substitute": "vm_exec"},
        {"id": "sg", "role": "secretary_general"},
    ]
    raw["leave"] = {"fixed": list(fixed_leave)}
    return raw


def pushes(w: World) -> list[tuple[str, str | None, dt.datetime]]:
    ev = w.log.to_frame()
    rows = ev.loc[ev["activity"].isin(["cadence.dekad_push", "cadence.monthly_dispatch"])]
    return [
        (str(r.actor), None if isinstance(r.on_behalf, float) else str(r.on_behalf),
         w.cal.datetime_of(r.time))
        for r in rows.itertuples()
    ]  # fmt: skip


def clean(w: World) -> World:
    violations = check_log(w.log.to_frame(), w.log.cases_frame(), w.org, w.cal, scenario=w.sc)
    assert violations == [], "\n".join(map(str, violations))
    return w


def test_dekad_push_by_the_substitute_vice_mayor():
    """vm_exec is out of the city on Mon 03-10: vm_1, the 补位 vice mayor, convenes the 上旬
    push at 08:30 for vm_exec and pushes the yellow item 08:30–09:40 (A8, A70; K59)."""
    away = {"who": "vm_exec", "start": "2025-03-10", "end": "2025-03-10", "reason": "out_of_city"}
    w = clean(run_with_decision(
        ledger_with_leave(away), "2025-03-03T09:00", deadline_working_days=20, work_minutes=13500
    ))  # fmt: skip
    assert pushes(w)[0] == ("vm_1", "vm_exec", at("2025-03-10 08:30"))
    assert item_events(w, w.decided[0])[4] == (
        "ledger.pushed",
        "vm_1",
        "yellow",
        at("2025-03-10 09:40"),
        None,
    )


def test_dekad_push_waits_for_a_vice_mayor_away_for_study():
    """A study absence does not trigger 补位 (A8, AMB-07): the push waits for vm_exec, back
    Tue 03-11 08:30 — a day late, held on the return (INV-S05 accepts it), never done while
    away."""
    away = {"who": "vm_exec", "start": "2025-03-10", "end": "2025-03-10", "reason": "study"}
    w = run_with_decision(
        ledger_with_leave(away), "2025-03-03T09:00", deadline_working_days=20, work_minutes=13500
    )
    assert pushes(w)[0] == ("vm_exec", None, at("2025-03-11 08:30"))
    sc = w.sc
    assert check_log(w.log.to_frame(), w.log.cases_frame(), w.org, w.cal, scenario=sc) == []


def test_monthly_dispatch_by_the_executive_vice_mayor():
    """The mayor is on a visit on Mon 03-31: the executive VM, presiding over the government's
    work (A6; AMB-09), holds the 月调度 after the own 下旬 push (08:30–09:40): 2 h 10 min to
    11:50, and puts the red item under 督办 for the mayor."""
    away = {"who": "mayor", "start": "2025-03-31", "end": "2025-03-31", "reason": "visit"}
    w = clean(run_with_decision(
        ledger_with_leave(away), "2025-03-03T09:00", deadline_working_days=20, work_minutes=13500
    ))  # fmt: skip
    assert pushes(w)[-2:] == [
        ("vm_exec", None, at("2025-03-31 08:30")),
        ("vm_exec", "mayor", at("2025-03-31 08:30")),
    ]
    ev = w.log.to_frame()
    sup = ev.loc[ev["activity"] == "outcome.supervise"].iloc[0]
    assert (str(sup["actor"]), str(sup["on_behalf"]), w.cal.datetime_of(sup["time"])) == (
        "vm_exec",
        "mayor",
        at("2025-03-31 11:50"),
    )


@pytest.mark.parametrize("remote", ["none", "all"])
def test_no_leader_acts_while_away_unless_remote_acts_are_allowed(base_raw, remote):
    """The mayor away Tue–Wed: the leave approval of vm_1's absence reported on Tue (A80) is
    given by the executive VM for the mayor (A6), never by the absent mayor — unless remote
    acts are allowed (K61), when the mayor approves from afar."""
    away = [
        {"who": "mayor", "start": "2024-09-24", "end": "2024-09-25", "reason": "visit"},
        {"who": "vm_1", "start": "2024-09-25", "end": "2024-09-27", "reason": "vacation"},
    ]
    raw = scenario(base_raw, {"policy": "designated", "remote_acts": remote}, away)
    sc = make_scenario(raw)
    w = simulate(sc)
    ev = w.log.to_frame()
    approved = ev.loc[ev["activity"] == "leave.approved"]
    got = [(str(r.actor), w.cal.datetime_of(r.time)) for r in approved.itertuples()]
    # vm_1's leave is reported a day ahead of its start (Tue 08:30), the mayor away since then
    expected = "mayor" if remote == "all" else "vm_exec"
    assert (expected, at("2024-09-24 08:30")) in got
    clean(w)


@functools.cache
def absent_push_world() -> World:
    """:func:`study_push_world`, simulated once for the injections (read only)."""
    return clean(study_push_world())


def study_push_world() -> World:
    """vm_exec away Fri 03-07 … Mon 03-10 and the mayor Fri 03-28 … Mon 03-31: the 03-10 push
    and the 03-31 dispatch fall inside the absences (not at their first minute)."""
    away = {"who": "vm_exec", "start": "2025-03-07", "end": "2025-03-10", "reason": "out_of_city"}
    mayor = {"who": "mayor", "start": "2025-03-28", "end": "2025-03-31", "reason": "visit"}
    return run_with_decision(
        ledger_with_leave(away, mayor), "2025-03-03T09:00", deadline_working_days=20,
        work_minutes=13500,
    )  # fmt: skip


def _found(w: World, events) -> list[tuple[str, int]]:
    got = check_log(events, w.log.cases_frame(), w.org, w.cal, scenario=w.sc)
    return [(v.invariant, v.events[0]) for v in got]


@pytest.mark.parametrize(
    ("activity", "actor", "absent"),
    [
        ("cadence.dekad_push", "vm_1", "vm_exec"),  # the push convened by the absent VM
        ("ledger.pushed", "vm_1", "vm_exec"),  # an item pushed by the absent VM
        ("cadence.monthly_dispatch", "vm_exec", "mayor"),  # the absent mayor dispatching
        ("outcome.supervise", "vm_exec", "mayor"),  # … and putting an item under 督办
    ],
)
def test_an_injected_act_by_an_absent_leader_is_reported_exactly(activity, actor, absent):
    """Whatever the act, INV-L07 reports the one event done by a leader while away."""
    w = absent_push_world()
    ev = w.log.to_frame()
    row = ev.index[(ev["activity"] == activity) & (ev["actor"] == actor)][0]
    bad = ev.copy()
    bad["actor"] = bad["actor"].astype(object)
    bad["on_behalf"] = bad["on_behalf"].astype(object)
    bad.at[row, "actor"], bad.at[row, "on_behalf"] = absent, None
    bad["actor"] = bad["actor"].astype(ev["actor"].dtype)
    bad["on_behalf"] = bad["on_behalf"].astype(ev["on_behalf"].dtype)
    assert _found(w, bad) == [("INV-L07", int(row))]


def test_injected_work_begun_for_a_returned_owner_is_reported(base_raw):
    """vm_1's second request approved by vm_2 for vm_1, begun at 16:00 when vm_1 was back:
    INV-L10 (A8 「期间」) reports exactly that event."""
    world = run(busy_vm2(base_raw))
    ev = world.log.to_frame()
    case = ev.loc[ev["activity"] == "leader.approved", "case"].iloc[4]
    row = ev.index[(ev["case"] == case) & (ev["activity"] == "leader.approved")][0]
    bad = ev.copy()
    for col, value in (("actor", "vm_2"), ("on_behalf", "vm_1")):
        bad[col] = bad[col].astype(object)
        bad.at[row, col] = value
        bad[col] = bad[col].astype(ev[col].dtype)
    assert _found(world, bad) == [("INV-L10", int(row))]


def test_a_model_whose_absent_leaders_act_is_caught(monkeypatch: pytest.MonkeyPatch):
    """Broken on purpose: every leader may act while away (as if remote acts were on, but the
    scenario says none) — the pushes and the dispatch by the absent leaders are caught."""
    monkeypatch.setattr(World, "can_act", lambda self, person: True)
    w = study_push_world()
    ev = w.log.to_frame()
    found = check_log(ev, w.log.cases_frame(), w.org, w.cal, scenario=w.sc)
    acts = {str(ev.at[v.events[0], "activity"]) for v in found if v.invariant == "INV-L07"}
    assert acts == {"cadence.dekad_push", "cadence.monthly_dispatch"}


@pytest.mark.parametrize("shift", ["earlier", "later"])
def test_january_whose_last_thursday_is_a_holiday_keeps_its_meeting(shift):
    """2025-01-30, the last Thursday of January, is in the Spring Festival holiday (01-28 …
    02-04): inside its month the meeting moves to Mon 01-27 — ``later`` finds no working day
    left in January and turns back (A45 「原则上每月召开1次」); K39's next working day is
    02-05, in February."""
    from govsim.api import work_calendar
    from govsim.rules.meetings import executive_meeting_days

    raw = ledger_raw()
    raw["scenario"].update(start="2025-01-01", horizon_days=90)
    cal = work_calendar(make_scenario(raw))
    assert executive_meeting_days(cal, "monthly", 3, -1, shift)[:2] == [
        dt.date(2025, 1, 27), dt.date(2025, 2, 27)
    ]  # fmt: skip
    assert executive_meeting_days(cal, "monthly", 3, -1, "next_working_day")[0] == dt.date(
        2025, 2, 5
    )
