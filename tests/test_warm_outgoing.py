"""Warm start: outgoing documents (A21, A59–A61, A63) and meeting topics (A45, A48, A49).

A hand-worked draft (fixed efforts, one department's powers touched, d_b needing 10 working
days) pending its countersign at the cut is deemed at its original deadline to the minute
(A59 「逾期不回复视为无不同意见」) and then vetted, signed and issued; a topic's place on the
A48–A49 pipeline is read exactly from hand-built rows; a run warm-started from day 180 of the
meetings scenario carries every draft, normative document and topic open at the cut, passes
every invariant, and decides carried topics at meetings after the cut; a scenario without
meetings counts the topics as not carried. The checks' allowance for steps done before the
cut is narrow: a step the model skips after the cut is still caught.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from factory import countersigned_request_raw, fixed, make_scenario
from govsim.checks.audit import check_log
from govsim.cli import main
from govsim.model.warm import read_snapshot
from govsim.model.warm_topics import NO_MEETINGS, CarriedTopic, topic_state
from govsim.model.world import simulate
from govsim.scenario.load import load_scenario
from test_warm_start import toml_text, warm_started

ROOT = Path(__file__).resolve().parents[1]
OUTGOING_NOT_CARRIED = ("draft", "normative", "contract", "meeting topic")


def _draft_raw(base_raw: dict[str, Any]) -> dict[str, Any]:
    """Drafts from d_a and d_b (fixed efforts), each touching the other's powers; the
    co-department needs 10 working days, so each countersign is deemed (A59)."""
    raw = countersigned_request_raw(copy.deepcopy(base_raw), p_cross_dept_draft=1.0)
    raw["load"]["scheduled"] = []  # drafts only
    raw["scenario"]["horizon_days"] = 60
    raw["drafts"] = {
        "per_dept_per_week": 0.3,
        "topics": {"other": 1.0},
        "p_meeting_decided": 0.0,
        "p_wide_ranging": 0.0,
        "drafting": fixed(days=1),
        "vetting": fixed(hours=1),
        "revise": fixed(days=1),
    }
    raw["leader_work"]["sign"] = fixed(minutes=30)
    return raw


def test_pending_draft_countersign_is_deemed_at_its_original_deadline(base_raw, tmp_path):
    raw = _draft_raw(base_raw)
    (tmp_path / "src.toml").write_text(toml_text(raw), encoding="utf-8")
    source = simulate(make_scenario(raw))
    src = source.log.to_frame()
    src.to_parquet(tmp_path / "events.parquet")
    source.log.cases_frame().to_parquet(tmp_path / "cases.parquet")
    asked = src.loc[src["activity"] == "cs.requested"].iloc[0]
    start = dt.date.fromisoformat(raw["scenario"]["start"])
    cut = start + dt.timedelta(days=int(asked["time"] // 1440) + 1)
    assert asked["deadline"] > (cut - start).days * 1440  # still pending at the cut
    warm = copy.deepcopy(raw)
    warm["drafts"]["per_dept_per_week"] = 0.0  # the carried documents alone
    world, ev, cases = warm_started(tmp_path, warm, cut)  # every invariant holds
    snap = read_snapshot(world.sc)
    offset = (cut - start).days * 1440.0
    case = int(cases.loc[cases["carried"], "case"].iloc[0])
    first = next(c for c in snap.carried if c.kind == "draft")
    assert first.stage == "countersign"
    mine = ev.loc[ev["case"] == case]
    carried = mine.loc[mine["activity"] == "case.carried"]
    assert carried["deadline"].dropna().tolist() == [asked["deadline"] - offset]
    # held by the drafting department; the co-department owes its answer by the limit
    assert carried["target"].astype(str).tolist() == [str(asked["actor"]), str(asked["target"])]
    deemed = mine.loc[mine["activity"] == "cs.deemed", "time"].tolist()
    assert deemed == [asked["deadline"] - offset]  # to the minute
    acts = mine["activity"].astype(str).tolist()
    # vetted, signed and issued (the late answer, A59, may come after)
    ends = [a for a in acts if a != "cs.replied_late"]
    assert ends[-3:] == ["doc.signed", "doc.issued", "doc.closed"]
    assert acts.index("go.reviewed") > acts.index("doc.countersigned")
    assert "cs.requested" not in acts  # made before the cut
    assert set(cases.loc[cases["carried"], "case_type"].astype(str)) == {"draft"}


def _rows(*acts: tuple[float, str, str, str]) -> pd.DataFrame:
    """Hand-built rows of one case: (time, activity, actor, outcome)."""
    return pd.DataFrame(acts, columns=["time", "activity", "actor", "outcome"])


def test_a_topic_is_placed_at_its_pipeline_step() -> None:
    referred = (10.0, "topic.referred", "mayor", "executive")
    steps = [(20.0 + i, a, "d_a", "") for i, a in enumerate(
        ("topic.researched", "topic.coordinated", "topic.compliance_reviewed"))]  # fmt: skip
    s = topic_state(_rows(referred, *steps[:2]), offset=5.0)
    assert (s.venue, s.done, s.special, s.decided) == ("executive", 2, False, False)
    done = (*steps, (30.0, "topic.vm_confirmed", "vm", ""), (31.0, "topic.mayor_agreed", "m", ""),
            (40.0, "topic.submitted", "d_a", "special"))  # fmt: skip
    s = topic_state(_rows(referred, *done), offset=5.0)
    assert (s.done, s.special, s.received) == (6, True, 35.0)  # new clock = source − offset
    # a meeting returned it for rework: the pipeline starts again (RULES §5.1 row 14)
    again = (*done, (50.0, "topic.signed_off", "vm", ""), (60.0, "topic.returned", "mayor", ""))
    s = topic_state(_rows(referred, *again, steps[0]), offset=0.0)
    assert (s.venue, s.done) == ("executive", 1)
    office = topic_state(_rows((10.0, "topic.referred", "vm", "special_topic")), 0.0)
    assert (office.venue, office.convener, office.received, office.done) == (
        "special_topic", "vm", 10.0, 0)  # fmt: skip


@functools.lru_cache(maxsize=1)
def _meetings_year(folder: str) -> Path:
    """One simulated year of the meetings scenario, its log written to ``folder``."""
    world = simulate(load_scenario(ROOT / "scenarios" / "meetings.toml"), 0)
    world.log.to_frame().to_parquet(Path(folder) / "events.parquet")
    world.log.cases_frame().to_parquet(Path(folder) / "cases.parquet")
    return Path(folder) / "events.parquet"


@pytest.fixture(scope="module")
def year_log(tmp_path_factory) -> Path:
    return _meetings_year(str(tmp_path_factory.mktemp("year")))


def _warm_toml(tmp: Path, log: Path, name: str, cut: int = 180, days: int = 60) -> Path:
    src = ROOT / "scenarios" / name
    start = load_scenario(src).scenario.start + dt.timedelta(days=cut)
    path = tmp / f"warm-{name}"
    path.write_text(
        f'[scenario]\nbase = "{src}"\nstart = {start}\nhorizon_days = {days}\n\n'
        f'[initial_state]\nlog = "{log}"\nscenario = "{ROOT / "scenarios" / "meetings.toml"}"\n'
        f"cut = {cut}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def warm_run(year_log, tmp_path_factory) -> tuple[Any, Any, pd.DataFrame, pd.DataFrame]:
    """The meetings scenario warm-started from day 180 of ``year_log`` for 60 days."""
    sc = load_scenario(_warm_toml(tmp_path_factory.mktemp("warm"), year_log, "meetings.toml"))
    world = simulate(sc, 1)
    return sc, world, world.log.to_frame(), world.log.cases_frame()


def test_warm_start_from_day_180_carries_documents_and_topics(warm_run) -> None:
    sc, world, ev, cases = warm_run
    assert check_log(ev, cases, world.org, world.cal, scenario=world.sc) == []
    note = read_snapshot(sc).note()
    assert not set(note["not_carried"]) & set(OUTGOING_NOT_CARRIED), note["not_carried"]
    kinds = note["carried_by_kind"]
    assert kinds["topic"] > 0 and kinds["draft"] > 0 and kinds["normative"] > 0
    carried = cases.loc[cases["carried"]]
    assert len(carried) == note["carried"]
    by_type = carried["case_type"].astype(str).value_counts().to_dict()
    assert by_type["draft"] == kinds["draft"] and by_type["normative"] == kinds["normative"]
    # carried topics are decided at meetings after the cut (A45): most within 60 days
    topics = [c for c in read_snapshot(sc).carried if c.kind == "topic"]
    requests = set(carried.loc[carried["case_type"].astype(str) == "request", "case"])
    decided = set(ev.loc[ev["activity"] == "meeting.decision", "case"]) & requests
    assert len(decided) >= len(topics) // 2


def test_without_meetings_topics_are_counted_not_carried(warm_run, year_log, tmp_path) -> None:
    with_meetings = read_snapshot(warm_run[0])
    without = read_snapshot(load_scenario(_warm_toml(tmp_path, year_log, "jining.toml")))
    n = with_meetings.note()["carried_by_kind"]["topic"]
    assert without.not_carried[NO_MEETINGS] == n > 0
    assert len(without.carried) == len(with_meetings.carried) - n
    assert "topic" not in without.note()["carried_by_kind"]


def test_a_step_skipped_after_the_cut_is_still_caught(warm_run) -> None:
    """A carried topic that went through A48 after the cut without the mayor's agreement
    breaks INV-M06 (only the steps before its first one in this log count as done)."""
    _, world, ev, cases = warm_run
    carried = set(cases.loc[cases["carried"], "case"])
    confirmed = ev.loc[(ev["activity"] == "topic.vm_confirmed") & ev["case"].isin(carried)]
    on_agenda = set(ev.loc[ev["activity"] == "topic.on_agenda", "case"])
    victim = next(c for c in confirmed["case"] if c in on_agenda)
    drop = (ev["case"] == victim) & (ev["activity"] == "topic.mayor_agreed")
    broken = ev.loc[~drop].reset_index(drop=True)
    found = check_log(broken, cases, world.org, world.cal, scenario=world.sc)
    assert {(v.invariant, v.case) for v in found} >= {("INV-M06", victim)}


def test_the_run_says_what_was_carried(year_log, tmp_path) -> None:
    """``govsim run`` on a warm start says how many open cases were carried and how many not,
    and apart from them the desk jobs open at the cut (a carried case queues its own again),
    within 80 columns."""
    toml = _warm_toml(tmp_path, year_log, "meetings.toml", cut=180, days=10)
    args = ["run", str(toml), "--reps", "1", "--workers", "1", "--out", str(tmp_path / "o")]
    result = CliRunner().invoke(main, [*args, "--quiet"])
    assert result.exit_code == 0, result.output
    snap = read_snapshot(load_scenario(toml))
    jobs = sum(n for k, n in snap.not_carried.items() if k.startswith("desk job"))
    missed = sum(snap.not_carried.values()) - jobs
    assert f"warm start: {len(snap.carried)} open case(s) carried, {missed} not" in result.output
    assert f"{jobs} desk job(s) open at the cut" in result.output
    text = [line for line in result.output.splitlines() if not line.startswith("results: ")]
    assert max(map(len, text)) <= 80  # the results line holds the (long) test folder


def test_a_topic_decided_before_the_cut_becomes_a_ledger_item(year_log, tmp_path) -> None:
    """A topic decided at a meeting whose minutes were not issued at the cut (day 240 of the
    year): its minutes are taken as issued at the re-entry, so it closes then and its decision
    becomes a ledger item (A53), whose parent is the carried request."""
    sc = load_scenario(_warm_toml(tmp_path, year_log, "meetings.toml", cut=240, days=5))
    decided = [
        c for c in read_snapshot(sc).carried if isinstance(c, CarriedTopic) and c.topic.decided
    ]
    assert decided
    world = simulate(sc, 1)
    cases = world.log.cases_frame()
    items = cases.loc[(cases["case_type"] == "ledger_item") & (cases["source"] == "meeting")]
    carried = cases.loc[cases["carried"], "case"]
    assert int(items["parent"].isin(carried).sum()) == len(decided)
