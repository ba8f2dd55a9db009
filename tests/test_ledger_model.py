"""The supervision ledger in the simulation: hand-worked item lives, the meeting-decision hook,
KPIs and the year-end table, the runner's files, and the ledger switched off.

Calendar facts as in ``test_ledger_rules``: March 2025 has no holiday; Qingming 2025-04-04 …
04-06 is off. Office 08:30–12:00, 13:30–17:30 (450 minutes a day). The tiny scenario has no
documents, one GO reviewer, the mayor (portfolio d_b), the executive vice mayor (d_a), each
leader spending all office time on their queue (``document_share = 1``).
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from factory import BASE, fixed, make_scenario
from govsim.checks import check_log
from govsim.experiment.runner import run_experiment
from govsim.kpis import ledger_daily, ledger_items, ledger_kpis, ledger_year_table
from govsim.model.ledger import register_meeting_decision
from govsim.model.world import World, simulate
from govsim.scenario.load import parse_scenario

ROOT = Path(__file__).resolve().parents[1]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def ledger_raw(**ledger: Any) -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    raw["scenario"].update(start="2025-03-01", horizon_days=50)
    raw["ledger"] = {
        "dept_share": 0.5,
        "allocation": "equal",
        "assign": fixed(minutes=30),
        "accept": fixed(days=0.5),
        "verify": fixed(hours=1),
        "p_verify_fail": 0.0,
        "instructions": {"p_supervise": 0.0},
        "rhythm": {
            "dekad_push": fixed(hours=1),
            "monthly_dispatch": fixed(hours=2),
            "minutes_per_item": 10,
            "dekad_push_factor": 1.0,
            "monthly_dispatch_factor": 1.0,
            "criticise_late_working_days": 5,
        },
        **ledger,
    }
    return raw


def run_with_decision(raw: dict[str, Any], when: str, **item: Any) -> World:
    """Simulate with one meeting decision registered through the hook at ``when``."""
    w = World(make_scenario(raw))
    cases: list[int | None] = []

    def decide():
        yield w.env.timeout(w.cal.clock_of(at(when)))
        cases.append(register_meeting_decision(w, "d_a", parent=77, **item))

    w.env.process(decide())
    w.run()
    w.decided = cases  # type: ignore[attr-defined]
    return w


def item_events(w: World, case: int) -> list[tuple]:
    ev = w.log.to_frame()
    out = []
    for r in ev.loc[ev["case"] == case].itertuples():
        outcome = None if isinstance(r.outcome, float) else str(r.outcome)
        value = None if pd.isna(r.value) else round(float(r.value), 6)
        out.append((str(r.activity), str(r.actor), outcome, w.cal.datetime_of(r.time), value))
    return out


def test_hand_worked_item_falls_behind_is_pushed_dispatched_closed_late_and_criticised():
    """A decision of Mon 03-03 09:00 needing 30 working days of d_a's work in 20 working days.

    Deadline: 03-31 17:30. Planned work 9420 minutes (420 on 03-03, then 20 full days).
    交办 09:00–09:30; 承办 after half a day: 09:30–12:00 + 13:30–14:45. The desk gives it
    half of d_a's office time: 0.5 work-minute per office minute.

    * 03-07 17:30: 165 + 4·450 = 1965 office minutes → 982.5 / 13500 = 0.072778 done against
      2220/9420 = 0.2357 planned: behind by 0.163 → yellow.
    * 03-10 (上旬 push, Monday): vm_exec, in charge of d_a, convenes at 08:30; 60 + 10 minutes
      for the one yellow item → 09:40; the item then runs twice as fast (factor 1.0): rate 1.
    * 03-14: 982.5 + 35 + 2180 = 3197.5 → 0.236852 vs 0.4745: behind 0.238 < Δ → yellow.
    * 03-20 (中旬 push, Thursday): pushed again; rate stays 1.
    * 03-21: + 2250 → 5447.5 → 0.403519 vs 0.7134: behind 0.31 > Δ → red.
    * 03-28: + 2250 → 7697.5 → 0.570185 vs 0.9522 → red.
    * 03-31 (下旬 push and 月调度, Monday): push 08:30–09:40; the mayor's dispatch 2 h + 10 min
      → 10:40, 督办: rate doubles again (2). Done at 10:40: 7697.5 + 130 = 7827.5.
    * 04-03 (Thursday; Qingming Friday): 7827.5 + 2·(320 + 3·450) = 11167.5 → 0.827222;
      overdue → red.
    * Remaining 2332.5 at rate 2 = 1166.25 office minutes: 04-07, 04-08 (900), then 04-09
      08:30–12:00 (210) and 13:30 + 56.25 → 反馈 at 14:26:15. 核查 1 h → 15:26:15, 销号 late;
      5.725 working days late > 5 → 通报批评.
    """
    w = run_with_decision(
        ledger_raw(), "2025-03-03T09:00", deadline_working_days=20, work_minutes=13500
    )
    (case,) = w.decided
    assert case == 0
    assert item_events(w, case) == [
        ("ledger.registered", "GO", None, at("2025-03-03 09:00"), 13500.0),
        ("ledger.assigned", "GO", None, at("2025-03-03 09:30"), 30.0),
        ("ledger.undertaken", "d_a", None, at("2025-03-03 14:45"), None),
        ("ledger.colour", "d_a", "yellow", at("2025-03-07 17:30"), 0.072778),
        ("ledger.pushed", "vm_exec", "yellow", at("2025-03-10 09:40"), None),
        ("ledger.colour", "d_a", "yellow", at("2025-03-14 17:30"), 0.236852),
        ("ledger.pushed", "vm_exec", "yellow", at("2025-03-20 09:40"), None),
        ("ledger.colour", "d_a", "red", at("2025-03-21 17:30"), 0.403519),
        ("ledger.colour", "d_a", "red", at("2025-03-28 17:30"), 0.570185),
        ("ledger.pushed", "vm_exec", "red", at("2025-03-31 09:40"), None),
        ("outcome.supervise", "mayor", None, at("2025-03-31 10:40"), None),
        ("ledger.colour", "d_a", "red", at("2025-04-03 17:30"), 0.827222),
        ("ledger.feedback", "d_a", None, at("2025-04-09 14:26:15"), 13500.0),
        ("ledger.verified", "GO", "pass", at("2025-04-09 15:26:15"), 60.0),
        ("outcome.criticise", "GO", None, at("2025-04-09 15:26:15"), None),
        ("ledger.closed", "GO", "late", at("2025-04-09 15:26:15"), None),
    ]
    ev, cases = w.log.to_frame(), w.log.cases_frame()
    row = cases.loc[case]
    assert (row["case_type"], row["source"], row["parent"], row["matter"], row["sender"]) == (
        "ledger_item",
        "meeting",
        77,
        "d_a",
        "GO",
    )
    # The rhythm: stocktakes by d_a while the item is open, pushes by vm_exec, one dispatch.
    sessions = ev.loc[ev["activity"].astype(str).str.startswith("cadence.")]
    got = [
        (str(r.activity), str(r.actor), w.cal.datetime_of(r.time), r.value)
        for r in sessions.itertuples()
    ]
    assert got == [
        ("cadence.stocktake", "d_a", at("2025-03-07 17:30"), 1.0),
        ("cadence.dekad_push", "vm_exec", at("2025-03-10 08:30"), 70.0),
        ("cadence.stocktake", "d_a", at("2025-03-14 17:30"), 1.0),
        ("cadence.dekad_push", "vm_exec", at("2025-03-20 08:30"), 70.0),
        ("cadence.stocktake", "d_a", at("2025-03-21 17:30"), 1.0),
        ("cadence.stocktake", "d_a", at("2025-03-28 17:30"), 1.0),
        ("cadence.dekad_push", "vm_exec", at("2025-03-31 08:30"), 70.0),
        ("cadence.monthly_dispatch", "mayor", at("2025-03-31 08:30"), 130.0),
        ("cadence.stocktake", "d_a", at("2025-04-03 17:30"), 1.0),
    ]
    push = sessions.loc[sessions["activity"] == "cadence.dekad_push"].iloc[0]
    assert w.cal.datetime_of(push["deadline"]) == at("2025-03-10 17:30")
    assert check_log(ev, cases, w.org, w.cal, colour_rule=w.sc.ledger.colour) == []

    k = ledger_kpis(ev, cases, w.cal, list(w.org.leaders))
    assert (k["ledger_registered"], k["ledger_closed"], k["ledger_open"]) == (1, 1, 0)
    assert (k["ledger_closed_on_time"], k["ledger_on_time_share"]) == (0, 0.0)
    assert (k["ledger_registered_meeting"], k["ledger_criticise"], k["ledger_supervise"]) == (
        1,
        1,
        1,
    )
    # Red from the 03-21 17:30 stocktake to 销号 on 04-09 15:26:15.
    red = (
        w.cal.clock_of(at("2025-04-09 15:26:15")) - w.cal.clock_of(at("2025-03-21 17:30"))
    ) / 1440
    assert k["ledger_red_item_days"] == pytest.approx(red)
    assert k["ledger_red_dwell_mean_days"] == pytest.approx(red)
    assert k["ledger_hours_vm_exec"] == pytest.approx(3.5) and k["ledger_hours_mayor"] == 130 / 60
    assert k["ledger_hours_rhythm"] == pytest.approx(3.5 + 130 / 60)

    daily = ledger_daily(ev, cases, w.cal).set_index("day")
    assert daily.loc[
        dt.date(2025, 3, 5), ["open", "unrated", "blue", "yellow", "red"]
    ].tolist() == [
        1,
        1,
        0,
        0,
        0,
    ]
    assert daily.loc[dt.date(2025, 3, 17), "yellow"] == 1
    assert daily.loc[dt.date(2025, 4, 8), "red"] == 1
    assert daily.loc[dt.date(2025, 4, 9), "open"] == 0
    assert daily["registered"].sum() == 1 and daily["closed"].sum() == 1

    year = ledger_year_table(ev, cases, w.cal, w.org.departments, w.sc.ledger.scoring)
    d_a = year.set_index("department").loc["d_a"]
    assert (d_a["year"], d_a["days"], d_a["closed_late"], d_a["criticise"]) == (2025, 50, 1, 1)
    assert d_a["red_months"] == 2  # red at stocktakes in March and in April
    assert d_a["score"] == 0 * 1 + 2 * -1 + 1 * -3


def test_item_done_early_stays_blue_and_closes_on_time():
    """5 working days of work at half pace: 4500 office minutes from 03-03 14:45 → 03-17 14:45.

    03-07: 982.5/2250 = 0.436667 ahead of 0.2357; 03-14: 2107.5/2250 = 0.936667: blue. The
    上旬 push reviews it but pushes nothing (blue). 核查 1 h → 销号 15:45, on time.
    """
    w = run_with_decision(
        ledger_raw(), "2025-03-03T09:00", deadline_working_days=20, work_minutes=2250
    )
    events = item_events(w, 0)
    assert [e[:3] for e in events if e[0] == "ledger.colour"] == [
        ("ledger.colour", "d_a", "blue"),
        ("ledger.colour", "d_a", "blue"),
    ]
    assert [e[4] for e in events if e[0] == "ledger.colour"] == [0.436667, 0.936667]
    assert events[-3:] == [
        ("ledger.feedback", "d_a", None, at("2025-03-17 14:45"), 2250.0),
        ("ledger.verified", "GO", "pass", at("2025-03-17 15:45"), 60.0),
        ("ledger.closed", "GO", "on_time", at("2025-03-17 15:45"), None),
    ]
    ev = w.log.to_frame()
    acts = ev["activity"].astype(str)
    assert (acts == "ledger.pushed").sum() == 0
    assert (acts == "cadence.dekad_push").sum() == 1  # only 03-10: the item is closed by 03-20
    assert (acts == "cadence.monthly_dispatch").sum() == 0


def test_failed_verification_sends_the_item_back_with_rework():
    """With p_verify_fail = 1 every 核查 fails: 承办 again with a quarter of the work more."""
    raw = ledger_raw(p_verify_fail=1.0, rework_share=0.25)
    w = run_with_decision(raw, "2025-03-03T09:00", deadline_working_days=20, work_minutes=900)
    acts = [e[0] for e in item_events(w, 0) if e[0] != "ledger.colour"]
    assert acts[:8] == [
        "ledger.registered",
        "ledger.assigned",
        "ledger.undertaken",
        "ledger.feedback",
        "ledger.verified",
        "ledger.undertaken",
        "ledger.feedback",
        "ledger.verified",
    ]
    assert "ledger.closed" not in acts
    feedback = [e[4] for e in item_events(w, 0) if e[0] == "ledger.feedback"]
    assert feedback[:3] == [900.0, 1125.0, 1350.0]
    ev, cases = w.log.to_frame(), w.log.cases_frame()
    assert check_log(ev, cases, w.org, w.cal, colour_rule=w.sc.ledger.colour) == []
    k = ledger_kpis(ev, cases, w.cal, list(w.org.leaders))
    assert (k["ledger_open"], k["ledger_verify_fail_rate"]) == (1, 1.0)


def test_meeting_hook_draws_from_the_meetings_source_and_is_a_no_op_without_ledger():
    raw = ledger_raw(meetings={"deadline": fixed(days=7), "work": fixed(days=1)})
    w = run_with_decision(raw, "2025-03-04T10:00")
    (case,) = w.decided
    reg = item_events(w, case)[0]
    assert reg[:4] == ("ledger.registered", "GO", None, at("2025-03-04 10:00"))
    assert reg[4] == 450.0
    ev = w.log.to_frame()
    row = ev.loc[(ev["case"] == case) & (ev["activity"] == "ledger.registered")].iloc[0]
    assert w.cal.datetime_of(row["deadline"]) == at("2025-03-13 17:30")  # 7 working days

    with pytest.raises(ValueError, match="must be a department"):
        w.ledger.register("meeting", "c1")  # a county owns no ledger item

    off = copy.deepcopy(BASE)
    w_off = World(make_scenario(off))
    assert w_off.ledger is None
    assert register_meeting_decision(w_off, "d_a") is None


def test_supervised_instructions_become_items_owned_by_the_matter():
    """Every instruction is supervised (p = 1): its item's parent is the document, its sender
    the instructing leader, its owner the department of the matter (A57, A69(六))."""
    raw = ledger_raw(instructions={"p_supervise": 1.0})
    raw["instructions"]["p_request"] = 1.0
    raw["load"]["scheduled"] = [
        {"at": "2025-03-04T09:00:00", "kind": "request", "sender": "d_b", "instruction": True},
        {"at": "2025-03-04T09:10:00", "kind": "request", "sender": "c1", "matter": "d_a"},
    ]
    w = simulate(make_scenario(raw))
    cases = w.log.cases_frame()
    items = cases.loc[cases["case_type"] == "ledger_item"]
    assert items[["sender", "matter", "parent"]].astype(str).values.tolist() == [
        ["mayor", "d_b", "0"],
        ["vm_exec", "d_a", "1"],
    ]
    ev = w.log.to_frame()
    instructed = ev.loc[ev["activity"] == "leader.instructed"].set_index("case")["time"]
    registered = ev.loc[ev["activity"] == "ledger.registered"]
    assert registered["time"].tolist() == instructed.loc[[0, 1]].tolist()
    assert check_log(ev, cases, w.org, w.cal, colour_rule=w.sc.ledger.colour) == []


def test_ledger_off_is_the_run_without_the_section():
    """``enabled = false`` changes nothing: the same log as a file without ``[ledger]``."""
    raw = copy.deepcopy(BASE)
    raw["load"].update(poisson=True, request_per_dept_per_week=3, report_per_dept_per_week=3)
    raw["instructions"]["p_request"] = 0.7
    without = simulate(make_scenario(raw))
    raw["ledger"] = {"enabled": False, "instructions": {"p_supervise": 1.0}}
    disabled = simulate(make_scenario(raw))
    assert disabled.ledger is None
    pd.testing.assert_frame_equal(without.log.to_frame(), disabled.log.to_frame())
    pd.testing.assert_frame_equal(without.log.cases_frame(), disabled.log.cases_frame())


def test_key_task_batch_and_audit_stream():
    raw = ledger_raw(
        key_tasks={"batch_dates": ["2025-03-08"], "batch_size": 5},  # a Saturday
        audit={"per_week": 3.0},
    )
    w = simulate(make_scenario(raw))
    items = ledger_items(w.log.to_frame(), w.log.cases_frame())
    batch = items.loc[items["source"] == "key_task"]
    assert len(batch) == 5
    # Registered at the first office opening on or after the date: Monday 03-10 08:30.
    assert {w.cal.datetime_of(t) for t in batch["registered"]} == {at("2025-03-10 08:30")}
    audit = items.loc[items["source"] == "audit"]
    assert len(audit) > 5
    assert all(w.cal.is_open(t) for t in audit["registered"])
    assert set(items["owner"]) <= {"d_a", "d_b"}


def test_scenario_checks_ledger_fields():
    from govsim.scenario.load import ScenarioError

    text = (ROOT / "docs" / "scenario.md").read_text(encoding="utf-8")
    from test_scenario_docs import snippet

    sc = parse_scenario(snippet("minimal") + "\n" + snippet("ledger"))
    assert sc.ledger is not None and sc.ledger.key_tasks.batch_size == 4
    assert "snippet: ledger" in text
    bad = snippet("minimal") + (
        "\n[ledger.key_tasks]\nbatch_dates = [2026-01-01]\n"
        '[ledger.audit]\ndeadline = { dist = "fixed", value_hours = 3 }\n'
        "[ledger.colour]\nbehind_yellow = 0.3\nbehind_red = 0.2\n"
    )
    with pytest.raises(ScenarioError) as err:
        parse_scenario(bad, "bad.toml")
    problems = "\n".join(err.value.problems)
    assert "ledger.audit.deadline: a ledger deadline is counted in working days" in problems
    assert "ledger.colour" in problems and "behind_red must be at least behind_yellow" in problems
    fixed_bad = bad.replace("value_hours = 3", "value_days = 3").replace("0.3", "0.1")
    with pytest.raises(ScenarioError) as err:
        parse_scenario(fixed_bad, "bad.toml")
    line = fixed_bad.splitlines().index("batch_dates = [2026-01-01]") + 1
    assert err.value.problems == [
        f"bad.toml:{line}: ledger.key_tasks.batch_dates[0]: falls outside the simulated horizon"
    ]


def test_ledger_scenario_runs_and_writes_the_ledger_tables(tmp_path):
    """scenarios/ledger.toml for 40 days, 2 replications: KPI columns, daily colours, year table."""
    base = (ROOT / "scenarios" / "jining.toml").read_text(encoding="utf-8")
    (tmp_path / "jining.toml").write_text(
        base.replace("horizon_days = 365", "horizon_days = 40"), encoding="utf-8"
    )
    text = (ROOT / "scenarios" / "ledger.toml").read_text(encoding="utf-8")
    text += '\n[[variants]]\nname = "no-ledger"\nset = { "ledger.enabled" = false }\n'
    path = tmp_path / "ledger.toml"
    path.write_text(text, encoding="utf-8")
    sc = parse_scenario(text, str(path))
    result = run_experiment(
        sc, scenario_path=path, reps=2, seed=3, out=tmp_path / "out", workers=1, run_name="r"
    )
    assert not result.failures
    run = result.out_dir
    kpis = pd.read_parquet(run / "kpis.parquet")
    assert list(kpis["variant"].unique()) == ["baseline", "growth-30", "strong-push", "no-ledger"]
    base = kpis.loc[kpis["variant"] == "baseline"]
    assert (base["ledger_registered"] >= 120).all()  # the January batch is inside 40 days
    assert (base["ledger_registered"] == base["ledger_closed"] + base["ledger_open"]).all()
    off = kpis.loc[kpis["variant"] == "no-ledger"]
    assert (off["ledger_registered"] == 0).all() and (off["ledger_hours_rhythm"] == 0).all()
    daily = pd.read_parquet(run / "ledger_daily.parquet")
    assert len(daily) == 4 * 2 * 40
    assert (daily["open"] == daily[["blue", "yellow", "red", "unrated"]].sum(axis=1)).all()
    year = pd.read_parquet(run / "ledger_year.parquet")
    assert len(year) == 4 * 2 * 40  # one year × 40 departments per replication
    assert set(year["year"]) == {2025}
    summary = pd.read_csv(run / "summary.csv")
    assert "ledger_due_on_time_share" in set(summary["metric"])
    shift = summary.loc[
        (summary["variant"] == "no-ledger") & (summary["metric"] == "ledger_hours_rhythm"), "diff"
    ]
    assert (shift < 0).all()


def test_a_variant_may_add_the_ledger_to_a_file_without_one(tmp_path):
    """KPI parts with and without the ledger's columns consolidate into one table."""
    text = (ROOT / "scenarios" / "jining.toml").read_text(encoding="utf-8")
    text = text.replace("horizon_days = 365", "horizon_days = 20")
    text += '\n[[variants]]\nname = "ledger"\nset = { "ledger.enabled" = true }\n'
    path = tmp_path / "j.toml"
    path.write_text(text, encoding="utf-8")
    result = run_experiment(
        parse_scenario(text, str(path)),
        scenario_path=path,
        reps=1,
        seed=1,
        out=tmp_path / "out",
        workers=1,
        run_name="r",
    )
    assert not result.failures
    kpis = pd.read_parquet(result.out_dir / "kpis.parquet").set_index("variant")
    assert pd.isna(kpis.loc["baseline", "ledger_registered"])
    assert kpis.loc["ledger", "ledger_registered"] > 0
    assert kpis.loc["baseline", "arrived_request"] > 0


