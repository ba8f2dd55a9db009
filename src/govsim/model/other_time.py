"""Leaders' other time: blocks away from the desk while on duty (K28; A41, A89, A90).

A leader's office time does not all go to documents and meetings: 调研 (research trips, A89),
receiving petitioners and visitors (A41), external meetings and events. Each block is drawn
before the simulation starts, per leader and kind of block, from the leader's own random
stream (so variants compare on common random numbers). During a block the leader does no
document work — a piece of work begins only when it can be finished before the leader's
next block, so no act spans one — but the leader is on post: a block is not an absence, it
triggers no 补位, and the leader may be reached for anything else (A80 reachability).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govsim.core.calendar import WorkCalendar
from govsim.core.distributions import make_sampler
from govsim.core.org import Organisation
from govsim.model.availability import Absence
from govsim.model.rng import Streams
from govsim.rules.meetings import executive_meeting_days, members, observers, plenary_days
from govsim.scenario.availability_models import EngagementRate, OtherTime

if TYPE_CHECKING:
    from govsim.model.world import World
    from govsim.scenario.meeting_models import Meetings

DAY = 1440.0
Span = tuple[float, float]


@dataclass(frozen=True)
class Engagement:
    """One block ``[start, end)`` of clock time a leader spends away from the desk."""

    person: str
    kind: str
    start: float
    end: float


def rates_of(ot: OtherTime, leader: str, role: str) -> dict[str, EngagementRate]:
    """The leader's blocks per kind: the role's, each kind overridden per leader (K28)."""
    own = {
        o.kind: EngagementRate(per_week=o.per_week, duration=o.duration)
        for o in ot.leaders
        if o.who == leader
    }
    return {**ot.roles.get(role, {}), **own}  # type: ignore[call-overload]


def draw_engagements(
    ot: OtherTime,
    org: Organisation,
    cal: WorkCalendar,
    streams: Streams,
    absences: list[Absence] = (),  # type: ignore[assignment]
    meetings: dict[str, list[Span]] | None = None,
) -> list[Engagement]:
    """Every block of one replication, in start order. A block over one of the leader's
    planned regular ``meetings`` (:func:`regular_meetings`) moves to their end; a block that
    then overlaps one of the leader's absences (the leader is away, not busy) or an earlier
    block is dropped; its draws are still taken, so the others' random numbers do not move."""
    workdays = [i for i in range(cal.days) if cal.is_working_day(cal.date_of(i * DAY))]
    away: dict[str, list[tuple[float, float]]] = {}
    for a in absences:
        away.setdefault(a.person, []).append((a.start, a.end))
    out: list[Engagement] = []
    for leader, role in org.leader_roles.items():
        drawn = [
            Engagement(fx.who, fx.kind, cal.clock_of(fx.start), cal.clock_of(fx.end))
            for fx in ot.fixed
            if fx.who == leader
        ]
        for kind, rate in sorted(rates_of(ot, leader, role).items()):
            drawn += _random_blocks(leader, kind, rate, cal, streams, workdays)
        spans = (meetings or {}).get(leader, [])
        out += _disjoint([_after(e, spans, cal) for e in drawn], away.get(leader, []))
    out.sort(key=lambda e: (e.start, e.person))
    return out


def regular_meetings(
    mt: Meetings | None, org: Organisation, cal: WorkCalendar
) -> dict[str, list[Span]]:
    """Each leader's planned regular meetings, in time order (ASSUMPTION): the executive
    meetings (K39, A45) and plenaries (A44) are fixed in advance, so a leader who sits in one
    (a member, or a leader who attends, A44, A45, A51) plans no other time over it. A meeting
    is held from the office opening of its day for the longest it may take: its base length
    and a full agenda (K43)."""
    if mt is None or not mt.enabled:
        return {}
    ex, pl = mt.executive, mt.plenary
    days = executive_meeting_days(cal, ex.cadence, ex.weekday, ex.week_of_month, ex.holiday_shift)
    plans = [("executive", d, ex) for d in days]
    plans += [("plenary", d, pl) for d in plenary_days(cal, pl.months, pl.day_of_month)]
    out: dict[str, list[Span]] = {}
    for kind, day, section in sorted(plans, key=lambda p: p[1]):
        opens = cal.office_open(day)
        span = (
            opens,
            cal.finish_time(opens, section.base_minutes + section.topic_minutes * section.capacity),
        )
        for leader in (*members(org, kind), *observers(org, kind)):
            if leader in org.leader_roles:
                out.setdefault(leader, []).append(span)
    return out


