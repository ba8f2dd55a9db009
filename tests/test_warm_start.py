"""Warm start (``[initial_state]``): the backlog open at a cut of a log, carried into a run.

Deterministic checks on a hand-worked document (fixed efforts, one request touching another
department's powers): a countersign pending at the cut is deemed at its original deadline to
the minute (A59 「逾期不回复视为无不同意见」); an instruction awaiting its reply keeps the
limit the GO set before the cut (A57); a run warm-started at any midnight of the document's
life passes every invariant and closes it. Bad snapshots are one line and exit code 2.

Past the first round (A56, A59): a version listing the dissent is deemed at its original
deadline to the minute; an extension, a negotiation still to hold and a joint submission's
co-signature owed are carried, and the checks need what ``case.carried`` states of them. Day
180 of a year with busy countersigns carries every countersign stage and passes the checks.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from factory import countersigned_request_raw, fixed, make_scenario, short_default_scenario
from govsim.checks.audit import check_log
from govsim.cli import main
from govsim.model.warm import read_snapshot
from govsim.model.world import simulate
from govsim.scenario.load import load_scenario


def toml_text(data: dict[str, Any]) -> str:
    """A scenario dict as TOML: top-level tables as sections, lists of tables as arrays."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return json.dumps(v, ensure_ascii=False)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return "{" + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + "}"

    out = []
    for key, v in data.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            out += [
                f"[[{key}]]\n" + "".join(f"{k} = {value(x)}\n" for k, x in t.items()) for t in v
            ]
        else:
            out.append(f"[{key}]\n" + "".join(f"{k} = {value(x)}\n" for k, x in v.items()))
    return "\n".join(out)


def _request_raw(base_raw: dict[str, Any], instruct: bool) -> dict[str, Any]:
    """A request from d_a on Fri 2024-09-27 16:00 touching d_b's powers; d_b needs 10
    working days, so its countersign is deemed at the deadline (Tue 10-08 17:30)."""
    raw = countersigned_request_raw(copy.deepcopy(base_raw))
    raw["scenario"]["horizon_days"] = 60
    raw["instructions"]["p_request"] = 1.0 if instruct else 0.0
    return raw


def _source(tmp_path: Path, raw: dict[str, Any]):
    """Simulate ``raw`` and write its log (events + cases) and scenario file to ``tmp_path``."""
    (tmp_path / "src.toml").write_text(toml_text(raw), encoding="utf-8")
    world = simulate(make_scenario(raw))
    world.log.to_frame().to_parquet(tmp_path / "events.parquet")
    world.log.cases_frame().to_parquet(tmp_path / "cases.parquet")
    return world


def warm_started(
    tmp_path: Path, raw: dict[str, Any], cut: dt.date, days: int = 40, **sections: Any
):
    """A run of ``raw`` warm-started at midnight of ``cut`` from the log in ``tmp_path``, for
    ``days`` days, with ``sections`` of the scenario replaced; every invariant must hold."""
    warm = copy.deepcopy(raw)
    warm["scenario"]["start"] = cut.isoformat()
    warm["scenario"]["horizon_days"] = days
    warm["load"]["scheduled"] = []
    warm.update(copy.deepcopy(sections))
    warm["initial_state"] = {
        "log": str(tmp_path / "events.parquet"),
        "scenario": str(tmp_path / "src.toml"),
        "cut": f"{cut.isoformat()}T00:00",
    }
    world = simulate(make_scenario(warm))
    ev, cases = world.log.to_frame(), world.log.cases_frame()
    assert check_log(ev, cases, world.org, world.cal, scenario=world.sc) == []
    return world, ev, cases


def _offset(cut: dt.date, start: str) -> float:
    return (cut - dt.date.fromisoformat(start)).days * 1440.0


def test_pending_countersign_is_deemed_at_its_original_deadline(base_raw, tmp_path) -> None:
    raw = _request_raw(base_raw, instruct=False)
    src = _source(tmp_path, raw).log.to_frame()
    asked = src.loc[src["activity"] == "cs.requested"].iloc[0]
    # Fri not counted; WD1 Sun 09-29 (make-up), WD2 Mon 09-30, WD3 Tue 10-08 (National Day).
    assert str(src_dt := dt.datetime(2024, 9, 23) + dt.timedelta(minutes=asked["deadline"]))
    assert src_dt == dt.datetime(2024, 10, 8, 17, 30)
    cut = dt.date(2024, 10, 2)
    _, ev, cases = warm_started(tmp_path, raw, cut)
    offset = _offset(cut, raw["scenario"]["start"])
    carried = ev.loc[ev["activity"] == "case.carried"]
    assert carried["deadline"].dropna().tolist() == [asked["deadline"] - offset]
    assert carried["target"].astype(str).tolist() == ["d_a", "d_b"]  # the sender, the owing
    deemed = ev.loc[ev["activity"] == "cs.deemed"]
    assert deemed["time"].tolist() == [asked["deadline"] - offset]  # to the minute
    assert cases["carried"].tolist() == [True]

    # From the deeming to the closure, fixed efforts on idle offices: the source's, shifted
    # (the late reply, work in progress at the cut, restarts with a fresh effort).
    def tail(frame, t0):
        rows = frame.loc[frame["time"] > t0 - 1e-9, ["activity", "time"]]
        return rows.loc[rows["activity"] != "cs.replied_late"]

    tail, warm_tail = tail(src, asked["deadline"]), tail(ev, deemed["time"].iloc[0])
    assert warm_tail["activity"].astype(str).tolist() == tail["activity"].astype(str).tolist()
    assert (warm_tail["time"].to_numpy() + offset).tolist() == tail["time"].tolist()


