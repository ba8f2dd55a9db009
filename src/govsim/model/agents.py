"""Agents that work only in office hours: the General Office and each leader.

An agent is a queue served by ``capacity`` workers (priority = urgency, then arrival). Work
on an item starts when a worker is free and takes ``effort`` working minutes of the calendar,
so it pauses over lunch, evenings, weekends and holidays — and, for a leader, while the
leader is away (A80) (DESIGN: Agents own their queues).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from govsim.calendar import WorkCalendar
from govsim.model.availability import Availability

URGENT, NORMAL = 0, 1


class Office:
    """A worker pool that spends ``effort / share`` office minutes on each item it handles.

    ``share`` is the part of office time this agent gives to documents (a leader also chairs
    meetings, receives visitors …); it stretches every effort by ``1 / share``.
    """

    def __init__(
        self,
        env: simpy.Environment,
        cal: WorkCalendar,
        name: str,
        capacity: int,
        share: float = 1.0,
        availability: Availability | None = None,
    ) -> None:
        self.env, self.cal, self.name = env, cal, name
        self.share = share
        self.resource = simpy.PriorityResource(env, capacity=capacity)
        away = availability is not None and availability.has_absences(name)
        self.availability = availability if away else None
        self.absence_signal = env.event()  # fires when an absence of this agent starts

    @property
    def inbox(self) -> int:
        """Items held: being worked on plus waiting."""
        return self.resource.count + len(self.resource.queue)

    def signal_absence(self) -> None:
        """Wake the items waiting in this inbox (they may move to a substitute, A8)."""
        fired, self.absence_signal = self.absence_signal, self.env.event()
        fired.succeed()

    def perform(self, effort: float) -> Generator[Any, Any, tuple[float, float]]:
        """Work ``effort`` working minutes for a granted request, pausing while the agent is
        away; returns ``(start, office_minutes)``."""
        env, cal = self.env, self.cal
        now = env.now
        occupied = effort / self.share
        if self.availability is None:
            begin, finish = now, cal.finish_time(now, occupied)
        else:
            begin = self.availability.next_present(self.name, now)
            finish = self.availability.finish_time(self.name, now, occupied)
        if finish > now:
            yield env.timeout(finish - now)
        return (cal.next_open(begin) if occupied > 0 else now), occupied

    def work(self, priority: int, effort: float) -> Generator[Any, Any, tuple[float, float]]:
        """Queue, then work ``effort`` working minutes; returns ``(start, office_minutes)``."""
        with self.resource.request(priority=priority) as req:
            yield req
            return (yield from self.perform(effort))
