"""Warm start: outgoing documents open at the cut (代拟文稿 drafts, normative documents,
contracts; A21, A59–A61, A63).

Each drafted document open at the cut is carried at its stage of :data:`DRAFT_STAGES
<govsim.model.drafts.DRAFT_STAGES>` — being evaluated or open for public comment (a normative
document, A21, the period's end kept), at the justice bureau's legality review or revised
after a failed one with the failures so far (A21), in its first countersign round with the
co-departments still owing an answer and their limits (A59) or further in its coordination
(negotiation, the dissent, the version listing it, a joint submission; A56), at the GO's
vetting or returned
for revision with the returns so far (A59, A63), on its way to the meeting that decides it
(A61(6); a topic, :mod:`govsim.model.warm_topics`, or the monthly decision day without
``[meetings]``), or with its co-reviewers and signer (A61, the co-reviews and the
authorisation already given kept) — and a contract at its legality review, its submission,
the GO's review or the government's consent (A60). Each re-enters through
:func:`govsim.model.drafts.draft_from` / :func:`~govsim.model.drafts.contract_from`, the
lifecycle's own code, and logs ``case.carried`` (who holds it, the GO's or the justice
bureau's returns; for a countersign under way, each owing department with its limit, as
:func:`govsim.model.warm.continue_countersign` does for upward documents).

Not carried (counted in the manifest): a document still being drafted at the cut has no case
yet (its desk job is counted as "desk job: drafting").
ASSUMPTIONS: work in progress restarts with a fresh effort; what the GO's vetting will find
in a draft not yet vetted is the quality problem the case table states (a department matter
or redundancy is only known once vetted, A59); whether the mayor authorises the signature
(A61(6)) is drawn afresh.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd

from govsim.core.org import GO
from govsim.log import Activity as A
from govsim.model.countersign import CoDeptPlan, CountersignPlan
from govsim.model.drafts import (
    Outgoing,
    Resume,
    contract_from,
    draft_from,
    new_outgoing_case,
)
from govsim.model.warm import COORDINATING, continue_countersign, countersign_planner
from govsim.model.warm_snapshot import (
    CarriedCase,
    Snapshot,
    _base,
    _co_reviewers,
    _countersign_stage,
    _with,
    classifies,
    starts,
)
from govsim.model.warm_topics import TopicState, topic_state
from govsim.rules.deadlines import calendar_days_deadline

if TYPE_CHECKING:
    from govsim.model.world import World

OUTGOING = ("draft", "normative", "contract")


@dataclass(frozen=True)
class CarriedOutgoing:
    """One outgoing document open at the cut, and what it carries across the seam."""

    kind: str  # draft | normative | contract
    stage: str  # a stage of DRAFT_STAGES or CONTRACT_STAGES
    doc: CarriedCase  # the case's attributes; pending/answered for a countersign round
    topic: str  # its A61 topic (TOPICS)
    meeting_decided: bool
    wide_ranging: bool
    returns: int = 0  # the returns of the review at ``stage`` (A21, A63)
    revising: bool = False  # the last review returned it
    problem: str | None = None  # what the pending vetting finds (A59, A63)
    evaluated_at: float | None = None  # new clock: the comment period opened (A21)
    co_reviewed: tuple[str, ...] = ()
    authorized: bool = False
    meeting: TopicState | None = None  # its topic, when on the A48 pipeline


@classifies(*OUTGOING)
def _classify(
    rows: pd.DataFrame, attrs: pd.Series, at: float, offset: float
) -> CarriedOutgoing | str:
    """Where one open outgoing document was at the cut, or why it is not carried."""
    acts = rows["activity"].astype(str).tolist()
    involved = tuple(rows.loc[rows["activity"] == "doc.involves", "target"].astype(str))
    doc = _with(_base(attrs, at), involved=involved)
    c = CarriedOutgoing(
        kind=doc.kind,
        stage="legality" if doc.kind == "contract" else "evaluation",
        doc=doc,
        topic=str(attrs["topic"]),
        meeting_decided=bool(attrs["meeting_decided"]),
        wide_ranging=bool(attrs["wide_ranging"]),
        problem="poor_quality" if doc.poor_quality else None,
    )
    for rule in CONTRACT_RULES if doc.kind == "contract" else DRAFT_RULES:
        found = rule(rows, acts, c, offset)
        if found is not None:
            return found
    return c


def _last_index(acts: list[str], *names: str) -> int:
    """The position of the last of ``names`` in ``acts``, -1 if none."""
    return max((i for i, a in enumerate(acts) if a in names), default=-1)


def _review(
    rows: pd.DataFrame, acts: list[str], sent: tuple[str, ...], reviewed: str, back: str
) -> tuple[bool, bool, int] | None:
    """A review loop at the cut (legality A21, A60; vetting A59, A63): (awaiting the review,
    being revised, returns so far), or None if it was never sent."""
    i_sent, i_rev = _last_index(acts, *sent), _last_index(acts, reviewed)
    if i_sent < 0:
        return None
    outcomes = rows.loc[rows["activity"] == reviewed, "outcome"].astype(str)
    returns = int((outcomes == back).sum())
    if i_sent > i_rev:
        return True, False, returns
    return False, str(outcomes.iloc[-1]) == back, returns


def _signing(rows, acts, c, offset) -> CarriedOutgoing | None:
    """Deliberated, or vetted and not for a meeting: with its co-reviewers and signer (A61)."""
    deliberated = any(a in ("meeting.decision", "meeting.deliberated") for a in acts)
    passed = "go.reviewed" in acts and _last(rows, "go.reviewed") == "pass"
    if deliberated or (passed and not c.meeting_decided):
        return replace(
            c,
            stage="signing",
            co_reviewed=_co_reviewers(rows),
            authorized="sign.authorized" in acts,
        )
    if passed:  # A61(6): on its way to the meeting that decides it
        found = any(a.startswith("topic.") for a in acts)
        return replace(c, stage="meeting", meeting=topic_state(rows, offset) if found else None)
    return None


def _vetting(rows, acts, c, offset) -> CarriedOutgoing | None:
    """At the GO's vetting, or revised after a return (A59, A63)."""
    loop = _review(rows, acts, ("go.received",), "go.reviewed", "return")
    if loop is None:
        return None
    awaiting, revising, returns = loop
    problem = c.problem
    if awaiting and "doc.submitted" in acts:
        why = str(_last(rows, "doc.submitted", "reason"))
        problem = None if why in ("none", "nan", "None") else why
    return replace(c, stage="vetting", returns=returns, revising=revising, problem=problem)


