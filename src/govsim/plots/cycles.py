"""Cycle time, creation to close, per document type: from the KPI percentiles or, when the
event log was written, as empirical distributions."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from govsim.plots.style import (
    CONFIDENCE,
    design_colours,
    design_linestyles,
    designs_of,
    n_reps,
    panel_grid,
    plot_style,
    safe_text,
    term,
    with_design,
)
from govsim.stats import summarise

ECDF_PANEL_LEGENDS = 4
_KNOWN_TYPES = ("request", "report", "draft", "normative", "contract")
_TYPE_NAMES = {
    "request": ("requests", "请示"),
    "report": ("reports", "报告"),
    "draft": ("drafts", "代拟文稿"),  # A59
    "normative": ("normative documents", "规范性文件"),  # A21
    "contract": ("contracts", "合同"),  # A60
}


def _doc_types(kpis: pd.DataFrame, unit: str) -> list[str]:
    """Document types with cycle-time columns holding at least one value."""
    types = []
    for col in kpis.columns:
        m = re.fullmatch(rf"cycle_(\w+?)_p\d+_{unit}", col)
        if m and m[1] not in types and kpis[col].notna().any():
            types.append(m[1])
    return types


def _doc_type_name(doc_type: str) -> str:
    name, zh = _TYPE_NAMES.get(doc_type, (f"{doc_type}s", None))
    return term(name, zh) if zh else safe_text(name)


def _unit_name(unit: str) -> str:
    return {"days": "calendar days", "wd": "working days"}.get(unit, unit)


def cycle_time_percentiles(
    kpis: pd.DataFrame,
    doc_types: Sequence[str] | None = None,
    *,
    unit: str = "days",
    confidence: float = CONFIDENCE,
) -> Figure:
    """Cycle-time distribution per document type from the KPI percentiles: one panel per type,
    one row per design point, a marker per statistic (mean, p50, p90, p95 …) at its mean across
    replications with a ``confidence`` t-interval.

    ``unit`` is ``"days"`` (calendar days) or ``"wd"`` (working days). Document types and
    percentiles are found from the ``cycle_<type>_p<q>_<unit>`` columns.
    """
    frame = with_design(kpis)
    types = list(doc_types) if doc_types is not None else _doc_types(frame, unit)
    if not types:
        raise ValueError(f"no cycle_<type>_p<q>_{unit} columns in the KPI frame")
    designs = designs_of(frame)
    with plot_style():
        fig, axes = panel_grid(len(types), 2, (5.4, 1.0 + 0.45 * len(designs)), extra_height=1.2)
        for ax, doc_type in zip(axes, types, strict=True):
            stats_cols = _cycle_stat_columns(frame, doc_type, unit)
            table = summarise(frame, by=["design"], metrics=stats_cols, confidence=confidence)
            _statistic_markers(ax, table, stats_cols, designs)
            ax.set_yticks(
                np.arange(len(designs)),
                [safe_text(d, f"design {i + 1}") for i, d in enumerate(designs)],
            )
            ax.invert_yaxis()
            ax.set_xlim(left=0)
            ax.set_xlabel(f"cycle time ({_unit_name(unit)})")
            ax.set_title(_doc_type_name(doc_type))
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
        fig.suptitle(
            f"Cycle time, creation to close: mean of {n_reps(frame)} replications "
            f"± {confidence:.0%} t-interval",
            fontweight="bold",
        )
    return fig


def _cycle_stat_columns(frame: pd.DataFrame, doc_type: str, unit: str) -> list[str]:
    """The ``cycle_<type>_{mean,p<q>}_<unit>`` columns of one type: the mean, then by q."""
    stats_cols = [
        c
        for c in frame.columns
        if re.fullmatch(rf"cycle_{re.escape(doc_type)}_(mean|p\d+)_{unit}", c)
    ]
    if not stats_cols:
        raise ValueError(f"no cycle-time columns for document type {doc_type!r}")
    stats_cols.sort(
        key=lambda c: (0, 0) if "_mean_" in c else (1, int(c.split("_p")[-1].split("_")[0]))
    )
    return stats_cols


def _statistic_markers(  # type: ignore[no-untyped-def]
    ax, table: pd.DataFrame, stats_cols: list[str], designs: list[str]
) -> None:
    """One row per design point, a marker with its t-interval per statistic, side by side."""
    markers = ["D", "o", "s", "^", "v", "P", "X"]
    y = np.arange(len(designs))
    offsets = np.linspace(-0.2, 0.2, len(stats_cols)) if len(stats_cols) > 1 else [0.0]
    for k, col in enumerate(stats_cols):
        rows = table.loc[table["metric"] == col].set_index("design").loc[designs]
        stat = col.split("_")[-2]
        ax.errorbar(
            rows["mean"],
            y + offsets[k],
            xerr=rows["half_width"].fillna(0.0),
            fmt=markers[k % len(markers)],
            color=f"C{k}",
            capsize=3,
            markersize=5,
            label=stat,
        )


def _keyed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """A copy of ``frame`` with every key column present (a single run has no variant etc.)."""
    out = frame.copy()
    for k in keys:
        if k not in out.columns:
            out[k] = "" if k in ("point", "variant") else 0
    out["point"] = out["point"].fillna("").astype(str)
    out["variant"] = out["variant"].astype(str)
    return out


def _closed_cycles(
    events: pd.DataFrame, cases: pd.DataFrame | None, warmup_days: float
) -> pd.DataFrame:
    """Per closed case: design, case_type, cycle time in calendar days."""
    keys = ["variant", "point", "replication", "case"]
    for col in ("case", "activity", "time"):
        if col not in events.columns:
            raise ValueError(f"events frame has no {col!r} column")
    use_cases = cases is not None and {"created", "case_type"} <= set(cases.columns)
    # Only the closing events are needed when the case table gives the creation times.
    ev = events.loc[events["activity"] == "doc.closed"] if use_cases else events
    ev = _keyed(ev, keys)
    closed = ev.loc[ev["activity"] == "doc.closed", [*keys, "time"]].rename(
        columns={"time": "closed"}
    )
    if use_cases:
        kept = cases
        if "carried" in cases.columns:  # carried across a warm start's cut, as in the KPIs
            kept = cases.loc[~cases["carried"].fillna(False).astype(bool)]
        created = _keyed(kept, keys)[[*keys, "case_type", "created"]]
    else:
        created = (
            ev.groupby(keys, observed=True, sort=False)
            .agg(created=("time", "min"), case_type=("case_type", "first"))
            .reset_index()
        )
    out = closed.merge(created, on=keys, how="inner")
    out = out.loc[out["created"] >= warmup_days * 1440.0]
    out["cycle_days"] = (out["closed"] - out["created"]) / 1440.0
    out["case_type"] = out["case_type"].astype(str)
    return with_design(out)


def cycle_time_ecdf(
    events: pd.DataFrame,
    cases: pd.DataFrame | None = None,
    doc_types: Sequence[str] | None = None,
    *,
    warmup_days: float = 0.0,
) -> Figure:
    """Cycle-time distribution per document type from the event log: one panel per type, one
    empirical CDF per design point, pooled over the replications in the log.

    Cycle time is from creation (``cases.created``, else the case's first event) to
    ``doc.closed``, in calendar days; cases created before ``warmup_days``, and those carried
    across a warm start's cut (``cases.carried``), are left out, as in the KPIs; withdrawn and
    still-open cases have no cycle time.
    """
    cycles = _closed_cycles(events, cases, warmup_days)
    if cycles.empty:
        raise ValueError("the event log has no closed cases")
    if doc_types is None:
        present = list(dict.fromkeys(cycles["case_type"]))
        known = [t for t in _KNOWN_TYPES if t in present]
        doc_types = known + [t for t in present if t not in known]
    types = list(doc_types)
    designs = designs_of(cycles)
    colours, styles = design_colours(designs), design_linestyles(designs)
    with plot_style():
        fig, axes = panel_grid(len(types), 3, (4.2, 3.2), sharey=True)
        for ax, doc_type in zip(axes, types, strict=True):
            _ecdf_panel(ax, cycles.loc[cycles["case_type"] == doc_type], designs, colours, styles)
            ax.set_title(_doc_type_name(doc_type))
        for i, ax in enumerate(axes):
            ax.set_ylabel("share closed" if i % 3 == 0 else "")
        _ecdf_legends(fig, axes, designs)
        reps = cycles.groupby("design")["replication"].nunique().min()
        fig.suptitle(
            f"Cycle time, creation to close (calendar days): empirical CDF, {reps} "
            f"replication{'s' if reps != 1 else ''} pooled; x axis to the 99th percentile",
            fontweight="bold",
            fontsize="medium",
        )
    return fig


def _ecdf_panel(  # type: ignore[no-untyped-def]
    ax, sub: pd.DataFrame, designs: list[str], colours: dict, styles: dict
) -> None:
    """One empirical CDF per design point; the x axis ends at the pooled 99th percentile."""
    for i, design in enumerate(designs):
        x = np.sort(sub.loc[sub["design"] == design, "cycle_days"].to_numpy())
        y = np.arange(1, x.size + 1) / max(x.size, 1)
        ax.step(
            x,
            y,
            where="post",
            color=colours[design],
            linestyle=styles[design],
            label=f"{safe_text(design, f'design {i + 1}')} (n={x.size})",
        )
    for q in (0.5, 0.9):
        ax.axhline(q, color="grey", linewidth=0.6, linestyle=":")
    right = float(np.quantile(sub["cycle_days"], 0.99)) * 1.05 if len(sub) else 1.0
    ax.set_xlim(0, max(right, 1.0))
    ax.set_ylim(0, 1.01)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("days")


def _ecdf_legends(fig, axes, designs: list[str]) -> None:  # type: ignore[no-untyped-def]
    """A legend per panel (with each design's count) for a few design points; for many, one
    legend of design names below the grid, so the panels stay clear."""
    if len(designs) <= ECDF_PANEL_LEGENDS:
        for ax in axes:
            ax.legend(loc="lower right")
        return
    handles = axes[0].get_lines()[: len(designs)]
    labels = [safe_text(d, f"design {i + 1}") for i, d in enumerate(designs)]
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4))


def cycle_time_distribution(
    kpis: pd.DataFrame,
    events: pd.DataFrame | None = None,
    cases: pd.DataFrame | None = None,
    **kwargs: object,
) -> Figure:
    """The empirical CDFs from ``events`` when given (:func:`cycle_time_ecdf`), else the KPI
    percentiles (:func:`cycle_time_percentiles`)."""
    if events is not None and not events.empty:
        return cycle_time_ecdf(events, cases, **kwargs)  # type: ignore[arg-type]
    return cycle_time_percentiles(kpis, **kwargs)  # type: ignore[arg-type]
