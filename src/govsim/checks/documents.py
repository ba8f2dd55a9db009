"""Intake, routing, leaders' acts and instructions (A55, A57, A63; RULES §8.2 INV-D01 … D06,
INV-D12 … D17, INV-O03).

Restated from the text over the log: none of these calls :mod:`govsim.rules`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govsim.checks.context import EPS, LogContext, Violation
from govsim.checks.registry import findings, invariant, invariant_group
from govsim.checks.views import (
    Ev,
    carried_cases,
    carried_deadlines,
    case_info,
    cases_of_type,
    decided_before_cut,
    decode,
    first_by_case,
    first_index_by_case,
    per_case_of,
    reviewed_before_cut,
    rows,
)
from govsim.checks.vocab import (
    AFTER_GO_REVIEW,
    APPROVAL_ACTS,
    OUTGOING,
    REACH_LEADER,
    READING_ACTS,
    ROUTINGS,
    SUBMISSION_ACTS,
    TERMINAL,
    UPWARD,
    UPWARD_DECISIONS,
)
from govsim.core.org import GO

FAMILY = "documents"


def _through_go(ctx: LogContext, frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of cases that did not use one of A55's direct channels."""
    if "channel" not in ctx.cases:
        return frame
    direct = ctx.cases.loc[ctx.cases["channel"].astype(str) != "go", "case"]
    return frame.loc[~frame["case"].isin(direct)]


@invariant("INV-D01", article="A55", family=FAMILY)
def inv_d01(ctx: LogContext) -> list[Violation]:
    """A55 「除市政府领导同志直接交办事项和确需直接报送的涉密事项、重大突发事件以及部分涉外
    事项外，公文一律送市政府办公室按规定程序统一办理，不得直接报送市政府领导同志个人」: a
    document reaches a leader only after the GO received it, unless its case used one of the
    four direct channels (``channel`` in the case table).

    A57 「由市政府办公室审核后 … 呈送审批」 and A59 「市政府领导同志不直接签批未经市政府办公室
    审理的公文文稿」: nor does the GO hand it to a leader (routing, sending for co-review or
    signature), or a leader act on it (approval, circle reading, instruction, co-review,
    authorisation, signature, consent to a contract), before a review of the GO passed it —
    upward documents, drafts and contracts alike (the model reviews each before any of these;
    with ``close_after_review`` an upward document ends at its review)."""
    acts = _through_go(ctx, rows(ctx, *AFTER_GO_REVIEW))
    # A carried case past the GO at the cut was received and passed before it.
    acts = acts.loc[~acts["case"].isin(reviewed_before_cut(ctx))]
    received = first_by_case(rows(ctx, "go.received"), "time")
    got = acts["case"].map(received).fillna(np.inf)
    unreceived = acts["activity"].isin(REACH_LEADER).to_numpy() & ~(got <= acts["time"]).to_numpy()
    reviews = rows(ctx, "go.reviewed")
    passed_at = first_index_by_case(reviews.loc[reviews["outcome"] == "pass"])
    first_pass = acts["case"].map(passed_at).fillna(np.inf).to_numpy()
    unreviewed = ~unreceived & ~(first_pass < acts.index.to_numpy())
    out = []
    for idx, case, act, before, unrev in zip(
        acts.index.tolist(),
        acts["case"].tolist(),
        decode(acts["activity"]),
        unreceived,
        unreviewed,
        strict=True,
    ):
        if before:
            out.append(
                Violation("INV-D01", "A55", int(case), f"{act} before any go.received", (idx,))
            )
        elif unrev:
            msg = f"{act} before the GO's review passed it"
            out.append(Violation("INV-D01", "A57", int(case), msg, (idx,)))
    return out