def test_reply_awaiting_keeps_the_limit_set_before_the_cut(base_raw, tmp_path) -> None:
    raw = _request_raw(base_raw, instruct=True)
    src = _source(tmp_path, raw).log.to_frame()
    transfer = src.loc[src["activity"] == "go.transferred"].iloc[0]
    cut = (dt.datetime(2024, 9, 23) + dt.timedelta(minutes=transfer["time"])).date()
    cut += dt.timedelta(days=1)
    world, ev, _ = warm_started(tmp_path, raw, cut)
    snap = read_snapshot(world.sc)
    assert [c.stage for c in snap.carried] == ["reply"]
    offset = _offset(cut, raw["scenario"]["start"])
    reply = ev.loc[ev["activity"] == "dept.replied"].iloc[0]
    assert reply["deadline"] == transfer["deadline"] - offset
    late = reply["time"] > reply["deadline"]
    assert str(reply["outcome"]) == ("late" if late else "on_time")
    assert "go.transferred" not in set(ev["activity"].astype(str))  # made before the cut


@pytest.mark.parametrize("day", [28, 30, 8, 9, 10, 11, 14])
def test_a_cut_at_any_midnight_passes_the_checks(base_raw, tmp_path, day) -> None:
    raw = _request_raw(base_raw, instruct=True)
    _source(tmp_path, raw)
    cut = dt.date(2024, 9 if day > 20 else 10, day)
    world, ev, _ = warm_started(tmp_path, raw, cut)
    stages = [c.stage for c in read_snapshot(world.sc).carried]
    assert len(stages) <= 1
    closed = ev.loc[ev["activity"] == "doc.closed"]
    assert len(closed) == len(stages)  # the carried document is finished in the run


def _cli(args: list[str]) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output.strip().splitlines()


@pytest.mark.parametrize(
    ("state", "field", "message"),
    [
        ('log = "nowhere.parquet"\ncut = 3', "initial_state.log", "no such file"),
        ('log = "events.parquet"\nscenario = "src.toml"\ncut = 400', "initial_state.cut",
         "outside the log"),
        ('log = "events.parquet"\nscenario = "src.toml"\ncut = 9', "scenario.start",
         "the cut's date 2024-10-02"),
    ],
)  # fmt: skip
def test_bad_snapshot_is_one_line_and_exit_2(base_raw, tmp_path, state, field, message) -> None:
    raw = _request_raw(base_raw, instruct=False)
    _source(tmp_path, raw)
    warm = copy.deepcopy(raw)
    warm["scenario"]["start"] = "2024-10-01"
    warm["load"]["scheduled"] = []
    path = tmp_path / "warm.toml"
    path.write_text(toml_text(warm) + f"\n[initial_state]\n{state}\n", encoding="utf-8")
    code, lines = _cli(["validate", str(path)])
    assert code == 2
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}:") and f": {field}: " in lines[0] and message in lines[0]


def test_the_checks_need_what_case_carried_states(base_raw, tmp_path) -> None:
    """Without its ``case.carried`` rows a warm-started log breaks A57 and A59's checks: a
    reply with no transfer (INV-D17), a countersign answer with no request (INV-D10)."""
    raw = _request_raw(base_raw, instruct=True)
    _source(tmp_path, raw)
    for cut, invariant in ((dt.date(2024, 10, 10), "INV-D17"), (dt.date(2024, 9, 30), "INV-D10")):
        world, ev, cases = warm_started(tmp_path, raw, cut)
        stripped = ev.loc[ev["activity"] != "case.carried"].reset_index(drop=True)
        found = check_log(stripped, cases, world.org, world.cal, scenario=world.sc)
        assert {v.invariant for v in found} == {invariant}, found


# -- countersigns past their first round, joint submissions (A56, A59) -----------------------


