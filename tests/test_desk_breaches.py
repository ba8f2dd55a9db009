"""Countersign answers late, not only deemed, per unit (A59; ``desks.parquet`` ``cs_late``).

With ``deemed_consent = false`` no answer is deemed given, so a late answer is a breach of its
own: signed after the request's limit, or after the extension agreed later (A59 「商定回复时限」).
Restated here over the log with a plain loop, independently of the KPI's vectorised pairing."""

from __future__ import annotations

import copy
from collections import Counter

import pandas as pd

from factory import BASE, make_scenario
from govsim.kpis.desks import desk_table
from govsim.kpis.view import LogView, Setting
from govsim.model.world import simulate


def _late_by_hand(events: pd.DataFrame) -> Counter[str]:
    """Per co-department: requests whose first answer comes after the limit in force."""
    cs = events.loc[events["activity"].isin(["cs.requested", "cs.extension_agreed", "cs.replied"])]
    late: Counter[str] = Counter()
    limit: dict[tuple, float] = {}
    for row in cs.itertuples():
        act, reason = str(row.activity), str(row.reason)
        if act == "cs.replied":
            key = (row.case, str(row.actor), reason)
            if key in limit and row.time > limit.pop(key) + 1e-6:
                late[str(row.actor)] += 1
            limit.pop(key, None)  # only the first answer to a request counts
        else:
            limit[(row.case, str(row.target), reason)] = float(row.deadline)
    return late


def test_late_answers_counted_per_unit_without_deeming() -> None:
    raw = copy.deepcopy(BASE)
    raw["scenario"]["horizon_days"] = 60
    raw["load"].update(
        {"poisson": True, "request_per_dept_per_week": 3.0, "report_per_dept_per_week": 0.0}
    )
    raw["countersign"] = {
        "p_cross_dept_request": 1.0,
        "response": {"dist": "exponential", "mean_days": 2.0},
        "deemed_consent": False,
        "p_extension": 0.5,
        "extension_working_days": 1,
    }
    raw["desks"] = {"staff": {"department": 1}}
    sc = make_scenario(raw)
    w = simulate(sc, 0)
    events, cases = w.log.to_frame(), w.log.cases_frame()
    table = desk_table(LogView(events, cases, w.cal, Setting.of(sc, w.org))).set_index("unit")
    expected = _late_by_hand(events)
    assert (table["cs_deemed"] == 0).all()
    assert sum(expected.values()) > 5
    assert (events["activity"] == "cs.extension_agreed").sum() > 0
    assert table["cs_late"].to_dict() == {u: expected.get(u, 0) for u in table.index}
    assert (table["breaches"] >= table["cs_late"]).all()
