"""Outgoing documents: drafts in the government's or the GO's name, normative documents and
contracts (A20, A21, A58–A61; RULES §4.5, §4.7, §4.9).

A draft (代拟文稿, §4.5): drafted by the competent department (A59 「一般应由主管部门代拟文稿」)
→ countersigned with the departments whose powers it touches (A59) → signed off by the
department's principal head (签批单) → vetted by the GO (审理; returns for quality, redundancy,
department matters: A59, A63) → deliberated on the monthly decision date if decided at a
meeting (A61(6)) → co-reviewed by the other leaders in charge (A61(5)) → signed by the leader
the A61 table names for its class → issued.

A normative document (§4.7) is drafted, evaluated and opened for public comment, then passes
the justice bureau's legality review (A21) before it follows the draft's path; it is
deliberated, signed, then registered, published and filed (A21 「三统一」, 「公布和备案」).
A contract (§4.9) passes the legality review and the government's consent before it is signed
(A60).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from govsim.core.calendar import WorkCalendar
from govsim.core.org import GO
from govsim.log import CASE_TYPES, NONE, REASON_CODE, TOPIC_CODE
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.model.agents import NORMAL, URGENT, until
from govsim.model.arrivals import stream_times
from govsim.model.countersign import CountersignPlan, PlanDrawer, coordinate, log_involvement
from govsim.model.desks import desk_work
from govsim.model.documents import co_review, leader_acts, leader_handles, log_review_outcome
from govsim.model.rng import Streams
from govsim.rules.intake import VETTING_CHECKS, abandoned_on_return, vetting_decision
from govsim.rules.legality import comment_period_end, next_decision_time
from govsim.rules.routing import route_upward
from govsim.rules.signing import ITEM, SigningClass, co_reviewers, signing_class, signing_plan
from govsim.rules.substitution import ItemNeeds
from govsim.scenario.models import Scenario

if TYPE_CHECKING:
    from govsim.model.world import World

AUTHORISING = ItemNeeds(decision=True, mayor_only=False, reserved=True, kind="signing")
"""An A61(6)–(7) authorisation: the authoriser's own, never handed over (AMB-55)."""
DRAFT, NORMATIVE, CONTRACT = (CASE_TYPES.index(k) for k in ("draft", "normative", "contract"))


@dataclass(frozen=True)
class Outgoing:
    """An outgoing document whose drafting starts at ``time`` (its case opens when drafted)."""

    time: float
    kind: str  # "draft" | "normative" | "contract"
    lead: str  # the drafting (competent) department; GO for its own daily-work documents
    topic: str  # govsim.log.TOPICS
    meeting_decided: bool  # decided at a government meeting (A61(6)); always for normative
    urgent: bool  # special or urgent (A61(7))
    wide_ranging: bool  # 涉及面广 (A61(5))
    problem: str | None  # what the GO's vetting finds first (A59, A63)
    major: bool  # contracts: consented to by the mayor (A57)
    mayor_authorises: bool  # A61(6): the mayor authorises the leader in charge to sign
    cs: CountersignPlan | None = None


def generate_outgoing(sc: Scenario, cal: WorkCalendar, streams: Streams) -> list[Outgoing]:
    """All outgoing documents of one replication, in time order; empty when none arrive.

    Drafts (A59), normative documents (A21) and contracts (A60) each arrive as a Poisson
    stream over working time (times ``load.scale``) with their attributes from their own
    named streams, so that one kind's rate leaves the others' documents unchanged.
    """
    departments = [d.id for d in sc.departments if d.kind == "department"]
    out = [
        *_drafts(sc, cal, streams, departments),
        *_normatives(sc, cal, streams, departments),
        *_contracts(sc, cal, streams, departments),
    ]
    out.sort(key=lambda o: o.time)
    return out


def _plan_drawer(sc: Scenario, cal: WorkCalendar, streams: Streams, kind: str) -> PlanDrawer:
    """The countersign plans of ``kind`` from streams of their own (``countersign/<kind>/…``)."""
    return PlanDrawer(
        sc.countersign,
        lambda name: streams[name.replace("countersign/", f"countersign/{kind}/")],
        cal.working_minutes_per_day,
    )


def _arrival_times(
    sc: Scenario, cal: WorkCalendar, streams: Streams, kind: str, per_week: float
) -> np.ndarray:
    """Poisson times over working time at ``per_week × load.scale`` (:func:`stream_times`)."""
    return stream_times(sc, cal, streams[f"arrivals/{kind}"], per_week)


