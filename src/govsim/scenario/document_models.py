"""Scenario models of how documents move between the offices (A20–A21, A55–A61; RULES §4).

``[countersign]``: opinion requests and countersigns between departments (A56, A59);
``[intake]``: non-compliant submissions and the direct channels to a leader (A55, A56);
``[drafts]``: documents drafted by the competent department in the government's or the GO's
name (A58, A59, A61); ``[legality]``: the justice bureau's legality review of normative
documents and contracts (A20, A21, A60). With the defaults none of this happens, so a scenario
without these tables runs the baseline flow.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from govsim.core.distributions import Distribution
from govsim.scenario.types import Identifier, Pair, Probability, Rate, Strict, dist


class Countersign(Strict):
    """``[countersign]``: opinion requests and countersigns between departments (A56, A59;
    RULES §4.3; knobs K16, K17, K21, K30–K38). With the defaults no document touches another
    department's powers, so nothing is countersigned."""

    p_cross_dept_request: Probability = Field(
        default=0.0,
        description="Share of departments' requests touching other departments' powers "
        "(A56 「凡涉及其他部门职权的」, K16).",
    )
    p_cross_dept_draft: Probability = Field(
        default=0.0,
        description="Share of drafts and normative documents touching other departments' "
        "powers (A59 「文稿内容涉及其他部门职权范围的事项」, K16).",
    )
    n_codepts_weights: list[Rate] = Field(
        default=[0.6, 0.3, 0.1],
        min_length=1,
        max_length=20,
        description="Relative weights of 1, 2, 3, … co-departments (K16).",
    )
    working_days: int = Field(
        default=3, ge=1, le=60, description="Reply limit 「一般应在3个工作日内回复」 (A59, K31)."
    )
    p_complex: Probability = Field(
        default=0.15,
        description="Share of countersigned matters that are especially complex "
        "(A59, AMB-18, K17).",
    )
    complex_limit: Literal["5wd", "7cd"] = Field(
        default="5wd",
        description="「特别复杂的事项不得超过一周」: 5 working days, or 7 calendar days "
        "(AMB-01, K02).",
    )
    p_lead_limit: Probability = Field(
        default=0.0,
        description="Share of countersigns where the lead department sets its own limit "
        "(A59 「除主办部门另有时限要求外」, K33).",
    )
    lead_limit_working_days: Annotated[tuple[int, int], Pair] = Field(
        default=(1, 5),
        description="Range of a lead-set limit in working days, drawn uniformly (K33).",
    )
    response: Distribution = Field(
        default=dist(dist="lognormal", mean_days=2.0, cv=0.8),
        description="Co-department's working time to reply (K30). ASSUMPTION.",
    )
    p_object: Probability = Field(
        default=0.1, description="Share of replies that object (部门之间有分歧, A56, K21)."
    )
    p_extension: Probability = Field(
        default=0.05,
        description="Share of co-departments that, unable to reply in time, ask the lead for "
        "an extension before the deadline (A59 「应主动与主办部门沟通」, K30).",
    )
    p_extension_agreed: Probability = Field(
        default=1.0, description="Share of extension requests the lead agrees to (ASSUMPTION)."
    )
    extension_working_days: int = Field(
        default=3, ge=1, le=60, description="Length of an agreed extension (商定回复时限, K30)."
    )
    deemed_consent: bool = Field(
        default=True,
        description="A59 「逾期不回复视为无不同意见」; false: wait for every reply.",
    )
    deemed_after_extension: bool = Field(
        default=True, description="Deemed consent also at an extended deadline (AMB-19, K34)."
    )
    negotiation: Distribution = Field(
        default=dist(dist="lognormal", mean_days=2.0, cv=0.5),
        description="Working time of the lead principal head's negotiation with an objecting "
        "department (A56). ASSUMPTION.",
    )
    p_resolved: Probability = Field(
        default=0.6, description="Share of objections resolved by negotiation (K21)."
    )
    dissent_drafting: Distribution = Field(
        default=dist(dist="lognormal", mean_days=1.0, cv=0.5),
        description="Working time to list each side's grounds and a proposed handling (A56).",
    )
    recountersign_dissent: bool = Field(
        default=True, description="Countersign the version listing the dissent again (K37)."
    )
    p_joint: Probability = Field(
        default=0.0,
        description="Share of coordinated requests submitted jointly instead (联合报, A56, K38).",
    )

    @field_validator("n_codepts_weights")
    @classmethod
    def _some_weight(cls, weights: list[float]) -> list[float]:
        if sum(weights) <= 0:
            raise ValueError("the weights must not all be zero")
        return weights

    @field_validator("lead_limit_working_days")
    @classmethod
    def _range(cls, r: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= r[0] <= r[1] <= 60:
            raise ValueError("must be [low, high] working days with 1 <= low <= high <= 60")
        return r


class DirectChannels(Strict):
    """``[intake.direct_channels]``: shares of upward documents sent straight to a leader under
    A55's exceptions (RULES R01, K20). ASSUMPTION: such documents carry no defect."""

    leader_assigned: Probability = 0.0
    classified_direct: Probability = 0.0
    major_emergency: Probability = 0.0
    foreign_affairs_partial: Probability = 0.0

    @model_validator(mode="after")
    def _at_most_one(self) -> DirectChannels:
        if sum(self.model_dump().values()) > 1.0:
            raise ValueError("the shares add up to more than 1")
        return self


class Intake(Strict):
    """``[intake]``: non-compliant submissions and direct channels (A55, A56; K19, K20, K69).

    Each probability is the share of first submissions carrying that defect; a submission
    carries at most one (the first in the GO's order of checks). The GO returns each with its
    reason; revision removes it (ASSUMPTION). Defaults: every submission is compliant.
    """

    p_non_submitting_body: Probability = Field(
        default=0.0,
        description="Departments' documents actually sent by a body that may not submit "
        "directly — internal unit, coordination or temporary body, association (A56, R11).",
    )
    p_skip_level: Probability = Field(
        default=0.0,
        description="Counties' documents sent by a county department over the county "
        "government's head (越级行文, A55).",
    )
    p_multi_addressee: Probability = Field(default=0.0, description="多头主送 (A55).")
    p_dept_scope: Probability = Field(
        default=0.0, description="Matters within a department's own authority (A55, R04)."
    )
    p_informal_form: Probability = Field(
        default=0.0, description="“参阅件”“呈阅件”“请阅件” instead of a formal document (A56)."
    )
    p_unsigned: Probability = Field(
        default=0.0, description="Not signed by the sender's principal head (A56)."
    )
    p_multi_matter: Probability = Field(
        default=0.0, description="Requests with more than one matter (一文一事, A56)."
    )
    p_embedded_request: Probability = Field(
        default=0.0, description="Reports with a request hidden in them (A56)."
    )
    dept_scope_policy: Literal["redirect", "return"] = Field(
        default="redirect",
        description="What the GO does with a department-scope matter (AMB-17, K69).",
    )
    direct_channels: DirectChannels = DirectChannels()

    @model_validator(mode="after")
    def _categorical(self) -> Intake:
        common = self.p_multi_addressee + self.p_dept_scope + self.p_informal_form + self.p_unsigned
        for name, own in (
            ("request", self.p_multi_matter),
            ("report", self.p_embedded_request),
        ):
            total = common + own + max(self.p_non_submitting_body, self.p_skip_level)
            if total > 1.0:
                raise ValueError(f"the defect shares of a {name} add up to more than 1")
        return self


DraftTopic = Literal[
    "other",
    "to_province",
    "major_policy",
    "motion_to_npc",
    "personnel",
    "overseas_approval",
    "routine_approval",
    "go_business",
    "go_daily",
]


class Drafts(Strict):
    """``[drafts]``: documents issued in the government's or the GO's name, drafted by the
    competent department (代拟文稿; A58, A59, A61; RULES §4.5). Default: none arrive."""

    per_dept_per_week: Rate = Field(
        default=0.0, description="Drafts per department per week (K15), times load.scale."
    )
    topics: dict[DraftTopic, Rate] = Field(
        default={
            "other": 0.55,
            "to_province": 0.08,
            "major_policy": 0.03,
            "motion_to_npc": 0.01,
            "personnel": 0.05,
            "overseas_approval": 0.02,
            "routine_approval": 0.06,
            "go_business": 0.15,
            "go_daily": 0.05,
        },
        description="Relative weights of what a draft is; its A61 signing class follows "
        "(RULES §3.3.1).",
    )
    p_meeting_decided: Probability = Field(
        default=0.1,
        description="Share of government-name drafts on a matter decided at a government "
        "meeting (A61(6)); they wait for the monthly decision date.",
    )
    p_urgent: Probability = Field(
        default=0.05, description="Share that are special or urgent (A61(7))."
    )
    p_wide_ranging: Probability = Field(
        default=0.1, description="Share that are wide-ranging (涉及面广, A61(5), AMB-23)."
    )
    p_poor_quality: Probability = Field(
        default=0.1, description="Share of drafts the GO returns for quality at vetting (A63)."
    )
    p_poor_after_revision: Probability = 0.2
    p_redundant: Probability = Field(
        default=0.0, description="Share with no new content; the GO returns them (A63)."
    )
    p_dept_scope: Probability = Field(
        default=0.0,
        description="Share that are department matters; the department issues them itself "
        "(A59 「不得申请以市政府或市政府办公室名义发文」).",
    )
    drafting: Distribution = Field(
        default=dist(dist="lognormal", mean_days=3.0, cv=0.6),
        description="Department's working time to draft. ASSUMPTION.",
    )
    vetting: Distribution = Field(
        default=dist(dist="lognormal", mean_hours=2.0, cv=0.6),
        description="GO working time to vet a draft (审理, A59). ASSUMPTION.",
    )
    revise: Distribution = Field(
        default=dist(dist="lognormal", mean_days=2.0, cv=0.5),
        description="Department's working time to revise a returned draft. ASSUMPTION.",
    )
    p_mayor_authorises: Probability = Field(
        default=0.5,
        description="Share of A61(6) documents the mayor authorises the leader in charge to "
        "sign instead of signing (ASSUMPTION).",
    )
    max_resubmissions: int = Field(default=3, ge=0, le=20)

    @field_validator("topics")
    @classmethod
    def _some_topic(cls, weights: dict[str, float]) -> dict[str, float]:
        if sum(weights.values()) <= 0:
            raise ValueError("the topic weights must not all be zero")
        return weights


class Legality(Strict):
    """``[legality]``: the justice bureau's legality review, normative documents and contracts
    (A20, A21, A60; RULES §3.8, §4.7, §4.9; K29). Default: none arrive."""

    justice_bureau: Identifier | None = Field(
        default=None, description="Department id of the justice bureau (市司法局, A20, A21)."
    )
    reviewers: int = Field(default=2, ge=1, le=100, description="Legality reviewers (K29).")
    review: Distribution = Field(
        default=dist(dist="lognormal", mean_days=5.0, cv=0.5),
        description="Working time of one legality review (K29). ASSUMPTION.",
    )
    p_pass: Probability = Field(default=0.85, description="Share of reviews passed (K29).")
    revise: Distribution = Field(
        default=dist(dist="lognormal", mean_days=5.0, cv=0.5),
        description="Working time to revise after a failed review (ASSUMPTION).",
    )
    max_resubmissions: int = Field(default=3, ge=0, le=20)
    normative_per_week: Rate = Field(
        default=0.0,
        description="Normative documents (规范性文件) started per week citywide, times "
        "load.scale; the drafting department is drawn uniformly (A21).",
    )
    p_gov_rule: Probability = Field(
        default=0.1,
        description="Share of them that are government rules (规章; A20, A61(2)).",
    )
    evaluation: Distribution = Field(
        default=dist(dist="lognormal", mean_days=10.0, cv=0.5),
        description="Working time of evaluation and argumentation (评估论证, A21). ASSUMPTION.",
    )
    comment_period_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Public comment period in calendar days (公开征求意见, A21). ASSUMPTION.",
    )
    decision_day: int = Field(
        default=25,
        ge=1,
        le=28,
        description="Without [meetings]: day of the month on which the government decides; "
        "the next working day if it is not one. With [meetings] the executive meeting decides.",
    )
    contract_per_week: Rate = Field(
        default=0.0,
        description="Contracts in the government's name per week citywide (A60), times load.scale.",
    )
