"""``[design]`` and ``[search]``: sampled experiment designs and the target search.

Besides the factorial ``[sweep]``, a scenario may name *knobs* — dotted paths into the file,
like a sweep's keys — with bounds, and let a sampler place the design points:

* ``lhs``: a Latin hypercube of ``samples`` points (space filling, for exploration);
* ``sobol``: Saltelli's extension of a Sobol' sequence, ``samples × (knobs + 2)`` points,
  from which first- and total-order Sobol' indices are estimated;
* ``morris``: ``samples`` one-at-a-time trajectories on a grid of ``levels`` levels,
  ``samples × (knobs + 1)`` points, for Morris' elementary effects (μ*, σ).

A knob is ``continuous`` (any value in [low, high]), ``integer`` (each whole number in
[low, high] equally likely) or ``categorical`` (one of ``values``, equally likely).

``[search]`` names one integer knob to minimise and a KPI that must stay at or below a
threshold with a stated confidence (see :mod:`govsim.experiment.search`).
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, model_validator

from govsim.scenario.limits import MAX_SEED
from govsim.scenario.types import Strict

DesignKind = Literal["lhs", "sobol", "morris"]
KnobType = Literal["continuous", "integer", "categorical"]
Number = int | float
INSIDE = 0.5**0.5  # an irrational share of a range: its value there is not a whole number


class Knob(Strict):
    """``[design.knobs]``: one uncertain input, by dotted path, with its range or values."""

    type: KnobType = Field(default="continuous", description="continuous, integer, categorical.")
    low: Number | None = Field(default=None, description="Lowest value (numeric knobs).")
    high: Number | None = Field(default=None, description="Highest value (numeric knobs).")
    values: list[Any] | None = Field(
        default=None, description="The choices of a categorical knob, equally likely."
    )

    @model_validator(mode="after")
    def _shape(self) -> Knob:
        if self.type == "categorical":
            for key in ("low", "high"):
                if getattr(self, key) is not None:
                    raise ValueError(
                        f"{key} must not be given for a categorical knob: list its values"
                    )
            if self.values is None or len(self.values) < 2:
                raise ValueError("values must list at least two choices")
            return self
        if self.values is not None:
            raise ValueError(f"values must not be given for a {self.type} knob: give low, high")
        if self.low is None or self.high is None:
            raise ValueError(f"low and high are required for a {self.type} knob")
        if not all(math.isfinite(float(x)) for x in (self.low, self.high)):
            raise ValueError("low and high must be finite numbers")
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.type == "integer" and not all(float(x).is_integer() for x in (self.low, self.high)):
            raise ValueError("low and high must be whole numbers for an integer knob")
        return self

    def corners(self) -> list[Any]:
        """The values to validate before running: the extremes (every value of a categorical
        knob) and, for a continuous knob, a fractional value inside the range — so a
        continuous knob on a whole-number field is caught when the file is loaded."""
        if self.type == "categorical":
            return list(self.values or [])
        if self.type == "integer":
            return [int(self.low or 0), int(self.high or 0)]
        low, high = float(self.low or 0), float(self.high or 0)
        return [low, high, low + (high - low) * INSIDE]


class Design(Strict):
    """``[design]``: a sampled design over named knobs (instead of a ``[sweep]``)."""

    kind: DesignKind = Field(description="lhs, sobol (Saltelli) or morris.")
    samples: int = Field(
        ge=2,
        le=100_000,
        description="lhs: points; sobol: base sample N (a power of 2), N × (knobs + 2) points; "
        "morris: trajectories, each of knobs + 1 points.",
    )
    levels: int = Field(default=4, ge=2, le=100, description="Morris grid levels (even).")
    seed: int = Field(default=1, ge=0, le=MAX_SEED, description="Seed of the sampler.")
    knobs: dict[str, Knob] = Field(min_length=1, description="Dotted path → range or values.")

    @model_validator(mode="after")
    def _sizes(self) -> Design:
        if self.kind == "sobol" and self.samples & (self.samples - 1):
            raise ValueError(
                f"samples must be a power of 2 for a Sobol' design, not {self.samples}"
            )
        return self


class Search(Strict):
    """``[search]``: the least setting of an integer knob that keeps a KPI under a target.

    The KPI is assumed not to increase as the knob grows (more staff, fewer breaches).
    """

    knob: str = Field(description="Dotted path of a whole-number setting, e.g. reviewers.")
    low: int = Field(ge=0, description="Smallest setting considered.")
    high: int = Field(ge=0, description="Largest setting considered.")
    kpi: str = Field(description="A KPI column of kpis.parquet, e.g. instr_breach_rate.")
    threshold: float = Field(allow_inf_nan=False, description="Target: mean KPI ≤ threshold.")
    confidence: float = Field(
        default=0.95, gt=0.5, lt=1.0, description="Probability that every decision is right."
    )
    set: dict[str, Any] = Field(
        default_factory=dict, description="Overrides held fixed, e.g. load.scale = 1.3."
    )
    initial_replications: int = Field(default=5, ge=2, le=10_000)
    step: int = Field(default=5, ge=1, le=10_000, description="Replications added per look.")
    max_replications: int = Field(default=40, ge=2, le=100_000)

    @model_validator(mode="after")
    def _ranges(self) -> Search:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        if self.max_replications < self.initial_replications:
            raise ValueError("max_replications must be at least initial_replications")
        return self
