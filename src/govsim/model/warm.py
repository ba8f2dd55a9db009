"""Warm start (``[initial_state]``): the cases open at a cut of a log, put back into a run.

A snapshot (:func:`govsim.model.warm_snapshot.read_snapshot`) finds every upward document
(请示, 报告) open at the cut and where it was (A55–A59, A63) — a countersign at any round,
negotiation or dissent, a joint submission being co-signed (A56) included.
:func:`start_carried` puts each back at the re-entry moment (the cut's time of day on the
new clock, whose day 0 is the cut's date) through the model's own lifecycles — so deadlines
set before the cut hold to the minute — and logs ``case.carried`` rows that state what the
invariants need from before the cut (a limit and who owes it).

A carried case is created again at its re-entry, marked ``carried`` in the case table: the
KPIs, which count the cases created after the warm-up and not carried, leave it out — they
count what happens after the cut — while backlog series and the invariants see it. Open
cases of the kinds no family carries are counted in :attr:`Snapshot.not_carried`.

This module is the family of upward documents; other families register their own classifier
and starter (``warm_snapshot.classifies``, ``warm_snapshot.starts``) in modules listed in
:data:`govsim.model.warm_snapshot.FAMILIES`.
ASSUMPTION: work in progress at the cut restarts with a fresh effort drawn from the scenario's
distribution (a log does not say how much of it was done); a leader's 批示 on a document not
yet decided is drawn as for a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from govsim.core.distributions import bound_sampler
from govsim.core.org import GO
from govsim.log import NONE
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.log import Reason as R
from govsim.model.agents import NORMAL, URGENT
from govsim.model.arrivals import Arrival
from govsim.model.countersign import (
    CoDeptPlan,
    CountersignPlan,
    dissent_countersigned,
    dissent_version_plan,
    joint_submission,
    pending_round,
    settle,
)
from govsim.model.desks import desk_work
from govsim.model.documents import (
    await_reply,
    co_review,
    decided,
    instruction,
    leader_handles,
    new_upward_case,
    submitted,
)
from govsim.model.warm_snapshot import (
    STARTERS,
    CarriedCase,
    Snapshot,
    WarmStartError,
    load_families,
    read_snapshot,
    starts,
    take_snapshot,
)
from govsim.rules.routing import route_upward, upward_co_reviewers
from govsim.rules.substitution import ItemNeeds

if TYPE_CHECKING:
    from govsim.model.world import World

# -- re-entering the run -------------------------------------------------------------------


def start_carried(w: World, snap: Snapshot | None = None) -> Snapshot:
    """Start the carried cases of ``snap`` (default: the snapshot ``w``'s scenario names),
    family by family in the order each first appears; returns the snapshot."""
    snap = read_snapshot(w.sc) if snap is None else snap
    load_families()
    by_type: dict[type, list[Any]] = {}
    for c in snap.carried:
        by_type.setdefault(type(c), []).append(c)
    for item_type, items in by_type.items():
        STARTERS[item_type](w, items, snap)
    return snap


def countersign_planner(w: World, positions: Any) -> Callable[[str], CoDeptPlan]:
    """A co-department's answers still to come, drawn afresh (the ASSUMPTION above): its
    response time, and from ``positions`` whether it objects, asks for an extension, gets it
    and settles an objection (A56, A59)."""
    cs = w.sc.countersign
    response = bound_sampler(cs.response, w.cal.working_minutes_per_day, w.streams["warm/cs"])

    def plan(dept: str) -> CoDeptPlan:
        u = positions.random(4)
        return CoDeptPlan(
            dept,
            float(response()),
            bool(u[0] < cs.p_object),
            bool(u[1] < cs.p_extension),
            bool(u[2] < cs.p_extension_agreed),
            bool(u[3] < cs.p_resolved),
        )

    return plan


@starts(CarriedCase)
def _start_documents(w: World, carried: list[CarriedCase], snap: Snapshot) -> None:
    """Each carried 请示 or 报告 continues from its stage; its countersign plans and 批示 are
    drawn afresh (the ASSUMPTION above)."""
    draws = w.streams["warm/instruction"]
    plan = countersign_planner(w, w.streams["warm/cs_position"])
    ins = w.sc.instructions
    for c in carried:
        p = ins.p_request if c.kind == "request" else ins.p_report
        instructs = c.stage in ("transfer", "reply") or bool(draws.random() < p)
        plans = {d: plan(d) for d in dict.fromkeys((*c.involved, *dict(c.pending)))}
        w.env.process(_reenter(w, c, snap.reentry, instructs, plans))


def _reenter(
    w: World, c: CarriedCase, at: float, instructs: bool, plans: dict[str, CoDeptPlan]
) -> Generator[Any, Any, None]:
    """One carried case: its case opens again at ``at`` and continues from its stage."""
    if at > 0:
        yield w.env.timeout(at)
    doc = Arrival(
        w.env.now,
        c.kind,
        c.sender,
        c.matter,
        c.major,
        c.poor_quality,
        instructs,
        c.urgent,
        c.mayor_only,
        c.defect,
        c.channel,
        CountersignPlan(tuple(plans.values()), c.complex_, c.lead_limit_wd, False)
        if plans
        else None,
    )
    case = new_upward_case(w, doc, c.complex_, c.lead_limit_wd, carried=True)
    _carried_row(w, case, c, _holder(w, c), c.deadline)
    yield from RESUME[c.stage](w, case, c, doc, plans)


def _carried_row(
    w: World,
    case: int,
    c: CarriedCase,
    holder: str,
    deadline: float | None,
    outcome: int = NONE,
    reason: int = NONE,
) -> None:
    """Log ``case.carried``: who holds the case, the limit it carries, the GO's returns (and,
    for a co-department's limit, its objection or extension before the cut, its round)."""
    code = w.org.code
    w.log.add(
        w.env.now,
        case,
        A.CASE_CARRIED,
        code[GO],
        target=code[holder],
        outcome=outcome,
        deadline=float("nan") if deadline is None else deadline,
        value=float(c.returns),
        reason=reason,
    )


def _limit_rows(w: World, case: int, c: CarriedCase, second: bool) -> None:
    """One ``case.carried`` row per co-department limit set before the cut: those owing an
    answer (extended or not, A59), and those whose objection awaits negotiation (A56)."""
    reason = R.DISSENT_VERSION if second else NONE
    for dept, limit in c.pending:
        extended = O.EXTENDED if dept in c.extended else NONE
        _carried_row(w, case, c, dept, limit, extended, reason)
    for dept, limit in c.objected:
        _carried_row(w, case, c, dept, limit, O.OBJECT)


SENDER_HOLDS = ("countersign", "negotiation", "dissent", "second_round", "joint", "revision")
"""Stages at which the sender (the lead department) holds the case."""


def _holder(w: World, c: CarriedCase) -> str:
    """Who holds the case at the cut (the ``target`` of its ``case.carried``)."""
    if c.stage == "reply":
        return c.matter
    if c.stage == "leader":
        return route_upward(w.org, c.matter, c.major, c.mayor_only)
    if c.stage in SENDER_HOLDS:
        return c.sender
    return GO


def _priority(c: CarriedCase) -> int:
    return URGENT if c.urgent else NORMAL


def continue_countersign(
    w: World,
    case: int,
    sender: str,
    cs: CountersignPlan | None,
    c: CarriedCase,
    plans: dict[str, CoDeptPlan],
) -> Generator[Any, Any, str]:
    """A carried case's coordination goes on from its stage (A56, A59), for any document that
    countersigns — a 请示 or 报告 before its submission, a draft before its vetting — and
    returns its outcome (how the departments agreed)."""
    return (yield from COORDINATING[c.stage](w, case, sender, cs, c, plans))


def _first_round(w, case, sender, cs, c, plans) -> Generator[Any, Any, str]:
    """The first round goes on: each co-department still owing an answer answers by its
    carried limit (extended at most once, A59), or is deemed to agree at it; then the
    objections not yet negotiated are, and what stays unresolved is written up (A56)."""
    _limit_rows(w, case, c, second=False)
    due = {plans[d]: limit for d, limit in c.pending}
    positions = dict(c.answered)
    positions.update(
        (
            yield from pending_round(
                w, case, sender, due, False, asked=False, extended=frozenset(c.extended)
            )
        )
    )
    return (yield from settle(w, case, sender, cs, positions, dict(c.talks)))


def _second_round(w, case, sender, cs, c, plans) -> Generator[Any, Any, str]:
    """The version listing the dissent is being countersigned (A56, K37): the co-departments
    owing an answer answer by their carried limits; the city government then decides."""
    _limit_rows(w, case, c, second=True)
    due = {dissent_version_plan(w, d): limit for d, limit in c.pending}
    yield from pending_round(w, case, sender, due, True, asked=False)
    return dissent_countersigned(w, case, sender)


def _joint(w, case, sender, cs, c, plans) -> Generator[Any, Any, str]:
    """A joint submission (联合报, A56): the co-signers still owing their signature sign."""
    return (yield from joint_submission(w, case, sender, [plans[d] for d in c.owing]))


COORDINATING = {
    "joint": _joint,
    "countersign": _first_round,
    "negotiation": _first_round,
    "dissent": _first_round,
    "second_round": _second_round,
}
"""How a countersign carried at each stage goes on."""


def _resume_coordinating(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """Coordinating before the submission (A56, A59), then submitted to the GO."""
    agreed = yield from continue_countersign(w, case, c.sender, doc.cs, c, plans)
    yield from submitted(w, case, doc, _priority(c), agreed, c.returns)


def _resume_go(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """Submitted again to the GO's queue, its returns so far counted (A57, A63)."""
    yield from submitted(w, case, doc, _priority(c), c.agreed, c.returns)


def _resume_revision(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """The sender revises the returned submission, then resubmits it (A63)."""
    yield from desk_work(w, c.sender, "revision", w.sample_revise(), urgent=c.urgent)
    doc = doc._replace(defect=None, poor_quality=w.draw_still_poor())
    yield from submitted(w, case, doc, _priority(c), c.agreed, c.returns)


def _resume_leader(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """With the leader in charge (or the mayor) to decide or read (A57)."""
    owner = _holder(w, c)
    effort = w.sample_approve() if c.kind == "request" else w.sample_read()
    priority = _priority(c)
    if c.channel != "go":  # an A55 direct channel: the leader in person
        start, occupied = yield from w.leaders[owner].work(priority, effort)
        handled = (owner, start, occupied)
    else:
        involved = doc.cs.involved if doc.cs is not None else ()
        if involved and not c.routed and w.sc.leader_work.co_review_upward:
            # the co-reviews not yet done (AMB-43)
            others = upward_co_reviewers(w.org, owner, c.matter, involved)
            yield from co_review(
                w, case, tuple(o for o in others if o not in c.co_reviewed), priority
            )
        needs = ItemNeeds(decision=c.kind == "request", mayor_only=c.mayor_only)
        handled = yield from leader_handles(w, case, owner, needs, priority, effort)
    yield from decided(w, case, doc, owner, handled, priority, c.agreed)


def _resume_transfer(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """The 批示 awaits the GO's transfer (A57)."""
    yield from instruction(w, case, doc, _priority(c))
    w.log.add(w.env.now, case, A.DOC_CLOSED, w.org.code[GO])


def _resume_reply(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """The department's formal reply, due at the limit set before the cut (A57)."""
    assert c.deadline is not None
    yield from await_reply(w, case, doc, c.deadline, c.overdue)
    w.log.add(w.env.now, case, A.DOC_CLOSED, w.org.code[GO])


def _resume_closing(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """Done at the cut's minute; the case closes."""
    w.log.add(w.env.now, case, A.DOC_CLOSED, w.org.code[GO])
    yield from ()


RESUME = {
    **dict.fromkeys(COORDINATING, _resume_coordinating),
    "go": _resume_go,
    "revision": _resume_revision,
    "leader": _resume_leader,
    "transfer": _resume_transfer,
    "reply": _resume_reply,
    "closing": _resume_closing,
}
"""How each stage continues, through the model's own lifecycles."""

__all__ = [
    "STARTERS",
    "CarriedCase",
    "Snapshot",
    "WarmStartError",
    "read_snapshot",
    "start_carried",
    "take_snapshot",
]
