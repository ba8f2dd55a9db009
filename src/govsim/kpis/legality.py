"""The justice bureau's legality review (A20, A21, A60; K29): reviews, failures, clock hours
queued before a reviewer starts, working days from submission to verdict."""

from __future__ import annotations

import math

import numpy as np

from govsim.kpis import vocab as v
from govsim.kpis.helpers import mean, visits, working_days
from govsim.kpis.registry import kpi_family
from govsim.kpis.view import LogView


@kpi_family("legality", rank=40)
def legality_kpis(view: LogView) -> dict[str, float]:
    """Documents created after the warm-up; NaN waits without any legality review."""
    sent = view.at(v.LEGALITY_SUBMITTED, "kept")
    reviewed = view.at(v.LEGALITY_REVIEWED, "kept")
    if not len(sent):
        return {
            "legality_reviews": 0,
            "legality_failed": 0,
            "legality_wait_mean_hours": math.nan,
            "legality_review_mean_wd": math.nan,
        }
    paired = visits(sent, reviewed)
    started = ~np.isnan(paired["start"])
    time_in, time_out = paired["time_in"][started], paired["time_out"][started]
    return {
        "legality_reviews": len(reviewed),
        "legality_failed": int(reviewed.equals("outcome", "fail").sum()),
        "legality_wait_mean_hours": mean((paired["start"][started] - time_in) / 60.0),
        "legality_review_mean_wd": mean(working_days(view.cal, time_in, time_out)),
    }
