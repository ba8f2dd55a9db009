"""Who signs an outgoing document: the A61 signing matrix, in one place (RULES §3.3.1).

A61 「公文签发权限」:

(一) 「以市政府名义报省政府的请示、报告，以及涉及重大方针、政策的事项，由市长或常务副市长签发」
(二) 「向市人民代表大会及其常务委员会提出的议案、市政府发布的政府规章，由市长签发」
(三) 「市政府人事任免公文，由市长签发」
(四) 「县（市、区）长、市政府各部门主要负责人出国审批公文，由市长签发」
(五) 「以市政府名义制发的其他公文，根据公文内容，一般由市政府分管领导同志签发；内容涉及数名
     市政府领导同志分管范围的，需请其他市政府领导同志审签；涉及面广的，应报请市长或常务副市长
     审定签发」
(六) 「已经市政府全体会议、市政府常务会议、市长办公会议决定的事项和属于例行批准手续的事项，需以
     市政府名义行文的，由市长或市长授权副市长、市政府秘书长签发」
(七) 「特殊、紧急情况下，经市长或副市长授权，以市政府名义制发的公文，可由市政府秘书长签发」
(八) 「以市政府办公室名义制发公文，涉及业务工作的，由市长或分管副市长签发；涉及办公室日常工作的，
     由市政府秘书长签发」

The items overlap; AMB-29 (K75): a document takes the most specific item, in the order (2),
(3), (4), (1), (6), (7), (8), (5). :func:`signing_class` classifies, :func:`permitted_signers`
states who may sign each class, :func:`signing_plan` picks the signer (and the authorising
leader where (6) or (7) needs one), :func:`co_reviewers` lists the A61(5) co-reviewers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from govsim.core.org import GO, Organisation


class SigningClass(StrEnum):
    """The A61 document classes (RULES §2.3 ``SigningClass``); values are log reason codes."""

    TO_PROVINCE = "to_province"  # (1)
    MAJOR_POLICY = "major_policy"  # (1)
    MOTION_TO_NPC = "motion_to_npc"  # (2)
    GOV_RULE = "gov_rule"  # (2)
    PERSONNEL = "personnel"  # (3)
    OVERSEAS_APPROVAL = "overseas_approval"  # (4)
    OTHER_GOV = "other_gov"  # (5)
    MEETING_DECIDED = "meeting_decided"  # (6)
    ROUTINE_APPROVAL = "routine_approval"  # (6)
    SPECIAL_URGENT = "special_urgent"  # (7)
    GO_BUSINESS = "go_business"  # (8)
    GO_DAILY = "go_daily"  # (8)


ITEM: dict[SigningClass, int] = {
    SigningClass.TO_PROVINCE: 1,
    SigningClass.MAJOR_POLICY: 1,
    SigningClass.MOTION_TO_NPC: 2,
    SigningClass.GOV_RULE: 2,
    SigningClass.PERSONNEL: 3,
    SigningClass.OVERSEAS_APPROVAL: 4,
    SigningClass.OTHER_GOV: 5,
    SigningClass.MEETING_DECIDED: 6,
    SigningClass.ROUTINE_APPROVAL: 6,
    SigningClass.SPECIAL_URGENT: 7,
    SigningClass.GO_BUSINESS: 8,
    SigningClass.GO_DAILY: 8,
}
"""The A61 item of each class."""

PRECEDENCE: tuple[int, ...] = (2, 3, 4, 1, 6, 7, 8, 5)
"""AMB-29 (K75): the order in which items are tried; the first that fits wins."""

GO_NAME_TOPICS = frozenset({"go_business", "go_daily"})
"""Topics issued in the General Office's name (A61(8)); every other topic is issued in the
government's name."""

_TOPIC_CLASS: dict[str, SigningClass] = {
    "to_province": SigningClass.TO_PROVINCE,
    "major_policy": SigningClass.MAJOR_POLICY,
    "motion_to_npc": SigningClass.MOTION_TO_NPC,
    "gov_rule": SigningClass.GOV_RULE,
    "personnel": SigningClass.PERSONNEL,
    "overseas_approval": SigningClass.OVERSEAS_APPROVAL,
    "routine_approval": SigningClass.ROUTINE_APPROVAL,
    "go_business": SigningClass.GO_BUSINESS,
    "go_daily": SigningClass.GO_DAILY,
}