def test_year_table_splits_at_new_year():
    """An item registered 2024-12-16, due 12-30 (10 working days), far from done: open and
    overdue at the end of 2024 and at the horizon (2025-01-30); its red days split between
    the two years and add up to the KPI."""
    raw = ledger_raw()
    raw["scenario"].update(start="2024-12-02", horizon_days=60)
    raw["ledger"]["rhythm"].update(dekad_push_factor=0.0, monthly_dispatch_factor=0.0)
    w = run_with_decision(raw, "2024-12-16T09:00", deadline_working_days=10, work_minutes=13500)
    ev, cases = w.log.to_frame(), w.log.cases_frame()
    reg = ev.loc[ev["activity"] == "ledger.registered"].iloc[0]
    assert w.cal.datetime_of(reg["deadline"]) == at("2024-12-30 17:30")
    year = ledger_year_table(ev, cases, w.cal, w.org.departments).set_index(["year", "department"])
    y24, y25 = year.loc[(2024, "d_a")], year.loc[(2025, "d_a")]
    assert (
        y24["days"],
        y24["registered"],
        y24["open_at_year_end"],
        y24["overdue_at_year_end"],
    ) == (
        30,
        1,
        1,
        1,
    )
    assert (
        y25["days"],
        y25["registered"],
        y25["open_at_year_end"],
        y25["overdue_at_year_end"],
    ) == (
        30,
        0,
        1,
        1,
    )
    assert year.loc[(2024, "d_b"), "registered"] == 0
    k = ledger_kpis(ev, cases, w.cal, list(w.org.leaders))
    # Red from the first stocktake (12-20 17:30) on, through January to the horizon.
    assert y24["red_days"] == pytest.approx(11 + 6.5 / 24)
    assert y25["red_days"] == pytest.approx(30)
    assert y24["red_days"] + y25["red_days"] == pytest.approx(k["ledger_red_item_days"])
    assert check_log(ev, cases, w.org, w.cal, colour_rule=w.sc.ledger.colour) == []
