"""The KPI registry: which families and series apply to a scenario (data, not branches), their
column order, and :func:`govsim.kpis.compute` iterating exactly those on one log."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from factory import BASE, fixed, make_scenario
from govsim.kpis import FAMILIES, SERIES, compute, families_for, series_for
from govsim.kpis.registry import always, core_families, kpi_family, section
from govsim.kpis.view import LogView, Setting
from govsim.model.world import simulate
from govsim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["jining", "ledger", "meetings", "substitution"])
def test_families_apply_iff_their_section(name: str) -> None:
    sc = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    names = [f.name for f in families_for(sc)]
    assert ("ledger" in names) == (sc.ledger is not None)
    assert ("meetings" in names) == (sc.meetings is not None)
    assert ("desks" in names) == (sc.desks is not None)
    series = {s.name for s in series_for(sc)}
    assert ("desks" in series) == (sc.desks is not None)
    assert ("ledger_daily" in series) == (sc.ledger is not None)
    assert ("ledger_year" in series) == (sc.ledger is not None)
    assert "backlog" in series
    core = [f.name for f in core_families()]
    assert names[: len(core)] == core  # the optional families come after the core ones


def test_ledger_family_follows_the_section_on_one_scenario() -> None:
    sc = load_scenario(ROOT / "scenarios" / "ledger.toml")
    assert sc.ledger is not None
    without = sc.model_copy(update={"ledger": None})
    assert "ledger" in [f.name for f in families_for(sc)]
    assert "ledger" not in [f.name for f in families_for(without)]
    assert {s.name for s in series_for(without)} == {"backlog", "desks"}  # jining's [desks]


def test_registry_entries() -> None:
    assert [f.name for f in core_families()] == [
        "documents",
        "countersign",
        "signing",
        "legality",
        "instructions",
        "utilisation",
        "backlog",
        "availability",
        "log",
    ]
    assert FAMILIES["ledger"].applies.__name__ == "has_ledger"
    assert FAMILIES["documents"].applies is always
    assert {s.name: s.file for s in SERIES.values()} == {
        "backlog": "backlog.parquet",
        "ledger_daily": "ledger_daily.parquet",
        "ledger_year": "ledger_year.parquet",
        "desks": "desks.parquet",
    }
    with pytest.raises(ValueError, match="registered twice"):
        kpi_family("ledger", rank=1)(lambda view: {})
    assert section("meetings")(load_scenario(ROOT / "scenarios" / "jining.toml")) is False


def _tiny_ledger() -> dict:
    raw = copy.deepcopy(BASE)
    raw["scenario"].update(start="2025-03-01", horizon_days=40)
    raw["ledger"] = {"assign": fixed(minutes=30), "instructions": {"p_supervise": 1.0}}
    return raw


@pytest.mark.parametrize("with_ledger", [False, True])
def test_compute_runs_the_applicable_families(with_ledger: bool) -> None:
    raw = _tiny_ledger()
    if not with_ledger:
        del raw["ledger"]
    sc = make_scenario(raw)
    world = simulate(sc, 0, 1)
    events, cases = world.log.to_frame(), world.log.cases_frame()
    result = compute(events, cases, sc, world.cal, world.org)
    view = LogView(events, cases, world.cal, Setting.of(sc, world.org))
    expected: list[str] = []
    for family in families_for(sc):
        expected += list(family.compute(view))  # each family's columns, in rank order
    assert list(result.kpis) == expected
    assert ("ledger_registered" in result.kpis) == with_ledger
    assert "meetings_executive" not in result.kpis
    assert set(result.series) == (
        {"backlog", "ledger_daily", "ledger_year"} if with_ledger else {"backlog"}
    )
    backlog = result.series["backlog"]
    assert list(backlog["holder"].cat.categories) == ["GO", *world.org.leaders]
    assert len(backlog) == world.cal.days * (1 + len(world.org.leaders))
