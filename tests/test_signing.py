"""The A61 signing matrix, item by item (rules/signing.py; RULES §3.3.1, AMB-29, AMB-30).

Organisation: mayor (portfolio d_m), executive VM (d_x), VM v1 (d_1), VM v2 (d_2), SG (d_s).
"""

from __future__ import annotations

import pytest

from factory import make_scenario
from govsim.core.org import GO, Organisation
from govsim.rules.signing import (
    ITEM,
    SigningClass,
    co_reviewers,
    permitted_signers,
    signing_class,
    signing_plan,
)

C = SigningClass


@pytest.fixture(scope="module")
def org() -> Organisation:
    fixed = {"dist": "fixed", "value_hours": 1}
    raw = {
        "scenario": {"name": "sig", "start": "2025-03-03", "horizon_days": 10},
        "leaders": [
            {"id": "mayor", "role": "mayor", "portfolio": ["d_m"]},
            {"id": "vx", "role": "executive_vice_mayor", "portfolio": ["d_x"]},
            {"id": "v1", "role": "vice_mayor", "portfolio": ["d_1"]},
            {"id": "v2", "role": "vice_mayor", "portfolio": ["d_2"]},
            {"id": "sg", "role": "secretary_general", "portfolio": ["d_s"]},
        ],
        "departments": [{"id": d} for d in ("d_m", "d_x", "d_1", "d_2", "d_s")],
        "general_office": {"reviewers": 1, "review": fixed, "transfer": fixed, "revise": fixed},
        "leader_work": {"approve": fixed, "read": fixed},
        "instructions": {"p_request": 0, "p_report": 0, "reply": fixed},
    }
    return Organisation.from_scenario(make_scenario(raw))


# --- classification: one topic per item, then the overlaps AMB-29 settles ------------------


@pytest.mark.parametrize(
    ("topic", "cls", "item"),
    [
        ("to_province", C.TO_PROVINCE, 1),
        ("major_policy", C.MAJOR_POLICY, 1),
        ("motion_to_npc", C.MOTION_TO_NPC, 2),
        ("gov_rule", C.GOV_RULE, 2),
        ("personnel", C.PERSONNEL, 3),
        ("overseas_approval", C.OVERSEAS_APPROVAL, 4),
        ("other", C.OTHER_GOV, 5),
        ("routine_approval", C.ROUTINE_APPROVAL, 6),
        ("go_business", C.GO_BUSINESS, 8),
        ("go_daily", C.GO_DAILY, 8),
    ],
)
def test_each_topic_has_its_item(topic: str, cls: SigningClass, item: int) -> None:
    assert signing_class(topic) is cls
    assert ITEM[cls] == item


@pytest.mark.parametrize(
    ("topic", "meeting", "urgent", "cls"),
    [
        # AMB-29's own example: a personnel document decided at the executive meeting → (3).
        ("personnel", True, False, C.PERSONNEL),
        ("gov_rule", True, True, C.GOV_RULE),  # (2) before (6) and (7)
        ("overseas_approval", False, True, C.OVERSEAS_APPROVAL),  # (4) before (7)
        ("to_province", True, True, C.TO_PROVINCE),  # (1) before (6) and (7)
        ("other", True, True, C.MEETING_DECIDED),  # (6) before (7)
        ("normative_doc", True, False, C.MEETING_DECIDED),  # A21 deliberated → (6)
        ("routine_approval", False, True, C.ROUTINE_APPROVAL),  # (6) before (7)
        ("other", False, True, C.SPECIAL_URGENT),  # (7) before (5)
        # (6) and (7) are for government-name documents only; GO-name ones stay (8).
        ("go_business", True, True, C.GO_BUSINESS),
        ("go_daily", False, True, C.GO_DAILY),
    ],
)
def test_precedence_of_overlapping_items(
    topic: str, meeting: bool, urgent: bool, cls: SigningClass
) -> None:
    assert signing_class(topic, meeting_decided=meeting, urgent=urgent) is cls


# --- who may sign ------------------------------------------------------------------------


def test_item_1_mayor_or_executive_vm(org: Organisation) -> None:
    # 「由市长或常务副市长签发」
    for cls in (C.TO_PROVINCE, C.MAJOR_POLICY):
        assert set(permitted_signers(cls, org, "d_1")) == {"mayor", "vx"}


@pytest.mark.parametrize("cls", [C.MOTION_TO_NPC, C.GOV_RULE, C.PERSONNEL, C.OVERSEAS_APPROVAL])
def test_items_2_to_4_mayor_only(org: Organisation, cls: SigningClass) -> None:
    # 「由市长签发」, whatever the portfolio.
    for matter in ("d_1", "d_s", "d_x"):
        assert permitted_signers(cls, org, matter) == ("mayor",)
        assert signing_plan(cls, org, matter).signer == "mayor"


def test_item_5_leader_in_charge(org: Organisation) -> None:
    # 「一般由市政府分管领导同志签发」
    assert permitted_signers(C.OTHER_GOV, org, "d_1") == ("v1",)
    assert permitted_signers(C.OTHER_GOV, org, "d_x") == ("vx",)
    assert permitted_signers(C.OTHER_GOV, org, "d_m") == ("mayor",)
    # ASSUMPTION (AMB-30 with INV-O08): the SG does not sign government-name documents
    # outside (6)/(7), so the mayor signs what lies in the SG's portfolio.
    assert permitted_signers(C.OTHER_GOV, org, "d_s") == ("mayor",)