@invariant("INV-D13", article="A63", family=FAMILY)
def inv_d13(ctx: LogContext) -> list[Violation]:
    """A63 「对文稿质量差、无实质性内容的报送文件，市政府办公室要一律退回」: a document
    submitted in poor quality is returned at its first review, never routed on it; so is
    every later submission still of poor quality."""
    cases = ctx.cases
    poor = cases.loc[cases["poor_quality"], "case"]
    first = rows(ctx, "go.reviewed").groupby("case", observed=True).head(1)
    # A carried case's first review was before the cut (its quality since then unknown).
    first = first.loc[~first["case"].isin(carried_cases(ctx))]
    # A department matter is redirected before its quality matters (AMB-17): not passed either.
    passed = ~first["outcome"].isin(["return", "redirect"])
    bad = first.loc[first["case"].isin(poor) & passed]
    return [
        Violation("INV-D13", "A63", int(c), "poor-quality submission not returned", (i,))
        for i, c in zip(bad.index, bad["case"], strict=True)
    ] + [v for v in findings(ctx, submission_findings) if v.invariant == "INV-D13"]


@invariant("INV-D14", article="A57", family=FAMILY)
def inv_d14(ctx: LogContext) -> list[Violation]:
    """A57 「根据市政府领导同志分工呈送审批，重大事项报市长审批」: a routed document belongs to
    the mayor when major (or reserved to the mayor, A61(3)–(4)), else to the leader whose
    portfolio holds the matter; it goes to that leader or, on that leader's behalf, to a
    substitute (A8, A6 — whether the substitute is the right one is INV-L06)."""
    org = ctx.org
    owner = org.portfolio_owner  # the static 分工 table, not the model's routing function
    info = ctx.cases.set_index("case")
    routed = rows(ctx, *ROUTINGS)
    case = routed["case"]
    to_mayor = case.map(info["major"]).astype(bool).to_numpy().copy()
    if "mayor_only" in info:
        to_mayor |= case.map(info["mayor_only"]).astype(bool).to_numpy()
    matter = case.map(info["matter"].astype(str)).to_numpy()
    target = routed["target"].astype(object).to_numpy()
    behalf = routed["on_behalf"].astype(object)
    belongs = behalf.where(behalf.notna(), routed["target"].astype(object)).to_numpy()
    out = []
    for i, c, mayor, m, tgt, b in zip(
        routed.index, case, to_mayor, matter, target, belongs, strict=True
    ):
        expected = org.mayor if mayor else owner.get(m)
        if b != expected:
            why = "major or mayor-only matter" if mayor else f"matter {m}"
            msg = f"routed to {tgt} for {b}, but the {why} belongs to {expected}"
            out.append(Violation("INV-D14", "A57", int(c), msg, (i,)))
    return out


@invariant("INV-D16", article="A57", family=FAMILY)
def inv_d16(ctx: LogContext) -> list[Violation]:
    """A57 「由市政府办公室统一转办、处理」: only the GO transfers instructions, and every
    instruction is transferred unless its case is still open at the horizon."""
    transfers = rows(ctx, "go.transferred")
    by_other = transfers.loc[transfers["actor"] != GO]
    out = [
        Violation("INV-D16", "A57", int(c), f"transfer by {a}", (i,))
        for i, c, a in zip(by_other.index, by_other["case"], by_other["actor"], strict=True)
    ]
    closed = set(rows(ctx, *TERMINAL)["case"])
    instructed = set(rows(ctx, "leader.instructed")["case"])
    for case in sorted(instructed - set(transfers["case"])):
        if case in closed:
            out.append(
                Violation("INV-D16", "A57", int(case), "instruction closed without a GO transfer")
            )
    return out


