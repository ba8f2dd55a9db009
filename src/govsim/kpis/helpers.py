"""Shared pieces of the KPIs: visits (a case's k-th entry matched with its k-th exit), the
stays of documents with leaders, holding intervals, working days and summary statistics.

Everything here is vectorised over a slice of the log (no loop over rows) and gives exactly
the values the row-by-row definitions give (same floating-point operations, same order).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.core.org import GO
from govsim.kpis import vocab as v
from govsim.kpis.view import LogView

PERCENTILES = (50, 90, 95)


def occurrence(keys: np.ndarray) -> np.ndarray:
    """For each element, how many equal keys precede it (0 for the first of its key)."""
    n = len(keys)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.ones(n, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    idx = np.arange(n)
    rank = idx - np.maximum.accumulate(np.where(first, idx, 0))
    out = np.empty(n, dtype=np.int64)
    out[order] = rank
    return out


def next_in_case(case: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The value of the next row of the same case (NaN for a case's last row)."""
    order = np.argsort(case, kind="stable")
    ordered = case[order]
    nxt = np.full(len(case), np.nan)
    same = ordered[1:] == ordered[:-1]
    shifted = np.where(same, values[order][1:], np.nan)
    nxt[order[:-1]] = shifted
    return nxt


def match_visits(case_in: np.ndarray, case_out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For the k-th entry of each case, the position of the case's k-th exit (-1 if none),
    and ``k``."""
    k_in, k_out = occurrence(case_in), occurrence(case_out)
    width = max(len(case_in), len(case_out)) + 1
    key_in = case_in.astype(np.int64) * width + k_in
    key_out = case_out.astype(np.int64) * width + k_out
    if not len(key_out):
        return np.full(len(key_in), -1, dtype=np.int64), k_in
    order = np.argsort(key_out, kind="stable")
    at = np.minimum(np.searchsorted(key_out[order], key_in), len(order) - 1)
    return np.where(key_out[order][at] == key_in, order[at], -1), k_in


def pair_visits(enter: pd.DataFrame, leave: pd.DataFrame) -> pd.DataFrame:
    """Match the k-th ``enter`` event of each case with its k-th ``leave`` event.

    Returns ``case``, ``time_in``, ``k``, ``time_out`` (NaN while not left) and ``start``
    (when work on the visit began, from the leaving event; NaN while not left).
    """
    case_in = enter["case"].to_numpy()
    at, k = match_visits(case_in, leave["case"].to_numpy())
    return pd.DataFrame(
        {
            "case": case_in,
            "time_in": enter["time"].to_numpy(),
            "k": k,
            "time_out": pick(leave["time"].to_numpy(), at),
            "start": pick(leave["start"].to_numpy(), at),
        }
    )


def pick(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values[at]`` as floats, NaN where ``at`` is -1."""
    if not len(values):
        return np.full(len(at), np.nan)
    return np.where(at >= 0, values[np.maximum(at, 0)], np.nan)


def leader_visits(view: LogView) -> pd.DataFrame:
    """Each stay of a document with a leader: ``case``, ``holder`` (the routed-to leader),
    ``owner`` (the leader it belongs to: ``on_behalf`` when substituted), ``time_in`` and
    ``time_out`` (the next routing or the leader's act; NaN while still held)."""
    return view.shared("leader_visits", lambda: _leader_visits(view))


def _leader_visits(view: LogView) -> pd.DataFrame:
    pos = view.positions(v.ROUTING + v.LEADER_ACTS)
    rows = view.events.take(pos)
    nxt = next_in_case(rows["case"].to_numpy(), rows["time"].to_numpy())
    routed = rows["activity"].isin(v.ROUTING).to_numpy()
    holder = _names(rows["target"])[routed]
    on_behalf = _names(rows["on_behalf"])[routed]
    owner = np.where(pd.isna(on_behalf), holder, on_behalf)
    return pd.DataFrame(
        {
            "case": rows["case"].to_numpy()[routed],
            "holder": holder,
            "owner": owner,
            "time_in": rows["time"].to_numpy()[routed],
            "time_out": nxt[routed],
        }
    )


def _names(col: pd.Series) -> np.ndarray:
    """A categorical column as an object array of names (NaN where missing)."""
    return col.astype(str).to_numpy(dtype=object)


def _stays(enter_t: np.ndarray, exit_t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return enter_t, np.where(np.isnan(exit_t), math.inf, exit_t)


def holding(view: LogView, holder: str) -> tuple[np.ndarray, np.ndarray]:
    """When each work item entered and left ``holder``'s hands (exit = inf while still held).

    The GO holds a document from ``go.received`` to ``go.reviewed`` and an instruction from
    ``leader.instructed`` to ``go.transferred`` (A55, A57); a leader holds a document from its
    ``doc.routed`` (or ``doc.rerouted``, ``doc.sent_for_review``, ``doc.sent_for_signature``)
    to it until its act or its next routing; the justice bureau holds a document from
    ``legality.submitted`` to it until its ``justice.legality_reviewed`` (A21, A60).
    """
    if holder == GO:
        pairs = [pair_visits(view.rows(a), view.rows(b)) for a, b in v.GO_HOLDS]
    else:
        visits = leader_visits(view)
        mine = visits.loc[visits["holder"].to_numpy() == holder]
        pairs = [mine]
        sent = view.rows(v.LEGALITY_SUBMITTED)
        sent = sent.loc[sent["target"] == holder]
        if len(sent):
            done = view.rows(v.LEGALITY_REVIEWED)
            pairs.append(pair_visits(sent, done.loc[done["actor"] == holder]))
    stays = [_stays(p["time_in"].to_numpy(), p["time_out"].to_numpy()) for p in pairs]
    return np.concatenate([s[0] for s in stays]), np.concatenate([s[1] for s in stays])


def holding_intervals(
    events: pd.DataFrame, holder: str, visits: pd.DataFrame | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`holding` for a bare log (``visits``: its :func:`leader_visits`, if known)."""
    view = LogView(events)
    if visits is not None:
        view.shared("leader_visits", lambda: visits)
    return holding(view, holder)


def justice_bureau(view: LogView) -> str | None:
    """The unit the log sends legality reviews to (A20, A21, A60), if any."""
    sent = view.rows(v.LEGALITY_SUBMITTED)["target"].dropna()
    return str(sent.iloc[0]) if len(sent) else None


def work_elapsed(cal: WorkCalendar, t: np.ndarray) -> np.ndarray:
    """Vectorised ``cal.work_elapsed``: working minutes from clock 0 to each ``t``."""
    t = np.asarray(t, dtype=float)
    if t.size and not (np.all(t >= 0.0) and np.all(t <= cal.end_clock)):
        bad = t[~((t >= 0.0) & (t <= cal.end_clock))][0]
        raise ValueError(f"clock {bad!r} is outside the calendar [0, {cal.end_clock}] minutes")
    starts, ends, before = cal._S_np, cal._E_np, cal._C_np  # its office intervals
    k = np.searchsorted(starts, t, side="right") - 1
    kk = np.maximum(k, 0)
    elapsed = before[kk] + (np.minimum(t, ends[kk]) - starts[kk])
    return np.where(k < 0, 0.0, elapsed)


def working_days(cal: WorkCalendar, t0: Sequence[float], t1: Sequence[float]) -> np.ndarray:
    """Vectorised ``cal.working_days_between`` (A49, A59 count in working days)."""
    a, b = np.asarray(t0, dtype=float), np.asarray(t1, dtype=float)
    return (work_elapsed(cal, b) - work_elapsed(cal, a)) / cal.working_minutes_per_day


def mean(values: np.ndarray | pd.Series) -> float:
    """The mean, NaN for no values."""
    return float(np.mean(values)) if len(values) else math.nan


def p90(values: np.ndarray | pd.Series) -> float:
    """The 90th percentile, NaN for no values."""
    return float(np.percentile(values, 90)) if len(values) else math.nan


def cycle_stats(prefix: str, cal_days: np.ndarray, work_days: np.ndarray) -> dict[str, float]:
    """Mean and percentiles (:data:`PERCENTILES`) in calendar days and in working days."""
    out: dict[str, float] = {}
    for unit, values in (("days", cal_days), ("wd", work_days)):
        has = values.size > 0
        out[f"{prefix}_mean_{unit}"] = float(values.mean()) if has else math.nan
        for p in PERCENTILES:
            out[f"{prefix}_p{p}_{unit}"] = float(np.percentile(values, p)) if has else math.nan
    return out
