"""Warm start of ledger items (A70–A74) and of absences ongoing at the cut (A6, A8, A80).

Hand-worked source: the item of ``test_ledger_model`` (a meeting decision of Mon 2025-03-03
09:00, 30 working days of d_a's work due in 20, deadline Mon 03-31 17:30; yellow at the
stocktakes of 03-07 and 03-14, pushed on 03-10, red from 03-21, 督办 on 03-31, closed late
and criticised), with the executive vice mayor, in charge of d_a, away out of the city from
Wed 03-12 to Wed 03-19 (a dated absence, 补位 by the mayor). Cut at midnight of Mon 03-17:
no work was done since the stocktake of Fri 03-14 17:30, so the carried item (yellow, its
progress, its deadline, its 旬推进 of 03-10 in force) goes on exactly as in the source — red at
the stocktake of 03-21 17:30 to the minute, then closed late — and the absence keeps the vice
mayor away until 03-19 17:30 to the minute, the mayor standing in.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from govsim.checks.audit import check_log
from govsim.kpis.ledger import ledger_daily, ledger_items
from govsim.kpis.ledger_year import ledger_year_table
from govsim.model.warm import read_snapshot
from govsim.model.world import simulate
from govsim.scenario.load import load_scenario
from test_ledger_model import ledger_raw, run_with_decision
from test_warm_start import toml_text, warm_started

CUT = dt.date(2025, 3, 17)
OFFSET = (CUT - dt.date(2025, 3, 1)).days * 1440.0


def _raw() -> dict[str, Any]:
    raw = ledger_raw()
    raw["leave"] = {
        "fixed": [
            {"who": "vm_exec", "start": "2025-03-12", "end": "2025-03-19", "reason": "out_of_city"}
        ]
    }
    return raw


def _source(tmp: Path) -> tuple[pd.DataFrame, int]:
    raw = _raw()
    (tmp / "src.toml").write_text(toml_text(raw), encoding="utf-8")
    w = run_with_decision(raw, "2025-03-03T09:00", deadline_working_days=20, work_minutes=13500)
    w.log.to_frame().to_parquet(tmp / "events.parquet")
    w.log.cases_frame().to_parquet(tmp / "cases.parquet")
    return w.log.to_frame(), w.decided[0]


def _warm(tmp: Path, **leave: Any):
    """The ledger scenario warm-started at :data:`CUT` (the absence comes from the log, not
    from ``[[leave.fixed]]``)."""
    return warm_started(tmp, _raw(), CUT, days=34, leave={"fixed": [], **leave})


def _rows(ev: pd.DataFrame, case: int, t0: float) -> list[tuple]:
    mine = ev.loc[(ev["case"] == case) & (ev["time"] >= t0) & (ev["activity"] != "case.carried")]
    value = mine["value"].fillna(-1.0).round(6).tolist()
    return list(
        zip(
            mine["activity"].astype(str), mine["actor"].astype(str), mine["outcome"].astype(str),
            mine["time"].round(6), value, strict=True,
        )
    )  # fmt: skip


def test_item_carried_yellow_turns_red_at_the_exact_minute(tmp_path) -> None:
    src, item = _source(tmp_path)
    w, ev, cases = _warm(tmp_path)
    snap = read_snapshot(w.sc)
    [c] = [c for c in snap.carried if c.kind == "ledger_item"]
    assert (c.stage, c.colour, c.source, c.owner) == ("undertaking", "yellow", "meeting", "d_a")
    assert c.deadline == w.cal.clock_of(dt.datetime(2025, 3, 31, 17, 30))  # to the minute
    assert c.progress == src.loc[src["activity"] == "ledger.colour", "value"].iloc[1]
    [case] = cases.loc[cases["case_type"] == "ledger_item", "case"]
    assert cases.set_index("case").at[case, "carried"]
    carried = ev.loc[(ev["case"] == case) & (ev["activity"] == "case.carried")].iloc[0]
    assert carried["deadline"] == c.deadline and str(carried["target"]) == "d_a"
    # 03-03 09:00 → 03-17 00:00: 420 + 9 full days of 450 working minutes before the cut.
    assert carried["value"] == 420 + 9 * 450
    colours = ev.loc[(ev["case"] == case) & (ev["activity"] == "ledger.colour")]
    assert str(colours["outcome"].iloc[0]) == "red"
    assert colours["time"].iloc[0] == w.cal.clock_of(dt.datetime(2025, 3, 21, 17, 30))
    # Everything after the cut is the source's, shifted: the push of 03-20 (the item's
    # 旬推进 of 03-10 still in force until then), red from 03-21, 督办, late 销号, 通报批评.
    shifted = [(*r[:3], round(r[3] - OFFSET, 6), r[4]) for r in _rows(src, item, OFFSET)]
    assert _rows(ev, case, 0.0) == shifted
    assert "ledger.closed" in {r[0] for r in shifted} and "outcome.criticise" in {
        r[0] for r in shifted
    }


def test_absence_over_the_cut_keeps_the_leader_away_to_its_planned_end(tmp_path) -> None:
    src, _ = _source(tmp_path)
    many = {
        "per_year": 300,
        "duration": {"dist": "fixed", "value_days": 2},
        "reasons": {"vacation": 1},
    }
    w, ev, cases = _warm(tmp_path, profiles={"executive_vice_mayor": many})
    end = w.cal.clock_of(dt.datetime(2025, 3, 19, 17, 30))
    [away] = [a for a in w.availability.absences if a.carried]
    assert (away.person, away.reason, away.end) == ("vm_exec", "out_of_city", end)
    assert w.availability.next_present("vm_exec", 0.0) == end  # away from minute 0 to the end
    # The run's own absences of vm_exec (300 a year) do not overlap it.
    others = [a for a in w.availability.absences if a.person == "vm_exec" and not a.carried]
    assert others and all(a.start >= end for a in others)
    [case] = cases.loc[cases["carried"] & (cases["case_type"] == "absence"), "case"]
    rows = ev.loc[ev["case"] == case]
    acts = list(zip(rows["activity"].astype(str), rows["time"], strict=True))
    assert acts[:3] == [("case.carried", 0.0), ("absence.start", 0.0), ("substitution.start", 0.0)]
    assert acts[3:] == [("absence.end", end), ("substitution.end", end)]
    assert rows["deadline"].iloc[1] == end
    source_end = src.loc[src["activity"] == "absence.end", "time"].iloc[0]
    assert source_end - OFFSET == end  # the planned end, to the minute
    snap = read_snapshot(w.sc)
    assert "absence" in snap.note()["carried_by_kind"]


def test_warm_start_from_day_180_carries_ledger_items_and_absences(tmp_path) -> None:
    """Day 180 of the substitution scenario (ledger, leave and 补位 on; every reason of
    absence triggers 补位): every open ledger item and begun absence is carried, none is left
    in ``not_carried``, and the ledger and leave checks hold across the seam."""
    root = Path(__file__).resolve().parents[1] / "scenarios"
    cut, window = 180, 20
    src = tmp_path / "src.toml"
    src.write_text(
        f'[scenario]\nbase = "{root}/substitution.toml"\nhorizon_days = {cut + window}\n'
        '\n[substitution]\ntriggers = "any"\n',
        encoding="utf-8",
    )
    sc = load_scenario(src)
    w = simulate(sc)
    ev, cases = w.log.to_frame(), w.log.cases_frame()
    ev.to_parquet(tmp_path / "events.parquet")
    cases.to_parquet(tmp_path / "cases.parquet")
    start = sc.scenario.start + dt.timedelta(days=cut)
    warm = tmp_path / "warm.toml"
    warm.write_text(
        f'[scenario]\nbase = "src.toml"\nstart = {start}\nhorizon_days = {window}\n'
        "\n[ledger.key_tasks]\nbatch_dates = []\n"
        f'\n[initial_state]\nlog = "events.parquet"\nscenario = "src.toml"\ncut = {cut}\n',
        encoding="utf-8",
    )
    wsc = load_scenario(warm)
    note = read_snapshot(wsc).note()
    at = cut * 1440.0
    items = cases.loc[cases["case_type"] == "ledger_item", "case"]
    mine = ev.loc[ev["case"].isin(items) & (ev["time"] <= at)]
    closed = set(mine.loc[mine["activity"] == "ledger.closed", "case"])
    assert note["carried_by_kind"]["ledger_item"] == len(set(mine["case"]) - closed) > 20
    assert note["carried_by_kind"]["absence"] >= 1
    assert not any(k.startswith("ledger") for k in note["not_carried"])
    ww = simulate(wsc, 1)
    found = check_log(ww.log.to_frame(), ww.log.cases_frame(), ww.org, ww.cal, scenario=ww.sc)
    assert [v for v in found if v.invariant.startswith(("INV-S", "INV-L"))] == []
    # the backlog series counts the carried items as open from their re-entry, and the KPIs
    # count only items registered after the cut (A70: what happens in the run)
    wev, wcases = ww.log.to_frame(), ww.log.cases_frame()
    daily = ledger_daily(wev, wcases, ww.cal)
    carried = note["carried_by_kind"]["ledger_item"]
    first_closed = int(daily["closed"].iloc[0])
    assert int(daily["open"].iloc[0]) >= carried - first_closed
    table = ledger_items(wev, wcases)
    assert int(table["registered"].isna().sum()) == carried
    assert int(daily["registered"].sum()) == int(table["registered"].notna().sum())
    # the year table (K68) counts a carried item still open at the end as open there
    year = ledger_year_table(wev, wcases, ww.cal, list(ww.org.departments))
    still_open = int(table["closed"].isna().sum())
    assert int(year["open_at_year_end"].sum()) == still_open > 0
