"""Countersign KPIs (A56, A59; RULES kpi.cs.*): how long coordination takes, how often consent
is deemed, extensions, objections and how they end — for documents created after the warm-up.
"""

from __future__ import annotations

import math

import numpy as np

from govsim.kpis import vocab as v
from govsim.kpis.helpers import by_case, lookup, mean, p90, working_days
from govsim.kpis.registry import kpi_family
from govsim.kpis.view import LogView


@kpi_family("countersign", rank=20)
def countersign_kpis(view: LogView) -> dict[str, float]:
    """Coordination starts with the first request, or for a joint submission (no requests)
    when the case opens (A56), and ends when the document is countersigned."""
    cal = view.cal
    requested = view.at(v.CS_REQUESTED, "kept")
    signed = view.at(v.COUNTERSIGNED, "kept")
    done_case, done = by_case(signed["case"], signed["time"], "first")
    asked = lookup(*by_case(requested["case"], requested["time"], "min"), done_case)
    involves = view.at(v.INVOLVES, "kept")
    opened = lookup(*by_case(involves["case"], involves["time"], "min"), done_case)
    begin = np.where(np.isnan(asked), opened, asked)
    begin = np.where(np.isnan(begin), done, begin)
    wd = working_days(cal, begin, done)
    deemed = view.count(v.CS_DEEMED, "kept")
    replies = view.at(v.CS_REPLIED, "kept")
    objections = replies.select(replies.equals("outcome", "object"))
    objection_case, objected = by_case(objections["case"], objections["time"], "min")
    ends = lookup(done_case, done, objection_case)
    resolved = ~np.isnan(ends)
    return {
        "cs_docs": len(done),
        "cs_duration_mean_wd": mean(wd),
        "cs_duration_p90_wd": p90(wd),
        "cs_duration_mean_days": mean((done - begin) / 1440.0),
        "cs_requests": len(requested),
        "cs_deemed": deemed,
        "cs_deemed_share": deemed / len(requested) if len(requested) else math.nan,
        "cs_replied_late": view.count(v.CS_REPLIED_LATE, "kept"),
        "cs_cannot_meet": view.count(v.CS_CANNOT_MEET, "kept"),
        "cs_extensions": view.count(v.CS_EXTENDED, "kept"),
        "cs_objections": len(objections),
        "cs_objections_resolved": int(
            view.at(v.CS_NEGOTIATED, "kept").equals("outcome", "resolved").sum()
        ),
        "cs_dissent_docs": int(signed.equals("outcome", "dissent").sum()),
        "cs_joint_docs": int(signed.equals("outcome", "joint").sum()),
        "cs_objection_resolution_mean_wd": mean(
            working_days(cal, objected[resolved], ends[resolved])
        ),
    }
