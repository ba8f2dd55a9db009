"""Output analysis for replicated simulation experiments.

Each replication of an experiment variant yields one row of KPIs. Replications are
independent and identically distributed, so a KPI's replication values are a plain sample
and the classical Student-t confidence interval applies to its mean:

    mean ± t_{1-α/2, n-1} · sd / √n,   sd the sample standard deviation (divisor n − 1).

The interval is exact for normal data and, by the central limit theorem, approximately right
for the means, proportions and averages-over-time that simulation KPIs usually are.

Comparing variants
------------------
Variants are run on *common random numbers* (CRN): replication ``r`` of every variant uses
the same random streams, so the same arrivals, the same effort draws, and so on. The two
results of a replication are then positively correlated, and the difference of paired
results has variance

    Var(X − Y) = Var(X) + Var(Y) − 2·Cov(X, Y),

smaller than the ``Var(X) + Var(Y)`` of independent runs whenever the covariance is
positive. :func:`paired_differences` therefore pairs each variant's replications with the
baseline's on a key (usually ``replication``), takes the per-pair differences and builds a
t interval from them (the *paired-t* method). With CRN the interval is often many times
narrower than one built from two independent samples, at no extra simulation cost.

Warm-up
-------
Steady-state KPIs should not include the initial transient (an office that starts empty
and idle). :func:`truncate_warmup` implements the *deletion method* — drop every
observation before a chosen warm-up time — and :func:`mser5_warmup` offers a data-driven
choice of how much to delete (MSER-5, White 1997).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats as _sps

__all__ = [
    "Interval",
    "mser5_warmup",
    "paired_differences",
    "summarise",
    "t_interval",
    "truncate_warmup",
]

#: Columns that identify a replication rather than measure it; never summarised by default.
_ID_COLUMNS = frozenset({"replication", "seed"})

_SUMMARY_COLUMNS = ("metric", "n", "mean", "sd", "half_width", "low", "high")
_PAIRED_COLUMNS = (
    "metric",
    "n_pairs",
    "mean_diff",
    "sd_diff",
    "half_width",
    "low",
    "high",
    "baseline_mean",
    "relative_diff",
)

_MSER_BATCH = 5


@dataclass(frozen=True)
class Interval:
    """A Student-t confidence interval for a mean.

    Attributes:
        mean: sample mean of the non-NaN values.
        sd: sample standard deviation (divisor ``n - 1``); NaN when ``n < 2``.
        n: number of non-NaN values.
        half_width: ``t_{1-α/2, n-1} · sd / √n``; NaN when ``n < 2``, 0 for constant data.
        low: ``mean - half_width``.
        high: ``mean + half_width``.
        confidence: the confidence level ``1 - α`` the interval was built for.
    """

    mean: float
    sd: float
    n: int
    half_width: float
    low: float
    high: float
    confidence: float


def _check_confidence(confidence: float) -> float:
    c = float(confidence)
    if not 0.0 < c < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")
    return c


def _as_float_array(values: ArrayLike, what: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be numeric: {exc}") from exc


def t_interval(values: ArrayLike, confidence: float = 0.95) -> Interval:
    """Student-t confidence interval for the mean of ``values``.

    The values are treated as an i.i.d. sample (one value per replication). NaNs are
    dropped first and ``n`` counts the remaining values. The half-width is
    ``t_{1-α/2, n-1} · sd / √n`` with ``sd`` the sample standard deviation (divisor
    ``n - 1``) and ``α = 1 - confidence``.

    Degenerate samples: with ``n == 1`` the mean is the value and ``sd``, ``half_width``,
    ``low`` and ``high`` are NaN (one replication says nothing about variability); with
    ``n == 0`` every field except ``n`` and ``confidence`` is NaN. Constant data give
    ``sd == half_width == 0`` exactly, so ``low == high == mean``.

    Raises:
        ValueError: if ``confidence`` is not strictly between 0 and 1, or the values are
            not numeric.
    """
    c = _check_confidence(confidence)
    x = _as_float_array(values, "values")
    x = x[~np.isnan(x)]
    n = int(x.size)
    nan = math.nan
    if n == 0:
        return Interval(nan, nan, 0, nan, nan, nan, c)
    if np.all(x == x[0]):
        # Exact for constant data: summation could otherwise leave a rounding-sized sd.
        m = float(x[0])
        if n == 1:
            return Interval(m, nan, 1, nan, nan, nan, c)
        return Interval(m, 0.0, n, 0.0, m, m, c)
    m = float(np.mean(x))
    sd = float(np.std(x, ddof=1))
    t_crit = float(_sps.t.ppf(1.0 - (1.0 - c) / 2.0, n - 1))
    hw = t_crit * sd / math.sqrt(n)
    return Interval(m, sd, n, hw, m - hw, m + hw, c)


def _require_columns(df: pd.DataFrame, columns: Sequence[str], role: str) -> None:
    missing = [col for col in columns if col not in df.columns]
    if missing:
        raise ValueError(
            f"{role} column(s) {missing} not found; available columns: {list(df.columns)}"
        )


def _default_metrics(df: pd.DataFrame, exclude: Sequence[str]) -> list[str]:
    """Numeric columns (bool included: its mean is a proportion), in column order."""
    skip = set(exclude) | _ID_COLUMNS
    return [
        col
        for col in df.columns
        if col not in skip and pd.api.types.is_numeric_dtype(df[col].dtype)
    ]


def _resolve_metrics(
    df: pd.DataFrame, metrics: Sequence[str] | None, exclude: Sequence[str]
) -> list[str]:
    if metrics is None:
        return _default_metrics(df, exclude)
    if isinstance(metrics, str):
        raise TypeError("metrics must be a sequence of column names, not a single string")
    chosen = list(metrics)
    _require_columns(df, chosen, "metric")
    clash = [m for m in chosen if m in set(exclude)]
    if clash:
        raise ValueError(f"metric column(s) {clash} are also used as grouping/pairing keys")
    if len(set(chosen)) != len(chosen):
        raise ValueError(f"metrics contain duplicates: {chosen}")
    return chosen


def _as_name_list(names: Sequence[str], what: str) -> list[str]:
    if isinstance(names, str):
        raise TypeError(f"{what} must be a sequence of column names, not a single string")
    out = list(names)
    if len(set(out)) != len(out):
        raise ValueError(f"{what} contains duplicates: {out}")
    return out


def _groups(df: pd.DataFrame, by: list[str]) -> list[tuple[tuple[Hashable, ...], pd.DataFrame]]:
    """``(key tuple, sub-frame)`` pairs in order of first appearance; NaN keys kept."""
    if not by:
        return [((), df)]
    grouped = df.groupby(by, sort=False, dropna=False)
    return [(tuple(key), sub) for key, sub in grouped]


def _metric_values(df: pd.DataFrame, metric: str) -> np.ndarray:
    return _as_float_array(df[metric].to_numpy(), f"metric column {metric!r}")


def summarise(
    kpis: pd.DataFrame,
    by: Sequence[str],
    metrics: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean and Student-t confidence interval of each metric within each group.

    ``kpis`` holds one row per replication. Rows are grouped on the ``by`` columns (for
    example ``["variant"]`` or ``["variant", "arrival_rate"]``; an empty ``by`` treats the
    whole frame as one group) and :func:`t_interval` is applied to every metric in every
    group; NaNs are ignored, so ``n`` may differ between metrics of a group.

    ``metrics=None`` selects every numeric column that is not in ``by`` and not named
    ``replication`` or ``seed`` (boolean columns count as numeric; their mean is a
    proportion).

    Returns:
        A long frame with one row per (group, metric) and columns ``*by, "metric", "n",
        "mean", "sd", "half_width", "low", "high"``. Groups appear in order of first
        appearance in ``kpis`` (not sorted) and metrics in the order given (column order
        when defaulted), so the output is deterministic.

    Raises:
        ValueError: for unknown columns, a metric that is also a ``by`` column, a
            non-numeric metric, or an invalid ``confidence``.
    """
    _check_confidence(confidence)
    by_cols = _as_name_list(by, "by")
    _require_columns(kpis, by_cols, "by")
    metric_cols = _resolve_metrics(kpis, metrics, by_cols)

    rows: list[dict[str, Any]] = []
    for key, sub in _groups(kpis, by_cols):
        for metric in metric_cols:
            ci = t_interval(_metric_values(sub, metric), confidence)
            row: dict[str, Any] = dict(zip(by_cols, key, strict=True))
            row.update(
                metric=metric,
                n=ci.n,
                mean=ci.mean,
                sd=ci.sd,
                half_width=ci.half_width,
                low=ci.low,
                high=ci.high,
            )
            rows.append(row)
    return _frame(rows, [*by_cols, *_SUMMARY_COLUMNS], count_col="n")


