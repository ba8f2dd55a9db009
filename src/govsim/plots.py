"""Figures from a results folder: backlog over time, cycle times, rates, paired differences and
utilisation, each across design points with the uncertainty of the replications.

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
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from govsim.core.files import atomic_write
from govsim.core.org import GO
from govsim.scenario.expand import BASELINE
from govsim.stats import paired_differences, summarise

__all__ = [
    "backlog_by_design",
    "backlog_by_holder",
    "cjk_font",
    "cycle_time_distribution",
    "cycle_time_ecdf",
    "cycle_time_percentiles",
    "design_label",
    "metric_bars",
    "metric_label",
    "paired_forest",
    "rates_by_design",
    "save",
    "term",
    "utilisation_by_design",
]

#: Fonts with CJK glyphs, most preferred first; any other font covering the probe text also
#: qualifies.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Sarasa Gothic SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "AR PL UKai CN",
)
#: Characters a font must draw to count as CJK-capable (terms used in the figures).
CJK_PROBE = "济宁市人民政府办公室请示报告批示副市长秘书圈阅"
#: Fonts that "have" every glyph only as a placeholder box.
_PLACEHOLDER_FONTS = ("Last Resort",)
LATIN_FONT = "DejaVu Sans"

DPI = 120
BAND = (0.10, 0.90)
CONFIDENCE = 0.95

#: Readable names of known KPIs; other metrics get a name derived from the column name.
METRIC_LABELS: dict[str, str] = {
    "go_return_rate": "GO return rate",
    "instr_breach_rate": "instruction reply breach rate",
    "go_wait_mean_hours": "wait for GO review, mean",
    "util_go": "GO utilisation",
    "backlog_go_mean": "GO backlog, mean",
    "backlog_go_max": "GO backlog, max",
    "backlog_leaders_mean": "leaders' backlog, mean",
    "backlog_leaders_max": "leaders' backlog, max",
    "instr_replied_late": "instruction replies late",
    "instr_overdue_open": "instruction replies overdue, open",
    "instr_replied_on_time": "instruction replies on time",
}
_UNITS = (
    ("_wd", "working days"),
    ("_days", "days"),
    ("_hours", "hours"),
    ("_minutes", "minutes"),
)

#: Paired-difference KPIs shown by default (those present in the frame).
FOREST_DEFAULT = (
    "cycle_request_p90_days",
    "cycle_report_p90_days",
    "go_wait_mean_hours",
    "backlog_go_mean",
    "go_return_rate",
    "instr_breach_rate",
    "util_go",
)

_STYLE = {
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "axes.titleweight": "bold",
    "figure.titlesize": "large",
    "legend.fontsize": "small",
    "legend.frameon": False,
    "axes.unicode_minus": True,
}


# --------------------------------------------------------------------------- fonts and text


def _font_path(name: str) -> list[str]:
    from matplotlib import font_manager

    return [f.fname for f in font_manager.fontManager.ttflist if f.name == name]


@functools.cache
def _charmap(path: str) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    try:
        return frozenset(FT2Font(path).get_charmap())
    except (OSError, RuntimeError, ValueError):
        return frozenset()


def _covers(path: str, text: str) -> bool:
    cmap = _charmap(path)
    return all(ord(ch) in cmap for ch in text)


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font that draws Chinese, or None.

    Preferred fonts (:data:`CJK_FONTS`) are tried first, then every other font matplotlib
    knows; a font qualifies only if its character map covers :data:`CJK_PROBE`. Placeholder
    fonts (which draw every character as a box) never qualify.
    """
    from matplotlib import font_manager

    for name in CJK_FONTS:
        if any(_covers(p, CJK_PROBE) for p in _font_path(name)):
            return name
    for entry in font_manager.fontManager.ttflist:
        if entry.name.startswith(_PLACEHOLDER_FONTS) or entry.name in CJK_FONTS:
            continue
        if _covers(entry.fname, CJK_PROBE):
            return entry.name
    return None