def _after(e: Engagement, spans: list[Span], cal: WorkCalendar) -> Engagement:
    """The block, moved to begin when a planned meeting it overlaps ends (its office time
    kept): the meeting was fixed first (K39, A45)."""
    for a, b in spans:
        if e.start < b and a < e.end:
            length = cal.work_elapsed(e.end) - cal.work_elapsed(e.start)
            start = cal.next_open(b)
            e = Engagement(e.person, e.kind, start, cal.finish_time(start, length))
    return e


def _random_blocks(
    leader: str,
    kind: str,
    rate: EngagementRate,
    cal: WorkCalendar,
    streams: Streams,
    workdays: list[int],
) -> list[Engagement]:
    """Poisson blocks of one kind: a working day at random, a length, a start within the
    day's office time such that the block ends by the close of office."""
    rng = streams[f"other_time/{leader}/{kind}"]
    wmpd = cal.working_minutes_per_day
    duration = make_sampler(rate.duration, wmpd)
    n = rng.poisson(rate.per_week * len(workdays) / 5.0) if workdays else 0
    out = []
    for _ in range(n):
        day = workdays[int(rng.integers(len(workdays)))]
        length = min(duration(rng), wmpd)
        offset = rng.random() * (wmpd - length)
        opens = cal.office_open(cal.date_of(day * DAY))
        start = cal.next_open(cal.finish_time(opens, offset))  # an open instant (not 12:00)
        out.append(Engagement(leader, kind, start, cal.finish_time(start, length)))
    return out


def _disjoint(blocks: list[Engagement], away: list[tuple[float, float]]) -> list[Engagement]:
    """The blocks in start order, less those overlapping an absence or a block kept before
    (dated blocks first: they are what the scenario says happened)."""
    kept: list[Engagement] = []
    for e in blocks:
        if e.end <= e.start or any(e.start < b and a < e.end for a, b in away):
            continue
        if any(e.start < k.end and k.start < e.end for k in kept):
            continue
        kept.append(e)
    kept.sort(key=lambda e: e.start)
    return kept


class DeskTime:
    """When a leader with blocks can do a piece of document work (K28).

    Work is not split around a block: it begins at the first moment from which it is done
    before the leader's next block (the leader does not start an approval that a reception
    would cut in two), so no document act overlaps a block."""

    def __init__(self, blocks: list[Engagement]) -> None:
        self._by_person: dict[str, list[Engagement]] = {}
        for e in blocks:
            self._by_person.setdefault(e.person, []).append(e)
        self._ends = {p: [e.end for e in items] for p, items in self._by_person.items()}

    def has_blocks(self, person: str) -> bool:
        """True if ``person`` ever has a block."""
        return person in self._by_person

    def place(
        self,
        person: str,
        t: float,
        begin_at: Callable[[float], float],
        finish_at: Callable[[float], float],
    ) -> tuple[float, float]:
        """``(begin, finish)`` of work queued at ``t``: ``begin_at(s)`` is when work queued
        at ``s`` would begin (the next office opening on post), ``finish_at(s)`` when it
        would end; the earliest such pair that no block of ``person``'s overlaps."""
        items = self._by_person.get(person, [])
        ends = self._ends.get(person, [])
        s = t
        while True:
            begin = begin_at(s)
            finish = finish_at(begin)
            i = bisect.bisect_right(ends, begin)  # the first block ending after begin
            if i >= len(items) or items[i].start >= finish:
                return begin, finish
            s = items[i].end


def engagement_process(w: World, blocks: list[Engagement]) -> Generator[Any, Any, None]:
    """Log each block when it ends (``leader.engaged``, ``start`` = when it began), on one
    case per leader (K28)."""
    from govsim.log import REASON_CODE
    from govsim.log import Activity as A

    env, log, code = w.env, w.log, w.org.code
    cases: dict[str, int] = {}
    for e in sorted(blocks, key=lambda e: (e.end, e.start)):
        if e.end > w.cal.horizon_minutes:
            return
        if e.end > env.now:
            yield env.timeout(e.end - env.now)
        person = code[e.person]
        if e.person not in cases:
            cases[e.person] = log.new_case(w.ENGAGEMENT_CASE, e.start, person, person, False, False)
        minutes = w.cal.work_elapsed(e.end) - w.cal.work_elapsed(e.start)
        log.add(env.now, cases[e.person], A.LEADER_ENGAGED, person, start=e.start,
                value=minutes, reason=REASON_CODE[e.kind])  # fmt: skip


def total_hours(blocks: list[Engagement], cal: WorkCalendar) -> float:
    """Office hours in blocks (for tests and quick looks)."""
    return math.fsum(cal.work_elapsed(e.end) - cal.work_elapsed(e.start) for e in blocks) / 60.0