def _frame(rows: list[dict[str, Any]], columns: list[str], count_col: str) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=columns)
    out[count_col] = out[count_col].astype("int64")
    float_cols = columns[columns.index(count_col) + 1 :]
    out[float_cols] = out[float_cols].astype("float64")
    return out


def paired_differences(
    kpis: pd.DataFrame,
    variant_col: str,
    baseline: str,
    pair_on: Sequence[str],
    metrics: Sequence[str] | None = None,
    confidence: float = 0.95,
    by: Sequence[str] = (),
) -> pd.DataFrame:
    """Paired-t confidence intervals for ``variant − baseline``, metric by metric.

    Within each ``by`` group (e.g. a sweep point; empty ``by`` means one group), every
    variant other than ``baseline`` has its rows matched to the baseline's rows on the
    ``pair_on`` columns (usually ``["replication"]``). For each metric the per-pair
    differences ``d_i = x_variant,i − x_baseline,i`` form one sample and :func:`t_interval`
    is applied to it.

    Why pair: under common random numbers replication ``r`` of both variants saw the same
    random inputs, so their results are positively correlated and
    ``Var(d) = Var(X) + Var(Y) − 2·Cov(X, Y)`` is smaller than for independent runs — the
    paired interval is correspondingly tighter. Pairing is only valid when the pairs
    really share random numbers; without CRN it is still correct but gains nothing.

    Rows without a partner (a replication missing from either side) are dropped, as are
    rows whose ``pair_on`` key contains NaN; a pair whose value of a metric is NaN on
    either side is dropped for that metric only. ``n_pairs`` counts the pairs actually
    used, and ``baseline_mean`` is the baseline mean over those same pairs, so
    ``relative_diff = mean_diff / baseline_mean`` compares like with like (NaN when
    ``baseline_mean`` is 0 or NaN). A variant with no pairs at all still gets rows, with
    ``n_pairs == 0`` and NaN statistics.

    ``metrics=None`` selects every numeric column not in ``by`` or ``pair_on``, not the
    variant column and not named ``replication`` or ``seed``.

    Returns:
        A long frame with columns ``*by, variant_col, "metric", "n_pairs", "mean_diff",
        "sd_diff", "half_width", "low", "high", "baseline_mean", "relative_diff"``. Groups
        and variants appear in order of first appearance in ``kpis``, metrics in the order
        given (column order when defaulted).

    Raises:
        ValueError: if the baseline variant is absent (from the frame, or from a ``by``
            group that has other variants), if a ``pair_on`` key occurs more than once
            for one variant within a group (pairing would be ambiguous), for unknown or
            conflicting columns, non-numeric metrics, or an invalid ``confidence``.
    """
    _check_confidence(confidence)
    by_cols = _as_name_list(by, "by")
    pair_cols = _as_name_list(pair_on, "pair_on")
    _check_paired_columns(kpis, variant_col, by_cols, pair_cols)
    metric_cols = _resolve_metrics(kpis, metrics, [*by_cols, *pair_cols, variant_col])
    _require_baseline(kpis, variant_col, baseline)
    rows: list[dict[str, Any]] = []
    for key, sub in _groups(kpis, by_cols):
        group_desc = dict(zip(by_cols, key, strict=True))
        pairs = _pairs_in_group(sub, variant_col, baseline, pair_cols, metric_cols, group_desc)
        for variant, paired in pairs:
            for metric in metric_cols:
                row: dict[str, Any] = dict(group_desc)
                row[variant_col] = variant
                row.update(metric=metric, **_paired_statistics(paired, metric, confidence))
                rows.append(row)
    return _frame(rows, [*by_cols, variant_col, *_PAIRED_COLUMNS], count_col="n_pairs")


