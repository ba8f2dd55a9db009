"""The agenda step handed over when the mayor will not be back (A45 「市长不能出席会议时」
委托, A50 「报市长确定」), worked by hand.

Calendar and organisation of ``test_meetings``: the executive meeting of Wed 2025-02-05; the
GO proposes its arrangement at 09:30 and the SG reviews it by 10:30 on Fri 01-24, when the
agenda step is queued for the mayor, who is on post. Sat 01-25 is a rest day and Sun 01-26 a
make-up working day. No topic: the meeting's arrangement is what is looked at.
"""

from __future__ import annotations

from factory import fixed
from test_meetings import at, raw_scenario, run, when


def busy_mayor_raw(back: str) -> dict:
    """A request of d_b's (the mayor's portfolio) reaches the mayor at 17:30 on 01-23; its
    approval takes 8 working hours from 08:30 on 01-24, so the mayor is still at it when the
    agenda step is queued at 10:30, and would end it at 09:00 on 01-26 — but the mayor is
    away (out of the city) from 08:30 on 01-26 until the close of ``back``."""
    raw = raw_scenario(None)
    raw["leader_work"]["approve"] = fixed(hours=8)
    raw["load"]["scheduled"] = [{"at": "2025-01-23T15:30:00", "kind": "request", "sender": "d_b"}]
    raw["leave"] = {
        "fixed": [{"who": "mayor", "start": "2025-01-26", "end": back, "reason": "out_of_city"}]
    }
    return raw


def received_mayor_raw() -> dict:
    """The mayor away from 01-26 to the close of 02-05 and at a reception from 10:00 to the
    close on 01-24 (K28), with nothing else to do."""
    raw = busy_mayor_raw("2025-02-05")
    raw["load"]["scheduled"] = []
    block = {"start": "2025-01-24T10:00:00", "end": "2025-01-24T17:30:00"}
    raw["other_time"] = {"fixed": [{"who": "mayor", "kind": "reception", **block}]}
    return raw


def test_the_step_moves_to_the_stand_in_when_the_mayor_leaves_before_starting_it():
    """Away until the close of 02-05, after the opening: when the absence starts at 08:30 on
    01-26 the step leaves the mayor's inbox; the executive VM, who acts for the mayor (A6),
    entrusts himself on the mayor's behalf and fixes the agenda by 09:00 (30 min); the
    meeting opens on time with him in the chair."""
    world, ev = run(busy_mayor_raw("2025-02-05"))
    assert when(world, ev, "sg.arrangement_reviewed") == at("2025-01-24T10:30")
    entrusted = ev.loc[ev["activity"] == "meeting.entrusted"].iloc[0]
    assert world.cal.datetime_of(entrusted["time"]) == at("2025-01-26T08:30")
    assert str(entrusted["target"]) == "vm_exec" and str(entrusted["on_behalf"]) == "mayor"
    assert when(world, ev, "mayor.agenda_fixed", actor="vm_exec") == at("2025-01-26T09:00")
    assert when(world, ev, "meeting.opened", actor="vm_exec") == at("2025-02-05T08:30")
    assert not (ev["activity"] == "meeting.postponed").any()


def test_the_mayor_back_in_time_keeps_the_step():
    """Away on 01-26 only: back long before the opening, the mayor keeps the step, ends the
    approval at 09:00 on 01-27 and fixes the agenda by 09:30, then chairs."""
    world, ev = run(busy_mayor_raw("2025-01-26"))
    assert when(world, ev, "leader.approved") == at("2025-01-27T09:00")
    assert when(world, ev, "mayor.agenda_fixed", actor="mayor") == at("2025-01-27T09:30")
    assert not (ev["activity"] == "meeting.entrusted").any()
    assert when(world, ev, "meeting.opened", actor="mayor") == at("2025-02-05T08:30")


def test_a_step_granted_behind_a_block_moves_when_the_absence_starts():
    """The mayor's inbox is free at 10:30 on 01-24, but a reception takes the rest of the day
    (K28): the step would begin at the next opening, 08:30 on 01-26, when the absence has
    begun. It leaves the mayor's inbox and is fixed by the stand-in at 09:00."""
    world, ev = run(received_mayor_raw())
    assert when(world, ev, "meeting.entrusted", actor="vm_exec") == at("2025-01-26T08:30")
    assert when(world, ev, "mayor.agenda_fixed", actor="vm_exec") == at("2025-01-26T09:00")


def test_an_agenda_not_fixed_by_the_opening_is_postponed_at_the_opening():
    """No stand-in (``entrust_when_mayor_away = false``) and the mayor away from 01-26 to the
    close of 02-05 (at a reception when the step is queued): the agenda step waits for the
    mayor, so the meeting is postponed
    (``not_ready``) at its planned opening, 08:30 on 02-05 — logged then, so INV-M10 sees
    why January's meeting (its day moved from the holiday 01-30, K39) did not open. The
    mayor fixes the agenda at 09:00 on 02-06 and it opens on the next working day (K50)."""
    raw = received_mayor_raw()
    raw["meetings"]["executive"] = {"entrust_when_mayor_away": False}
    world, ev = run(raw)
    post = ev.loc[ev["activity"] == "meeting.postponed"]
    assert list(post["outcome"].astype(str)) == ["not_ready"]
    assert when(world, ev, "meeting.postponed") == at("2025-02-05T08:30")
    assert when(world, ev, "mayor.agenda_fixed", actor="mayor") == at("2025-02-06T09:00")
    assert when(world, ev, "meeting.opened", actor="mayor") == at("2025-02-07T08:30")
