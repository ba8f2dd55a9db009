"""Who is away when: absences of leaders and department heads (A6, A8, A80; RULES §6.1).

All absences of a replication are drawn before the simulation starts (from their own random
streams, so variants compare on common random numbers), including emergency recalls and
return latencies. Each person then has a sorted list of intervals during which they cannot
act; :class:`Availability` answers "is X away at t?" and "when does X finish this work?",
and :func:`leave_process` writes the leave events of RULES §6.1 into the log as time passes.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from govsim.core.calendar import WorkCalendar
from govsim.core.distributions import make_sampler
from govsim.core.org import Organisation
from govsim.model.rng import Streams
from govsim.rules.substitution import ItemNeeds
from govsim.scenario.availability_models import AbsenceProfile, Leave

if TYPE_CHECKING:
    from govsim.model.world import World

DAY = 1440.0


@dataclass(frozen=True)
class Absence:
    """One absence: planned ``[start, end)``; ``back`` is when the person is on post again
    (``end``, or earlier after a recall). ``requested`` is when leave was asked for or
    reported (None for the mayor, whose absences the text does not regulate, A6)."""

    person: str
    role: str
    reason: str
    start: float
    end: float
    back: float
    requested: float | None
    late_request: bool
    recall: float | None
    fixed: bool
    carried: bool = False  # begun before a warm start's cut (``start`` before minute 0)

    @property
    def recalled(self) -> bool:
        """True if an emergency recall cut the absence short (A80)."""
        return self.recall is not None


def person_role(org: Organisation, person: str) -> str:
    """The absence-profile role of a leader, or ``department_head`` for a unit's head."""
    return org.leader_roles.get(person, "department_head")


def _working_days(cal: WorkCalendar) -> list[int]:
    """Indices (days since start) of the working days in the horizon."""
    return [i for i in range(cal.days) if cal.is_working_day(cal.date_of(i * DAY))]


def _after_holidays(cal: WorkCalendar) -> list[int]:
    """First working days after a rest run of three or more days (a statutory holiday)."""
    out, rest = [], 0
    for i in range(cal.days):
        if cal.is_working_day(cal.date_of(i * DAY)):
            if rest >= 3:
                out.append(i)
            rest = 0
        else:
            rest += 1
    return out


def _span(cal: WorkCalendar, first_day: int, n_days: int) -> tuple[float, float]:
    """Office open of ``first_day`` to office close of its ``n_days``-th working day."""
    d0 = cal.date_of(first_day * DAY)
    last = d0 if n_days <= 1 else cal.add_working_days_date(d0, n_days - 1)
    return cal.office_open(d0), cal.office_close(last)


def draw_absences(
    leave: Leave,
    org: Organisation,
    cal: WorkCalendar,
    streams: Streams,
    carried: Sequence[Absence] = (),
) -> list[Absence]:
    """Every absence of one replication, random, fixed and ``carried`` (ongoing at a warm
    start's cut), in start order.

    A person is in one absence at a time: a random absence that overlaps one of the person's
    dated (fixed or carried) absences is dropped — the dated one is what the scenario or the
    earlier log says happened (its draws are still taken, so the others' random numbers do
    not move)."""
    workdays = _working_days(cal)
    holiday_starts = _after_holidays(cal)
    out: list[Absence] = []
    people = [*org.leaders, *org.units]
    fixed = [*carried, *_fixed_absences(leave, org, cal, streams)]
    for person in people:
        role = person_role(org, person)
        profile = leave.profiles.get(role)  # type: ignore[call-overload]
        if profile is None or profile.per_year <= 0 or not workdays:
            continue
        dated = [(a.start, a.end) for a in fixed if a.person == person]
        out += [
            a
            for a in _random_absences(
                person,
                role,
                profile,
                leave,
                cal,
                streams[f"leave/{person}"],
                workdays,
                holiday_starts,
            )
            if not any(a.start < end and start < a.end for start, end in dated)
        ]
    out += fixed
    out.sort(key=lambda a: (a.start, people.index(a.person)))
    return out