def _dissent_raw(base_raw: dict[str, Any], **countersign: Any) -> dict[str, Any]:
    """The request of :func:`_request_raw`; d_b speaks up and is given until Fri 10-11 17:30
    (A59), replies late on Wed 10-16 16:00 with an objection (no deeming after an extension),
    the negotiation on Thu 10-17 09:00–11:00 fails, the dissent is written up by 14:30 and the
    version listing it is requested again, deemed at Tue 10-22 17:30 (A56, K37)."""
    raw = _request_raw(base_raw, instruct=False)
    raw["countersign"].update(
        {
            "p_object": 1.0,
            "p_extension": 1.0,
            "p_extension_agreed": 1.0,
            "p_resolved": 0.0,
            "deemed_after_extension": False,
            "negotiation": fixed(hours=2),
            "dissent_drafting": fixed(hours=4),
            **countersign,
        }
    )
    return raw


def _at(minutes: float) -> dt.datetime:
    return dt.datetime(2024, 9, 23) + dt.timedelta(minutes=float(minutes))


def test_dissent_version_is_deemed_at_its_original_deadline(base_raw, tmp_path) -> None:
    raw = _dissent_raw(base_raw)
    src = _source(tmp_path, raw).log.to_frame()
    second = src.loc[src["reason"].astype(str) == "dissent_version"]
    asked = second.loc[second["activity"] == "cs.requested"].iloc[0]
    assert _at(asked["time"]) == dt.datetime(2024, 10, 17, 14, 30)
    assert _at(asked["deadline"]) == dt.datetime(2024, 10, 22, 17, 30)
    cut = dt.date(2024, 10, 20)
    world, ev, cases = warm_started(tmp_path, raw, cut)
    (carried,) = read_snapshot(world.sc).carried
    assert (carried.stage, carried.talks, carried.answered) == (
        "second_round",
        (("d_b", False),),
        (("d_b", "object"),),
    )
    offset = _offset(cut, raw["scenario"]["start"])
    row = ev.loc[(ev["activity"] == "case.carried") & ev["deadline"].notna()].iloc[0]
    assert (str(row["target"]), str(row["reason"])) == ("d_b", "dissent_version")
    deemed = ev.loc[ev["activity"] == "cs.deemed"]
    assert deemed["time"].tolist() == [asked["deadline"] - offset]  # to the minute
    assert str(deemed["reason"].iloc[0]) == "dissent_version"
    assert cases["carried"].tolist() == [True]

    # From the deeming on, fixed efforts on idle offices: the source's acts, shifted.
    def tail(frame, t0):
        rows = frame.loc[frame["time"] > t0 - 1e-9, ["activity", "time", "outcome"]]
        return rows.loc[rows["activity"] != "cs.replied_late"].astype(str)

    expected = tail(src, asked["deadline"])
    got = tail(ev, deemed["time"].iloc[0])
    assert got["activity"].tolist() == expected["activity"].tolist()
    assert got["outcome"].tolist() == expected["outcome"].tolist()  # dissent, not consensus


@pytest.mark.parametrize(
    ("day", "stage", "acts"),
    [
        # extended before the cut: not extended again, replies late, not deemed (A59)
        ((10, 2), "countersign", ["cs.replied", "cs.negotiated", "cs.dissent_documented"]),
        # the objection in, its negotiation to come (A56)
        ((10, 17), "negotiation", ["cs.negotiated", "cs.dissent_documented"]),
        ((10, 21), "second_round", ["cs.deemed", "doc.countersigned"]),
    ],
)
def test_a_countersign_past_its_first_round_is_carried(base_raw, tmp_path, day, stage, acts):
    raw = _dissent_raw(base_raw)
    _source(tmp_path, raw)
    world, ev, _ = warm_started(tmp_path, raw, dt.date(2024, *day))
    (carried,) = read_snapshot(world.sc).carried
    assert carried.stage == stage
    names = ev["activity"].astype(str).tolist()
    assert [a for a in names if a in acts] == acts
    assert "cs.cannot_meet" not in names  # asked before the cut, once (A59)
    first = ev.loc[ev["reason"].astype(str) != "dissent_version", "activity"].astype(str)
    assert "cs.requested" not in first.tolist()  # the first round's requests: before the cut
    assert "doc.closed" in names
    if stage == "countersign":
        assert carried.extended == ("d_b",)
        # its effort restarts at the re-entry (the ASSUMPTION above): it replies after its
        # extended limit, and is not deemed (A59, deemed_after_extension = false)
        limit = ev.loc[ev["activity"] == "case.carried", "deadline"].dropna().iloc[0]
        assert _at(limit + _offset(dt.date(2024, *day), "2024-09-23")) == dt.datetime(
            2024, 10, 11, 17, 30
        )
        reply = ev.loc[ev["activity"] == "cs.replied"].iloc[0]
        assert reply["time"] > limit and "cs.deemed" not in first.tolist()


