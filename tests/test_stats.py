"""Tests for govsim.stats: every expected number below is worked out by hand.

Student-t quantiles used by hand (two-sided 95 %, i.e. the 0.975 quantile):
  df = 1: tan(0.475·π)                       (the t_1 distribution is Cauchy)
  df = 2: 0.95 / √(2 · 0.975 · 0.025)        (closed form (2p−1)/√(2p(1−p)) for t_2)
  df = 4: 2.7764451051977987                 (table value)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from govsim.stats import (
    Interval,
    mser5_warmup,
    paired_differences,
    summarise,
    t_interval,
    truncate_warmup,
)

T1 = math.tan(0.475 * math.pi)
T2 = 0.95 / math.sqrt(2 * 0.975 * 0.025)
T4 = 2.7764451051977987
TOL = 1e-9


def close(a: float, b: float, tol: float = TOL) -> bool:
    return math.isclose(a, b, rel_tol=0.0, abs_tol=tol)


# --------------------------------------------------------------------------- t_interval


def test_t_interval_one_to_five() -> None:
    ci = t_interval([1, 2, 3, 4, 5])
    assert isinstance(ci, Interval)
    assert ci.n == 5
    assert ci.confidence == 0.95
    assert close(ci.mean, 3.0)
    # deviations −2..2 → Σd² = 10, sd² = 10/4 = 2.5
    assert close(ci.sd, math.sqrt(2.5))
    hw = T4 * math.sqrt(2.5) / math.sqrt(5)
    assert close(ci.half_width, hw)
    assert close(ci.low, 3.0 - hw)
    assert close(ci.high, 3.0 + hw)


def test_t_interval_other_confidence() -> None:
    # t_{0.95, 4} = 2.131846786326649 (table value)
    ci = t_interval(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), confidence=0.90)
    assert ci.confidence == 0.90
    assert close(ci.half_width, 2.131846786326649 * math.sqrt(0.5))


def test_t_interval_two_values() -> None:
    ci = t_interval([1.0, 3.0])
    assert ci.n == 2
    assert close(ci.mean, 2.0)
    assert close(ci.sd, math.sqrt(2.0))  # deviations ±1 → Σd² = 2, /(n−1) = 2
    assert close(ci.half_width, T1 * math.sqrt(2.0) / math.sqrt(2.0))
    assert close(ci.low, 2.0 - T1)
    assert close(ci.high, 2.0 + T1)


def test_t_interval_one_value() -> None:
    ci = t_interval([7.5])
    assert ci.n == 1
    assert ci.mean == 7.5
    for field in (ci.sd, ci.half_width, ci.low, ci.high):
        assert math.isnan(field)


@pytest.mark.parametrize("values", [[], [math.nan, math.nan], np.array([])])
def test_t_interval_empty(values: list[float]) -> None:
    ci = t_interval(values)
    assert ci.n == 0
    for field in (ci.mean, ci.sd, ci.half_width, ci.low, ci.high):
        assert math.isnan(field)
    assert ci.confidence == 0.95


def test_t_interval_constant_is_exact() -> None:
    # 0.1 is not exactly representable: a naive mean/sd could leave rounding noise.
    ci = t_interval([0.1] * 7)
    assert ci.n == 7
    assert ci.mean == 0.1
    assert ci.sd == 0.0
    assert ci.half_width == 0.0
    assert ci.low == ci.high == 0.1


def test_t_interval_drops_nan() -> None:
    ci = t_interval([1.0, math.nan, 2.0, 3.0, 4.0, 5.0, math.nan])
    assert ci.n == 5
    assert close(ci.mean, 3.0)
    assert close(ci.half_width, T4 * math.sqrt(0.5))


def test_t_interval_accepts_series_with_nan_and_one_left() -> None:
    ci = t_interval(pd.Series([math.nan, 4.0]))
    assert ci.n == 1
    assert ci.mean == 4.0
    assert math.isnan(ci.half_width)


@pytest.mark.parametrize("confidence", [0.0, 1.0, -0.5, 95.0, math.nan])
def test_t_interval_rejects_bad_confidence(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        t_interval([1.0, 2.0], confidence=confidence)


def test_interval_is_frozen() -> None:
    ci = t_interval([1.0, 2.0])
    with pytest.raises(AttributeError):
        ci.mean = 0.0  # type: ignore[misc]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
        min_size=2,
        max_size=40,
    )
)
def test_t_interval_is_symmetric_around_mean(values: list[float]) -> None:
    ci = t_interval(values)
    assert ci.n == len(values)
    assert ci.half_width >= 0.0
    assert ci.low <= ci.mean <= ci.high
    assert math.isclose(ci.high - ci.mean, ci.mean - ci.low, rel_tol=1e-9, abs_tol=1e-6)
    # a wider confidence level never gives a narrower interval
    assert t_interval(values, 0.99).half_width >= ci.half_width


def _coverage(n_samples: int, seed: int) -> int:
    """How many of ``n_samples`` 95 % intervals (samples of 10 from N(3, 2²)) cover 3."""
    rng = np.random.default_rng(seed)
    data = rng.normal(loc=3.0, scale=2.0, size=(n_samples, 10))
    covered = 0
    for row in data:
        ci = t_interval(row)
        covered += ci.low <= 3.0 <= ci.high
    return covered


@pytest.mark.slow
def test_t_interval_coverage_2000_samples() -> None:
    covered = _coverage(2000, seed=20240601)
    ci99 = sps.binomtest(covered, 2000).proportion_ci(confidence_level=0.99)
    assert ci99.low <= 0.95 <= ci99.high


def test_t_interval_coverage_200_samples() -> None:
    # With this seed 190 of 200 cover (0.95). The bound is loose — [0.89, 0.99] is about
    # ±3.5 binomial standard errors around 0.95 — so it is a sanity check, not a fine one.
    covered = _coverage(200, seed=20240601)
    assert 0.89 <= covered / 200 <= 0.99


# --------------------------------------------------------------------------- summarise


def _kpis() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "variant": ["B", "A", "B", "A", "B", "A"],
            "replication": [0, 0, 1, 1, 2, 2],
            "seed": [11, 11, 12, 12, 13, 13],
            "wait": [4.0, 1.0, 6.0, 3.0, 8.0, 2.0],
            "note": ["x", "y", "x", "y", "x", "y"],
            "cost": [10.0, 20.0, 14.0, 20.0, 12.0, 20.0],
        }
    )


def test_summarise_by_hand() -> None:
    out = summarise(_kpis(), by=["variant"])
    assert list(out.columns) == [
        "variant",
        "metric",
        "n",
        "mean",
        "sd",
        "half_width",
        "low",
        "high",
    ]
    # B appears first in the data, so it comes first (not sorted); metrics in column order,
    # with replication, seed and the text column left out.
    assert list(out["variant"]) == ["B", "B", "A", "A"]
    assert list(out["metric"]) == ["wait", "cost", "wait", "cost"]
    assert list(out["n"]) == [3, 3, 3, 3]
    assert out["n"].dtype == np.int64

    expected = [
        # (mean, sd): B wait 4,6,8; B cost 10,14,12; A wait 1,3,2; A cost 20,20,20
        (6.0, 2.0),
        (12.0, 2.0),
        (2.0, 1.0),
        (20.0, 0.0),
    ]
    for row, (mean, sd) in zip(out.itertuples(index=False), expected, strict=True):
        hw = T2 * sd / math.sqrt(3)
        assert close(row.mean, mean)
        assert close(row.sd, sd)
        assert close(row.half_width, hw)
        assert close(row.low, mean - hw)
        assert close(row.high, mean + hw)
    assert out.loc[3, "half_width"] == 0.0


def test_summarise_explicit_metrics_and_nan() -> None:
    kpis = _kpis()
    kpis.loc[0, "wait"] = math.nan  # B's wait becomes 6, 8
    out = summarise(kpis, by=["variant"], metrics=["cost", "wait"])
    assert list(out["metric"]) == ["cost", "wait", "cost", "wait"]
    b_wait = out.iloc[1]
    assert b_wait["n"] == 2
    assert close(b_wait["mean"], 7.0)
    assert close(b_wait["sd"], math.sqrt(2.0))
    assert close(b_wait["half_width"], T1 * math.sqrt(2.0) / math.sqrt(2.0))


def test_summarise_two_keys_keeps_first_appearance_order() -> None:
    kpis = pd.DataFrame(
        {
            "variant": ["z", "a", "z", "a", "z"],
            "load": [2, 1, 1, 1, 2],
            "x": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    out = summarise(kpis, by=["variant", "load"])
    assert list(zip(out["variant"], out["load"], strict=True)) == [("z", 2), ("a", 1), ("z", 1)]
    assert list(out["n"]) == [2, 2, 1]
    assert list(out["mean"][:2]) == [3.0, 3.0]
    assert out.iloc[2]["mean"] == 3.0
    assert math.isnan(out.iloc[2]["half_width"])


def test_summarise_empty_by_is_one_group() -> None:
    out = summarise(_kpis(), by=[], metrics=["wait"])
    assert list(out.columns) == ["metric", "n", "mean", "sd", "half_width", "low", "high"]
    assert len(out) == 1
    assert out.loc[0, "n"] == 6
    assert close(out.loc[0, "mean"], 4.0)  # (4+1+6+3+8+2)/6


def test_summarise_empty_frame() -> None:
    out = summarise(_kpis().iloc[0:0], by=["variant"])
    assert out.empty
    assert list(out.columns) == [
        "variant",
        "metric",
        "n",
        "mean",
        "sd",
        "half_width",
        "low",
        "high",
    ]


def test_summarise_errors() -> None:
    with pytest.raises(ValueError, match="by"):
        summarise(_kpis(), by=["nope"])
    with pytest.raises(ValueError, match="metric"):
        summarise(_kpis(), by=["variant"], metrics=["nope"])
    with pytest.raises(ValueError, match="numeric"):
        summarise(_kpis(), by=["variant"], metrics=["note"])
    with pytest.raises(ValueError, match="grouping"):
        summarise(_kpis(), by=["variant"], metrics=["variant"])


# --------------------------------------------------------------------------- paired_differences


def _crn_kpis() -> pd.DataFrame:
    """Three variants on common random numbers, rows interleaved by replication.

    base wait:  10, 20, 30, 40, 50  (+ replication 6 = 70, unpaired)
    slow wait:  12, 22, 33          (replications 0-2 only)
    fast wait:  9, 18.5, 29, 38, 48.5 (+ replication 5 = 1000, unpaired)
    cost: base 5 everywhere, slow 5, fast 6.
    """
    rows = [
        ("base", 0, 10.0, 5.0),
        ("slow", 0, 12.0, 5.0),
        ("fast", 0, 9.0, 6.0),
        ("base", 1, 20.0, 5.0),
        ("slow", 1, 22.0, 5.0),
        ("fast", 1, 18.5, 6.0),
        ("base", 2, 30.0, 5.0),
        ("slow", 2, 33.0, 5.0),
        ("fast", 2, 29.0, 6.0),
        ("base", 3, 40.0, 5.0),
        ("fast", 3, 38.0, 6.0),
        ("base", 4, 50.0, 5.0),
        ("fast", 4, 48.5, 6.0),
        ("fast", 5, 1000.0, 6.0),
        ("base", 6, 70.0, 5.0),
    ]
    df = pd.DataFrame(rows, columns=["variant", "replication", "wait", "cost"])
    df["seed"] = 100 + df["replication"]
    return df


def test_paired_differences_by_hand() -> None:
    out = paired_differences(_crn_kpis(), "variant", "base", pair_on=["replication"])
    assert list(out.columns) == [
        "variant",
        "metric",
        "n_pairs",
        "mean_diff",
        "sd_diff",
        "half_width",
        "low",
        "high",
        "baseline_mean",
        "relative_diff",
    ]
    # variants in order of first appearance, baseline excluded; seed/replication not metrics
    assert list(out["variant"]) == ["slow", "slow", "fast", "fast"]
    assert list(out["metric"]) == ["wait", "cost", "wait", "cost"]
    assert out["n_pairs"].dtype == np.int64
    rows = {(r.variant, r.metric): r for r in out.itertuples(index=False)}

    # fast − base on replications 0-4 (5 and 6 have no partner):
    # d = −1, −1.5, −1, −2, −1.5 → mean −1.4; deviations .4 −.1 .4 −.6 −.1 → Σ = .70 → sd² = .175
    r = rows[("fast", "wait")]
    hw = T4 * math.sqrt(0.175) / math.sqrt(5)
    assert r.n_pairs == 5
    assert close(r.mean_diff, -1.4)
    assert close(r.sd_diff, math.sqrt(0.175))
    assert close(r.half_width, hw)
    assert close(r.low, -1.4 - hw)
    assert close(r.high, -1.4 + hw)
    assert close(r.baseline_mean, 30.0)
    assert close(r.relative_diff, -1.4 / 30.0)

    r = rows[("fast", "cost")]  # d = 1 everywhere
    assert r.n_pairs == 5
    assert r.mean_diff == 1.0
    assert r.sd_diff == 0.0
    assert r.half_width == 0.0
    assert close(r.relative_diff, 0.2)

    # slow − base on replications 0-2: d = 2, 2, 3 → mean 7/3; Σ dev² = 1/9+1/9+4/9 = 2/3,
    # sd² = 1/3. The baseline mean is over the same pairs: (10+20+30)/3 = 20, not 36.67.
    r = rows[("slow", "wait")]
    hw = T2 * math.sqrt(1 / 3) / math.sqrt(3)
    assert r.n_pairs == 3
    assert close(r.mean_diff, 7 / 3)
    assert close(r.sd_diff, math.sqrt(1 / 3))
    assert close(r.half_width, hw)
    assert close(r.baseline_mean, 20.0)
    assert close(r.relative_diff, (7 / 3) / 20.0)

    r = rows[("slow", "cost")]
    assert r.mean_diff == 0.0
    assert r.relative_diff == 0.0


def test_pairing_is_much_tighter_than_unpaired() -> None:
    kpis = _crn_kpis()
    out = paired_differences(kpis, "variant", "base", ["replication"], metrics=["wait"])
    paired_hw = out.loc[out["variant"] == "fast", "half_width"].item()

    # The same replications treated as two independent samples (Welch's interval):
    # base sd² = 250, fast sd² = 242.675 → se² = (250 + 242.675) / 5 = 98.535.
    reps = kpis["replication"].between(0, 4)
    base = kpis.loc[reps & (kpis["variant"] == "base"), "wait"].to_numpy()
    fast = kpis.loc[reps & (kpis["variant"] == "fast"), "wait"].to_numpy()
    assert close(float(np.var(base, ddof=1)), 250.0)
    assert close(float(np.var(fast, ddof=1)), 242.675)
    se2 = 250.0 / 5 + 242.675 / 5
    df = se2**2 / ((250.0 / 5) ** 2 / 4 + (242.675 / 5) ** 2 / 4)
    unpaired_hw = float(sps.t.ppf(0.975, df)) * math.sqrt(se2)
    # paired ≈ 0.52, unpaired ≈ 22.9: the unpaired interval cannot even tell the sign.
    assert paired_hw < unpaired_hw / 40
    assert unpaired_hw > 1.4


def test_paired_differences_by_group_pairs_within_group() -> None:
    # Replication numbers repeat across sweep points; pairs must not cross groups.
    kpis = pd.DataFrame(
        {
            "load": ["high", "high", "high", "high", "low", "low", "low", "low", "low", "low"],
            "policy": ["base", "alt", "base", "alt", "alt", "base", "alt", "base", "alt", "base"],
            "replication": [0, 0, 1, 1, 0, 0, 1, 1, 2, 2],
            "wait": [10.0, 11.0, 20.0, 22.0, 1.0, 1.0, 3.0, 2.0, 2.0, 3.0],
        }
    )
    out = paired_differences(kpis, "policy", "base", ["replication"], by=["load"])
    assert list(out.columns[:3]) == ["load", "policy", "metric"]
    assert list(out["load"]) == ["high", "low"]
    assert list(out["policy"]) == ["alt", "alt"]

    high, low = out.iloc[0], out.iloc[1]
    # high: d = 1, 2 → mean 1.5, sd² = 0.5, hw = t₁·√0.5/√2 = t₁/2; base mean 15
    assert high["n_pairs"] == 2
    assert close(high["mean_diff"], 1.5)
    assert close(high["sd_diff"], math.sqrt(0.5))
    assert close(high["half_width"], T1 / 2)
    assert close(high["baseline_mean"], 15.0)
    assert close(high["relative_diff"], 0.1)
    # low: d = 0, 1, −1 → mean 0, sd 1, hw = t₂/√3; base mean 2
    assert low["n_pairs"] == 3
    assert close(low["mean_diff"], 0.0)
    assert close(low["sd_diff"], 1.0)
    assert close(low["half_width"], T2 / math.sqrt(3))
    assert close(low["baseline_mean"], 2.0)
    assert close(low["relative_diff"], 0.0)


def test_paired_differences_zero_baseline_mean_gives_nan_relative() -> None:
    kpis = pd.DataFrame(
        {
            "v": ["b", "b", "b", "x", "x", "x"],
            "replication": [0, 1, 2, 0, 1, 2],
            "errors": [1.0, -1.0, 0.0, 2.0, 0.0, 1.0],
        }
    )
    r = paired_differences(kpis, "v", "b", ["replication"]).iloc[0]
    assert r["mean_diff"] == 1.0
    assert r["baseline_mean"] == 0.0
    assert math.isnan(r["relative_diff"])


def test_paired_differences_nan_metric_drops_that_pair_only() -> None:
    kpis = _crn_kpis()
    kpis.loc[(kpis["variant"] == "fast") & (kpis["replication"] == 3), "wait"] = math.nan
    out = paired_differences(kpis, "variant", "base", ["replication"])
    fast = out[out["variant"] == "fast"].set_index("metric")
    # wait: d = −1, −1.5, −1, −1.5 → mean −1.25; base mean (10+20+30+50)/4 = 27.5
    assert fast.loc["wait", "n_pairs"] == 4
    assert close(fast.loc["wait", "mean_diff"], -1.25)
    assert close(fast.loc["wait", "baseline_mean"], 27.5)
    assert fast.loc["cost", "n_pairs"] == 5


def test_paired_differences_variant_without_pairs() -> None:
    kpis = pd.DataFrame(
        {"v": ["b", "b", "x"], "replication": [0, 1, 7], "w": [1.0, 2.0, 3.0]},
    )
    r = paired_differences(kpis, "v", "b", ["replication"]).iloc[0]
    assert r["n_pairs"] == 0
    assert math.isnan(r["mean_diff"])
    assert math.isnan(r["baseline_mean"])


def test_paired_differences_identical_variant_is_zero() -> None:
    kpis = _crn_kpis()
    copy = kpis[kpis["variant"] == "base"].assign(variant="same")
    out = paired_differences(pd.concat([kpis, copy]), "variant", "base", ["replication"])
    same = out[out["variant"] == "same"]
    assert list(same["n_pairs"]) == [6, 6]
    assert (same["mean_diff"] == 0.0).all()
    assert (same["half_width"] == 0.0).all()


def test_paired_differences_missing_baseline_raises() -> None:
    with pytest.raises(ValueError, match=r"baseline 'nope' not found.*'base'"):
        paired_differences(_crn_kpis(), "variant", "nope", ["replication"])


def test_paired_differences_baseline_missing_from_a_group_raises() -> None:
    kpis = _crn_kpis().assign(load="a")
    extra = pd.DataFrame({"variant": ["fast"], "replication": [0], "wait": [1.0], "load": ["b"]})
    extra["cost"] = 1.0
    extra["seed"] = 100
    with pytest.raises(ValueError, match="absent from group"):
        paired_differences(
            pd.concat([kpis, extra], ignore_index=True),
            "variant",
            "base",
            ["replication"],
            by=["load"],
        )


def test_paired_differences_duplicate_keys_raise() -> None:
    kpis = pd.concat([_crn_kpis(), _crn_kpis().iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="ambiguous"):
        paired_differences(kpis, "variant", "base", ["replication"])


def test_paired_differences_bad_arguments() -> None:
    kpis = _crn_kpis()
    with pytest.raises(ValueError, match="pair_on"):
        paired_differences(kpis, "variant", "base", [])
    with pytest.raises(ValueError, match="pair_on"):
        paired_differences(kpis, "variant", "base", ["rep"])
    with pytest.raises(ValueError, match="distinct"):
        paired_differences(kpis, "variant", "base", ["replication"], by=["replication"])
    with pytest.raises(ValueError, match="variant"):
        paired_differences(kpis, "policy", "base", ["replication"])


# --------------------------------------------------------------------------- warm-up


def test_truncate_warmup_is_a_plain_filter() -> None:
    series = pd.DataFrame({"t": [0.0, 5.0, 10.0, 15.0, math.nan], "q": [9, 8, 7, 6, 5]})
    out = truncate_warmup(series, "t", 10.0)
    assert list(out.index) == [2, 3]  # boundary kept (>=), index preserved, NaN time dropped
    assert list(out["q"]) == [7, 6]
    assert list(out.columns) == ["t", "q"]
    out.loc[2, "q"] = 0
    assert series.loc[2, "q"] == 7  # a copy, not a view
    assert len(truncate_warmup(series, "t", 0.0)) == 4
    with pytest.raises(ValueError, match="time"):
        truncate_warmup(series, "time", 1.0)


def _transient(n_high: int) -> np.ndarray:
    i = np.arange(500)
    noise = 0.1 * np.sin(0.37 * i) + 0.05 * np.cos(2.1 * i)
    return np.where(i < n_high, 10.0, 0.0) + noise


def test_mser5_finds_obvious_transient() -> None:
    cut = mser5_warmup(_transient(50))
    assert 50 <= cut <= 60
    assert cut % 5 == 0


def test_mser5_transient_not_on_batch_boundary() -> None:
    # 52 high values: batch 11 mixes 2 high and 3 low values, so 11 batches (55 obs) go.
    assert mser5_warmup(_transient(52)) == 55


def test_mser5_stationary_series_small_cut() -> None:
    i = np.arange(500)
    assert mser5_warmup(0.1 * np.sin(0.37 * i) + 0.05 * np.cos(2.1 * i)) == 0
    rng = np.random.default_rng(0)
    assert mser5_warmup(rng.normal(5.0, 1.0, size=1000)) <= 50


def test_mser5_edge_cases() -> None:
    assert mser5_warmup([]) == 0
    assert mser5_warmup([3.0] * 9) == 0  # fewer than two batches
    assert mser5_warmup([0.1] * 1000) == 0  # constant: every MSER(d) is exactly 0
    # 2 batches: only d = 0 is allowed (at least two batches must remain)
    assert mser5_warmup([9.0] * 5 + [0.0] * 5) == 0
    with pytest.raises(ValueError, match="finite"):
        mser5_warmup([1.0, math.nan] * 10)


def _mser_brute(y: np.ndarray) -> list[float]:
    k = len(y) // 5
    z = y[: 5 * k].reshape(k, 5).mean(axis=1)
    d_max = min(k // 2, k - 2)
    return [float(np.sum((z[d:] - z[d:].mean()) ** 2)) / (k - d) ** 2 for d in range(d_max + 1)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-1e3, max_value=1e3, allow_nan=False, allow_infinity=False),
        min_size=10,
        max_size=120,
    )
)
def test_mser5_matches_definition(values: list[float]) -> None:
    y = np.asarray(values)
    cut = mser5_warmup(y)
    brute = _mser_brute(y)
    assert cut % 5 == 0
    assert 0 <= cut // 5 < len(brute)
    # the chosen d attains the minimum of the statistic (up to rounding)
    assert brute[cut // 5] <= min(brute) * (1 + 1e-9) + 1e-9
