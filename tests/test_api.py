"""The public API (govsim.api): the same numbers in memory, on disk and through the log.

A short horizon keeps each run to a fraction of a second; the assertions compare the API's
paths with each other and with the runner, so any drift between them fails."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import govsim

SCENARIO = Path(__file__).parent.parent / "scenarios" / "jining.toml"


def _short() -> govsim.api.Scenario:  # type: ignore[name-defined]
    text = SCENARIO.read_text(encoding="utf-8")
    sc = govsim.load_scenario(SCENARIO)
    assert "horizon_days" in text
    return sc.model_copy(
        update={"scenario": sc.scenario.model_copy(update={"horizon_days": 60, "warmup_days": 0})}
    )


def test_simulate_in_memory_and_check() -> None:
    sim = govsim.simulate(_short())
    assert len(sim.events) > 100
    assert sim.kpis["arrived_request"] > 0
    assert "backlog" in sim.series
    assert govsim.check(sim) == []


def test_run_in_memory_equals_run_on_disk(tmp_path: Path) -> None:
    sc = _short()
    mem = govsim.run(sc, reps=2)
    disk = govsim.run(sc, reps=2, out=tmp_path)
    assert mem.path is None and disk.path is not None
    assert not mem.failures and not disk.failures
    assert list(mem.kpis.columns) == list(disk.kpis.columns)
    for col in disk.kpis.columns:  # a column of missing values is None in memory, NaN on disk
        a, b = mem.kpis[col], disk.kpis[col]
        if pd.api.types.is_numeric_dtype(b):
            np.testing.assert_array_equal(pd.to_numeric(a).to_numpy(float), b.to_numpy(float))
        else:
            assert a.astype(str).tolist() == b.astype(str).tolist(), col
    loaded = govsim.load_results(disk.path)
    assert len(loaded.kpis) == len(mem.kpis) == 2 * len(govsim.design_points(sc))
    # The compact summary is the one `govsim summary` prints of the folder (which then lists
    # the units that breach most).
    from click.testing import CliRunner

    from govsim.cli import main

    printed = CliRunner().invoke(main, ["summary", str(disk.path)]).output
    assert printed.startswith(govsim.compact_summary(mem.summary) + "\nUnits that breach most")
    assert max(map(len, printed.splitlines())) <= 80


def test_simulate_matches_the_runner_replication() -> None:
    sc = _short()
    mem = govsim.run(sc, reps=1)
    sim = govsim.simulate(govsim.design_points(sc)[0].scenario, 0, sc.experiment.seed)
    first = mem.kpis.iloc[0]
    assert first["events"] == sim.kpis["events"]


def test_export_a_simulation(tmp_path: Path) -> None:
    sim = govsim.simulate(_short())
    out = govsim.export_log(sim, tmp_path / "log.csv", format="csv")
    assert out.is_file() and out.stat().st_size > 1000


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = "import sys, govsim; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
