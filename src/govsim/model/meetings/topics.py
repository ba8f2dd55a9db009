"""The topic pipeline (A48, A49) and meetings convened on demand (A46, A47; RULES §5.1,
§5.6): where a request is taken, how its topic is prepared, and when a meeting is called."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from typing import Any

from govsim.core.org import GO
from govsim.log import NONE
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.model.agents import NORMAL, URGENT
from govsim.model.arrivals import Arrival
from govsim.model.desks import desk_work
from govsim.model.meetings.state import (
    KIND_CODE,
    MeetingsState,
    Topic,
)
from govsim.model.routing import leader_work
from govsim.rules.meetings import (
    eligible,
)
from govsim.rules.substitution import ItemNeeds

TOPIC_NEEDS = ItemNeeds(decision=True, mayor_only=False, kind="topics")
"""A48 confirmation and agreement, A49 sign-off: handed over under 补位 (K59)."""


class TopicPipeline(MeetingsState):
    """Referral, the A48–A49 pipeline, ad-hoc and on-demand convening."""

    def refers(self) -> bool:
        """Whether the mayor refers a major request to the executive meeting (A7, A27)."""
        return bool(self._refer.random() < self.cfg.topics.p_refer)

    def venue(self, major: bool, dissent: bool, leader: str) -> str | None:
        """The meeting a request is taken to instead of its leader deciding alone, or None.

        A major request: the executive meeting's topic pipeline (A7, A27; ``p_refer``), else
        the mayor's office meeting (A46(三); ``p_take``). A request countersigned with dissent
        that is not major: a special-topic meeting (A47(二), RULES §4.4;
        ``p_convene_on_dissent``) when the ``leader`` handling it (the one in charge, or the
        补位 leader acting for them, A8) may convene one — the mayor or a vice mayor (A47
        「由市长、副市长…召集」); a matter in the secretary-general's charge is decided as
        usual (ASSUMPTION). Each draw is taken whatever the others give
        (common random numbers across variants)."""
        if major:
            refer = self.refers()
            take = bool(self._take.random() < self.cfg.mayor_office.p_take)
            return "executive" if refer else "mayor_office" if take else None
        if dissent:
            p = self.cfg.special_topic.p_convene_on_dissent
            convene = bool(self._convene.random() < p)
            role = self.w.org.leader_roles[leader]
            may = role in ("mayor", "executive_vice_mayor", "vice_mayor")
            return "special_topic" if convene and may else None
        return None

    def topic(
        self,
        venue: str,
        case: int,
        doc: Arrival,
        handler: str,
        owner: str,
        start: float,
        occupied: float,
    ) -> Generator[Any, Any, None]:
        """The leader who received a request takes it to ``venue`` (RULES §5.1 row 1, §4.4
        row 1); the meeting's decision closes the case."""
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
            outcome=KIND_CODE[venue],
        )
        if venue == "executive":
            yield from self._prepare(case, doc.matter, doc.urgent)
            return
        tp = Topic(case, doc.matter, doc.urgent, False, env.now, ready=True)
        if venue == "mayor_office":
            self.office_pending.append(tp)
            self._office_demand()
        else:
            # the leader who took the matter convenes: the one in charge or, while they are
            # away, the 补位 leader doing 「有关工作」 for them (A8)
            self.special_pending.setdefault(handler, []).append(tp)
            self._special_demand(handler)

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
        self,
        case: int,
        matter: str,
        urgent: bool,
        decided: Any = None,
        research: Callable[[], float] | None = None,
        done: int = 0,
    ) -> Generator[Any, Any, Topic]:
        """Research (or rework), coordination, compliance review, the VM's confirmation, the
        mayor's agreement, submission to the GO and the VM's sign-off (A48, A49); the topic
        then waits at the GO. ``done``: how many of the first five steps were done before
        (a topic carried across a warm start's cut, :meth:`resume`)."""
        w, env, log, code = self.w, self.w.env, self.w.log, self.w.org.code
        t = self.cfg.topics
        mayor = w.org.mayor
        drawn = bool(self._special.random() < t.p_special)  # always drawn (common numbers)
        special = drawn or (t.urgent_special and urgent)
        priority = URGENT if urgent else NORMAL
        # A48 「主办部门应提前充分研究论证，与相关部门协调一致，经合法合规性审查后」
        for act, sample, actor in (
            (A.TOPIC_RESEARCHED, research or self.sample_research, matter),
            (A.TOPIC_COORDINATED, self.sample_coordinate, matter),
            (A.TOPIC_COMPLIANCE_REVIEWED, self.sample_compliance, self._reviewer(matter)),
        )[done:]:
            # The unit's desk does it (materials of the topic, A48), urgent topics first.
            yield from desk_work(w, actor, "research", sample(), urgent=urgent)
            log.add(env.now, case, act, code[actor])
        # A48 「按程序报送分管副市长确定，并报市长同意」
        vm = w.org.portfolio_owner[matter]
        if done < 4:
            yield from self._topic_step(
                case, A.TOPIC_VM_CONFIRMED, vm, priority, self.sample_confirm()
            )
        if done < 5:
            yield from self._topic_step(
                case, A.TOPIC_MAYOR_AGREED, mayor, priority, self.sample_agree()
            )
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
        yield from self._at_go(topic, signed_off=False)
        return topic

    def _at_go(self, topic: Topic, signed_off: bool) -> Generator[Any, Any, None]:
        """The topic waits at the GO; the VM in charge signs its materials off unless
        ``signed_off`` (A49; AMB-41, K52), then it is ready for an agenda."""
        self.pending.append(topic)
        if not signed_off and not self.cfg.topics.merge_vm_steps:  # AMB-41: two VM acts
            vm, priority = self.w.org.portfolio_owner[topic.matter], self._priority(topic)
            yield from self._topic_step(
                topic.case, A.TOPIC_SIGNED_OFF, vm, priority, self.sample_sign_off()
            )
        topic.ready = True
        if topic.urgent:
            self._maybe_adhoc()
            if self.cfg.executive.adhoc_max_wait_working_days > 0:
                self.w.env.process(self._urgent_wait(topic))

    @staticmethod
    def _priority(topic: Topic) -> int:
        return URGENT if topic.urgent else NORMAL

    def resume(
        self, carried: Topic, venue: str, done: int, convener: str | None = None
    ) -> Generator[Any, Any, Topic]:
        """A topic carried across a warm start's cut continues where it was: ``done`` of the
        seven A48–A49 steps behind it (research … submission, sign-off; ``carried.received``
        is when its materials reached the GO) for the executive meeting, or waiting for the
        mayor's office or special-topic meeting ``venue`` it was taken to (A46, A47; RULES
        §5.6) by ``convener``. The meeting's decision closes the request, or lets the
        document it decides go on (``carried.decided``)."""
        tp = carried
        if venue == "mayor_office":
            self.office_pending.append(tp)
            self._office_demand()
        elif venue == "special_topic":
            convener = convener or self.w.org.portfolio_owner[tp.matter]
            self.special_pending.setdefault(convener, []).append(tp)
            self._special_demand(convener)
        elif done >= 6:  # submitted (A49): at the GO, signed off or not
            yield from self._at_go(tp, signed_off=done >= 7)
        else:
            tp = yield from self._prepare(tp.case, tp.matter, tp.urgent, tp.decided, done=done)
        return tp

    def _topic_step(
        self, case: int, act: int, owner: str, priority: int, effort: float
    ) -> Generator[Any, Any, None]:
        """One leader's step on a topic (A48 confirmation and agreement, A49 sign-off): the
        owner's, or while the owner is away the 补位 handler's (A6, A8; K59 ``scope.topics``),
        handed back if not started when the owner returns (:mod:`govsim.model.routing`)."""
        w, code = self.w, self.w.org.code
        who, s, occ = yield from leader_work(w, owner, TOPIC_NEEDS, priority, effort)
        on_behalf = code[owner] if who != owner else NONE
        w.log.add(w.env.now, case, act, code[who], start=s, value=occ, on_behalf=on_behalf)

    def _urgent_wait(self, topic: Topic) -> Generator[Any, Any, None]:
        """K40 「急需研究的重要事项可以随时召开」: an urgent topic still on no agenda after
        ``adhoc_max_wait_working_days`` has the mayor convene an ad-hoc meeting; if a meeting
        soon makes one needless, it looks again after the same wait, until the topic is on an
        agenda."""
        while (yield from self._wait_working_days(self.cfg.executive.adhoc_max_wait_working_days)):
            if not any(tp is topic for tp in self.pending):
                return
            self._maybe_adhoc(waited=True)

    def _reviewer(self, matter: str) -> str:
        """Who reviews a topic's legality and compliance (A48): the justice bureau (A20, A21)
        when the scenario names one, else the lead department's own legal office
        (ASSUMPTION)."""
        return self.w.sc.legality.justice_bureau or matter

    def _maybe_adhoc(self, waited: bool = False) -> bool:
        """A45 「可以随时召开」 (K40): enough urgent topics ready (or one waited too long) and no
        meeting that can still take them soon (one whose agenda is not drawn yet, within a
        week of the ad-hoc day). True if an ad-hoc meeting is convened."""
        w, cal, ex = self.w, self.w.cal, self.cfg.executive
        if not waited:
            if ex.adhoc_urgent_topics <= 0:
                return False
            if sum(1 for tp in self.pending if tp.urgent and tp.ready) < ex.adhoc_urgent_topics:
                return False
        today = cal.date_of(w.env.now)
        day = self._day_after(ex.adhoc_lead_working_days)
        if day is None:
            return False
        soon = day + dt.timedelta(days=7)
        if any(today <= d <= soon for d in self.upcoming):
            return False
        while day in self.executive_days:  # not on the day of another executive meeting
            later = self._working_day_after(day, 1)
            if later is None:
                return False
            day = later
        self.upcoming.append(day)
        self.executive_days.add(day)
        w.env.process(self.meeting("executive", day, O.ADHOC, w.env.now))
        return True

    def _agenda(self, cutoff: float, cap: int) -> tuple[list[Topic], list[tuple[Topic, int]]]:
        """The A48 topics proposed (A49 cut-off or special, capacity ``cap``) and those
        deferred with why; special ones first, then in order of receipt (RULES §5.1 rows 8,
        8b, 13)."""
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

    def _office_demand(self) -> None:
        """RULES §5.6 (ASSUMPTION): convene when ``trigger_topics`` wait, or when the oldest
        has waited ``max_wait_working_days``; the agenda is every topic waiting."""
        mo = self.cfg.mayor_office
        if len(self.office_pending) >= mo.trigger_topics:
            self._convene_office()
        elif len(self.office_pending) == 1:
            self.w.env.process(self._office_timer(self._office_round))

    def _office_timer(self, round_: int) -> Generator[Any, Any, None]:
        if not (yield from self._wait_working_days(self.cfg.mayor_office.max_wait_working_days)):
            return
        if round_ == self._office_round and self.office_pending:
            self._convene_office()

    def _convene_office(self) -> None:
        day = self._day_after(self.cfg.mayor_office.lead_working_days)
        if day is None:
            return
        agenda, self.office_pending = self.office_pending, []
        self._office_round += 1
        self.w.env.process(
            self.meeting("mayor_office", day, O.ON_DEMAND, self.w.env.now, agenda=agenda)
        )

    def _special_demand(self, convener: str) -> None:
        """RULES §5.6 (ASSUMPTION): the first topic waiting for a leader has them convene a
        special-topic meeting ``lead_working_days`` later; it takes every topic of theirs
        waiting on the day."""
        if convener in self.special_planned:
            return
        day = self._day_after(self.cfg.special_topic.lead_working_days)
        if day is None:
            return
        self.special_planned.add(convener)
        self.w.env.process(
            self.meeting("special_topic", day, O.ON_DEMAND, self.w.env.now, convener=convener)
        )

    def _again(self, tp: Topic, research: Callable[[], float] | None) -> Generator[Any, Any, None]:
        """A topic returned for rework, or escalated to the executive meeting, goes through
        the A48 pipeline (again), keeping its link to the document waiting for the decision."""
        yield from self._prepare(tp.case, tp.matter, tp.urgent, tp.decided, research)
