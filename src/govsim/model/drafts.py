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

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govsim.core.org import GO
from govsim.log import CASE_TYPES, NONE, REASON_CODE, TOPIC_CODE
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.model.agents import NORMAL, URGENT, until
from govsim.model.countersign import CountersignPlan, coordinate, log_involvement
from govsim.model.desks import desk_work
from govsim.model.documents import co_review, leader_acts, leader_handles, log_review_outcome
from govsim.rules.intake import abandoned_on_return, vetting_decision
from govsim.rules.legality import comment_period_end, next_decision_time
from govsim.rules.routing import route_upward
from govsim.rules.signing import ITEM, SigningClass, co_reviewers, signing_class, signing_plan
from govsim.rules.substitution import ItemNeeds

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


DRAFT_STAGES = (
    "evaluation",
    "consultation",
    "legality",
    "countersign",
    "vetting",
    "meeting",
    "signing",
)
"""A draft's or a normative document's stages after drafting, in order (§4.5, §4.7)."""
CONTRACT_STAGES = ("legality", "submission", "go", "consent")
"""A contract's stages (A60): legality review, submission, the GO's review, the government's
consent."""


@dataclass(frozen=True)
class Resume:
    """Where an outgoing document's lifecycle resumes (a warm start's cut; fresh by default).

    ``returns`` counts the returns of the review at ``stage`` so far (the justice bureau's,
    A21, A60; the GO's vetting, A59, A63) and ``revising`` says the last one returned it;
    ``comment_end`` is when the public comment period ends (A21); ``co_reviewed`` the leaders
    who co-reviewed it and ``authorized`` whether the A61(6)–(7) authorisation was given.
    ``step``, when given, replaces the model's own step at ``stage`` (a countersign round or
    a meeting topic carried half done)."""

    stage: str = "evaluation"
    returns: int = 0
    revising: bool = False
    comment_end: float | None = None
    co_reviewed: tuple[str, ...] = ()
    authorized: bool = False
    step: Callable[[], Generator[Any, Any, Any]] | None = None

    def due(self, stage: str, stages: tuple[str, ...] = DRAFT_STAGES) -> bool:
        """Whether ``stage`` is still ahead (or the one resumed at)."""
        return stages.index(self.stage) <= stages.index(stage)

    def at(self, stage: str) -> Resume | None:
        """This resume point if it is at ``stage``, else None (the stage starts afresh)."""
        return self if self.stage == stage else None


FRESH = Resume()


def outgoing_document(w: World, d: Outgoing) -> Generator[Any, Any, None]:
    """Dispatch to the lifecycle of ``d.kind``."""
    if d.kind == "contract":
        yield from contract(w, d)
    else:
        yield from draft(w, d)


def draft(w: World, d: Outgoing) -> Generator[Any, Any, None]:
    """A draft or a normative document from drafting to issue (RULES §4.5, §4.7)."""
    env, log = w.env, w.log
    lead = w.org.code[d.lead]
    # A59 「凡以市政府或市政府办公室名义制发的公文，一般应由主管部门代拟文稿」: the case opens
    # with the finished draft.
    yield from desk_work(w, d.lead, "drafting", w.sample_drafting(), urgent=d.urgent)
    case = new_outgoing_case(w, d)
    log.add(env.now, case, A.DOC_DRAFTED, lead)
    log_involvement(w, case, d.lead, d.cs)
    yield from draft_from(w, case, d)


def new_outgoing_case(w: World, d: Outgoing, carried: bool = False) -> int:
    """Register the case of an outgoing document now (``carried``: across a warm start's
    cut)."""
    lead = w.org.code[d.lead]
    kind = {"draft": DRAFT, "normative": NORMATIVE, "contract": CONTRACT}[d.kind]
    return w.log.new_case(
        kind,
        w.env.now,
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
        carried=carried,
    )


def draft_from(w: World, case: int, d: Outgoing, at: Resume = FRESH) -> Generator[Any, Any, None]:
    """A drafted document's lifecycle from ``at.stage`` on (RULES §4.5, §4.7): a fresh one
    from its evaluation (normative) or countersign, a carried one where it was at the cut."""
    env, log, code = w.env, w.log, w.org.code
    go = code[GO]
    priority = URGENT if d.urgent else NORMAL
    if d.kind == "normative" and not (yield from _normative_steps(w, case, d, at)):
        return
    if d.cs is not None and at.due("countersign"):
        # A59 「文稿内容涉及其他部门职权范围的事项，主办部门应当主动与有关部门协商」
        step = at.step if at.stage == "countersign" else None
        yield from (step() if step else coordinate(w, case, d.lead, d.cs, allow_joint=False))
    if at.due("vetting") and not (yield from _vetting(w, case, d, priority, at.at("vetting"))):
        return
    if d.meeting_decided and at.due("meeting"):
        step = at.step if at.stage == "meeting" else None
        yield from (step() if step else _deliberate(w, case, d))
    yield from _sign(w, case, d, priority, at.at("signing"))
    log.add(env.now, case, A.DOC_ISSUED, go)
    if d.kind == "normative":
        # A21 「“三统一”（统一登记、统一编制登记号、统一公布）」, 「予以公布和备案」.
        registrar = code[w.sc.legality.justice_bureau]
        log.add(env.now, case, A.NORM_REGISTERED, registrar, value=float(next(w.registrations)))
        log.add(env.now, case, A.DOC_PUBLISHED, go)
        log.add(env.now, case, A.NORM_FILED, go)
    log.add(env.now, case, A.DOC_CLOSED, go)