def _countersign(rows, acts, c, offset) -> CarriedOutgoing | str | None:
    """Coordinating with the departments its matter touches (A56, A59), at any stage: the
    first round with who owes an answer by when, objections being negotiated, the dissent
    written up, the version listing it, a joint submission being co-signed."""
    if "cs.requested" not in acts and "cs.joint_signed" not in acts:
        return None  # not begun: the default stage starts it
    if "doc.countersigned" in acts:
        return replace(c, stage="vetting")  # countersigned, not yet submitted
    found = _countersign_stage(rows, acts, c.doc, offset)
    return replace(c, stage="countersign", doc=found) if isinstance(found, CarriedCase) else found


def _legality(rows, acts, c, offset) -> CarriedOutgoing | None:
    """At the justice bureau's legality review, or revised after a failed one (A21, A60)."""
    loop = _review(rows, acts, ("legality.submitted",), "justice.legality_reviewed", "fail")
    if loop is None or (not loop[0] and not loop[1]):
        return None  # never sent, or passed: a later stage
    return replace(c, stage="legality", returns=loop[2], revising=loop[1])


def _consultation(rows, acts, c, offset) -> CarriedOutgoing | None:
    """Evaluated and open for public comment (A21)."""
    if "norm.evaluated" in acts and "norm.consulted" not in acts:
        t = float(_last(rows, "norm.evaluated", "time"))
        return replace(c, stage="consultation", evaluated_at=t - offset)
    return None


def _draft_default(rows, acts, c, offset) -> CarriedOutgoing | None:
    """Drafted, nothing else yet: a draft goes to its countersign or vetting (A59); a
    normative document is evaluated (A21) — the default stage."""
    if c.kind == "draft" or "norm.consulted" in acts:
        return replace(c, stage="countersign")
    return None


def _contract(rows, acts, c, offset) -> CarriedOutgoing | None:
    """A contract (A60): the government's consent, the GO's review, or its submission."""
    if _last(rows, "go.reviewed") == "pass":
        return replace(c, stage="consent")
    if "go.received" in acts:
        return replace(c, stage="go")
    if _last(rows, "justice.legality_reviewed") == "pass":
        return replace(c, stage="submission")
    return None


def _last(rows: pd.DataFrame, activity: str, column: str = "outcome") -> Any:
    hit = rows.loc[rows["activity"] == activity, column]
    return None if hit.empty else str(hit.iloc[-1]) if column == "outcome" else hit.iloc[-1]


Rule = Callable[[pd.DataFrame, list[str], CarriedOutgoing, float], "CarriedOutgoing | str | None"]
DRAFT_RULES: tuple[Rule, ...] = (
    _signing,
    _vetting,
    _countersign,
    _legality,
    _consultation,
    _draft_default,
)
"""Stage rules of drafts and normative documents, latest stage first."""
CONTRACT_RULES: tuple[Rule, ...] = (_contract, _legality)
"""Stage rules of contracts, latest stage first (the default: its legality review)."""


# -- re-entering the run -------------------------------------------------------------------


@starts(CarriedOutgoing)
def _start_outgoing(w: World, carried: list[CarriedOutgoing], snap: Snapshot) -> None:
    """Each carried document continues from its stage through the lifecycle's own code."""
    draws = w.streams["warm/outgoing"]
    plan = countersign_planner(w, draws)
    for c in carried:
        authorises = bool(draws.random() < w.sc.drafts.p_mayor_authorises)
        w.env.process(_reenter(w, c, snap.reentry, _outgoing(c, plan, authorises)))


