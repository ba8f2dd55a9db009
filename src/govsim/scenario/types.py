"""The pydantic building blocks every section of a scenario file shares.

One place for them, so the section modules (``models``, ``availability_models``,
``ledger_models``, ``meeting_models``) import downward from here and never from each other:
the same strictness (unknown keys are errors, models are immutable) and the same range checks
hold in every table of the file.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from govsim.core.distributions import Distribution
from govsim.scenario.limits import MAX_RATE_PER_WEEK

__all__ = ["Date", "DateTime", "Identifier", "Pair", "Probability", "Rate", "Strict", "dist"]

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", max_length=64)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Field(ge=0.0, le=MAX_RATE_PER_WEEK, allow_inf_nan=False)]
"""A rate per week or a multiplier of one: bounded far beyond any office, so that the
arrival process stays simulable (the scenario's total is checked too)."""


def _as_tuple(value: Any) -> Any:
    """A TOML array (a list) read where a fixed-length tuple is declared."""
    return tuple(value) if isinstance(value, list) else value


Pair = BeforeValidator(_as_tuple)
"""Put on a ``tuple[...]`` field: TOML has arrays, not tuples; the items stay strict."""


def _from_iso(kind: type[dt.date]) -> BeforeValidator:
    """An ISO-8601 string read as a ``kind`` (as the Python API and tests write dates); any
    other type is left to the strict check (an integer is not a date)."""

    def parse(value: Any) -> Any:
        return kind.fromisoformat(value) if isinstance(value, str) else value

    return BeforeValidator(parse)


Date = Annotated[dt.date, _from_iso(dt.date)]
"""A TOML date, or an ISO-8601 date string ``"2025-01-01"``."""
DateTime = Annotated[dt.datetime, _from_iso(dt.datetime)]
"""A TOML local date-time, or an ISO-8601 string ``"2025-01-01T09:00:00"``."""


class Strict(BaseModel):
    """Base: unknown keys are errors, models are immutable, and types are strict — a boolean
    or a string is not silently read as a number (``reviewers = true`` is a mistake, not 1);
    an integer is still accepted where a float is expected. Every section model inherits it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def dist(**spec: Any) -> Distribution:
    """A default distribution, written like a scenario table: ``dist(dist="fixed", ...)``."""
    return Distribution.model_validate(spec)