def _random_absences(
    person: str,
    role: str,
    profile: AbsenceProfile,
    leave: Leave,
    cal: WorkCalendar,
    rng: np.random.Generator,
    workdays: list[int],
    holiday_starts: list[int],
) -> list[Absence]:
    duration = make_sampler(profile.duration, cal.working_minutes_per_day)
    notice = make_sampler(profile.notice, DAY)
    latency = make_sampler(profile.return_latency, DAY)
    reasons = list(profile.reasons)
    weights = np.array([profile.reasons[r] for r in reasons], dtype=float)
    weights = weights / weights.sum()
    n = rng.poisson(profile.per_year * cal.days / 365.0)
    out: list[Absence] = []
    busy_until = -math.inf
    drafts = []
    for _ in range(n):
        # Every draw happens whether or not the absence is kept, so that one absence's fate
        # never shifts the random numbers of the next.
        near_holiday = rng.random() < profile.holiday_affinity and bool(holiday_starts)
        first = (
            holiday_starts[int(rng.integers(len(holiday_starts)))]
            if near_holiday
            else workdays[int(rng.integers(len(workdays)))]
        )
        n_days = max(1, math.ceil(duration(rng) / cal.working_minutes_per_day - 1e-9))
        reason = reasons[int(rng.choice(len(reasons), p=weights))]
        late = role == "department_head" and rng.random() < profile.p_late_request
        lead = notice(rng) if not late else rng.uniform(0.0, leave.head_lead_days * DAY)
        recall_u, recall_draw = rng.random(), rng.random()
        back_latency = latency(rng)
        drafts.append((first, n_days, reason, late, lead, recall_u, recall_draw, back_latency))
    for first, n_days, reason, late, lead, recall_u, recall_draw, back_latency in sorted(drafts):
        start, end = _span(cal, first, n_days)
        requested = None if role == "mayor" else start - lead
        if start < busy_until or (requested is not None and requested < 0):
            continue  # overlapping another absence, or decided before the simulated period
        recall = start + recall_draw * (end - start) if recall_u < profile.p_recall else None
        back = end if recall is None else min(end, recall + back_latency)
        out.append(Absence(person, role, reason, start, end, back, requested, late, recall, False))
        busy_until = end
    return out


def _fixed_absences(
    leave: Leave, org: Organisation, cal: WorkCalendar, streams: Streams
) -> list[Absence]:
    latency = make_sampler(leave.return_latency, DAY)
    rng = streams["leave/fixed"]
    out = []
    for fx in leave.fixed:
        if fx.end < cal.start:
            continue  # over before the run begins
        role = person_role(org, fx.who)
        under_way = fx.start < cal.start  # begun before the run (a warm start's cut): away
        start = cal.next_open(0.0) if under_way else cal.office_open(fx.start)  # from minute 0
        end = cal.office_close(fx.end)
        lead = leave.head_lead_days * DAY if role == "department_head" else DAY
        requested = None if role == "mayor" or under_way else max(0.0, start - lead)
        recall = (
            cal.clock_of(fx.recall_at)
            if fx.recall_at is not None and fx.recall_at.date() >= cal.start
            else None
        )
        lat = latency(rng)
        back = end if recall is None else min(end, recall + lat)
        late = role == "department_head" and requested is not None and start - requested < lead
        out.append(
            Absence(fx.who, role, fx.reason, start, end, back, requested, late, recall, True)
        )
    return out


class Availability:
    """Answers who is away when, and how long work takes for someone who may be away."""

    def __init__(self, absences: list[Absence], cal: WorkCalendar) -> None:
        self.cal = cal
        self.absences = absences
        self._by_person: dict[str, list[Absence]] = {}
        for a in absences:
            self._by_person.setdefault(a.person, []).append(a)
        for items in self._by_person.values():
            items.sort(key=lambda a: a.start)
        self._starts = {p: [a.start for a in items] for p, items in self._by_person.items()}

    def has_absences(self, person: str) -> bool:
        """True if ``person`` is ever away in this replication."""
        return person in self._by_person

    def absence_at(self, person: str, t: float) -> Absence | None:
        """The absence ``person`` is in at ``t`` (away from ``start`` until ``back``), if any."""
        starts = self._starts.get(person)
        if not starts:
            return None
        i = bisect.bisect_right(starts, t) - 1
        if i >= 0:
            a = self._by_person[person][i]
            if a.start <= t < a.back:
                return a
        return None

    def next_absence(self, person: str, t: float) -> Absence | None:
        """The absence ``person`` is in at ``t``, else the first to start after ``t``."""
        a = self.absence_at(person, t)
        if a is not None:
            return a
        starts = self._starts.get(person)
        if not starts:
            return None
        i = bisect.bisect_right(starts, t)
        return self._by_person[person][i] if i < len(starts) else None

    def next_present(self, person: str, t: float) -> float:
        """``t`` if ``person`` is on post then, else the moment they are back (after
        back-to-back absences, the last one)."""
        a = self.absence_at(person, t)
        while a is not None:
            t = a.back
            a = self.absence_at(person, t)
        return t

    def finish_time(self, person: str, t: float, effort: float) -> float:
        """When ``person`` finishes ``effort`` working minutes begun at ``t``, paused while away."""
        cal = self.cal
        t = self.next_present(person, t)
        starts = self._starts.get(person)
        if not starts:
            return cal.finish_time(t, effort)
        items = self._by_person[person]
        i = bisect.bisect_right(starts, t)
        while True:
            finish = cal.finish_time(t, effort)
            if i >= len(items) or items[i].start >= finish:
                return finish
            nxt = items[i]
            effort -= cal.work_elapsed(nxt.start) - cal.work_elapsed(t)
            t, i = nxt.back, i + 1


