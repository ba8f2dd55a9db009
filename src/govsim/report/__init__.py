"""``govsim report RESULTS_DIR``: figures and a one-page HTML summary of a finished run.

Reads a results folder written by ``govsim run`` (``manifest.json``, ``kpis.parquet``,
``backlog.parquet`` and, when present, ``events.parquet`` / ``cases.parquet``) and writes into
``RESULTS_DIR/report/``:

- one PNG per figure of :mod:`govsim.plots` (backlog over time, cycle times, rates, utilisation
  and, when there are variants, paired differences against the baseline);
- ``report.html``: the run's identity (scenario, file fingerprint, seed, replications, design
  points), the summary (a few headline KPIs per design point, with Δ against the baseline) and
  the full headline table (mean ± 95% t-interval per design point), the paired-difference
  table on common random numbers, and the figures. The page is self-contained — the figures
  are embedded, so the file can be mailed on its own — and links each PNG file next to it.

Figures come from the providers registered in :mod:`govsim.report.registry` (a module in
``govsim/report/figures/`` adds one without touching this package). Every file is written
atomically. A folder that is missing or is not a results folder is a
one-line error with exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from govsim.core.files import atomic_write
from govsim.report.page import FigureEntry, paired_table, render_html
from govsim.report.registry import REPORT_FIGURES, ReportFigure, providers, report_figure
from govsim.report.results import ReportError, Results, _warmup_days, load_results
from govsim.scenario.expand import BASELINE

__all__ = [
    "HTML_NAME",
    "REPORT_DIR",
    "REPORT_FIGURES",
    "FigureEntry",
    "Report",
    "ReportError",
    "ReportFigure",
    "Results",
    "_warmup_days",
    "build_report",
    "load_results",
    "paired_table",
    "providers",
    "render_html",
    "report_figure",
]

REPORT_DIR = "report"
HTML_NAME = "report.html"


@dataclass
class Report:
    """What :func:`build_report` wrote, and notices for the user (e.g. no Chinese font)."""

    html: Path
    figures: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _figures(results: Results, out: Path) -> tuple[list[FigureEntry], list[str]]:
    """Draw and save every figure that the folder's data allow; returns (written, skipped)."""
    from govsim import plots
    from govsim.experiment.compact import MAX_ROWS

    written: list[FigureEntry] = []
    skipped: list[str] = []
    points = len(results.kpis[["variant", "point"]].drop_duplicates())
    for spec in providers():
        if spec.per_point and points > MAX_ROWS:
            skipped.append(f"{spec.name}: one mark per design point, and the run has {points}")
            continue
        for figure in spec.provide(results, plots):
            try:
                fig = figure.draw()
            except ValueError as exc:
                skipped.append(f"{figure.title}: {exc}")
                continue
            plots.save(fig, out / figure.file)
            written.append(FigureEntry(figure.file, figure.title, figure.caption))
    return written, skipped


def build_report(results_dir: str | Path) -> Report:
    """Write the figures and ``report.html`` into ``results_dir/report/``.

    Raises :class:`ReportError` (one line) if ``results_dir`` is not a results folder.
    """
    from govsim.experiment.compact import compact_blocks
    from govsim.experiment.summary import headline_table, summary_table
    from govsim.plots.style import cjk_notice

    results = load_results(results_dir)
    out = results.path / REPORT_DIR
    out.mkdir(exist_ok=True)
    summary = summary_table(results.kpis)
    headline = headline_table(summary)
    variants = set(results.kpis["variant"])
    paired = paired_table(results.kpis) if BASELINE in variants and len(variants) > 1 else None
    figures, skipped = _figures(results, out)
    overview = compact_blocks(summary)
    page = render_html(results, headline, paired, figures, skipped, out, overview)
    html_path = out / HTML_NAME
    atomic_write(html_path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    notices = [n for n in [cjk_notice()] if n]
    return Report(html_path, [out / f.file for f in figures], skipped, notices)