def _outgoing(c: CarriedOutgoing, plan: Callable[[str], CoDeptPlan], authorises: bool) -> Outgoing:
    """The document as the lifecycle knows it; its countersign plans and whether the mayor
    authorises the signature drawn afresh (the ASSUMPTIONS above)."""
    d = c.doc
    cs = None
    if d.involved:
        plans = tuple(plan(dept) for dept in d.involved)
        cs = CountersignPlan(plans, d.complex_, d.lead_limit_wd, False)
    return Outgoing(
        time=0.0,  # set at the re-entry
        kind=c.kind,
        lead=d.sender,
        topic=c.topic,
        meeting_decided=c.meeting_decided,
        urgent=d.urgent,
        wide_ranging=c.wide_ranging,
        problem=c.problem,
        major=d.major,
        mayor_authorises=authorises,
        cs=cs,
    )


def _reenter(w: World, c: CarriedOutgoing, at: float, d: Outgoing) -> Generator[Any, Any, None]:
    """One carried document: its case opens again at ``at`` and continues from its stage."""
    if at > 0:
        yield w.env.timeout(at)
    d = replace(d, time=w.env.now)
    case = new_outgoing_case(w, d, carried=True)
    _carried_row(w, case, _holder(w, c), None, c.returns)  # limits: by the coordination
    step = STEPS.get(c.stage) if c.doc.stage in COORDINATING or c.stage != "countersign" else None
    resume = Resume(
        stage=c.stage,
        returns=c.returns,
        revising=c.revising,
        comment_end=_comment_end(w, c.evaluated_at),
        co_reviewed=c.co_reviewed,
        authorized=c.authorized,
        step=partial(step, w, case, c, d) if step else None,
    )
    if c.kind == "contract":
        yield from contract_from(w, case, d, resume)
    else:
        yield from draft_from(w, case, d, resume)


def _carried_row(w: World, case: int, holder: str, deadline: float | None, returns: int) -> None:
    """Log ``case.carried``: who holds the case, the limit it carries, its returns."""
    code = w.org.code
    limit = math.nan if deadline is None else deadline
    w.log.add(
        w.env.now, case, A.CASE_CARRIED, code[GO], target=code[holder], deadline=limit,
        value=float(returns),
    )  # fmt: skip


def _holder(w: World, c: CarriedOutgoing) -> str:
    """Who holds the document at the cut (the ``target`` of its ``case.carried``)."""
    if c.stage == "legality" and not c.revising:
        return w.sc.legality.justice_bureau or c.doc.sender
    if c.stage in ("vetting", "go", "consent", "meeting", "signing") and not c.revising:
        return GO
    return c.doc.sender


def _comment_end(w: World, evaluated_at: float | None) -> float | None:
    """The end of the public comment period opened at ``evaluated_at`` (A21), on the new
    clock: counted from the evaluation's day as in the source run; minute 0 if it ended
    before the cut's day."""
    if evaluated_at is None:
        return None
    days = w.sc.legality.comment_period_days
    shift = max(0, math.ceil(-evaluated_at / 1440.0))
    if shift > days:
        return 0.0
    return calendar_days_deadline(w.cal, evaluated_at + shift * 1440.0, days - shift)


def _resume_countersign(
    w: World, case: int, c: CarriedOutgoing, d: Outgoing
) -> Generator[Any, Any, str]:
    """Its coordination goes on from where it was — the first round, objections being
    negotiated, the dissent written up, the version listing it, or a joint submission being
    co-signed (A56, A59) — as for an upward document; returns the outcome."""
    assert d.cs is not None
    plans = {p.dept: p for p in d.cs.codepts}
    carried = replace(c.doc, returns=c.returns)
    return (yield from continue_countersign(w, case, d.lead, d.cs, carried, plans))


def _resume_meeting(
    w: World, case: int, c: CarriedOutgoing, d: Outgoing
) -> Generator[Any, Any, None]:
    """On its way to the meeting that decides it (A61(6)): its topic continues where it was
    (:mod:`govsim.model.warm_topics`); without ``[meetings]`` the monthly decision day."""
    from govsim.model.drafts import _deliberate
    from govsim.model.meetings.state import Topic

    tp = c.meeting
    if w.meetings is None or tp is None:
        yield from _deliberate(w, case, d)
        return
    decided = w.env.event()
    topic = Topic(case, d.lead, d.urgent, tp.special, tp.received, decided=decided)
    yield from w.meetings.resume(topic, "executive", tp.done)
    yield decided


STEPS: dict[str, Callable[..., Generator[Any, Any, Any]]] = {
    "countersign": _resume_countersign,
    "meeting": _resume_meeting,
}
"""The stages whose step a carried document resumes half done (the others start afresh)."""
