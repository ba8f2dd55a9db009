"""Normative documents and government rules (A20, A21; RULES §8.2 INV-N01, INV-N03).

Restated from the text over the log: none of this calls :mod:`govsim.rules`.
"""

from __future__ import annotations

import itertools
import math

from govsim.checks.context import LogContext, Violation
from govsim.checks.registry import invariant
from govsim.checks.views import Ev, before_cut, case_info, cases_of_type, per_case, per_case_of
from govsim.checks.vocab import NORMATIVE_CHAIN, RULE_REVIEW_ACTS

FAMILY = "legality"


def _chain(evs: list[Ev]) -> list[tuple[str, Ev | None]]:
    """The first event of each A21 step (deliberation: also a meeting's decision)."""
    first: dict[tuple[str, str | None], Ev] = {}
    for e in evs:
        first.setdefault((e.act, e.outcome if e.act.startswith("justice") else None), e)
    chain = [(name, first.get((act, outcome))) for name, act, outcome in NORMATIVE_CHAIN]
    if chain[3][1] is None:
        chain[3] = ("deliberation", first.get(("meeting.decision", None)))
    return chain


@invariant("INV-N01", article="A21", family=FAMILY)
def inv_n01(ctx: LogContext) -> list[Violation]:
    """A21 「进行评估论证、公开征求意见，经市司法局合法性审核后，由起草部门提请市政府全体会议或
    常务会议审议，并予以公布和备案」: for a normative document, evaluation and public comment
    come before a passed legality review requested by the drafting department, which comes
    before deliberation, which comes before publication; a published one is also filed."""
    info, out = case_info(ctx), []
    for case, evs in per_case_of(ctx, cases_of_type(ctx, "normative")).items():
        chain = _chain(evs)
        reached = [(n, e) for n, e in chain if e is not None]
        for (n1, e1), (n2, e2) in itertools.pairwise(reached):
            if e1.idx > e2.idx:
                out.append(Violation("INV-N01", "A21", case, f"{n2} before {n1}", (e2.idx,)))
        seen = [n for n, _ in reached]
        prior = before_cut(ctx, case, seen, [n for n, _ in chain])  # a warm start's cut
        if reached and seen != [n for n, _ in chain if n not in prior][: len(seen)]:
            missing = next(n for n, e in chain if e is None)
            msg = f"{reached[-1][0]} without {missing}"
            out.append(Violation("INV-N01", "A21", case, msg, (reached[-1][1].idx,)))
        pu = chain[4][1]
        if pu is not None and not any(e.act == "norm.filed" for e in evs):
            out.append(Violation("INV-N01", "A21", case, "published but not filed", (pu.idx,)))
        for e in evs:
            if e.act == "legality.submitted" and e.actor != info[case]["sender"]:
                msg = "not requested by the drafter"
                out.append(Violation("INV-N01", "A21", case, msg, (e.idx,)))
    return out


@invariant("INV-N03", article="A20", family=FAMILY)
def inv_n03(ctx: LogContext) -> list[Violation]:
    """A20 「审议的市政府规章草案由市司法局审查或组织起草」: a government rule is deliberated
    only after the justice bureau reviewed it."""
    info, out = case_info(ctx), []
    for case, evs in per_case(ctx, *RULE_REVIEW_ACTS).items():
        if info[case]["topic"] != "gov_rule":
            continue
        reviewed = math.inf
        for e in evs:
            if e.act == "justice.legality_reviewed" and e.outcome == "pass":
                reviewed = min(reviewed, e.time)
            elif e.act in RULE_REVIEW_ACTS[1:] and not reviewed <= e.time:
                msg = "rule deliberated unreviewed"
                out.append(Violation("INV-N03", "A20", case, msg, (e.idx,)))
    return out
