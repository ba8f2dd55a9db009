"""Pydantic models of a scenario file (TOML): frozen, unknown keys rejected, values range-checked.

Every field's unit and, where one applies, its article are in its description and in
``docs/scenario.md``. Cross-references between sections (portfolios naming departments,
substitutes naming leaders) are checked by :func:`govsim.scenario.checks.cross_check`, which
reports each problem at its own line.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from govsim.core.distributions import Distribution
from govsim.scenario.availability_models import Leave, OtherTime, Substitution
from govsim.scenario.department_models import Desks
from govsim.scenario.design_models import Design, Search
from govsim.scenario.document_models import Countersign, Drafts, Intake, Legality
from govsim.scenario.initial_state_models import InitialState
from govsim.scenario.ledger_models import Ledger
from govsim.scenario.limits import MAX_SEED
from govsim.scenario.meeting_models import Meetings
from govsim.scenario.types import Date, DateTime, Identifier, Pair, Probability, Rate, Strict, dist


class ScenarioMeta(Strict):
    """``[scenario]``: what is simulated and for how long."""

    name: Identifier = Field(description="Short name; results go to results/<name>/.")
    base: str | None = Field(
        default=None,
        description="A scenario file (relative path) this one builds on: its tables are read "
        "first and this file's are merged over them (variants and sweep are not inherited).",
    )
    description: str = ""
    start: Date = Field(description="First simulated day; the clock's minute 0 is its midnight.")
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
    office_hours: list[Annotated[tuple[str, str], Pair]] = Field(
        default=[("08:30", "12:00"), ("13:30", "17:30")],
        min_length=1,
        description="Office blocks of a working day, HH:MM.",
    )
    beyond_data: Literal["error", "estimate"] = "error"
    extra_workdays: list[Date] = Field(default_factory=list)
    extra_holidays: list[Date] = Field(default_factory=list)

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

    at: DateTime
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
    other_time: OtherTime | None = Field(
        default=None,
        description="Leaders' blocks away from the desk while on duty (K28); none when absent.",
    )
    desks: Desks | None = Field(
        default=None,
        description="Each unit's desk: staff and queue discipline (A56, A57, A59, A63); "
        "without it no department job waits.",
    )
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
    design: Design | None = Field(
        default=None, description="A sampled design over knobs (lhs, sobol, morris); no sweep."
    )
    search: Search | None = Field(
        default=None, description="The least setting of a knob that meets a KPI target."
    )
    initial_state: InitialState | None = Field(
        default=None,
        description="A warm start: the cases open at a cut of a log, where they were.",
    )

    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)
    _files: tuple[str, ...] = PrivateAttr(default=())

    @property
    def raw(self) -> dict[str, Any]:
        """The parsed TOML this scenario was validated from (used to apply overrides)."""
        return self._raw

    @property
    def files(self) -> tuple[str, ...]:
        """The file read and each ``scenario.base`` it inherits from, in that order (what a
        run's manifest fingerprints); for a scenario parsed from text, only its bases."""
        return self._files

    @field_validator("sweep")
    @classmethod
    def _sweep_lists(cls, sweep: dict[str, list[Any]]) -> dict[str, list[Any]]:
        for key, values in sweep.items():
            if not values:
                raise ValueError(f"'{key}' has no values")
        return sweep

    @model_validator(mode="after")
    def _design_or_sweep(self) -> Scenario:
        if self.design is not None and self.sweep:
            raise ValueError("sweep must be empty when a [design] places the points")
        return self

    @model_validator(mode="after")
    def _starts_at_cut(self) -> Scenario:
        # A warm start's calendar starts at the cut's date (a day number is checked when the
        # log is read).
        state = self.initial_state
        cut = state.cut if state is not None else None
        if cut is not None and not isinstance(cut, int) and cut.date() != self.scenario.start:
            raise ValueError(
                f"scenario.start must be the cut's date {cut.date()} for a warm start "
                f"(initial_state.cut), not {self.scenario.start}"
            )
        return self
