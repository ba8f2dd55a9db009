"""Leave and substitution KPIs (A6, A8, A80; RULES §2.0 kpi.sub.*, kpi.leave.late,
kpi.recall.latency): absence days per role, late leave requests, recalls, who covered the
documents of an absent leader, and how long documents waited for an absent holder.

Always the same columns (zeros without leave), so variants with and without leave compare.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from govsim.kpis import vocab as v
from govsim.kpis.helpers import by_case, groups, leader_stays, lookup, working_days
from govsim.kpis.registry import kpi_family
from govsim.kpis.view import LogView


def absences(view: LogView) -> dict[str, np.ndarray]:
    """One entry per absence from the log: ``case``, ``person``, ``reason``, ``start``,
    ``planned_end``, ``back`` (NaN if still away at the horizon), ``recalled``."""
    return view.shared("absences", lambda: _absences(view))


def _absences(view: LogView) -> dict[str, np.ndarray]:
    starts = view.at(v.ABSENCE_START)
    case = starts["case"]
    ends = view.at(v.ABSENCE_ENDS)
    return {
        "case": case,
        "person": starts["actor"],
        "reason": starts["outcome"],
        "start": starts["time"],
        "planned_end": starts["deadline"],
        "back": lookup(*by_case(ends["case"], ends["time"], "first"), case),
        "recalled": np.isin(case, view.at(v.ABSENCE_RECALL)["case"]),
    }


def absence_table(events: pd.DataFrame) -> pd.DataFrame:
    """:func:`absences` of a bare log, as a frame."""
    return pd.DataFrame(absences(LogView(events)))


def _overlap(t0: np.ndarray, t1: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Length of [t0, t1) ∩ ⋃[a, b) for each row (intervals a–b disjoint)."""
    total = np.zeros(len(t0))
    for lo, hi in zip(a, b, strict=True):
        total += np.clip(np.minimum(t1, hi) - np.maximum(t0, lo), 0.0, None)
    return total


def _absence_days(view: LogView, roles: dict[str, str]) -> dict[str, float]:
    """Working days away after the warm-up, per person of each role (A6, A8)."""
    table = absences(view)
    horizon = view.horizon
    lo = np.maximum(table["start"], view.warm)
    back = table["back"]
    hi = np.minimum(horizon, np.where(np.isnan(back), horizon, back))
    away = hi > lo
    wd = working_days(view.cal, lo[away], hi[away])
    days = dict.fromkeys(v.ROLES, 0.0)
    for person, d in zip(table["person"][away], wd.tolist(), strict=True):
        days[roles.get(person, "department_head")] += d
    people = {r: sum(1 for x in roles.values() if x == r) for r in v.ROLES}
    return {f"absence_days_{r}": days[r] / people[r] if people[r] else math.nan for r in v.ROLES}


def _waits(view: LogView) -> dict[str, float]:
    """Documents routed after the warm-up to a leader who was away (substituted or waiting)."""
    table = absences(view)
    stays = leader_stays(view)
    later = stays["time_in"] >= view.warm
    t_in, holder, owner = stays["time_in"][later], stays["holder"][later], stays["owner"][later]
    time_out = np.where(np.isnan(stays["time_out"][later]), view.horizon, stays["time_out"][later])
    held_by, owned_by = groups(holder), groups(owner)
    absent_hold = np.zeros(len(t_in))
    owner_away = np.zeros(len(t_in), dtype=bool)
    start, back = table["start"], np.where(np.isnan(table["back"]), math.inf, table["back"])
    for name, rows in groups(table["person"]).items():
        a, b = start[rows], back[rows]
        held = held_by.get(name)
        if held is not None:
            absent_hold[held] = _overlap(t_in[held], time_out[held], a, b)
        owned = owned_by.get(name, np.empty(0, dtype=np.int64))
        mine = t_in[owned]
        owner_away[owned] = ((mine[:, None] >= a) & (mine[:, None] < b)).any(axis=1)
    substituted = holder != owner
    waited = absent_hold > 0
    return {
        "sub_items": int(owner_away.sum()),
        "sub_coverage": float(substituted[owner_away].mean()) if owner_away.any() else math.nan,
        "absent_wait_items": int(waited.sum()),
        "absent_wait_hours_mean": float(absent_hold[waited].mean() / 60.0) if waited.any() else 0.0,
    }


@kpi_family("availability", rank=80)
def availability_kpis(view: LogView) -> dict[str, float]:
    """Every person's role: the leaders' own, ``department_head`` for units (A6, A8, A80)."""
    roles = {**dict.fromkeys(view.setting.units, "department_head"), **view.setting.leader_roles}
    out = _absence_days(view, roles)
    requests = view.at(v.LEAVE_REQUESTED, "after")
    out["leave_requests"] = len(requests)
    out["leave_late"] = int(requests.equals("outcome", "late").sum())
    latency = pd.Series(view.at(v.ABSENCE_ON_POST, "after")["value"])
    out["recalls"] = len(latency)
    out["recall_latency_mean_hours"] = float(latency.mean()) if len(latency) else math.nan
    out.update(_waits(view))
    acts = view.at(v.LEADER_ACTS, "after")
    on_behalf = acts.select(view.codes("on_behalf")[0][acts.pos] >= 0)
    out["sub_acts"] = len(on_behalf)
    # every kind of work done for an absent leader (K59): documents, signatures, topic steps,
    # pushes and dispatches
    work = view.at(v.SUB_WORK, "after")
    for_others = work.select(view.codes("on_behalf")[0][work.pos] >= 0)
    out["sub_load_hours"] = float(pd.Series(for_others["value"]).sum() / 60.0)
    # leaders' office hours in other duties (K28; A41, A89, A90), per leader
    blocks = view.at(v.ENGAGED, "after")
    leaders = len(view.setting.leader_roles)
    hours = float(pd.Series(blocks["value"]).sum() / 60.0)
    out["other_time_hours"] = hours / leaders if leaders else 0.0
    return out