def _check_paired_columns(
    kpis: pd.DataFrame, variant_col: str, by_cols: list[str], pair_cols: list[str]
) -> None:
    """Refuse missing or overlapping columns."""
    if not pair_cols:
        raise ValueError("pair_on must name at least one column (e.g. ['replication'])")
    _require_columns(kpis, [variant_col], "variant")
    _require_columns(kpis, by_cols, "by")
    _require_columns(kpis, pair_cols, "pair_on")
    overlap = set(by_cols) & set(pair_cols)
    if variant_col in by_cols or variant_col in pair_cols or overlap:
        raise ValueError(
            "variant_col, by and pair_on must name distinct columns; "
            f"got variant_col={variant_col!r}, by={by_cols}, pair_on={pair_cols}"
        )


def _require_baseline(kpis: pd.DataFrame, variant_col: str, baseline: Any) -> None:
    """Refuse a baseline absent from the whole frame (nothing could be paired)."""
    is_base = (kpis[variant_col] == baseline).to_numpy(dtype=bool)
    if not is_base.any():
        present = list(pd.unique(kpis[variant_col]))
        raise ValueError(
            f"baseline {baseline!r} not found in column {variant_col!r}; "
            f"variants present: {present}"
        )


def _pairs_in_group(
    sub: pd.DataFrame,
    variant_col: str,
    baseline: Any,
    pair_cols: list[str],
    metric_cols: list[str],
    group_desc: dict[str, Any],
) -> Iterator[tuple[Any, pd.DataFrame]]:
    """Each variant of one ``by`` group with its rows merged to the baseline's on the
    ``pair_on`` key (columns ``<metric>_v`` and ``<metric>_b``); unpaired rows dropped."""
    variants = [v for v in pd.unique(sub[variant_col]) if not _same(v, baseline)]
    if not variants:
        return
    if not (sub[variant_col] == baseline).any():
        raise ValueError(
            f"baseline {baseline!r} is absent from group {group_desc} which has variants {variants}"
        )
    sub_keyed = sub.dropna(subset=pair_cols)  # a NaN key cannot be paired
    sub_is_base = (sub_keyed[variant_col] == baseline).to_numpy(dtype=bool)
    base = sub_keyed.loc[sub_is_base, [*pair_cols, *metric_cols]]
    _check_unique_keys(base, pair_cols, baseline, group_desc)
    for variant in variants:
        var_rows = sub_keyed.loc[_mask_equal(sub_keyed[variant_col], variant)]
        var_rows = var_rows[[*pair_cols, *metric_cols]]
        _check_unique_keys(var_rows, pair_cols, variant, group_desc)
        yield variant, var_rows.merge(base, on=pair_cols, how="inner", suffixes=("_v", "_b"))


