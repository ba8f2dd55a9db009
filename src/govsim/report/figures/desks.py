"""The report's figure of the units' desks: the units whose deadlines are breached most,
against the design points (a load sweep), when the run had ``[desks]`` (A57, A59, A70)."""

from __future__ import annotations

from types import ModuleType

from govsim.report.registry import ReportFigure, report_figure
from govsim.report.results import Results


@report_figure("desk_breaches", order=55)
def _desk_figures(results: Results, plots: ModuleType) -> list[ReportFigure]:
    """The units that breach most, against the design points (the load sweep), with desks."""
    desks = results.desks
    if desks is None or desks.empty:
        return []
    return [
        ReportFigure(
            "desk_breaches.png",
            "Breaches by unit against load",
            "The units whose deadlines are breached most (countersign answers deemed given, "
            "A59; instruction replies overdue, A57; ledger items overdue, A70), per "
            "replication, across the baseline's design points: mean with its 95% t-interval.",
            lambda: plots.breaches_by_unit(desks),
        )
    ]
