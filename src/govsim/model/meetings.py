"""The executive meeting (常务会议) and its topics, as SimPy processes (A45, A48–A53).

A topic's life reads next to RULES §5.1 (:meth:`MeetingsModel.topic`)::

    referred      the mayor (or the acting executive VM, A6) refers a major request   A7, A27
    researched    the lead department researches and coordinates it (working time)    A48
    vm_confirmed  the vice mayor in charge confirms it (their queue)                  A48
    mayor_agreed  the mayor agrees (the mayor's queue)                                A48
    submitted     the materials reach the GO; special cases flagged (K45, AMB-12)     A49
    signed_off    the vice mayor in charge signs the materials off (AMB-41, K52)      A49
    → waits at the GO for the next meeting whose A49 cut-off it meets

A meeting's life reads next to RULES §5.2 (:meth:`MeetingsModel.meeting`)::

    planned, convene_decided   the mayor decides to convene (A45)        K39 cadence / K40 ad hoc
    agenda                     the topics received by the cut-off (or special), up to K43
    go.arrangement_proposed → sg.arrangement_reviewed → mayor.agenda_fixed               A50
    meeting_leave.requested    each absent member asks the mayor for leave              A51
    entrusted                  the absent mayor entrusts the executive VM (AMB-40)      A45
    opened | postponed         chair (§5.3) and quorum (§5.5); else the next working day (AMB-56)
    decision, adjourned        every agenda topic is decided
    minutes drafted (GO) → signed by the mayor, waiting while away (AMB-10) → issued     A52
    each decision closes its request and becomes a ledger item when the ledger is on     A53

**Meetings take the leaders' time.** Leaders' work goes through their :class:`Office` queues
(one worker each). Every step a leader takes in this module — confirming, agreeing, signing
off, reviewing and fixing the agenda, signing minutes — is a job in that queue, urgent ones
(the arrangement, the minutes, attending) ahead of waiting documents; it pauses while the
leader is away. Attending is a job of the meeting's length in every present member's queue,
so a meeting delays the member's documents by its length. The meeting itself runs on the
clock from its opening; a member busy with a document when it opens does that job after the
document (an approximation: the member's total time is right, its placement may be late).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govsim.distributions import Distribution, bound_sampler
from govsim.log import CASE_TYPES, NONE
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.model.agents import NORMAL, URGENT
from govsim.model.arrivals import Arrival
from govsim.model.ledger import register_meeting_decision
from govsim.org import GO
from govsim.rules.meetings import (
    eligible,
    executive_meeting_days,
    executive_members,
    expected_members,
    has_quorum,
    minutes_signer,
    resolve_chair,
    submission_cutoff,
)
from govsim.scenario.meeting_models import Meetings

if TYPE_CHECKING:
    from govsim.model.world import World

MEETING_CASE = CASE_TYPES.index("meeting")
DAY = 1440.0


@dataclass(eq=False)
class Topic:
    """A topic waiting at the GO (the log is what the outside sees)."""

    case: int  # the request's case
    matter: str  # the lead department (主办部门)
    urgent: bool
    special: bool  # A49 「特殊情况」 (AMB-12)
    received: float  # materials at the GO
    ready: bool = False  # signed off by the VM in charge (A49)
    decided: Any = None  # for a document that goes on after the decision: its event (A61(6))


class MeetingsModel:
    """Topics and executive meetings of one replication."""

    def __init__(self, w: World, cfg: Meetings) -> None:
        self.w, self.cfg = w, cfg
        self.roster = executive_members(w.org)
        self.pending: list[Topic] = []  # at the GO, on no agenda yet, in order of receipt
        self.upcoming: list[dt.date] = []  # days of meetings planned and not yet opened
        wmpd = w.cal.working_minutes_per_day

        def bind(name: str, spec: Distribution) -> Callable[[], float]:
            return bound_sampler(spec, wmpd, w.streams[f"meetings.{name}"])

        t, ag, mi = cfg.topics, cfg.agenda, cfg.minutes
        self.sample_research = bind("research", t.research)
        self.sample_confirm = bind("confirm", t.confirm)
        self.sample_agree = bind("agree", t.agree)
        self.sample_sign_off = bind("sign_off", t.sign_off)
        self.sample_propose = bind("propose", ag.propose)
        self.sample_review = bind("review", ag.review)
        self.sample_fix = bind("fix", ag.fix)
        self.sample_draft = bind("draft", mi.draft)
        self.sample_sign = bind("sign", mi.sign)
        self._refer = w.streams["meetings.refer"]
        self._special = w.streams["meetings.special"]

    # -- cadence (A45, K39) ----------------------------------------------------------------

    def start(self) -> None:
        """Plan every regular executive meeting of the horizon (K39)."""
        w, cal, ex = self.w, self.w.cal, self.cfg.executive
        for day in executive_meeting_days(cal, ex.cadence, ex.weekday):
            try:
                plan_at = cal.office_open(cal.sub_working_days(day, ex.arrangement_working_days))
            except ValueError:
                continue  # the arrangement would fall before the simulated period
            if plan_at < cal.horizon_minutes:
                self.upcoming.append(day)
                w.env.process(self.meeting(day, O.REGULAR, plan_at))

    # -- topics (A7, A27, A48, A49) --------------------------------------------------------

    def refers(self) -> bool:
        """Whether the mayor refers a major request to the executive meeting (A7, A27)."""
        return bool(self._refer.random() < self.cfg.topics.p_refer)

    def topic(
        self, case: int, doc: Arrival, handler: str, owner: str, start: float, occupied: float
    ) -> Generator[Any, Any, None]:
        """A referred request's path to the GO's pending topics (RULES §5.1 rows 1–9)."""
        env, log, code = self.w.env, self.w.log, self.w.org.code
        on_behalf = code[owner] if handler != owner else NONE
        log.add(
            env.now,
            case,
            A.TOPIC_REFERRED,
            code[handler],
            on_behalf=on_behalf,
            start=start,
            value=occupied,
        )
        yield from self._prepare(case, doc.matter, doc.urgent)

    def deliberate(self, case: int, matter: str, urgent: bool) -> Generator[Any, Any, int]:
        """A document the government must deliberate, put forward by the department that
        drafted it — a normative document (A21 「由起草部门提请市政府全体会议或常务会议审议」) or
        a matter to be decided before the government issues it (A61(6)) — through the topic
        pipeline (RULES §5.1 rows 2–9) to the meeting's decision. Returns the meeting's case
        once the minutes are issued; the document then goes on to be signed (its case stays
        open)."""
        topic = yield from self._prepare(case, matter, urgent, decided=self.w.env.event())
        mcase = yield topic.decided
        return int(mcase)

    def _prepare(
        self, case: int, matter: str, urgent: bool, decided: Any = None
    ) -> Generator[Any, Any, Topic]:
        """Research, the VM's confirmation, the mayor's agreement, submission to the GO and
        the VM's sign-off (A48, A49); the topic then waits at the GO."""
        w, env, log, cal, code = self.w, self.w.env, self.w.log, self.w.cal, self.w.org.code
        t = self.cfg.topics
        mayor = w.org.mayor
        drawn = bool(self._special.random() < t.p_special)  # always drawn (common numbers)
        special = drawn or (t.urgent_special and urgent)
        priority = URGENT if urgent else NORMAL
        # A48 「主办部门应提前充分研究论证，与相关部门协调一致」
        done = cal.finish_time(env.now, self.sample_research())
        yield env.timeout(done - env.now)
        log.add(env.now, case, A.TOPIC_RESEARCHED, code[matter])
        # A48 「按程序报送分管副市长确定，并报市长同意」
        vm = w.org.portfolio_owner[matter]
        s, occ = yield from w.leaders[vm].work(priority, self.sample_confirm())
        log.add(env.now, case, A.TOPIC_VM_CONFIRMED, code[vm], start=s, value=occ)
        s, occ = yield from w.leaders[mayor].work(priority, self.sample_agree())
        log.add(env.now, case, A.TOPIC_MAYOR_AGREED, code[mayor], start=s, value=occ)
        # A49 「应于会前5个工作日报送市政府办公室运转，报分管副市长签批」
        log.add(
            env.now,
            case,
            A.TOPIC_SUBMITTED,
            code[matter],
            target=code[GO],
            outcome=O.SPECIAL if special else NONE,
        )
        topic = Topic(case, matter, urgent, special, env.now, decided=decided)
        self.pending.append(topic)
        if not t.merge_vm_steps:  # AMB-41 default: two VM acts (K52)
            s, occ = yield from w.leaders[vm].work(priority, self.sample_sign_off())
            log.add(env.now, case, A.TOPIC_SIGNED_OFF, code[vm], start=s, value=occ)
        topic.ready = True
        if topic.urgent:
            self._maybe_adhoc()
        return topic

    def _maybe_adhoc(self) -> None:
        """A45 「可以随时召开」 (K40): enough urgent topics ready and no meeting soon."""
        w, cal, ex = self.w, self.w.cal, self.cfg.executive
        if ex.adhoc_urgent_topics <= 0:
            return
        if sum(1 for tp in self.pending if tp.urgent and tp.ready) < ex.adhoc_urgent_topics:
            return
        today = cal.date_of(w.env.now)
        try:
            day = cal.add_working_days_date(today, ex.adhoc_lead_working_days)
        except ValueError:
            return
        if cal.office_open(day) >= cal.horizon_minutes:
            return
        soon = day + dt.timedelta(days=7)
        if any(today <= d <= soon for d in self.upcoming):
            return
        self.upcoming.append(day)
        w.env.process(self.meeting(day, O.ADHOC, w.env.now))

    def _agenda(self, cutoff: float) -> tuple[list[Topic], list[tuple[Topic, int]]]:
        """The topics proposed (A49 cut-off or special, K43 capacity) and those deferred with
        why; special ones first, then in order of receipt (RULES §5.1 rows 8, 8b, 13)."""
        cap = self.cfg.executive.capacity
        candidates, deferred = [], []
        for tp in self.pending:
            if not tp.ready:
                deferred.append((tp, O.NOT_READY))
            elif not eligible(tp.received, tp.special, cutoff):
                deferred.append((tp, O.LATE))
            else:
                candidates.append(tp)
        candidates.sort(key=lambda tp: (not tp.special, tp.received))
        agenda = candidates[:cap]
        deferred += [(tp, O.OVERFLOW) for tp in candidates[cap:]]
        chosen = {id(tp) for tp in agenda}
        self.pending = [tp for tp in self.pending if id(tp) not in chosen]
        return agenda, deferred

    # -- the meeting (A45, A50–A53) --------------------------------------------------------

    def meeting(self, day: dt.date, kind: int, plan_at: float) -> Generator[Any, Any, None]:
        """One executive meeting from its planning to its minutes (RULES §5.2)."""
        w, env, log, cal, org = self.w, self.w.env, self.w.log, self.w.cal, self.w.org
        code, cfg, ex = org.code, self.cfg, self.cfg.executive
        go, mayor = code[GO], org.mayor
        if plan_at > env.now:
            yield env.timeout(plan_at - env.now)
        mcase = log.new_case(MEETING_CASE, env.now, code[mayor], code[mayor], False, False)
        log.add(
            env.now,
            mcase,
            A.MEETING_PLANNED,
            go,
            outcome=O.EXECUTIVE,
            deadline=cal.office_open(day),
        )
        log.add(env.now, mcase, A.MEETING_CONVENE_DECIDED, code[mayor], outcome=kind)  # A45
        try:
            cutoff = submission_cutoff(cal, day, cfg.topics.lead_working_days)
        except ValueError:
            cutoff = -math.inf  # the cut-off precedes the simulated period: only special topics
        agenda, deferred = self._agenda(cutoff)
        for tp, why in deferred:
            log.add(env.now, tp.case, A.TOPIC_DEFERRED, go, outcome=why, value=mcase)
        # A50 「由市政府办公室提出安排意见，经市政府秘书长审定后报市长确定」
        s, occ = yield from w.go.work(URGENT, self.sample_propose())
        log.add(env.now, mcase, A.GO_ARRANGEMENT_PROPOSED, go, start=s, value=occ)
        sg = org.secretary_general
        s, occ = yield from w.leaders[sg].work(URGENT, self.sample_review())
        log.add(env.now, mcase, A.SG_ARRANGEMENT_REVIEWED, code[sg], start=s, value=occ)
        s, occ = yield from w.leaders[mayor].work(URGENT, self.sample_fix())
        log.add(env.now, mcase, A.MAYOR_AGENDA_FIXED, code[mayor], start=s, value=occ)
        for tp in agenda:
            log.add(env.now, tp.case, A.TOPIC_ON_AGENDA, go, value=mcase)

        chair, present = yield from self._open(mcase, day)
        if day in self.upcoming:
            self.upcoming.remove(day)
        if chair is None:
            return  # never opened before the horizon
        opened = env.now
        minutes = ex.base_minutes + ex.topic_minutes * len(agenda)
        for m in present:
            env.process(self._attend(m, minutes))
        end = cal.finish_time(opened, minutes)
        if end > env.now:
            yield env.timeout(end - env.now)
        for tp in agenda:
            log.add(env.now, tp.case, A.MEETING_DECISION, code[chair], value=mcase)
        log.add(env.now, mcase, A.MEETING_ADJOURNED, code[chair], start=opened, value=minutes)
        # A52: the GO drafts (AMB-51); the mayor signs, waiting while away (AMB-10, K49)
        s, occ = yield from w.go.work(NORMAL, self.sample_draft())
        log.add(env.now, mcase, A.MINUTES_DRAFTED, go, start=s, value=occ)
        signer = minutes_signer(org, chair, cfg.minutes.exec_vm_may_sign_when_entrusted)
        s, occ = yield from w.leaders[signer].work(URGENT, self.sample_sign())
        log.add(env.now, mcase, A.MINUTES_SIGNED, code[signer], start=s, value=occ)
        log.add(env.now, mcase, A.MINUTES_ISSUED, go)
        for tp in agenda:
            if tp.decided is not None:
                tp.decided.succeed(mcase)  # the document goes on to its signature (A61(6))
            else:
                log.add(env.now, tp.case, A.DOC_CLOSED, go)
            # A53 「由市政府办公室负责督办」: the decision becomes a ledger item
            register_meeting_decision(w, tp.matter, parent=tp.case)

    def _open(self, mcase: int, day: dt.date) -> Generator[Any, Any, tuple[str | None, list[str]]]:
        """Open on ``day`` or, failing a chair or a quorum, on the next working day on which it
        can (AMB-56, K50). Returns the chair (None if the horizon comes first) and the members
        present."""
        w, env, log, cal, org = self.w, self.w.env, self.w.log, self.w.cal, self.w.org
        code, ex = org.code, self.cfg.executive
        go, mayor, evm = code[GO], org.mayor, org.executive_vice_mayor
        asked: set[str] = set()
        entrusted = False
        t_open = cal.office_open(day)
        while True:
            if env.now > t_open:  # the agenda was fixed after the planned opening
                log.add(env.now, mcase, A.MEETING_POSTPONED, go, outcome=O.NOT_READY)
                t_open = self._next_opening(cal.date_of(env.now))
                if t_open is None:
                    return None, []
                continue
            yield env.timeout(t_open - env.now)
            absent = [m for m in self.roster if w.away(m) is not None]
            for m in absent:  # A51 「须向市长请假」
                if m not in asked:
                    asked.add(m)
                    target = code[mayor] if m != mayor else NONE
                    log.add(env.now, mcase, A.MEETING_LEAVE_REQUESTED, code[m], target=target)
            if mayor in absent and ex.entrust_when_mayor_away and not entrusted:
                entrusted = True  # A45 「可委托负责常务工作的副市长召集和主持」 (AMB-40)
                log.add(env.now, mcase, A.MEETING_ENTRUSTED, code[mayor], target=code[evm])
            chair = resolve_chair(org, w.away, entrusted)
            present = len(self.roster) - len(absent)
            expected = expected_members(self.roster, set(absent), ex.quorum_base)
            if chair is not None and has_quorum(present, expected):
                log.add(env.now, mcase, A.MEETING_OPENED, code[chair], value=present)
                return chair, [m for m in self.roster if m not in absent]
            why = O.NO_CHAIR if chair is None else O.NO_QUORUM
            log.add(env.now, mcase, A.MEETING_POSTPONED, go, outcome=why)
            t_open = self._next_opening(cal.date_of(env.now))
            if t_open is None:
                return None, []

    def _next_opening(self, today: dt.date) -> float | None:
        cal = self.w.cal
        try:
            t = cal.office_open(cal.add_working_days_date(today, 1))
        except ValueError:
            return None
        return t if t < cal.horizon_minutes else None

    def _attend(self, member: str, minutes: float) -> Generator[Any, Any, None]:
        """A member's time in the meeting, taken from their office time (urgent job)."""
        office = self.w.leaders[member]
        yield from office.work(URGENT, minutes * office.share)