def _paired_statistics(paired: pd.DataFrame, metric: str, confidence: float) -> dict[str, float]:
    """The paired-t interval of ``metric`` over the pairs where both sides have a value, and
    the baseline mean over those same pairs (so the relative difference compares like with
    like)."""
    xv = _metric_values(paired, f"{metric}_v")
    xb = _metric_values(paired, f"{metric}_b")
    ok = ~(np.isnan(xv) | np.isnan(xb))
    ci = t_interval(xv[ok] - xb[ok], confidence)
    base_mean = float(np.mean(xb[ok])) if ok.any() else math.nan
    rel = ci.mean / base_mean if base_mean != 0.0 and not math.isnan(base_mean) else math.nan
    return {
        "n_pairs": ci.n,
        "mean_diff": ci.mean,
        "sd_diff": ci.sd,
        "half_width": ci.half_width,
        "low": ci.low,
        "high": ci.high,
        "baseline_mean": base_mean,
        "relative_diff": rel,
    }


def _same(a: Any, b: Any) -> bool:
    return bool(a == b)


def _mask_equal(column: pd.Series, value: Any) -> np.ndarray:
    if pd.isna(value):
        return column.isna().to_numpy(dtype=bool)
    return (column == value).to_numpy(dtype=bool)


def _check_unique_keys(
    df: pd.DataFrame, pair_cols: list[str], variant: Any, group: dict[str, Any]
) -> None:
    dup = df.duplicated(subset=pair_cols, keep=False)
    if dup.any():
        examples = df.loc[dup, pair_cols].drop_duplicates().head(3).to_dict("records")
        where = f" in group {group}" if group else ""
        raise ValueError(
            f"variant {variant!r}{where} has several rows per pair_on key {pair_cols} "
            f"(e.g. {examples}); pairing would be ambiguous"
        )


