"""`govsim check` on a log with the supervision ledger: clean, then one injected violation per
ledger invariant (INV-S01, S04, S05; A70, A73) reported exactly."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from test_check import DEFAULT, assert_clean, invoke, write

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ledger_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("check_ledger")
    text = DEFAULT.read_text(encoding="utf-8").replace("horizon_days = 365", "horizon_days = 60")
    (base / "jining.toml").write_text(text, encoding="utf-8")
    scenario = base / "ledger.toml"
    shutil.copy(ROOT / "scenarios" / "ledger.toml", scenario)
    out = base / "results"
    result = invoke(
        "run",
        scenario,
        "--reps",
        "1",
        "--seed",
        "5",
        "--out",
        out,
        "--workers",
        "1",
        "--events",
        "sample",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    (folder,) = (p for p in (out / "jining-ledger").iterdir() if p.is_dir())
    csv = base / "clean.csv"
    assert invoke("export", folder, "--format", "csv", "--out", csv).exit_code == 0
    return {"scenario": scenario, "folder": folder, "csv": csv}


@pytest.fixture
def ledger_frame(ledger_run: dict[str, Path]) -> pd.DataFrame:
    return pd.read_csv(ledger_run["csv"], dtype=str, keep_default_na=False)


def inject_s01(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """销号 without a passing 核查 (A73)."""
    closed = f.loc[f["activity"] == "ledger.closed"]
    assert len(closed), "the clean log needs a closed item"
    case = closed["case"].iat[0]
    used.add(case)
    verified = f.index[(f["case"] == case) & (f["activity"] == "ledger.verified")]
    return f.drop(index=verified[-1:]).reset_index(drop=True)


def inject_s04(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A stocktake colour the rule does not give (A70, K62)."""
    rows = f.index[(f["activity"] == "ledger.colour") & (f["outcome"] == "blue")]
    row = rows[0]
    used.add(f.at[row, "case"])
    f.at[row, "outcome"] = "red"
    return f


def inject_s05(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A department skips its weekly stocktake while it has open items (A70 周盘点)."""
    rows = f.index[f["activity"] == "cadence.stocktake"]
    row = rows[len(rows) // 2]
    used.add(f.at[row, "case"])
    return f.drop(index=row).reset_index(drop=True)


LEDGER_INJECTIONS: dict[str, Callable[[pd.DataFrame, set[str]], pd.DataFrame]] = {
    "INV-S01": inject_s01,
    "INV-S04": inject_s04,
    "INV-S05": inject_s05,
}


def test_clean_ledger_log(ledger_run: dict[str, Path]) -> None:
    assert_clean(invoke("check", ledger_run["folder"]))
    assert_clean(invoke("check", ledger_run["csv"], "--scenario", ledger_run["scenario"]))


@pytest.mark.parametrize("invariant", sorted(LEDGER_INJECTIONS))
def test_injected_ledger_violation_is_reported(
    invariant: str, ledger_run: dict[str, Path], ledger_frame: pd.DataFrame, tmp_path: Path
) -> None:
    used: set[str] = set()
    bad = write(LEDGER_INJECTIONS[invariant](ledger_frame, used), tmp_path / "bad.csv")
    result = invoke("check", bad, "--scenario", ledger_run["scenario"])
    assert result.exit_code == 1, result.output
    found = re.findall(r"^(INV-[A-Z]\d+) \(", result.stdout, flags=re.M)
    assert set(found) == {invariant}, result.stdout
    assert re.search(r"violation\(s\) of 1 invariant", result.stdout)