@invariant("INV-D17", article="A57", family=FAMILY)
def inv_d17(ctx: LogContext) -> list[Violation]:
    """A57 「各部门应当在规定时限内办理完毕并以正式报告形式回复办理结果」: the department a
    transfer names replies; a reply is marked late exactly when it comes after the deadline
    (the case's first transfer, should a log hold several)."""
    # A transfer made before a warm start's cut is stated by its case.carried row (A57).
    carried = carried_deadlines(ctx).loc[lambda f: f["case"].isin(decided_before_cut(ctx))]
    transfers = pd.concat([rows(ctx, "go.transferred"), carried])
    transfers = transfers.drop_duplicates("case").set_index("case")
    replies = rows(ctx, "dept.replied")
    case = replies["case"]
    known = case.isin(transfers.index).to_numpy()
    to = case.map(transfers["target"].astype(object)).to_numpy()
    late = (replies["time"] > case.map(transfers["deadline"]) + EPS).to_numpy()
    out = []
    cols = zip(
        replies.index, case, replies["actor"].astype(object), replies["outcome"].astype(object),
        known, to, late, strict=True,
    )  # fmt: skip
    for i, c, actor, outcome, k, tgt, lt in cols:
        if not k:
            out.append(Violation("INV-D17", "A57", int(c), "reply without a transfer", (i,)))
            continue
        if actor != tgt:
            msg = f"reply by {actor}, transferred to {tgt}"
            out.append(Violation("INV-D17", "A57", int(c), msg, (i,)))
        if bool(lt) != (outcome == "late"):
            msg = f"reply marked {outcome} but late={bool(lt)}"
            out.append(Violation("INV-D17", "A57", int(c), msg, (i,)))
    return out


# What each submission problem breaches (RULES R02–R11, R15, R28, R29).
_PROBLEM_RULE = {
    "multi_addressee": ("INV-D02", "A55"),
    "non_submitting_body": ("INV-D03", "A56"),
    "skip_level": ("INV-D03", "A55"),
    "informal_form": ("INV-D04", "A56"),
    "unsigned": ("INV-D04", "A56"),
    "multi_matter": ("INV-D05", "A56"),
    "embedded_request": ("INV-D05", "A56"),
    "dept_scope": ("INV-D06", "A55"),
    "poor_quality": ("INV-D13", "A63"),
    "redundant": ("INV-O03", "A63"),
}
_SUBMISSION_IDS = {
    "INV-D02": ("A55", "A55 「更不得多头主送」: a submission to several addressees is returned."),
    "INV-D03": (
        "A56",
        "A55 「越级行文」, A56 「议事协调机构、临时机构 … 不得直接向市政府报送公文」: a "
        "skip-level submission or one from a body that may not submit is returned.",
    ),
    "INV-D04": (
        "A56",
        "A56 「必须以正式公文形式报送，须由报送单位主要负责人签发」: an informal or unsigned "
        "submission is returned.",
    ),
    "INV-D05": (
        "A56",
        "A56 「请示性公文必须一文一事」, 「报告性公文不得夹带请示事项」: a request on several "
        "matters or a report carrying a request is returned.",
    ),
    "INV-D06": (
        "A55",
        "A55 「凡属市政府部门职责范围内的事项 … 不得报市政府」: a department matter is "
        "redirected (or returned, per ``dept_scope_policy``, AMB-17), and the redirect ends "
        "the case.",
    ),
}


def _rule_of(problem: str, kind: str) -> tuple[str, str]:
    """The invariant and article a submission problem breaches (A59 for an outgoing draft)."""
    if problem == "dept_scope" and kind in OUTGOING:
        return "INV-O03", "A59"
    return _PROBLEM_RULE.get(problem, ("INV-D13", "A63"))


def _judge(ctx: LogContext, case: int, kind: str, problem: str, e: Ev) -> list[Violation]:
    """What the GO's review ``e`` of a submission carrying ``problem`` breaches, if anything."""
    inv, art = _rule_of(problem, kind)
    allowed = {"return"}
    if problem == "dept_scope":
        redirect = kind in OUTGOING or ctx.params.dept_scope_policy == "redirect"
        allowed = {"redirect"} if redirect else {"return"}
    if e.outcome not in allowed:
        return [Violation(inv, art, case, f"{problem} submission: GO {e.outcome}", (e.idx,))]
    if e.reason != problem:
        return [
            Violation(inv, art, case, f"{problem} submission given reason {e.reason}", (e.idx,))
        ]
    return []


