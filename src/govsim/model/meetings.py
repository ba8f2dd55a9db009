"""The government's meetings and their topics, as SimPy processes (A43–A53).

A43 「市政府实行全体会议、常务会议、市长办公会议和专题会议制度」: the plenary (A44), the executive
meeting (A45), the mayor's office meeting (A46) and special-topic meetings (A47).

A topic's life on the way to a plenary or executive meeting reads next to RULES §5.1
(:meth:`MeetingsModel._prepare`)::

    referred            the mayor (or the acting executive VM, A6) refers a major request  A7, A27
    researched          the lead department researches it (working time)                 A48
    coordinated         … agrees it with the related departments (working time)          A48
    compliance_reviewed legality and compliance review (justice bureau, ASSUMPTION)       A48
    vm_confirmed        the vice mayor in charge confirms it (their queue)               A48
    mayor_agreed        the mayor agrees (the mayor's queue)                             A48
    submitted           the materials reach the GO; special cases flagged (K45, AMB-12)  A49
    signed_off          the vice mayor in charge signs the materials off (AMB-41, K52)   A49
    → waits at the GO for the next executive meeting whose A49 cut-off it meets, or a plenary

The mayor may instead take a major request to a mayor's office meeting (A46(三)), and the
leader in charge may take a request countersigned with dissent to a special-topic meeting
(A47(二), RULES §4.4); both are convened on demand (RULES §5.6) and send what they cannot
settle up to the executive meeting through the A48 pipeline (A46(二), A47(三), A45(六)).

A meeting's life reads next to RULES §5.2 (:meth:`MeetingsModel.meeting`)::

    planned, convene_decided   by the convener: the mayor (A44–A46) or a VM (A47)
    agenda                     executive: received by the cut-off (or special), up to K43;
                               plenary: ready topics up to its capacity; on demand: the waiting
    go.arrangement_proposed → sg.arrangement_reviewed → mayor.agenda_fixed      A50 (executive)
    go.arrangement_proposed → mayor.agenda_fixed        plenary, mayor's office (AMB-24)
    meeting_leave.requested    absent members ask the mayor; observers the GO   A51
    go.leave_summary           the GO reports observers' leave to the mayor     A51
    entrusted                  the absent convener entrusts a stand-in          A45, A47 (AMB-26)
    opened | postponed         chair (§5.3) and quorum (executive, §5.5); else the next working
                               day (AMB-56)
    decision | deferred | returned | escalated, per topic                       §5.1 row 14
    adjourned
    minutes drafted (GO) → reviewed by the mayor if important (special topic) → signed → issued
    each decision closes its request and becomes a ledger item when the ledger is on   A53

**Meetings take the leaders' time.** Leaders' work goes through their :class:`Office` queues
(one worker each). Every step a leader takes in this module — confirming, agreeing, signing
off, reviewing and fixing the agenda, signing minutes — is a job in that queue, urgent ones
(the arrangement, the minutes, attending) ahead of waiting documents; it pauses while the
leader is away. Attending is a job of the meeting's length in every present leader's queue
(members, leader observers, a special topic's chair), so a meeting delays the leader's
documents by its length. The meeting itself runs on the clock from its opening; a leader busy
with a document when it opens does that job after the document (an approximation: the
leader's total time is right, its placement may be late).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govsim.core.distributions import Distribution, bound_sampler
from govsim.core.org import GO
from govsim.log import CASE_TYPES, NONE, OUTCOMES
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.model.agents import NORMAL, URGENT
from govsim.model.arrivals import Arrival
from govsim.model.ledger import register_meeting_decision
from govsim.rules.meetings import (
    MAYORS_MEETINGS,
    chair_now,
    eligible,
    executive_meeting_days,
    expected_members,
    has_quorum,
    members,
    minutes_signer,
    observers,
    plenary_days,
    special_topic_delegate,
    submission_cutoff,
)
from govsim.rules.substitution import ItemNeeds
from govsim.scenario.meeting_models import Meetings

if TYPE_CHECKING:
    from govsim.model.world import World

MEETING_CASE = CASE_TYPES.index("meeting")
REPORTS_CASE = CASE_TYPES.index("go_reports")
LEAVE_NEEDS = ItemNeeds(decision=True, mayor_only=False)
"""A51 leave is within the acting executive VM's scope while the mayor is away (K60)."""
DAY = 1440.0
KIND_CODE = {kind: OUTCOMES.index(kind) for kind in (*MAYORS_MEETINGS, "special_topic")}


