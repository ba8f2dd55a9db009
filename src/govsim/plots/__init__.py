"""Figures from a results folder: backlog over time, cycle times, rates, paired differences,
utilisation and the units' deadline breaches against load, each across design points with the
uncertainty of the replications.

Every function takes the frames of a results folder (``kpis.parquet``, ``backlog.parquet`` and,
when written, ``events.parquet`` / ``cases.parquet``) and returns a matplotlib
:class:`~matplotlib.figure.Figure` drawn on the Agg canvas; :func:`save` writes it as a PNG
atomically. No function touches pyplot or the global ``rcParams``, so the module is safe to use
from scripts, the CLI and notebooks alike.

Design points are labelled ``variant`` or ``variant @ point`` and keep their order of first
appearance (the baseline first) and one colour each across all figures. Functions that plot
KPIs take metric *names*, so KPIs added later (substitution coverage, meeting topic waits, …)
plot with the same functions.

Chinese: labels show Chinese terms (and Chinese variant or holder names) only when matplotlib
finds a font with CJK glyphs (:func:`cjk_font`); otherwise labels are English and characters
no available font can draw are left out, so a figure never shows empty boxes.
:func:`cjk_notice` gives the one-line message (with the fix) that ``govsim report`` prints
when no such font is found; a font installed after matplotlib cached its font list is found
too.
"""

from govsim.core.org import GO
from govsim.plots.backlog import backlog_by_design, backlog_by_holder, backlog_heatmap
from govsim.plots.cycles import cycle_time_distribution, cycle_time_ecdf, cycle_time_percentiles
from govsim.plots.desks import breaches_by_unit, top_breaching_units
from govsim.plots.kpis import (
    FOREST_DEFAULT,
    metric_bars,
    paired_forest,
    rates_by_design,
    utilisation_by_design,
)
from govsim.plots.sensitivity import SENSITIVITY_DEFAULT, sensitivity_bars
from govsim.plots.style import (
    BAND,
    CJK_FONTS,
    CJK_PROBE,
    CONFIDENCE,
    DPI,
    METRIC_LABELS,
    cjk_font,
    cjk_notice,
    design_label,
    metric_label,
    metric_unit,
    save,
    term,
)

__all__ = [
    "BAND",
    "CJK_FONTS",
    "CJK_PROBE",
    "CONFIDENCE",
    "DPI",
    "FOREST_DEFAULT",
    "GO",
    "METRIC_LABELS",
    "SENSITIVITY_DEFAULT",
    "backlog_by_design",
    "backlog_by_holder",
    "backlog_heatmap",
    "breaches_by_unit",
    "cjk_font",
    "cjk_notice",
    "cycle_time_distribution",
    "cycle_time_ecdf",
    "cycle_time_percentiles",
    "design_label",
    "metric_bars",
    "metric_label",
    "metric_unit",
    "paired_forest",
    "rates_by_design",
    "save",
    "sensitivity_bars",
    "term",
    "top_breaching_units",
    "utilisation_by_design",
]
