"""The report's built-in figures: backlog over time, cycle times, return and breach rates,
utilisation, meeting waits and hours, and paired differences against the baseline.

Each provider is registered by name at a page position (10–90); see
:mod:`govsim.report.registry` for adding others.
"""

from __future__ import annotations

from types import ModuleType

from govsim.report.registry import ReportFigure, report_figure
from govsim.report.results import Results, _warmup_days
from govsim.rules.meetings import KINDS as MEETING_KINDS
from govsim.scenario.expand import BASELINE


@report_figure("backlog", order=10)
def _backlog_figures(results: Results, plots: ModuleType) -> list[ReportFigure]:
    """The GO's backlog per design point and, when leaders ever hold documents, theirs."""
    backlog = results.backlog
    if backlog is None or backlog.empty:
        return []
    reps = int(results.kpis.groupby(["variant", "point"])["replication"].nunique().min())
    figures = [
        ReportFigure(
            "backlog_go.png",
            "General Office backlog over time",
            "Documents and instructions held by the GO at the end of each day: the median "
            f"over {reps} replications and the 10–90% band, one line per design point.",
            lambda: plots.backlog_by_design(backlog),
        )
    ]
    leaders = backlog["holder"].astype(str) != plots.GO
    if (backlog.loc[leaders, "backlog"] > 0).any():  # an all-zero heatmap says nothing
        figures.append(
            ReportFigure(
                "backlog_leaders.png",
                "Leaders' backlog over time",
                "Documents waiting for each leader at the end of the day, averaged over "
                "each week's days and the replications: one row per leader, one panel per "
                "design point, one colour scale.",
                lambda: plots.backlog_heatmap(backlog),
            )
        )
    return figures


@report_figure("cycle_times", order=20)
def _cycle_time_figures(results: Results, plots: ModuleType) -> list[ReportFigure]:
    """The full distribution from the event log when there is one, else the KPI percentiles."""
    if results.events is None or results.events.empty:
        kpis = results.kpis
        return [
            ReportFigure(
                "cycle_times.png",
                "Cycle-time percentiles",
                "Mean, median (p50), p90 and p95 cycle time per document type (creation to "
                "close, calendar days), each averaged over replications with its 95% "
                "t-interval. Run with --events all for the full distributions.",
                lambda: plots.cycle_time_percentiles(kpis),
            )
        ]
    events, cases = results.events, results.cases
    warmup = _warmup_days(results)
    note = (
        f"documents created in the warm-up ({warmup:g} days) are left out"
        if warmup
        else "no warm-up removed"
        if warmup == 0
        else "warm-up unknown (the scenario file changed or is gone), nothing removed"
    )
    return [
        ReportFigure(
            "cycle_times.png",
            "Cycle-time distribution",
            "Share of closed documents whose cycle (creation to close, calendar days) is at "
            f"most x, from the event log (all the replications it holds, pooled); {note}.",
            lambda: plots.cycle_time_ecdf(events, cases, warmup_days=warmup or 0.0),
        )
    ]


@report_figure("rates_utilisation", order=30)
def _rate_and_utilisation_figures(results: Results, plots: ModuleType) -> list[ReportFigure]:
    """Return and breach rates (A63, A57) and utilisation, when the KPIs hold them."""
    kpis = results.kpis
    figures = []
    if [c for c in kpis.columns if c.endswith("_rate")]:
        figures.append(
            ReportFigure(
                "rates.png",
                "Return and breach rates",
                "Share of GO reviews that returned the document (A63) and share of instruction "
                "replies late or overdue (A57), per design point: mean over replications with "
                "its 95% t-interval.",
                lambda: plots.rates_by_design(kpis),
            )
        )
    if [c for c in kpis.columns if c.startswith("util_")]:
        figures.append(
            ReportFigure(
                "utilisation.png",
                "Utilisation",
                "Busy share of office time: the GO's review staff, and each leader's time on "
                "documents; mean over replications with its 95% t-interval.",
                lambda: plots.utilisation_by_design(kpis),
            )
        )
    return figures


_WAIT_LABELS = {
    "topic_wait_mean_days": "executive and plenary",
    "mayor_office_wait_mean_days": "mayor's office",
    "special_topic_wait_mean_days": "special topic",
}


@report_figure("meetings", order=50)
def _meeting_figures(results: Results, plots: ModuleType) -> list[ReportFigure]:
    """Topic waits to decision (A49) and leader hours in meetings (A44–A47), when measured."""
    kpis = results.kpis
    figures = []
    waits = [m for m in _WAIT_LABELS if m in kpis.columns and kpis[m].notna().any()]
    if waits:
        figures.append(
            ReportFigure(
                "meeting_waits.png",
                "Meeting topic waits",
                "Calendar days from a topic's materials reaching the GO (executive and plenary "
                "topics, A49) or its referral (mayor's office, special topic) to the meeting's "
                "decision, for the topics decided: mean over replications with its 95% "
                "t-interval.",
                lambda: plots.metric_bars(
                    kpis,
                    waits,
                    labels=[_WAIT_LABELS[m] for m in waits],
                    ylabel="days",
                    title="Topic wait to decision, by meeting",
                ),
            )
        )
    hours = [f"leader_meeting_hours_{k}" for k in MEETING_KINDS]
    if all(m in kpis.columns for m in hours):
        figures.append(
            ReportFigure(
                "meeting_hours.png",
                "Leader hours in meetings",
                "Office hours of the members present (a special topic: its chair) times each "
                "meeting's length, by meeting type (A44–A47): mean over replications with its "
                "95% t-interval.",
                lambda: plots.metric_bars(
                    kpis,
                    hours,
                    labels=[k.replace("_", " ") for k in MEETING_KINDS],
                    ylabel="hours",
                    title="Leader hours in meetings, by meeting",
                ),
            )
        )
    return figures


@report_figure("paired_differences", order=90)
def _paired_figures(results: Results, plots: ModuleType) -> list[ReportFigure]:
    """Variants against the baseline on common random numbers, when there are variants."""
    kpis = results.kpis
    if not (kpis["variant"].nunique() > 1 and BASELINE in set(kpis["variant"])):
        return []
    return [
        ReportFigure(
            "paired_differences.png",
            "Paired differences against the baseline",
            "Each variant minus the baseline, replication by replication (common random "
            "numbers), with the 95% paired-t interval; an interval that does not cross "
            "zero is a difference the replications resolve.",
            lambda: plots.paired_forest(kpis),
        )
    ]
