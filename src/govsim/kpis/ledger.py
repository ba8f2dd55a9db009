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
from govsim.kpis.helpers import next_in_case
from govsim.kpis.registry import kpi_family, section, series
from govsim.kpis.view import LogView, Setting

DAYS_PER_MONTH = 365.25 / 12
WITH_LEDGER = section("ledger")


def items(view: LogView) -> pd.DataFrame:
    """One row per ledger item: ``case``, ``source``, ``owner``, ``registered``, ``deadline``,
    ``closed`` (NaN while open), ``on_time`` (closed by the deadline), ``verify_fails``."""
    return view.shared("ledger_items", lambda: _items(view))


def _items(view: LogView) -> pd.DataFrame:
    cases = view.cases
    assert cases is not None
    table = cases.loc[cases["case_type"] == v.LEDGER_ITEM, ["case", "source", "matter"]]
    table = table.rename(columns={"matter": "owner"}).set_index("case")
    reg = view.rows(v.LEDGER_REGISTERED).groupby("case", observed=True).first()
    closed = view.rows(v.LEDGER_CLOSED).groupby("case", observed=True).first()
    verified = view.rows(v.LEDGER_VERIFIED)
    fails = verified.loc[verified["outcome"] == "fail"].groupby("case", observed=True).size()
    out = table.assign(
        registered=reg["time"].reindex(table.index),
        deadline=reg["deadline"].reindex(table.index),
        closed=closed["time"].reindex(table.index),
        on_time=(closed["outcome"] == "on_time").reindex(table.index, fill_value=False),
        verify_fails=fails.reindex(table.index, fill_value=0).astype(int),
    )
    return out.reset_index()


