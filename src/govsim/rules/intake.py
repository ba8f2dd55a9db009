"""What the General Office does with what departments send it (A55, A56, A59, A63).

Upward documents (请示, 报告) are reviewed (审核, A57) and outgoing drafts are vetted (审理,
A59). The text forbids each kind of non-compliant submission but, except for poor quality
(A63 「要一律退回」), does not say what the GO does with it (AMB-17): the default here returns
it to the sender with its reason and redirects a department-scope matter to the competent
department (K69). A submission is judged by its first problem in the GO's order of checks:
who sent it, how it is addressed, whether it belongs to the city government at all, its form,
then its content.
"""

from __future__ import annotations

from typing import Literal

Outcome = Literal["pass", "return", "redirect"]

INTAKE_CHECKS: tuple[str, ...] = (
    # A56 「议事协调机构、临时机构、行业协会和部门内设、管理机构等，不得直接向市政府报送公文」
    "non_submitting_body",
    "skip_level",  # A55 「不得 … 越级行文」
    "multi_addressee",  # A55 「更不得多头主送」
    "dept_scope",  # A55 「凡属市政府部门职责范围内的事项 … 不得报市政府」
    "informal_form",  # A56 「不得以“参阅件”“呈阅件”“请阅件”等非规范形式报送」
    "unsigned",  # A56 「须由报送单位主要负责人签发」
    "multi_matter",  # A56 「请示性公文必须一文一事」
    "embedded_request",  # A56 「报告性公文不得夹带请示事项」
    "poor_quality",  # A63 「对文稿质量差、无实质性内容的报送文件，市政府办公室要一律退回」
)
"""Problems of an upward submission, in the GO's order of checks (RULES R02–R11, R15)."""

VETTING_CHECKS: tuple[str, ...] = (
    "dept_scope",  # A59 「属部门职权范围内事务 … 不得申请以市政府或市政府办公室名义发文」
    "redundant",  # A63 「没有新内容、新政策的，一律不制发文件」
    "poor_quality",  # A63 「一律退回」
)
"""Problems of a draft at the GO's vetting (审理), in order (RULES §4.5 rows 2–4, 10)."""

DIRECT_CHANNELS: frozenset[str] = frozenset(
    {"leader_assigned", "classified_direct", "major_emergency", "foreign_affairs_partial"}
)
"""A55's exceptions to 「公文一律送市政府办公室」: 「市政府领导同志直接交办事项和确需直接
报送的涉密事项、重大突发事件以及部分涉外事项」 (RULES R01, INV-D01)."""


def applicable_defects(kind: str, sender_kind: str) -> tuple[str, ...]:
    """The defects an upward document of ``kind`` from a unit of ``sender_kind`` can carry.

    A body that may not submit directly (A56) sits under a department; a skip-level sender
    (A55) is a county department writing over its county government's head (ASSUMPTION:
    dispatched zones have neither). One matter per document concerns requests, a hidden
    request concerns reports (A56).
    """
    out = []
    for name in INTAKE_CHECKS:
        if name == "non_submitting_body" and sender_kind != "department":
            continue
        if name == "skip_level" and sender_kind != "county":
            continue
        if name == "multi_matter" and kind != "request":
            continue
        if name == "embedded_request" and kind != "report":
            continue
        if name == "poor_quality":
            continue  # drawn separately (load.p_poor_quality)
        out.append(name)
    return tuple(out)


def first_problem(
    defect: str | None, poor: bool, order: tuple[str, ...] = INTAKE_CHECKS
) -> str | None:
    """The problem the GO finds first in a submission with ``defect`` and quality ``poor``."""
    found = {defect, "poor_quality" if poor else None}
    return next((name for name in order if name in found), None)


def intake_decision(problem: str | None, dept_scope_policy: str = "redirect") -> Outcome:
    """The GO's review outcome for an upward submission whose first problem is ``problem``.

    No problem: pass and route (A57). A department-scope matter is redirected to the
    competent department (AMB-17; ``dept_scope_policy="return"`` returns it instead); every
    other problem is returned to the sender (A55, A56; A63 「一律退回」).
    """
    if problem is None:
        return "pass"
    if problem == "dept_scope" and dept_scope_policy == "redirect":
        return "redirect"
    return "return"


def vetting_decision(problem: str | None) -> Outcome:
    """The GO's vetting (审理, A59) outcome for a draft whose first problem is ``problem``.

    A department matter goes back to the department to issue itself (redirect, A59); a
    redundant or poor draft is returned (A63).
    """
    if problem is None:
        return "pass"
    if problem == "dept_scope":
        return "redirect"
    return "return"


def bypasses_go(channel: str) -> bool:
    """Whether a document on ``channel`` goes to a leader without the GO (A55's exceptions)."""
    return channel in DIRECT_CHANNELS


def abandoned_on_return(problem: str) -> bool:
    """Whether a draft returned for ``problem`` is dropped instead of revised.

    A63 「凡法律法规已作出明确规定的，一律不再制发文件；现行文件规定仍适用的，不再重复发文；
    没有新内容、新政策的，一律不制发文件」: a redundant draft cannot be mended (ASSUMPTION on
    the action; the prohibition is in the text).
    """
    return problem == "redundant"
