"""Pydantic models of a scenario file (TOML): frozen, unknown keys rejected, values range-checked.

Every field's unit and, where one applies, its article are in its description and in
``docs/scenario.md``. Cross-references between sections (portfolios naming departments,
substitutes naming leaders) are checked by :func:`govsim.scenario.checks.cross_check`, which
reports each problem at its own line.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from govsim.core.distributions import Distribution
from govsim.scenario.availability_models import Leave, Substitution
from govsim.scenario.ledger_models import Ledger
from govsim.scenario.limits import MAX_SEED
from govsim.scenario.meeting_models import Meetings
from govsim.scenario.types import Identifier, Probability, Rate, Strict, dist


class ScenarioMeta(Strict):
    """``[scenario]``: what is simulated and for how long."""

    name: Identifier = Field(description="Short name; results go to results/<name>/.")
    base: str | None = Field(
        default=None,
        description="A scenario file (relative path) this one builds on: its tables are read "
        "first and this file's are merged over them (variants and sweep are not inherited).",
    )
    description: str = ""
    start: dt.date = Field(description="First simulated day; the clock's minute 0 is its midnight.")
    horizon_days: int = Field(ge=1, le=3660, description="Calendar days simulated.")
    warmup_days: int = Field(
        default=0, ge=0, description="Calendar days excluded from KPIs (documents arriving then)."
    )

    @model_validator(mode="after")
    def _warmup_inside(self) -> ScenarioMeta:
        if self.warmup_days >= self.horizon_days:
            raise ValueError("warmup_days must be smaller than horizon_days")
        return self


class CalendarConfig(Strict):
    """``[calendar]``: the official work calendar (A49, A59 count in working days)."""

    kind: Literal["cn_official", "weekdays", "continuous"] = "cn_official"
    office_hours: list[tuple[str, str]] = Field(
        default=[("08:30", "12:00"), ("13:30", "17:30")],
        min_length=1,
        description="Office blocks of a working day, HH:MM.",
    )
    beyond_data: Literal["error", "estimate"] = "error"
    extra_workdays: list[dt.date] = Field(default_factory=list)
    extra_holidays: list[dt.date] = Field(default_factory=list)

    @field_validator("office_hours")
    @classmethod
    def _blocks_ordered(cls, blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
        prev_end = -1
        for i, (a, b) in enumerate(blocks):
            start, end = _hhmm(a), _hhmm(b)
            if not start < end:
                raise ValueError(f"block {i} ends ({b}) before it starts ({a})")
            if start < prev_end:
                raise ValueError(f"block {i} overlaps the previous block")
            prev_end = end
        return blocks


def _hhmm(text: str) -> int:
    try:
        h, m = text.split(":")
        minutes = int(h) * 60 + int(m)
    except ValueError:
        raise ValueError(f"'{text}' is not a time HH:MM") from None
    if not (0 <= int(m) < 60 and 0 <= minutes <= 1440):
        raise ValueError(f"'{text}' is not a time between 00:00 and 24:00")
    return minutes


LeaderRole = Literal[
    "mayor", "executive_vice_mayor", "vice_mayor", "secretary_general", "deputy_secretary_general"
]


class Leader(Strict):
    """``[[leaders]]``: a member of the government leadership (A6–A9)."""

    id: Identifier
    name: str = ""
    role: LeaderRole
    portfolio: list[Identifier] = Field(
        default_factory=list, description="Departments this leader is in charge of (分管, A8, A57)."
    )
    substitute: Identifier | None = Field(
        default=None, description="The 补位 leader who handles work while this one is away (A8)."
    )


class Department(Strict):
    """``[[departments]]``: a unit that sends documents to the city government (A55, A92)."""

    id: Identifier
    name: str = ""
    kind: Literal["department", "county", "dispatched_agency"] = "department"
    request_per_week: Rate | None = Field(
        default=None,
        description="请示 per week from this unit; default load.request_per_dept_per_week.",
    )
    report_per_week: Rate | None = Field(
        default=None,
        description="报告 per week from this unit; default load.report_per_dept_per_week.",
    )


class GeneralOffice(Strict):
    """``[general_office]``: the GO, single entry point for documents (A55, A57, A63)."""

    reviewers: int = Field(ge=1, le=1000, description="Staff reviewing documents in parallel.")
    review: Distribution = Field(description="Working time to register and review one document.")
    transfer: Distribution = Field(
        description="Working time to transfer one leader instruction to a department (A57)."
    )
    revise: Distribution = Field(
        description="Working time a department needs to revise a returned document (A63)."
    )
    max_resubmissions: int = Field(
        default=3, ge=0, le=20, description="After this many returns a document is withdrawn."
    )
    close_after_review: bool = Field(
        default=False,
        description="Upward documents (请示, 报告) end when they pass the GO's review (A57 "
        "「由市政府办公室审核」): none is routed to a leader, decided, read or instructed on. A "
        "model boundary for studying the GO alone (the M/M/c configuration), not a reading of "
        "the rules. ASSUMPTION.",
    )


class LeaderWork(Strict):
    """``[leader_work]``: how leaders handle documents routed to them (A57, A61)."""

    approve: Distribution = Field(description="Working time to decide a request (批示/审批).")
    read: Distribution = Field(description="Working time to read a report (圈阅).")
    co_review: Distribution = Field(
        default=dist(dist="lognormal", mean_minutes=20, cv=0.7),
        description="Working time of a co-review (审签) by a leader whose portfolio a document "
        "touches (A61(5); upward requests: AMB-43). ASSUMPTION.",
    )
    sign: Distribution = Field(
        default=dist(dist="lognormal", mean_minutes=15, cv=0.7),
        description="Working time to sign an outgoing document (签发, A61). ASSUMPTION.",
    )
    co_review_upward: bool = Field(
        default=True,
        description="A request whose countersigned departments lie in other leaders' "
        "portfolios is co-reviewed by those leaders before the decision (AMB-43).",
    )
    document_share: float = Field(
        default=0.5,
        gt=0.0,
        le=1.0,
        description="Share of a leader's office time spent on documents; divides every effort.",
    )


class Instructions(Strict):
    """``[instructions]``: leader instructions (批示) and the departments' formal replies (A57)."""

    p_request: Probability = Field(description="Share of decided requests that carry a 批示.")
    p_report: Probability = Field(description="Share of read reports that carry a 批示.")
    deadline_working_days: int = Field(
        default=10, ge=1, le=250, description="Reply limit set at transfer (「规定时限」, AMB-13)."
    )
    p_urgent: Probability = Field(
        default=0.2,
        description="Share of documents marked urgent (紧急程度, A56): they go ahead in the "
        "GO's and leaders' queues, and their instructions get the urgent limit.",
    )
    urgent_deadline_working_days: int = Field(default=3, ge=1, le=250)
    reply: Distribution = Field(description="Department's working time to act and reply formally.")
    urgent_reply: Distribution | None = Field(
        default=None, description="Reply time for urgent instructions; default: same as reply."
    )