def test_item_5_wide_ranging_goes_to_mayor_or_executive_vm(org: Organisation) -> None:
    # 「涉及面广的，应报请市长或常务副市长审定签发」
    assert set(permitted_signers(C.OTHER_GOV, org, "d_1", wide_ranging=True)) == {"mayor", "vx"}
    busy = {"vx": 3, "mayor": 1}
    plan = signing_plan(C.OTHER_GOV, org, "d_1", wide_ranging=True, queue_length=busy.get)
    assert plan.signer == "mayor" and plan.authoriser is None
    plan = signing_plan(C.OTHER_GOV, org, "d_1", wide_ranging=True)  # tie: spare the mayor
    assert plan.signer == "vx"


def test_item_5_co_review_by_other_leaders(org: Organisation) -> None:
    # 「内容涉及数名市政府领导同志分管范围的，需请其他市政府领导同志审签」
    assert co_reviewers(C.OTHER_GOV, org, "v1", "d_1", ("d_2", "d_s", "d_1")) == ("v2", "sg")
    # Wide-ranging, signed by the executive VM: the leader in charge reviews first too.
    assert co_reviewers(C.OTHER_GOV, org, "vx", "d_1", ("d_x",)) == ("v1",)
    # Only item (5) asks for co-review.
    assert co_reviewers(C.PERSONNEL, org, "mayor", "d_1", ("d_2",)) == ()


def test_item_6_mayor_or_authorised_vm_or_sg(org: Organisation) -> None:
    # 「由市长或市长授权副市长、市政府秘书长签发」
    for cls in (C.MEETING_DECIDED, C.ROUTINE_APPROVAL):
        assert set(permitted_signers(cls, org, "d_1")) == {"mayor", "vx", "v1", "v2", "sg"}
        assert signing_plan(cls, org, "d_1").signer == "mayor"
        plan = signing_plan(cls, org, "d_1", mayor_authorises=True)
        assert (plan.signer, plan.authoriser) == ("v1", "mayor")
        plan = signing_plan(cls, org, "d_s", mayor_authorises=True)
        assert (plan.signer, plan.authoriser) == ("sg", "mayor")
        # The mayor's own portfolio: nobody to authorise.
        assert signing_plan(cls, org, "d_m", mayor_authorises=True).authoriser is None


def test_item_7_sg_authorised_by_mayor_or_vm_in_charge(org: Organisation) -> None:
    # 「经市长或副市长授权 … 可由市政府秘书长签发」; AMB-30: a VM only for the VM's portfolio.
    assert permitted_signers(C.SPECIAL_URGENT, org, "d_1") == ("sg",)
    plan = signing_plan(C.SPECIAL_URGENT, org, "d_1")
    assert (plan.signer, plan.authoriser) == ("sg", "v1")
    assert signing_plan(C.SPECIAL_URGENT, org, "d_x").authoriser == "vx"
    assert signing_plan(C.SPECIAL_URGENT, org, "d_m").authoriser == "mayor"
    assert signing_plan(C.SPECIAL_URGENT, org, "d_s").authoriser == "mayor"


def test_item_8_go_name(org: Organisation) -> None:
    # 「涉及业务工作的，由市长或分管副市长签发；涉及办公室日常工作的，由市政府秘书长签发」
    assert permitted_signers(C.GO_BUSINESS, org, "d_2") == ("v2",)
    assert permitted_signers(C.GO_BUSINESS, org, "d_x") == ("vx",)
    # No VM in charge (the mayor's or the SG's portfolio): the mayor.
    assert permitted_signers(C.GO_BUSINESS, org, "d_s") == ("mayor",)
    assert permitted_signers(C.GO_BUSINESS, org, "d_m") == ("mayor",)
    assert permitted_signers(C.GO_DAILY, org, GO) == ("sg",)
    assert signing_plan(C.GO_DAILY, org, GO).signer == "sg"


def test_every_class_has_an_item_and_a_signer(org: Organisation) -> None:
    assert set(ITEM) == set(SigningClass)
    assert sorted(set(ITEM.values())) == list(range(1, 9))
    for cls in SigningClass:
        plan = signing_plan(cls, org, "d_2", mayor_authorises=True)
        assert plan.signer in org.leaders
        assert plan.signer in permitted_signers(cls, org, "d_2")


@pytest.mark.parametrize(
    ("topic", "meeting_decided", "urgent", "expected"),
    [
        ("gov_rule", True, True, ("gov_rule", 2)),  # A61(2) before everything
        ("personnel", True, False, ("personnel", 3)),
        ("overseas_approval", False, True, ("overseas_approval", 4)),
        ("major_policy", True, True, ("major_policy", 1)),  # (1) before (6) and (7)
        ("other", True, True, ("meeting_decided", 6)),  # (6) before (7)
        ("routine_approval", False, True, ("routine_approval", 6)),
        ("other", False, True, ("special_urgent", 7)),
        ("go_daily", True, True, ("go_daily", 8)),  # the GO's own business: no flags
        ("other", False, False, ("other_gov", 5)),
    ],
)
def test_a61_class_tries_items_in_the_documented_order(
    topic: str, meeting_decided: bool, urgent: bool, expected: tuple[str, int]
) -> None:
    """A61 as read by AMB-29 (K75): items (2), (3), (4), (1), (6), (7), (8), else (5)."""
    from govsim.checks.signing import a61_class

    assert a61_class(topic, meeting_decided, urgent) == expected
