"""Hostile event logs for ``govsim check`` and ``govsim export``: column types and ranges are
validated before any invariant runs (one line, exit 2), a huge log is refused before it is
read, and XES and OCEL stay well-formed whatever text a log holds."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import govsim.log.tables as tables
from govsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TEXT = (ROOT / "scenarios" / "jining.toml").read_text(encoding="utf-8")


def invoke(*args: object) -> tuple[int, str, str]:
    """A command's exit code, stdout and stderr — never a traceback."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A short simulated log: its scenario, events and cases frames, and the CSV export."""
    base = tmp_path_factory.mktemp("logs")
    scenario = base / "short.toml"
    text = DEFAULT_TEXT.replace("horizon_days = 365", "horizon_days = 5")
    scenario.write_text(text[: text.index("[[variants]]")], encoding="utf-8")
    out = base / "o"
    code, _, err = invoke(
        "run", scenario, "--reps", "1", "--workers", "1", "--out", out, "--run", "r",
        "--events", "all", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    folder = out / "jining" / "r"
    csv = base / "clean.csv"
    assert invoke("export", folder, "--format", "csv", "--out", csv)[0] == 0
    return {
        "scenario": scenario,
        "events": pd.read_parquet(folder / "events.parquet"),
        "cases": pd.read_parquet(folder / "cases.parquet"),
        "csv": csv,
    }


def check(clean: dict[str, object], folder: Path, events=None, cases=None) -> tuple[int, str, str]:
    """``govsim check`` of the clean log with ``events``/``cases`` replaced."""
    ev = clean["events"] if events is None else events
    cs = clean["cases"] if cases is None else cases
    ev.to_parquet(folder / "x_events.parquet")  # type: ignore[union-attr]
    cs.to_parquet(folder / "x_cases.parquet")  # type: ignore[union-attr]
    return invoke("check", folder / "x_events.parquet", "--scenario", clean["scenario"])


def one_error(result: tuple[int, str, str]) -> str:
    code, _, err = result
    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith("govsim check: ")
    return line


def test_a_duplicated_transfer_row_is_checked_not_a_crash(clean, tmp_path):
    events = clean["events"]
    i = int(np.flatnonzero(events["activity"] == "go.transferred")[0])
    dup = pd.concat([events.iloc[: i + 1], events.iloc[i : i + 1], events.iloc[i + 1 :]])
    code, out, _ = check(clean, tmp_path, events=dup.reset_index(drop=True))
    assert code in (0, 1) and "invariants checked" in out


@pytest.mark.parametrize("column", ["parent", "lead_limit_wd"])
def test_infinity_in_a_whole_number_column(clean, tmp_path, column):
    cases = clean["cases"].copy()
    cases[column] = cases[column].astype(float)
    cases.loc[3, column] = np.inf
    line = one_error(check(clean, tmp_path, cases=cases))
    assert line.endswith(f": row 3: {column} inf is not a finite number")


def test_a_limit_out_of_range_does_not_wrap_around(clean, tmp_path):
    cases = clean["cases"].copy()
    cases["lead_limit_wd"] = cases["lead_limit_wd"].astype(np.int64)
    cases.loc[2, "lead_limit_wd"] = 99999
    line = one_error(check(clean, tmp_path, cases=cases))
    assert line.endswith(": row 2: lead_limit_wd 99999 is not a whole number from 0 to 32767")


def test_a_started_event_at_time_zero_is_a_violation_not_a_crash(clean, tmp_path):
    events = clean["events"].copy()
    i = int(np.flatnonzero(events["start"].notna())[0])
    events.loc[i, ["time", "start"]] = 0.0
    code, out, err = check(clean, tmp_path, events=events)
    assert code == 1, err
    assert "outside the calendar" not in out + err and "violation(s)" in out


def test_a_log_with_too_many_rows_is_refused_before_it_is_read(clean, tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_LOG_ROWS", 100)

    def no_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the log was read")

    monkeypatch.setattr(pd, "read_parquet", no_read)
    line = one_error(check(clean, tmp_path))
    n, path = len(clean["events"]), tmp_path / "x_events.parquet"
    assert line == f"govsim check: {path}: {n:,} rows, more than a log may have (100)"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_as_events_file_does_not_hang(clean, tmp_path):
    os.mkfifo(tmp_path / "events.csv")
    line = one_error(invoke("check", tmp_path / "events.csv", "--scenario", clean["scenario"]))
    assert line == f"govsim check: {tmp_path / 'events.csv'}: not a regular file"


def test_exports_stay_well_formed_for_control_characters(clean, tmp_path):
    frame = pd.read_csv(clean["csv"], dtype=str, keep_default_na=False)
    frame["case"] = "a\x01<&>\x1b" + frame["case"]
    path = tmp_path / "ctl_events.csv"
    frame.to_csv(path, index=False)
    xes, ocel = tmp_path / "log.xes", tmp_path / "log.json"
    for fmt, out in (("xes", xes), ("ocel", ocel)):
        code, _, err = invoke("export", path, "--scenario", clean["scenario"], "--format", fmt,
                              "--out", out)  # fmt: skip
        assert code == 0, err
    root = ET.parse(xes).getroot()  # raises if not well-formed
    names = [s.get("value") for s in root.iter("string") if s.get("key") == "concept:name"]
    assert "a\\x01<&>\\x1b0" in names
    objects = json.loads(ocel.read_text(encoding="utf-8"))["objects"]
    assert any(o["id"].endswith("a\x01<&>\x1b0") for o in objects)
