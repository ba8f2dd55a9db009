"""Global sensitivity of a KPI to a design's knobs: horizontal bars with their intervals.

Takes the long table of :func:`govsim.experiment.sensitivity.indices` (variant, kpi, knob,
index, value, low, high): for a Sobol' design the first-order (S1) and total-order (ST)
indices side by side, for a Morris design μ* (with its interval) and σ. Knobs are sorted by
their largest index, the most influential on top.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from govsim.plots.style import metric_label, new_figure, plot_style, safe_text, set_titles

#: KPIs drawn by default (by ``govsim analyse`` and the report), those present in the table.
SENSITIVITY_DEFAULT = (
    "instr_breach_rate",
    "cs_deemed_share",
    "go_wait_mean_hours",
    "backlog_go_mean",
)

#: How each index is drawn and what it means, in the order drawn.
INDEX_STYLE = {
    "S1": ("#4C72B0", "first order S1: the knob alone"),
    "ST": ("#DD8452", "total order ST: with its interactions"),
    "mu_star": ("#4C72B0", "μ*: mean |elementary effect| over the knob's range"),
    "sigma": ("#DD8452", "σ: spread of the effects (non-linear or interacting)"),
}


def figure_name(kpi: str, variant: str) -> str:
    """``sensitivity_<kpi>.png`` (``_<variant>`` added for a variant other than the baseline)."""
    return f"sensitivity_{kpi}" + ("" if variant == "baseline" else f"_{variant}") + ".png"


def default_kpis(frame: pd.DataFrame) -> list[str]:
    """The KPIs of the table to draw: the default ones present, else the first."""
    kpis = list(dict.fromkeys(frame["kpi"]))
    return [k for k in kpis if k in SENSITIVITY_DEFAULT] or kpis[:1]


def sensitivity_bars(frame: pd.DataFrame, kpi: str, variant: str | None = None) -> Figure:
    """Bars of every index of ``kpi`` per knob, with the bootstrap interval as error bars."""
    rows = frame.loc[frame["kpi"] == kpi]
    if variant is not None:
        rows = rows.loc[rows["variant"] == variant]
    if rows.empty:
        raise ValueError(f"no indices of '{kpi}' in the table")
    variant = variant or str(rows["variant"].iloc[0])
    rows = rows.loc[rows["variant"] == variant]
    order = rows.groupby("knob", sort=False)["value"].max().sort_values().index.tolist()
    kinds = [k for k in INDEX_STYLE if k in set(rows["index"])]
    height = 0.8 / len(kinds)
    y = np.arange(len(order))
    with plot_style():
        fig = new_figure(8.0, 1.6 + 0.3 * len(order) * len(kinds))
        ax = fig.add_subplot()
        for i, kind in enumerate(kinds):
            part = rows.loc[rows["index"] == kind].set_index("knob").loc[order]
            err = np.vstack([part["value"] - part["low"], part["high"] - part["value"]])
            colour, label = INDEX_STYLE[kind]
            ax.barh(
                y - (i - (len(kinds) - 1) / 2) * height,
                part["value"],
                height=height,
                color=colour,
                label=label,
                xerr=None if np.isnan(err).all() else np.nan_to_num(err),
                capsize=3,
            )
        ax.set_yticks(y, [safe_text(k) for k in order])
        ax.axvline(0.0, color="0.3", linewidth=0.8)
        ax.legend(loc="lower right", fontsize="small")
        ax.set_xlabel("index" if "S1" in kinds else f"change of {metric_label(kpi)}")
        set_titles(
            fig,
            ax,
            f"What drives {metric_label(kpi)}",
            f"{safe_text(variant)}; bars: estimate, whiskers: 95% bootstrap interval",
        )
    return fig
