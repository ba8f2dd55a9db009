"""Each unit's desk: staff who do its government-facing paperwork in office hours, and a queue.

A department meets most of the rules' deadlines — the formal reply to an instruction (A57),
the countersign answer in 3 working days (A59), the revision of a returned submission (A63),
a meeting topic's materials (A48, A49) — with the same few staff. Every such piece of work is
a *job* with an effort in working minutes; it waits at the unit's desk until one of the
``staff`` is free, then takes its effort on the scenario's calendar (pausing over lunch,
evenings, weekends and holidays). The order in which waiting jobs are taken up is the desk's
queue discipline, a registered strategy chosen by ``[desks] discipline``: first come first
served, urgent first, or earliest deadline first. A job, once started, is not interrupted; a
waiting job may be promoted to the urgent class (:meth:`Desk.promote`: a ledger item pushed
by its leader, A70 旬推进, 月调度), and a kind of job may be capped to a number of staff at once
(:meth:`Desk.limit`: the ledger work's keeper, A70–A74).

Each job is a case of its own (case type ``desk``, sender and matter the unit):
``desk.job_queued`` and ``desk.job_done`` (start, effort, the job's kind as ``reason`` and its
deadline); the first job of a desk also carries ``desk.staffed`` (its staff) — what the
capacity invariant and the per-unit KPIs read. The principal head's signature that follows a
job (A56) is not desk work.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import simpy

from govsim.core.calendar import WorkCalendar
from govsim.log import CASE_TYPES, REASON_CODE, EventLog
from govsim.log import Activity as A
from govsim.model.agents import until
from govsim.scenario.department_models import Desks

if TYPE_CHECKING:
    from govsim.model.world import World

DESK_CASE = CASE_TYPES.index("desk")

Key = Callable[["Job"], tuple[float, ...]]
DISCIPLINES: dict[str, Key] = {}
"""Queue disciplines by name: a job's sort key (smallest first), ties by arrival."""


def discipline(name: str) -> Callable[[Key], Key]:
    """Register the decorated ``key(job)`` as the queue discipline ``name``."""

    def register(fn: Key) -> Key:
        if name in DISCIPLINES:
            raise ValueError(f"discipline {name!r} is registered twice")
        DISCIPLINES[name] = fn
        return fn

    return register


@discipline("fcfs")
def _first_come(job: Job) -> tuple[float, ...]:
    """First come first served."""
    return (job.seq,)


@discipline("urgent_first")
def _urgent_first(job: Job) -> tuple[float, ...]:
    """Urgent jobs first, then in arrival order (the GO's and the leaders' rule)."""
    return (0 if job.urgent else 1, job.seq)


@discipline("edf")
def _earliest_deadline(job: Job) -> tuple[float, ...]:
    """Earliest deadline first (jobs without one last), then in arrival order: a department
    that works to its deadlines (A57, A59)."""
    return (job.deadline, job.seq)


@dataclass(eq=False, slots=True)
class Job:
    """One piece of a unit's work: its kind, effort (working minutes) and deadline."""

    kind: str
    effort: float
    deadline: float
    urgent: bool
    seq: int
    case: int
    done: simpy.Event = field(repr=False)
    started: bool = False


