"""Placing the points of a ``[design]``: a sampler per design kind, then each knob's value.

Every sampler works in the unit hypercube [0, 1)^k (one dimension per knob, in file order);
each knob then maps its coordinate to a value: a continuous knob linearly onto [low, high],
an integer knob onto the ``high − low + 1`` whole numbers with equal probability, a
categorical knob onto its values with equal probability. The samplers come from well-kept
libraries — ``scipy.stats.qmc`` (Latin hypercube) and SALib (Saltelli's Sobol' design,
Morris trajectories) — and take the design's seed, so the same file gives the same points.

The unit matrix is kept with the values: the sensitivity analysis (SALib) reads it back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from govsim.scenario.design_models import Design, Knob

SIGNIFICANT = 6  # continuous values are rounded to this many digits (exact labels, no noise)


def unit_problem(names: list[str]) -> dict[str, Any]:
    """SALib's problem over the unit hypercube, one variable per knob."""
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def _lhs(design: Design) -> np.ndarray:
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=len(design.knobs), seed=design.seed).random(design.samples)


def _sobol(design: Design) -> np.ndarray:
    from SALib.sample import sobol

    problem = unit_problem(list(design.knobs))
    return sobol.sample(problem, design.samples, calc_second_order=False, seed=design.seed)


def _morris(design: Design) -> np.ndarray:
    from SALib.sample import morris

    problem = unit_problem(list(design.knobs))
    return morris.sample(problem, design.samples, num_levels=design.levels, seed=design.seed)


#: Design kind → sampler of the unit matrix (rows: points, columns: knobs in file order).
SAMPLERS: dict[str, Callable[[Design], np.ndarray]] = {
    "lhs": _lhs,
    "sobol": _sobol,
    "morris": _morris,
}


def knob_value(knob: Knob, u: float) -> Any:
    """The value of ``knob`` at unit coordinate ``u`` in [0, 1]."""
    if knob.type == "categorical":
        values = knob.values or []
        return values[min(len(values) - 1, int(u * len(values)))]
    low, high = float(knob.low or 0), float(knob.high or 0)
    if knob.type == "integer":
        return int(min(high, low + np.floor(u * (high - low + 1))))
    rounded = float(f"{low + u * (high - low):.{SIGNIFICANT}g}")
    return min(high, max(low, rounded))  # rounding must not step past a bound


def unit_sample(design: Design) -> np.ndarray:
    """The design's points in the unit hypercube, in the sampler's order."""
    return np.asarray(SAMPLERS[design.kind](design), dtype=float)


def design_values(design: Design) -> list[dict[str, Any]]:
    """Each design point as ``{dotted path: value}``, in the sampler's order."""
    knobs = list(design.knobs.items())
    return [
        {path: knob_value(knob, float(u)) for (path, knob), u in zip(knobs, row, strict=True)}
        for row in unit_sample(design)
    ]


def sample_label(index: int, values: dict[str, Any]) -> str:
    """``#0007 load.scale=1.2,general_office.reviewers=5``: the sample number keeps labels
    unique when two samples fall on the same values (integer and categorical knobs)."""
    return f"#{index:04d} " + ",".join(f"{k}={v}" for k, v in values.items())


def design_labels(design: Design) -> list[str]:
    """The point labels of the design, in the sampler's order (as in ``kpis.parquet``)."""
    return [sample_label(i, values) for i, values in enumerate(design_values(design))]
