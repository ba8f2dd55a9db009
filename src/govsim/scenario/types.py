"""The pydantic building blocks every section of a scenario file shares.

One place for them, so the section modules (``models``, ``availability_models``,
``ledger_models``, ``meeting_models``) import downward from here and never from each other:
the same strictness (unknown keys are errors, models are immutable) and the same range checks
hold in every table of the file.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from govsim.core.distributions import Distribution

__all__ = ["Identifier", "Probability", "Rate", "Strict", "dist"]

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", max_length=64)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]


class Strict(BaseModel):
    """Base: unknown keys are errors, models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def dist(**spec: Any) -> Distribution:
    """A default distribution, written like a scenario table: ``dist(dist="fixed", ...)``."""
    return Distribution.model_validate(spec)
