"""KPIs per design point with the uncertainty of the replications: grouped bars of any
metrics, and paired differences against the baseline on common random numbers."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from govsim.plots.style import (
    CONFIDENCE,
    design_colours,
    design_label,
    designs_of,
    holder_short,
    is_share,
    metric_label,
    metric_unit,
    n_reps,
    new_figure,
    plot_style,
    safe_text,
    set_titles,
    with_design,
)
from govsim.scenario.expand import BASELINE
from govsim.stats import paired_differences, summarise

#: Paired-difference KPIs shown by default (those present in the frame).
FOREST_DEFAULT = (
    "cycle_request_p90_days",
    "cycle_report_p90_days",
    "go_wait_mean_hours",
    "backlog_go_mean",
    "go_return_rate",
    "instr_breach_rate",
    "util_go",
)


def metric_bars(
    kpis: pd.DataFrame,
    metrics: Sequence[str],
    *,
    labels: Sequence[str] | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    confidence: float = CONFIDENCE,
) -> Figure:
    """Grouped bars: one group per metric, one bar per design point, height the mean over
    replications with a ``confidence`` t-interval error bar.

    Works for any KPI columns; rates and utilisations (``*_rate``, ``util_*``) are shown in %.
    Metrics in one figure should share a unit.
    """
    metrics = list(metrics)
    if not metrics:
        raise ValueError("no metrics to plot")
    frame = with_design(kpis)
    missing = [m for m in metrics if m not in frame.columns]
    if missing:
        raise ValueError(f"metric(s) {missing} not in the KPI frame")
    labels = list(labels) if labels is not None else [metric_label(m) for m in metrics]
    designs = designs_of(frame)
    colours = design_colours(designs)
    table = summarise(frame, by=["design"], metrics=metrics, confidence=confidence)
    share = all(is_share(m) for m in metrics)
    scale = 100.0 if share else 1.0
    width = 0.8 / len(designs)
    x = np.arange(len(metrics))
    with plot_style():
        fig = new_figure(min(12.0, max(5.0, 1.2 + len(metrics) * (0.3 * len(designs) + 0.4))), 4.5)
        ax = fig.add_subplot()
        for i, design in enumerate(designs):
            rows = table.loc[table["design"] == design].set_index("metric").loc[metrics]
            ax.bar(
                x - 0.4 + width * (i + 0.5),
                rows["mean"] * scale,
                width,
                yerr=_clipped_errors(rows, share) * scale,
                capsize=3,
                color=colours[design],
                label=safe_text(design, f"design {i + 1}"),
                error_kw={"elinewidth": 1.0},
            )
        _metric_axes(ax, metrics, labels, share=share, ylabel=ylabel)
        ax.legend(title="design point")
        ax.grid(axis="x", visible=False)
        set_titles(
            fig,
            ax,
            title or "KPIs per design point",
            f"bar: mean of {n_reps(frame)} replications, error bar: {confidence:.0%} t-interval"
            + (", cut to 0–100%" if share else ", cut at 0"),
        )
    return fig


def _clipped_errors(rows: pd.DataFrame, share: bool) -> np.ndarray:
    """Error bar lengths (below, above) of the t-interval cut to what the KPI can take: a
    count, duration or share is never negative, and a share never above 1."""
    mean = rows["mean"].to_numpy(dtype=float)
    hw = rows["half_width"].fillna(0.0).to_numpy(dtype=float)
    low = np.maximum(mean - hw, 0.0)
    high = np.minimum(mean + hw, 1.0) if share else mean + hw
    return np.vstack([np.maximum(mean - low, 0.0), np.maximum(high - mean, 0.0)])


def _metric_axes(  # type: ignore[no-untyped-def]
    ax, metrics: list[str], labels: list[str], *, share: bool, ylabel: str | None
) -> None:
    """Metric names under the groups (slanted when many), the y axis in % for shares, and a
    y label with the metrics' common unit."""
    ax.set_xticks(
        np.arange(len(metrics)), [safe_text(lab, m) for lab, m in zip(labels, metrics, strict=True)]
    )
    if len(metrics) > 4:
        for tick in ax.get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
    if share:
        ax.yaxis.set_major_formatter(PercentFormatter(100.0))
    units = {metric_unit(m) for m in metrics}
    unit = units.pop() if len(units) == 1 else ""
    ax.set_ylabel(ylabel or (f"mean ({unit})" if unit else "mean"))
    ax.set_ylim(bottom=0)


def rates_by_design(
    kpis: pd.DataFrame, metrics: Sequence[str] | None = None, **kwargs: object
) -> Figure:
    """GO return rate and instruction breach rate (default: every ``*_rate`` column) per
    design point with 95% error bars."""
    if metrics is None:
        metrics = [c for c in kpis.columns if c.endswith("_rate")]
    kwargs.setdefault("title", "Return and breach rates per design point")
    kwargs.setdefault("ylabel", "share of documents / replies (%)")
    return metric_bars(kpis, metrics, **kwargs)  # type: ignore[arg-type]


