"""Ledger work at the units' desks (A70–A73): an item's work is done in sittings at its
department's desk, by at most ``desk_staff`` of the staff at once, and 督办 — a leader's dekad
push (旬推进) or the mayor's monthly dispatch (月调度), A70 — puts its waiting sitting in the
urgent class, ahead of the desk's other waiting jobs. Worked by hand, to the minute."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest
import simpy

from govsim.checks import check_log
from govsim.log import EventLog
from govsim.model.desks import DISCIPLINES, Desk
from govsim.model.ledger import Item, LedgerModel
from govsim.model.ledger_desk import SittingDesk
from govsim.scenario.ledger_models import Ledger
from test_desks import _setting, clock


def _world(staff: int, **ledger: object):
    """A desk of ``staff`` for d_a under urgent_first and its ledger work."""
    _sc, cal, org = _setting(staff)
    env = simpy.Environment()
    log = EventLog(org.actors)
    desk = Desk(env, cal, log, ("d_a", org.code["d_a"]), staff, DISCIPLINES["urgent_first"])
    cfg = Ledger.model_validate({"effort_factor": 1.0, **ledger})
    return env, log, org, cal, desk, SittingDesk(env, desk, cfg), cfg


def _item(case: int, work: float) -> Item:
    return Item(case, "audit", "d_a", "vm_1", 0.0, clock(14, 17, 30), work, work)


@pytest.mark.parametrize("pushed", [False, True])
def test_dekad_push_puts_a_waiting_sitting_ahead(pushed: bool) -> None:
    """One staff member. Friday 09:00: a 60-minute reply (in work until 10:00), a 300-minute
    revision, then a ledger item needing 120 minutes (one sitting). At 09:30 the vice mayor's
    dekad push reviews the item (yellow): 督办 — its sitting jumps the revision.

    Without the push: revision 10:00–12:00, 13:30–16:30; sitting 16:30–17:30 and Monday
    08:30–09:30. With it: sitting 10:00–12:00; revision 13:30–17:30 and Monday 08:30–09:30."""
    env, log, org, cal, desk, work, cfg = _world(1, rhythm={"dekad_push_factor": 0.0})
    item = _item(1, 120.0)
    finished: dict[str, float] = {}

    def note(name: str, ev: simpy.Event) -> None:
        ev.callbacks.append(lambda _e: finished.__setitem__(name, env.now))

    def feed():
        yield env.timeout(clock(4, 9, 0))
        note("reply", desk.submit("reply", 60))
        note("revision", desk.submit("revision", 300))
        note("item", work.start(item))
        yield env.timeout(30)
        if pushed:  # what a 旬推进 session does to the items it reviews (A70)
            item.colour, item.dekad_boost = "yellow", True
            LedgerModel._apply_boosts(SimpleNamespace(cfg=cfg, desks={"d_a": work}), [item])

    env.process(feed())
    env.run()
    assert finished["reply"] == clock(4, 10, 0)
    if pushed:
        assert finished["item"] == clock(4, 12, 0)
        assert finished["revision"] == clock(7, 9, 30)
    else:
        assert finished["revision"] == clock(4, 16, 30)
        assert finished["item"] == clock(7, 9, 30)
    assert item.done == item.total == 120.0
    events = log.to_frame()
    assert check_log(events, log.cases_frame(), org, cal, only=["INV-U01", "INV-U02"]) == []


def test_sittings_take_turns_with_one_keeper() -> None:
    """Two staff, ``desk_staff = 1``, sittings of 100 minutes, ``effort_factor`` 2: items A
    (work 75 → 150 minutes of staff time) and B (work 50 → 100) queued Friday 09:00, then a
    reply of 60. The keeper works A 09:00–10:40, B 10:40–12:20 (13:30–13:50 after lunch),
    A's last 50 minutes 13:50–14:40; the other staff member takes the reply 09:00–10:00."""
    env, log, org, cal, desk, work, _cfg = _world(2, sitting_minutes=100.0, effort_factor=2.0)
    a, b = _item(1, 75.0), _item(2, 50.0)
    finished: dict[str, float] = {}

    def feed():
        yield env.timeout(clock(4, 9, 0))
        for name, ev in (("a", work.start(a)), ("b", work.start(b))):
            ev.callbacks.append(lambda _e, name=name: finished.__setitem__(name, env.now))
        reply = desk.submit("reply", 60)
        reply.callbacks.append(lambda e: finished.__setitem__("reply", e.value))
        yield env.timeout(0)

    env.process(feed())
    env.run()
    assert finished == {
        "reply": clock(4, 10, 0),
        "b": clock(4, 13, 50),
        "a": clock(4, 14, 40),
    }
    assert (a.done, b.done) == (75.0, 50.0)
    assert desk.held == 0 and not math.isnan(a.progress)
    events = log.to_frame()
    assert check_log(events, log.cases_frame(), org, cal, only=["INV-U01", "INV-U02"]) == []
