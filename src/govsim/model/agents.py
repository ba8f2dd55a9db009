"""Agents that work only in office hours: the General Office and each leader.

An agent is a queue served by ``capacity`` workers (priority = urgency, then arrival). Work
on an item starts when a worker is free and takes ``effort`` working minutes of the calendar,
so it pauses over lunch, evenings, weekends and holidays (DESIGN: Agents own their queues).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import simpy

from govsim.calendar import WorkCalendar

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
    ) -> None:
        self.env, self.cal, self.name = env, cal, name
        self.share = share
        self.resource = simpy.PriorityResource(env, capacity=capacity)

    def work(self, priority: int, effort: float) -> Generator[Any, Any, tuple[float, float]]:
        """Queue, then work ``effort`` working minutes; returns ``(start, office_minutes)``."""
        env, cal = self.env, self.cal
        with self.resource.request(priority=priority) as req:
            yield req
            now = env.now
            occupied = effort / self.share
            finish = cal.finish_time(now, occupied)
            if finish > now:
                yield env.timeout(finish - now)
            return cal.next_open(now) if occupied > 0 else now, occupied
