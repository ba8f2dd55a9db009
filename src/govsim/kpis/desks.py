"""Units' desks: utilisation, waits and deadline breaches per unit (A57, A59, A63, A70–A74).

Per unit (``desks.parquet``, one row per unit and replication): staff, jobs done, the share
of its staff's office time spent on jobs (utilisation), the mean wait of a job before work
on it began, and the deadlines it breached by kind — countersign answers deemed given (A59
「逾期不回复视为无不同意见」), countersign answers given after their limit and not deemed
(``deemed_consent = false``, or a reply past an agreed extension when AMB-19 does not deem it),
instruction replies overdue (A57), ledger items closed late or open past their deadline (A70
「按期完」). In total across units, as KPIs (``desk_*``). Only
what happens after the warm-up counts. The daily backlog of each desk is in
``backlog.parquet`` (:func:`desk_held_per_day`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from govsim.kpis.backlog import day_dates
from govsim.kpis.helpers import by_case, lookup, mean, work_elapsed, working_days
from govsim.kpis.ledger import items
from govsim.kpis.registry import kpi_family, section, series
from govsim.kpis.view import LogView, Rows

WITH_DESKS = section("desks")
STAFFED, QUEUED, DONE = "desk.staffed", "desk.job_queued", "desk.job_done"
CS_DEEMED, INSTR_OVERDUE = "cs.deemed", "instruction.overdue"
CS_REQUESTED, CS_EXTENDED, CS_REPLIED = "cs.requested", "cs.extension_agreed", "cs.replied"
BREACH_KINDS = ("cs_deemed", "cs_late", "instr_overdue", "ledger_overdue")
"""Deadline kinds a unit breaches: countersign answers deemed or late (A59), instruction
replies (A57), ledger items (A70)."""
CS_KEYS = ["case", "unit", "tag"]


def _count_by(names: np.ndarray, units: list[str]) -> np.ndarray:
    """How many times each of ``units`` occurs in ``names``."""
    found = pd.Series(names).value_counts()
    return found.reindex(units, fill_value=0).to_numpy(dtype=np.int64)


def _ledger_overdue(view: LogView, units: list[str]) -> np.ndarray:
    """Ledger items per owner closed late or still open past their deadline (A70)."""
    if not view.count("ledger.registered"):
        return np.zeros(len(units), dtype=np.int64)
    it = items(view)
    after = it["registered"] >= view.warm
    late = (~np.isnan(it["closed"]) & ~it["on_time"]) | (
        np.isnan(it["closed"]) & (it["deadline"] < view.horizon)
    )
    return _count_by(it["owner"][after & late], units)


def desk_table(view: LogView) -> pd.DataFrame:
    """One row per unit with a desk: the columns described in the module docstring."""
    return view.shared("desk_table", lambda: _desk_table(view))


def _desk_table(view: LogView) -> pd.DataFrame:
    staffed = view.at(STAFFED)
    units = [str(u) for u in staffed["actor"]]
    staff = staffed["value"].astype(int)
    cal, warm = view.cal, view.warm
    done = view.at(DONE, "after")
    actor, start, end = done["actor"], done["start"], done["time"]
    w0, w1 = work_elapsed(cal, np.maximum(start, warm)), work_elapsed(cal, end)
    frame = pd.DataFrame({"unit": actor, "busy": np.maximum(w1 - w0, 0.0)})
    busy = frame.groupby("unit")["busy"].sum().reindex(units, fill_value=0.0).to_numpy()
    available = (
        work_elapsed(cal, np.array([view.horizon]))[0]
        - work_elapsed(cal, np.array([min(warm, view.horizon)]))[0]
    )
    queued = view.at(QUEUED)
    waits = _waits(view, queued, done)
    table = pd.DataFrame(
        {
            "unit": units,
            "staff": staff,
            "jobs": _count_by(actor, units),
            "utilisation": busy / (staff * available) if available > 0 else np.nan,
            "wait_mean_wd": waits.reindex(units).to_numpy(dtype=float),
        }
    )
    table["cs_deemed"] = _count_by(view.at(CS_DEEMED, "kept")["target"], units)
    table["cs_late"] = _count_by(_cs_late_units(view), units)
    table["instr_overdue"] = _count_by(view.at(INSTR_OVERDUE, "kept")["target"], units)
    table["ledger_overdue"] = _ledger_overdue(view, units)
    table["breaches"] = table[list(BREACH_KINDS)].sum(axis=1)
    return table


def _cs_frame(rows: Rows, unit: str, deadline: bool) -> pd.DataFrame:
    """Countersign events keyed by (case, co-department, round), in time order."""
    frame = pd.DataFrame(
        {
            "time": rows["time"].astype(float),
            "case": rows["case"].astype(np.int64),
            "unit": pd.Series(rows[unit], dtype=object).astype(str).astype("string"),
            "tag": pd.Series(rows["reason"], dtype=object).astype(str).astype("string"),
        }
    )
    if deadline:
        frame["deadline"] = rows["deadline"].astype(float)
    return frame.sort_values("time", kind="stable")


def _cs_late_units(view: LogView) -> np.ndarray:
    """The co-department of every countersign answer signed after its limit (A59) — the
    request's, or the extension agreed after it — and not deemed: the first ``cs.replied`` of
    each request (a later one is the agreement after a negotiated objection, A56)."""
    replies = _cs_frame(view.at(CS_REPLIED, "kept"), "actor", False)
    if replies.empty:
        return np.array([], dtype=object)
    requests = _cs_frame(view.at(CS_REQUESTED), "target", True)
    requests["asked"] = requests["time"]
    requests["request"] = np.arange(len(requests))
    extended = _cs_frame(view.at(CS_EXTENDED), "target", True)
    extended = extended.rename(columns={"deadline": "extended", "time": "agreed"})
    extended["time"] = extended["agreed"]
    paired = pd.merge_asof(replies, requests, on="time", by=CS_KEYS, direction="backward")
    paired = pd.merge_asof(paired, extended, on="time", by=CS_KEYS, direction="backward")
    paired = paired.dropna(subset=["request"]).drop_duplicates("request", keep="first")
    after = paired["agreed"].to_numpy(float) >= paired["asked"].to_numpy(float)
    limit = np.where(after, paired["extended"], paired["deadline"])
    late = paired["time"].to_numpy(float) > limit + 1e-6
    return paired["unit"].astype(object).to_numpy()[late]


def _waits(view: LogView, queued: Rows, done: Rows) -> pd.Series:
    """Mean working days each unit's jobs (done after the warm-up) waited before work on
    them began: from ``desk.job_queued`` to the ``start`` of ``desk.job_done`` of its case."""
    queued_at = lookup(*by_case(queued["case"], queued["time"], "first"), done["case"])
    wd = working_days(view.cal, queued_at, done["start"])
    return pd.Series(wd, index=done["actor"]).groupby(level=0).mean()


@series("desks", applies=WITH_DESKS)
def desks_frame(view: LogView) -> pd.DataFrame:
    """Per unit: staff, jobs, utilisation, mean wait, breaches by deadline kind."""
    return desk_table(view)


@kpi_family("desks", rank=120, applies=WITH_DESKS)
def desk_kpis(view: LogView) -> dict[str, float]:
    """Totals across units: jobs, utilisation (mean and busiest unit), mean wait, breaches by
    deadline kind and in all."""
    table = desk_table(view)
    out: dict[str, float] = {
        "desk_jobs": float(table["jobs"].sum()),
        "desk_util_mean": mean(table["utilisation"].to_numpy(float)),
        "desk_util_max": float(table["utilisation"].max()) if len(table) else math.nan,
        "desk_wait_mean_wd": mean(table["wait_mean_wd"].dropna().to_numpy(float)),
    }
    for kind in BREACH_KINDS:
        out[f"desk_breaches_{kind}"] = float(table[kind].sum())
    out["desk_breaches"] = float(table["breaches"].sum())
    return out


def desk_held_per_day(view: LogView) -> tuple[list[str], np.ndarray]:
    """Jobs held (waiting or in work) at the end of each day, per unit of the organisation
    (else per unit whose desk took a job), so every replication has the same rows."""
    units = list(view.setting.units) or [str(u) for u in view.at(STAFFED)["actor"]]
    ends = (np.arange(view.cal.days) + 1) * 1440.0
    queued, done = view.at(QUEUED), view.at(DONE)
    held = np.empty((len(units), view.cal.days), dtype=np.int32)
    q_by, d_by = _times_by_unit(queued), _times_by_unit(done)
    empty = np.empty(0)
    for i, unit in enumerate(units):
        entered = np.sort(q_by.get(unit, empty))
        left = np.sort(d_by.get(unit, empty))
        held[i] = np.searchsorted(entered, ends, side="right") - np.searchsorted(
            left, ends, side="right"
        )
    return units, held


def _times_by_unit(rows: Rows) -> dict[str, np.ndarray]:
    frame = pd.DataFrame({"unit": rows["actor"], "t": rows["time"]})
    return {str(u): g["t"].to_numpy(float) for u, g in frame.groupby("unit")}


def desk_backlog_frame(view: LogView) -> pd.DataFrame:
    """:func:`desk_held_per_day` in the long format of ``backlog.parquet``."""
    units, held = desk_held_per_day(view)
    days = view.cal.days
    return pd.DataFrame(
        {
            "day": np.tile(day_dates(view.cal), len(units)),
            "holder": np.repeat(np.array(units, dtype=object), days),
            "backlog": held.reshape(-1),
        }
    )


def top_breaching_units(desks: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` units that breach most, from ``desks.parquet`` (any number of design points
    and replications): per unit, its staff, mean utilisation and mean breaches per
    replication by deadline kind and in all, over the rows given (pass one design point's
    rows for that point alone). Ties keep the unit order of the file."""
    kinds = [k for k in BREACH_KINDS if k in desks.columns]  # older files lack some kinds
    cols = [*kinds, "breaches", "utilisation"]
    for col in ("unit", "staff", *cols):
        if col not in desks.columns:
            raise ValueError(f"desks frame has no {col!r} column")
    per_unit = desks.groupby("unit", sort=False).agg(
        staff=("staff", "first"), **{c: (c, "mean") for c in cols}
    )
    top = per_unit.sort_values("breaches", ascending=False, kind="stable").head(n)
    return top.reset_index()
