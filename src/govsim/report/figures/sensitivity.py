"""The report's figures of a sampled design: the knobs' sensitivity indices, once
``govsim analyse --sensitivity`` has written ``sensitivity.parquet`` into the results folder."""

from __future__ import annotations

from types import ModuleType

import pandas as pd

from govsim.report.registry import ReportFigure, report_figure
from govsim.report.results import Results


@report_figure("sensitivity", order=95, per_point=False)
def _sensitivity_figures(results: Results, plots: ModuleType) -> list[ReportFigure]:
    """Sobol' or Morris bars with intervals, one figure per variant and KPI analysed."""
    path = results.path / "sensitivity.parquet"
    if not path.is_file():
        return []
    from govsim.plots.sensitivity import default_kpis, figure_name

    frame = pd.read_parquet(path)
    return [
        ReportFigure(
            figure_name(kpi, variant),
            f"What drives {plots.metric_label(kpi)} ({variant})",
            "Sobol' indices (S1: the knob alone; ST: with its interactions) or Morris effects "
            "(μ*, σ) of the design's knobs, with 95% bootstrap intervals.",
            lambda kpi=kpi, variant=variant: plots.sensitivity_bars(frame, kpi, variant),
        )
        for variant in frame["variant"].drop_duplicates()
        for kpi in default_kpis(frame)
    ]
