"""The justice bureau's legality review (A20, A21, A60; K29): reviews, failures, clock hours
queued before a reviewer starts, working days from submission to verdict."""

from __future__ import annotations

import math

from govsim.kpis import vocab as v
from govsim.kpis.helpers import mean, pair_visits, working_days
from govsim.kpis.registry import kpi_family
from govsim.kpis.view import LogView


@kpi_family("legality", rank=40)
def legality_kpis(view: LogView) -> dict[str, float]:
    """Documents created after the warm-up; NaN waits without any legality review."""
    sent = view.rows(v.LEGALITY_SUBMITTED, "kept")
    reviewed = view.rows(v.LEGALITY_REVIEWED, "kept")
    if sent.empty:
        return {
            "legality_reviews": 0,
            "legality_failed": 0,
            "legality_wait_mean_hours": math.nan,
            "legality_review_mean_wd": math.nan,
        }
    visits = pair_visits(sent, reviewed).dropna(subset=["start"])
    time_in, time_out = visits["time_in"].to_numpy(), visits["time_out"].to_numpy()
    return {
        "legality_reviews": len(reviewed),
        "legality_failed": int((reviewed["outcome"] == "fail").sum()),
        "legality_wait_mean_hours": mean((visits["start"].to_numpy() - time_in) / 60.0),
        "legality_review_mean_wd": mean(working_days(view._calendar(), time_in, time_out)),
    }
