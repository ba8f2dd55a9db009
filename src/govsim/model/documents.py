"""Lifecycles of upward documents (RULES §4.1 请示, §4.2 报告, §4.6 instruction and reply).

Each function reads next to its state machine: countersign with the departments whose powers
a request touches (A56, A59) → submit → GO review: return non-compliant or poor submissions
with their reason, redirect department matters (A55, A56, A63) → co-review by the other
leaders whose portfolios it touches (AMB-43) → route to the leader in charge or the mayor
(A57) → decide or read → instruction transferred by the GO → the department's formal reply,
on time or late (A57). Documents on A55's direct channels skip the GO on the way up. With
``general_office.close_after_review`` a document ends when it passes the GO's review.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from govsim.core.org import GO
from govsim.log import CHANNEL_CODE, NONE, REASON_CODE
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.log import Reason as R
from govsim.model.agents import NORMAL, URGENT, until
from govsim.model.arrivals import Arrival
from govsim.model.countersign import coordinate, log_involvement
from govsim.model.desks import Desk, desk_work
from govsim.model.routing import leader_work
from govsim.rules.deadlines import instruction_reply_deadline
from govsim.rules.intake import bypasses_go, first_problem, intake_decision
from govsim.rules.routing import route_upward, upward_co_reviewers
from govsim.rules.substitution import ItemNeeds

if TYPE_CHECKING:
    from govsim.model.world import World

REQUEST, REPORT = 0, 1

Handled = tuple[str, float, float]  # who handled an item for a leader: (handler, start, minutes)


def upward_document(w: World, doc: Arrival) -> Generator[Any, Any, None]:
    """One 请示 or 报告 from submission to closure (RULES §4.1 rows 4–19, §4.2)."""
    # The sender's desk drafts it (``[desks] submission_drafting``); A56 「须由报送单位主要负责人
    # 签发」: the sender's principal head signs it, on post; the case opens when it is submitted.
    if w.sample_submission is not None:
        yield from desk_work(w, doc.sender, "submission", w.sample_submission(), urgent=doc.urgent)
    if w.availability is not None:
        yield from w.wait_for_head(doc.sender)
    case = _open_case(w, doc)
    priority = URGENT if doc.urgent else NORMAL
    agreed = "consensus"
    if doc.cs is not None:
        # A56 「凡涉及其他部门职权的，主办部门必须主动与相关部门充分协调」, before submission.
        agreed = yield from coordinate(w, case, doc.sender, doc.cs)
    yield from submitted(w, case, doc, priority, agreed)


def submitted(
    w: World, case: int, doc: Arrival, priority: int, agreed: str, returns: int = 0
) -> Generator[Any, Any, None]:
    """From submission (after any countersign) to closure; ``returns`` counts the GO's
    returns so far (A63; a warm start carries them)."""
    if bypasses_go(doc.channel):
        owner, handled = yield from _direct_to_leader(w, case, doc, priority)
    else:
        # The GO's intake is called from here, not from a step of its own: a backlog waits in
        # its queue, and each waiting document then holds one generator fewer.
        if not (yield from _go_intake(w, case, doc, priority, returns)):
            return
        if w.sc.general_office.close_after_review:
            # The model ends at the GO's review (``close_after_review``, the M/M/c boundary).
            w.log.add(w.env.now, case, A.DOC_CLOSED, w.org.code[GO])
            return
        owner = _owner(w, doc)
        handled = yield from _go_routes(w, case, doc, owner, priority)
    yield from decided(w, case, doc, owner, handled, priority, agreed)


def decided(
    w: World, case: int, doc: Arrival, owner: str, handled: Handled, priority: int, agreed: str
) -> Generator[Any, Any, None]:
    """Once the leader has handled it: a meeting's topic, or the leader's decision (A7, A57)."""
    handler, start, occupied = handled
    venue = None
    if doc.kind == "request" and w.meetings is not None:
        # A7 「重大事项，须经市政府全体会议或常务会议讨论决定」: a topic of the executive meeting,
        # or of the mayor's office meeting (A46); a disagreement the departments could not
        # settle, of a special-topic meeting (A47(二)). The meeting's decision closes the case
        # (RULES §4.4, §5.1).
        venue = w.meetings.venue(doc.major, agreed == "dissent", handler)
    if venue is not None:
        yield from w.meetings.topic(venue, case, doc, handler, owner, start, occupied)
        return
    yield from _leader_decides(w, case, doc, owner, handled, priority)


def new_upward_case(
    w: World, doc: Arrival, complex_: bool, lead_limit_wd: int, carried: bool = False
) -> int:
    """Register the case of an upward document now (``carried``: across a warm start's cut)."""
    code = w.org.code
    return w.log.new_case(
        REQUEST if doc.kind == "request" else REPORT,
        w.env.now,
        code[doc.sender],
        code[doc.matter],
        doc.major,
        doc.poor_quality,
        doc.mayor_only,
        channel=CHANNEL_CODE[doc.channel],
        complex_=complex_,
        lead_limit_wd=lead_limit_wd,
        urgent=doc.urgent,
        carried=carried,
    )


def _open_case(w: World, doc: Arrival) -> int:
    """Open the case of a submitted upward document and record which departments' powers it
    touches (A56); returns the case."""
    cs = doc.cs
    case = new_upward_case(w, doc, bool(cs and cs.complex_), cs.lead_limit_wd if cs else 0)
    if doc.cs is not None:
        log_involvement(w, case, doc.sender, doc.cs)
    return case


def _direct_to_leader(
    w: World, case: int, doc: Arrival, priority: int
) -> Generator[Any, Any, tuple[str, Handled]]:
    """A55's exceptions reach the leader in person, skipping the GO (ASSUMPTION: no 补位 on
    the way up; the leader deals with it on post). The sender's principal head signs it, on
    post (A56). Returns ``(owner, (handler, start, office_minutes))``."""
    code = w.org.code
    owner = _owner(w, doc)
    yield from w.wait_for_head(doc.sender)
    w.log.add(w.env.now, case, A.DOC_SUBMITTED, code[doc.sender], target=code[owner])
    effort = w.sample_approve() if doc.kind == "request" else w.sample_read()
    start, occupied = yield from w.leaders[owner].work(priority, effort)
    return owner, (owner, start, occupied)


def _go_routes(
    w: World, case: int, doc: Arrival, owner: str, priority: int
) -> Generator[Any, Any, Handled]:
    """After the GO's review: co-review by the other leaders concerned (AMB-43), then routing
    to the owner or a substitute (A57, A8). Returns ``(handler, start, office_minutes)``."""
    involved = doc.cs.involved if doc.cs is not None else ()
    if involved and w.sc.leader_work.co_review_upward:
        others = upward_co_reviewers(w.org, owner, doc.matter, involved)
        yield from co_review(w, case, others, priority)
    is_request = doc.kind == "request"
    effort = w.sample_approve() if is_request else w.sample_read()
    needs = ItemNeeds(decision=is_request, mayor_only=doc.mayor_only)
    return (yield from leader_handles(w, case, owner, needs, priority, effort))


def _leader_decides(
    w: World, case: int, doc: Arrival, owner: str, handled: Handled, priority: int
) -> Generator[Any, Any, None]:
    """The leader approves the request or reads the report (A57), instructs when the document
    calls for it (批示, RULES §4.6) and the case closes."""
    env, log, code = w.env, w.log, w.org.code
    handler, start, occupied = handled
    act = A.LEADER_APPROVED if doc.kind == "request" else A.LEADER_CIRCLE_READ
    on_behalf = code[owner] if handler != owner else NONE
    log.add(env.now, case, act, code[handler], on_behalf=on_behalf, start=start, value=occupied)
    if doc.instruction:
        log.add(env.now, case, A.LEADER_INSTRUCTED, code[handler], on_behalf=on_behalf)
        if w.ledger is not None:  # A69(六): instructions the GO supervises (RULES §4.6 row 8)
            w.ledger.instruction_issued(case, handler, doc.matter)
        yield from instruction(w, case, doc, priority)
    log.add(env.now, case, A.DOC_CLOSED, code[GO])


def _owner(w: World, doc: Arrival) -> str:
    """A57: the leader in charge of the matter, or the mayor when it is major; A61(3)–(4)
    items only the mayor signs go to the mayor too."""
    return route_upward(w.org, doc.matter, doc.major, doc.mayor_only)


def leader_handles(
    w: World, case: int, owner: str, needs: ItemNeeds, priority: int, effort: float
) -> Generator[Any, Any, tuple[str, float, float]]:
    """The GO routes an item to its owner or, while the owner is away, to whoever the 补位
    policy names (A6, A8; RULES §4.1 rows 12–14, §6.2); the handler works on it.

    With ``substitution.move_queued`` an item still waiting when its handler's absence
    starts is routed again (``doc.rerouted``); one a substitute has not started goes back
    to the owner who returns (A8 「期间」). Returns ``(handler, start, office_minutes)``.
    """
    return (yield from routed_work(w, case, A.DOC_ROUTED, owner, needs, priority, effort))


def routed_work(
    w: World, case: int, act: int, owner: str, needs: ItemNeeds, priority: int, effort: float
) -> Generator[Any, Any, tuple[str, float, float]]:
    """The GO hands the item over (``act``) and re-routes it (``doc.rerouted``) when it
    moves (:func:`govsim.model.routing.leader_work`)."""
    log, code = w.log, w.org.code
    go = code[GO]

    def routed(target: str, act: int = act) -> None:
        log.add(w.env.now, case, act, go, target=code[target], on_behalf=_for(code, owner, target))

    def moved(target: str) -> None:
        # a routed document is re-routed (A8); one sent for review or signature is sent again
        routed(target, A.DOC_REROUTED if act == A.DOC_ROUTED else act)

    return (yield from leader_work(w, owner, needs, priority, effort, routed=routed, moved=moved))


def _for(code: dict[str, int], owner: str, handler: str) -> int:
    return code[owner] if handler != owner else NONE


def _go_intake(
    w: World, case: int, doc: Arrival, priority: int, returns: int = 0
) -> Generator[Any, Any, bool]:
    """Submit to the GO until a submission passes its review (True), or the case ends.

    A55 「公文一律送市政府办公室按规定程序统一办理」. The GO checks sender, addressing, scope,
    form and content (A55, A56) and quality (A63 「要一律退回」); a submission is judged by its
    first problem (``reason`` on ``doc.submitted`` and ``go.reviewed``). Returned documents
    are revised and resubmitted (a revision removes the defect, ASSUMPTION) until
    ``max_resubmissions``; department matters are redirected to the competent department
    (AMB-17) and the case closes.
    """
    env, log, code = w.env, w.log, w.org.code
    sender, go = code[doc.sender], code[GO]
    defect, poor = doc.defect, doc.poor_quality
    while True:
        # The sender's principal head signs each submission, on post (A56 「须由报送单位主要
        # 负责人签发」): after the countersign, and each revision.
        if w.availability is not None:
            yield from w.wait_for_head(doc.sender)
        # What the submission carries (a defect is fixed before quality is judged): a fact of
        # the document, logged apart from what the GO makes of it.
        carried = defect or ("poor_quality" if poor else None)
        log.add(
            env.now,
            case,
            A.DOC_SUBMITTED,
            sender,
            target=go,
            reason=REASON_CODE[carried] if carried else NONE,
        )
        log.add(env.now, case, A.GO_RECEIVED, go)
        start, effort = yield from w.go.work(priority, w.sample_go_review())
        if not (defect or poor):  # nothing to find: passed (A57), as log_review_outcome logs it
            log.add(env.now, case, A.GO_REVIEWED, go, outcome=O.PASS, start=start, value=effort)
            return True
        problem = first_problem(defect, poor)
        why = REASON_CODE[problem] if problem else NONE
        decision = intake_decision(problem, w.sc.intake.dept_scope_policy)
        # A55 「应直接将公文报送市政府有关部门 … 不得报市政府」: redirected (AMB-17).
        ended = log_review_outcome(
            w,
            case,
            decision,
            redirect_to=code[doc.matter],
            return_to=sender,
            start=start,
            effort=effort,
            reason=why,
        )
        if ended is not None:
            return ended
        if returns >= w.sc.general_office.max_resubmissions:
            log.add(env.now, case, A.DOC_WITHDRAWN, sender)
            return False
        # A63: the sender's desk revises the returned submission.
        yield from desk_work(w, doc.sender, "revision", w.sample_revise(), urgent=doc.urgent)
        returns += 1
        defect = None
        poor = w.draw_still_poor()


def log_review_outcome(
    w: World,
    case: int,
    decision: str,
    *,
    redirect_to: int,
    return_to: int,
    start: float,
    effort: float,
    reason: int,
) -> bool | None:
    """Log the GO's review of a submission (A57 审核, A59 审理): ``pass`` → True; ``redirect``
    (a department matter, A55, A59; AMB-17) → the case closes, False; ``return`` (A63
    「一律退回」 and the A55/A56 defects) → None, and the caller decides what follows."""
    env, log = w.env, w.log
    go = w.org.code[GO]
    if decision == "pass":
        log.add(env.now, case, A.GO_REVIEWED, go, outcome=O.PASS, start=start, value=effort)
        return True
    redirect = decision == "redirect"
    log.add(
        env.now,
        case,
        A.GO_REVIEWED,
        go,
        outcome=O.REDIRECT if redirect else O.RETURN,
        target=redirect_to if redirect else return_to,
        start=start,
        value=effort,
        reason=reason,
    )
    if redirect:
        log.add(env.now, case, A.DOC_CLOSED, go, target=redirect_to, reason=R.REDIRECTED)
        return False
    return None


def co_review(
    w: World, case: int, leaders: tuple[str, ...], priority: int
) -> Generator[Any, Any, None]:
    """The GO circulates a document to each leader in ``leaders`` in turn for co-review
    (送审, 审签; A59, A61(5), AMB-43); a leader away for a reason that triggers 补位 is
    replaced by the substitute the policy names (A8)."""
    env, log, code = w.env, w.log, w.org.code
    for other in leaders:
        needs = ItemNeeds(decision=False, mayor_only=False)
        handler, start, occupied = yield from leader_acts(
            w, case, A.DOC_SENT_FOR_REVIEW, other, needs, priority, w.sample_co_review()
        )
        log.add(
            env.now,
            case,
            A.DOC_CO_REVIEW_SIGNED,
            code[handler],
            on_behalf=_for(code, other, handler),
            start=start,
            value=occupied,
        )


def leader_acts(
    w: World, case: int, act: int, owner: str, needs: ItemNeeds, priority: int, effort: float
) -> Generator[Any, Any, tuple[str, float, float]]:
    """The GO hands an item to ``owner`` (logged as ``act``) — or, while ``owner`` is away, to
    the leader the 补位 policy names (A6, A8) — who works on it.

    Handed to a substitute, it goes back to the owner who returns before the substitute has
    started it (A8 「期间」, :mod:`govsim.model.routing`). Returns ``(handler, start,
    office_minutes)``.
    """
    return (yield from routed_work(w, case, act, owner, needs, priority, effort))


def instruction(w: World, case: int, doc: Arrival, priority: int) -> Generator[Any, Any, None]:
    """A leader's 批示: GO transfer, then the department's formal reply (RULES §4.6)."""
    env, log, cal, code = w.env, w.log, w.cal, w.org.code
    go, dept = code[GO], code[doc.matter]
    # A57: 「由市政府办公室统一转办、处理」 — only the GO transfers.
    start, effort = yield from w.go.work(priority, w.sample_transfer())
    ins = w.sc.instructions
    days = ins.urgent_deadline_working_days if doc.urgent else ins.deadline_working_days
    deadline = instruction_reply_deadline(cal, env.now, days)
    log.add(
        env.now,
        case,
        A.GO_TRANSFERRED,
        go,
        target=dept,
        deadline=deadline,
        start=start,
        value=effort,
    )
    yield from await_reply(w, case, doc, deadline)


def await_reply(
    w: World, case: int, doc: Arrival, deadline: float, overdue: bool = False
) -> Generator[Any, Any, None]:
    """The department drafts its formal reply to a transferred instruction, due at
    ``deadline`` (A57); ``overdue``: the breach is already recorded (a warm start)."""
    env, log, cal, code = w.env, w.log, w.cal, w.org.code
    go, dept = code[GO], code[doc.matter]
    effort = w.sample_urgent_reply() if doc.urgent else w.sample_reply()
    desk = w.desks.get(doc.matter)
    if desk is None:
        ready = cal.finish_time(env.now, effort)
    elif overdue:
        ready = yield desk.submit("reply", effort, deadline=deadline, urgent=doc.urgent)
    else:
        ready, overdue = yield from _reply_at_desk(w, case, desk, deadline, effort, doc.urgent)
    # The formal report is signed by the department's principal head (A56, A57).
    reply_at = w.head_back(doc.matter, ready)
    if reply_at > deadline and not overdue:
        yield env.timeout(deadline - env.now)
        log.add(env.now, case, A.INSTRUCTION_OVERDUE, go, target=dept, deadline=deadline)
    yield env.timeout(reply_at - env.now)
    outcome = O.LATE if reply_at > deadline else O.ON_TIME
    log.add(env.now, case, A.DEPT_REPLIED, dept, target=go, outcome=outcome, deadline=deadline)


def _reply_at_desk(
    w: World, case: int, desk: Desk, deadline: float, effort: float, urgent: bool
) -> Generator[Any, Any, tuple[float, bool]]:
    """The department's desk drafts the formal report (A57); it may wait behind other work.
    The breach is recorded at the deadline if the report is not ready then. Returns
    ``(clock when it is ready, whether the breach was recorded)``."""
    done = desk.submit("reply", effort, deadline=deadline, urgent=urgent)
    recorded: list[bool] = []

    def at_deadline(_: Any) -> None:
        if not done.triggered:
            go = w.org.code[GO]
            w.log.add(
                w.env.now, case, A.INSTRUCTION_OVERDUE, go, target=desk.code, deadline=deadline
            )
            recorded.append(True)

    # A callback, not a condition event: the reply's process sleeps until the report is done.
    until(w.env, deadline).callbacks.append(at_deadline)
    ready = yield done
    return ready, bool(recorded)
