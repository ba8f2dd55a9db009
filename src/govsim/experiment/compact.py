"""The compact summary printed by ``govsim run`` and ``govsim summary``: design points as rows,
a few headline KPIs as columns, each cell the mean across replications ± the half-width of its
95% Student-t interval, and a second block with the paired difference (Δ) of every variant
against the baseline at the same sweep point (common random numbers).

The default KPIs are chosen so that the table of every shipped scenario fits a terminal
(80 columns): a core set (request cycle time, the GO's and the leaders' backlog, the A57
instruction-reply breach rate) plus the KPIs of the scenario's own question (the supervision
ledger's on-time share, meeting topic waits, substitution coverage) when the run measured
them. ``--kpi`` chooses others; ``--format`` gives the same numbers as Markdown, CSV or JSON.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Sequence

import pandas as pd

from govsim.experiment.summary import headline_metrics
from govsim.scenario.expand import BASELINE

FORMATS = ("table", "markdown", "csv", "json")
WIDTH = 80
MAX_ROWS = 40
"""Design points shown one per row at most; a sampled design or a large sweep (hundreds of
points) is summarised by the spread of its points' means instead."""

#: Always shown when measured (dropped from the end only if the table would not fit).
CORE_KPIS = (
    "cycle_request_p90_days",
    "backlog_go_mean",
    "instr_breach_rate",
    "backlog_leaders_mean",
)
#: The question of a scenario, by family: the first measured KPI (non-zero somewhere) of
#: each family is shown, up to :data:`MAX_FOCUS` families, in this order.
FOCUS_KPIS = (
    ("sub_coverage", "absent_wait_hours_mean"),  # 补位 (A8)
    ("topic_wait_mean_days", "quorum_failures"),  # meetings (A44–A49)
    ("ledger_due_on_time_share", "ledger_red_mean"),  # supervision ledger (A69–A74)
)
MAX_FOCUS = 2

#: Column headers of the table (narrow); other KPIs are headed by their column name.
SHORT: dict[str, str] = {
    "cycle_request_p90_days": "request p90 (d)",
    "cycle_request_p50_days": "request p50 (d)",
    "cycle_report_p90_days": "report p90 (d)",
    "backlog_go_mean": "GO backlog",
    "backlog_leaders_mean": "leaders' backlog",
    "instr_breach_rate": "A57 late",
    "go_return_rate": "GO returns",
    "done_request": "requests done",
    "ledger_due_on_time_share": "ledger on time",
    "ledger_red_mean": "ledger red",
    "topic_wait_mean_days": "topic wait (d)",
    "quorum_failures": "no quorum",
    "sub_coverage": "sub. coverage",
    "absent_wait_hours_mean": "absent wait (h)",
}


class KpiError(ValueError):
    """A KPI name the run did not measure; the message is one line."""


def _is_share(metric: str) -> bool:
    return metric.endswith(("_rate", "_share", "_coverage")) or metric.startswith("util_")


def _informative(summary: pd.DataFrame) -> set[str]:
    """KPIs with a non-zero mean at some design point."""
    nonzero = summary.assign(nz=summary["mean"].fillna(0) != 0).groupby("metric")["nz"].any()
    return set(nonzero.index[nonzero])


def default_kpis(summary: pd.DataFrame) -> list[str]:
    """The scenario's focus KPIs (up to two) and the core ones, all measured and non-zero."""
    present = _informative(summary)
    firsts = ([m for m in family if m in present][:1] for family in FOCUS_KPIS)
    focus = [m for first in firsts for m in first][:MAX_FOCUS]
    return [*(m for m in CORE_KPIS if m in present), *focus]


