"""A hand-worked deterministic case across a weekend, a 调休 Sunday and National Day 2024.

Calendar facts (State Council notice for 2024): Sun 2024-09-29 is a make-up working day;
2024-10-01 … 10-07 are holidays; office hours 08:30–12:00 and 13:30–17:30 (450 min/day).
One GO reviewer, review 2 h, transfer 30 min, revision 1 working day, approval 60 min,
reading 30 min, instruction limit 3 working days, reply 2 working days — all fixed.
"""

from __future__ import annotations

import datetime as dt

from factory import make_scenario
from govsim.model.world import simulate


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def events_of(world, case: int) -> list[tuple[str, str, str | None, dt.datetime]]:
    ev = world.log.to_frame()
    ev = ev.loc[ev["case"] == case]
    return [
        (
            str(r.activity),
            str(r.actor),
            None if isinstance(r.outcome, float) else str(r.outcome),
            world.cal.datetime_of(r.time),
        )
        for r in ev.itertuples()
    ]


def test_hand_worked_case(base_raw):
    base_raw["load"]["scheduled"] = [
        # Doc 0: a request from d_a on Friday 16:00 that carries an instruction.
        {"at": "2024-09-27T16:00:00", "kind": "request", "sender": "d_a", "instruction": True},
        # Doc 1: a poor report from county c1 on Monday 11:00 about d_b's matter.
        {
            "at": "2024-09-30T11:00:00",
            "kind": "report",
            "sender": "c1",
            "matter": "d_b",
            "poor_quality": True,
        },
        # Doc 2: a major request from d_b on Monday 11:30, queued behind doc 1 at the GO.
        {"at": "2024-09-30T11:30:00", "kind": "request", "sender": "d_b", "major": True},
    ]
    world = simulate(make_scenario(base_raw))

    # Doc 0. Review 2 h: Fri 16:00–17:30 (1.5 h), Sat rest, Sun 09-29 is a working day:
    # 08:30–09:00 → 09:00. Approval 60 min → 10:00. Transfer 30 min → 10:30.
    # Deadline: day of transfer not counted; 09-30 WD1, holiday, 10-08 WD2, 10-09 WD3 → 17:30.
    # Reply 900 working min from Sun 10:30: 330 that day, 450 on 09-30, 120 on 10-08 → 10:30.
    assert events_of(world, 0) == [
        ("doc.submitted", "d_a", None, at("2024-09-27 16:00")),
        ("go.received", "GO", None, at("2024-09-27 16:00")),
        ("go.reviewed", "GO", "pass", at("2024-09-29 09:00")),
        ("doc.routed", "GO", None, at("2024-09-29 09:00")),
        ("leader.approved", "vm_exec", None, at("2024-09-29 10:00")),
        ("leader.instructed", "vm_exec", None, at("2024-09-29 10:00")),
        ("go.transferred", "GO", None, at("2024-09-29 10:30")),
        ("dept.replied", "d_a", "on_time", at("2024-10-08 10:30")),
        ("doc.closed", "GO", None, at("2024-10-08 10:30")),
    ]
    ev = world.log.to_frame()
    transfer = ev.loc[(ev["case"] == 0) & (ev["activity"] == "go.transferred")].iloc[0]
    assert world.cal.datetime_of(transfer["deadline"]) == at("2024-10-09 17:30")

    # Doc 1. Review 11:00–12:00 + 13:30–14:30 → returned 14:30 (A63). Revision 450 min:
    # 14:30–17:30 (180), holiday week, 10-08 08:30–12:00 (210) + 13:30–14:30 (60) → 14:30.
    # Second review 14:30–16:30 passes; routed to the mayor (d_b's portfolio); read → 17:00.
    assert events_of(world, 1) == [
        ("doc.submitted", "c1", None, at("2024-09-30 11:00")),
        ("go.received", "GO", None, at("2024-09-30 11:00")),
        ("go.reviewed", "GO", "return", at("2024-09-30 14:30")),
        ("doc.submitted", "c1", None, at("2024-10-08 14:30")),
        ("go.received", "GO", None, at("2024-10-08 14:30")),
        ("go.reviewed", "GO", "pass", at("2024-10-08 16:30")),
        ("doc.routed", "GO", None, at("2024-10-08 16:30")),
        ("leader.circle_read", "mayor", None, at("2024-10-08 17:00")),
        ("doc.closed", "GO", None, at("2024-10-08 17:00")),
    ]

    # Doc 2 waits for the single reviewer until 14:30, is reviewed by 16:30, goes to the
    # mayor as a major matter (A57) and is approved by 17:30 — the close of office.
    assert events_of(world, 2) == [
        ("doc.submitted", "d_b", None, at("2024-09-30 11:30")),
        ("go.received", "GO", None, at("2024-09-30 11:30")),
        ("go.reviewed", "GO", "pass", at("2024-09-30 16:30")),
        ("doc.routed", "GO", None, at("2024-09-30 16:30")),
        ("leader.approved", "mayor", None, at("2024-09-30 17:30")),
        ("doc.closed", "GO", None, at("2024-09-30 17:30")),
    ]
    review = ev.loc[(ev["case"] == 2) & (ev["activity"] == "go.reviewed")].iloc[0]
    assert world.cal.datetime_of(review["start"]) == at("2024-09-30 14:30")


def test_leader_share_stretches_effort(base_raw):
    """With half of office time for documents, a 60-minute approval occupies 120 minutes."""
    base_raw["leader_work"]["document_share"] = 0.5
    base_raw["load"]["scheduled"] = [
        {"at": "2024-09-23T08:30:00", "kind": "request", "sender": "d_a"},
    ]
    world = simulate(make_scenario(base_raw))
    acts = events_of(world, 0)
    assert ("leader.approved", "vm_exec", None, at("2024-09-23 12:30")) not in acts  # lunch
    # Review 08:30–10:30, approval 120 office minutes: 10:30–12:00 (90) + 13:30–14:00 (30).
    assert ("leader.approved", "vm_exec", None, at("2024-09-23 14:00")) in acts


def test_late_reply_is_overdue_then_late(base_raw):
    """Reply takes 5 working days against a 3-day limit: overdue at the deadline, then late."""
    base_raw["instructions"]["reply"] = {"dist": "fixed", "value_days": 5}
    base_raw["load"]["scheduled"] = [
        {"at": "2024-09-23T08:30:00", "kind": "request", "sender": "d_a", "instruction": True},
    ]
    world = simulate(make_scenario(base_raw))
    acts = events_of(world, 0)
    # Review → 10:30, approval → 11:30, transfer → 12:00 Mon 09-23. Deadline: Thu 09-26 17:30.
    # Reply 2250 min: Mon 13:30–17:30 (240), Tue–Fri (1800) → 2040, Sun 09-29 make-up day:
    # 210 more → 08:30 + 210 min, which is exactly 12:00.
    assert acts[-3:] == [
        ("instruction.overdue", "GO", None, at("2024-09-26 17:30")),
        ("dept.replied", "d_a", "late", at("2024-09-29 12:00")),
        ("doc.closed", "GO", None, at("2024-09-29 12:00")),
    ]
