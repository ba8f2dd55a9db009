"""The 补位 study (A6, A8): its headline table and the trade-off between sign-off time and the
substitutes' extra hours, per policy and load.

:func:`headline` reads a results folder's KPI table (one row per replication) and gives, per
policy and load, the mean of each headline KPI with its 95% interval and the difference from
the baseline policy paired on the replication (common random numbers); :func:`tradeoff`
draws the means with their intervals, one panel per load. ``python -m govsim.plots.substitution
RESULTS`` prints the table and writes ``substitution_tradeoff.png`` into the folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from govsim.plots.style import design_colours, new_figure, plot_style, save, term
from govsim.stats import summarise

HEADLINE: tuple[tuple[str, str], ...] = (
    ("cycle_request_mean_wd", "sign-off time, requests (working days)"),
    ("sign_wait_mean_hours", "wait for signature (hours)"),
    ("absent_wait_items", "items held by an absent leader"),
    ("sub_load_hours", "substitutes' hours"),
    ("instr_overdue", "breaches: instruction replies overdue"),
)
"""Headline KPIs: sign-off (A57 requests, A61 signatures), what absent leaders hold, what the
substitutes work for others (every kind of act, K59), and deadline breaches (A57)."""
X, Y = "sub_load_hours", "cycle_request_mean_wd"
BASELINE = "baseline"


def headline(kpis: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Mean ± half-width per policy and load, and the paired difference from the baseline
    policy at the same load (``diff`` ± ``diff_hw``), for each :data:`HEADLINE` KPI."""
    metrics = [m for m, _ in HEADLINE if m in kpis]
    table = summarise(kpis, by=["variant", "point"], metrics=metrics, confidence=confidence)
    base = kpis.loc[kpis["variant"] == BASELINE].set_index(["point", "replication"])[metrics]
    paired = kpis.set_index(["point", "replication"])
    rows = []
    for (variant, _), grp in paired.groupby(["variant", paired.index.get_level_values(0)]):
        d = grp[metrics] - base.loc[grp.index]
        stats = summarise(
            d.reset_index().assign(variant=variant), by=["variant", "point"], metrics=metrics,
            confidence=confidence,
        )  # fmt: skip
        rows.append(stats.rename(columns={"mean": "diff", "half_width": "diff_hw"}))
    diffs = pd.concat(rows)[["variant", "point", "metric", "diff", "diff_hw"]]
    return table.merge(diffs, on=["variant", "point", "metric"], how="left")


def text_table(table: pd.DataFrame) -> str:
    """The headline table for a terminal: one block per load, one row per policy."""
    labels = dict(HEADLINE)
    out = []
    for point, block in table.groupby("point", sort=False):
        out.append(f"== {point} (mean ± 95% CI; Δ vs {BASELINE}, paired)")
        for metric, rows in block.groupby("metric", sort=False):
            out.append(f"  {labels[metric]}")
            for r in rows.itertuples():
                delta = "" if r.variant == BASELINE else f"  Δ {r.diff:+.3g} ± {r.diff_hw:.2g}"
                out.append(f"    {r.variant:<17} {r.mean:9.3g} ± {r.half_width:<8.2g}{delta}")
    return "\n".join(out)


def tradeoff(kpis: pd.DataFrame, reference: str = "none", confidence: float = 0.95) -> Figure:
    """Sign-off time saved against the substitutes' hours, one point per policy, one panel per
    load: x the substitutes' hours for absent leaders (mean, 95% interval), y the request
    sign-off time minus that of ``reference`` (no 补位) on the same replication (paired, 95%
    interval) — how much faster each policy signs off for how much of the substitutes' time."""
    points = list(dict.fromkeys(kpis["point"]))
    variants = [v for v in dict.fromkeys(kpis["variant"]) if v != reference]
    colours = design_colours(list(dict.fromkeys(kpis["variant"])))
    ref = kpis.loc[kpis["variant"] == reference].set_index(["point", "replication"])[Y]
    paired = kpis.set_index(["point", "replication"])
    paired = paired.assign(saved=paired[Y] - ref.reindex(paired.index).to_numpy()).reset_index()
    table = summarise(paired, by=["variant", "point"], metrics=[X, "saved"],
                      confidence=confidence).set_index(["point", "variant", "metric"])  # fmt: skip
    with plot_style():
        fig = new_figure(5.2 * len(points), 5.0)
        axes = fig.subplots(1, len(points), squeeze=False)[0]
        for ax, point in zip(axes, points, strict=True):
            for variant in variants:
                x, y = table.loc[(point, variant, X)], table.loc[(point, variant, "saved")]
                ax.errorbar(x["mean"], y["mean"], xerr=x["half_width"], yerr=y["half_width"],
                            fmt="o", color=colours[variant], capsize=3, label=variant)  # fmt: skip
            ax.axhline(0.0, color="grey", lw=0.8)
            ax.set_title(point, fontsize=10)
            ax.set_xlabel("substitutes' hours for absent leaders (per year)")
            ax.set_ylabel(f"Δ request sign-off vs {reference} (working days)")
            ax.grid(alpha=0.3)
        handles, labels = axes[-1].get_legend_handles_labels()  # below the panels: never
        fig.legend(handles, labels, loc="outside lower center", ncol=4, fontsize=8)  # on a point
        fig.suptitle(
            f"{term('Substitution', '补位')} policies: sign-off time vs substitutes' extra "
            f"hours\nmeans and paired differences with {confidence:.0%} intervals over "
            f"{_reps(kpis)} replications (below 0: faster than no substitution)",
            fontsize=10,
        )
    return fig


def _reps(kpis: pd.DataFrame) -> int:
    return int(np.max(kpis.groupby(["variant", "point"]).size()))


def main(argv: list[str]) -> int:
    """``python -m govsim.plots.substitution RESULTS``: print the table, write the figure."""
    folder = Path(argv[0])
    kpis = pd.read_parquet(folder / "kpis.parquet")
    print(text_table(headline(kpis)))
    path = save(tradeoff(kpis), folder / "substitution_tradeoff.png")
    print(f"figure: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
