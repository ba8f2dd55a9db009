"""Invariants of the units' desks (INV-U01, U02): a unit never works on more jobs at once than
it has staff, and a job's effort is spent in office hours.

A desk's jobs are read from ``desk.job_done`` (``start`` → ``time``, ``value`` = effort in
working minutes); its staff from ``desk.staffed`` (``value``), or, for a log without it, from
the scenario's ``[desks]`` section. Restated from the log alone, independently of the model:
the departments answer countersign requests (A59), reply to instructions (A57) and revise
returned submissions (A63) with the staff they have, in office hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govsim.checks.context import EPS, LogContext, Violation
from govsim.checks.registry import invariant
from govsim.checks.views import rows

FAMILY = "desks"
STAFFED = "desk.staffed"
JOB_DONE = "desk.job_done"


def staff_by_unit(ctx: LogContext) -> dict[str, int]:
    """Staff of each unit's desk: as logged (``desk.staffed``), else the scenario's."""
    staff: dict[str, int] = {}
    sc = ctx.sc
    if sc is not None and sc.desks is not None:
        staff = {u: sc.desks.staff_of(u, k) for u, k in ctx.org.unit_kinds.items()}  # type: ignore[arg-type]
    logged = rows(ctx, STAFFED)
    logged = logged.loc[logged["value"].notna()]  # a log without values: the scenario's
    for unit, value in zip(logged["actor"].astype(str), logged["value"].tolist(), strict=True):
        staff[unit] = int(value)
    return staff


def _jobs(ctx: LogContext) -> pd.DataFrame:
    """The ``desk.job_done`` rows that say when work began (a log may leave ``start`` out)."""
    done = rows(ctx, JOB_DONE)
    return done.loc[done["start"].notna()]


def peak_concurrency(starts: np.ndarray, ends: np.ndarray) -> tuple[int, int]:
    """The largest number of intervals ``[start, end)`` open at once, and the interval whose
    opening first reaches it (an interval ending at ``t`` closes before one starting at ``t``
    opens); ``(0, -1)`` for none."""
    n = len(starts)
    if not n:
        return 0, -1
    times = np.concatenate([ends, starts])
    steps = np.concatenate([-np.ones(n, dtype=np.int64), np.ones(n, dtype=np.int64)])
    order = np.lexsort((steps, times))  # by time, a close (-1) before an open (+1)
    level = np.cumsum(steps[order])
    top = int(np.argmax(level))
    return int(level[top]), int(order[top]) - n


@invariant("INV-U01", article="A59", family=FAMILY)
def inv_u01(ctx: LogContext) -> list[Violation]:
    """A unit never works on more jobs at once than its desk has staff (A57, A59, A63: the
    department's own staff do its replies, countersign answers and revisions)."""
    staff = staff_by_unit(ctx)
    done = _jobs(ctx)
    out = []
    for unit, jobs in done.groupby(done["actor"].astype(str), sort=True):
        if unit not in staff:
            continue
        peak, i = peak_concurrency(jobs["start"].to_numpy(float), jobs["time"].to_numpy(float))
        if peak > staff[unit]:
            at = float(jobs["start"].iloc[i])
            msg = f"{unit}: {peak} jobs at once at t={at:g} with {staff[unit]} staff"
            row = (int(jobs.index[i]),)
            out.append(Violation("INV-U01", "A59", int(jobs["case"].iloc[i]), msg, row))
    return out


def _work_between(ctx: LogContext, start: pd.Series, end: pd.Series) -> np.ndarray:
    """Working minutes of the calendar between each ``start`` and ``end``."""
    cal = ctx.cal
    times = np.concatenate([start.to_numpy(float), end.to_numpy(float)])
    uniq, inverse = np.unique(times, return_inverse=True)
    elapsed = np.array([cal.work_elapsed(float(t)) for t in uniq])[inverse.reshape(-1)]
    n = len(start)
    return elapsed[n:] - elapsed[:n]


@invariant("INV-U02", article="A57", family=FAMILY)
def inv_u02(ctx: LogContext) -> list[Violation]:
    """A job's effort is spent in office hours: the working minutes between its start and its
    end are its effort (work pauses only while the office is closed), and it starts while the
    office is open (A57, A59 count in working days)."""
    done = _jobs(ctx)
    done = done.loc[done["value"] > 0]
    if done.empty:
        return []
    worked = _work_between(ctx, done["start"], done["time"])
    effort = done["value"].to_numpy(float)
    bad = np.abs(worked - effort) > np.maximum(EPS * 1e3, 1e-9 * effort)
    opened = np.array([ctx.cal.is_open(float(s)) for s in done["start"].tolist()])
    out = []
    for i in np.flatnonzero(bad | ~opened):
        row = done.iloc[i]
        msg = (
            f"{row['actor']}: effort {effort[i]:g} min but {worked[i]:g} office minutes "
            f"from {row['start']:g} to {row['time']:g}"
        )
        out.append(Violation("INV-U02", "A57", int(row["case"]), msg, (int(done.index[i]),)))
    return out