def test_the_checks_need_the_objection_and_the_extension_carried(base_raw, tmp_path) -> None:
    """Without what ``case.carried`` states of the time before the cut, A59's checks fail: an
    extension forgotten makes the late reply a reply taken instead of deeming (INV-D09); an
    objection forgotten makes the countersign after a resolved negotiation an answer to no
    request (INV-D10)."""
    for resolved, cut, invariant in ((0.0, (10, 2), "INV-D09"), (1.0, (10, 17), "INV-D10")):
        raw = _dissent_raw(base_raw, p_resolved=resolved)
        _source(tmp_path, raw)
        world, ev, cases = warm_started(tmp_path, raw, dt.date(2024, *cut))
        broken = ev.copy()
        marked = (broken["activity"] == "case.carried") & broken["outcome"].notna()
        assert marked.sum() == 1
        if invariant == "INV-D09":
            broken["outcome"] = broken["outcome"].where(~marked)
        else:
            broken = broken.loc[~marked].reset_index(drop=True)
        found = check_log(broken, cases, world.org, world.cal, scenario=world.sc)
        assert {v.invariant for v in found} == {invariant}, found


def test_a_joint_submission_is_carried_with_its_co_signers_owing(base_raw, tmp_path) -> None:
    """联合报 (A56): d_b's desk needs 10 working days; its principal head co-signs on Wed
    10-16 16:00. Cut on 10-08, the carried case waits for that co-signature."""
    raw = _request_raw(base_raw, instruct=False)
    raw["countersign"]["p_joint"] = 1.0
    src = _source(tmp_path, raw).log.to_frame()
    signed = src.loc[src["activity"] == "cs.joint_signed"].iloc[0]
    assert _at(signed["time"]) == dt.datetime(2024, 10, 16, 16, 0)
    world, ev, _ = warm_started(tmp_path, raw, dt.date(2024, 10, 8))
    (carried,) = read_snapshot(world.sc).carried
    assert (carried.stage, carried.owing) == ("joint", ("d_b",))
    names = ev["activity"].astype(str).tolist()
    assert names.index("cs.joint_signed") < names.index("doc.countersigned")
    assert ev.loc[ev["activity"] == "doc.countersigned", "outcome"].astype(str).tolist() == [
        "joint"
    ]
    assert names[-1] == "doc.closed"


BUSY_COUNTERSIGN = {
    "p_cross_dept_request": 0.9,
    "p_object": 0.6,
    "p_joint": 0.3,
    "p_extension": 0.8,
    "p_resolved": 0.3,
}
"""The default scenario's countersign knobs, raised so that every stage of it is open at a
cut: joint submissions, extensions, negotiations, dissent versions (A56, A59)."""


def test_a_year_cut_at_day_180_carries_every_countersign(tmp_path) -> None:
    """Day 180 of the default scenario with busy countersigns: every document open in its
    countersign is carried at its stage, the warm run passes every invariant, and the
    manifest's note counts what was carried by stage and what was not."""
    cut = 180
    source = short_default_scenario(tmp_path, cut + 1)
    text = source.read_text(encoding="utf-8")
    for key, value in BUSY_COUNTERSIGN.items():
        text, n = re.subn(rf"^{key} = [0-9.]+", f"{key} = {value}", text, flags=re.M)
        assert n == 1, key
    source.write_text(text, encoding="utf-8")
    sc = load_scenario(source)
    world = simulate(sc, 0)
    world.log.to_frame().to_parquet(tmp_path / "events.parquet")
    world.log.cases_frame().to_parquet(tmp_path / "cases.parquet")
    start = sc.scenario.start + dt.timedelta(days=cut)
    text = text.replace(f"horizon_days = {cut + 1}", "horizon_days = 20")
    text = text.replace(f"start = {sc.scenario.start}", f"start = {start}")
    text += f'\n[initial_state]\nlog = "events.parquet"\nscenario = "{source.name}"\ncut = {cut}\n'
    path = tmp_path / "warm.toml"
    path.write_text(text, encoding="utf-8")
    warm_sc = load_scenario(path)
    snap = read_snapshot(warm_sc)
    stages = Counter(c.stage for c in snap.carried)
    assert {"joint", "countersign", "negotiation", "second_round"} <= set(stages), stages
    assert not [k for k in snap.not_carried if "countersign" in k and "desk job" not in k]
    assert not [k for k in snap.not_carried if "joint" in k]
    warm = simulate(warm_sc, 1)
    ev, cases = warm.log.to_frame(), warm.log.cases_frame()
    assert check_log(ev, cases, warm.org, warm.cal, scenario=warm.sc) == []
    assert int(cases["carried"].sum()) == len(snap.carried)
    note = snap.note()  # the manifest's warm_start, as the runner writes it
    assert note["carried_by_stage"] == dict(stages)
    assert note["carried"] == len(snap.carried)
    assert note["not_carried"] == snap.not_carried
