"""Outgoing documents and the A61 signing matrix (A59–A61; RULES §8.2 INV-O01 … O09, O11).

Restated from the text over the log: none of this calls :mod:`govsim.rules`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from govsim.checks.context import LogContext, Violation
from govsim.checks.documents import submission_findings
from govsim.checks.registry import findings_of, invariant, invariant_group
from govsim.checks.views import (
    Ev,
    case_info,
    cases_of_type,
    leader_in_charge,
    per_case,
    per_case_of,
    reviewed_before_cut,
    rows,
)
from govsim.checks.vocab import (
    CONTRACT_ACTS,
    DELIBERATION,
    OUTGOING,
    SIGN_OFF_ACTS,
    SIGNING_ACTS,
    VETTING_ACTS,
)
from govsim.core.org import GO, Organisation

FAMILY = "signing"


@invariant("INV-O01", article="A59", family=FAMILY)
def inv_o01(ctx: LogContext) -> list[Violation]:
    """A59 「市政府领导同志不直接签批未经市政府办公室审理的公文文稿」: a leader signs a draft
    only after the GO's vetting passed it."""
    out = []
    signed = rows(ctx, "doc.signed")["case"]
    passed = reviewed_before_cut(ctx)  # vetted before a warm start's cut
    for case, evs in per_case_of(ctx, signed, *VETTING_ACTS).items():
        vetted = -math.inf if case in passed else math.inf
        for e in evs:
            if e.act == "go.reviewed" and e.outcome == "pass":
                vetted = min(vetted, e.time)
            elif e.act == "doc.signed" and not vetted <= e.time:
                out.append(Violation("INV-O01", "A59", case, "signed before GO vetting", (e.idx,)))
    return out


@invariant("INV-O02", article="A59", family=FAMILY)
def inv_o02(ctx: LogContext) -> list[Violation]:
    """A59 「部门主要负责人要对代拟文稿认真审核把关，并在公文签批单上签名同意」: every time a
    department's draft reaches the GO, its principal head signed the sign-off sheet first."""
    info, out = case_info(ctx), []
    for case, evs in per_case_of(ctx, cases_of_type(ctx, *OUTGOING), *SIGN_OFF_ACTS).items():
        c = info[case]
        if c["sender"] == GO:
            continue
        signed = 0
        for e in evs:
            if e.act == "doc.principal_signed" and e.actor == c["sender"]:
                signed += 1
            elif e.act == "go.received":
                if signed < 1:
                    out.append(
                        Violation("INV-O02", "A59", case, "received without 签批单", (e.idx,))
                    )
                signed = 0
    return out


@invariant("INV-O03", article="A63", family=FAMILY)
def inv_o03(ctx: LogContext) -> list[Violation]:
    """A63 「一律不制发文件」 (redundant drafts), A59 「属部门职权范围内事务 … 不得申请以市政府或
    市政府办公室名义发文」: the GO's vetting returns a redundant draft and redirects a department
    matter (found with the other submission problems, :func:`~govsim.checks.documents.
    submission_findings`)."""
    return findings_of(ctx, submission_findings, "INV-O03")


#: A61's items in the order they are tried (AMB-29, K75): (2), (3), (4), (1), (6), (7), (8),
#: then (5) for anything else. An item matches a set of topics (the class is the topic) or a
#: flag of the document (the class is the flag's name); the flags never apply to the GO's own
#: business, which A61(8) signs whatever else is true of it.
_A61_ORDER: tuple[tuple[int, frozenset[str] | str], ...] = (
    (2, frozenset({"motion_to_npc", "gov_rule"})),
    (3, frozenset({"personnel"})),
    (4, frozenset({"overseas_approval"})),
    (1, frozenset({"to_province", "major_policy"})),
    (6, "meeting_decided"),
    (6, frozenset({"routine_approval"})),
    (7, "special_urgent"),
    (8, frozenset({"go_business", "go_daily"})),
)
_GO_TOPICS = frozenset({"go_business", "go_daily"})