def signing_class(
    topic: str, *, meeting_decided: bool = False, urgent: bool = False
) -> SigningClass:
    """The A61 class of an outgoing document about ``topic`` (AMB-29 precedence).

    ``meeting_decided``: the matter was decided at a plenary, executive or mayor's office
    meeting (A61(6)); normative documents are always (A21). ``urgent``: special or urgent
    circumstances (A61(7)). Items (6) and (7) cover only government-name documents.
    """
    gov_name = topic not in GO_NAME_TOPICS
    fits: dict[int, SigningClass] = {}
    own = _TOPIC_CLASS.get(topic)
    if own is not None:
        fits[ITEM[own]] = own
    if gov_name and meeting_decided:
        fits[6] = SigningClass.MEETING_DECIDED
    if gov_name and urgent:
        fits[7] = SigningClass.SPECIAL_URGENT
    if gov_name:
        fits.setdefault(5, SigningClass.OTHER_GOV)
    return next(fits[item] for item in PRECEDENCE if item in fits)


def portfolio_leader(org: Organisation, matter: str) -> str:
    """The leader in charge of ``matter`` (分管, A8); the GO's own matters: the SG (A9)."""
    if matter == GO:
        return org.secretary_general
    return org.portfolio_owner[matter]


def _is_vm(org: Organisation, leader: str) -> bool:
    return org.leader_roles[leader] in ("vice_mayor", "executive_vice_mayor")


def permitted_signers(
    cls: SigningClass, org: Organisation, matter: str, wide_ranging: bool = False
) -> tuple[str, ...]:
    """Who may sign a document of class ``cls`` on ``matter`` (with authorisation if needed).

    (1): mayor or executive VM. (2)–(4): the mayor. (5): the leader in charge (一般); the
    mayor or executive VM when wide-ranging — ASSUMPTION (with INV-O08): when the SG holds the
    portfolio, the mayor signs, since the SG signs government-name documents only under (6)
    and (7) (AMB-30). (6): the mayor, or a VM or the SG the mayor authorises. (7): the SG,
    authorised. (8) business: the mayor or the VM in charge; daily work: the SG.
    """
    mayor, exec_vm, sg = org.mayor, org.executive_vice_mayor, org.secretary_general
    owner = portfolio_leader(org, matter)
    item = ITEM[cls]
    if item == 1:
        return (exec_vm, mayor)
    if item in (2, 3, 4):
        return (mayor,)
    if item == 5:
        if wide_ranging:
            return (exec_vm, mayor)
        return (mayor,) if owner == sg else (owner,)
    if item == 6:
        vms_and_sg = tuple(ld for ld in org.leaders if _is_vm(org, ld) or ld == sg)
        return (mayor, *vms_and_sg)
    if item == 7:
        return (sg,)
    if cls is SigningClass.GO_BUSINESS:
        return (owner,) if _is_vm(org, owner) else (mayor,)
    return (sg,)


@dataclass(frozen=True)
class SigningPlan:
    """The signer and, for A61(6)/(7), the leader who authorised them (else ``None``)."""

    signer: str
    authoriser: str | None = None


def signing_plan(
    cls: SigningClass,
    org: Organisation,
    matter: str,
    *,
    wide_ranging: bool = False,
    mayor_authorises: bool = False,
    queue_length: Callable[[str], int] = lambda leader: 0,
) -> SigningPlan:
    """Pick the signer of a document of class ``cls``.

    Where two leaders may sign ((1), wide-ranging (5)), the one with the shorter queue, the
    executive VM on a tie (ASSUMPTION: spare the mayor). (6): the mayor signs, unless
    ``mayor_authorises`` and the leader in charge is a VM or the SG, who then signs on the
    mayor's authorisation. (7): the SG signs on the authorisation of the VM in charge —
    AMB-30 (K76): a VM authorises only within the VM's portfolio — else of the mayor.
    """
    allowed = permitted_signers(cls, org, matter, wide_ranging)
    item = ITEM[cls]
    owner = portfolio_leader(org, matter)
    if item == 6:
        if mayor_authorises and owner != org.mayor:
            return SigningPlan(owner, org.mayor)
        return SigningPlan(org.mayor)
    if item == 7:
        by = owner if _is_vm(org, owner) else org.mayor
        return SigningPlan(org.secretary_general, by)
    if len(allowed) > 1:
        return SigningPlan(min(allowed, key=lambda ld: (queue_length(ld), allowed.index(ld))))
    return SigningPlan(allowed[0])


def co_reviewers(
    cls: SigningClass, org: Organisation, signer: str, matter: str, involved: tuple[str, ...]
) -> tuple[str, ...]:
    """A61(5) 「内容涉及数名市政府领导同志分管范围的，需请其他市政府领导同志审签」.

    For a class (5) document: every leader other than the signer in charge of the matter's
    department or of a department whose powers it touches (``involved``), in roster order.
    Other classes: none (the text asks for co-review only under (5)).
    """
    if cls is not SigningClass.OTHER_GOV:
        return ()
    touched = {portfolio_leader(org, d) for d in (matter, *involved)}
    return tuple(ld for ld in org.leaders if ld in touched and ld != signer)