def leave_process(w: World, absence: Absence) -> Generator[Any, Any, None]:
    """Log one absence as it unfolds (RULES §6.1 rows 1–7, A80; §6.2 for substitution).

    An absence carried across a warm start's cut opens its case again at minute 0 with a
    ``case.carried`` row (its planned end) and starts there: it began before the cut."""
    from govsim.log import Activity as A
    from govsim.log import Outcome as O

    env, log, code = w.env, w.log, w.org.code
    person = code[absence.person]
    reason = getattr(O, absence.reason.upper())
    if absence.carried:
        case = log.new_case(w.ABSENCE_CASE, env.now, person, person, False, False, carried=True)
        log.add(env.now, case, A.CASE_CARRIED, code["GO"], target=person, deadline=absence.end)
    else:
        first = absence.start if absence.requested is None else absence.requested
        yield env.timeout(first - env.now)
        case = log.new_case(w.ABSENCE_CASE, env.now, person, person, False, False)
        _ask(w, case, absence)
    yield env.timeout(max(absence.start - env.now, 0.0))
    log.add(env.now, case, A.ABSENCE_START, person, outcome=reason, deadline=absence.end)
    substituted = w.substitution_active(absence)
    if substituted:
        log.add(env.now, case, A.SUBSTITUTION_START, code["GO"], on_behalf=person)
    w.absence_started(absence)
    if absence.recall is not None and absence.recall < absence.end:
        yield env.timeout(absence.recall - env.now)
        # A80 「遇有重大紧急情况，需要中断行程返岗的，要第一时间返回工作岗位」
        by, for_ = w.recaller(absence)
        log.add(env.now, case, A.ABSENCE_RECALL, code[by], target=person, on_behalf=for_)
        yield env.timeout(absence.back - env.now)
        log.add(
            env.now, case, A.ABSENCE_ON_POST, person, value=(absence.back - absence.recall) / 60.0
        )
    else:
        yield env.timeout(absence.end - env.now)
        log.add(env.now, case, A.ABSENCE_END, person)
    if substituted:
        log.add(env.now, case, A.SUBSTITUTION_END, code["GO"], on_behalf=person)


def _ask(w: World, case: int, absence: Absence) -> None:
    """The leave request (a head, A80 「提前3天履行请假报批手续」) or report (a leader)."""
    from govsim.log import Activity as A
    from govsim.log import Outcome as O

    env, log, code, org = w.env, w.log, w.org.code, w.org
    person = code[absence.person]
    if absence.requested is None:
        return
    notice_days = (absence.start - absence.requested) / DAY
    if absence.role == "department_head":
        # A80 「须按规定提前3天履行请假报批手续」; approver per K54 (the VM in charge).
        approver = org.portfolio_owner.get(absence.person, org.mayor)
        outcome = O.LATE if absence.late_request else O.ON_TIME
        log.add(
            env.now,
            case,
            A.LEAVE_REQUESTED,
            person,
            target=code[approver],
            outcome=outcome,
            value=notice_days,
        )
    else:
        # A80 「应事前报告市长，并按要求向市委报备」 (AMB-04: the report is the approval).
        approver = org.mayor
        log.add(env.now, case, A.LEAVE_REPORTED, person, target=code[org.mayor], value=notice_days)
        log.add(env.now, case, A.LEAVE_FILED, person)
    env.process(_approve(w, case, approver, person))


LEAVE_APPROVAL = ItemNeeds(decision=True, mayor_only=False, kind="convening")
"""Approving leave is within the acting executive VM's (and a substitute's) scope while the
approver is away (A6, A8; K60, AMB-09)."""


def _approve(w: World, case: int, approver: str, person: int) -> Generator[Any, Any, None]:
    """The approver grants the leave on post — or whoever acts for them (A6, A8); an absent
    approver does not act (K61), so the approval waits for someone who may."""
    from govsim.log import NONE
    from govsim.log import Activity as A

    code = w.org.code
    by = yield from w.when_can_act(approver, LEAVE_APPROVAL)
    on_behalf = code[approver] if by != approver else NONE
    w.log.add(w.env.now, case, A.LEAVE_APPROVED, code[by], target=person, on_behalf=on_behalf)
