"""``[ledger]``: the supervision ledger (督查工作台帐) of A53, A57, A69–A74 (RULES §7).

Items come from four sources — leader instructions put under supervision (A57, A69(六)),
the key tasks of the year (A70), audit findings (A69(五)) and meeting decisions (A53, through
a hook the meetings module calls) — and go 立项 → 交办 → 承办 → 反馈 → 核查 → 销号 (A73).
Departments work on them at their desks (``[desks]``: sittings of one staff member, the
ledger's keeper) or, without desks, with a share of their office time; the weekly stocktake
colours them
蓝黄红; the vice mayors' dekad push and the mayor's monthly dispatch speed up the yellow and
red ones (A70). Without a ``[ledger]`` section (or with ``enabled = false``) nothing of this
exists and a run is exactly what it was before.

Every field documents its unit and its article or knob (K62–K68, AMB-14/15/16/50); the same
text is in ``docs/scenario.md``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from govsim.core.distributions import Distribution
from govsim.scenario.types import Date, Probability, Rate, Strict, dist

MAX_DEADLINE_WORKING_DAYS = 250  # a sampled deadline is capped here (one working year)


class _Source(Strict):
    """What every source of ledger items has: a deadline and an amount of work (K65)."""

    deadline: Distribution
    work: Distribution

    @field_validator("deadline")
    @classmethod
    def _deadline_in_days(cls, d: Distribution) -> Distribution:
        if d.unit != "days":
            raise ValueError("a ledger deadline is counted in working days: use the _days unit")
        return d


class InstructionItems(_Source):
    """``[ledger.instructions]``: 批示 put under supervision (A57, A69(六); RULES §4.6 row 8)."""

    p_supervise: Probability = Field(
        default=0.1,
        description="Share of leader instructions registered on the ledger when issued.",
    )
    deadline: Distribution = Field(
        default=dist(dist="triangular", low_days=10, mode_days=20, high_days=40),
        description="Working days from 立项 to the item's deadline (AMB-50, K65).",
    )
    work: Distribution = Field(
        default=dist(dist="lognormal", mean_days=3, cv=0.5),
        description="Department work the item needs, working time (at the full office day).",
    )


class KeyTaskItems(_Source):
    """``[ledger.key_tasks]``: the key tasks of the year (A70 「重点工作，全部纳入…工作台帐」)."""

    batch_dates: list[Date] = Field(
        default_factory=list,
        description="Dates on which a batch of key tasks is registered (e.g. in January).",
    )
    batch_size: int = Field(default=0, ge=0, le=10_000, description="Key tasks per batch.")
    per_week: Rate = Field(
        default=0.0, description="Further key tasks per week, city-wide (Poisson, working time)."
    )
    deadline: Distribution = Field(
        default=dist(dist="triangular", low_days=120, mode_days=200, high_days=240),
        description="Working days from 立项 to the deadline (AMB-50, K65).",
    )
    work: Distribution = Field(
        default=dist(dist="lognormal", mean_days=15, cv=0.5),
        description="Department work a key task needs, working time.",
    )


class AuditItems(_Source):
    """``[ledger.audit]``: audit findings to rectify (A38, A69(五) 「审计发现问题的整改情况」)."""

    per_week: Rate = Field(
        default=0.0, description="Audit findings per week, city-wide (Poisson, working time)."
    )
    deadline: Distribution = Field(
        default=dist(dist="triangular", low_days=30, mode_days=60, high_days=90),
        description="Working days from 立项 to the deadline (AMB-50, K65).",
    )
    work: Distribution = Field(
        default=dist(dist="lognormal", mean_days=8, cv=0.5),
        description="Department work a rectification needs, working time.",
    )


class MeetingItems(_Source):
    """``[ledger.meetings]``: meeting decisions to implement (A53 「由市政府办公室负责督办」).

    Registered by the meetings module through :func:`govsim.model.ledger.register_meeting_decision`.
    """

    deadline: Distribution = Field(
        default=dist(dist="triangular", low_days=20, mode_days=40, high_days=60),
        description="Working days from 立项 to the deadline (AMB-50, K65).",
    )
    work: Distribution = Field(
        default=dist(dist="lognormal", mean_days=5, cv=0.5),
        description="Department work a decision needs, working time.",
    )


class ColourRule(Strict):
    """``[ledger.colour]``: the 蓝黄红 rule (A70; RULES §7.4; K62; AMB-14)."""

    behind_yellow: float = Field(
        default=0.10, ge=0.0, le=1.0, description="δ: yellow when progress < expected − δ."
    )
    behind_red: float = Field(
        default=0.25, ge=0.0, le=1.0, description="Δ: red when progress < expected − Δ."
    )
    warn_working_days: int = Field(
        default=5,
        ge=0,
        le=250,
        description="w: yellow when not done and the deadline is ≤ w working days away.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> ColourRule:
        if self.behind_red < self.behind_yellow:
            raise ValueError("behind_red must be at least behind_yellow (Δ ≥ δ)")
        return self


class Rhythm(Strict):
    """``[ledger.rhythm]``: 周盘点, 旬推进, 月调度 and escalation (A70, A74; K63)."""

    dekad_push: Distribution = Field(
        default=dist(dist="lognormal", mean_hours=1.0, cv=0.3),
        description="Office time of one VM's 旬推进 session, before the per-item time.",
    )
    monthly_dispatch: Distribution = Field(
        default=dist(dist="lognormal", mean_hours=2.0, cv=0.3),
        description="Office time of the mayor's 月调度 session, before the per-item time.",
    )
    minutes_per_item: float = Field(
        default=10.0,
        ge=0.0,
        le=480.0,
        description="Leader's office minutes per yellow or red item a session reviews.",
    )
    priority: Literal["urgent", "normal"] = Field(
        default="urgent",
        description="Queue priority of sessions among the leader's documents.",
    )
    dekad_push_factor: float = Field(
        default=0.05, ge=0.0, le=10.0, description="K63: rate increase of pushed yellow/red items."
    )
    monthly_dispatch_factor: float = Field(
        default=0.10, ge=0.0, le=10.0, description="K63: rate increase of dispatched red items."
    )
    admonish_after: int = Field(
        default=2,
        ge=0,
        le=100,
        description="约谈 when an item is red at this many monthly dispatches in a row; 0: never.",
    )
    criticise: bool = Field(default=True, description="通报批评 of items closed very late (A74).")
    criticise_late_working_days: int = Field(
        default=10,
        ge=0,
        le=250,
        description="通报批评 when an item is closed more than this many working days late.",
    )


class Scoring(Strict):
    """``[ledger.scoring]``: year-end points per department (A74 「加减分」; K68)."""

    on_time: float = Field(default=1.0, allow_inf_nan=False, description="Per on-time closure.")
    red_month: float = Field(
        default=-1.0, allow_inf_nan=False, description="Per item-month with a red stocktake."
    )
    criticism: float = Field(default=-3.0, allow_inf_nan=False, description="Per 通报批评.")


class Ledger(Strict):
    """``[ledger]``: the supervision ledger (A53, A57, A69–A74)."""

    enabled: bool = Field(default=True, description="false: the section is ignored.")
    dept_share: float = Field(
        default=0.3,
        gt=0.0,
        le=1.0,
        description="Without [desks]: share of a department's office time spent on its ledger "
        "items. With [desks]: sets the default effort_factor (1 / dept_share).",
    )
    allocation: Literal["pace", "equal"] = Field(
        default="pace",
        description="Without [desks]: how a department splits that time among its items "
        "(ASSUMPTION).",
    )
    effort_factor: float | None = Field(
        default=None,
        gt=0.0,
        le=100.0,
        description="With [desks]: staff minutes at the desk per minute of an item's work; "
        "none: 1 / dept_share, so that an item alone at an idle desk takes as long as it did "
        "with its share of office time (ASSUMPTION).",
    )
    sitting_minutes: float = Field(
        default=240.0,
        gt=0.0,
        le=10_000.0,
        description="With [desks]: the longest desk job of ledger work (a sitting, working "
        "minutes); an item's work is done in sittings, each queued after the last.",
    )
    desk_staff: int = Field(
        default=1,
        ge=1,
        le=10_000,
        description="With [desks]: staff of a desk who work on ledger items at once (the "
        "ledger's keeper, ASSUMPTION), at most the desk's staff.",
    )

    assign: Distribution = Field(
        default=dist(dist="lognormal", mean_minutes=30, cv=0.5),
        description="GO working time to assign one item to its department (交办).",
    )
    accept: Distribution = Field(
        default=dist(dist="exponential", mean_days=1),
        description="Department's working time from 交办 to 承办 (a delay).",
    )
    verify: Distribution = Field(
        default=dist(dist="lognormal", mean_hours=1.5, cv=0.5),
        description="GO working time to verify one completed item (核查).",
    )
    p_verify_fail: Probability = Field(
        default=0.1, description="K64, AMB-16: share of verifications that fail."
    )
    rework_share: float = Field(
        default=0.25,
        ge=0.0,
        le=10.0,
        description="Work to redo after a failed verification, as a share of the item's work.",
    )
    colour: ColourRule = ColourRule()
    rhythm: Rhythm = Rhythm()
    scoring: Scoring = Scoring()
    instructions: InstructionItems = InstructionItems()
    key_tasks: KeyTaskItems = KeyTaskItems()
    audit: AuditItems = AuditItems()
    meetings: MeetingItems = MeetingItems()

    def effort_per_work(self) -> float:
        """Staff minutes at a desk per minute of an item's work (``effort_factor``)."""
        return self.effort_factor if self.effort_factor is not None else 1.0 / self.dept_share
