"""Warm start over generated scenarios: nothing open at the cut is lost or doubled.

For small generated scenarios (any calendar, organisation and distribution families, the
countersign's probabilities drawn so that objections, extensions and joint submissions
happen, A56, A59): a short source run is cut at a generated day and a run warm-started from
it (``[initial_state]``). Whatever the scenario and the cut:

* every case open at the cut is carried or counted in ``not_carried``, once;
* the warm log passes every invariant (the checks across the seam);
* carried cases are marked ``carried`` and the KPIs' populations leave them out (they count
  what happens after the cut);
* the same seed gives the same log.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factory import make_scenario, scenario_dicts
from govsim.checks.audit import check_log
from govsim.kpis.compute import compute
from govsim.model.warm import read_snapshot
from govsim.model.warm_snapshot import DONE_BY, RHYTHMS, TERMINAL
from govsim.model.world import simulate
from test_warm_start import toml_text

WINDOW = 8
"""Days the warm run simulates after the cut."""


@st.composite
def cut_scenarios(draw: st.DrawFn) -> tuple[dict[str, Any], int]:
    """A small scenario with busy countersigns, and a cut day inside its horizon."""
    raw = draw(scenario_dicts(name="warmprop", max_dept=5, horizon=(12, 30), max_rate=3.0))
    raw["countersign"] = {
        "p_cross_dept_request": draw(st.floats(0.3, 1.0)),
        "p_object": draw(st.floats(0.0, 1.0)),
        "p_extension": draw(st.floats(0.0, 1.0)),
        "p_resolved": draw(st.floats(0.0, 1.0)),
        "p_joint": draw(st.floats(0.0, 0.5)),
        "deemed_after_extension": draw(st.booleans()),
    }
    cut = draw(st.integers(2, raw["scenario"]["horizon_days"] - 1))
    return raw, cut


def open_at(events: pd.DataFrame, cases: pd.DataFrame, at: float) -> int:
    """Cases with an event at or before ``at`` and none ending them by then (rhythms, which
    hold no work, aside)."""
    before = events.loc[events["time"] <= at]
    ends = [*TERMINAL, *(a for acts in DONE_BY.values() for a in acts)]
    ended = before.loc[before["activity"].astype(str).isin(ends), "case"].unique()
    rhythm = cases.loc[cases["case_type"].astype(str).isin(RHYTHMS), "case"]
    seen = pd.Index(before["case"].unique())
    return len(seen.difference(pd.Index(ended)).difference(pd.Index(rhythm)))


def _warm_raw(raw: dict[str, Any], folder: Path, cut: int) -> dict[str, Any]:
    """``raw`` started at the cut's date from the log in ``folder``, for :data:`WINDOW` days."""
    warm = copy.deepcopy(raw)
    start = dt.date.fromisoformat(str(raw["scenario"]["start"])) + dt.timedelta(days=cut)
    warm["scenario"].update(start=start.isoformat(), horizon_days=WINDOW)
    warm["initial_state"] = {
        "log": str(folder / "events.parquet"),
        "scenario": str(folder / "src.toml"),
        "cut": cut,
    }
    return warm


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cut_scenarios())
def test_a_warm_start_loses_nothing_and_passes_every_check(
    case: tuple[dict[str, Any], int], tmp_path_factory
) -> None:
    raw, cut = case
    raw["scenario"]["start"] = str(raw["scenario"]["start"])
    folder = tmp_path_factory.mktemp("warmprop")
    (folder / "src.toml").write_text(toml_text(raw), encoding="utf-8")
    source = simulate(make_scenario(raw))
    events, cases = source.log.to_frame(), source.log.cases_frame()
    events.to_parquet(folder / "events.parquet")
    cases.to_parquet(folder / "cases.parquet")

    sc = make_scenario(_warm_raw(raw, folder, cut))
    snap = read_snapshot(sc)
    # Nothing lost, nothing doubled: each open case is carried or counted, once.
    assert len(snap.carried) + sum(snap.not_carried.values()) == open_at(
        events, cases, cut * 1440.0
    )
    warm = simulate(sc)
    ev, wc = warm.log.to_frame(), warm.log.cases_frame()
    assert check_log(ev, wc, warm.org, warm.cal, scenario=warm.sc) == []
    assert int(wc["carried"].sum()) == len(snap.carried)
    assert (wc.loc[wc["carried"], "created"] == snap.reentry).all()

    # The KPIs count what happens after the cut: created there, not carried.
    kpis = compute(ev, wc, warm.sc, warm.cal, warm.org).kpis
    for kind in ("request", "report"):
        new = wc.loc[(wc["case_type"].astype(str) == kind) & ~wc["carried"], "case"]
        closed = ev.loc[(ev["activity"].astype(str) == "doc.closed") & ev["case"].isin(new)]
        assert kpis[f"arrived_{kind}"] == len(new)
        assert kpis[f"done_{kind}"] == closed["case"].nunique()

    again = simulate(sc).log.to_frame()
    pd.testing.assert_frame_equal(again, ev)
    assert np.isfinite(ev["time"]).all()