def resolve_kpis(summary: pd.DataFrame, wanted: Sequence[str]) -> list[str]:
    """KPI names from ``--kpi`` (repeated or comma-separated; ``all`` = every headline KPI);
    raises :class:`KpiError` naming the closest measured KPIs for an unknown name."""
    names = [n.strip() for item in wanted for n in item.split(",") if n.strip()]
    measured = list(dict.fromkeys(summary["metric"]))
    out: list[str] = []
    for name in names:
        if name == "all":
            present = _informative(summary)
            out += [m for m, _ in headline_metrics(summary) if m in present]
        elif name in measured:
            out.append(name)
        else:
            close = difflib.get_close_matches(name, measured, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KpiError(f"--kpi: {name!r} is not a KPI of this run{hint}")
    return list(dict.fromkeys(out))


def compact_frame(summary: pd.DataFrame, kpis: Sequence[str]) -> pd.DataFrame:
    """Tidy rows, one per design point and KPI: design, variant, point, metric, n, mean,
    half_width and (for variants) diff, diff_half_width — the numbers of every format."""
    rows = summary.loc[summary["metric"].isin(kpis)].copy()
    for col in ("diff", "diff_half_width"):
        if col not in rows:
            rows[col] = math.nan
    rows["point"] = rows["point"].fillna("").astype(str)
    rows["design"] = [
        v if not p else f"{v} @ {p}" for v, p in zip(rows["variant"], rows["point"], strict=True)
    ]
    order = {m: i for i, m in enumerate(kpis)}
    rows = rows.sort_values("metric", key=lambda s: s.map(order), kind="stable")
    cols = ["design", "variant", "point", "metric", "n", "mean", "half_width"]
    return rows[[*cols, "diff", "diff_half_width"]].reset_index(drop=True)


def _digits(x: float) -> int:
    ax = abs(x)
    return 0 if ax >= 100 else 1 if ax >= 10 else 2 if ax >= 1 else 3


def _cell(mean: float, hw: float, metric: str, signed: bool = False) -> str:
    """``9.60 ± 2.63``; shares in %: ``13.9% ± 2.6``; ``–`` when not measured."""
    if mean is None or math.isnan(mean):
        return "–"
    sign = "+" if signed else ""
    if _is_share(metric):
        text = f"{mean * 100:{sign}.1f}%"
        return text if math.isnan(hw) else f"{text} ± {hw * 100:.1f}"
    d = _digits(mean)
    text = f"{mean:{sign}.{d}f}"
    return text if math.isnan(hw) else f"{text} ± {hw:.{d}f}"


def _design_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """``variant`` plus one column per sweep key (its last dotted part) holding the values."""
    designs = frame.drop_duplicates("design")[["design", "variant", "point"]]
    out = pd.DataFrame({"variant": designs["variant"].astype(str).to_numpy()})
    parsed = [_pairs(p) for p in designs["point"]]
    for key in dict.fromkeys(k for d in parsed for k in d):
        out[key.rsplit(".", 1)[-1]] = [d.get(key, "") for d in parsed]
    out.index = designs["design"].to_numpy()
    return out


def _pairs(point: str) -> dict[str, str]:
    """The ``key=value`` pairs of a point's label (a sampled design's number, ``#0007 ``,
    is not one of them: each point would get a column of its own)."""
    body = point.split(" ", 1)[-1] if point.startswith("#") else point
    return dict(kv.split("=", 1) for kv in body.split(",") if "=" in kv)


def _block(frame: pd.DataFrame, kpis: Sequence[str], diff: bool) -> pd.DataFrame:
    """The text cells of one block (means, or Δ against the baseline)."""
    mean, hw = ("diff", "diff_half_width") if diff else ("mean", "half_width")
    cells = frame.assign(
        cell=[
            _cell(m, h, k, signed=diff)
            for m, h, k in zip(frame[mean], frame[hw], frame["metric"], strict=True)
        ]
    )
    wide = cells.pivot(index="design", columns="metric", values="cell")
    table = _design_columns(frame).join(wide[[k for k in kpis if k in wide.columns]])
    if diff:
        table = table.loc[frame.groupby("design")[mean].apply(lambda s: s.notna().any())]
    return table.rename(columns={k: SHORT.get(k, k) for k in kpis}).reset_index(drop=True)


def _text(table: pd.DataFrame, width: int) -> str:
    """Fixed-width text; wrapped into blocks of columns only if wider than ``width``."""
    text = table.to_string(index=False, na_rep="")
    if max(len(line) for line in text.splitlines()) <= width:
        return text
    return table.to_string(index=False, line_width=width, na_rep="")


def _fits(summary: pd.DataFrame, kpis: Sequence[str], width: int) -> bool:
    frame = compact_frame(summary, kpis)
    blocks = (_block(frame, kpis, diff=d) for d in (False, True))
    texts = [_text(b, 10_000) for b in blocks if not b.empty]
    return all(len(line) <= width for t in texts for line in t.splitlines())


def fit_kpis(summary: pd.DataFrame, kpis: Sequence[str], width: int = WIDTH) -> list[str]:
    """``kpis`` less the last core ones until the table fits ``width`` columns."""
    kpis = list(kpis)
    while len(kpis) > 1 and not _fits(summary, kpis, width):
        core = [k for k in kpis if k in CORE_KPIS]
        kpis.remove(core[-1] if core else kpis[-1])
    return kpis


def _reps(frame: pd.DataFrame) -> str:
    n = frame["n"].dropna()
    if n.empty:
        return "?"
    lo, hi = int(n.min()), int(n.max())
    return str(lo) if lo == hi else f"{lo}–{hi}"


def _markdown(table: pd.DataFrame) -> str:
    head = "| " + " | ".join(map(str, table.columns)) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.to_numpy()]
    return "\n".join([head, rule, *body])