def a61_class(topic: str, meeting_decided: bool, urgent: bool) -> tuple[str, int]:
    """The A61 class of an outgoing document and its item, the first of :data:`_A61_ORDER` that
    matches, else A61(5) 「以市政府名义发出的其他公文」."""
    own = topic not in _GO_TOPICS
    flags = {"meeting_decided": own and meeting_decided, "special_urgent": own and urgent}
    for item, match in _A61_ORDER:
        if isinstance(match, str):
            if flags[match]:
                return match, item
        elif topic in match:
            return topic, item
    return "other_gov", 5


_ITEM_INVARIANT = {
    1: "INV-O05",
    2: "INV-O04",
    3: "INV-O04",
    4: "INV-O04",
    5: "INV-O06",
    6: "INV-O07",
    7: "INV-O08",
    8: "INV-O09",
}


@dataclass(frozen=True)
class _Signature:
    """One ``doc.signed`` with what its A61 item needs to judge it."""

    org: Organisation
    case: int
    c: dict[str, Any]
    s: Ev
    cls: str
    item: int
    evs: list[Ev]
    before: list[Ev]
    owner: str | None
    auth_by: set[str | None]

    @property
    def signer(self) -> str | None:
        """The leader who signs in law; a substitute signs for them (A8)."""
        return self.s.owner

    @property
    def vms(self) -> set[str]:
        roles = self.org.leader_roles.items()
        return {ld for ld, r in roles if r in ("vice_mayor", "executive_vice_mayor")}


def _item_5(g: _Signature) -> list[str]:
    """A61(5): the leader in charge signs; the others touched co-review; wide-ranging: the
    mayor or the executive VM."""
    org, out = g.org, []
    touched = {g.owner} | {
        leader_in_charge(org, e.target) for e in g.evs if e.act == "doc.involves" and e.target
    }
    reviewed = {e.owner for e in g.before if e.act == "doc.co_review_signed"}
    for ld in sorted(x for x in touched - {g.signer} - reviewed if x):
        out.append(f"not co-reviewed by {ld}, whose portfolio it touches (审签)")
    if g.c["wide_ranging"]:
        if g.signer not in (org.mayor, org.executive_vice_mayor):
            out.append(f"wide-ranging document signed by {g.signer}")
    elif g.signer != (org.mayor if g.owner == org.secretary_general else g.owner):
        out.append(f"signed by {g.signer}, the leader in charge is {g.owner}")
    return out


def _item_6(g: _Signature) -> list[str]:
    """A61(6): after the meeting's decision, by the mayor or an authorised VM or SG."""
    org, out = g.org, []
    if g.cls == "meeting_decided" and not any(e.act in DELIBERATION for e in g.before):
        out.append("no prior government meeting decision")
    deputy = g.signer in g.vms or g.signer == org.secretary_general
    if g.signer != org.mayor and not (deputy and org.mayor in g.auth_by):
        out.append(f"signed by {g.signer} without the mayor's authorisation")
    return out


def _item_7(g: _Signature) -> list[str]:
    """A61(7): the SG, special or urgent, authorised by the mayor or the VM in charge."""
    org = g.org
    allowed_by = {org.mayor} | ({g.owner} if g.owner in g.vms else set())
    if g.signer != org.secretary_general or not g.c["urgent"]:
        return [f"A61(7) document signed by {g.signer}"]
    if not g.auth_by & allowed_by:
        return [f"SG signed without authorisation by the mayor or {g.owner}"]
    return []


def _item_8(g: _Signature) -> list[str]:
    """A61(8): GO business by the mayor or the VM in charge, GO daily work by the SG."""
    org, out = g.org, []
    if g.cls == "go_daily" and g.signer != org.secretary_general:
        out.append(f"GO daily-work document signed by {g.signer}, not the SG")
    if g.cls == "go_business" and g.signer not in {org.mayor} | (
        {g.owner} & g.vms if g.owner else set()
    ):
        out.append(f"GO business document signed by {g.signer}")
    return out


def _named_signer(g: _Signature) -> list[str]:
    """A61(1)–(4): the mayor (or, for (1), the executive VM) signs."""
    org = g.org
    if g.item in (2, 3, 4) and g.signer != org.mayor:
        return [f"{g.cls} signed by {g.signer}, not the mayor"]
    if g.item == 1 and g.signer not in (org.mayor, org.executive_vice_mayor):
        return [f"{g.cls} signed by {g.signer}, not the mayor or executive VM"]
    return []


