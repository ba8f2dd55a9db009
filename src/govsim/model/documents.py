"""Lifecycles of upward documents (RULES §4.1 请示, §4.2 报告, §4.6 instruction and reply).

Each function reads next to its state machine: submit → GO review (returns for poor quality,
A63) → route to the leader in charge or the mayor (A57) → decide or read → instruction
transferred by the GO → the department's formal reply, on time or late (A57).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from govsim.log import NONE
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.model.agents import NORMAL, URGENT
from govsim.model.arrivals import Arrival
from govsim.org import GO
from govsim.rules.deadlines import instruction_reply_deadline
from govsim.rules.routing import route_upward
from govsim.rules.substitution import ItemNeeds

if TYPE_CHECKING:
    from govsim.model.world import World

REQUEST, REPORT = 0, 1


def upward_document(w: World, doc: Arrival) -> Generator[Any, Any, None]:
    """One 请示 or 报告 from submission to closure (RULES §4.1 rows 4–19, §4.2)."""
    env, log, code = w.env, w.log, w.org.code
    is_request = doc.kind == "request"
    sender, go = code[doc.sender], code[GO]
    # A56 「须由报送单位主要负责人签发」: the sender's principal head signs it, on post; the
    # case opens when the document is submitted.
    yield from w.wait_for_head(doc.sender)
    case = log.new_case(
        REQUEST if is_request else REPORT,
        env.now,
        sender,
        code[doc.matter],
        doc.major,
        doc.poor_quality,
        doc.mayor_only,
    )
    priority = URGENT if doc.urgent else NORMAL
    poor, returns = doc.poor_quality, 0
    while True:
        if returns:
            yield from w.wait_for_head(doc.sender)  # the head signs the revision too (A56)
        # A55: every document goes to the GO, the single entry point.
        log.add(env.now, case, A.DOC_SUBMITTED, sender, target=go)
        log.add(env.now, case, A.GO_RECEIVED, go)
        start, effort = yield from w.go.work(priority, w.sample_go_review())
        if not poor:
            log.add(env.now, case, A.GO_REVIEWED, go, outcome=O.PASS, start=start, value=effort)
            break
        # A63: 「对文稿质量差、无实质性内容的报送文件，市政府办公室要一律退回」
        log.add(
            env.now,
            case,
            A.GO_REVIEWED,
            go,
            outcome=O.RETURN,
            target=sender,
            start=start,
            value=effort,
        )
        if returns >= w.sc.general_office.max_resubmissions:
            log.add(env.now, case, A.DOC_WITHDRAWN, sender)
            return
        yield env.timeout(w.cal.finish_time(env.now, w.sample_revise()) - env.now)
        returns += 1
        poor = w.draw_still_poor()

    # A57: to the leader in charge of the matter, or the mayor when it is major; A61(3)–(4)
    # items only the mayor signs go to the mayor too.
    owner = route_upward(w.org, doc.matter, doc.major, doc.mayor_only)
    needs = ItemNeeds(decision=is_request, mayor_only=doc.mayor_only)
    effort = w.sample_approve() if is_request else w.sample_read()
    handler, start, occupied = yield from leader_handles(w, case, owner, needs, priority, effort)
    if is_request and doc.major and w.meetings is not None and w.meetings.refers():
        # A7 「重大事项，须经市政府全体会议或常务会议讨论决定」: a topic of the executive meeting;
        # the meeting's decision closes the case (RULES §5.1).
        yield from w.meetings.topic(case, doc, handler, owner, start, occupied)
        return
    act = A.LEADER_APPROVED if is_request else A.LEADER_CIRCLE_READ
    on_behalf = code[owner] if handler != owner else NONE
    log.add(env.now, case, act, code[handler], on_behalf=on_behalf, start=start, value=occupied)
    if doc.instruction:
        log.add(env.now, case, A.LEADER_INSTRUCTED, code[handler], on_behalf=on_behalf)
        if w.ledger is not None:  # A69(六): instructions the GO supervises (RULES §4.6 row 8)
            w.ledger.instruction_issued(case, handler, doc.matter)
        yield from instruction(w, case, doc, priority)
    log.add(env.now, case, A.DOC_CLOSED, go)


def leader_handles(
    w: World, case: int, owner: str, needs: ItemNeeds, priority: int, effort: float
) -> Generator[Any, Any, tuple[str, float, float]]:
    """The GO routes an item to its owner or, while the owner is away, to whoever the 补位
    policy names (A6, A8; RULES §4.1 rows 12–14, §6.2); the handler works on it.

    With ``substitution.move_queued`` an item still waiting when its handler's absence
    starts is routed again (``doc.rerouted``). Returns ``(handler, start, office_minutes)``.
    """
    env, log, code = w.env, w.log, w.org.code
    go = code[GO]
    target = w.handler(owner, needs)
    log.add(
        env.now, case, A.DOC_ROUTED, go, target=code[target], on_behalf=_for(code, owner, target)
    )
    office = w.leaders[target]
    req = office.resource.request(priority)
    while True:
        if not w.sc.substitution.move_queued:
            yield req
            break
        yield req | office.absence_signal
        if req.triggered:
            break
        moved = w.handler(owner, needs)
        if moved != target:
            office.resource.cancel(req)
            target, office = moved, w.leaders[moved]
            log.add(
                env.now,
                case,
                A.DOC_REROUTED,
                go,
                target=code[target],
                on_behalf=_for(code, owner, target),
            )
            req = office.resource.request(priority)
    try:
        start, occupied = yield from office.perform(effort)
    finally:
        office.resource.release(req)
    return target, start, occupied


def _for(code: dict[str, int], owner: str, handler: str) -> int:
    return code[owner] if handler != owner else NONE


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
    ready = cal.finish_time(env.now, w.sample_urgent_reply() if doc.urgent else w.sample_reply())
    # The formal report is signed by the department's principal head (A56, A57).
    reply_at = w.head_back(doc.matter, ready)
    if reply_at > deadline:
        yield env.timeout(deadline - env.now)
        log.add(env.now, case, A.INSTRUCTION_OVERDUE, go, target=dept, deadline=deadline)
    yield env.timeout(reply_at - env.now)
    outcome = O.LATE if reply_at > deadline else O.ON_TIME
    log.add(env.now, case, A.DEPT_REPLIED, dept, target=go, outcome=outcome, deadline=deadline)
