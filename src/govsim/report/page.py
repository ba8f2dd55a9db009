"""The report page: the run's identity, the headline and paired-difference tables and the
figures, as one self-contained HTML file (figures embedded)."""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from govsim.report.results import Results
from govsim.scenario.expand import BASELINE


@dataclass
class FigureEntry:
    """One figure of the report: its file, heading and how to read it."""

    file: str
    title: str
    caption: str


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


def _overview_html(overview: tuple[pd.DataFrame, pd.DataFrame] | None) -> list[str]:
    """The compact summary's tables, then the opening of the fold holding every headline KPI."""
    if overview is None:
        return []
    means, deltas = overview
    parts = [_table_html(means, index=False)]
    if not deltas.empty:
        parts += ["<p>Δ: each variant minus the baseline at the same point, paired on "
                  "replication:</p>", _table_html(deltas, index=False)]  # fmt: skip
    return [*parts, "<details><summary>Every headline KPI</summary>"]


def render_html(
    results: Results,
    headline: pd.DataFrame,
    paired: pd.DataFrame | None,
    figures: list[FigureEntry],
    skipped: list[str],
    out: Path,
    overview: tuple[pd.DataFrame, pd.DataFrame] | None = None,
) -> str:
    """The report page as one HTML string (figures embedded from ``out``); ``overview`` is the
    compact summary (means and Δ per design point, :func:`govsim.experiment.compact.
    compact_blocks`) shown first, the full headline table then folded below it."""
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
        *_overview_html(overview),
        _table_html(headline, index=True),
        "</details>" if overview is not None else "",
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
            f"<details><summary>The {len(paired)} differences, KPI by KPI</summary>",
            _table_html(paired, index=False),
            "</details>",
        ]
    if results.desks is not None and not results.desks.empty:
        parts += _desks_html(results.desks)
    parts.append("<h2>Figures</h2>")
    parts += [_figure_html(entry, out) for entry in figures]
    if skipped:
        parts.append('<p class="note">Not drawn: ' + "; ".join(_e(s) for s in skipped) + ".</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _desks_html(desks: pd.DataFrame) -> list[str]:
    """The five units that breach most, over every design point and replication."""
    from govsim.kpis.desks import top_breaching_units

    top = top_breaching_units(desks, 5).set_index("unit")
    return [
        "<h2>Units that breach most</h2>",
        '<p class="note">Per replication, over every design point: countersign answers '
        "deemed given (A59), instruction replies overdue (A57), ledger items overdue (A70), "
        "and the share of the desk's staff time spent on jobs.</p>",
        _table_html(top.map(_num), index=True),
    ]
