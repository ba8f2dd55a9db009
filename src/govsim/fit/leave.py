"""Absence profiles from the leave recorded in a log (A6, A8, A80).

Where the log holds absences (``absence.start`` with its planned end and reason, and
``absence.recall``), each role's profile (``[leave.profiles.<role>]``) is estimated:

* ``per_year`` — absences per person per year: the count over the person-years at risk, an
  absence starting only while the person is on post (the model draws its absences' first
  days over the year and drops one that falls in an absence already running, so the time
  away is no exposure); exact Poisson interval;
* ``duration`` — the length in working days is known only in whole days (the model rounds
  it up), so each length ``n`` is interval-censored to ``(n − 1, n]`` working days and
  fitted by maximum likelihood among the families (:mod:`govsim.fit.families`);
* ``reasons`` — the A80 reasons' shares (the profile's relative weights), and ``p_recall``
  — the share broken off by an emergency recall; exact binomial intervals.

Absences the base lists as dated (``[[leave.fixed]]``: same person, same first day) are not
random and are left out. Notice, late requests, holiday affinity and return latency keep
the base's values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govsim.fit.estimate import LogView
from govsim.fit.families import FittedDuration, fit_duration
from govsim.fit.intervals import Estimate, clopper_pearson, garwood

__all__ = ["LeaveFit", "absences", "fit_leave"]

PROFILES = ".".join(("leave", "profiles"))
"""The scenario path of the profiles (``[leave.profiles.<role>]``), built from its parts."""


def absences(view: LogView) -> pd.DataFrame:
    """One row per random absence: person, role, first day, working days, reason, recalled."""
    ev, cal, sc = view.events, view.cal, view.scenario
    starts = ev.loc[ev["activity"] == "absence.start"]
    if starts.empty:
        return pd.DataFrame(columns=["person", "role", "day", "days", "reason", "recalled"])
    roles = {ld.id: ld.role for ld in sc.leaders}
    first = [cal.date_of(float(t)) for t in starts["time"]]
    last = [cal.date_of(float(t) - 1e-6) for t in starts["deadline"]]
    recalled = set(ev.loc[ev["activity"] == "absence.recall", "case"])
    frame = pd.DataFrame(
        {
            "person": starts["actor"].astype(str).to_numpy(),
            "day": first,
            "days": [cal.working_days_in(a, b) + 1 for a, b in zip(first, last, strict=True)],
            "reason": starts["outcome"].astype(str).to_numpy(),
            "recalled": starts["case"].isin(recalled).to_numpy(),
        }
    )
    frame["role"] = frame["person"].map(roles).fillna("department_head")
    fixed = {(fx.who, fx.start) for fx in (sc.leave.fixed if sc.leave else [])}
    keep = [(p, d) not in fixed for p, d in zip(frame["person"], frame["day"], strict=True)]
    return frame.loc[keep].reset_index(drop=True)


class LeaveFit:
    """The estimates of one role's profile, as rows and as the profile table to write."""

    def __init__(self, role: str, rows: pd.DataFrame, view: LogView) -> None:
        self.role, self.rows, self.view = role, rows, view

    def people(self) -> int:
        sc = self.view.scenario
        if self.role == "department_head":
            return len(sc.departments)
        return sum(ld.role == self.role for ld in sc.leaders)

    def per_year(self, confidence: float) -> Estimate:
        cal, n = self.view.cal, len(self.rows)
        workdays = cal.working_days_in(cal.date_of(0.0), cal.date_of(cal.horizon_minutes - 1e-6))
        away = float(self.rows["days"].sum()) / max(1, self.people() * (workdays + 1))
        years = self.people() * cal.days / 365.0 * max(1e-9, 1.0 - away)
        low, high = garwood(np.array([n]), confidence)
        key = f"{PROFILES}.{self.role}.per_year"
        return Estimate(key, n / years, float(low[0]) / years, float(high[0]) / years, n, "Garwood")

    def shares(self, confidence: float) -> list[Estimate]:
        n, out = len(self.rows), []
        counts = self.rows["reason"].value_counts()
        for reason, k in counts.items():
            key = f"{PROFILES}.{self.role}.reasons.{reason}"
            out.append(
                Estimate(key, k / n, *clopper_pearson(int(k), n, confidence), n, "Clopper-Pearson")
            )
        k = int(self.rows["recalled"].sum())
        interval = clopper_pearson(k, n, confidence)
        out.append(
            Estimate(f"{PROFILES}.{self.role}.p_recall", k / n, *interval, n, "Clopper-Pearson")
        )
        return out

    def duration(self, confidence: float, criterion: str = "aic") -> FittedDuration | None:
        wmpd = self.view.cal.working_minutes_per_day
        days = self.rows["days"].to_numpy(dtype=float)
        intervals = np.c_[(days - 1) * wmpd, days * wmpd]
        return fit_duration(
            np.empty(0), intervals=intervals, confidence=confidence, criterion=criterion
        )


def fit_leave(view: LogView, confidence: float = 0.95, minimum: int = 10) -> list[LeaveFit]:
    """The roles with at least ``minimum`` random absences in the log, fitted."""
    frame = absences(view)
    return [
        LeaveFit(str(role), rows, view)
        for role, rows in frame.groupby("role")
        if len(rows) >= minimum
    ]