class Desk:
    """``staff`` people working one unit's jobs in office hours, in the discipline's order."""

    def __init__(
        self,
        env: simpy.Environment,
        cal: WorkCalendar,
        log: EventLog,
        unit: tuple[str, int],
        staff: int,
        key: Key,
    ) -> None:
        if staff <= 0:
            raise ValueError('"staff" must be > 0.')
        self.env, self.cal, self.log = env, cal, log
        self.unit, self.code = unit
        self.staff, self.key = staff, key
        self.busy = 0
        self.line: list[tuple[tuple[float, ...], Job]] = []
        self._seq = 0
        self._cap: dict[str, int] = {}
        self._busy_kind: dict[str, int] = {}

    def limit(self, kind: str, staff: int) -> None:
        """At most ``staff`` of the desk's staff work on jobs of ``kind`` at once (the others
        take the other jobs, which may overtake a capped job that has to wait)."""
        if staff <= 0:
            raise ValueError('"staff" must be > 0.')
        self._cap[kind] = staff

    @property
    def held(self) -> int:
        """Jobs at the desk: being worked on plus waiting."""
        return self.busy + len(self.line)

    def submit(
        self, kind: str, effort: float, *, deadline: float = math.inf, urgent: bool = False
    ) -> simpy.Event:
        """Queue a job; the returned event succeeds, with the clock, when it is done."""
        return self.queue(kind, effort, deadline=deadline, urgent=urgent).done

    def queue(
        self, kind: str, effort: float, *, deadline: float = math.inf, urgent: bool = False
    ) -> Job:
        """Queue a job and return it (its ``done`` event succeeds, with the clock, when done)."""
        now, log, me = self.env.now, self.log, self.code
        case = log.new_case(DESK_CASE, now, me, me, False, False, urgent=urgent)
        if not self._seq:
            log.add(now, case, A.DESK_STAFFED, me, value=float(self.staff))
        self._seq += 1
        job = Job(
            kind, max(0.0, float(effort)), deadline, urgent, self._seq, case, self.env.event()
        )
        dl = deadline if math.isfinite(deadline) else math.nan
        log.add(now, case, A.DESK_JOB_QUEUED, me, deadline=dl, reason=REASON_CODE[kind])
        heapq.heappush(self.line, (self.key(job), job))
        self._dispatch()
        return job

    def promote(self, job: Job) -> bool:
        """Move a waiting job into the urgent class (re-sorted under the desk's discipline:
        ahead of every non-urgent job under ``urgent_first``); False if it has started."""
        if job.started or job.urgent:
            return False
        job.urgent = True
        self.line = [(self.key(j), j) for _, j in self.line]
        heapq.heapify(self.line)
        self._dispatch()
        return True

    def _dispatch(self) -> None:
        capped: list[tuple[tuple[float, ...], Job]] = []
        while self.busy < self.staff and self.line:
            entry = heapq.heappop(self.line)
            job = entry[1]
            if self._busy_kind.get(job.kind, 0) >= self._cap.get(job.kind, self.staff):
                capped.append(entry)  # its kind is at its cap: the next job may go first
                continue
            self.busy += 1
            self._busy_kind[job.kind] = self._busy_kind.get(job.kind, 0) + 1
            self._start(job)
        for entry in capped:
            heapq.heappush(self.line, entry)

    def _start(self, job: Job) -> None:
        job.started = True
        now, cal = self.env.now, self.cal
        begin = cal.next_open(now) if job.effort > 0 else now
        finish = cal.finish_time(now, job.effort)
        timer = until(self.env, finish)
        timer.callbacks.append(lambda _: self._finish(job, begin))

    def _finish(self, job: Job, begin: float) -> None:
        now = self.env.now
        self.busy -= 1
        self._busy_kind[job.kind] -= 1
        dl = job.deadline if math.isfinite(job.deadline) else math.nan
        self.log.add(
            now,
            job.case,
            A.DESK_JOB_DONE,
            self.code,
            start=begin,
            value=job.effort,
            deadline=dl,
            reason=REASON_CODE[job.kind],
        )
        job.done.succeed(now)
        self._dispatch()


def build_desks(
    env: simpy.Environment,
    cal: WorkCalendar,
    log: EventLog,
    cfg: Desks | None,
    unit_kinds: dict[str, str],
    code: dict[str, int],
) -> dict[str, Desk]:
    """A desk per unit from ``[desks]`` (none without the section: work is a plain delay)."""
    if cfg is None:
        return {}
    key = DISCIPLINES[cfg.discipline]
    return {
        unit: Desk(env, cal, log, (unit, code[unit]), cfg.staff_of(unit, kind), key)  # type: ignore[arg-type]
        for unit, kind in unit_kinds.items()
    }


def desk_work(
    w: World,
    unit: str,
    kind: str,
    effort: float,
    *,
    deadline: float = math.inf,
    urgent: bool = False,
) -> Generator[Any, Any, float]:
    """``unit`` does a job of ``effort`` working minutes; returns the clock when it is done.

    At the unit's desk when it has one (it may wait for a free staff member); otherwise — no
    ``[desks]``, or the General Office's own drafting — the effort runs from now on the
    calendar, as a plain delay.
    """
    desk = w.desks.get(unit)
    if desk is None:
        yield until(w.env, w.cal.finish_time(w.env.now, effort))
        return w.env.now
    return (yield desk.submit(kind, effort, deadline=deadline, urgent=urgent))


__all__ = ["DISCIPLINES", "Desk", "Job", "build_desks", "desk_work", "discipline"]
