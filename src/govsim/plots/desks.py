"""Units' desks: which units breach their deadlines as load grows (A57, A59, A70).

:func:`top_breaching_units` (the table, from :mod:`govsim.kpis.desks`) is re-exported here
for notebooks."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from govsim.kpis.desks import top_breaching_units
from govsim.plots.style import (
    design_colours,
    n_reps,
    new_figure,
    plot_style,
    safe_text,
    set_titles,
    with_design,
)
from govsim.stats import t_interval

__all__ = ["breaches_by_unit", "top_breaching_units"]


def breaches_by_unit(desks: pd.DataFrame, n: int = 8, variant: str | None = None) -> Figure:
    """Breaches per replication of the ``n`` units that breach most, against the design
    points of one variant (the first in the frame, normally the baseline) — the sweep's load
    levels in order: countersign answers deemed (A59), instruction replies overdue (A57) and
    ledger items overdue (A70) together, mean over replications with the 95% t-interval."""
    frame = with_design(desks)
    variant = variant if variant is not None else str(frame["variant"].iloc[0])
    mine = frame.loc[frame["variant"] == variant]
    if mine.empty:
        raise ValueError(f"no rows of variant {variant!r}")
    points = list(dict.fromkeys(mine["point"]))
    units = list(top_breaching_units(mine, n)["unit"])
    colours = design_colours(units)
    with plot_style():
        fig = new_figure(8.0, 4.6)
        ax = fig.add_subplot()
        x = np.arange(len(points))
        dodge = np.linspace(-0.12, 0.12, len(units)) if len(units) > 1 else [0.0]
        for unit, dx in zip(units, dodge, strict=True):
            rows = mine.loc[mine["unit"] == unit]
            cis = [t_interval(rows.loc[rows["point"] == p, "breaches"]) for p in points]
            ax.errorbar(
                x + dx,
                [ci.mean for ci in cis],
                yerr=np.nan_to_num([ci.half_width for ci in cis]),
                marker="o",
                capsize=3,
                color=colours[unit],
                label=safe_text(unit, unit),
            )
        ax.set_xticks(x, [p or "baseline" for p in points])
        ax.set_xlabel("design point (load)")
        ax.set_ylabel("breaches per replication")
        ax.legend(title="unit", fontsize="small", ncols=2)
        set_titles(
            fig,
            ax,
            "Breaches by unit against load",
            f"{safe_text(variant)}: the {len(units)} units breaching most; countersigns deemed, "
            f"replies overdue, ledger items overdue; mean ± 95% CI over {n_reps(mine)} reps",
        )
    return fig
