"""Distances between event logs (``govsim compare``, :func:`govsim.compare_logs`).

Hand-built logs with known distances, a log against itself, an ordering change that only the
directly-follows relation sees, and the command on a simulated run: one line and exit code 2
for a bad log.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from factory import short_default_scenario
from govsim.cli import main
from govsim.fit import compare_frames, log_distances
from govsim.fit.distances import cycle_times, directly_follows

DAY = 1440.0


def _log(cases: list[tuple[str, list[tuple[float, str]]]]) -> pd.DataFrame:
    """A minimal event frame: per case its type and (time in days, activity) events."""
    rows = [(t * DAY, i, ct, act) for i, (ct, events) in enumerate(cases) for t, act in events]
    return pd.DataFrame(rows, columns=["time", "case", "case_type", "activity"])


def _req(submitted: float, closed: float) -> tuple[str, list[tuple[float, str]]]:
    return ("request", [(submitted, "doc.submitted"), (submitted, "go.received"),
                        (closed, "doc.closed")])  # fmt: skip


def _value(table: pd.DataFrame, case_type: str, measure: str) -> float:
    row = table.loc[(table["case_type"] == case_type) & (table["measure"] == measure)]
    return float(row["distance"].iloc[0])


def test_a_log_is_at_distance_zero_from_itself() -> None:
    log = _log([_req(0, 3), _req(1, 5), _req(8, 9)])
    table = log_distances(log, log)
    assert (table["distance"] == 0).all()
    assert set(table["measure"]) == {
        "cycle_w1_days", "cycle_ks", "weekly_arrivals_w1", "activity_tv", "dfg_tv"
    }  # fmt: skip


def test_cycle_time_distances_by_hand() -> None:
    # A: cycle times 3 and 4 days; B: 5 and 6 days → every quantile 2 days apart.
    a = _log([_req(0, 3), _req(1, 5)])
    b = _log([_req(0, 5), _req(1, 7)])
    assert list(cycle_times(a)) == [3.0, 4.0]
    table = log_distances(a, b)
    assert _value(table, "request", "cycle_w1_days") == pytest.approx(2.0)
    assert _value(table, "request", "cycle_ks") == pytest.approx(1.0)
    assert _value(table, "request", "activity_tv") == 0.0


def test_open_cases_have_no_cycle_time() -> None:
    log = _log([_req(0, 3), ("request", [(1.0, "doc.submitted"), (1.0, "go.received")])])
    assert list(cycle_times(log).index) == [0]


def test_weekly_arrivals_by_hand() -> None:
    # A: two cases in week 0 and one in week 1; B: one in week 0 and two in week 1.
    a = _log([_req(0, 1), _req(1, 2), ("request", [(9.0, "doc.closed")])])
    b = _log([_req(0, 1), _req(8, 9), ("request", [(9.5, "doc.closed")])])
    table = log_distances(a, b)
    # counts per week: A = [2, 1], B = [1, 2] → the same distribution, distance 0
    assert _value(table, "request", "weekly_arrivals_w1") == 0.0
    c = _log([_req(0, 1), _req(1, 2), _req(2, 3), ("request", [(9.0, "doc.closed")])])
    # C = [3, 1] against A = [2, 1]: sorted {1, 2} vs {1, 3} → W1 = 0.5
    assert _value(log_distances(a, c), "request", "weekly_arrivals_w1") == pytest.approx(0.5)


def test_an_ordering_change_shows_only_in_the_directly_follows_distance() -> None:
    a = _log([("report", [(0, "doc.submitted"), (1, "go.reviewed"), (2, "doc.routed")])])
    b = _log([("report", [(0, "doc.submitted"), (1, "doc.routed"), (2, "go.reviewed")])])
    assert list(directly_follows(a)) == ["doc.submitted>go.reviewed", "go.reviewed>doc.routed"]
    table = log_distances(a, b)
    assert _value(table, "report", "activity_tv") == 0.0
    assert _value(table, "report", "dfg_tv") == pytest.approx(1.0)


def test_a_case_type_in_one_log_only_is_at_the_largest_distance() -> None:
    a = _log([_req(0, 3), ("report", [(0, "doc.submitted"), (1, "doc.closed")])])
    b = _log([_req(0, 3)])
    table = log_distances(a, b)
    assert _value(table, "report", "activity_tv") == 1.0
    assert np.isnan(_value(table, "report", "cycle_ks"))


def test_floor_and_ratio() -> None:
    a = _log([_req(0, 3), _req(1, 5)])
    b = _log([_req(0, 5), _req(1, 7)])
    c = _log([_req(0, 4), _req(1, 6)])
    table = compare_frames(a, b, floor=(a, c))
    row = table.loc[table["measure"] == "cycle_w1_days"].iloc[0]
    assert (row["distance"], row["floor"], row["ratio"]) == pytest.approx((2.0, 1.0, 2.0))


# -- the command --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A short run of the tiny test scenario with its events, two replications."""
    base = tmp_path_factory.mktemp("compare")
    scenario = short_default_scenario(base, 30)
    out = base / "results"
    result = CliRunner().invoke(main, [
        "run", str(scenario), "--reps", "2", "--out", str(out), "--workers", "1",
        "--events", "all", "--quiet", "--run", "r",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    return {"scenario": scenario, "folder": out / "jining" / "r", "base": base}


def test_compare_two_replications_prints_every_measure(folder: dict[str, Path]) -> None:
    result = CliRunner().invoke(
        main, ["compare", str(folder["folder"]), str(folder["folder"]), "--replication-b", "1",
               "--no-floor"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    table = lines[lines.index(next(x for x in lines if x.startswith("case type"))) :]
    assert max(len(line) for line in table) <= 80
    rows = [line.split() for line in lines if line.startswith(("request ", "report "))]
    assert {r[1] for r in rows} == {
        "cycle_w1_days", "cycle_ks", "weekly_arrivals_w1", "activity_tv", "dfg_tv"
    }  # fmt: skip
    assert all(float(r[2]) > 0 for r in rows if r[1] == "cycle_w1_days")


def test_compare_api_with_itself_is_zero(folder: dict[str, Path]) -> None:
    import govsim

    table = govsim.compare_logs(folder["folder"], folder["folder"])
    assert (table["distance"].fillna(0) == 0).all()


def test_compare_bad_log_is_one_line_and_exit_2(folder: dict[str, Path]) -> None:
    bad = folder["base"] / "bad.csv"
    bad.write_text("time,case\n0,1\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["compare", str(folder["folder"]), str(bad), "--scenario", str(folder["scenario"]),
               "--no-floor"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "missing column" in result.stderr