def _normative_steps(w: World, case: int, d: Outgoing, at: Resume) -> Generator[Any, Any, bool]:
    """A21 「进行评估论证、公开征求意见，经市司法局合法性审核后」: the steps a normative
    document takes before the draft's path; False if the drafter gives up."""
    env, log, cal = w.env, w.log, w.cal
    lead = w.org.code[d.lead]
    if at.due("evaluation"):
        yield from desk_work(w, d.lead, "evaluation", w.sample_evaluation())
        log.add(env.now, case, A.NORM_EVALUATED, lead)
    if at.due("consultation"):
        end = at.comment_end if at.stage == "consultation" else None
        if end is None:
            end = comment_period_end(cal, env.now, w.sc.legality.comment_period_days)
        yield until(env, end)
        log.add(env.now, case, A.NORM_CONSULTED, lead)
    if at.due("legality"):
        return (yield from legality_review(w, case, d.lead, at.at("legality")))
    return True


def _deliberate(w: World, case: int, d: Outgoing) -> Generator[Any, Any, None]:
    """A21 「由起草部门提请市政府全体会议或常务会议审议」; A61(6): decided at a meeting."""
    env, log, code, cal = w.env, w.log, w.org.code, w.cal
    if w.meetings is not None:
        # A topic of the executive meeting (A45(三)(五), A48, A49; RULES §5.1).
        yield from w.meetings.deliberate(case, d.lead, d.urgent)
        return
    # Without [meetings]: the government decides on a fixed day each month.
    yield until(env, next_decision_time(cal, env.now, w.sc.legality.decision_day))
    # The mayor chairs; while the mayor is away the executive VM (A6, A45; ASSUMPTION).
    chair = w.org.mayor if w.away(w.org.mayor) is None else w.org.executive_vice_mayor
    log.add(env.now, case, A.MEETING_DELIBERATED, code[chair], outcome=O.PASS)


def _vetting(
    w: World, case: int, d: Outgoing, priority: int, at: Resume | None = None
) -> Generator[Any, Any, bool]:
    """Principal head's sign-off, then the GO's vetting until it passes (True) or the case ends.

    A59 「部门主要负责人要对代拟文稿认真审核把关，并在公文签批单上签名同意」 and 「市政府办公室
    负责审理」. The GO's own daily-work drafts are vetted without a department sign-off.
    ``at``: resumed with its returns so far (A63), being revised if the last one returned it.
    """
    env, log, code = w.env, w.log, w.org.code
    lead, go = code[d.lead], code[GO]
    problem, returns = d.problem, at.returns if at else 0
    dr = w.sc.drafts
    if at is not None and at.revising:
        problem = yield from _revise_draft(w, d)
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
        returns += 1
        problem = yield from _revise_draft(w, d)


def _revise_draft(w: World, d: Outgoing) -> Generator[Any, Any, str | None]:
    """The drafter revises a returned draft (A63); what the GO finds in it next."""
    yield from desk_work(w, d.lead, "revision", w.sample_draft_revise(), urgent=d.urgent)
    return "poor_quality" if w.draw_draft_still_poor() else None


def _sign(
    w: World, case: int, d: Outgoing, priority: int, at: Resume | None = None
) -> Generator[Any, Any, None]:
    """Co-review (送审) and signature (送签) by the leaders the A61 table names (A59, A61);
    ``at``: resumed with the co-reviews and the authorisation given before."""
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
    done = at.co_reviewed if at else ()
    others = co_reviewers(cls, org, plan.signer, d.lead, involved)
    yield from co_review(w, case, tuple(o for o in others if o not in done), priority)
    why = REASON_CODE[cls.value]
    if plan.authoriser is not None and not (at and at.authorized):
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


def legality_review(
    w: World, case: int, lead: str, at: Resume | None = None
) -> Generator[Any, Any, bool]:
    """The justice bureau's legality review until it passes (True) or the drafter gives up.

    A21 「经市司法局合法性审核后」; A60 「需事先经市司法局合法性审查」. A failed review is
    revised and resubmitted (ASSUMPTION, RULES §4.7 row 4b, §4.9). ``at``: resumed with its
    failed reviews so far, being revised if the last one failed.
    """
    env, log, code, lg = w.env, w.log, w.org.code, w.sc.legality
    me, justice = code[lead], code[lg.justice_bureau]
    returns = at.returns if at else 0
    if at is not None and at.revising:
        yield from desk_work(w, lead, "revision", w.sample_legality_revise())
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
    yield from contract_from(w, new_outgoing_case(w, d), d)


def contract_from(
    w: World, case: int, d: Outgoing, at: Resume = Resume("legality")
) -> Generator[Any, Any, None]:
    """A contract's lifecycle from ``at.stage`` of :data:`CONTRACT_STAGES` on (A60): a fresh
    one from its legality review, a carried one where it was at the cut."""
    env, log, code = w.env, w.log, w.org.code
    lead, go = code[d.lead], code[GO]
    if at.stage == "legality" and not (yield from legality_review(w, case, d.lead, at)):
        return
    if at.due("submission", CONTRACT_STAGES):
        yield from w.wait_for_head(d.lead)  # the department's head submits it (A56)
        log.add(env.now, case, A.DOC_SUBMITTED, lead, target=go)
        log.add(env.now, case, A.GO_RECEIVED, go)
    if at.due("go", CONTRACT_STAGES):
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
