"""``[desks]``: the staff of each unit's desk and how it orders its work (A48, A56, A57, A59,
A63, A70–A74).

Every unit that sends or receives work (departments, counties, dispatched zones) has a desk: a
number of staff who do its government-facing paperwork in office hours — drafting what it
submits, revising a returned submission (A63), answering a countersign request (A59), the
formal reply to an instruction (A57), a meeting topic's research and materials (A48, A49),
contract and normative drafting (A21, A60). A job waits at the desk until a staff member is
free, so a department's deadlines breach when its work outgrows its staff.

The section is optional: without it every unit has as many staff as it ever needs (no job
waits) and results are those of a model where department work is a plain delay. The unit list
keeps its TOML name ``departments`` (an array of tables), so the desks' settings live here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from govsim.core.distributions import Distribution
from govsim.scenario.types import Identifier, Strict

UnitKind = Literal["department", "county", "dispatched_agency"]

Discipline = Literal["fcfs", "urgent_first", "edf"]
"""Queue disciplines of a desk (the strategies of :mod:`govsim.model.desks`)."""

UNLIMITED_STAFF = 100_000
"""Staff of a desk when ``[desks]`` is absent: no job ever waits."""


class StaffByKind(Strict):
    """Default staff per kind of unit (ASSUMPTION of a scenario: no public data gives them)."""

    department: int = Field(default=3, ge=1, le=UNLIMITED_STAFF)
    county: int = Field(default=4, ge=1, le=UNLIMITED_STAFF)
    dispatched_agency: int = Field(default=2, ge=1, le=UNLIMITED_STAFF)


class Desks(Strict):
    """``[desks]``: staff and queue discipline of every unit's desk."""

    staff: StaffByKind = Field(
        default=StaffByKind(), description="Staff of a unit's desk, by kind of unit."
    )
    units: dict[Identifier, int] = Field(
        default_factory=dict,
        description="Per-unit staff overriding the default of its kind (unit id → staff).",
    )
    discipline: Discipline = Field(
        default="urgent_first",
        description="Order in which a desk takes up waiting jobs: fcfs (first come first "
        "served), urgent_first (urgent jobs first, then arrival) or edf (earliest deadline "
        "first, then arrival).",
    )
    submission_drafting: Distribution | None = Field(
        default=None,
        description="Effort of drafting a request or report before the principal head signs "
        "it (A56), working time; none: submissions arrive drafted.",
    )

    def staff_of(self, unit: str, kind: UnitKind) -> int:
        """The staff of ``unit``'s desk: its own number, else its kind's default."""
        own = self.units.get(unit)
        return own if own is not None else int(getattr(self.staff, kind))
