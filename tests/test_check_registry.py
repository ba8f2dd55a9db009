"""The register of checks (govsim.checks): every invariant with its article and family, each
family module registering only its own ids, in RULES §8.2 order; the activity names the
checks read are the log's."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from govsim.checks import FAMILIES, INVARIANTS, NOT_YET_CHECKED, check_log, invariant, vocab
from govsim.checks.meeting_kinds import KINDS
from govsim.checks.registry import InvariantSpec
from govsim.log.eventlog import ACTIVITIES, OUTCOMES
from govsim.model.world import simulate
from govsim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]

COUNTERSIGN = {"INV-D07", "INV-D08", "INV-D09", "INV-D10", "INV-D11"}


def test_every_invariant_has_an_article_and_a_family() -> None:
    assert len(INVARIANTS) == 58  # 53, the desks' INV-U01, U02, INV-L10, INV-M10 and INV-L11
    for inv, spec in INVARIANTS.items():
        assert isinstance(spec, InvariantSpec)
        assert spec.id == inv and re.fullmatch(r"INV-[DONSELMU]\d\d", inv)
        assert re.fullmatch(r"A\d+|engineering|AMB-\d+", spec.article), spec
        assert spec.family in FAMILIES
        assert spec.doc.strip(), f"{inv} has no docstring"


def test_each_family_module_registers_only_its_own_ids() -> None:
    for family, prefix in FAMILIES.items():
        module = importlib.import_module(f"govsim.checks.{family}")
        mine = {k for k, s in INVARIANTS.items() if s.module == module.__name__}
        assert mine, family
        assert all(INVARIANTS[k].family == family and k.startswith(prefix) for k in mine)
        if family == "countersign":
            assert mine == COUNTERSIGN
        if family == "documents":
            assert not mine & COUNTERSIGN
    # the executive meeting's calendar (INV-M10) has a module of its own in the meetings family
    extra = {"govsim.checks.meeting_calendar"}
    assert {s.module for s in INVARIANTS.values()} == {
        f"govsim.checks.{f}" for f in FAMILIES
    } | extra


def test_invariants_run_in_rules_order() -> None:
    order = "DONSELMU"
    keys = [(order.index(k[4]), int(k[5:])) for k in INVARIANTS]
    assert keys == sorted(keys)
    assert not set(INVARIANTS) & {item.split()[0] for item in NOT_YET_CHECKED}


def test_a_check_outside_its_family_or_twice_is_refused() -> None:
    def check(ctx):  # pragma: no cover - never run
        return []

    with pytest.raises(ValueError, match="does not belong"):
        invariant("INV-M99", article="A45", family="documents")(check)
    with pytest.raises(ValueError, match="registered twice"):
        invariant("INV-D14", article="A57", family="documents")(check)
    with pytest.raises(ValueError, match="unknown family"):
        invariant("INV-D99", article="A57", family="seals")(check)
    assert "INV-M99" not in INVARIANTS and "INV-D99" not in INVARIANTS


@pytest.fixture(scope="module")
def small_log() -> tuple[Any, ...]:
    """A year of the default scenario, simulated."""
    world = simulate(load_scenario(ROOT / "scenarios" / "jining.toml"), 0)
    return world.log.to_frame(), world.log.cases_frame(), world.org, world.cal, world.sc


def test_only_selects_invariants(small_log: tuple[Any, ...]) -> None:
    events, cases, org, cal, sc = small_log
    assert check_log(events, cases, org, cal, scenario=sc) == []
    events = events.copy()
    row = events.index[events["activity"] == "doc.routed"][0]
    wrong = next(ld for ld in org.leaders if ld != events.at[row, "target"])
    events.loc[row, "on_behalf"] = wrong  # routed for a leader the document does not belong to
    everything = {v.invariant for v in check_log(events, cases, org, cal, scenario=sc)}
    assert "INV-D14" in everything
    only = check_log(events, cases, org, cal, only=["INV-D14"], scenario=sc)
    assert only and {v.invariant for v in only} == {"INV-D14"}
    assert check_log(events, cases, org, cal, only=["INV-M01"], scenario=sc) == []


def test_vocabulary_is_the_logs() -> None:
    """Every activity name a check filters by is one the log can hold (docs/event-log.md)."""
    known = set(ACTIVITIES)
    for name in dir(vocab):
        value = getattr(vocab, name)
        if name.isupper() and isinstance(value, tuple) and name not in ("UPWARD", "OUTGOING"):
            flat = [v[1] if isinstance(v, tuple) else v for v in value]
            assert set(flat) <= known, (name, set(flat) - known)
    assert set(vocab.ACTOR_ROLES) <= known
    assert {a for nxt in vocab.LEDGER_NEXT.values() for a in nxt} <= known


def test_meeting_kinds_are_the_logs() -> None:
    assert set(KINDS) <= set(OUTCOMES)