class ScheduledArrival(Strict):
    """``[[load.scheduled]]``: a document arriving at a fixed time (for hand-worked cases)."""

    at: dt.datetime
    kind: Literal["request", "report"]
    sender: Identifier
    matter: Identifier | None = Field(
        default=None, description="Department whose portfolio the matter falls in; default sender."
    )
    major: bool | None = None
    poor_quality: bool | None = None
    instruction: bool | None = None
    urgent: bool | None = None
    mayor_only: bool = Field(
        default=False, description="A request only the mayor may sign (A61(3)–(4))."
    )


class Load(Strict):
    """``[load]``: Poisson arrivals of documents in working time, plus scheduled ones."""

    scale: Rate = Field(default=1.0, description="Multiplier on every Poisson rate.")
    request_per_dept_per_week: Rate = 0.8
    report_per_dept_per_week: Rate = 1.2
    portfolio_scale: dict[Identifier, Rate] = Field(
        default_factory=dict,
        description="Multiplier on the rates of the departments in a leader's portfolio.",
    )
    seasonality: list[Rate] | None = Field(
        default=None, min_length=12, max_length=12, description="Monthly multipliers, Jan–Dec."
    )
    p_major: Probability = Field(default=0.1, description="Share of requests that are major (A57).")
    p_poor_quality: Probability = Field(
        default=0.08, description="Share of submissions of poor quality, returned by the GO (A63)."
    )
    p_poor_after_revision: Probability = Field(
        default=0.2, description="Share of revised documents still of poor quality."
    )
    p_mayor_only: Probability = Field(
        default=0.0,
        description="Share of requests only the mayor may sign (A61(3) personnel, A61(4) "
        "overseas trips of county and department heads); routed to the mayor.",
    )
    poisson: bool = Field(default=True, description="False: only scheduled arrivals.")
    scheduled: list[ScheduledArrival] = Field(default_factory=list)


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
    lead_limit_working_days: tuple[int, int] = Field(
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


class Experiment(Strict):
    """``[experiment]``: replications and the master seed (see DESIGN, Randomness)."""

    replications: int = Field(default=5, ge=1, le=100_000)
    seed: int = Field(default=20250101, ge=0, le=MAX_SEED)


class Variant(Strict):
    """``[[variants]]``: a named set of overrides of the baseline by dotted path."""

    name: Identifier
    set: dict[str, Any] = Field(min_length=1)


class Scenario(Strict):
    """A whole scenario file."""

    scenario: ScenarioMeta
    calendar: CalendarConfig = CalendarConfig()
    leaders: list[Leader] = Field(min_length=3)
    departments: list[Department] = Field(min_length=1)
    general_office: GeneralOffice
    leader_work: LeaderWork
    instructions: Instructions
    load: Load = Load()
    ledger: Ledger | None = Field(
        default=None, description="The supervision ledger (A53, A57, A69–A74); off when absent."
    )
    leave: Leave | None = None
    meetings: Meetings | None = Field(
        default=None,
        description="The executive meeting and its topics (A45, A48–A53); off when absent.",
    )
    substitution: Substitution = Substitution()
    countersign: Countersign = Countersign()
    intake: Intake = Intake()
    drafts: Drafts = Drafts()
    legality: Legality = Legality()
    experiment: Experiment = Experiment()
    variants: list[Variant] = Field(default_factory=list)
    sweep: dict[str, list[Any]] = Field(default_factory=dict)

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def raw(self) -> dict[str, Any]:
        """The parsed TOML this scenario was validated from (used to apply overrides)."""
        return self._raw

    @field_validator("sweep")
    @classmethod
    def _sweep_lists(cls, sweep: dict[str, list[Any]]) -> dict[str, list[Any]]:
        for key, values in sweep.items():
            if not values:
                raise ValueError(f"'{key}' has no values")
        return sweep
