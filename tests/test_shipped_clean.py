"""Every shipped scenario — and every 补位 policy of the substitution study — writes a log
that the schema accepts and that passes every invariant: what the docs show users is a model
that keeps the rules it checks. At most 60 days of each — the scenario as written, or a
variant at its first sweep point; one replication — keeps it quick; the study's policies
other than the two that leave most to wait run with ``-m slow``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import govsim
from govsim.log.schema import SPEC

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.toml"))
STUDY = ROOT / "scenarios" / "substitution.toml"
DAYS = 60
QUICK = ("none", "documents-only")  # nobody holds an absent leader's work; a narrow scope


def _points() -> list[Any]:
    variants = [v.name for v in govsim.load_scenario(STUDY).variants]
    slow = [pytest.param(STUDY, v, marks=pytest.mark.slow) for v in variants if v not in QUICK]
    return [(p, "baseline") for p in SHIPPED] + [(STUDY, v) for v in QUICK] + slow


def _shortened(sc: govsim.Scenario) -> govsim.Scenario:
    head = sc.scenario
    if head.horizon_days <= DAYS:
        return sc
    return sc.model_copy(update={"scenario": head.model_copy(update={"horizon_days": DAYS})})


@pytest.mark.parametrize(
    ("path", "variant"), _points(), ids=lambda x: x.stem if isinstance(x, Path) else x
)
def test_shipped_scenario_log_is_clean(path: Path, variant: str) -> None:
    sc = govsim.load_scenario(path)  # the baseline: the scenario as written
    if variant != "baseline":
        sc = next(p for p in govsim.design_points(sc) if p.variant == variant).scenario
    sim = govsim.simulate(_shortened(sc), 0)
    assert _off_schema(sim.events) == []
    found = sim.check()
    assert found == [], "\n".join(f"{v.invariant}: {v.message}" for v in found[:10])


def _off_schema(events: pd.DataFrame) -> list[tuple[str, str]]:
    """(activity, outcome) pairs the log schema does not allow — what ``govsim check`` would
    refuse to read back from the written log (an in-memory log is not read back)."""
    given = events.loc[events["outcome"].notna(), ["activity", "outcome"]].astype(str)
    pairs = set(given.itertuples(index=False, name=None))
    return sorted((a, o) for a, o in pairs if o not in SPEC[a].outcomes)
