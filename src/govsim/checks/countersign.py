"""Countersign between departments (A56, A59; RULES §8.2 INV-D07 … INV-D11).

One pass over each document's countersign acts, per (co-department, round), finds the
breaches of all five invariants; each reads its share (:func:`~govsim.checks.registry.
invariant_group`). Restated from the text over the log: none of this calls :mod:`govsim.rules`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from govsim.checks.context import EPS, LogContext, RuleParams, Violation
from govsim.checks.registry import invariant_group
from govsim.checks.views import Ev, carried_request, case_info, per_case_of, rows
from govsim.checks.vocab import CS_ACTS, CS_CONSENTS, CS_PARTY_ACTS, CS_TO_DEPARTMENT

FAMILY = "countersign"

_IDS = {
    "INV-D07": (
        "A56",
        """A56 「由主办部门主要负责人与相关部门主要负责人会签或联合报市政府审批」,
A59 「协办部门要积极配合并由主要负责人会签」: before a document touching other departments' powers
is submitted, each of them countersigned (its last act agrees), was deemed to (A59), or
co-signed a joint submission; an objection stands only on a documented dissent version that
was not countersigned again when the scenario says so (K37).""",
    ),
    "INV-D08": (
        "A59",
        """A59 「逾期不回复视为无不同意见」: deemed consent comes at or after the
(extended) deadline, only where it applies (deeming on; after an extension only if AMB-19
says so), never for a department that replied in time, and only a deemed department replies
late.""",
    ),
    "INV-D09": (
        "A59",
        """A59 (liveness): with no reply by the (extended) deadline before the horizon,
the countersign is deemed exactly at the deadline; a reply after it is not taken instead.""",
    ),
    "INV-D10": (
        "A59",
        """A59 「除主办部门另有时限要求外，一般应在3个工作日内回复，特别复杂的事项不得超过
一周；特殊情况不能按期回复的，应主动与主办部门沟通并商定回复时限及方式」: the lead asks, the
deadline is the lead's own limit, else one week for complex matters, else 3 working days
(AMB-01, AMB-45); an extension follows the department's own request, made before the
deadline, and moves the deadline later.""",
    ),
    "INV-D11": (
        "A56",
        """A56 「部门之间有分歧的，主办部门主要负责人要主动协商；协商后仍不能取得一致意见
的，主办部门应列明各方理据，提出办理意见，与相关部门会签后报市政府决定」: every objection is
negotiated by the lead; a resolved one ends in the department's countersign; otherwise its
grounds are listed, a handling is proposed and the version is countersigned by every party.""",
    ),
}


@dataclass
class _Found:
    """Findings of one document (``case``)."""

    case: int
    out: list[Violation] = field(default_factory=list)

    def bad(self, inv: str, msg: str, *idx: int) -> None:
        art = _IDS[inv][0]
        self.out.append(Violation(inv, art, self.case, msg, idx))


def _expected_deadline(ctx: LogContext, case: dict[str, Any], t0: float) -> float:
    """A59 「除主办部门另有时限要求外，一般应在3个工作日内回复，特别复杂的事项不得超过一周」,
    counted from the day after the request to the close of office (AMB-45); 「一周」 is five
    working days, or seven calendar days ending on a working day (AMB-01)."""
    cal, p = ctx.cal, ctx.params
    if case["lead_limit_wd"] > 0:
        return cal.add_working_days(t0, int(case["lead_limit_wd"]))
    if not case["complex"]:
        return cal.add_working_days(t0, p.countersign_working_days)
    if p.complex_limit == "5wd":
        return cal.add_working_days(t0, 5)
    day = cal.date_of(t0) + dt.timedelta(days=7)
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return cal.office_close(day)


def _rounds(evs: list[Ev]) -> dict[tuple[str | None, int], list[Ev]]:
    """Round acts by (co-department, round): the first request, or the dissent version's."""
    rounds: dict[tuple[str | None, int], list[Ev]] = defaultdict(list)
    for e in evs:
        if e.act.startswith("cs.") and e.act not in CS_PARTY_ACTS:
            who = e.target if e.act in CS_TO_DEPARTMENT else e.actor
            rounds[(who, 2 if e.reason == "dissent_version" else 1)].append(e)
    return rounds