def _drafts(
    sc: Scenario, cal: WorkCalendar, streams: Streams, departments: list[str]
) -> list[Outgoing]:
    """代拟文稿 (A59): a topic, the drafting department (the GO for its own daily work), and
    what the GO's vetting finds; A61(6) concerns government-name documents only."""
    dr, out = sc.drafts, list[Outgoing]()
    if dr.per_dept_per_week <= 0:
        return out
    times = _arrival_times(sc, cal, streams, "draft", dr.per_dept_per_week * len(departments))
    topics = list(dr.topics)
    weights = np.array([dr.topics[t] for t in topics], dtype=float)
    rng, plans = streams["attributes/draft"], _plan_drawer(sc, cal, streams, "draft")
    for t in times:
        topic = topics[int(rng.choice(len(topics), p=weights / weights.sum()))]
        pick = departments[int(rng.integers(len(departments)))]
        u = rng.random(6)
        lead = GO if topic == "go_daily" else pick
        plan = plans.draw(sc.countersign.p_cross_dept_draft, pick, departments)
        out.append(
            Outgoing(
                time=float(t),
                kind="draft",
                lead=lead,
                topic=topic,
                meeting_decided=bool(u[0] < dr.p_meeting_decided)
                and lead != GO
                and topic not in ("go_business", "go_daily"),
                urgent=bool(u[1] < dr.p_urgent),
                wide_ranging=bool(u[2] < dr.p_wide_ranging),
                problem=None if lead == GO else _vetting_problem(dr, u[3]),
                major=False,
                mayor_authorises=bool(u[4] < dr.p_mayor_authorises),
                cs=None if lead == GO else plan,
            )
        )
    return out


def _normatives(
    sc: Scenario, cal: WorkCalendar, streams: Streams, departments: list[str]
) -> list[Outgoing]:
    """规章 and 行政规范性文件 (A21): always deliberated at a meeting, countersigned like drafts."""
    dr, lg, out = sc.drafts, sc.legality, list[Outgoing]()
    if lg.normative_per_week <= 0:
        return out
    times = _arrival_times(sc, cal, streams, "normative", lg.normative_per_week)
    rng, plans = streams["attributes/normative"], _plan_drawer(sc, cal, streams, "normative")
    for t in times:
        lead = departments[int(rng.integers(len(departments)))]
        u = rng.random(4)
        out.append(
            Outgoing(
                time=float(t),
                kind="normative",
                lead=lead,
                topic="gov_rule" if u[0] < lg.p_gov_rule else "normative_doc",
                meeting_decided=True,  # A21: deliberated at a plenary or executive meeting
                urgent=False,
                wide_ranging=bool(u[1] < dr.p_wide_ranging),
                problem="poor_quality" if u[2] < dr.p_poor_quality else None,
                major=False,
                mayor_authorises=bool(u[3] < dr.p_mayor_authorises),
                cs=plans.draw(sc.countersign.p_cross_dept_draft, lead, departments),
            )
        )
    return out


def _contracts(
    sc: Scenario, cal: WorkCalendar, streams: Streams, departments: list[str]
) -> list[Outgoing]:
    """Contracts in the government's name (A60); a major one is consented to by the mayor."""
    out: list[Outgoing] = []
    if sc.legality.contract_per_week <= 0:
        return out
    times = _arrival_times(sc, cal, streams, "contract", sc.legality.contract_per_week)
    rng = streams["attributes/contract"]
    for t in times:
        lead = departments[int(rng.integers(len(departments)))]
        major = bool(rng.random() < sc.load.p_major)
        out.append(
            Outgoing(
                float(t), "contract", lead, "contract", False, False, False, None, major, False
            )
        )
    return out


def _vetting_problem(dr: Any, u: float) -> str | None:
    """What the GO's vetting will find first, from one uniform number (A59, A63)."""
    shares = {
        "dept_scope": dr.p_dept_scope,
        "redundant": dr.p_redundant,
        "poor_quality": dr.p_poor_quality,
    }
    acc = 0.0
    for name in VETTING_CHECKS:
        acc += shares[name]
        if u < acc:
            return name
    return None


def outgoing_document(w: World, d: Outgoing) -> Generator[Any, Any, None]:
    """Dispatch to the lifecycle of ``d.kind``."""
    if d.kind == "contract":
        yield from contract(w, d)
    else:
        yield from draft(w, d)