def ledger_items(events: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """:func:`items` of a bare log."""
    return items(LogView(events, cases))


def colour_spans(view: LogView) -> pd.DataFrame:
    """How long each logged colour held: ``case``, ``colour``, ``time_in`` (the stocktake),
    ``time_out`` (the item's next stocktake, its 销号, or the horizon)."""
    return view.shared("ledger_spans", lambda: _colour_spans(view))


def _colour_spans(view: LogView) -> pd.DataFrame:
    horizon = view.horizon
    colours = view.rows(v.LEDGER_COLOUR)
    closed = view.rows(v.LEDGER_CLOSED).groupby("case", observed=True)["time"].first()
    case, time = colours["case"].to_numpy(), colours["time"].to_numpy()
    nxt = next_in_case(case, time)
    end = colours["case"].map(closed).astype(float).fillna(horizon).to_numpy()
    return pd.DataFrame(
        {
            "case": case,
            "colour": colours["outcome"].astype(str).to_numpy(),
            "time_in": time,
            "time_out": np.minimum(np.where(np.isnan(nxt), end, nxt), horizon),
        }
    )


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
    cal, horizon = view._calendar(), view.horizon
    ends = (np.arange(cal.days) + 1) * 1440.0
    table = items(view)
    reg = table["registered"].to_numpy(dtype=float)
    out_t = table["closed"].fillna(math.inf).to_numpy(dtype=float)
    frame = pd.DataFrame({"day": day_dates(cal)})
    frame["open"] = _count_at(reg, out_t, ends).astype(np.int32)
    spans = colour_spans(view)
    colour = spans["colour"].to_numpy(dtype=object)
    t_in, t_out = spans["time_in"].to_numpy(), spans["time_out"].to_numpy()
    t_out = np.where(t_out >= horizon, math.inf, t_out)  # still this colour at the horizon
    rated = np.zeros(cal.days, dtype=np.int64)
    for name in v.LEDGER_COLOURS:
        mine = colour == name
        counts = _count_at(t_in[mine], t_out[mine], ends)
        frame[name] = counts.astype(np.int32)
        rated += counts
    frame["unrated"] = (frame["open"] - rated).astype(np.int32)
    for name, times in (("registered", reg), ("closed", out_t[np.isfinite(out_t)])):
        days = (times // 1440).astype(int)
        frame[name] = np.bincount(days[days < cal.days], minlength=cal.days).astype(np.int32)
    return frame


def ledger_daily(events: pd.DataFrame, cases: pd.DataFrame, cal: WorkCalendar) -> pd.DataFrame:
    """:func:`daily` of a bare log."""
    return daily(LogView(events, cases, cal))


def _red_dwell(spans: pd.DataFrame) -> pd.Series:
    red = spans.loc[spans["colour"] == "red"]
    return ((red["time_out"] - red["time_in"]) / 1440.0).groupby(red["case"]).sum()


def _items_kpis(view: LogView, kept: pd.DataFrame) -> dict[str, float]:
    """Registered, closed (on time, late), open and overdue items; cycle times; verification
    failures and closures per month (A70, A73)."""
    warm, horizon = view.warm, view.horizon
    closed = kept.loc[kept["closed"].notna()]
    open_ = kept.loc[kept["closed"].isna()]
    overdue_open = int((open_["deadline"] < horizon).sum())
    on_time = int(closed["on_time"].sum())
    due = len(closed) + overdue_open
    out: dict[str, float] = {
        "ledger_registered": len(kept),
        "ledger_closed": len(closed),
        "ledger_open": len(open_),
        "ledger_closed_on_time": on_time,
        "ledger_closed_late": len(closed) - on_time,
        "ledger_overdue_open": overdue_open,
        "ledger_on_time_share": on_time / len(closed) if len(closed) else math.nan,
        "ledger_due_on_time_share": on_time / due if due else math.nan,
    }
    source = kept["source"].to_numpy(dtype=object)
    for name in v.LEDGER_SOURCES:
        out[f"ledger_registered_{name}"] = int((source == name).sum())
    cycle = (closed["closed"] - closed["registered"]).to_numpy() / 1440.0
    out["ledger_cycle_mean_days"] = float(cycle.mean()) if cycle.size else math.nan
    out["ledger_cycle_p90_days"] = float(np.percentile(cycle, 90)) if cycle.size else math.nan
    verified = view.rows(v.LEDGER_VERIFIED)
    verified = verified.loc[verified["case"].isin(kept["case"])]
    n_fail = int((verified["outcome"] == "fail").sum())
    out["ledger_verify_fail_rate"] = n_fail / len(verified) if len(verified) else math.nan
    months = (horizon - warm) / 1440.0 / DAYS_PER_MONTH
    out["ledger_closed_per_month"] = len(closed) / months if months > 0 else math.nan
    return out


def _colour_kpis(view: LogView, kept: pd.DataFrame) -> dict[str, float]:
    """Red dwell of the kept items, and the daily colours after the warm-up (A70, K62)."""
    spans = colour_spans(view)
    dwell = _red_dwell(spans.loc[spans["case"].isin(kept["case"])])
    out: dict[str, float] = {
        "ledger_red_item_days": float(dwell.sum()),
        "ledger_red_dwell_mean_days": float(dwell.mean()) if len(dwell) else 0.0,
        "ledger_ever_red_share": len(dwell) / len(kept) if len(kept) else math.nan,
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
    sessions = view.rows((v.DEKAD_PUSH, v.MONTHLY_DISPATCH), "after")
    for activity, name in ((v.DEKAD_PUSH, "dekad_push"), (v.MONTHLY_DISPATCH, "monthly_dispatch")):
        out[f"ledger_hours_{name}"] = float(
            sessions.loc[sessions["activity"] == activity, "value"].sum() / 60.0
        )
    out["ledger_hours_rhythm"] = (
        out["ledger_hours_dekad_push"] + out["ledger_hours_monthly_dispatch"]
    )
    per_leader = sessions.groupby("actor", observed=True)["value"].sum() / 60.0
    for leader in view.setting.leaders:
        out[f"ledger_hours_{leader}"] = float(per_leader.get(leader, 0.0))
    return out


@kpi_family("ledger", rank=100, applies=WITH_LEDGER)
def ledger_family(view: LogView) -> dict[str, float]:
    """KPIs of the supervision ledger for one replication (``docs/results.md``): items
    registered at or after the warm-up; daily series and rhythm after it."""
    table = items(view)
    kept = table.loc[table["registered"] >= view.warm]
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