def _families() -> list[str]:
    cjk = cjk_font()
    return [LATIN_FONT, cjk] if cjk else [LATIN_FONT]


@functools.lru_cache(maxsize=1)
def _drawable() -> frozenset[int]:
    chars: set[int] = set()
    for family in _families():
        for path in _font_path(family):
            chars |= _charmap(path)
    return frozenset(chars)


def term(english: str, chinese: str) -> str:
    """``"General Office (市政府办公室)"`` if a CJK font is available, else ``"General Office"``."""
    return f"{english} ({chinese})" if cjk_font() else english


def _text(label: object, fallback: str = "") -> str:
    """A user-supplied name made safe to draw: characters no font has are dropped (never shown
    as boxes) and ``$`` is escaped so it is not read as mathtext."""
    text = str(label)
    chars = _drawable()
    if chars:
        text = "".join(ch for ch in text if ord(ch) in chars or ch.isspace())
    text = re.sub(r"\s+", " ", text).strip()
    if not text or not any(ch.isalnum() for ch in text):
        text = fallback or "?"
    return text.replace("$", r"\$")


class _NoWeightFallbackNotice(logging.Filter):
    """Hide matplotlib's notice that a CJK font has no bold face (it then uses the regular)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Failed to find font weight" not in record.getMessage()


_FONT_NOTICE = _NoWeightFallbackNotice()


@contextlib.contextmanager
def _style() -> Iterator[None]:
    logger = logging.getLogger("matplotlib.font_manager")
    logger.addFilter(_FONT_NOTICE)
    try:
        with mpl.rc_context({**_STYLE, "font.family": _families()}):
            yield
    finally:
        logger.removeFilter(_FONT_NOTICE)


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained", dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def save(fig: Figure, path: str | Path, dpi: int = DPI) -> Path:
    """Write ``fig`` as a PNG at ``path`` atomically (complete or absent); returns the path."""
    path = Path(path)

    def write(tmp: Path) -> None:
        with _style():
            fig.savefig(tmp, format="png", dpi=dpi)

    return atomic_write(path, write)


# --------------------------------------------------------------------------- design points


def design_label(variant: object, point: object = "") -> str:
    """``variant`` or ``variant @ point``, as in the summary table."""
    point = "" if point is None or (isinstance(point, float) and math.isnan(point)) else point
    return f"{variant} @ {point}" if point else str(variant)


def _with_design(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``design`` column (variant @ point); keeps row order."""
    if "variant" not in frame.columns:
        raise ValueError("column 'variant' not found; is this a govsim results frame?")
    points = frame["point"] if "point" in frame.columns else pd.Series("", index=frame.index)
    out = frame.copy()
    out["point"] = points.fillna("").astype(str)
    out["variant"] = out["variant"].astype(str)
    out["design"] = [design_label(v, p) for v, p in zip(out["variant"], out["point"], strict=True)]
    return out


def _designs(frame: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(frame["design"]))


def _colours(designs: Sequence[str]) -> dict[str, str]:
    cycle = [f"C{i}" for i in range(10)]
    return {d: cycle[i % len(cycle)] for i, d in enumerate(designs)}


_LINESTYLES = ("-", "--", "-.", ":")


def _linestyles(designs: Sequence[str]) -> dict[str, str]:
    """A line style per design point, so that coinciding lines stay distinguishable."""
    return {d: _LINESTYLES[i % len(_LINESTYLES)] for i, d in enumerate(designs)}


def _reps(frame: pd.DataFrame) -> int:
    if "replication" not in frame.columns:
        return 1
    return int(frame.groupby("design")["replication"].nunique().min())


# --------------------------------------------------------------------------- metric names