def compact_blocks(
    summary: pd.DataFrame, kpis: Sequence[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two tables of the summary as frames of text cells: means per design point, and Δ
    against the baseline (empty without variants). ``kpis=None``: the default KPIs."""
    kpis = list(kpis) if kpis is not None else default_kpis(summary)
    frame = compact_frame(summary, kpis)
    deltas = _block(frame, kpis, diff=True)
    if BASELINE not in set(frame["variant"]):
        deltas = deltas.iloc[0:0]
    return _block(frame, kpis, diff=False), deltas


def render(summary: pd.DataFrame, kpis: Sequence[str], fmt: str = "table") -> str:
    """The compact summary of ``kpis`` as ``table`` (80-column text), ``markdown``, ``csv``
    or ``json`` (the last two: tidy numbers, one record per design point and KPI)."""
    frame = compact_frame(summary, kpis)
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n")
    if fmt == "json":
        records = json.loads(frame.to_json(orient="records", double_precision=15))
        return json.dumps(records, indent=1, ensure_ascii=False) + "\n"
    if frame["design"].nunique() > MAX_ROWS:
        return _spread(frame, kpis, fmt)
    means = _block(frame, kpis, diff=False)
    deltas = _block(frame, kpis, diff=True)
    has_delta = not deltas.empty and BASELINE in set(frame["variant"])
    legend = f"mean ± 95% half-width, {_reps(frame)} replications" + (
        "; Δ: variant − baseline, paired" if has_delta else ""
    )
    if fmt == "markdown":
        parts = [f"Mean ± 95% half-width over {_reps(frame)} replications", "", _markdown(means)]
        if has_delta:
            parts += ["", "Δ: variant − baseline, paired on replication", "", _markdown(deltas)]
        return "\n".join(parts) + "\n"
    parts = [_text(means, WIDTH)]
    if has_delta:
        parts += ["", "Δ vs baseline (paired on replication):", _text(deltas, WIDTH)]
    parts.append(legend)
    return "\n".join(parts) + "\n"


def _spread(frame: pd.DataFrame, kpis: Sequence[str], fmt: str) -> str:
    """Many design points: per KPI, the spread of the points' means (minimum, quartiles,
    maximum), and where to find each point's numbers."""
    stats = frame.groupby("metric", sort=False)["mean"].describe()
    stats = stats.reindex([k for k in kpis if k in stats.index])
    table = pd.DataFrame(
        {
            col: [f"{v:.{_digits(v)}f}" for v in stats[key]]
            for col, key in (
                ("min", "min"),
                ("25%", "25%"),
                ("median", "50%"),
                ("75%", "75%"),
                ("max", "max"),
            )
        },
        index=stats.index.rename("KPI"),
    )
    points = frame["design"].nunique()
    head = f"{points} design points: the spread of their means over {_reps(frame)} replications"
    hint = (
        "Each point: govsim summary RESULTS_DIR --format csv\n"
        "What drives them: govsim analyse RESULTS_DIR --sensitivity"
    )
    if fmt == "markdown":
        shown = table.reset_index()
        return "\n".join([head, "", _markdown(shown), "", hint]) + "\n"
    return "\n".join([head, table.to_string(), hint]) + "\n"
