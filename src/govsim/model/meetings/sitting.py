"""One meeting from its planning to its minutes (A44–A47, A50–A53; RULES §5.2–§5.5), its
kind read from :data:`govsim.rules.meetings.MEETING_KINDS`."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from govsim.core.org import GO
from govsim.log import NONE
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.model.agents import NORMAL, URGENT, until
from govsim.model.ledger import register_meeting_decision
from govsim.model.meetings.state import (
    CONVENING,
    KIND_CODE,
    LEAVE_NEEDS,
    MEETING_CASE,
    MeetingsState,
    Topic,
)
from govsim.model.routing import step_before
from govsim.rules.meetings import (
    MEETING_KINDS,
    MeetingKind,
    chair_now,
    expected_members,
    has_quorum,
    members,
    minutes_signer,
    observers,
    stand_in,
    submission_cutoff,
)


@dataclass(frozen=True)
class Sitting:
    """What differs between the four meetings when they open (RULES §3.5, §5.3, §5.5)."""

    spec: MeetingKind
    convener: str  # who convenes and chairs when on post (A44–A47)
    members: tuple[str, ...]  # leaders who sit as members; A51: absent ones ask the mayor
    observers: tuple[str, ...]  # leaders and units (their heads) whose leave goes to the GO
    delegate: Callable[[], str | None]  # whom the absent convener entrusts (None: nobody)
    quorum_base: str | None  # A45 「应到人数」 base (K46); None: no quorum rule
    base_minutes: float
    topic_minutes: float


@dataclass(frozen=True)
class Convening:
    """A meeting being convened: what its agenda policy reads (MeetingKind.agenda)."""

    mcase: int  # the meeting's case
    day: dt.date
    how: int  # regular | adhoc | on_demand (the convene_decided outcome)
    agenda: list[Topic] | None  # topics handed to it when convened (mayor's office)
    convener: str
    standing_owner: str | None  # the standing key matter's department (A45(七))


class Sittings(MeetingsState):
    """The meeting process: agenda, arrangement, opening, discussion, minutes."""

    def _sitting(self, spec: MeetingKind, convener: str) -> Sitting:
        """Who sits and who may stand in, read from the kind's specification and its table in
        the scenario (RULES §3.5, §5.3; AMB-26, AMB-40)."""
        org, w = self.w.org, self.w
        section = getattr(self.cfg, spec.name)
        if getattr(section, spec.entrust_knob):
            delegate: Callable[[], str | None] = lambda: stand_in(org, spec.name, w.away)  # noqa: E731
        else:
            delegate = _nobody
        return Sitting(
            spec,
            convener,
            members(org, spec.name),
            observers(org, spec.name),
            delegate,
            getattr(section, spec.quorum_knob) if spec.quorum_knob else None,
            section.base_minutes,
            section.topic_minutes,
        )

    def meeting(
        self,
        kind: str,
        day: dt.date,
        how: int,
        plan_at: float,
        agenda: list[Topic] | None = None,
        convener: str | None = None,
        standing_owner: str | None = None,
    ) -> Generator[Any, Any, None]:
        """One meeting from its planning to its minutes (RULES §5.2). ``standing_owner``: the
        department that carries out the decision on a standing key matter this executive
        meeting studies (A45(七)), which takes one agenda slot."""
        w_, env, log, cal, org = self.w, self.w.env, self.w.log, self.w.cal, self.w.org
        code, go = org.code, org.code[GO]
        spec = MEETING_KINDS[kind]
        convener = convener or org.mayor
        if plan_at > env.now:
            yield env.timeout(plan_at - env.now)
        mcase = log.new_case(MEETING_CASE, env.now, code[convener], code[convener], False, False)
        t_open = cal.office_open(day)
        log.add(env.now, mcase, A.MEETING_PLANNED, go, outcome=KIND_CODE[kind], deadline=t_open)
        # A45 「由市长决定召开」: the convener on post decides — or, away, whoever acts for
        # them (A6, A8; K59 ``scope.convening``); an absent convener does not (K61).
        by = yield from w_.when_can_act(convener, CONVENING)
        log.add(
            env.now, mcase, A.MEETING_CONVENE_DECIDED, code[by], outcome=how,
            on_behalf=code[convener] if by != convener else NONE,
        )  # fmt: skip
        sitting = self._sitting(spec, convener)
        if spec.agenda_at_opening and t_open > env.now:
            yield env.timeout(t_open - env.now)
        c = Convening(mcase, day, how, agenda, convener, standing_owner)
        agenda = self._draw[spec.agenda](c)
        arranged = env.process(self._arrangement(mcase, sitting, t_open))
        late = t_open > env.now
        if late:
            yield arranged | until(env, t_open)
            late = not arranged.triggered
            if late:  # A50 not done by the planned opening: it does not open (K50)
                log.add(env.now, mcase, A.MEETING_POSTPONED, go, outcome=O.NOT_READY)
        delegate = yield arranged
        for tp in agenda:
            log.add(env.now, tp.case, A.TOPIC_ON_AGENDA, go, value=mcase)
        chair, present = yield from self._open(mcase, t_open, sitting, delegate, late)
        if spec.agenda == "a49_cutoff" and day in self.upcoming:
            self.upcoming.remove(day)
        if chair is None:
            return  # never opened before the horizon
        yield from self._sit(spec, mcase, chair, convener, present, agenda, standing_owner)

    def _sit(
        self,
        spec: MeetingKind,
        mcase: int,
        chair: str,
        convener: str,
        present: list[str],
        agenda: list[Topic],
        standing_owner: str | None,
    ) -> Generator[Any, Any, None]:
        """The opened meeting: its length in the present leaders' time, each topic's outcome,
        the standing item (A45(七)), the minutes (A52) and what follows the decisions (A53)."""
        w, env, log, code = self.w, self.w.env, self.w.log, self.w.org.code
        opened = env.now
        section = getattr(self.cfg, spec.name)
        items = len(agenda) + (standing_owner is not None)
        minutes = section.base_minutes + section.topic_minutes * items
        end = w.cal.finish_time(opened, minutes)
        for m in present:
            env.process(self._attend(m, minutes, end))
        if end > env.now:
            yield env.timeout(end - env.now)
        decided, later = self._discuss(spec, mcase, chair, agenda)
        if standing_owner is not None:
            owner = code[standing_owner]
            log.add(env.now, mcase, A.MEETING_STANDING_ITEM, code[chair], target=owner)
        log.add(env.now, mcase, A.MEETING_ADJOURNED, code[chair], start=opened, value=minutes)
        yield from self._minutes(spec, mcase, chair, convener)
        self.issued += len(decided) + (standing_owner is not None)
        if standing_owner is not None:  # A53: the standing item's decision is supervised too
            register_meeting_decision(w, standing_owner, parent=mcase)
        for tp in decided:
            if tp.decided is not None:
                tp.decided.succeed(mcase)  # the document goes on to its signature (A61(6))
            else:
                log.add(env.now, tp.case, A.DOC_CLOSED, code[GO])
            # A53 「由市政府办公室负责督办」: the decision becomes a ledger item
            register_meeting_decision(w, tp.matter, parent=tp.case)
        for proc in later:  # escalated and returned topics go (back) through A48
            env.process(proc)

    def _arrangement(
        self, mcase: int, s: Sitting, t_open: float
    ) -> Generator[Any, Any, str | None]:
        """The kind's A50 steps in order; returns the stand-in entrusted meanwhile, if any."""
        delegate: str | None = None
        for step in s.spec.arrangement:
            delegate = yield from self._arrange[step](mcase, s, t_open, delegate)
        return delegate

    def _agenda_cutoff(self, c: Convening) -> list[Topic]:
        """Executive (A49, K43): topics received by the cut-off or special, up to the capacity
        less the standing item's slot (A45(七)); the others deferred, with why."""
        try:
            cutoff = submission_cutoff(self.w.cal, c.day, self.cfg.topics.lead_working_days)
        except ValueError:
            cutoff = -math.inf  # the cut-off precedes the simulated period: only special
        slots = self.cfg.executive.capacity - (c.standing_owner is not None)
        agenda, deferred = self._agenda(cutoff, slots)
        if c.how == O.REGULAR and c.day in self.upcoming:
            # its agenda is drawn: it takes no more topics (K40); an ad-hoc meeting, whose
            # agenda is drawn when it is called, still counts as soon until it opens
            self.upcoming.remove(c.day)
        go, now = self.w.org.code[GO], self.w.env.now
        for tp, why in deferred:
            self.w.log.add(now, tp.case, A.TOPIC_DEFERRED, go, outcome=why, value=c.mcase)
        return agenda

    def _agenda_ready(self, c: Convening) -> list[Topic]:
        """Plenary (A44(二)): A48 topics ready now, up to its capacity; no A49 cut-off."""
        return self._agenda(math.inf, self.cfg.plenary.capacity)[0]

    def _agenda_referred(self, c: Convening) -> list[Topic]:
        """Mayor's office meeting (RULES §5.6): the topics waiting when it was convened."""
        return c.agenda or []

    def _agenda_convener_waiting(self, c: Convening) -> list[Topic]:
        """Special topic (RULES §5.6): its convener's topics waiting on the day."""
        self.special_planned.discard(c.convener)
        return self.special_pending.pop(c.convener, [])

    def _arrange_propose(
        self, mcase: int, s: Sitting, t_open: float, delegate: str | None
    ) -> Generator[Any, Any, str | None]:
        """A50 「由市政府办公室提出安排意见」 (the same for the plenary and the mayor's office
        meeting, whose procedure is not stated: AMB-24, ASSUMPTION)."""
        w, go = self.w, self.w.org.code[GO]
        st, occ = yield from w.go.work(URGENT, self.sample_propose())
        w.log.add(w.env.now, mcase, A.GO_ARRANGEMENT_PROPOSED, go, start=st, value=occ)
        return delegate

    def _arrange_review(
        self, mcase: int, s: Sitting, t_open: float, delegate: str | None
    ) -> Generator[Any, Any, str | None]:
        """A50 「经市政府秘书长审定」 (the executive meeting)."""
        w, sg = self.w, self.w.org.secretary_general
        st, occ = yield from w.leaders[sg].work(URGENT, self.sample_review())
        w.log.add(w.env.now, mcase, A.SG_ARRANGEMENT_REVIEWED, w.org.code[sg], start=st, value=occ)
        return delegate

    def _arrange_fix(
        self, mcase: int, s: Sitting, t_open: float, delegate: str | None
    ) -> Generator[Any, Any, str | None]:
        """A50 「报市长确定」: the mayor fixes it; a mayor away who will not be back by the
        opening (A45 「市长不能出席会议时」) entrusts the stand-in the knobs allow with the
        meeting (「委托…召集和主持」), who then fixes it; otherwise it waits for the mayor. The
        choice is made again if the mayor's absence starts while the step waits in the
        mayor's inbox (:func:`govsim.model.routing.step_before`)."""
        w, org = self.w, self.w.org
        entrust = lambda: self._entrust(mcase, s, delegate)  # noqa: E731 (one already entrusted)
        done = yield from step_before(w, org.mayor, URGENT, self.sample_fix(), t_open, entrust)
        assert done is not None  # a step with a stand-in to ask never lapses
        fixer, st, occ = done
        w.log.add(w.env.now, mcase, A.MAYOR_AGENDA_FIXED, org.code[fixer], start=st, value=occ)
        return fixer if fixer != org.mayor else delegate

    def _discuss(
        self, spec: MeetingKind, mcase: int, chair: str, agenda: list[Topic]
    ) -> tuple[list[Topic], list[Generator[Any, Any, Any]]]:
        """Each topic on the agenda: decided, deferred to a later meeting or returned for
        rework (plenary, executive: RULES §5.1 row 14), or sent up to the executive meeting
        (mayor's office A46(二), special topic A47(三)). One draw per topic, always taken."""
        env, log, code = self.w.env, self.w.log, self.w.org.code
        befall = self._befall[spec.at_meeting]
        decided: list[Topic] = []
        later: list[Generator[Any, Any, Any]] = []
        for tp in agenda:
            u = float(self._outcome.random())
            if befall(spec, mcase, chair, tp, u, later):
                continue
            log.add(env.now, tp.case, A.MEETING_DECISION, code[chair], value=mcase)
            decided.append(tp)
        self.pending.sort(key=lambda tp: tp.received)
        return decided, later

    def _defer_or_return(
        self, spec: MeetingKind, mcase: int, chair: str, tp: Topic, u: float, later: list[Any]
    ) -> bool:
        """Plenary, executive (RULES §5.1 row 14): the meeting defers the topic to a later
        meeting or returns it for rework; True if it did."""
        env, log, code, t = self.w.env, self.w.log, self.w.org.code, self.cfg.topics
        if u < t.p_defer_at_meeting:
            log.add(env.now, tp.case, A.TOPIC_DEFERRED, code[GO], outcome=O.AT_MEETING, value=mcase)
            self.pending.append(tp)
            return True
        if u < t.p_defer_at_meeting + t.p_return_at_meeting:
            log.add(env.now, tp.case, A.TOPIC_RETURNED, code[chair], value=mcase)
            later.append(self._again(tp, self.sample_rework))
            return True
        return False

    def _escalate(
        self, spec: MeetingKind, mcase: int, chair: str, tp: Topic, u: float, later: list[Any]
    ) -> bool:
        """Mayor's office (A46(二)), special topic (A47(三)): what it cannot settle goes up to
        the executive meeting (A45(六)); True if it did."""
        if u >= getattr(self.cfg, spec.name).p_escalate:
            return False
        env, log, code = self.w.env, self.w.log, self.w.org.code
        log.add(env.now, tp.case, A.TOPIC_ESCALATED, code[chair], value=mcase)
        later.append(self._again(tp, None))
        return True

    def _minutes(
        self, spec: MeetingKind, mcase: int, chair: str, convener: str
    ) -> Generator[Any, Any, None]:
        """A52: the GO drafts (AMB-51); important special-topic minutes are reviewed by the
        mayor (「须经市长审定后印发」); the signer signs, waiting while away (AMB-10, K49)."""
        w, env, log, org, cfg = self.w, self.w.env, self.w.log, self.w.org, self.cfg
        code, go = org.code, org.code[GO]
        st = cfg.special_topic
        important = spec.important_minutes and bool(self._important.random() < st.p_important)
        s, occ = yield from w.go.work(NORMAL, self.sample_draft())
        outcome = O.IMPORTANT if important else NONE
        log.add(env.now, mcase, A.MINUTES_DRAFTED, go, start=s, value=occ, outcome=outcome)
        signer = minutes_signer(
            org, chair, cfg.minutes.exec_vm_may_sign_when_entrusted, spec.name, convener, st.signer
        )
        if important and signer != org.mayor:
            s, occ = yield from w.leaders[org.mayor].work(URGENT, self.sample_minutes_review())
            log.add(env.now, mcase, A.MINUTES_REVIEWED, code[org.mayor], start=s, value=occ)
        s, occ = yield from w.leaders[signer].work(URGENT, self.sample_sign())
        log.add(env.now, mcase, A.MINUTES_SIGNED, code[signer], start=s, value=occ)
        log.add(env.now, mcase, A.MINUTES_ISSUED, go)

    def _entrust(self, mcase: int, s: Sitting, delegate: str | None) -> str | None:
        """The stand-in of an absent convener (RULES §5.3): the one already entrusted while
        on post, else a new one the knobs allow who is on post, entrusted now
        (``meeting.entrusted``; A45, A47; AMB-26, AMB-40); None while the convener is on post
        or nobody may stand in. An absent convener entrusts from afar only when remote acts
        are allowed (K61, A80 「外出期间，必须保持通讯联络畅通」); otherwise the leader acting
        for them under 补位 (A6, A8) entrusts on their behalf."""
        w = self.w
        if w.away(s.convener) is None:
            return delegate
        if delegate is not None and w.away(delegate) is None:
            return delegate
        stand_in = s.delegate()
        if stand_in is None or w.away(stand_in) is not None:
            return delegate
        if stand_in != delegate:
            # the convener entrusts; away, whoever acts for them under 补位 does (A6, A8),
            # else nobody (an absent person does not act, K61)
            by = w.actor_for(s.convener, CONVENING)
            if by is None:
                return delegate
            code = w.org.code
            w.log.add(
                w.env.now, mcase, A.MEETING_ENTRUSTED, code[by], target=code[stand_in],
                on_behalf=code[s.convener] if by != s.convener else NONE,
            )  # fmt: skip
        return stand_in

    def _open(
        self,
        mcase: int,
        t_open: float,
        s: Sitting,
        delegate: str | None = None,
        told: bool = False,
    ) -> Generator[Any, Any, tuple[str | None, list[str]]]:
        """Open at ``t_open`` or, failing a chair or a quorum, on the next working day on
        which it can (AMB-56, K50). Absent members ask the mayor for leave and absent
        observers the GO, which reports them to the mayor (A51). Returns the chair (None if
        the horizon comes first) and the leaders present. ``told``: the postponement of an
        arrangement not done by ``t_open`` was logged at ``t_open``."""
        w, env, log, cal, org = self.w, self.w.env, self.w.log, self.w.cal, self.w.org
        code, go, mayor = org.code, org.code[GO], org.mayor
        asked: set[str] = set()
        while True:
            if env.now > t_open:  # the agenda was fixed after the planned opening
                if not told:
                    log.add(env.now, mcase, A.MEETING_POSTPONED, go, outcome=O.NOT_READY)
                told = False
                t_open = self._next_opening(cal.date_of(env.now))
                if t_open is None:
                    return None, []
                continue
            yield env.timeout(t_open - env.now)
            absent = [m for m in s.members if w.away(m) is not None]
            if s.spec.mayors:
                # A51 「须向市长请假」; while the mayor is away, the executive VM acting for the
                # mayor (A6) takes the requests (K60, AMB-09), else they go to the mayor.
                to = w.handler(mayor, LEAVE_NEEDS)
                for m in absent:
                    if m not in asked:
                        asked.add(m)
                        target = code[to] if m != mayor else NONE  # the mayor asks nobody
                        log.add(env.now, mcase, A.MEETING_LEAVE_REQUESTED, code[m], target=target)
                told = [o for o in s.observers if o not in asked and w.away(o) is not None]
                for o in told:  # A51 「列席人员请假，由市政府办公室汇总后向市长报告」
                    asked.add(o)
                    log.add(env.now, mcase, A.MEETING_LEAVE_REQUESTED, code[o], target=go)
                if told:
                    n = len(told)
                    log.add(env.now, mcase, A.GO_LEAVE_SUMMARY, go, target=code[to], value=n)
            delegate = self._entrust(mcase, s, delegate)  # A45, A47 「委托」 (AMB-26, AMB-40)
            chair = chair_now(s.convener, delegate, w.away)
            present = len(s.members) - len(absent)
            quorate = s.quorum_base is None or has_quorum(
                present, expected_members(s.members, set(absent), s.quorum_base)
            )
            today = cal.date_of(env.now)
            taken = s.spec.name == "executive" and today in self.executive_opened
            if chair is not None and quorate and not taken:
                if s.spec.name == "executive":  # one executive meeting a day (A45)
                    self.executive_opened.add(today)
                # value: the members present (A45 quorum); a special topic: its chair
                value = present if s.members else 1
                log.add(env.now, mcase, A.MEETING_OPENED, code[chair], value=value)
                leaders = [m for m in s.members if m not in absent]
                leaders += [o for o in s.observers if o in w.leaders and w.away(o) is None]
                if chair not in leaders:
                    leaders.append(chair)
                return chair, leaders
            why = O.NO_CHAIR if chair is None else O.NO_QUORUM if not quorate else O.NOT_READY
            log.add(env.now, mcase, A.MEETING_POSTPONED, go, outcome=why)
            t_open = self._next_opening(cal.date_of(env.now))
            if t_open is None:
                return None, []

    def _next_opening(self, today: dt.date) -> float | None:
        """The next try after a postponement (K50, AMB-56), or None past the horizon."""
        day = self._working_day_after(today, self.cfg.postpone_working_days)
        return None if day is None else self.w.cal.office_open(day)

    def _attend(self, leader: str, minutes: float, end: float) -> Generator[Any, Any, None]:
        """A leader's time in the meeting, taken from their office time (urgent job); a
        leader whose absence starts before the job is begun and lasts past the adjournment
        ``end`` does not attend, and the job lapses (A51: away, they are on leave)."""
        office = self.w.leaders[leader]
        yield from step_before(self.w, leader, URGENT, minutes * office.share, end, None)


def _nobody() -> str | None:
    return None
