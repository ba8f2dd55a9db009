"""Agents that work only in office hours: the General Office and each leader.

An agent is a queue served by ``capacity`` workers (priority = urgency, then arrival). Work
on an item starts when a worker is free and takes ``effort`` working minutes of the calendar,
so it pauses over lunch, evenings, weekends and holidays (DESIGN: Agents own their queues).
"""

from __future__ import annotations

import math
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


def until(env: simpy.Environment, t: float) -> simpy.Timeout:
    """A timeout that fires with ``env.now == t`` exactly (never before ``now``).

    ``env.timeout(t - env.now)`` can land one float ulp beside ``t``; deadlines are logged as
    clock values and deemed consent fires *at* the deadline (A59 「逾期不回复视为无不同意见」),
    so the delay is the smallest one with ``now + delay >= t`` — which is ``t`` itself
    whenever the sum can be.
    """
    now = env.now
    if t <= now:
        return env.timeout(0)
    delay = t - now
    while now + delay < t:
        delay = math.nextafter(delay, math.inf)
    while now + math.nextafter(delay, 0.0) >= t:
        delay = math.nextafter(delay, 0.0)
    return env.timeout(delay)
