"""Shared pieces of the KPIs: visits (a case's k-th entry matched with its k-th exit), the
stays of documents with leaders, holding intervals, working days and summary statistics.

Everything here is vectorised over a slice of the log (no loop over rows) and gives exactly
the values the row-by-row definitions give (same floating-point operations, same order).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.core.org import GO
from govsim.kpis import vocab as v
from govsim.kpis.view import LogView, Rows, names_at, split_codes

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


def visits(enter: Rows | pd.DataFrame, leave: Rows | pd.DataFrame) -> dict[str, np.ndarray]:
    """Match the k-th ``enter`` event of each case with its k-th ``leave`` event.

    Returns arrays ``case``, ``time_in``, ``k``, ``time_out`` (NaN while not left) and
    ``start`` (when work on the visit began, from the leaving event; NaN while not left).
    """
    case_in = np.asarray(enter["case"])
    at, k = match_visits(case_in, np.asarray(leave["case"]))
    return {
        "case": case_in,
        "time_in": np.asarray(enter["time"]),
        "k": k,
        "time_out": pick(np.asarray(leave["time"]), at),
        "start": pick(np.asarray(leave["start"]), at),
    }


def pair_visits(enter: pd.DataFrame, leave: pd.DataFrame) -> pd.DataFrame:
    """:func:`visits` as a frame."""
    return pd.DataFrame(visits(enter, leave))


def started_waits(enter: Rows, leave: Rows) -> np.ndarray:
    """Minutes from each entry to the start of work on it, for the visits work started on."""
    paired = visits(enter, leave)
    started = ~np.isnan(paired["start"])
    return paired["start"][started] - paired["time_in"][started]


def by_case(
    case: np.ndarray, values: np.ndarray, how: Literal["first", "last", "min"]
) -> tuple[np.ndarray, np.ndarray]:
    """Each case (sorted) and its ``first``, ``last`` or ``min`` value (values without NaN),
    as ``groupby("case")`` gives them."""
    order = np.argsort(case, kind="stable")
    keys, ordered = case[order], values[order]
    if not len(keys):
        return keys, ordered
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    if how == "first":
        picked = ordered[starts]
    elif how == "last":
        picked = ordered[np.r_[starts[1:], len(keys)] - 1]
    else:
        picked = np.minimum.reduceat(ordered, starts)
    return keys[starts], picked


def lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``values`` at each ``query`` among the unique ``keys`` (NaN where absent) — the
    ``Series.map`` of a series indexed by ``keys``."""
    return pick(values, pd.Index(keys).get_indexer(query))


def pick(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values[at]``, NaN where ``at`` is -1."""
    if not len(values):
        return np.full(len(at), np.nan)
    return np.where(at >= 0, values[np.maximum(at, 0)], np.nan)


def leader_stays(view: LogView) -> dict[str, np.ndarray]:
    """Each stay of a document with a leader, as arrays: ``case``, ``holder`` (the routed-to
    leader), ``owner`` (the leader it belongs to: ``on_behalf`` when substituted),
    ``time_in`` and ``time_out`` (the next routing or the leader's act; NaN while held)."""
    return view.shared("leader_stays", lambda: _leader_stays(view))


def _leader_stays(view: LogView) -> dict[str, np.ndarray]:
    pos = view.positions(v.ROUTING + v.LEADER_ACTS)
    case, time = view.column("case")[pos], view.column("time")[pos]
    nxt = next_in_case(case, time)
    routed = np.sort(np.searchsorted(pos, view.positions(v.ROUTING)))
    holder = names_at(view.codes("target")[0][pos[routed]], view.codes("target")[1])
    on_behalf = names_at(view.codes("on_behalf")[0][pos[routed]], view.codes("on_behalf")[1])
    return {
        "case": case[routed],
        "holder": holder,
        "owner": np.where(pd.isna(on_behalf), holder, on_behalf),
        "time_in": time[routed],
        "time_out": nxt[routed],
    }


def leader_visits(events: pd.DataFrame) -> pd.DataFrame:
    """:func:`leader_stays` of a bare log as a frame."""
    return pd.DataFrame(leader_stays(LogView(events)))


def groups(names: np.ndarray) -> dict[str, np.ndarray]:
    """The positions of each name in ``names`` (missing names left out)."""
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    return split_codes(codes, np.asarray(uniques, dtype=object))


def _by_holder(view: LogView) -> dict[str, np.ndarray]:
    """Positions of each leader's stays in :func:`leader_stays`."""
    return view.shared("stays_by_holder", lambda: groups(leader_stays(view)["holder"]))


def _open_ended(
    stays: dict[str, np.ndarray], at: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Entry and exit times of ``stays`` (rows ``at``), exit = inf while still held."""
    t_in, t_out = stays["time_in"], stays["time_out"]
    if at is not None:
        t_in, t_out = t_in[at], t_out[at]
    return t_in, np.where(np.isnan(t_out), math.inf, t_out)


def holding(view: LogView, holder: str) -> tuple[np.ndarray, np.ndarray]:
    """When each work item entered and left ``holder``'s hands (exit = inf while still held).

    The GO holds a document from ``go.received`` to ``go.reviewed`` and an instruction from
    ``leader.instructed`` to ``go.transferred`` (A55, A57); a leader holds a document from its
    ``doc.routed`` (or ``doc.rerouted``, ``doc.sent_for_review``, ``doc.sent_for_signature``)
    to it until its act or its next routing; the justice bureau holds a document from
    ``legality.submitted`` to it until its ``justice.legality_reviewed`` (A21, A60).
    """
    if holder == GO:
        stays = [_open_ended(visits(view.at(a), view.at(b))) for a, b in v.GO_HOLDS]
    else:
        mine = _by_holder(view).get(holder, np.empty(0, dtype=np.int64))
        stays = [_open_ended(leader_stays(view), mine)]
        sent = view.at(v.LEGALITY_SUBMITTED)
        sent = sent.select(sent.equals("target", holder))
        if len(sent):
            done = view.at(v.LEGALITY_REVIEWED)
            stays.append(_open_ended(visits(sent, done.select(done.equals("actor", holder)))))
    return np.concatenate([s[0] for s in stays]), np.concatenate([s[1] for s in stays])


def holding_intervals(events: pd.DataFrame, holder: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`holding` for a bare log."""
    return holding(LogView(events), holder)


def justice_bureau(view: LogView) -> str | None:
    """The unit the log sends legality reviews to (A20, A21, A60), if any."""
    sent = view.at(v.LEGALITY_SUBMITTED)["target"]
    sent = sent[~pd.isna(sent)]
    return str(sent[0]) if len(sent) else None


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
        cuts = np.percentile(values, PERCENTILES) if has else [math.nan] * len(PERCENTILES)
        for p, cut in zip(PERCENTILES, cuts, strict=True):
            out[f"{prefix}_p{p}_{unit}"] = float(cut)
    return out
