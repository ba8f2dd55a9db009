"""Backlog over time: items held at the end of each day, median and band across replications."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from govsim.core.org import GO
from govsim.plots.style import (
    BAND,
    design_colours,
    design_linestyles,
    designs_of,
    holder_name,
    n_reps,
    new_figure,
    panel_grid,
    plot_style,
    safe_text,
    set_titles,
    with_design,
)


def _backlog_frame(backlog: pd.DataFrame) -> pd.DataFrame:
    for col in ("day", "holder", "backlog"):
        if col not in backlog.columns:
            raise ValueError(f"backlog frame has no {col!r} column")
    out = with_design(backlog)
    out["day"] = pd.to_datetime(out["day"])
    out["holder"] = out["holder"].astype(str)
    return out


def _band(sub: pd.DataFrame, band: tuple[float, float]) -> pd.DataFrame:
    """Median and quantile band across replications, per day."""
    grouped = sub.groupby("day")["backlog"]
    return pd.DataFrame(
        {
            "median": grouped.median(),
            "low": grouped.quantile(band[0]),
            "high": grouped.quantile(band[1]),
        }
    )


def _date_axis(ax) -> None:  # type: ignore[no-untyped-def]
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _band_text(band: tuple[float, float], reps: int) -> str:
    return (
        f"line: median, band: {band[0]:.0%}–{band[1]:.0%} across {reps} replication"
        f"{'s' if reps != 1 else ''}"
    )


def _median_with_band(  # type: ignore[no-untyped-def]
    ax, stats: pd.DataFrame, colour: str, *, alpha: float, **line: Any
) -> None:
    """A step line at the daily median and a shaded band between the quantiles."""
    ax.fill_between(
        stats.index,
        stats["low"],
        stats["high"],
        color=colour,
        alpha=alpha,
        linewidth=0,
        step="post",
    )
    ax.plot(stats.index, stats["median"], color=colour, drawstyle="steps-post", **line)


def backlog_by_design(
    backlog: pd.DataFrame, holder: str = GO, *, band: tuple[float, float] = BAND
) -> Figure:
    """One holder's backlog over time, one line per design point (median across replications)
    with a shaded quantile band (default 10–90%).

    ``backlog`` is ``backlog.parquet``: ``variant``, ``point``, ``replication``, ``day``,
    ``holder``, ``backlog`` (items held at the end of the day).
    """
    frame = _backlog_frame(backlog)
    frame = frame.loc[frame["holder"] == holder]
    if frame.empty:
        raise ValueError(f"no backlog series for holder {holder!r}")
    designs = designs_of(frame)
    colours, styles = design_colours(designs), design_linestyles(designs)
    with plot_style():
        fig = new_figure(9, 4.6)
        ax = fig.add_subplot()
        for i, design in enumerate(designs):
            _median_with_band(
                ax,
                _band(frame.loc[frame["design"] == design], band),
                colours[design],
                alpha=0.18,
                linestyle=styles[design],
                label=safe_text(design, f"design {i + 1}"),
                linewidth=1.6,
            )
        _date_axis(ax)
        ax.set_ylim(bottom=0)
        ax.set_ylabel("items held at end of day")
        ax.set_xlabel("date")
        set_titles(
            fig, ax, f"{holder_name(holder)}: backlog over time", _band_text(band, n_reps(frame))
        )
        if len(designs) > 4:  # many design points: the legend beside the axes, not on the lines
            ax.legend(title="design point", loc="upper left", bbox_to_anchor=(1.01, 1.0))
        else:
            ax.legend(title="design point", loc="upper left")
    return fig


def backlog_by_holder(
    backlog: pd.DataFrame,
    holders: Sequence[str] | None = None,
    *,
    band: tuple[float, float] = BAND,
    ncols: int = 2,
) -> Figure:
    """One panel per design point, one line per holder (median across replications, with a
    shaded quantile band); all panels share the y axis.

    ``holders=None`` plots every holder except the GO (the leaders), whose backlog is on a much
    smaller scale than the GO's; pass e.g. ``["GO"]`` or a list of leader ids to choose.
    """
    frame = _backlog_frame(backlog)
    holders = _chosen_holders(frame, holders)
    frame = frame.loc[frame["holder"].isin(holders)]
    designs = designs_of(frame)
    ncols = max(1, min(ncols, len(designs)))
    nrows = math.ceil(len(designs) / ncols)
    with plot_style():
        fig = new_figure(5.2 * ncols, 3.4 * nrows + 0.8)
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
        for i, design in enumerate(designs):
            ax = axes[i]
            _holder_lines(ax, frame.loc[frame["design"] == design], holders, band)
            ax.set_title(safe_text(design, f"design {i + 1}"))
            _date_axis(ax)
            ax.set_ylim(bottom=0)
            if i % ncols == 0:
                ax.set_ylabel("items held at end of day")
        for ax in axes[len(designs) :]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(
            handles, labels, loc="outside lower center", ncols=min(len(holders), 6), title="holder"
        )
        fig.suptitle(
            f"Backlog per holder over time\n{_band_text(band, n_reps(frame))}", fontweight="bold"
        )
    return fig


def _chosen_holders(frame: pd.DataFrame, holders: Sequence[str] | None) -> list[str]:
    """The holders asked for (default: the leaders — all but the GO and the units' desks — or
    the GO alone), all present."""
    present = list(dict.fromkeys(frame["holder"]))
    if holders is None:
        units = set()
        if "holder_kind" in frame.columns:
            units = set(frame.loc[frame["holder_kind"].astype(str) == "unit", "holder"])
        holders = [h for h in present if h != GO and h not in units] or present
    missing = [h for h in holders if h not in present]
    if missing:
        raise ValueError(f"no backlog series for holder(s) {missing}; present: {present}")
    return list(holders)


def _holder_lines(  # type: ignore[no-untyped-def]
    ax, sub: pd.DataFrame, holders: Sequence[str], band: tuple[float, float]
) -> None:
    """One median line with its band per holder: ten colours, then the next line style."""
    styles = ["-", "--", ":", "-."]
    alpha = 0.15 if len(holders) <= 3 else 0.06
    for j, holder in enumerate(holders):
        _median_with_band(
            ax,
            _band(sub.loc[sub["holder"] == holder], band),
            f"C{j % 10}",
            alpha=alpha,
            linestyle=styles[(j // 10) % len(styles)],
            label=holder_name(holder),
            linewidth=1.3,
        )


def backlog_heatmap(
    backlog: pd.DataFrame,
    holders: Sequence[str] | None = None,
    *,
    freq: str = "W",
    ncols: int = 2,
) -> Figure:
    """Each holder's backlog as a heatmap: one row per holder, one column per week (``freq``),
    colour = items held at the end of the day, averaged over the days of the week and the
    replications; one panel per design point, all on one colour scale.

    Nine leaders' step lines on one axis hide one another; a heatmap shows who is loaded when
    at a glance. ``holders=None`` shows every holder but the GO (see :func:`backlog_by_holder`).
    """
    frame = _backlog_frame(backlog)
    holders = _chosen_holders(frame, holders)
    frame = frame.loc[frame["holder"].isin(holders)]
    frame = frame.assign(period=frame["day"].dt.to_period(freq).dt.start_time)
    grids = {
        design: sub.pivot_table(index="holder", columns="period", values="backlog", aggfunc="mean")
        .reindex(holders)
        .fillna(0.0)
        for design, sub in frame.groupby("design", sort=False)
    }
    designs = designs_of(frame)
    # One scale for every panel, up to the 99th percentile of the cells so that a single busy
    # week does not wash out the rest (cells above it show the top colour).
    cells = np.concatenate([g.to_numpy().ravel() for g in grids.values()])
    top = float(np.quantile(cells, 0.99)) if cells.size else 1.0
    top = top if top > 0 else 1.0
    with plot_style():
        fig, axes = panel_grid(
            len(designs), ncols, (6.0, 0.9 + 0.28 * len(holders)), extra_height=1.0, sharey=True
        )
        for i, (ax, design) in enumerate(zip(axes, designs, strict=True)):
            mesh = _heat_panel(ax, grids[design], top)
            ax.set_title(safe_text(design, f"design {i + 1}"))
            ax.grid(False)
        fig.colorbar(
            mesh, ax=axes, label="items held (weekly mean)", extend="max", shrink=0.8,
            aspect=30, fraction=0.04,
        )  # fmt: skip
        fig.suptitle(
            f"Backlog per leader, weekly mean over days and {n_reps(frame)} replication"
            f"{'s' if n_reps(frame) != 1 else ''}",
            fontweight="bold",
        )
    return fig


def _heat_panel(ax, grid: pd.DataFrame, top: float):  # type: ignore[no-untyped-def]
    """One design point's holder × week grid on a shared colour scale; dates on the x axis."""
    x = mdates.date2num([*grid.columns, grid.columns[-1] + pd.Timedelta(days=7)])
    mesh = ax.pcolormesh(
        x, range(len(grid.index) + 1), grid.to_numpy(), cmap="viridis", vmin=0, vmax=top
    )
    ax.set_yticks([i + 0.5 for i in range(len(grid.index))], [holder_name(h) for h in grid.index])
    ax.set_ylim(len(grid.index), 0)  # first holder on top (not a toggle: panels share y)
    ax.xaxis_date()
    _date_axis(ax)
    return mesh
