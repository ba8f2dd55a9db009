"""The ``[initial_state]`` section: a warm start from the backlog an event log shows at a cut.

A run normally starts with empty queues. With ``[initial_state]`` it starts from every case
open at ``cut`` in the log named by ``log`` (a results folder or an events file, relative to
the scenario file), each put back where it was with the history that matters — deadlines set
before the cut (A57 reply limits, A59 countersign limits), the GO's returns so far (A63),
urgency, sender (see ``docs/fit.md``). The run's calendar starts at the cut's date, so
``scenario.start`` must be that date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from govsim.scenario.types import Identifier, Strict


def _cut(value: Any) -> Any:
    """A day number, a date or an ISO date-time (``2025-07-01`` or ``2025-07-01T00:00``)."""
    if isinstance(value, bool):
        raise ValueError("cut is a day number, a date or an ISO date-time, not a boolean")
    if isinstance(value, int):
        if value < 0:
            raise ValueError("cut must be a day number ≥ 0")
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            raise ValueError(f"cut {value!r} is not an ISO date or date-time") from None
    raise ValueError("cut is a day number, a date or an ISO date-time")


class InitialState(Strict):
    """Where a warm-started run takes its backlog from."""

    log: str = Field(
        min_length=1,
        description="The log to read the backlog from: a results folder or an events file "
        "(Parquet or CSV), relative to the scenario file.",
    )
    cut: int | dt.datetime = Field(
        description="When the snapshot is taken: a day number of the log (0 = its first day, "
        "at midnight) or a date or ISO date-time (``2025-07-01T00:00``).",
    )
    scenario: str | None = Field(
        default=None,
        description="The log's own scenario file, relative to this one (needed for an events "
        "file; a results folder names its own in its manifest).",
    )
    variant: Identifier | None = Field(
        default=None, description="The variant of the log to read (default: the first)."
    )
    replication: int | None = Field(
        default=None, ge=0, description="The replication of the log to read (default: the first)."
    )

    @field_validator("cut", mode="before")
    @classmethod
    def _cut_value(cls, value: Any) -> Any:
        return _cut(value)


def resolve_paths(raw: dict[str, Any], source: str) -> None:
    """Make ``initial_state.log`` and ``.scenario`` absolute, relative to the scenario file
    ``source`` (in place), so every design point reads the same files wherever it runs."""
    section = raw.get("initial_state")
    if not isinstance(section, dict) or source == "<scenario>":
        return
    for key in ("log", "scenario"):
        value = section.get(key)
        if isinstance(value, str) and value and not Path(value).is_absolute():
            section[key] = str((Path(source).parent / value).resolve())


def missing_files(state: InitialState | None) -> list[tuple[tuple[str, ...], str]]:
    """One problem per file of ``state`` that does not exist."""
    if state is None:
        return []
    out = []
    for key in ("log", "scenario"):
        value = getattr(state, key)
        if value is not None and not Path(value).exists():
            out.append((("initial_state", key), f"no such file or folder: {value}"))
    return out
