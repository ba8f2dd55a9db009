"""The A74 year-end assessment table of the supervision ledger (RULES §7.6, K68), with a
``[ledger]`` section (``ledger_year.parquet``): one row per calendar year and department."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.kpis import vocab as v
from govsim.kpis.ledger import WITH_LEDGER, colour_spans, items
from govsim.kpis.registry import series
from govsim.kpis.view import LogView, Setting


def _per_dept(owners: np.ndarray, departments: pd.Index) -> np.ndarray:
    """How many of ``owners`` are each department (others ignored)."""
    at = departments.get_indexer(owners)
    return np.bincount(at[at >= 0], minlength=len(departments))


def _red_spans(view: LogView, owner: pd.Series) -> pd.DataFrame:
    """The red spans with their item's owner and the month (a number) the stocktake fell in."""
    spans = colour_spans(view)
    red = spans.loc[spans["colour"] == "red"].copy()
    red["owner"] = red["case"].map(owner)
    day = (red["time_in"].to_numpy() // 1440).astype(np.int64).astype("timedelta64[D]")
    red["month"] = (np.datetime64(view._calendar().start, "D") + day).astype("datetime64[M]")
    return red


def _year(view: LogView, year: int, red: pd.DataFrame, departments: pd.Index) -> pd.DataFrame:
    """One year's rows: what was registered, closed, open and red in it, and its score (K68)."""
    cal, horizon, table = view._calendar(), view.horizon, items(view)
    y0 = max(0.0, float((dt.date(year, 1, 1) - cal.start).days * 1440))
    y1 = min(horizon, float((dt.date(year + 1, 1, 1) - cal.start).days * 1440))
    owner = table["owner"].astype(str).to_numpy(dtype=object)
    reg, closed = table["registered"].to_numpy(), table["closed"].to_numpy()
    shut = (closed >= y0) & (closed < y1)
    still = (reg < y1) & ~(closed < y1)
    overdue = still & (table["deadline"].to_numpy() < y1)
    dwell = (red["time_out"].clip(upper=y1) - red["time_in"].clip(lower=y0)).clip(lower=0)
    red_days = (dwell / 1440.0).groupby(red["owner"]).sum()
    in_months = red.loc[(red["time_in"] >= y0) & (red["time_in"] < y1)]
    red_months = in_months.drop_duplicates(["case", "month"])["owner"].to_numpy(dtype=object)
    marks = {}
    for name in v.LEDGER_MARKS:
        done = view.rows(f"outcome.{name}")
        in_year = (done["time"] >= y0) & (done["time"] < y1)
        marks[name] = _per_dept(done.loc[in_year, "target"].to_numpy(dtype=object), departments)
    on_time = _per_dept(owner[shut & table["on_time"].to_numpy(dtype=bool)], departments)
    n_closed = _per_dept(owner[shut], departments)
    n_red_months = _per_dept(red_months, departments)
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
            "overdue_at_year_end": _per_dept(owner[overdue], departments),
            "red_days": red_days.reindex(departments, fill_value=0.0).to_numpy(dtype=float),
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
    cal = view._calendar()
    owner = items(view).set_index("case")["owner"].astype(str)
    red = _red_spans(view, owner)
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
