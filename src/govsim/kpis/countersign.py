"""Countersign KPIs (A56, A59; RULES kpi.cs.*): how long coordination takes, how often consent
is deemed, extensions, objections and how they end — for documents created after the warm-up.
"""

from __future__ import annotations

import math

from govsim.kpis import vocab as v
from govsim.kpis.helpers import mean, p90, working_days
from govsim.kpis.registry import kpi_family
from govsim.kpis.view import LogView


@kpi_family("countersign", rank=20)
def countersign_kpis(view: LogView) -> dict[str, float]:
    """Coordination starts with the first request, or for a joint submission (no requests)
    when the case opens (A56), and ends when the document is countersigned."""
    cal = view._calendar()
    requested = view.rows(v.CS_REQUESTED, "kept")
    signed = view.rows(v.COUNTERSIGNED, "kept")
    done = signed.groupby("case", observed=True)["time"].first()
    asked = requested.groupby("case", observed=True)["time"].min()
    opened = view.rows(v.INVOLVES, "kept").groupby("case", observed=True)["time"].min()
    begin = asked.reindex(done.index).fillna(opened.reindex(done.index)).fillna(done)
    wd = working_days(cal, begin.to_numpy(), done.to_numpy())
    outcome = signed["outcome"].to_numpy(dtype=object)
    deemed = view.count(v.CS_DEEMED, "kept")
    replies = view.rows(v.CS_REPLIED, "kept")
    objections = replies.loc[(replies["outcome"] == "object").to_numpy()]
    talks = view.rows(v.CS_NEGOTIATED, "kept")["outcome"].to_numpy(dtype=object)
    first_objection = objections.groupby("case", observed=True)["time"].min()
    ends = done.reindex(first_objection.index).dropna()
    objected = first_objection.reindex(ends.index)
    return {
        "cs_docs": len(done),
        "cs_duration_mean_wd": mean(wd),
        "cs_duration_p90_wd": p90(wd),
        "cs_duration_mean_days": mean((done - begin).to_numpy() / 1440.0),
        "cs_requests": len(requested),
        "cs_deemed": deemed,
        "cs_deemed_share": deemed / len(requested) if len(requested) else math.nan,
        "cs_replied_late": view.count(v.CS_REPLIED_LATE, "kept"),
        "cs_cannot_meet": view.count(v.CS_CANNOT_MEET, "kept"),
        "cs_extensions": view.count(v.CS_EXTENDED, "kept"),
        "cs_objections": len(objections),
        "cs_objections_resolved": int((talks == "resolved").sum()),
        "cs_dissent_docs": int((outcome == "dissent").sum()),
        "cs_joint_docs": int((outcome == "joint").sum()),
        "cs_objection_resolution_mean_wd": mean(
            working_days(cal, objected.to_numpy(), ends.to_numpy())
        ),
    }