def truncate_warmup(series: pd.DataFrame, time_col: str, warmup: float) -> pd.DataFrame:
    """Drop the initial transient: keep the rows with ``time_col >= warmup``.

    This is the *deletion method* for initialisation bias: observations recorded before the
    warm-up time are discarded and steady-state statistics are computed from the rest.
    It is a plain filter — the index and column order are preserved, and rows whose time
    is NaN are dropped. Choose ``warmup`` from a pilot run (e.g. Welch's plot) or from
    :func:`mser5_warmup`.

    Raises:
        ValueError: if ``time_col`` is missing or ``warmup`` is NaN.
    """
    _require_columns(series, [time_col], "time")
    w = float(warmup)
    if math.isnan(w):
        raise ValueError("warmup must not be NaN")
    return series.loc[series[time_col] >= w].copy()


def mser5_warmup(y: ArrayLike) -> int:
    """MSER-5 truncation point: how many initial observations to delete.

    MSER-5 (White 1997; White, Cobb & Spratt 2000) chooses the deletion that minimises the
    *marginal standard error* of the remaining data. The series ``y_1..y_n`` is first cut
    into ``k = ⌊n/5⌋`` consecutive batches of 5 and replaced by the batch means
    ``Z_1..Z_k`` (a trailing partial batch is ignored). For each candidate ``d`` — the
    number of batches deleted — the statistic

        MSER(d) = Σ_{j=d+1..k} (Z_j − Z̄(d))² / (k − d)²,   Z̄(d) the mean of Z_{d+1..k},

    is the squared standard error of the truncated mean: it falls when deleting biased
    early batches reduces the spread and rises when deletion only throws data away. ``d``
    ranges over the first half of the batches (``0 ≤ d ≤ ⌊k/2⌋``, and at least two batches
    must remain), because minima found late in the run are artefacts of the few points
    left. The smallest minimising ``d`` wins ties.

    Returns:
        ``5 · d*``, the number of *original* observations to delete (always a multiple of
        5). Series with fewer than two full batches (``n < 10``) return 0.

    Raises:
        ValueError: if ``y`` contains NaN or infinite values (they would shift the batches
            silently) or is not numeric.
    """
    x = _as_float_array(y, "y")
    if not np.all(np.isfinite(x)):
        raise ValueError("y must be finite; drop or impute NaN/inf values first")
    k = x.size // _MSER_BATCH
    if k < 2:
        return 0
    z = x[: k * _MSER_BATCH].reshape(k, _MSER_BATCH).mean(axis=1)
    d_max = min(k // 2, k - 2)

    # Suffix sums of squared deviations by Welford's update, run backwards so that one pass
    # yields SSE(d) for every d; stable even for (near-)constant data.
    sse = [0.0] * k
    mean = 0.0
    m2 = 0.0
    for count, j in enumerate(range(k - 1, -1, -1), start=1):
        zj = float(z[j])
        delta = zj - mean
        mean += delta / count
        m2 += delta * (zj - mean)
        sse[j] = m2

    best_d = 0
    best = math.inf
    for d in range(d_max + 1):
        m = k - d
        value = sse[d] / (m * m)
        if value < best:
            best = value
            best_d = d
    return _MSER_BATCH * best_d
