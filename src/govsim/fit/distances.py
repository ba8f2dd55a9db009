"""Distances between two event logs: how far a simulated log is from a real one.

Process-simulation research judges a simulation model discovered from a log by distances
between the logs it generates and the real log; the same distances serve here to judge a
scenario fitted to an OA system's log (``govsim fit``) and to compare any two logs
(``govsim compare``). Each measure is computed per case type (请示 requests, 报告 reports,
outgoing drafts …, A55–A61):

* ``cycle_w1_days`` — Wasserstein-1 distance between the cycle-time distributions, in
  calendar days (``scipy.stats.wasserstein_distance``);
* ``cycle_ks`` — the two-sample Kolmogorov–Smirnov statistic of the same samples
  (``scipy.stats.ks_2samp``);
* ``weekly_arrivals_w1`` — Wasserstein-1 distance between the distributions of the number of
  cases created per calendar week;
* ``activity_tv`` — total-variation distance between the activities' relative frequencies;
* ``dfg_tv`` — total-variation distance between the relative frequencies of the
  directly-follows pairs (activity ``a`` immediately followed by ``b`` within a case), the
  relation process discovery builds its models from: it sees a change of ordering that the
  frequencies alone do not.

A case's cycle time runs from its first event to the act that ends it (``doc.closed``,
``doc.withdrawn``, ``ledger.closed``); cases still open at the log's end are left out. For a
case type that no act ends (outgoing drafts end when issued), the span from the first to the
last event of every case is used. A distance means little alone: two replications of one
scenario differ too, and that difference — the noise floor — is what a distance is read
against (:func:`compare_frames`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from govsim.log.schema import TERMINAL_ACTS

__all__ = ["MEASURES", "compare_frames", "log_distances"]

MINUTES_PER_DAY = 1440.0
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

MEASURES: dict[str, str] = {
    "cycle_w1_days": "Wasserstein-1 distance of cycle times (calendar days)",
    "cycle_ks": "Kolmogorov-Smirnov statistic of cycle times",
    "weekly_arrivals_w1": "Wasserstein-1 distance of cases created per week",
    "activity_tv": "total variation of activity frequencies",
    "dfg_tv": "total variation of directly-follows frequencies",
}
"""The measures, in the order they are printed."""


def cycle_times(events: pd.DataFrame) -> pd.Series:
    """Cycle time in calendar days per case (index: case), of cases an act ended; for a log
    in which no act ends a case, the span of every case."""
    t = events.groupby("case", observed=True)["time"]
    first = t.min()
    ended = events.loc[events["activity"].isin(TERMINAL_ACTS)]
    if ended.empty:
        return (t.max() - first) / MINUTES_PER_DAY
    end = ended.groupby("case", observed=True)["time"].max()
    return (end - first.reindex(end.index)) / MINUTES_PER_DAY


def weekly_counts(events: pd.DataFrame, weeks: int) -> np.ndarray:
    """Cases created (first event) in each of ``weeks`` calendar weeks from clock 0."""
    first = events.groupby("case", observed=True)["time"].min().to_numpy()
    week = np.minimum((first // MINUTES_PER_WEEK).astype(int), weeks - 1)
    return np.bincount(week, minlength=weeks)


def _frequencies(labels: pd.Series) -> pd.Series:
    return labels.value_counts(normalize=True)


def _tv(a: pd.Series, b: pd.Series) -> float:
    """Total-variation distance of two relative-frequency tables (0 equal … 1 disjoint)."""
    if a.empty or b.empty:
        return float("nan") if a.empty and b.empty else 1.0
    a, b = a.align(b, fill_value=0.0)
    return float(0.5 * np.abs(a - b).sum())


def directly_follows(events: pd.DataFrame) -> pd.Series:
    """``a>b`` for each event followed, within its case, by an event of activity ``b``."""
    ordered = events.sort_values(["case", "time"], kind="stable")
    act = ordered["activity"].astype(str).to_numpy()
    case = ordered["case"].to_numpy()
    same = case[1:] == case[:-1]
    return pd.Series(np.char.add(np.char.add(act[:-1][same], ">"), act[1:][same]))


def _sample_distance(
    metric: Callable[[np.ndarray, np.ndarray], float], a: np.ndarray, b: np.ndarray
) -> float:
    return float(metric(a, b)) if len(a) and len(b) else float("nan")


def _ks(a: np.ndarray, b: np.ndarray) -> float:
    return float(stats.ks_2samp(a, b).statistic)


def _one_type(ea: pd.DataFrame, eb: pd.DataFrame, weeks: int) -> dict[str, tuple[float, int, int]]:
    """Every measure between the events of one case type in two logs: (value, n_a, n_b)."""
    ca, cb = cycle_times(ea).to_numpy(), cycle_times(eb).to_numpy()
    wa, wb = weekly_counts(ea, weeks), weekly_counts(eb, weeks)
    da, db = directly_follows(ea), directly_follows(eb)
    return {
        "cycle_w1_days": (_sample_distance(stats.wasserstein_distance, ca, cb), len(ca), len(cb)),
        "cycle_ks": (_sample_distance(_ks, ca, cb), len(ca), len(cb)),
        "weekly_arrivals_w1": (
            _sample_distance(stats.wasserstein_distance, wa, wb),
            int(wa.sum()),
            int(wb.sum()),
        ),
        "activity_tv": (
            _tv(_frequencies(ea["activity"].astype(str)), _frequencies(eb["activity"].astype(str))),
            len(ea),
            len(eb),
        ),
        "dfg_tv": (_tv(_frequencies(da), _frequencies(db)), len(da), len(db)),
    }


def log_distances(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Distances between two event logs (frames in the schema of ``docs/event-log.md``),
    per case type present in either: columns ``case_type``, ``measure``, ``distance``,
    ``n_a``, ``n_b`` (the sample sizes: cases, weekly arrivals, events or pairs)."""
    end = max(float(a["time"].max()), float(b["time"].max()), 1.0)
    weeks = int(end // MINUTES_PER_WEEK) + 1
    types_a = set(a["case_type"].dropna().astype(str))
    types_b = set(b["case_type"].dropna().astype(str))
    rows = []
    for ct in sorted(types_a | types_b):
        ea = a.loc[a["case_type"].astype(str) == ct]
        eb = b.loc[b["case_type"].astype(str) == ct]
        for measure, (value, na, nb) in _one_type(ea, eb, weeks).items():
            rows.append((ct, measure, value, na, nb))
    return pd.DataFrame(rows, columns=["case_type", "measure", "distance", "n_a", "n_b"])


def compare_frames(
    a: pd.DataFrame, b: pd.DataFrame, floor: tuple[pd.DataFrame, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """:func:`log_distances` of ``a`` and ``b``, with the noise floor — the same distances
    between the two logs of ``floor`` (two replications of one scenario) — and their ratio
    when one is given (a ratio near or below 1: the logs differ no more than chance does)."""
    out = log_distances(a, b)
    if floor is None:
        return out
    base = log_distances(*floor).set_index(["case_type", "measure"])["distance"]
    key = pd.MultiIndex.from_frame(out[["case_type", "measure"]])
    out["floor"] = base.reindex(key).to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = out["distance"] / out["floor"]
    return out