@invariant_group(_SUBMISSION_IDS, family=FAMILY)
def submission_findings(ctx: LogContext) -> list[Violation]:
    """Every submission the GO received is judged on what it carried (``reason`` of its
    ``doc.submitted``): a problem is never passed and is named as the review's reason.

    A55 「不得直接报送市政府领导同志个人，更不得多头主送、越级行文」 and 「凡属市政府部门职责
    范围内的事项 … 不得报市政府」; A56 「必须以正式公文形式报送，须由报送单位主要负责人签发」,
    「请示性公文必须一文一事」, 「报告性公文不得夹带请示事项」, 「议事协调机构、临时机构、行业
    协会和部门内设、管理机构等，不得直接向市政府报送公文」; A59 「属部门职权范围内事务 … 不得
    申请以市政府或市政府办公室名义发文」; A63 「要一律退回」, 「一律不制发文件」. The text does
    not say what the GO does (AMB-17): department matters are redirected (or returned, per
    ``dept_scope_policy``), everything else returned; a redirect ends the case.
    """
    info = case_info(ctx)
    out = []
    submitted = rows(ctx, "doc.submitted")
    carrying = submitted.loc[submitted["reason"].notna(), "case"]  # the others pass
    for case, evs in per_case_of(ctx, carrying, *SUBMISSION_ACTS).items():
        kind = info[case]["case_type"]
        carried: str | None = None
        pending: list[str | None] = []
        for i, e in enumerate(evs):
            if e.act == "doc.submitted" and e.target == GO:
                carried = e.reason
            elif e.act == "go.received":
                pending.append(carried)
                carried = None
            elif e.act == "go.reviewed" and pending:
                problem = pending.pop(0)
                if problem is None:
                    continue
                out += _judge(ctx, case, kind, problem, e)
                if e.outcome == "redirect":
                    nxt = evs[i + 1] if i + 1 < len(evs) else None
                    if nxt is None or nxt.act != "doc.closed" or nxt.reason != "redirected":
                        inv, art = _rule_of(problem, kind)
                        msg = "a redirect does not end the case"
                        out.append(Violation(inv, art, case, msg, (e.idx,)))
    return out


@invariant("INV-D12", article="A56", family=FAMILY)
def inv_d12(ctx: LogContext) -> list[Violation]:
    """A56 「与相关部门会签后报市政府决定」: a document countersigned with a dissent is decided
    by the city government — a leader's approval (requests) or signature (drafts), or the
    decision of a government meeting chaired by a leader — and is never closed on the GO's or
    the lead department's own act."""
    info, org, out = case_info(ctx), ctx.org, []
    boundary = review_boundary(ctx)[0]
    cs = rows(ctx, "doc.countersigned")
    dissent = cs.loc[cs["outcome"] == "dissent", "case"]
    for case, evs in per_case_of(ctx, set(dissent)).items():
        # A leader's approval (requests) or signature (drafts), or a government meeting's
        # decision (RULES §4.4; A7, A27).
        decisive = "leader.approved" if info[case]["case_type"] == "request" else "doc.signed"
        decisions = [e for e in evs if e.act in (decisive, "meeting.decision")]
        for e in decisions:
            if not org.is_leader(e.actor or ""):
                out.append(Violation("INV-D12", "A56", case, f"decided by {e.actor}", (e.idx,)))
        closed = [e for e in evs if e.act == "doc.closed" and e.reason != "redirected"]
        if closed and closed[0].idx == boundary.get(case):
            continue  # the model ends at the GO's review; the decision lies beyond it
        if closed and not decisions:
            msg = "closed with no leader's decision"
            out.append(Violation("INV-D12", "A56", case, msg, (closed[0].idx,)))
    return out


