"""What every figure shares: fonts (Chinese only where a font draws it), the drawing style,
design-point labels and colours, KPI names and units, and writing a PNG.

Nothing here touches pyplot or the global ``rcParams``: :func:`plot_style` applies the style
inside a context, so figures are safe to draw from scripts, the CLI and notebooks alike.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import matplotlib as mpl
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from govsim.core.files import atomic_write
from govsim.core.org import GO

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
    found = _known_cjk_font()
    if found is None and _add_new_system_cjk_fonts():
        found = _known_cjk_font()
    return found


def _known_cjk_font() -> str | None:
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


_CJK_FILE = re.compile(r"cjk|wqy|sourcehan|droidsansfallback|sarasa|uming|ukai|simhei|yahei", re.I)


def _add_new_system_cjk_fonts() -> bool:
    """Register CJK font files installed after matplotlib cached its font list (a font
    installed with ``apt-get install fonts-noto-cjk`` is otherwise invisible until the cache
    in ``matplotlib.get_cachedir()`` is deleted); True if any was added."""
    from matplotlib import font_manager

    known = {f.fname for f in font_manager.fontManager.ttflist}
    added = False
    for path in font_manager.findSystemFonts():
        if path not in known and _CJK_FILE.search(Path(path).name.replace("-", "")):
            with contextlib.suppress(OSError, RuntimeError, ValueError):
                font_manager.fontManager.addfont(path)
                added = True
    return added


CJK_FIX = (
    "install a font with Chinese glyphs, e.g. `apt-get install fonts-noto-cjk` "
    "(Debian/Ubuntu), `brew install --cask font-noto-sans-cjk-sc` (macOS), or Noto Sans CJK SC "
    "from https://github.com/notofonts/noto-cjk"
)


def cjk_notice() -> str | None:
    """One line for the user when no CJK font is found (figures then use English labels
    only), naming the fix; None when Chinese labels are drawn."""
    if cjk_font():
        return None
    return f"no font with Chinese glyphs found, so figures show English labels only; {CJK_FIX}"


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


def safe_text(label: object, fallback: str = "") -> str:
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
def plot_style() -> Iterator[None]:
    logger = logging.getLogger("matplotlib.font_manager")
    logger.addFilter(_FONT_NOTICE)
    try:
        with mpl.rc_context({**_STYLE, "font.family": _families()}):
            yield
    finally:
        logger.removeFilter(_FONT_NOTICE)


def new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained", dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def save(fig: Figure, path: str | Path, dpi: int = DPI) -> Path:
    """Write ``fig`` as a PNG at ``path`` atomically (complete or absent); returns the path."""
    path = Path(path)

    def write(tmp: Path) -> None:
        with plot_style():
            fig.savefig(tmp, format="png", dpi=dpi)

    return atomic_write(path, write)


# --------------------------------------------------------------------------- design points


def design_label(variant: object, point: object = "") -> str:
    """``variant`` or ``variant @ point``, as in the summary table."""
    point = "" if point is None or (isinstance(point, float) and math.isnan(point)) else point
    return f"{variant} @ {point}" if point else str(variant)


def with_design(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a ``design`` column (variant @ point); keeps row order."""
    if "variant" not in frame.columns:
        raise ValueError("column 'variant' not found; is this a govsim results frame?")
    points = frame["point"] if "point" in frame.columns else pd.Series("", index=frame.index)
    out = frame.copy()
    out["point"] = points.fillna("").astype(str)
    out["variant"] = out["variant"].astype(str)
    out["design"] = [design_label(v, p) for v, p in zip(out["variant"], out["point"], strict=True)]
    return out


def designs_of(frame: pd.DataFrame) -> list[str]:
    """The design points of ``frame`` in order of first appearance (the baseline first)."""
    return list(dict.fromkeys(frame["design"]))


def design_colours(designs: Sequence[str]) -> dict[str, str]:
    """One colour per design point, the same in every figure of a run."""
    cycle = [f"C{i}" for i in range(10)]
    return {d: cycle[i % len(cycle)] for i, d in enumerate(designs)}


_LINESTYLES = ("-", "--", "-.", ":")


def design_linestyles(designs: Sequence[str]) -> dict[str, str]:
    """A line style per design point, so that coinciding lines stay distinguishable."""
    return {d: _LINESTYLES[i % len(_LINESTYLES)] for i, d in enumerate(designs)}


def n_reps(frame: pd.DataFrame) -> int:
    """Replications behind each design point (the fewest, if they differ)."""
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


def is_share(metric: str) -> bool:
    """A rate, share or utilisation: drawn in %."""
    return metric_unit(metric) == "%"


def set_titles(fig: Figure, ax, main: str, sub: str) -> None:  # type: ignore[no-untyped-def]
    """A bold figure title and a small plain subtitle (how to read the figure)."""
    fig.suptitle(main, fontweight="bold")
    ax.set_title(sub, fontsize="small", fontweight="normal")


def holder_name(holder: str) -> str:
    """The GO by its name (with the Chinese where a font draws it), a leader by id."""
    return term("General Office", "市政府办公室") if holder == GO else safe_text(holder)


def holder_short(holder: str) -> str:
    """``go`` (as in ``util_go``) → ``GO``; a leader id unchanged."""
    return GO if holder.lower() == GO.lower() else holder


def panel_grid(  # type: ignore[no-untyped-def]
    n: int, ncols: int, panel: tuple[float, float], extra_height: float = 0.9, **subplots
):
    """A figure with ``n`` panels in rows of at most ``ncols`` (so a figure stays readable at
    the width of a page however many panels it has); unused cells are hidden. Returns the
    figure and the ``n`` axes, row by row."""
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig = new_figure(panel[0] * ncols, panel[1] * nrows + extra_height)
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplots).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, list(axes[:n])
