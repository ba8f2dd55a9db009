"""The A74 year-end assessment table of the supervision ledger (RULES §7.6, K68), with a
``[ledger]`` section (``ledger_year.parquet``): one row per calendar year and department."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.kpis import vocab as v
from govsim.kpis.helpers import lookup
from govsim.kpis.ledger import WITH_LEDGER, colour_spans, items
from govsim.kpis.registry import series
from govsim.kpis.view import LogView, Setting


def _per_dept(owners: np.ndarray, departments: pd.Index) -> np.ndarray:
    """How many of ``owners`` are each department (others ignored)."""
    at = departments.get_indexer(owners)
    return np.bincount(at[at >= 0], minlength=len(departments))


def _red_spans(view: LogView) -> dict[str, np.ndarray]:
    """The red spans with their item's owner and the month (a number) the stocktake fell in."""
    spans, table = colour_spans(view), items(view)
    red = spans["colour"] == "red"
    case, time_in = spans["case"][red], spans["time_in"][red]
    day = (time_in // 1440).astype(np.int64).astype("timedelta64[D]")
    month = (np.datetime64(view.cal.start, "D") + day).astype("datetime64[M]")
    return {
        "case": case,
        "owner": lookup(table["case"], table["owner"], case),
        "time_in": time_in,
        "time_out": spans["time_out"][red],
        "month": month.astype(np.int64),
    }


def _marks(view: LogView, y0: float, y1: float, departments: pd.Index) -> dict[str, np.ndarray]:
    """The A74 outcomes (督办, 约谈, 通报批评) of the year per department."""
    out = {}
    for name in v.LEDGER_MARKS:
        done = view.at(f"outcome.{name}")
        in_year = (done["time"] >= y0) & (done["time"] < y1)
        out[name] = _per_dept(done["target"][in_year], departments)
    return out


def _red_of_year(
    red: dict[str, np.ndarray], y0: float, y1: float, departments: pd.Index
) -> tuple[np.ndarray, np.ndarray]:
    """Item-days red inside the year, and item-months with a red stocktake in it, per department."""
    dwell = np.maximum(np.minimum(red["time_out"], y1) - np.maximum(red["time_in"], y0), 0)
    red_days = pd.Series(dwell / 1440.0).groupby(red["owner"]).sum()
    in_year = (red["time_in"] >= y0) & (red["time_in"] < y1)
    keys = red["case"][in_year].astype(np.int64) * (1 << 24) + red["month"][in_year]
    first = np.unique(keys, return_index=True)[1]
    red_months = _per_dept(red["owner"][in_year][np.sort(first)], departments)
    return red_days.reindex(departments, fill_value=0.0).to_numpy(dtype=float), red_months


def _year(
    view: LogView, year: int, red: dict[str, np.ndarray], departments: pd.Index
) -> pd.DataFrame:
    """One year's rows: what was registered, closed, open and red in it, and its score (K68)."""
    cal, horizon, table = view.cal, view.horizon, items(view)
    y0 = max(0.0, float((dt.date(year, 1, 1) - cal.start).days * 1440))
    y1 = min(horizon, float((dt.date(year + 1, 1, 1) - cal.start).days * 1440))
    owner, reg, closed = table["owner"], table["registered"], table["closed"]
    shut = (closed >= y0) & (closed < y1)
    # an item a warm start carried is the department's work from its re-entry: open, overdue,
    # closed and red like any other, but not registered in the run (registered NaN)
    still = (table["entered"] < y1) & ~(closed < y1)
    marks = _marks(view, y0, y1, departments)
    on_time = _per_dept(owner[shut & table["on_time"]], departments)
    n_closed = _per_dept(owner[shut], departments)
    red_days, n_red_months = _red_of_year(red, y0, y1, departments)
    scoring = view.setting.scoring
    n = len(departments)
    return pd.DataFrame(
        {
            "year": np.full(n, year, dtype=np.int64),
            "days": np.full(n, round((y1 - y0) / 1440.0), dtype=np.int64),
            "department": list(departments),
            "registered": _per_dept(owner[(reg >= y0) & (reg < y1)], departments),
            "closed": n_closed,
            "closed_on_time": on_time,
            "closed_late": n_closed - on_time,
            "open_at_year_end": _per_dept(owner[still], departments),
            "overdue_at_year_end": _per_dept(owner[still & (table["deadline"] < y1)], departments),
            "red_days": red_days,
            "red_months": n_red_months,
            "supervise": marks["supervise"],
            "admonish": marks["admonish"],
            "criticise": marks["criticise"],
            "score": on_time * getattr(scoring, "on_time", 1.0)
            + n_red_months * getattr(scoring, "red_month", -1.0)
            + marks["criticise"] * getattr(scoring, "criticism", -3.0),
        }
    )


@series("ledger_year", applies=WITH_LEDGER)
def year_table(view: LogView) -> pd.DataFrame:
    """Year-end ledger results per department, for the A74 assessment (RULES §7.6, K68).

    One row per calendar year of the horizon and department: ``year``, ``days`` (days of the
    year inside the horizon), ``department``, ``registered``, ``closed``, ``closed_on_time``,
    ``closed_late`` (销号 in the year), ``open_at_year_end``, ``overdue_at_year_end`` (at the
    year's end or the horizon), ``red_days`` (item-days red inside the year), ``red_months``
    (item × month with a red stocktake), ``supervise`` (督办), ``admonish`` (约谈),
    ``criticise`` (通报批评) and ``score`` = K68 points (``[ledger.scoring]``; default +1 per
    on-time closure, −1 per red month, −3 per criticism).
    """
    cal = view.cal
    red = _red_spans(view)
    departments = pd.Index(list(view.setting.departments), dtype=object)
    last_day = cal.start + dt.timedelta(days=cal.days - 1)
    years = range(cal.start.year, last_day.year + 1)
    return pd.concat([_year(view, y, red, departments) for y in years], ignore_index=True)


def ledger_year_table(
    events: pd.DataFrame,
    cases: pd.DataFrame,
    cal: WorkCalendar,
    departments: Sequence[str],
    scoring: object | None = None,
) -> pd.DataFrame:
    """:func:`year_table` of a bare log."""
    setting = Setting(departments=tuple(departments), scoring=scoring)
    return year_table(LogView(events, cases, cal, setting))
