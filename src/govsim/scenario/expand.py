"""Experiment design: the baseline and each ``[[variants]]`` entry, crossed with ``[sweep]``.

A *design point* is one (variant, sweep point) pair with its fully validated scenario.
Replications of every design point share seeds (common random numbers, DESIGN: Randomness).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from govsim.scenario.load import apply_overrides
from govsim.scenario.models import Scenario

BASELINE = "baseline"


@dataclass(frozen=True)
class DesignPoint:
    """One variant at one sweep point."""

    variant: str
    point: str
    overrides: dict[str, Any]
    scenario: Scenario

    @property
    def label(self) -> str:
        """``variant`` or ``variant @ point`` for tables and file names."""
        return self.variant if not self.point else f"{self.variant} @ {self.point}"


def sweep_points(sweep: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """The Cartesian product of the sweep lists, in file order (one empty point if none)."""
    keys = list(sweep)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*sweep.values())]


def point_label(point: dict[str, Any]) -> str:
    """``{"load.scale": 1.3}`` → ``load.scale=1.3``."""
    return ",".join(f"{k}={v}" for k, v in point.items())


def design_or_sweep_points(scenario: Scenario) -> list[tuple[str, dict[str, Any]]]:
    """Each point's label and overrides: the ``[design]``'s samples if there is one, else the
    sweep's Cartesian product."""
    if scenario.design is not None:
        from govsim.scenario.sampling import design_values, sample_label

        return [(sample_label(i, v), v) for i, v in enumerate(design_values(scenario.design))]
    return [(point_label(p), p) for p in sweep_points(scenario.sweep)]


def expand(scenario: Scenario) -> list[DesignPoint]:
    """All design points: baseline first, then variants in file order, each at every point.

    Variant overrides are applied first, sweep values on top. The scenario must come from
    :func:`govsim.scenario.load.parse_scenario`, which has already validated every override.
    """
    variants: list[tuple[str, dict[str, Any]]] = [(BASELINE, {})]
    variants += [(v.name, dict(v.set)) for v in scenario.variants]
    out: list[DesignPoint] = []
    for name, overrides in variants:
        for label, point in design_or_sweep_points(scenario):
            merged = {**overrides, **point}
            if merged:
                raw = apply_overrides(scenario.raw, merged)
                patched = Scenario.model_validate(raw)
                patched._raw = raw
            else:
                patched = scenario
            out.append(DesignPoint(name, label, merged, patched))
    return out