@dataclass
class _Round:
    """The state of one round as its acts are read in order."""

    current: float
    extended: bool = False
    asked: Ev | None = None
    first_reply: Ev | None = None
    deemed: Ev | None = None


def _applies(p: RuleParams, extended: bool) -> bool:
    """Whether deemed consent applies (A59; after an extension only under AMB-19)."""
    return p.deemed_consent and (p.deemed_after_extension or not extended)


def _deemed(f: _Found, p: RuleParams, c: str | None, s: _Round, e: Ev) -> None:
    s.deemed = e
    if not _applies(p, s.extended):
        f.bad("INV-D08", f"{c} deemed although deeming does not apply", e.idx)
    if e.time < s.current - EPS:
        f.bad("INV-D08", f"{c} deemed before its deadline", e.idx)
    if e.time > s.current + EPS:
        f.bad("INV-D09", f"{c} deemed after its deadline", e.idx)
    if s.first_reply is not None and s.first_reply.time <= s.current + EPS:
        f.bad("INV-D08", f"{c} deemed although it replied in time", e.idx)


def _step(f: _Found, p: RuleParams, c: str | None, s: _Round, e: Ev) -> None:
    """One act of a round (A59: speaking up, extension, reply, deeming, late reply)."""
    if e.act == "cs.cannot_meet":
        if e.time >= s.current - EPS:
            f.bad("INV-D10", f"{c} spoke up at or after the deadline", e.idx)
        s.asked = e
    elif e.act == "cs.extension_agreed":
        if s.asked is None:
            f.bad("INV-D10", f"extension for {c} without cs.cannot_meet", e.idx)
        elif e.time > s.current + EPS or not e.deadline > s.current:
            f.bad("INV-D10", f"extension for {c} after or not beyond the limit", e.idx)
        s.current, s.extended, s.asked = e.deadline, True, None
    elif e.act == "cs.replied" and s.first_reply is None:
        s.first_reply = e
    elif e.act == "cs.deemed":
        _deemed(f, p, c, s, e)
    elif e.act == "cs.replied_late":
        if s.deemed is None:
            f.bad("INV-D08", f"late reply of {c} without deeming", e.idx)
        elif e.time <= s.current:
            f.bad("INV-D08", f"{c} replied by its deadline yet was deemed", e.idx)


def _request(ctx: LogContext, f: _Found, lead: str, c: str | None, req: Ev) -> None:
    """INV-D10 on a request: by the lead, with the limit A59 sets from its time."""
    if req.actor != lead:
        f.bad("INV-D10", f"countersign requested by {req.actor}, not the lead", req.idx)
    expected = _expected_deadline(ctx, case_info(ctx)[f.case], req.time)
    if abs(req.deadline - expected) > EPS:
        f.bad("INV-D10", f"deadline {req.deadline} for {c}, expected {expected}", req.idx)


def _round(
    ctx: LogContext, f: _Found, lead: str, c: str | None, round_no: int, es: list[Ev]
) -> None:
    """INV-D08 … D10 over one (co-department, round)."""
    req = next((e for e in es if e.act == "cs.requested"), None)
    p, s = ctx.params, _Round(math.nan)
    if req is None:
        # A request made before a warm start's cut: its limit is carried (case.carried), with
        # an objection or an extension made before the cut.
        req = carried_request(ctx, f.case, c, second=round_no == 2)
        if req is None:
            f.bad("INV-D10", f"countersign acts of {c} without a request", es[0].idx)
            return
        s.extended = req.outcome == "extended"
        if req.outcome == "object":
            s.first_reply = req._replace(time=-math.inf)  # answered in time, before the cut
    else:
        _request(ctx, f, lead, c, req)
    s.current = req.deadline
    for e in es:
        _step(f, p, c, s, e)
    applies = _applies(p, s.extended)
    replied_in_time = s.first_reply is not None and s.first_reply.time <= s.current + EPS
    horizon = ctx.cal.horizon_minutes
    if applies and not replied_in_time and s.deemed is None and s.current < horizon - EPS:
        f.bad("INV-D09", f"no reply from {c} by the deadline and no deeming", req.idx)
    if applies and s.first_reply is not None and not replied_in_time:
        msg = f"{c}'s reply after its deadline taken instead of deeming"
        f.bad("INV-D09", msg, s.first_reply.idx)