def metric_label(metric: str) -> str:
    """A readable name of a KPI column (units given separately by :func:`metric_unit`)."""
    from govsim.experiment.summary import HEADLINE

    known = {**dict(HEADLINE), **METRIC_LABELS}
    if metric in known:
        return re.sub(r" \((days|hours)\)$", "", known[metric])
    m = re.fullmatch(r"cycle_(\w+?)_(mean|p\d+)_(days|wd)", metric)
    if m:
        stat = "mean" if m[2] == "mean" else m[2]
        return f"{m[1]} cycle time, {stat}"
    if metric.startswith("util_"):
        return f"{metric[len('util_') :]} utilisation"
    m = re.fullmatch(r"backlog_(\w+)_(mean|max)", metric)
    if m:
        return f"{m[1]} backlog, {m[2]}"
    name = metric
    for suffix, _ in _UNITS:
        name = name.removesuffix(suffix)
    return name.replace("_", " ")


def metric_unit(metric: str) -> str:
    """The unit of a KPI column from its name: ``%`` for rates, shares and utilisation, a time
    unit for durations, ``items`` for backlogs, else ``count``."""
    if metric.endswith("_rate") or metric.startswith("util_") or metric.endswith("_share"):
        return "%"
    for suffix, unit in _UNITS:
        if metric.endswith(suffix):
            return unit
    if metric.startswith("backlog_"):
        return "items"
    return "count"


def _is_share(metric: str) -> bool:
    return metric_unit(metric) == "%"


# --------------------------------------------------------------------------- backlog


def _backlog_frame(backlog: pd.DataFrame) -> pd.DataFrame:
    for col in ("day", "holder", "backlog"):
        if col not in backlog.columns:
            raise ValueError(f"backlog frame has no {col!r} column")
    out = _with_design(backlog)
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


def _titles(fig: Figure, ax, main: str, sub: str) -> None:  # type: ignore[no-untyped-def]
    """A bold figure title and a small plain subtitle (how to read the figure)."""
    fig.suptitle(main, fontweight="bold")
    ax.set_title(sub, fontsize="small", fontweight="normal")


def _holder_name(holder: str) -> str:
    return term("General Office", "市政府办公室") if holder == GO else _text(holder)


def _holder_short(holder: str) -> str:
    """``go`` (as in ``util_go``) → ``GO``; a leader id unchanged."""
    return GO if holder.lower() == GO.lower() else holder


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
    designs = _designs(frame)
    colours, styles = _colours(designs), _linestyles(designs)
    with _style():
        fig = _figure(9, 4.6)
        ax = fig.add_subplot()
        for i, design in enumerate(designs):
            _median_with_band(
                ax,
                _band(frame.loc[frame["design"] == design], band),
                colours[design],
                alpha=0.18,
                linestyle=styles[design],
                label=_text(design, f"design {i + 1}"),
                linewidth=1.6,
            )
        _date_axis(ax)
        ax.set_ylim(bottom=0)
        ax.set_ylabel("items held at end of day")
        ax.set_xlabel("date")
        _titles(
            fig, ax, f"{_holder_name(holder)}: backlog over time", _band_text(band, _reps(frame))
        )
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
    designs = _designs(frame)
    ncols = max(1, min(ncols, len(designs)))
    nrows = math.ceil(len(designs) / ncols)
    with _style():
        fig = _figure(5.2 * ncols, 3.4 * nrows + 0.8)
        axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False).ravel()
        for i, design in enumerate(designs):
            ax = axes[i]
            _holder_lines(ax, frame.loc[frame["design"] == design], holders, band)
            ax.set_title(_text(design, f"design {i + 1}"))
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
            f"Backlog per holder over time\n{_band_text(band, _reps(frame))}", fontweight="bold"
        )
    return fig


def _chosen_holders(frame: pd.DataFrame, holders: Sequence[str] | None) -> list[str]:
    """The holders asked for (default: all but the GO, or the GO alone), all present."""
    present = list(dict.fromkeys(frame["holder"]))
    if holders is None:
        holders = [h for h in present if h != GO] or present
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
            label=_holder_name(holder),
            linewidth=1.3,
        )