def draft(w: World, d: Outgoing) -> Generator[Any, Any, None]:
    """A draft or a normative document from drafting to issue (RULES §4.5, §4.7)."""
    env, log, cal, code = w.env, w.log, w.cal, w.org.code
    lead, go = code[d.lead], code[GO]
    normative = d.kind == "normative"
    # A59 「凡以市政府或市政府办公室名义制发的公文，一般应由主管部门代拟文稿」: the case opens
    # with the finished draft.
    yield from desk_work(w, d.lead, "drafting", w.sample_drafting(), urgent=d.urgent)
    case = log.new_case(
        NORMATIVE if normative else DRAFT,
        env.now,
        lead,
        lead,
        d.major,
        d.problem == "poor_quality",
        complex_=bool(d.cs and d.cs.complex_),
        lead_limit_wd=d.cs.lead_limit_wd if d.cs else 0,
        topic=TOPIC_CODE[d.topic],
        meeting_decided=d.meeting_decided,
        urgent=d.urgent,
        wide_ranging=d.wide_ranging,
    )
    log.add(env.now, case, A.DOC_DRAFTED, lead)
    log_involvement(w, case, d.lead, d.cs)
    priority = URGENT if d.urgent else NORMAL
    if normative:
        # A21 「进行评估论证、公开征求意见，经市司法局合法性审核后」
        yield from desk_work(w, d.lead, "evaluation", w.sample_evaluation())
        log.add(env.now, case, A.NORM_EVALUATED, lead)
        yield until(env, comment_period_end(cal, env.now, w.sc.legality.comment_period_days))
        log.add(env.now, case, A.NORM_CONSULTED, lead)
        if not (yield from legality_review(w, case, d.lead)):
            return
    if d.cs is not None:
        # A59 「文稿内容涉及其他部门职权范围的事项，主办部门应当主动与有关部门协商」
        yield from coordinate(w, case, d.lead, d.cs, allow_joint=False)
    if not (yield from _vetting(w, case, d, priority)):
        return
    if d.meeting_decided:
        # A21 「由起草部门提请市政府全体会议或常务会议审议」; A61(6): decided at a meeting.
        if w.meetings is not None:
            # A topic of the executive meeting (A45(三)(五), A48, A49; RULES §5.1).
            yield from w.meetings.deliberate(case, d.lead, d.urgent)
        else:
            # Without [meetings]: the government decides on a fixed day each month.
            yield until(env, next_decision_time(cal, env.now, w.sc.legality.decision_day))
            # The mayor chairs; while the mayor is away the executive VM (A6, A45; ASSUMPTION).
            chair = w.org.mayor if w.away(w.org.mayor) is None else w.org.executive_vice_mayor
            log.add(env.now, case, A.MEETING_DELIBERATED, code[chair], outcome=O.PASS)
    yield from _sign(w, case, d, priority)
    log.add(env.now, case, A.DOC_ISSUED, go)
    if normative:
        # A21 「“三统一”（统一登记、统一编制登记号、统一公布）」, 「予以公布和备案」.
        registrar = code[w.sc.legality.justice_bureau]
        log.add(env.now, case, A.NORM_REGISTERED, registrar, value=float(next(w.registrations)))
        log.add(env.now, case, A.DOC_PUBLISHED, go)
        log.add(env.now, case, A.NORM_FILED, go)
    log.add(env.now, case, A.DOC_CLOSED, go)


def _vetting(w: World, case: int, d: Outgoing, priority: int) -> Generator[Any, Any, bool]:
    """Principal head's sign-off, then the GO's vetting until it passes (True) or the case ends.

    A59 「部门主要负责人要对代拟文稿认真审核把关，并在公文签批单上签名同意」 and 「市政府办公室
    负责审理」. The GO's own daily-work drafts are vetted without a department sign-off.
    """
    env, log, code = w.env, w.log, w.org.code
    lead, go = code[d.lead], code[GO]
    problem, returns = d.problem, 0
    dr = w.sc.drafts
    while True:
        why = REASON_CODE[problem] if problem else NONE
        if d.lead != GO:
            yield from w.wait_for_head(d.lead)  # the head signs, on post (A59, A80)
            log.add(env.now, case, A.DOC_PRINCIPAL_SIGNED, lead)
            log.add(env.now, case, A.DOC_SUBMITTED, lead, target=go, reason=why)
        log.add(env.now, case, A.GO_RECEIVED, go)
        start, effort = yield from w.go.work(priority, w.sample_vetting())
        decision = vetting_decision(problem)
        # A59 「属部门职权范围内事务、应由部门自行发文或联合发文的，不得申请以市政府或市政府
        # 办公室名义发文」: a redirected draft is issued by the department itself.
        ended = log_review_outcome(
            w,
            case,
            decision,
            redirect_to=lead,
            return_to=lead,
            start=start,
            effort=effort,
            reason=why,
        )
        if ended is not None:
            return ended
        if abandoned_on_return(problem) or returns >= dr.max_resubmissions:
            log.add(env.now, case, A.DOC_WITHDRAWN, lead)
            return False
        yield from desk_work(w, d.lead, "revision", w.sample_draft_revise(), urgent=d.urgent)
        returns += 1
        problem = "poor_quality" if w.draw_draft_still_poor() else None


