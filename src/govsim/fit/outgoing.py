"""Arrival rates of outgoing documents: drafts, normative documents, contracts (A21, A59, A60).

Each kind arrives as a Poisson stream over working time at ``rate × load.scale``, thinned by
the month's seasonality (the model's one arrival helper, as for 请示 and 报告), so the count of
a kind's documents is Poisson with mean ``rate · scale · Σ season[m] · weeks[m]`` (``weeks``:
the working weeks of each month inside the log; ``season``: the multipliers fitted from the
请示 and 报告). A draft's rate is per department (``drafts.per_dept_per_week``; the departments
of kind ``department`` share one stream). The maximum-likelihood rate is the count over that
exposure, with an exact Poisson (Garwood) interval.

A contract's case opens when it arrives; a draft's or a normative document's only when its
drafting is done (``doc.drafted``, A59), so documents that arrived in the log's last days are
not yet in it. The exposure then ends that much earlier: by the mean time from a drafting
job's queueing to its end at the desks (the log's ``desk.job_*`` rows matched to
``doc.drafted``); without desks the drafting time is not in the log and no lag is taken off
(the rate is then a little low, by about the drafting time over the log's span).
"""

from __future__ import annotations

import numpy as np

from govsim.fit.estimate import LogView, month_exposure
from govsim.fit.intervals import Estimate, garwood
from govsim.fit.work import LEGALITY, drafting_jobs

__all__ = ["OUTGOING", "OUTGOING_SHARES", "exposure", "outgoing_rates"]

OUTGOING: dict[str, tuple[str, bool, bool]] = {
    "drafts.per_dept_per_week": ("draft", True, True),
    f"{LEGALITY}.normative_per_week": ("normative", False, True),
    f"{LEGALITY}.contract_per_week": ("contract", False, False),
}
"""Rate key → (case type, per department, case opens when drafted)."""


def _legality_passed(view: LogView) -> tuple[int, int]:
    """Legality reviews passed among all (A21, A60): each review's verdict is its own draw."""
    ev = view.events
    verdicts = ev.loc[ev["activity"] == "justice.legality_reviewed", "outcome"].astype(str)
    return int((verdicts == "pass").sum()), len(verdicts)


OUTGOING_SHARES = {f"{LEGALITY}.p_pass": _legality_passed}
"""Shares of the outgoing documents' path (Clopper–Pearson)."""


def drafting_lag(view: LogView, case_type: str) -> float:
    """Mean working minutes from a drafting job's queueing (the arrival) to its end (the
    case's opening), for documents of ``case_type``; 0 without desks."""
    matched = drafting_jobs(view, (case_type,))
    if matched.empty:
        return 0.0
    lag = view.work(matched["done"].to_numpy()) - view.work(matched["queued"].to_numpy())
    return float(lag.mean())


def exposure(view: LogView, season: np.ndarray | None, lag: float = 0.0) -> float:
    """``load.scale · Σ season[m] · working weeks of month m``, up to ``lag`` working minutes
    before the log's end: the mean count of a stream of rate 1 (the base's seasonality when
    ``season`` is None)."""
    if season is None:
        season = np.array(view.scenario.load.seasonality or [1.0] * 12, dtype=float)
    cal = view.cal
    end = float(cal.clock_at_work(max(0.0, cal.work_elapsed(view.end) - lag)))
    return float((season * month_exposure(view, end)).sum()) * view.scenario.load.scale


def outgoing_rates(
    view: LogView, season: np.ndarray | None, confidence: float = 0.95
) -> tuple[list[Estimate], list[str]]:
    """The fitted rates of :data:`OUTGOING`, and the keys kept (none of that kind in the log:
    an OA export without outgoing documents is taken as not recording them)."""
    n_depts = sum(d.kind == "department" for d in view.scenario.departments)
    created = view.cases["case_type"].astype(str).value_counts()
    out, kept = [], []
    for key, (case_type, per_dept, drafted) in OUTGOING.items():
        n = int(created.get(case_type, 0))
        lag = drafting_lag(view, case_type) if drafted else 0.0
        weeks = exposure(view, season, lag) * (n_depts if per_dept else 1)
        if n == 0 or weeks <= 0:
            kept.append(f"{key} (no {case_type} in the log: taken as not recorded)")
            continue
        low, high = garwood(np.array([n]), confidence)
        out.append(
            Estimate(key, n / weeks, float(low[0]) / weeks, float(high[0]) / weeks, n, "Garwood")
        )  # fmt: skip
    return out, kept
