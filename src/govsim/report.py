"""``govsim report RESULTS_DIR``: figures and a one-page HTML summary of a finished run.

Reads a results folder written by ``govsim run`` (``manifest.json``, ``kpis.parquet``,
``backlog.parquet`` and, when present, ``events.parquet`` / ``cases.parquet``) and writes into
``RESULTS_DIR/report/``:

- one PNG per figure of :mod:`govsim.plots` (backlog over time, cycle times, rates, utilisation
  and, when there are variants, paired differences against the baseline);
- ``report.html``: the run's identity (scenario, file fingerprint, seed, replications, design
  points), the headline table (mean ± 95% t-interval per design point), the paired-difference
  table on common random numbers, and the figures. The page is self-contained — the figures
  are embedded, so the file can be mailed on its own — and links each PNG file next to it.

Every file is written atomically. A folder that is missing or is not a results folder is a
one-line error with exit code 2.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import pandas as pd

from govsim.core.files import atomic_write
from govsim.rules.meetings import KINDS as MEETING_KINDS
from govsim.scenario.expand import BASELINE

REPORT_DIR = "report"
HTML_NAME = "report.html"


class ReportError(Exception):
    """A results folder that cannot be reported on; the message is one line."""


@dataclass
class Results:
    """The frames and manifest of one results folder."""

    path: Path
    manifest: dict[str, Any]
    kpis: pd.DataFrame
    backlog: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    cases: pd.DataFrame | None = None


@dataclass
class FigureEntry:
    """One figure of the report: its file, heading and how to read it."""

    file: str
    title: str
    caption: str


@dataclass
class Report:
    """What :func:`build_report` wrote."""

    html: Path
    figures: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


_EVENT_COLUMNS = ["variant", "point", "replication", "time", "case", "case_type", "activity"]


def load_results(path: str | Path) -> Results:
    """Read a results folder; raise :class:`ReportError` (one line) if it is not one."""
    folder = Path(path)
    if not folder.exists():
        raise ReportError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise ReportError(f"{folder}: not a folder")
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ReportError(f"{folder}: not a govsim results folder (no manifest.json)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{manifest_path}: unreadable manifest: {exc}") from None
    if not isinstance(manifest, dict):
        raise ReportError(f"{manifest_path}: unreadable manifest: not a JSON object")
    kpis_path = folder / "kpis.parquet"
    if not kpis_path.is_file():
        status = manifest.get("status")
        why = f"the run's status is '{status}'" if status else "did every replication fail?"
        raise ReportError(f"{folder}: no kpis.parquet ({why})")
    try:
        kpis = pd.read_parquet(kpis_path)
        backlog = _read_optional(folder / "backlog.parquet")
        cases = _read_optional(
            folder / "cases.parquet",
            ["variant", "point", "replication", "case", "case_type", "created"],
        )
        # With the case table, only the closing events are needed for cycle times.
        closed_only = [("activity", "==", "doc.closed")] if cases is not None else None
        events = _read_optional(folder / "events.parquet", _EVENT_COLUMNS, closed_only)
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise ReportError(f"{folder}: cannot read results: {type(exc).__name__}: {exc}") from None
    for col in ("variant", "replication"):
        if col not in kpis.columns:
            raise ReportError(f"{kpis_path}: no '{col}' column; not a govsim KPI table")
    if kpis.empty:
        raise ReportError(f"{kpis_path}: no replications")
    if "point" not in kpis.columns:
        kpis["point"] = ""
    kpis["point"] = kpis["point"].fillna("").astype(str)
    return Results(folder, manifest, kpis, backlog, events, cases)


def _read_optional(
    path: Path, columns: list[str] | None = None, filters: list[tuple[str, str, str]] | None = None
) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    if columns is not None:
        import pyarrow.parquet as pq

        present = set(pq.read_schema(path).names)
        columns = [c for c in columns if c in present]
    return pd.read_parquet(path, columns=columns, filters=filters)


def _warmup_days(results: Results) -> float | None:
    """The scenario's warm-up, if its file still exists unchanged (the event log starts at 0)."""
    from govsim.scenario.load import ScenarioError, load_scenario

    name, sha = results.manifest.get("scenario_file"), results.manifest.get("scenario_sha256")
    if not name or not sha:
        return None
    path = Path(name)
    if not path.is_absolute() and not path.exists():
        path = results.path / name
    try:
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            return None
        return float(load_scenario(path).scenario.warmup_days)
    except (OSError, ScenarioError):
        return None