# A61 item → what its signature must satisfy (items 1–4 name the signer).
_ITEM_RULE = {1: _named_signer, 2: _named_signer, 3: _named_signer, 4: _named_signer,
              5: _item_5, 6: _item_6, 7: _item_7, 8: _item_8}  # fmt: skip


def _signature(ctx: LogContext, case: int, evs: list[Ev], s: Ev) -> _Signature:
    org, c = ctx.org, case_info(ctx)[case]
    cls, item = a61_class(str(c["topic"]), bool(c["meeting_decided"]), bool(c["urgent"]))
    before = [e for e in evs if e.idx < s.idx]
    auth_by = {e.actor for e in before if e.act == "sign.authorized" and e.target == s.owner}
    owner = leader_in_charge(org, str(c["matter"]))
    return _Signature(org, case, c, s, cls, item, evs, before, owner, auth_by)


@invariant_group(
    {
        "INV-O04": ("A61", """A61(2)–(4) 「由市长签发」: motions to the People's Congress,
        government rules, personnel documents and heads' trips abroad are signed by the mayor
        (class as per AMB-29)."""),
        "INV-O05": ("A61", """A61(1) 「由市长或常务副市长签发」: documents to the province and
        on major policy."""),
        "INV-O06": ("A61", """A61(5): other government-name documents are signed by the
        leader in charge (一般); every other leader whose portfolio they touch co-reviews (审签)
        first; wide-ranging ones are signed by the mayor or the executive VM. ASSUMPTION with
        INV-O08: where the SG holds the portfolio, the mayor signs."""),
        "INV-O07": ("A61", """A61(6): matters decided at a government meeting (the meeting
        came first) and routine approvals are signed by the mayor, or by a VM or the SG the
        mayor authorised."""),
        "INV-O08": ("A61", """A61(7) 「特殊、紧急情况下，经市长或副市长授权 … 可由市政府
        秘书长签发」: the SG signs a government-name document outside A61(6) only when it is
        special or urgent and the mayor or the VM in charge (AMB-30, K76) authorised it."""),
        "INV-O09": ("A61", """A61(8): GO-name business documents are signed by the mayor or
        the VM in charge, the GO's daily-work documents by the SG."""),
    },
    family=FAMILY,
)  # fmt: skip
def signing_findings(ctx: LogContext) -> list[Violation]:
    """A61 item by item, for every ``doc.signed`` (see the INV-O04 … O09 docstrings)."""
    out = []
    for case, evs in per_case(ctx, *SIGNING_ACTS).items():
        for s in (e for e in evs if e.act == "doc.signed"):
            g = _signature(ctx, case, evs, s)
            inv, art = _ITEM_INVARIANT[g.item], f"A61 item {g.item}"
            if s.reason != g.cls:
                msg = f"signed as {s.reason}, but the document is {g.cls} (AMB-29)"
                out.append(Violation(inv, art, case, msg, (s.idx,)))
            for msg in _ITEM_RULE[g.item](g):
                out.append(Violation(inv, art, case, msg, (s.idx,)))
            if g.signer == ctx.org.secretary_general and g.item not in (6, 7, 8):
                msg = f"SG signed a {g.cls} document"
                out.append(Violation("INV-O08", "A61 item 7", case, msg, (s.idx,)))
    return out


@invariant("INV-O11", article="A60", family=FAMILY)
def inv_o11(ctx: LogContext) -> list[Violation]:
    """A60 「以市政府名义对外签订合同、协议、备忘录、意向书等，需事先经市司法局合法性审查，并报
    市政府同意」: a contract is signed only after a passed legality review and a leader's
    consent for the city government."""
    org, out = ctx.org, []
    for case, evs in per_case(ctx, *CONTRACT_ACTS).items():
        for s in (e for e in evs if e.act == "contract.signed"):
            before = [e for e in evs if e.idx < s.idx]
            if not any(
                e.act == "justice.legality_reviewed" and e.outcome == "pass" for e in before
            ):
                out.append(
                    Violation("INV-O11", "A60", case, "signed before legality review", (s.idx,))
                )
            if not any(e.act == "gov.consented" and org.is_leader(e.actor or "") for e in before):
                out.append(Violation("INV-O11", "A60", case, "signed without consent", (s.idx,)))
    return out