def _consents(
    f: _Found, p: RuleParams, involved: set[str | None], before: list[Ev], sub: Ev
) -> None:
    """INV-D07: every involved department countersigned, was deemed to, or co-signed."""
    for c in sorted(x for x in involved if x is not None):
        last = None
        for e in before:
            if e.act in CS_CONSENTS and e.actor == c:
                last = "joint" if e.act == "cs.joint_signed" else e.outcome
            elif e.act == "cs.deemed" and e.target == c:
                last = "deemed"
        documented = any(e.act == "cs.dissent_documented" and e.target == c for e in before)
        if last in ("agree", "deemed", "joint"):
            continue
        if last == "object" and documented and not p.recountersign_dissent:
            continue
        f.bad("INV-D07", f"submitted without the countersign of {c} ({last})", sub.idx)


def _objection(f: _Found, lead: str, o: Ev, before: list[Ev]) -> bool:
    """INV-D11 for one objection; whether it stands as a dissent."""
    talks = [
        e for e in before if e.act == "cs.negotiated" and e.target == o.actor and e.idx > o.idx
    ]
    if not talks or any(t.actor != lead for t in talks):
        f.bad("INV-D11", f"objection of {o.actor} not negotiated by the lead", o.idx)
        return False
    if talks[-1].outcome == "resolved":
        agreed = any(
            e.act == "cs.replied" and e.actor == o.actor and e.outcome == "agree"
            and e.idx > talks[-1].idx
            for e in before
        )  # fmt: skip
        if not agreed:
            f.bad("INV-D11", f"{o.actor} resolved but never countersigned", o.idx)
        return False
    if not any(e.act == "cs.dissent_documented" and e.target == o.actor for e in before):
        f.bad("INV-D11", f"grounds of {o.actor} not listed", o.idx)
    return True


def _disagreements(
    f: _Found, p: RuleParams, lead: str, involved: set[str | None], before: list[Ev], sub: Ev
) -> None:
    """INV-D11: objections negotiated by the lead, then resolved or documented."""
    objections = [e for e in before if e.act == "cs.replied" and e.outcome == "object"]
    dissent = False
    for o in objections:
        dissent |= _objection(f, lead, o, before)
    if not dissent:
        return
    if not any(e.act == "cs.handling_proposed" for e in before):
        f.bad("INV-D11", "dissent without a proposed handling", sub.idx)
    if p.recountersign_dissent:
        asked = {
            e.target for e in before if e.act == "cs.requested" and e.reason == "dissent_version"
        }
        if not involved <= asked:
            f.bad("INV-D11", "dissent version not countersigned by every party", sub.idx)


@invariant_group(_IDS, family=FAMILY)
def countersign_findings(ctx: LogContext) -> list[Violation]:
    """INV-D07 … INV-D11 over each (document, co-department, round)."""
    info, p = case_info(ctx), ctx.params
    out: list[Violation] = []
    # A document with no countersign act has nothing to check (its submission alone).
    involved = rows(ctx, *(a for a in CS_ACTS if a != "doc.submitted"))["case"]
    for case, evs in per_case_of(ctx, involved, *CS_ACTS).items():
        f = _Found(case)
        lead = info[case]["sender"]
        for (c, round_no), es in _rounds(evs).items():
            _round(ctx, f, lead, c, round_no, es)
        sub = next((e for e in evs if e.act == "doc.submitted"), None)
        if sub is not None:
            involved = {e.target for e in evs if e.act == "doc.involves"}
            before = [e for e in evs if e.idx < sub.idx]
            _consents(f, p, involved, before, sub)
            _disagreements(f, p, lead, involved, before, sub)
        out += f.out
    return out
