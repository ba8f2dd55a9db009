"""Scenario models of leaders' and department heads' availability (A6, A8, A51, A80).

``[leave]`` describes absences; ``[substitution]`` the 补位 policy that decides who handles
work arriving for an absent leader. Both are optional: without ``[leave]`` nobody is ever
absent and results are the same as before.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from govsim.core.distributions import Distribution
from govsim.scenario.types import Date, DateTime, Identifier, Probability, Rate, Strict

AbsenceReason = Literal["out_of_city", "visit", "vacation", "study", "family_visit", "medical"]
"""A80's list 「出差（出访）、学习、离岗休假、探亲、就医」 with 出差 read as out of the city
(出市, A8); every reason makes the person unavailable (RULES §6.4)."""

PersonRole = Literal[
    "mayor", "executive_vice_mayor", "vice_mayor", "secretary_general", "department_head"
]

SUBSTITUTION_TRIGGERS: tuple[AbsenceReason, ...] = ("out_of_city", "visit", "vacation")
"""A8 「副市长出市（出访）、休假期间」 and A6 「市长因公出市（出访）、休假期间」 (K58 default)."""


class AbsenceProfile(Strict):
    """Random absences of everyone holding one role (K24)."""

    per_year: Rate = Field(description="Absences per person per year (Poisson).")
    duration: Distribution = Field(
        description="Length in working days; rounded up to whole working days (at least 1)."
    )
    reasons: dict[AbsenceReason, Rate] = Field(
        min_length=1, description="Relative weights of the A80 reasons."
    )
    notice: Distribution = Field(
        default=Distribution(dist="uniform", unit="days", low=3.0, high=10.0),
        description="Calendar days between the leave request (or report) and the start.",
    )
    p_late_request: Probability = Field(
        default=0.0,
        description="Share of department heads' requests filed less than 3 days ahead (A80).",
    )
    holiday_affinity: Probability = Field(
        default=0.0,
        description="Share of absences that start on the first working day after a holiday.",
    )
    p_recall: Probability = Field(
        default=0.0, description="Share of absences broken off by an emergency recall (A80)."
    )
    return_latency: Distribution = Field(
        default=Distribution(dist="lognormal", unit="hours", mean=4.0, cv=0.5),
        description="Clock time from recall to back on post (「第一时间」, K25).",
    )


class FixedAbsence(Strict):
    """``[[leave.fixed]]``: a known absence (a study course, a delegation visit)."""

    who: Identifier = Field(description="A leader id, or a department id for its head.")
    start: Date
    end: Date = Field(description="Last day away (inclusive).")
    reason: AbsenceReason
    recall_at: DateTime | None = Field(default=None, description="Emergency recall time.")

    @model_validator(mode="after")
    def _ordered(self) -> FixedAbsence:
        if self.end < self.start:
            raise ValueError("end is before start")
        if self.recall_at is not None and not (self.start <= self.recall_at.date() <= self.end):
            raise ValueError("recall_at must fall inside the absence")
        return self


class Leave(Strict):
    """``[leave]``: absences by role and fixed dated absences (A6, A8, A80)."""

    profiles: dict[PersonRole, AbsenceProfile] = Field(default_factory=dict)
    fixed: list[FixedAbsence] = Field(default_factory=list)
    head_lead_days: int = Field(
        default=3, ge=0, description="「须按规定提前3天履行请假报批手续」 (A80), calendar days."
    )
    return_latency: Distribution = Field(
        default=Distribution(dist="lognormal", unit="hours", mean=4.0, cv=0.5),
        description="Return latency after the recall of a fixed absence.",
    )


class SubstitutionScope(Strict):
    """``[substitution.scope]``: which kinds of act the substitute takes over while a leader is
    away (K59, AMB-55). A8 「代为处理有关工作」 and A6 「主持市政府全面工作」 name no limit, so
    every kind defaults to handed over; acts the text reserves to named roles (A61(2)–(4),
    A52 minutes) wait whatever this says."""

    documents: bool = Field(
        default=True, description="Reading reports and approving requests (A57)."
    )
    signing: bool = Field(
        default=True, description="Co-review and signatures under A61(1), (5), (8) (A59)."
    )
    dekad_push: bool = Field(
        default=True, description="The vice mayor's 旬推进 of the portfolio's ledger (A70)."
    )
    monthly_dispatch: bool = Field(
        default=True,
        description="The mayor's 月调度, by the executive vice mayor (A6, A70; AMB-09).",
    )
    topics: bool = Field(
        default=True,
        description="Topic confirmation and agreement (A48) and sign-off (A49).",
    )
    convening: bool = Field(
        default=True,
        description="Deciding to convene and chairing in the absent convener's stead (A6, "
        "A45, A47), and approving leave for the absent mayor (A51, A80).",
    )


ACT_KINDS: tuple[str, ...] = tuple(SubstitutionScope.model_fields)
"""The kinds of act 补位 may hand over (K59), one knob each."""


class Substitution(Strict):
    """``[substitution]``: who handles work arriving for an absent leader (补位, A6, A8)."""

    policy: Literal["none", "designated", "chain", "least_loaded"] = Field(
        default="designated",
        description="none: work waits; designated: the leader's 补位 substitute (A8); chain: "
        "first available of an ordered list; least_loaded: the available vice mayor with the "
        "shortest inbox (beyond the text, for comparison).",
    )
    fallback: Literal["wait", "executive_vice_mayor", "mayor"] = Field(
        default="wait", description="designated: when the substitute is away too (AMB-08)."
    )
    chains: dict[Identifier, list[Identifier]] = Field(
        default_factory=dict, description="chain: ordered candidates per leader."
    )
    triggers: list[AbsenceReason] | Literal["any"] = Field(
        default=list(SUBSTITUTION_TRIGGERS),
        description="Absence reasons that activate substitution (A6, A8; AMB-07, K58).",
    )
    move_queued: bool = Field(
        default=False,
        description="Items already waiting when the absence starts move to the substitute too.",
    )
    substitute_may_approve: bool = Field(
        default=True,
        description="False: a substitute only reads reports; requests wait (scope, AMB-55).",
    )
    scope: SubstitutionScope = Field(
        default_factory=SubstitutionScope,
        description="Kinds of act handed over while a leader is away (K59, AMB-55).",
    )
    hand_back: bool = Field(
        default=True,
        description="A8 「期间」: when the owner is back, items the substitute has not started "
        "go back to the owner; false: the substitute keeps them.",
    )
    remote_acts: Literal["none", "all"] = Field(
        default="none",
        description="K61 (AMB-46): none: an absent person does not act; all: a reachable "
        "absent leader may decide, sign and convene from afar (A80).",
    )


EngagementKind = Literal["research", "reception", "external_meeting", "event"]
"""Leaders' time away from the desk other than absences (K28; A41 petitions and visitors,
A89 research, A90 events): 调研, 接待来访, 外部会议, 活动."""

LeaderRole = Literal["mayor", "executive_vice_mayor", "vice_mayor", "secretary_general"]


class EngagementRate(Strict):
    """One kind of block: how often and how long (K28)."""

    per_week: Rate = Field(description="Blocks per leader per five working days (Poisson).")
    duration: Distribution = Field(
        description="Office time the block takes, within one working day (capped at it)."
    )


class LeaderEngagement(Strict):
    """``[[other_time.leaders]]``: one leader's blocks of one kind, in place of the role's."""

    who: Identifier = Field(description="A leader id.")
    kind: EngagementKind
    per_week: Rate = Field(description="Blocks per five working days (Poisson).")
    duration: Distribution = Field(description="Office time the block takes (one day at most).")


class FixedEngagement(Strict):
    """``[[other_time.fixed]]``: a known block (a reception on a given morning)."""

    who: Identifier = Field(description="A leader id.")
    start: DateTime
    end: DateTime
    kind: EngagementKind

    @model_validator(mode="after")
    def _ordered(self) -> FixedEngagement:
        if self.end <= self.start:
            raise ValueError("end is not after start")
        return self


class OtherTime(Strict):
    """``[other_time]``: leaders' blocks away from the desk while on duty (K28; A41, A89,
    A90). A block takes office time as an absence does — no document work meanwhile — but
    the leader is on post: no 补位, and acts outside documents (recalls, approvals of leave,
    meetings) are not held up."""

    roles: dict[LeaderRole, dict[EngagementKind, EngagementRate]] = Field(
        default_factory=dict, description="Blocks per kind for every leader of a role."
    )
    leaders: list[LeaderEngagement] = Field(
        default_factory=list,
        description="Per-leader overrides: a kind given here replaces the role's.",
    )
    fixed: list[FixedEngagement] = Field(default_factory=list)