def _sign(w: World, case: int, d: Outgoing, priority: int) -> Generator[Any, Any, None]:
    """Co-review (送审) and signature (送签) by the leaders the A61 table names (A59, A61)."""
    env, log, code, org = w.env, w.log, w.org.code, w.org
    cls = signing_class(d.topic, meeting_decided=d.meeting_decided, urgent=d.urgent)
    plan = signing_plan(
        cls,
        org,
        d.lead,
        wide_ranging=d.wide_ranging,
        mayor_authorises=d.mayor_authorises,
        queue_length=w.signer_load,
    )
    involved = d.cs.involved if d.cs else ()
    yield from co_review(w, case, co_reviewers(cls, org, plan.signer, d.lead, involved), priority)
    why = REASON_CODE[cls.value]
    if plan.authoriser is not None:
        # A61(6)–(7) 「经…授权」: the authoriser's own power, given on post (A80; K61).
        yield from w.when_can_act(plan.authoriser, AUTHORISING)
        log.add(
            env.now,
            case,
            A.SIGN_AUTHORIZED,
            code[plan.authoriser],
            target=code[plan.signer],
            reason=why,
        )
    # A8 补位 covers the leader in charge's signature (A61(5), A61(8) business; K59); where
    # A61 names who signs, the document waits for them (AMB-09, AMB-55).
    by_portfolio = (cls is SigningClass.OTHER_GOV and not d.wide_ranging) or (
        cls is SigningClass.GO_BUSINESS
    )
    needs = ItemNeeds(decision=True, mayor_only=ITEM[cls] in (2, 3, 4), reserved=not by_portfolio)
    handler, start, occupied = yield from leader_acts(
        w, case, A.DOC_SENT_FOR_SIGNATURE, plan.signer, needs, priority, w.sample_sign()
    )
    on_behalf = code[plan.signer] if handler != plan.signer else NONE
    log.add(
        env.now,
        case,
        A.DOC_SIGNED,
        code[handler],
        on_behalf=on_behalf,
        start=start,
        value=occupied,
        reason=why,
    )


def legality_review(w: World, case: int, lead: str) -> Generator[Any, Any, bool]:
    """The justice bureau's legality review until it passes (True) or the drafter gives up.

    A21 「经市司法局合法性审核后」; A60 「需事先经市司法局合法性审查」. A failed review is
    revised and resubmitted (ASSUMPTION, RULES §4.7 row 4b, §4.9).
    """
    env, log, code, lg = w.env, w.log, w.org.code, w.sc.legality
    me, justice = code[lead], code[lg.justice_bureau]
    returns = 0
    while True:
        log.add(env.now, case, A.LEGALITY_SUBMITTED, me, target=justice)
        start, effort = yield from w.justice.work(NORMAL, w.sample_legality_review())
        passed = w.draw_legality_pass()
        outcome = O.PASS if passed else O.FAIL
        log.add(
            env.now,
            case,
            A.JUSTICE_LEGALITY_REVIEWED,
            justice,
            target=me,
            outcome=outcome,
            start=start,
            value=effort,
        )
        if passed:
            return True
        if returns >= lg.max_resubmissions:
            log.add(env.now, case, A.DOC_WITHDRAWN, me)
            return False
        yield from desk_work(w, lead, "revision", w.sample_legality_revise())
        returns += 1


def contract(w: World, d: Outgoing) -> Generator[Any, Any, None]:
    """A contract in the government's name (RULES §4.9, A60 「需事先经市司法局合法性审查，并报
    市政府同意」): legality review, then the consent of the leader in charge (the mayor when
    major, A57) through the GO (A55), then the signature."""
    env, log, code = w.env, w.log, w.org.code
    lead, go = code[d.lead], code[GO]
    case = log.new_case(CONTRACT, env.now, lead, lead, d.major, False, topic=TOPIC_CODE["contract"])
    if not (yield from legality_review(w, case, d.lead)):
        return
    yield from w.wait_for_head(d.lead)  # the department's head submits it (A56)
    log.add(env.now, case, A.DOC_SUBMITTED, lead, target=go)
    log.add(env.now, case, A.GO_RECEIVED, go)
    start, effort = yield from w.go.work(NORMAL, w.sample_go_review())
    log.add(env.now, case, A.GO_REVIEWED, go, outcome=O.PASS, start=start, value=effort)
    owner = route_upward(w.org, d.lead, d.major)
    needs = ItemNeeds(decision=True, mayor_only=False)
    handler, start, occupied = yield from leader_handles(
        w, case, owner, needs, NORMAL, w.sample_approve()
    )
    on_behalf = code[owner] if handler != owner else NONE
    log.add(
        env.now,
        case,
        A.GOV_CONSENTED,
        code[handler],
        on_behalf=on_behalf,
        start=start,
        value=occupied,
    )
    # ASSUMPTION: the lead department signs for the government once both gates are passed.
    log.add(env.now, case, A.CONTRACT_SIGNED, lead)
    log.add(env.now, case, A.DOC_CLOSED, go)