# --------------------------------------------------------------------------- figures


class _Figure(NamedTuple):
    """A figure the data allow: its file, heading, caption and how to draw it."""

    file: str
    title: str
    caption: str
    draw: Callable[[], Any]


def _backlog_figures(results: Results, plots: ModuleType) -> list[_Figure]:
    """The GO's backlog per design point and, when leaders hold documents, theirs."""
    backlog = results.backlog
    if backlog is None or backlog.empty:
        return []
    reps = int(results.kpis.groupby(["variant", "point"])["replication"].nunique().min())
    figures = [
        _Figure(
            "backlog_go.png",
            "General Office backlog over time",
            "Documents and instructions held by the GO at the end of each day: the median "
            f"over {reps} replications and the 10–90% band, one line per design point.",
            lambda: plots.backlog_by_design(backlog),
        )
    ]
    if (backlog["holder"].astype(str) != plots.GO).any():
        figures.append(
            _Figure(
                "backlog_leaders.png",
                "Leaders' backlog over time",
                "Documents waiting for each leader at the end of each day (median and "
                "10–90% band across replications), one panel per design point.",
                lambda: plots.backlog_by_holder(backlog),
            )
        )
    return figures


def _cycle_time_figures(results: Results, plots: ModuleType) -> list[_Figure]:
    """The full distribution from the event log when there is one, else the KPI percentiles."""
    if results.events is None or results.events.empty:
        kpis = results.kpis
        return [
            _Figure(
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
        _Figure(
            "cycle_times.png",
            "Cycle-time distribution",
            "Share of closed documents whose cycle (creation to close, calendar days) is at "
            f"most x, from the event log (all the replications it holds, pooled); {note}.",
            lambda: plots.cycle_time_ecdf(events, cases, warmup_days=warmup or 0.0),
        )
    ]


def _rate_and_utilisation_figures(results: Results, plots: ModuleType) -> list[_Figure]:
    """Return and breach rates (A63, A57) and utilisation, when the KPIs hold them."""
    kpis = results.kpis
    figures = []
    if [c for c in kpis.columns if c.endswith("_rate")]:
        figures.append(
            _Figure(
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
            _Figure(
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


def _meeting_figures(results: Results, plots: ModuleType) -> list[_Figure]:
    """Topic waits to decision (A49) and leader hours in meetings (A44–A47), when measured."""
    kpis = results.kpis
    figures = []
    waits = [m for m in _WAIT_LABELS if m in kpis.columns and kpis[m].notna().any()]
    if waits:
        figures.append(
            _Figure(
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
            _Figure(
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


def _paired_figures(results: Results, plots: ModuleType) -> list[_Figure]:
    """Variants against the baseline on common random numbers, when there are variants."""
    kpis = results.kpis
    if not (kpis["variant"].nunique() > 1 and BASELINE in set(kpis["variant"])):
        return []
    return [
        _Figure(
            "paired_differences.png",
            "Paired differences against the baseline",
            "Each variant minus the baseline, replication by replication (common random "
            "numbers), with the 95% paired-t interval; an interval that does not cross "
            "zero is a difference the replications resolve.",
            lambda: plots.paired_forest(kpis),
        )
    ]


def _sensitivity_figures(results: Results, plots: ModuleType) -> list[_Figure]:
    """The knobs' sensitivity indices, once ``govsim analyse --sensitivity`` wrote them."""
    path = results.path / "sensitivity.parquet"
    if not path.is_file():
        return []
    from govsim.plots.sensitivity import default_kpis, figure_name

    frame = pd.read_parquet(path)
    return [
        _Figure(
            figure_name(kpi, variant),
            f"What drives {plots.metric_label(kpi)} ({variant})",
            "Sobol' indices (S1: the knob alone; ST: with its interactions) or Morris effects "
            "(μ*, σ) of the design's knobs, with 95% bootstrap intervals.",
            lambda kpi=kpi, variant=variant: plots.sensitivity_bars(frame, kpi, variant),
        )
        for variant in frame["variant"].drop_duplicates()
        for kpi in default_kpis(frame)
    ]


FIGURES: tuple[Callable[[Results, ModuleType], list[_Figure]], ...] = (
    _backlog_figures,
    _cycle_time_figures,
    _rate_and_utilisation_figures,
    _meeting_figures,
    _paired_figures,
    _sensitivity_figures,
)
"""The report's figures, in page order: each entry gives those the folder's data allow."""


def _figures(results: Results, out: Path) -> tuple[list[FigureEntry], list[str]]:
    """Draw and save every figure that the folder's data allow; returns (written, skipped)."""
    from govsim import plots

    written: list[FigureEntry] = []
    skipped: list[str] = []
    for figures_of in FIGURES:
        for name, title, caption, draw in figures_of(results, plots):
            try:
                fig = draw()
            except ValueError as exc:
                skipped.append(f"{title}: {exc}")
                continue
            plots.save(fig, out / name)
            written.append(FigureEntry(name, title, caption))
    return written, skipped


# --------------------------------------------------------------------------- tables


def _num(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    ax = abs(x)
    if ax >= 1000:
        return f"{x:,.0f}"
    if ax >= 100:
        return f"{x:.0f}"
    if ax >= 10:
        return f"{x:.1f}"
    if ax >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def paired_table(kpis: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Headline KPIs, each variant minus the baseline paired on replication (common random
    numbers): baseline mean, difference, its paired-t interval and the relative change."""
    from govsim.experiment.summary import headline_metrics, summary_table
    from govsim.stats import paired_differences

    summary = summary_table(kpis, confidence)
    headline = [(m, lab) for m, lab in headline_metrics(summary) if m in kpis.columns]
    diffs = paired_differences(
        kpis,
        "variant",
        BASELINE,
        pair_on=["replication"],
        metrics=[m for m, _ in headline],
        confidence=confidence,
        by=["point"],
    )
    labels = dict(headline)
    rows = []
    for _, d in diffs.iterrows():
        design = d["variant"] if not d["point"] else f"{d['variant']} @ {d['point']}"
        low, high = d["low"], d["high"]
        resolved = not (math.isnan(low) or math.isnan(high)) and (low > 0 or high < 0)
        rel = d["relative_diff"]
        rows.append(
            {
                "KPI": labels[d["metric"]],
                "design": design,
                "pairs": int(d["n_pairs"]),
                "baseline mean": _num(d["baseline_mean"]),
                "difference": "–" if math.isnan(d["mean_diff"]) else f"{d['mean_diff']:+.3g}",
                f"{confidence:.0%} CI": f"[{_num(low)}, {_num(high)}]",
                "relative": "–" if math.isnan(rel) else f"{rel:+.1%}",
                "CI excludes 0": "yes" if resolved else "",
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- HTML

_CSS = """
body { font-family: -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC",
       "Microsoft YaHei", "PingFang SC", sans-serif; margin: 2em auto; max-width: 72em;
       padding: 0 1em; color: #222; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th { background: #f4f4f4; }
td:first-child, th:first-child { text-align: left; }
table.meta td { text-align: left; }
figure { margin: 1.2em 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; }
.note { font-size: 0.9em; color: #555; }
.warn { color: #a00; }
code { font-size: 0.95em; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table_html(frame: pd.DataFrame, index: bool) -> str:
    return frame.to_html(index=index, escape=True, border=0, na_rep="–")


def _meta_html(results: Results) -> str:
    m = results.manifest
    points = m.get("design_points") or []
    design_rows = []
    for p in points:
        if not isinstance(p, dict):
            continue
        label = p.get("variant", "?") + (f" @ {p['point']}" if p.get("point") else "")
        overrides = p.get("overrides") or {}
        text = ", ".join(f"{k} = {v}" for k, v in overrides.items()) or "scenario as written"
        design_rows.append(f"<li><b>{_e(label)}</b>: <code>{_e(text)}</code></li>")
    sha = m.get("scenario_sha256")
    rows = [
        ("scenario", m.get("scenario", "?")),
        ("scenario file", m.get("scenario_file") or "(built in code, no file)"),
        ("scenario SHA-256", sha or "–"),
        ("seed", m.get("seed", "?")),
        ("replications per design point", m.get("replications", "?")),
        ("govsim version", m.get("govsim_version", "?")),
        ("run started / finished", f"{m.get('started', '?')} / {m.get('finished', '?')}"),
        ("results folder", results.path),
    ]
    if m.get("status"):
        rows.insert(5, ("status", m["status"]))
    body = "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in rows)
    parts = [f'<table class="meta">{body}</table>']
    if design_rows:
        parts.append(f"<p>Design points:</p><ul>{''.join(design_rows)}</ul>")
    failures = m.get("failures") or []
    if failures:
        parts.append(
            f'<p class="warn">{len(failures)} replication(s) failed and are not in the '
            "figures or tables:</p><ul>"
            + "".join(
                f"<li>{_e(f.get('variant'))} replication {_e(f.get('replication'))}: "
                f"{_e(f.get('error'))}</li>"
                for f in failures
                if isinstance(f, dict)
            )
            + "</ul>"
        )
    return "\n".join(parts)


def _figure_html(entry: FigureEntry, out: Path) -> str:
    data = base64.b64encode((out / entry.file).read_bytes()).decode("ascii")
    return (
        f'<figure id="{_e(entry.file)}"><h3>{_e(entry.title)}</h3>'
        f'<a href="{_e(entry.file)}"><img alt="{_e(entry.title)}" '
        f'src="data:image/png;base64,{data}"></a>'
        f'<figcaption>{_e(entry.caption)} File: <a href="{_e(entry.file)}">'
        f"{_e(entry.file)}</a></figcaption></figure>"
    )


def render_html(
    results: Results,
    headline: pd.DataFrame,
    paired: pd.DataFrame | None,
    figures: list[FigureEntry],
    skipped: list[str],
    out: Path,
) -> str:
    """The report page as one HTML string (figures embedded from ``out``)."""
    m = results.manifest
    title = f"govsim report: {m.get('scenario', results.path.name)}"
    reps = int(results.kpis.groupby(["variant", "point"])["replication"].nunique().min())
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="note">Written {_e(now)} from <code>{_e(results.path)}</code>.</p>',
        "<h2>Run</h2>",
        _meta_html(results),
        "<h2>Headline KPIs</h2>",
        f'<p class="note">Mean over {reps} replications ± the half-width of the 95% '
        "Student-t interval, per design point; for variants, Δ is the paired difference "
        "against the baseline ± its half-width.</p>",
        _table_html(headline, index=True),
    ]
    if paired is not None and not paired.empty:
        parts += [
            "<h2>Paired differences against the baseline</h2>",
            '<p class="note">Every design point is run on common random numbers: '
            "replication <i>r</i> of each variant sees the same arrivals and effort draws "
            "as replication <i>r</i> of the baseline. Differences are therefore taken "
            "replication by replication and a paired-t interval is built from them, which "
            "is much narrower than comparing two independent samples. “CI excludes 0” marks "
            "a difference the replications resolve at 95%.</p>",
            _table_html(paired, index=False),
        ]
    parts.append("<h2>Figures</h2>")
    parts += [_figure_html(entry, out) for entry in figures]
    if skipped:
        parts.append('<p class="note">Not drawn: ' + "; ".join(_e(s) for s in skipped) + ".</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def build_report(results_dir: str | Path) -> Report:
    """Write the figures and ``report.html`` into ``results_dir/report/``.

    Raises :class:`ReportError` (one line) if ``results_dir`` is not a results folder.
    """
    from govsim.experiment.summary import headline_table, summary_table

    results = load_results(results_dir)
    out = results.path / REPORT_DIR
    out.mkdir(exist_ok=True)
    summary = summary_table(results.kpis)
    headline = headline_table(summary)
    variants = set(results.kpis["variant"])
    paired = paired_table(results.kpis) if BASELINE in variants and len(variants) > 1 else None
    figures, skipped = _figures(results, out)
    page = render_html(results, headline, paired, figures, skipped, out)
    html_path = out / HTML_NAME
    atomic_write(html_path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return Report(html_path, [out / f.file for f in figures], skipped)
