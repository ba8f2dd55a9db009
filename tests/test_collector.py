"""A run leaves no cyclic garbage, so pausing Python's collector while simulating loses no
memory (``govsim.core.runtime.collector_paused``); the caller's collector setting comes back."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from govsim.core.runtime import collector_paused
from govsim.model.world import World
from govsim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("name", "scale"), [("meetings", 1.0), ("substitution", 6.0)])
def test_a_run_leaves_no_cyclic_garbage(name: str, scale: float) -> None:
    sc = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    sc = sc.model_copy(
        update={
            "load": sc.load.model_copy(update={"scale": scale}),
            "scenario": sc.scenario.model_copy(update={"horizon_days": 90}),
        }
    )
    world = World(sc, 0)
    # Earlier worlds' generators run their ``finally`` clauses when collected, which can leave
    # a little garbage of their own: collect until nothing is left before this run.
    while gc.collect():
        pass
    world.run()  # a backlog forms at the higher load: processes wait in the queues
    assert len(world.log) > 1_000
    # Everything unreachable was freed by reference counting: nothing for the collector.
    assert gc.collect() == 0


@pytest.mark.parametrize("enabled", [True, False])
def test_the_callers_setting_comes_back(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(RuntimeError), collector_paused():
            raise RuntimeError
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