def utilisation_by_design(
    kpis: pd.DataFrame, metrics: Sequence[str] | None = None, **kwargs: object
) -> Figure:
    """Utilisation of the GO's reviewers and of each leader's document time (default: every
    ``util_*`` column) per design point with 95% error bars."""
    if metrics is None:
        metrics = [c for c in kpis.columns if c.startswith("util_")]
    kwargs.setdefault(
        "labels",
        [
            holder_short(m[len("util_") :]) if m.startswith("util_") else metric_label(m)
            for m in metrics
        ],
    )
    kwargs.setdefault("title", "Utilisation per design point")
    kwargs.setdefault("ylabel", "busy share of office time (%)")
    return metric_bars(kpis, metrics, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- paired differences


def _forest_panel(  # type: ignore[no-untyped-def]
    ax, rows: pd.DataFrame, designs: list[str], colours: dict[str, str], metric: str
) -> None:
    """One metric's panel: a row per design point with the mean paired difference and its
    interval, annotated with the difference relative to the baseline mean; the x axis is
    symmetric about zero so the sign reads at a glance."""
    scale = 100.0 if is_share(metric) else 1.0
    for k, design in enumerate(designs):
        row = rows.loc[design]
        hw = row["half_width"]
        ax.errorbar(
            [row["mean_diff"] * scale],
            [k],
            xerr=[[0.0 if math.isnan(hw) else hw * scale]],
            fmt="o",
            color=colours[design],
            capsize=4,
        )
        rel = row["relative_diff"]
        if not math.isnan(rel):
            ax.annotate(
                f"{rel:+.1%} of baseline",
                (1.0, k),
                xycoords=("axes fraction", "data"),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
    ax.axvline(0.0, color="black", linewidth=0.8)
    names = [safe_text(d, f"design {i + 2}") for i, d in enumerate(designs)]
    ax.set_yticks(np.arange(len(designs)), names)
    ax.set_ylim(len(designs) - 0.5, -0.5)
    unit = metric_unit(metric)
    unit_text = "percentage points" if unit == "%" else unit
    ax.set_xlabel(f"difference in {metric_label(metric)} ({unit_text})", fontsize=9)
    ax.grid(axis="y", visible=False)
    lo, hi = ax.get_xlim()
    span = max(abs(lo), abs(hi))
    ax.set_xlim(-span, span)


def _paired_by_design(
    frame: pd.DataFrame, metrics: list[str], baseline: str, confidence: float
) -> tuple[pd.DataFrame, list[str]]:
    """Paired differences of every design point but the baseline, labelled by design, and
    those design points in order; a ValueError when there is nothing to compare."""
    if not metrics:
        raise ValueError("no metrics to compare")
    if baseline not in set(frame["variant"]):
        raise ValueError(f"baseline {baseline!r} not among the variants")
    others = [d for d, v in zip(frame["design"], frame["variant"], strict=True) if v != baseline]
    if not others:
        raise ValueError("only the baseline was run: there is nothing to compare")
    diffs = paired_differences(
        frame.drop(columns=["design"]),
        "variant",
        baseline,
        pair_on=["replication"],
        metrics=metrics,
        confidence=confidence,
        by=["point"],
    )
    diffs["design"] = [
        design_label(v, p) for v, p in zip(diffs["variant"], diffs["point"], strict=True)
    ]
    return diffs, list(dict.fromkeys(others))


def paired_forest(
    kpis: pd.DataFrame,
    metrics: Sequence[str] | None = None,
    *,
    baseline: str = BASELINE,
    confidence: float = CONFIDENCE,
) -> Figure:
    """Forest plot of paired differences against ``baseline``: one panel per metric, one row per
    other design point, the mean difference over replications paired on ``replication``
    (common random numbers) with its ``confidence`` paired-t interval.

    Each row is annotated with the difference relative to the baseline mean. A sweep is paired
    point by point. ``metrics=None`` takes the headline KPIs in :data:`FOREST_DEFAULT` that the
    frame has.
    """
    frame = with_design(kpis)
    if metrics is None:
        metrics = [m for m in FOREST_DEFAULT if m in frame.columns]
    metrics = list(metrics)
    diffs, designs = _paired_by_design(frame, metrics, baseline, confidence)
    colours = design_colours(designs_of(frame))
    with plot_style():
        fig = new_figure(7.5, 0.9 + len(metrics) * (0.45 * len(designs) + 0.75))
        axes = fig.subplots(len(metrics), 1, squeeze=False).ravel()
        for ax, metric in zip(axes, metrics, strict=True):
            rows = diffs.loc[diffs["metric"] == metric].set_index("design").loc[designs]
            _forest_panel(ax, rows, designs, colours, metric)
        n = int(diffs["n_pairs"].min()) if len(diffs) else 0
        fig.suptitle(
            f"Paired differences vs {safe_text(baseline, 'baseline')}\n"
            f"{n} replication pairs (common random numbers), {confidence:.0%} paired-t interval",
            fontweight="bold",
            fontsize="medium",
        )
    return fig