# --------------------------------------------------------------------------- cycle times


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
    return term(name, zh) if zh else _text(name)


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
    frame = _with_design(kpis)
    types = list(doc_types) if doc_types is not None else _doc_types(frame, unit)
    if not types:
        raise ValueError(f"no cycle_<type>_p<q>_{unit} columns in the KPI frame")
    designs = _designs(frame)
    with _style():
        fig = _figure(5.0 * len(types), 1.6 + 0.6 * len(designs) + 0.6)
        axes = fig.subplots(1, len(types), squeeze=False).ravel()
        for ax, doc_type in zip(axes, types, strict=True):
            stats_cols = _cycle_stat_columns(frame, doc_type, unit)
            table = summarise(frame, by=["design"], metrics=stats_cols, confidence=confidence)
            _statistic_markers(ax, table, stats_cols, designs)
            ax.set_yticks(
                np.arange(len(designs)),
                [_text(d, f"design {i + 1}") for i, d in enumerate(designs)],
            )
            ax.invert_yaxis()
            ax.set_xlim(left=0)
            ax.set_xlabel(f"cycle time ({_unit_name(unit)})")
            ax.set_title(_doc_type_name(doc_type))
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
        fig.suptitle(
            f"Cycle time, creation to close: mean of {_reps(frame)} replications "
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
        created = _keyed(cases, keys)[[*keys, "case_type", "created"]]
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
    return _with_design(out)


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
    ``doc.closed``, in calendar days; cases created before ``warmup_days`` are left out, as in
    the KPIs; withdrawn and still-open cases have no cycle time.
    """
    cycles = _closed_cycles(events, cases, warmup_days)
    if cycles.empty:
        raise ValueError("the event log has no closed cases")
    if doc_types is None:
        present = list(dict.fromkeys(cycles["case_type"]))
        known = [t for t in _KNOWN_TYPES if t in present]
        doc_types = known + [t for t in present if t not in known]
    types = list(doc_types)
    designs = _designs(cycles)
    colours, styles = _colours(designs), _linestyles(designs)
    with _style():
        fig = _figure(5.0 * len(types), 4.3)
        axes = fig.subplots(1, len(types), squeeze=False, sharey=True).ravel()
        for ax, doc_type in zip(axes, types, strict=True):
            sub = cycles.loc[cycles["case_type"] == doc_type]
            for i, design in enumerate(designs):
                x = np.sort(sub.loc[sub["design"] == design, "cycle_days"].to_numpy())
                if x.size == 0:
                    continue
                y = np.arange(1, x.size + 1) / x.size
                ax.step(
                    x,
                    y,
                    where="post",
                    color=colours[design],
                    linestyle=styles[design],
                    label=f"{_text(design, f'design {i + 1}')} (n={x.size})",
                )
            for q in (0.5, 0.9):
                ax.axhline(q, color="grey", linewidth=0.6, linestyle=":")
            ax.set_xlim(left=0)
            ax.set_ylim(0, 1.01)
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
            ax.set_xlabel("cycle time, creation to close (calendar days)")
            ax.set_title(_doc_type_name(doc_type))
            ax.legend(loc="lower right")
        axes[0].set_ylabel("share of closed documents")
        reps = cycles.groupby("design")["replication"].nunique().min()
        fig.suptitle(
            f"Cycle-time distribution: empirical CDF, {reps} replication"
            f"{'s' if reps != 1 else ''} pooled",
            fontweight="bold",
        )
    return fig


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


# --------------------------------------------------------------------------- KPIs per design


def metric_bars(
    kpis: pd.DataFrame,
    metrics: Sequence[str],
    *,
    labels: Sequence[str] | None = None,
    ylabel: str | None = None,
    title: str | None = None,
    confidence: float = CONFIDENCE,
) -> Figure:
    """Grouped bars: one group per metric, one bar per design point, height the mean over
    replications with a ``confidence`` t-interval error bar.

    Works for any KPI columns; rates and utilisations (``*_rate``, ``util_*``) are shown in %.
    Metrics in one figure should share a unit.
    """
    metrics = list(metrics)
    if not metrics:
        raise ValueError("no metrics to plot")
    frame = _with_design(kpis)
    missing = [m for m in metrics if m not in frame.columns]
    if missing:
        raise ValueError(f"metric(s) {missing} not in the KPI frame")
    labels = list(labels) if labels is not None else [metric_label(m) for m in metrics]
    designs = _designs(frame)
    colours = _colours(designs)
    table = summarise(frame, by=["design"], metrics=metrics, confidence=confidence)
    share = all(_is_share(m) for m in metrics)
    scale = 100.0 if share else 1.0
    width = 0.8 / len(designs)
    x = np.arange(len(metrics))
    with _style():
        fig = _figure(min(12.0, max(5.0, 1.2 + len(metrics) * (0.3 * len(designs) + 0.4))), 4.5)
        ax = fig.add_subplot()
        for i, design in enumerate(designs):
            rows = table.loc[table["design"] == design].set_index("metric").loc[metrics]
            ax.bar(
                x - 0.4 + width * (i + 0.5),
                rows["mean"] * scale,
                width,
                yerr=rows["half_width"].fillna(0.0) * scale,
                capsize=3,
                color=colours[design],
                label=_text(design, f"design {i + 1}"),
                error_kw={"elinewidth": 1.0},
            )
        _metric_axes(ax, metrics, labels, share=share, ylabel=ylabel)
        ax.legend(title="design point")
        ax.grid(axis="x", visible=False)
        _titles(
            fig,
            ax,
            title or "KPIs per design point",
            f"bar: mean of {_reps(frame)} replications, error bar: {confidence:.0%} t-interval",
        )
    return fig


def _metric_axes(  # type: ignore[no-untyped-def]
    ax, metrics: list[str], labels: list[str], *, share: bool, ylabel: str | None
) -> None:
    """Metric names under the groups (slanted when many), the y axis in % for shares, and a
    y label with the metrics' common unit."""
    ax.set_xticks(
        np.arange(len(metrics)), [_text(lab, m) for lab, m in zip(labels, metrics, strict=True)]
    )
    if len(metrics) > 4:
        for tick in ax.get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
    if share:
        ax.yaxis.set_major_formatter(PercentFormatter(100.0))
    units = {metric_unit(m) for m in metrics}
    unit = units.pop() if len(units) == 1 else ""
    ax.set_ylabel(ylabel or (f"mean ({unit})" if unit else "mean"))
    ax.set_ylim(bottom=0)


def rates_by_design(
    kpis: pd.DataFrame, metrics: Sequence[str] | None = None, **kwargs: object
) -> Figure:
    """GO return rate and instruction breach rate (default: every ``*_rate`` column) per
    design point with 95% error bars."""
    if metrics is None:
        metrics = [c for c in kpis.columns if c.endswith("_rate")]
    kwargs.setdefault("title", "Return and breach rates per design point")
    kwargs.setdefault("ylabel", "share of documents / replies (%)")
    return metric_bars(kpis, metrics, **kwargs)  # type: ignore[arg-type]


def utilisation_by_design(
    kpis: pd.DataFrame, metrics: Sequence[str] | None = None, **kwargs: object
) -> Figure:
    """Utilisation of the GO's reviewers and of each leader's document time (default: every
    ``util_*`` column) per design point with 95% error bars."""
    if metrics is None:
        metrics = [c for c in kpis.columns if c.startswith("util_")]
    kwargs.setdefault(
        "labels",
        [
            _holder_short(m[len("util_") :]) if m.startswith("util_") else metric_label(m)
            for m in metrics
        ],
    )
    kwargs.setdefault("title", "Utilisation per design point")
    kwargs.setdefault("ylabel", "busy share of office time (%)")
    return metric_bars(kpis, metrics, **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- paired differences


def _forest_panel(  # type: ignore[no-untyped-def]
    ax, rows: pd.DataFrame, designs: list[str], colours: dict[str, str], metric: str
) -> None:
    """One metric's panel: a row per design point with the mean paired difference and its
    interval, annotated with the difference relative to the baseline mean; the x axis is
    symmetric about zero so the sign reads at a glance."""
    scale = 100.0 if _is_share(metric) else 1.0
    for k, design in enumerate(designs):
        row = rows.loc[design]
        hw = row["half_width"]
        ax.errorbar(
            [row["mean_diff"] * scale],
            [k],
            xerr=[[0.0 if math.isnan(hw) else hw * scale]],
            fmt="o",
            color=colours[design],
            capsize=4,
        )
        rel = row["relative_diff"]
        if not math.isnan(rel):
            ax.annotate(
                f"{rel:+.1%} of baseline",
                (1.0, k),
                xycoords=("axes fraction", "data"),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
    ax.axvline(0.0, color="black", linewidth=0.8)
    names = [_text(d, f"design {i + 2}") for i, d in enumerate(designs)]
    ax.set_yticks(np.arange(len(designs)), names)
    ax.set_ylim(len(designs) - 0.5, -0.5)
    unit = metric_unit(metric)
    unit_text = "percentage points" if unit == "%" else unit
    ax.set_xlabel(f"difference in {metric_label(metric)} ({unit_text})", fontsize=9)
    ax.grid(axis="y", visible=False)
    lo, hi = ax.get_xlim()
    span = max(abs(lo), abs(hi))
    ax.set_xlim(-span, span)


def _paired_by_design(
    frame: pd.DataFrame, metrics: list[str], baseline: str, confidence: float
) -> tuple[pd.DataFrame, list[str]]:
    """Paired differences of every design point but the baseline, labelled by design, and
    those design points in order; a ValueError when there is nothing to compare."""
    if not metrics:
        raise ValueError("no metrics to compare")
    if baseline not in set(frame["variant"]):
        raise ValueError(f"baseline {baseline!r} not among the variants")
    others = [d for d, v in zip(frame["design"], frame["variant"], strict=True) if v != baseline]
    if not others:
        raise ValueError("only the baseline was run: there is nothing to compare")
    diffs = paired_differences(
        frame.drop(columns=["design"]),
        "variant",
        baseline,
        pair_on=["replication"],
        metrics=metrics,
        confidence=confidence,
        by=["point"],
    )
    diffs["design"] = [
        design_label(v, p) for v, p in zip(diffs["variant"], diffs["point"], strict=True)
    ]
    return diffs, list(dict.fromkeys(others))


def paired_forest(
    kpis: pd.DataFrame,
    metrics: Sequence[str] | None = None,
    *,
    baseline: str = BASELINE,
    confidence: float = CONFIDENCE,
) -> Figure:
    """Forest plot of paired differences against ``baseline``: one panel per metric, one row per
    other design point, the mean difference over replications paired on ``replication``
    (common random numbers) with its ``confidence`` paired-t interval.

    Each row is annotated with the difference relative to the baseline mean. A sweep is paired
    point by point. ``metrics=None`` takes the headline KPIs in :data:`FOREST_DEFAULT` that the
    frame has.
    """
    frame = _with_design(kpis)
    if metrics is None:
        metrics = [m for m in FOREST_DEFAULT if m in frame.columns]
    metrics = list(metrics)
    diffs, designs = _paired_by_design(frame, metrics, baseline, confidence)
    colours = _colours(_designs(frame))
    with _style():
        fig = _figure(7.5, 0.9 + len(metrics) * (0.45 * len(designs) + 0.75))
        axes = fig.subplots(len(metrics), 1, squeeze=False).ravel()
        for ax, metric in zip(axes, metrics, strict=True):
            rows = diffs.loc[diffs["metric"] == metric].set_index("design").loc[designs]
            _forest_panel(ax, rows, designs, colours, metric)
        n = int(diffs["n_pairs"].min()) if len(diffs) else 0
        fig.suptitle(
            f"Paired differences vs {_text(baseline, 'baseline')}\n"
            f"mean of {n} replication pairs on common random numbers, "
            f"{confidence:.0%} paired-t interval",
            fontweight="bold",
        )
    return fig