@dataclass(eq=False)
class Topic:
    """A topic waiting for a meeting (the log is what the outside sees)."""

    case: int  # the request's case
    matter: str  # the lead department (主办部门)
    urgent: bool
    special: bool  # A49 「特殊情况」 (AMB-12)
    received: float  # materials at the GO (A48 topics) or referral (on-demand meetings)
    ready: bool = False  # signed off by the VM in charge (A49)
    decided: Any = None  # for a document that goes on after the decision: its event (A61(6))


@dataclass(frozen=True)
class Sitting:
    """What differs between the four meetings when they open (RULES §3.5, §5.3, §5.5)."""

    kind: str
    convener: str  # who convenes and chairs when on post (A44–A47)
    members: tuple[str, ...]  # leaders who sit as members; A51: absent ones ask the mayor
    observers: tuple[str, ...]  # leaders and units (their heads) whose leave goes to the GO
    delegate: Callable[[], str | None]  # whom the absent convener entrusts (None: nobody)
    quorum_base: str | None  # A45 「应到人数」 base (K46); None: no quorum rule
    base_minutes: float
    topic_minutes: float


class MeetingsModel:
    """Topics and the four meetings of one replication."""

    def __init__(self, w: World, cfg: Meetings) -> None:
        self.w, self.cfg = w, cfg
        self.pending: list[Topic] = []  # A48 topics at the GO, on no agenda yet, by receipt
        self.office_pending: list[Topic] = []  # topics for the mayor's office meeting (A46)
        self.special_pending: dict[str, list[Topic]] = {}  # by convener (A47)
        self.special_planned: set[str] = set()  # conveners with a special-topic meeting planned
        self.upcoming: list[dt.date] = []  # executive meetings planned, agenda not drawn yet
        self.executive_days: set[dt.date] = set()  # every executive meeting day planned
        self._office_round = 0  # the mayor's office meeting round a wait timer belongs to
        self.issued = 0  # decisions whose minutes are issued, to date (A53 reports)
        wmpd = w.cal.working_minutes_per_day

        def bind(name: str, spec: Distribution) -> Callable[[], float]:
            return bound_sampler(spec, wmpd, w.streams[f"meetings.{name}"])

        t, ag, mi = cfg.topics, cfg.agenda, cfg.minutes
        self.sample_research = bind("research", t.research)
        self.sample_coordinate = bind("coordinate", t.coordinate)
        self.sample_compliance = bind("compliance_review", t.compliance_review)
        self.sample_rework = bind("rework", t.rework)
        self.sample_confirm = bind("confirm", t.confirm)
        self.sample_agree = bind("agree", t.agree)
        self.sample_sign_off = bind("sign_off", t.sign_off)
        self.sample_propose = bind("propose", ag.propose)
        self.sample_review = bind("review", ag.review)
        self.sample_fix = bind("fix", ag.fix)
        self.sample_draft = bind("draft", mi.draft)
        self.sample_sign = bind("sign", mi.sign)
        self.sample_minutes_review = bind("minutes_review", cfg.special_topic.review)
        self.sample_report = bind("report", cfg.report)
        self._refer = w.streams["meetings.refer"]
        self._take = w.streams["meetings.mayor_office"]
        self._convene = w.streams["meetings.special_topic"]
        self._special = w.streams["meetings.special"]
        self._outcome = w.streams["meetings.outcome"]
        self._important = w.streams["meetings.important"]

    # -- cadence (A44, A45, K39) -----------------------------------------------------------

    def start(self) -> None:
        """Plan every regular executive meeting (K39) and plenary (A44) of the horizon."""
        cal, ex, pl = self.w.cal, self.cfg.executive, self.cfg.plenary
        regular = [
            (day, "executive", ex.arrangement_working_days)
            for day in executive_meeting_days(cal, ex.cadence, ex.weekday, ex.week_of_month)
        ]
        regular += [
            (day, "plenary", pl.arrangement_working_days)
            for day in plenary_days(cal, pl.months, pl.day_of_month)
        ]
        every, owners = ex.standing_item_every, ex.standing_item_owners
        n_regular = n_standing = 0
        for day, kind, ahead in sorted(regular):
            standing = None
            if kind == "executive":
                # A45(七) 「定期研究安全生产、生态环保等重点事项」: every n-th regular meeting
                n_regular += 1
                if every and n_regular % every == 0:
                    standing = owners[n_standing % len(owners)]
                    n_standing += 1
            try:
                plan_at = cal.office_open(cal.sub_working_days(day, ahead))
            except ValueError:
                continue  # the arrangement would fall before the simulated period
            if plan_at < cal.horizon_minutes:
                if kind == "executive":
                    self.upcoming.append(day)
                    self.executive_days.add(day)
                self.w.env.process(
                    self.meeting(kind, day, O.REGULAR, plan_at, standing_owner=standing)
                )
        if self.cfg.implementation_report == "monthly":
            self.w.env.process(self._reports())

    # -- follow-up (A53) -------------------------------------------------------------------

    def _reports(self) -> Generator[Any, Any, None]:
        """A53 「并定期将会议决定事项的落实情况向市政府领导同志报告」: on the first working day of
        each month (K53, AMB-42) the GO prepares (its queue) and sends the leaders a report,
        once a decision has been issued. ``value``: the decisions still being implemented
        (open ledger items of source meeting) with the ledger, else those issued since the
        last report."""
        w, env, cal, log = self.w, self.w.env, self.w.cal, self.w.log
        go = w.org.code[GO]
        case, reported = None, 0
        year, month = cal.start.year, cal.start.month
        while True:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            first = dt.date(year, month, 1)
            try:
                day = first if cal.is_working_day(first) else cal.add_working_days_date(first, 1)
            except ValueError:
                return
            t = cal.office_open(day)
            if t >= cal.horizon_minutes:
                return
            if t < env.now:
                continue  # the last report took the GO past this month's day: none this month
            yield env.timeout(t - env.now)
            if self.issued == 0:
                continue
            s, _ = yield from w.go.work(NORMAL, self.sample_report())
            if w.ledger is not None:
                value = sum(1 for item in w.ledger.open.values() if item.source == "meeting")
            else:
                value = self.issued - reported
            reported = self.issued
            if case is None:
                case = log.new_case(REPORTS_CASE, env.now, go, go, False, False)
            log.add(env.now, case, A.GO_IMPLEMENTATION_REPORT, go, start=s, value=value)

    # -- where a decision goes (A7, A27, A46, A47) -----------------------------------------

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

    # -- the A48–A49 pipeline --------------------------------------------------------------

    def _prepare(
        self,
        case: int,
        matter: str,
        urgent: bool,
        decided: Any = None,
        research: Callable[[], float] | None = None,
    ) -> Generator[Any, Any, Topic]:
        """Research (or rework), coordination, compliance review, the VM's confirmation, the
        mayor's agreement, submission to the GO and the VM's sign-off (A48, A49); the topic
        then waits at the GO."""
        w, env, log, cal, code = self.w, self.w.env, self.w.log, self.w.cal, self.w.org.code
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
        ):
            done = cal.finish_time(env.now, sample())
            yield env.timeout(done - env.now)
            log.add(env.now, case, act, code[actor])
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
            if self.cfg.executive.adhoc_max_wait_working_days > 0:
                w.env.process(self._urgent_wait(topic))
        return topic

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

    def _wait_working_days(self, n: int) -> Generator[Any, Any, bool]:
        """Wait until the office opening ``n`` working days from today; False (at once) if
        that falls after the horizon."""
        day = self._day_after(n)
        if day is None:
            return False
        yield self.w.env.timeout(self.w.cal.office_open(day) - self.w.env.now)
        return True

    def _day_after(self, working_days: int) -> dt.date | None:
        """The day ``working_days`` working days from today, if it opens before the horizon."""
        return self._working_day_after(self.w.cal.date_of(self.w.env.now), working_days)

    def _working_day_after(self, day: dt.date, n: int) -> dt.date | None:
        """The ``n``-th working day after ``day`` (AMB-45), or None if it does not open before
        the horizon."""
        cal = self.w.cal
        try:
            later = cal.add_working_days_date(day, n)
        except ValueError:
            return None
        return later if cal.office_open(later) < cal.horizon_minutes else None

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

    # -- on demand: the mayor's office meeting (A46) and special topics (A47) ---------------

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

    # -- the meeting (A44–A47, A50–A53) ----------------------------------------------------

    def _sitting(self, kind: str, convener: str) -> Sitting:
        """Who sits and who may stand in, by kind (RULES §3.5, §5.3; AMB-26, AMB-40)."""
        org, cfg, w = self.w.org, self.cfg, self.w
        evm = org.executive_vice_mayor
        if kind == "special_topic":
            st = cfg.special_topic
            delegate = (
                (lambda: special_topic_delegate(org, w.away)) if st.entrust_when_away else _nobody
            )
            return Sitting(
                kind, convener, (), (), delegate, None, st.base_minutes, st.topic_minutes
            )
        entrust, quorum = {
            "executive": (cfg.executive.entrust_when_mayor_away, cfg.executive.quorum_base),
            "plenary": (cfg.plenary.entrust_when_mayor_away, None),
            "mayor_office": (cfg.mayor_office.entrust_when_mayor_away, None),
        }[kind]
        length = {
            "executive": (cfg.executive.base_minutes, cfg.executive.topic_minutes),
            "plenary": (cfg.plenary.base_minutes, cfg.plenary.topic_minutes),
            "mayor_office": (cfg.mayor_office.base_minutes, cfg.mayor_office.topic_minutes),
        }[kind]
        delegate = (lambda: evm) if entrust else _nobody
        return Sitting(
            kind, convener, members(org, kind), observers(org, kind), delegate, quorum, *length
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
        w, env, log, cal, org = self.w, self.w.env, self.w.log, self.w.cal, self.w.org
        code, go = org.code, org.code[GO]
        convener = convener or org.mayor
        if plan_at > env.now:
            yield env.timeout(plan_at - env.now)
        mcase = log.new_case(MEETING_CASE, env.now, code[convener], code[convener], False, False)
        t_open = cal.office_open(day)
        log.add(env.now, mcase, A.MEETING_PLANNED, go, outcome=KIND_CODE[kind], deadline=t_open)
        log.add(env.now, mcase, A.MEETING_CONVENE_DECIDED, code[convener], outcome=how)
        sitting = self._sitting(kind, convener)
        delegate: str | None = None
        if kind == "executive":
            try:
                cutoff = submission_cutoff(cal, day, self.cfg.topics.lead_working_days)
            except ValueError:
                cutoff = -math.inf  # the cut-off precedes the simulated period: only special
            slots = self.cfg.executive.capacity - (standing_owner is not None)
            agenda, deferred = self._agenda(cutoff, slots)
            if how == O.REGULAR and day in self.upcoming:
                # its agenda is drawn: it takes no more topics (K40); an ad-hoc meeting, whose
                # agenda is drawn when it is called, still counts as soon until it opens
                self.upcoming.remove(day)
            for tp, why in deferred:
                log.add(env.now, tp.case, A.TOPIC_DEFERRED, go, outcome=why, value=mcase)
        elif kind == "plenary":  # A44(二): A48 topics ready now; no A49 cut-off
            agenda, _ = self._agenda(math.inf, self.cfg.plenary.capacity)
        if kind in MAYORS_MEETINGS:
            # A50 「由市政府办公室提出安排意见，经市政府秘书长审定后报市长确定」 (executive);
            # the same without the SG's review for the plenary and the mayor's office
            # meeting, whose procedure is not stated (AMB-24, ASSUMPTION).
            s, occ = yield from w.go.work(URGENT, self.sample_propose())
            log.add(env.now, mcase, A.GO_ARRANGEMENT_PROPOSED, go, start=s, value=occ)
            if kind == "executive":
                sg = org.secretary_general
                s, occ = yield from w.leaders[sg].work(URGENT, self.sample_review())
                log.add(env.now, mcase, A.SG_ARRANGEMENT_REVIEWED, code[sg], start=s, value=occ)
            # The mayor fixes it; a mayor away who will not be back by the opening (A45
            # 「市长不能出席会议时」) entrusts the stand-in the knobs allow with the meeting
            # (「委托…召集和主持」), who then fixes it; otherwise it waits for the mayor.
            if w.availability is not None and (
                w.availability.next_present(org.mayor, env.now) >= t_open
            ):
                delegate = self._entrust(mcase, sitting, None)
            fixer = delegate or org.mayor
            s, occ = yield from w.leaders[fixer].work(URGENT, self.sample_fix())
            log.add(env.now, mcase, A.MAYOR_AGENDA_FIXED, code[fixer], start=s, value=occ)
        else:  # a special topic takes its convener's topics waiting on the day
            if t_open > env.now:
                yield env.timeout(t_open - env.now)
            agenda = self.special_pending.pop(convener, [])
            self.special_planned.discard(convener)
        agenda = agenda or []
        for tp in agenda:
            log.add(env.now, tp.case, A.TOPIC_ON_AGENDA, go, value=mcase)

        chair, present = yield from self._open(mcase, t_open, sitting, delegate)
        if kind == "executive" and day in self.upcoming:
            self.upcoming.remove(day)
        if chair is None:
            return  # never opened before the horizon
        opened = env.now
        items = len(agenda) + (standing_owner is not None)
        minutes = sitting.base_minutes + sitting.topic_minutes * items
        for m in present:
            env.process(self._attend(m, minutes))
        end = cal.finish_time(opened, minutes)
        if end > env.now:
            yield env.timeout(end - env.now)
        decided, later = self._discuss(kind, mcase, chair, agenda)
        if standing_owner is not None:
            owner = code[standing_owner]
            log.add(env.now, mcase, A.MEETING_STANDING_ITEM, code[chair], target=owner)
        log.add(env.now, mcase, A.MEETING_ADJOURNED, code[chair], start=opened, value=minutes)
        yield from self._minutes(kind, mcase, chair, convener)
        self.issued += len(decided) + (standing_owner is not None)
        if standing_owner is not None:  # A53: the standing item's decision is supervised too
            register_meeting_decision(w, standing_owner, parent=mcase)
        for tp in decided:
            if tp.decided is not None:
                tp.decided.succeed(mcase)  # the document goes on to its signature (A61(6))
            else:
                log.add(env.now, tp.case, A.DOC_CLOSED, go)
            # A53 「由市政府办公室负责督办」: the decision becomes a ledger item
            register_meeting_decision(w, tp.matter, parent=tp.case)
        for proc in later:  # escalated and returned topics go (back) through A48
            env.process(proc)

    def _discuss(
        self, kind: str, mcase: int, chair: str, agenda: list[Topic]
    ) -> tuple[list[Topic], list[Generator[Any, Any, Any]]]:
        """Each topic on the agenda: decided, deferred to a later meeting or returned for
        rework (plenary, executive: RULES §5.1 row 14), or sent up to the executive meeting
        (mayor's office A46(二), special topic A47(三)). One draw per topic, always taken."""
        env, log, code, t = self.w.env, self.w.log, self.w.org.code, self.cfg.topics
        go = code[GO]
        decided: list[Topic] = []
        later: list[Generator[Any, Any, Any]] = []
        for tp in agenda:
            u = float(self._outcome.random())
            if kind in ("executive", "plenary"):
                if u < t.p_defer_at_meeting:
                    log.add(
                        env.now, tp.case, A.TOPIC_DEFERRED, go, outcome=O.AT_MEETING, value=mcase
                    )
                    self.pending.append(tp)
                    continue
                if u < t.p_defer_at_meeting + t.p_return_at_meeting:
                    log.add(env.now, tp.case, A.TOPIC_RETURNED, code[chair], value=mcase)
                    later.append(self._again(tp, self.sample_rework))
                    continue
            else:
                cfg = self.cfg.mayor_office if kind == "mayor_office" else self.cfg.special_topic
                if u < cfg.p_escalate:
                    log.add(env.now, tp.case, A.TOPIC_ESCALATED, code[chair], value=mcase)
                    later.append(self._again(tp, None))
                    continue
            log.add(env.now, tp.case, A.MEETING_DECISION, code[chair], value=mcase)
            decided.append(tp)
        self.pending.sort(key=lambda tp: tp.received)
        return decided, later

    def _again(self, tp: Topic, research: Callable[[], float] | None) -> Generator[Any, Any, None]:
        """A topic returned for rework, or escalated to the executive meeting, goes through
        the A48 pipeline (again), keeping its link to the document waiting for the decision."""
        yield from self._prepare(tp.case, tp.matter, tp.urgent, tp.decided, research)

    def _minutes(
        self, kind: str, mcase: int, chair: str, convener: str
    ) -> Generator[Any, Any, None]:
        """A52: the GO drafts (AMB-51); important special-topic minutes are reviewed by the
        mayor (「须经市长审定后印发」); the signer signs, waiting while away (AMB-10, K49)."""
        w, env, log, org, cfg = self.w, self.w.env, self.w.log, self.w.org, self.cfg
        code, go = org.code, org.code[GO]
        st = cfg.special_topic
        important = kind == "special_topic" and bool(self._important.random() < st.p_important)
        s, occ = yield from w.go.work(NORMAL, self.sample_draft())
        outcome = O.IMPORTANT if important else NONE
        log.add(env.now, mcase, A.MINUTES_DRAFTED, go, start=s, value=occ, outcome=outcome)
        signer = minutes_signer(
            org, chair, cfg.minutes.exec_vm_may_sign_when_entrusted, kind, convener, st.signer
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
        or nobody may stand in. The absent convener entrusts by phone (A80 「外出期间，必须
        保持通讯联络畅通」)."""
        w = self.w
        if w.away(s.convener) is None:
            return delegate
        if delegate is not None and w.away(delegate) is None:
            return delegate
        stand_in = s.delegate()
        if stand_in is None or w.away(stand_in) is not None:
            return delegate
        if stand_in != delegate:
            code = w.org.code
            w.log.add(
                w.env.now, mcase, A.MEETING_ENTRUSTED, code[s.convener], target=code[stand_in]
            )
        return stand_in

    def _open(
        self, mcase: int, t_open: float, s: Sitting, delegate: str | None = None
    ) -> Generator[Any, Any, tuple[str | None, list[str]]]:
        """Open at ``t_open`` or, failing a chair or a quorum, on the next working day on
        which it can (AMB-56, K50). Absent members ask the mayor for leave and absent
        observers the GO, which reports them to the mayor (A51). Returns the chair (None if
        the horizon comes first) and the leaders present."""
        w, env, log, cal, org = self.w, self.w.env, self.w.log, self.w.cal, self.w.org
        code, go, mayor = org.code, org.code[GO], org.mayor
        asked: set[str] = set()
        while True:
            if env.now > t_open:  # the agenda was fixed after the planned opening
                log.add(env.now, mcase, A.MEETING_POSTPONED, go, outcome=O.NOT_READY)
                t_open = self._next_opening(cal.date_of(env.now))
                if t_open is None:
                    return None, []
                continue
            yield env.timeout(t_open - env.now)
            absent = [m for m in s.members if w.away(m) is not None]
            if s.kind in MAYORS_MEETINGS:
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
            if chair is not None and quorate:
                # value: the members present (A45 quorum); a special topic: its chair
                value = present if s.members else 1
                log.add(env.now, mcase, A.MEETING_OPENED, code[chair], value=value)
                leaders = [m for m in s.members if m not in absent]
                leaders += [o for o in s.observers if o in w.leaders and w.away(o) is None]
                if chair not in leaders:
                    leaders.append(chair)
                return chair, leaders
            why = O.NO_CHAIR if chair is None else O.NO_QUORUM
            log.add(env.now, mcase, A.MEETING_POSTPONED, go, outcome=why)
            t_open = self._next_opening(cal.date_of(env.now))
            if t_open is None:
                return None, []

    def _next_opening(self, today: dt.date) -> float | None:
        """The next try after a postponement (K50, AMB-56), or None past the horizon."""
        day = self._working_day_after(today, self.cfg.postpone_working_days)
        return None if day is None else self.w.cal.office_open(day)

    def _attend(self, leader: str, minutes: float) -> Generator[Any, Any, None]:
        """A leader's time in the meeting, taken from their office time (urgent job)."""
        office = self.w.leaders[leader]
        yield from office.work(URGENT, minutes * office.share)


def _nobody() -> str | None:
    return None
