"""Agents that work only in office hours: the General Office and each leader.

An agent is a queue served by ``capacity`` workers (priority = urgency, then arrival). Work
on an item starts when a worker is free and takes ``effort`` working minutes of the calendar,
so it pauses over lunch, evenings, weekends and holidays — and, for a leader, while the
leader is away (A80) (DESIGN: Agents own their queues).
"""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Generator
from typing import Any

import simpy
from simpy.events import Event

from govsim.core.calendar import WorkCalendar
from govsim.model.availability import Availability
from govsim.model.other_time import DeskTime

URGENT, NORMAL = 0, 1


class WorkerPool:
    """``capacity`` workers and a waiting line, scheduled exactly like ``simpy.PriorityResource``.

    A request waits in line by ``(priority, time requested)``, first come first served among
    equals; a request is granted by scheduling its event now, as SimPy does. A release frees
    the worker at once and schedules a release event that, when processed, grants the head of
    the line. Each trigger grants at most the head, as in SimPy. The events are the ones
    ``PriorityResource`` schedules, in the same order, so a simulation gives the same results
    with either; this class only does it with less work. Requests are made at the current
    time, which never decreases, so the line of each priority is first-in first-out and the
    whole line is those lines in priority order: adding and serving are O(1), where SimPy
    re-sorts the whole line on every request (quadratic in a growing backlog).

    A withdrawn request (:meth:`cancel`, an item moved to a substitute, A8) stays in its line
    and is skipped when it reaches the head, and the number waiting is kept as a count, so
    neither costs time in proportion to the line (the 补位 policies read it on every routing).
    """

    __slots__ = (
        "_grant_next",
        "_lines",
        "_ordered",
        "_priorities",
        "_withdrawn",
        "capacity",
        "env",
        "users",
        "waiting",
    )

    def __init__(self, env: simpy.Environment, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError('"capacity" must be > 0.')
        self.env = env
        self.capacity = capacity
        self.users: list[Event] = []
        self._lines: dict[int, deque[Event]] = {}
        self._priorities: list[int] = []
        self._ordered: list[deque[Event]] = []  # the lines in priority order
        self._withdrawn: set[Event] = set()  # cancelled, still in a line until its head
        self.waiting = 0  # requests in line, not counting withdrawn ones
        self._grant_next = self._grant  # the release events' callback

    @property
    def count(self) -> int:
        """Number of workers busy."""
        return len(self.users)

    @property
    def queue(self) -> list[Event]:
        """The waiting requests, first to be served first (as ``PriorityResource.queue``)."""
        withdrawn = self._withdrawn
        return [e for p in self._priorities for e in self._lines[p] if e not in withdrawn]

    def request(self, priority: int) -> Event:
        """An event that triggers when a worker is assigned (lower ``priority`` first)."""
        event = Event(self.env)
        line = self._lines.get(priority)
        if line is None:
            line = self._lines[priority] = deque()
            self._priorities = sorted(self._lines)
            self._ordered = [self._lines[p] for p in self._priorities]
        line.append(event)
        self.waiting += 1
        self._grant(None)
        return event

    def _grant(self, _: Event | None) -> None:
        if len(self.users) < self.capacity:
            for line in self._ordered:
                while line:
                    event = line.popleft()
                    if self._withdrawn and event in self._withdrawn:
                        self._withdrawn.remove(event)
                        continue
                    self.waiting -= 1
                    self.users.append(event)
                    event.succeed()
                    return

    def cancel(self, request: Event) -> None:
        """Withdraw a request that has not been granted (no-op otherwise, or if withdrawn)."""
        if not request.triggered and request not in self._withdrawn:
            self._withdrawn.add(request)
            self.waiting -= 1

    def release(self, request: Event) -> None:
        """Free the worker held by ``request``; the next in line is served by a release event."""
        if request in self.users:
            self.users.remove(request)
        event = Event(self.env)
        event.callbacks.append(self._grant_next)
        event.succeed()


class Office:
    """A worker pool that spends ``effort / share`` office minutes on each item it handles.

    ``share`` is the part of office time this agent gives to documents (a leader also chairs
    meetings, receives visitors …); it stretches every effort by ``1 / share``. With an
    ``availability``, work pauses while the agent is away (A80); with ``desk_time``, work
    begins only where it ends before the agent's next block away from the desk (K28).
    """

    def __init__(
        self,
        env: simpy.Environment,
        cal: WorkCalendar,
        name: str,
        capacity: int,
        share: float = 1.0,
        availability: Availability | None = None,
        desk_time: DeskTime | None = None,
    ) -> None:
        self.env, self.cal, self.name = env, cal, name
        self.share = share
        self.resource = WorkerPool(env, capacity)
        away = availability is not None and availability.has_absences(name)
        self.availability = availability if away else None
        busy = desk_time is not None and desk_time.has_blocks(name)
        self.desk_time = desk_time if busy else None
        self.absence_signal = env.event()  # fires when an absence of this agent starts

    @property
    def inbox(self) -> int:
        """Items held: being worked on plus waiting."""
        return len(self.resource.users) + self.resource.waiting

    def signal_absence(self) -> None:
        """Wake the items waiting in this inbox (they may move to a substitute, A8)."""
        fired, self.absence_signal = self.absence_signal, self.env.event()
        fired.succeed()

    def perform(self, effort: float) -> Generator[Any, Any, tuple[float, float]]:
        """Work ``effort`` working minutes for a granted request, pausing while the agent is
        away; returns ``(start, office_minutes)``."""
        env = self.env
        now = env.now
        occupied = effort / self.share
        begin, finish = self.when(now, occupied)
        if finish > now:
            yield env.timeout(finish - now)
        return begin, occupied

    def when(self, t: float, occupied: float) -> tuple[float, float]:
        """``(begin, finish)`` of ``occupied`` office minutes of work granted at ``t``: begun
        at the next office opening on post (A80), outside the agent's blocks (K28)."""
        cal, avail = self.cal, self.availability
        name = self.name

        def begin_at(s: float) -> float:
            if occupied <= 0:
                return s
            return cal.next_open(s if avail is None else avail.next_present(name, s))

        def finish_at(s: float) -> float:
            return (
                cal.finish_time(s, occupied)
                if avail is None
                else avail.finish_time(name, s, occupied)
            )

        if self.desk_time is None:
            return begin_at(t), finish_at(t)
        return self.desk_time.place(name, t, begin_at, finish_at)

    def work(self, priority: int, effort: float) -> Generator[Any, Any, tuple[float, float]]:
        """Queue, then work ``effort`` working minutes; returns ``(start, office_minutes)``."""
        pool = self.resource
        req = pool.request(priority)
        try:
            yield req
            if self.availability is None and self.desk_time is None:
                # :meth:`perform` for an agent never away, inline (the same timeout, one
                # generator fewer on the hot path).
                env, cal = self.env, self.cal
                now = env.now
                occupied = effort / self.share
                finish = cal.finish_time(now, occupied)
                if finish > now:
                    yield env.timeout(finish - now)
                result = (cal.next_open(now) if occupied > 0 else now), occupied
            else:
                result = yield from self.perform(effort)
        except GeneratorExit:
            pool.cancel(req)
            raise
        except BaseException:
            pool.cancel(req)
            pool.release(req)
            raise
        pool.release(req)
        return result


def until(env: simpy.Environment, t: float) -> simpy.Timeout:
    """A timeout that fires with ``env.now == t`` exactly (never before ``t``).

    ``env.timeout(t - env.now)`` can land one float ulp beside ``t``; deadlines are logged as
    clock values and deemed consent fires *at* the deadline (A59 「逾期不回复视为无不同意见」),
    so the delay is one with ``now + delay == t`` — or, if no delay gives exactly ``t``, the
    smallest with ``now + delay > t``.
    """
    now = env.now
    if t <= now:
        return env.timeout(0)
    delay = t - now
    if now + delay != t:
        delay = _smallest_delay(now, t)
    return env.timeout(delay)


def _smallest_delay(now: float, t: float) -> float:
    """The smallest float ``d >= 0`` with ``now + d >= t`` (``0 <= now < t``), by bisection
    over the bit patterns of non-negative floats, which are ordered like the floats."""
    lo, hi = 0, struct.unpack("<q", struct.pack("<d", t))[0]  # now + 0 < t <= now + t
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if now + struct.unpack("<d", struct.pack("<q", mid))[0] >= t:
            hi = mid
        else:
            lo = mid
    return struct.unpack("<d", struct.pack("<q", hi))[0]