def _closed_at_review(evs: list[Ev], i: int) -> Ev | None:
    """The event after the passed review ``evs[i]`` if it is the GO's closure at that moment."""
    nxt = evs[i + 1] if i + 1 < len(evs) else None
    if (
        nxt is not None
        and nxt.act == "doc.closed"
        and nxt.actor == GO
        and nxt.reason is None
        and abs(nxt.time - evs[i].time) <= EPS
    ):
        return nxt
    return None


def review_boundary(ctx: LogContext) -> tuple[dict[int, int], list[Violation]]:
    """Upward documents closed at their passed GO review, when the scenario makes that review
    the end of every upward document (``general_office.close_after_review``): case → the
    closing event. And the breaches of that boundary: a review passed (A57 「由市政府办公室
    审核」) whose case's next event is not its closure by the GO at the same moment (so it went
    on to a leader, or stayed open). Nothing to find when the knob is off."""
    return ctx.cached("review_boundary", lambda: _review_boundary(ctx))


def _review_boundary(ctx: LogContext) -> tuple[dict[int, int], list[Violation]]:
    closures: dict[int, int] = {}
    out: list[Violation] = []
    if not ctx.params.close_after_review:
        return closures, out
    for case, evs in per_case_of(ctx, cases_of_type(ctx, *UPWARD)).items():
        for i, e in enumerate(evs):
            if e.act != "go.reviewed" or e.outcome != "pass":
                continue
            closure = _closed_at_review(evs, i)
            if closure is not None:
                closures[case] = closure.idx
                continue
            nxt = evs[i + 1] if i + 1 < len(evs) else None
            msg = "passed the GO's review but not closed at it (general_office.close_after_review)"
            where = (e.idx,) if nxt is None else (e.idx, nxt.idx)
            out.append(Violation("INV-D15", "A57", case, msg, where))
    return closures, out


@invariant("INV-D15", article="A57", family=FAMILY)
def inv_d15(ctx: LogContext) -> list[Violation]:
    """A57 「对有具体请示事项的，应签署明确意见、姓名和日期。对一般报告性公文，圈阅表示“已阅
    知”」: approvals (the opinion; the actor is the name, the time the date) are by leaders on
    requests; every closed request was approved (or decided by a government meeting it was
    referred to, A7) and every closed report circle-read or instructed on.

    When the scenario ends upward documents at the GO's review
    (``general_office.close_after_review``), a request or report may instead close at its
    passed review — and must: see :func:`review_boundary`."""
    info, org = case_info(ctx), ctx.org
    boundary, found = review_boundary(ctx)
    before_cut = decided_before_cut(ctx)  # a warm start: decided before the cut
    out = list(found)
    # Only requests and reports are closed on a decision; approvals elsewhere are wrong too.
    relevant = pd.concat([cases_of_type(ctx, *UPWARD), rows(ctx, "leader.approved")["case"]])
    for case, evs in per_case_of(ctx, relevant, *UPWARD_DECISIONS).items():
        kind = info[case]["case_type"]
        acts = {e.act for e in evs}
        for e in evs:
            if e.act == "leader.approved" and (
                kind != "request" or not org.is_leader(e.actor or "")
            ):
                msg = f"approval by {e.actor} on a {kind}"
                out.append(Violation("INV-D15", "A57", case, msg, (e.idx,)))
        done = [e for e in evs if e.act == "doc.closed" and e.reason != "redirected"]
        if not done or done[0].idx == boundary.get(case) or case in before_cut:
            continue
        if kind == "request" and not acts & set(APPROVAL_ACTS):
            msg = "request closed unapproved"
            out.append(Violation("INV-D15", "A57", case, msg, (done[0].idx,)))
        if kind == "report" and not acts & set(READING_ACTS):
            out.append(Violation("INV-D15", "A57", case, "report closed unread", (done[0].idx,)))
    return out
