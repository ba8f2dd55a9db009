"""Backlog: items held at the end of each day by the GO, each leader and the justice bureau
(RULES §2.0 kpi.backlog), as a series (``backlog.parquet``) and as KPIs after the warm-up."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.core.org import GO
from govsim.kpis.helpers import holding, justice_bureau
from govsim.kpis.registry import kpi_family, series
from govsim.kpis.view import LogView


def held_per_day(view: LogView, holders: Sequence[str]) -> np.ndarray:
    """Items held at the end of each day (columns) by each holder (rows)."""
    cal = view.cal
    ends = (np.arange(cal.days) + 1) * 1440.0
    held = np.empty((len(holders), cal.days), dtype=np.int32)
    for i, holder in enumerate(holders):
        enter, exit_ = holding(view, holder)
        held[i] = np.searchsorted(np.sort(enter), ends, side="right") - np.searchsorted(
            np.sort(exit_), ends, side="right"
        )
    return held


def day_dates(cal: WorkCalendar) -> np.ndarray:
    """The simulated days as dates, an object array (the ``day`` column of the daily series)."""
    dates = np.empty(cal.days, dtype=object)
    dates[:] = [cal.start + dt.timedelta(days=i) for i in range(cal.days)]
    return dates


def _frame(cal: WorkCalendar, holders: Sequence[str], held: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": np.tile(day_dates(cal), len(holders)),
            "holder": pd.Categorical.from_codes(
                np.repeat(np.arange(len(holders)), cal.days), categories=list(holders)
            ),
            "backlog": held.reshape(-1),
        }
    )


def holders_of(view: LogView) -> list[str]:
    """The holders of the backlog series: the GO and the leaders, in scenario order."""
    return [GO, *view.setting.leaders]


def _held(view: LogView) -> np.ndarray:
    return view.shared("backlog_held", lambda: held_per_day(view, holders_of(view)))


@series("backlog")
def backlog_frame(view: LogView) -> pd.DataFrame:
    """Items held at the end of each simulated day, per holder (long format).

    Columns: ``day`` (date), ``holder`` (categorical, GO then the leaders), ``backlog``; with
    units' desks (:mod:`govsim.kpis.desks`) each unit follows (its jobs waiting or in work) and
    ``holder_kind`` (``go``, ``leader``, ``unit``) tells them apart.
    """
    frame = _frame(view.cal, holders_of(view), _held(view))
    if not view.count("desk.staffed"):
        return frame
    from govsim.kpis.desks import desk_backlog_frame

    units = desk_backlog_frame(view).assign(holder_kind="unit")
    frame = frame.assign(
        holder=frame["holder"].astype(object),
        holder_kind=np.where(frame["holder"].astype(object) == GO, "go", "leader"),
    )
    holders = [*holders_of(view), *units["holder"].unique()]
    both = pd.concat([frame, units], ignore_index=True)
    both["holder"] = pd.Categorical(both["holder"], categories=holders)
    both["holder_kind"] = pd.Categorical(both["holder_kind"], categories=["go", "leader", "unit"])
    return both


def backlog_series(events: pd.DataFrame, cal: WorkCalendar, holders: Sequence[str]) -> pd.DataFrame:
    """:func:`backlog_frame` of a bare log for any ``holders``."""
    view = LogView(events, cal=cal)
    return _frame(cal, list(holders), held_per_day(view, list(holders)))


def _mean_max(held: np.ndarray) -> tuple[float, float]:
    if not held.size:
        return math.nan, math.nan
    return float(held.mean()), float(held.max())


@kpi_family("backlog", rank=70)
def backlog_kpis(view: LogView) -> dict[str, float]:
    """Mean and peak backlog after the warm-up: the GO's, each leader's, the leaders' together
    and the justice bureau's legality reviews (A20, A21, A60; NaN without legality review)."""
    holders = holders_of(view)
    held = _held(view)[:, view.setting.warmup_days :]
    out: dict[str, float] = {}
    out["backlog_go_mean"], out["backlog_go_max"] = _mean_max(held[0])
    for i, leader in enumerate(holders[1:], start=1):
        out[f"backlog_{leader}_mean"] = _mean_max(held[i])[0]
    together = held[1:].sum(axis=0, dtype=np.int64) if len(holders) > 1 else np.empty(0)
    out["backlog_leaders_mean"], out["backlog_leaders_max"] = _mean_max(together)
    justice = justice_bureau(view)
    if justice is None:
        out["backlog_justice_mean"] = out["backlog_justice_max"] = math.nan
    else:
        mine = held[holders.index(justice)] if justice in holders else None
        if mine is None:
            mine = held_per_day(view, [justice])[0, view.setting.warmup_days :]
        out["backlog_justice_mean"], out["backlog_justice_max"] = _mean_max(mine)
    return out
