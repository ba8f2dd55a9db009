"""The supervision ledger (A70, A73, A74; RULES §2.0 kpi.backlog.ledger, kpi.ledger.*), with a
``[ledger]`` section: its items, how long each colour held, the daily colours
(``ledger_daily.parquet``) and the KPIs of items registered after the warm-up."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.kpis import vocab as v
from govsim.kpis.backlog import day_dates
from govsim.kpis.helpers import by_case, lookup, next_in_case
from govsim.kpis.registry import kpi_family, section, series
from govsim.kpis.view import LogView, Setting, names_at

DAYS_PER_MONTH = 365.25 / 12
WITH_LEDGER = section("ledger")


Arrays = dict[str, np.ndarray]


def items(view: LogView) -> Arrays:
    """One entry per ledger item: ``case``, ``source``, ``owner``, ``registered`` (NaN for an
    item a warm start carried: registered before the cut), ``entered`` (registered, or the
    carried item's re-entry), ``deadline``, ``closed`` (NaN while open), ``on_time`` (closed
    by the deadline), ``verify_fails``."""
    return view.shared("ledger_items", lambda: _items(view))


def _items(view: LogView) -> Arrays:
    mine = view.codes("case_type", "cases")[0] == view.code("case_type", v.LEDGER_ITEM, "cases")
    case = view.cases["case"].to_numpy()[mine]
    reg, closed = view.at(v.LEDGER_REGISTERED), view.at(v.LEDGER_CLOSED)
    verified = view.at(v.LEDGER_VERIFIED)
    failed, fails = np.unique(
        verified.select(verified.equals("outcome", "fail"))["case"], return_counts=True
    )
    on_time = closed.equals("outcome", "on_time")
    carried = view.at(v.CASE_CARRIED)
    registered = lookup(*by_case(reg["case"], reg["time"], "first"), case)
    reentry = lookup(*by_case(carried["case"], carried["time"], "first"), case)
    deadline = lookup(*by_case(reg["case"], reg["deadline"], "first"), case)
    carried_deadline = lookup(*by_case(carried["case"], carried["deadline"], "first"), case)
    return {
        "case": case,
        "source": names_at(
            view.codes("source", "cases")[0][mine], view.codes("source", "cases")[1]
        ),
        "owner": names_at(view.codes("matter", "cases")[0][mine], view.codes("matter", "cases")[1]),
        "registered": registered,
        "entered": np.where(np.isnan(registered), reentry, registered),
        "deadline": np.where(np.isnan(deadline), carried_deadline, deadline),
        "closed": lookup(*by_case(closed["case"], closed["time"], "first"), case),
        "on_time": lookup(*by_case(closed["case"], on_time.astype(float), "first"), case) == 1.0,
        "verify_fails": np.nan_to_num(lookup(failed, fails.astype(float), case)).astype(int),
    }


def ledger_items(events: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """:func:`items` of a bare log, as a frame (``source`` and ``owner`` categorical)."""
    table = items(LogView(events, cases))
    mine = cases.loc[cases["case_type"] == v.LEDGER_ITEM, ["case", "source", "matter"]]
    out = mine.rename(columns={"matter": "owner"}).reset_index(drop=True)
    for name in ("registered", "deadline", "closed", "on_time", "verify_fails"):
        out[name] = table[name]
    return out


def colour_spans(view: LogView) -> Arrays:
    """How long each logged colour held: ``case``, ``colour``, ``time_in`` (the stocktake),
    ``time_out`` (the item's next stocktake, its 销号, or the horizon)."""
    return view.shared("ledger_spans", lambda: _colour_spans(view))


def _colour_spans(view: LogView) -> Arrays:
    horizon = view.horizon
    colours, closed = view.at(v.LEDGER_COLOUR), view.at(v.LEDGER_CLOSED)
    case, time = colours["case"], colours["time"]
    nxt = next_in_case(case, time)
    end = lookup(*by_case(closed["case"], closed["time"], "first"), case)
    end = np.where(np.isnan(end), horizon, end)
    return {
        "case": case,
        "colour": colours["outcome"],
        "time_in": time,
        "time_out": np.minimum(np.where(np.isnan(nxt), end, nxt), horizon),
    }


def _count_at(starts: np.ndarray, ends: np.ndarray, at: np.ndarray) -> np.ndarray:
    """How many intervals [start, end) contain each instant of ``at``."""
    return np.searchsorted(np.sort(starts), at, side="right") - np.searchsorted(
        np.sort(ends), at, side="right"
    )


@series("ledger_daily", applies=WITH_LEDGER)
def daily(view: LogView) -> pd.DataFrame:
    """Open ledger items at the end of each day, by colour (``kpi.backlog.ledger[colour]``).

    Columns: ``day``, ``open``, ``blue``, ``yellow``, ``red`` (the colour of the item's latest
    stocktake), ``unrated`` (no stocktake yet), ``registered`` and ``closed`` (that day).
    """
    return view.shared("ledger_daily", lambda: _daily(view))


def _daily(view: LogView) -> pd.DataFrame:
    cal, horizon = view.cal, view.horizon
    ends = (np.arange(cal.days) + 1) * 1440.0
    table = items(view)
    reg = table["entered"].astype(float)  # open from its re-entry when carried
    out_t = np.where(np.isnan(table["closed"]), math.inf, table["closed"])
    frame = pd.DataFrame({"day": day_dates(cal)})
    frame["open"] = _count_at(reg, out_t, ends).astype(np.int32)
    spans = colour_spans(view)
    t_in, t_out = spans["time_in"], spans["time_out"]
    t_out = np.where(t_out >= horizon, math.inf, t_out)  # still this colour at the horizon
    rated = np.zeros(cal.days, dtype=np.int64)
    for name in v.LEDGER_COLOURS:
        mine = spans["colour"] == name
        counts = _count_at(t_in[mine], t_out[mine], ends)
        frame[name] = counts.astype(np.int32)
        rated += counts
    frame["unrated"] = (frame["open"] - rated).astype(np.int32)
    registered = table["registered"][~np.isnan(table["registered"])]  # not those carried
    for name, times in (("registered", registered), ("closed", out_t[np.isfinite(out_t)])):
        days = (times // 1440).astype(int)
        frame[name] = np.bincount(days[days < cal.days], minlength=cal.days).astype(np.int32)
    return frame


def ledger_daily(events: pd.DataFrame, cases: pd.DataFrame, cal: WorkCalendar) -> pd.DataFrame:
    """:func:`daily` of a bare log."""
    return daily(LogView(events, cases, cal))


def _items_kpis(view: LogView, kept: np.ndarray) -> dict[str, float]:
    """Registered, closed (on time, late), open and overdue items; cycle times; verification
    failures and closures per month (A70, A73). ``kept``: items registered after the warm-up."""
    warm, horizon, table = view.warm, view.horizon, items(view)
    shut = kept & ~np.isnan(table["closed"])
    open_ = kept & np.isnan(table["closed"])
    n_closed = int(shut.sum())
    overdue_open = int((table["deadline"][open_] < horizon).sum())
    on_time = int(table["on_time"][shut].sum())
    due = n_closed + overdue_open
    out: dict[str, float] = {
        "ledger_registered": int(kept.sum()),
        "ledger_closed": n_closed,
        "ledger_open": int(open_.sum()),
        "ledger_closed_on_time": on_time,
        "ledger_closed_late": n_closed - on_time,
        "ledger_overdue_open": overdue_open,
        "ledger_on_time_share": on_time / n_closed if n_closed else math.nan,
        "ledger_due_on_time_share": on_time / due if due else math.nan,
    }
    for name in v.LEDGER_SOURCES:
        out[f"ledger_registered_{name}"] = int((table["source"][kept] == name).sum())
    cycle = (table["closed"][shut] - table["registered"][shut]) / 1440.0
    out["ledger_cycle_mean_days"] = float(cycle.mean()) if cycle.size else math.nan
    out["ledger_cycle_p90_days"] = float(np.percentile(cycle, 90)) if cycle.size else math.nan
    verified = view.at(v.LEDGER_VERIFIED)
    verified = verified.select(np.isin(verified["case"], table["case"][kept]))
    n_fail = int(verified.equals("outcome", "fail").sum())
    out["ledger_verify_fail_rate"] = n_fail / len(verified) if len(verified) else math.nan
    months = (horizon - warm) / 1440.0 / DAYS_PER_MONTH
    out["ledger_closed_per_month"] = n_closed / months if months > 0 else math.nan
    return out


def _colour_kpis(view: LogView, kept: np.ndarray) -> dict[str, float]:
    """Red dwell of the kept items, and the daily colours after the warm-up (A70, K62)."""
    spans = colour_spans(view)
    red = np.isin(spans["case"], items(view)["case"][kept]) & (spans["colour"] == "red")
    dwell = pd.Series((spans["time_out"][red] - spans["time_in"][red]) / 1440.0)
    dwell = dwell.groupby(spans["case"][red]).sum()
    n_kept = int(kept.sum())
    out: dict[str, float] = {
        "ledger_red_item_days": float(dwell.sum()),
        "ledger_red_dwell_mean_days": float(dwell.mean()) if len(dwell) else 0.0,
        "ledger_ever_red_share": len(dwell) / n_kept if n_kept else math.nan,
    }
    after = daily(view).iloc[view.setting.warmup_days :]
    for col in ("open", *v.LEDGER_COLOURS):
        out[f"ledger_{col}_mean"] = float(after[col].mean())
    out["ledger_red_max"] = float(after["red"].max())
    return out


def _rhythm_kpis(view: LogView) -> dict[str, float]:
    """The A70 rhythm after the warm-up: stocktakes, pushes, dispatches, A74 outcomes, and the
    leader hours of the dekad pushes and monthly dispatches."""
    out: dict[str, float] = {
        f"ledger_{name}": view.count(activity, "after") for activity, name in v.LEDGER_COUNTS
    }
    sessions = view.at((v.DEKAD_PUSH, v.MONTHLY_DISPATCH), "after")
    value = pd.Series(sessions["value"])
    for activity, name in ((v.DEKAD_PUSH, "dekad_push"), (v.MONTHLY_DISPATCH, "monthly_dispatch")):
        mine = sessions.equals("activity", activity)
        out[f"ledger_hours_{name}"] = float(value[mine].sum() / 60.0)
    out["ledger_hours_rhythm"] = (
        out["ledger_hours_dekad_push"] + out["ledger_hours_monthly_dispatch"]
    )
    per_leader = value.groupby(sessions["actor"]).sum() / 60.0
    for leader in view.setting.leaders:
        out[f"ledger_hours_{leader}"] = float(per_leader.get(leader, 0.0))
    return out


@kpi_family("ledger", rank=100, applies=WITH_LEDGER)
def ledger_family(view: LogView) -> dict[str, float]:
    """KPIs of the supervision ledger for one replication (``docs/results.md``): items
    registered at or after the warm-up; daily series and rhythm after it."""
    kept = items(view)["registered"] >= view.warm
    return {**_items_kpis(view, kept), **_colour_kpis(view, kept), **_rhythm_kpis(view)}


def ledger_kpis(
    events: pd.DataFrame,
    cases: pd.DataFrame,
    cal: WorkCalendar,
    leaders: Sequence[str],
    warmup_days: int = 0,
) -> dict[str, float]:
    """:func:`ledger_family` of a bare log."""
    setting = Setting(leaders=tuple(leaders), warmup_days=warmup_days)
    return ledger_family(LogView(events, cases, cal, setting))
