"""Global sensitivity of any KPI to a design's knobs: Sobol' indices or Morris' effects.

The runner gives each point of a ``[design]`` the same replications on common random numbers;
here each point's KPI is averaged over its replications, in the sampler's order, and SALib
estimates from those means:

* ``sobol`` design — the first-order index S1 (the share of the KPI's variance a knob explains
  alone) and the total-order index ST (alone and through all its interactions), each with a
  bootstrap interval (Saltelli 2002, Saltelli et al. 2010 estimators);
* ``morris`` design — μ* (the mean absolute elementary effect: overall influence) with a
  bootstrap interval, and σ (their spread: non-linearity or interactions).

Knobs are measured on their unit range (a knob's low-to-high span is 1), so μ* is the change of
the KPI over a knob's whole range. The table is long: one row per variant, KPI, knob and
index, with ``value``, ``low`` and ``high`` (the interval; σ has none).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from govsim.scenario.design_models import Design
from govsim.scenario.sampling import design_labels, unit_problem, unit_sample

CONFIDENCE = 0.95
RESAMPLES = 1000
COLUMNS = ["variant", "kpi", "knob", "index", "value", "low", "high"]


class SensitivityError(ValueError):
    """A results table or design that cannot give indices (one line, for the CLI)."""


def _sobol(design: Design, y: np.ndarray, seed: int) -> dict[str, tuple[np.ndarray, ...]]:
    from SALib.analyze import sobol

    res = sobol.analyze(
        unit_problem(list(design.knobs)),
        y,
        calc_second_order=False,
        num_resamples=RESAMPLES,
        conf_level=CONFIDENCE,
        seed=seed,
    )
    return {"S1": (res["S1"], res["S1_conf"]), "ST": (res["ST"], res["ST_conf"])}


def _morris(design: Design, y: np.ndarray, seed: int) -> dict[str, tuple[np.ndarray, ...]]:
    from SALib.analyze import morris

    res = morris.analyze(
        unit_problem(list(design.knobs)),
        unit_sample(design),
        y,
        num_resamples=RESAMPLES,
        conf_level=CONFIDENCE,
        num_levels=design.levels,
        seed=seed,
    )
    sigma = np.asarray(res["sigma"], dtype=float)
    return {
        "mu_star": (np.asarray(res["mu_star"]), np.asarray(res["mu_star_conf"])),
        "sigma": (sigma, np.full_like(sigma, np.nan)),
    }


#: Design kind → estimator of ``{index: (values, half-widths)}`` from the point means.
ANALYSERS: dict[str, Callable[[Design, np.ndarray, int], dict[str, tuple[np.ndarray, ...]]]] = {
    "sobol": _sobol,
    "morris": _morris,
}


def point_means(kpis: pd.DataFrame, design: Design, variant: str, kpi: str) -> np.ndarray:
    """The mean of ``kpi`` over the replications of each design point of ``variant``, in the
    sampler's order; raises :class:`SensitivityError` if a point is missing or undefined."""
    labels = design_labels(design)
    rows = kpis.loc[kpis["variant"] == variant]
    means = rows.groupby("point", sort=False)[kpi].mean().reindex(labels)
    bad = int(means.isna().sum())
    if bad:
        raise SensitivityError(
            f"{kpi}: undefined or missing at {bad} of {len(labels)} design points of '{variant}'"
        )
    return means.to_numpy(dtype=float)


def indices(
    kpis: pd.DataFrame, design: Design, metrics: Sequence[str], seed: int = 0
) -> pd.DataFrame:
    """The sensitivity indices of each KPI in ``metrics`` for every variant (long table)."""
    if design.kind not in ANALYSERS:
        raise SensitivityError(
            f"a '{design.kind}' design gives no sensitivity indices: use sobol or morris"
        )
    missing = [m for m in metrics if m not in kpis.columns]
    if missing:
        raise SensitivityError(f"unknown KPI(s): {', '.join(missing)}")
    rows: list[pd.DataFrame] = []
    knobs = list(design.knobs)
    for variant in kpis["variant"].drop_duplicates():
        for kpi in metrics:
            y = point_means(kpis, design, variant, kpi)
            for name, (value, half) in ANALYSERS[design.kind](design, y, seed).items():
                value, half = np.asarray(value, float), np.asarray(half, float)
                rows.append(
                    pd.DataFrame(
                        {
                            "variant": variant,
                            "kpi": kpi,
                            "knob": knobs,
                            "index": name,
                            "value": value,
                            "low": value - half,
                            "high": value + half,
                        }
                    )
                )
    return pd.concat(rows, ignore_index=True)[COLUMNS]


def varying_kpis(kpis: pd.DataFrame, id_columns: Sequence[str]) -> list[str]:
    """The numeric KPI columns that are defined everywhere and not constant (default KPIs)."""
    out = []
    for col in kpis.columns:
        if col in id_columns or not pd.api.types.is_numeric_dtype(kpis[col]):
            continue
        values = kpis[col]
        if values.notna().all() and values.nunique() > 1:
            out.append(col)
    return out


def index_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per variant, KPI and knob; a column per index ``value [low, high]``."""

    def cell(row: pd.Series) -> str:
        if np.isnan(row["low"]):
            return f"{row['value']:.3g}"
        return f"{row['value']:.3f} [{row['low']:.3f}, {row['high']:.3f}]"

    shown = frame.assign(cell=frame.apply(cell, axis=1))
    table = shown.pivot_table(
        index=["variant", "kpi", "knob"],
        columns="index",
        values="cell",
        aggfunc="first",
        sort=False,
    )
    table.columns.name = None
    return table
