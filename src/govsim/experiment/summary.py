"""The end-of-run summary: mean ± 95% half-width per KPI and design point, and the paired
difference against the baseline on common random numbers (same replication number)."""

from __future__ import annotations

import math

import pandas as pd

from govsim.scenario.expand import BASELINE
from govsim.stats import paired_differences, summarise

ID_COLUMNS = ("variant", "point", "replication", "seed")

HEADLINE = (
    ("arrived_request", "requests arrived"),
    ("done_request", "requests done"),
    ("open_request", "requests open at horizon"),
    ("arrived_report", "reports arrived"),
    ("done_report", "reports done"),
    ("open_report", "reports open at horizon"),
    ("cycle_request_p50_days", "request cycle p50 (days)"),
    ("cycle_request_p90_days", "request cycle p90 (days)"),
    ("cycle_request_p95_days", "request cycle p95 (days)"),
    ("cycle_report_p50_days", "report cycle p50 (days)"),
    ("cycle_report_p90_days", "report cycle p90 (days)"),
    ("go_return_rate", "GO return rate"),
    ("backlog_go_mean", "GO backlog, mean"),
    ("backlog_go_max", "GO backlog, max"),
    ("backlog_leaders_mean", "leaders' backlog, mean"),
    ("instr_replied_late", "instruction replies late"),
    ("instr_overdue_open", "instruction replies overdue, open"),
    ("instr_breach_rate", "instruction breach rate"),
    ("ledger_registered", "ledger items registered"),
    ("ledger_closed", "ledger items closed"),
    ("ledger_open", "ledger items open at horizon"),
    ("ledger_due_on_time_share", "ledger items due: share closed on time"),
    ("ledger_red_mean", "ledger items red, daily mean"),
    ("ledger_red_dwell_mean_days", "ledger red time per red item (days)"),
    ("ledger_hours_rhythm", "leader hours on ledger pushes and dispatches"),
    ("topic_wait_mean_days", "meeting topic wait, mean (days)"),
    ("topics_deferred_overflow", "topic deferrals: agenda full"),
    ("topics_escalated", "topics sent up to the executive meeting"),
    ("meetings_executive", "executive meetings held"),
    ("quorum_failures", "meetings postponed: no quorum"),
    ("minutes_wait_mean_hours", "minutes wait for signature, mean (hours)"),
    ("leader_meeting_hours", "leader hours in meetings"),
    ("absence_days_vice_mayor", "absence days per vice mayor"),
    ("sub_coverage", "substitution coverage"),
    ("absent_wait_items", "items held by an absent leader"),
    ("absent_wait_hours_mean", "hours held by an absent leader, mean"),
    ("sub_load_hours", "hours worked by substitutes"),
    ("leave_late", "late leave requests"),
)
WIDE_DESIGNS = 4


def metric_columns(kpis: pd.DataFrame) -> list[str]:
    """The KPI columns (everything but the identifiers)."""
    return [c for c in kpis.columns if c not in ID_COLUMNS]


def summary_table(kpis: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Long table: variant, point, metric, n, mean, sd, half_width, low, high, and, for
    non-baseline variants, the paired ``diff`` vs the baseline with its half-width."""
    metrics = metric_columns(kpis)
    table = summarise(kpis, by=["variant", "point"], metrics=metrics, confidence=confidence)
    variants = kpis["variant"].unique()
    if len(variants) > 1 and BASELINE in variants:
        diffs = paired_differences(
            kpis,
            "variant",
            BASELINE,
            pair_on=["replication"],
            metrics=metrics,
            confidence=confidence,
            by=["point"],
        )
        diffs = diffs.rename(columns={"mean_diff": "diff", "half_width": "diff_half_width"})
        table = table.merge(
            diffs[["variant", "point", "metric", "diff", "diff_half_width"]],
            on=["variant", "point", "metric"],
            how="left",
        )
    return table


def _fmt(mean: float, hw: float) -> str:
    if math.isnan(mean):
        return "–"
    digits = 0 if abs(mean) >= 100 else 1 if abs(mean) >= 10 else 2 if abs(mean) >= 1 else 3
    if math.isnan(hw):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {hw:.{digits}f}"


def headline_metrics(summary: pd.DataFrame) -> list[tuple[str, str]]:
    """The headline KPIs, with each leader's mean backlog after the GO's."""
    metrics = list(dict.fromkeys(summary["metric"]))
    per_leader = [
        (m, f"backlog {m[len('backlog_') : -len('_mean')]}, mean")
        for m in metrics
        if m.startswith("backlog_") and m.endswith("_mean") and m not in dict(HEADLINE)
    ]
    at = [m for m, _ in HEADLINE].index("backlog_leaders_mean")
    return [*HEADLINE[:at], *per_leader, *HEADLINE[at:]]


def headline_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The printed table: one row per headline KPI and one column per design point, or — with
    more than four design points — one row per KPI and design point. KPIs that are missing or
    zero everywhere (e.g. substitution without leave) are left out."""
    headline = headline_metrics(summary)
    labels = dict(headline)
    rows = summary.loc[summary["metric"].isin(labels)].copy()
    informative = rows.groupby("metric")["mean"].apply(lambda m: bool((m.fillna(0) != 0).any()))
    rows = rows.loc[rows["metric"].map(informative)]
    rows["design"] = [
        v if not p else f"{v} @ {p}" for v, p in zip(rows["variant"], rows["point"], strict=True)
    ]
    rows["cell"] = [_fmt(m, h) for m, h in zip(rows["mean"], rows["half_width"], strict=True)]
    if "diff" in rows:
        rows["cell"] = [
            c if math.isnan(d) else f"{c} (Δ {d:+.3g} ± {dh:.2g})"
            for c, d, dh in zip(rows["cell"], rows["diff"], rows["diff_half_width"], strict=True)
        ]
    designs = list(dict.fromkeys(rows["design"]))
    if len(designs) > WIDE_DESIGNS:
        order = {m: i for i, (m, _) in enumerate(headline)}
        rows["KPI"] = rows["metric"].map(labels)
        rows = rows.sort_values("metric", key=lambda m: m.map(order), kind="stable")
        long = rows[["KPI", "design", "cell"]].rename(
            columns={"cell": "mean ± 95% CI (Δ vs baseline)"}
        )
        return long.set_index(["KPI", "design"])
    wide = rows.pivot(index="metric", columns="design", values="cell")
    order = [m for m, _ in headline if m in wide.index]
    wide = wide.loc[order, designs]
    wide.index = [labels[m] for m in order]
    wide.index.name = "KPI (mean ± 95% CI)"
    wide.columns.name = None
    return wide
