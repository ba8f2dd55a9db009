"""`govsim check` on a log with leave and substitution: clean, then one injected violation
per leave invariant (INV-L01, L03…L08, L10, L11; A6, A8, A80; K28) reported exactly."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from test_check import DEFAULT, assert_clean, invoke, reported, write

LEAVE = """
[substitution]
policy = "designated"

[[leave.fixed]]
who = "vm_1"
start = 2025-01-06
end = 2025-01-10
reason = "out_of_city"
recall_at = 2025-01-09T10:00:00

[[leave.fixed]]
who = "mayor"
start = 2025-01-13
end = 2025-01-17
reason = "visit"

[[leave.fixed]]
who = "vm_2"
start = 2025-01-20
end = 2025-01-24
reason = "study"

[[leave.fixed]]
who = "fgw"
start = 2025-01-27
end = 2025-01-29
reason = "study"

# the leaders the injections make act have no blocks away from the desk (K28), so each
# injection breaks its own invariant alone

[[other_time.leaders]]
who = "vm_exec"
kind = "research"
per_week = 0
duration = { dist = "fixed", value_hours = 1 }

[[other_time.leaders]]
who = "vm_exec"
kind = "reception"
per_week = 0
duration = { dist = "fixed", value_hours = 1 }

[[other_time.leaders]]
who = "vm_exec"
kind = "external_meeting"
per_week = 0
duration = { dist = "fixed", value_hours = 1 }

[[other_time.leaders]]
who = "vm_exec"
kind = "event"
per_week = 0
duration = { dist = "fixed", value_hours = 1 }

[[other_time.leaders]]
who = "vm_2"
kind = "research"
per_week = 0
duration = { dist = "fixed", value_hours = 1 }

[[other_time.leaders]]
who = "vm_2"
kind = "reception"
per_week = 0
duration = { dist = "fixed", value_hours = 1 }

[[other_time.leaders]]
who = "vm_2"
kind = "external_meeting"
per_week = 0
duration = { dist = "fixed", value_hours = 1 }

[[other_time.leaders]]
who = "vm_2"
kind = "event"
per_week = 0
duration = { dist = "fixed", value_hours = 1 }

[[other_time.leaders]]
who = "vm_3"
kind = "research"
per_week = 0
duration = { dist = "fixed", value_hours = 1 }

[[other_time.leaders]]
who = "vm_3"
kind = "reception"
per_week = 0
duration = { dist = "fixed", value_hours = 1 }

[[other_time.leaders]]
who = "vm_3"
kind = "external_meeting"
per_week = 0
duration = { dist = "fixed", value_hours = 1 }

[[other_time.leaders]]
who = "vm_3"
kind = "event"
per_week = 0
duration = { dist = "fixed", value_hours = 1 }
"""


@pytest.fixture(scope="module")
def leave_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("check_leave")
    text = DEFAULT.read_text(encoding="utf-8").replace("horizon_days = 365", "horizon_days = 45")
    text = text.split("[[variants]]")[0] + LEAVE
    scenario = base / "leave.toml"
    scenario.write_text(text, encoding="utf-8")
    out = base / "results"
    result = invoke(
        "run",
        scenario,
        "--reps",
        "1",
        "--seed",
        "3",
        "--out",
        out,
        "--workers",
        "1",
        "--events",
        "all",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    (folder,) = (p for p in (out / "jining").iterdir() if p.is_dir())
    csv = base / "clean.csv"
    assert invoke("export", folder, "--format", "csv", "--out", csv).exit_code == 0
    return {"scenario": scenario, "folder": folder, "csv": csv}


@pytest.fixture
def leave_frame(leave_run: dict[str, Path]) -> pd.DataFrame:
    return pd.read_csv(leave_run["csv"], dtype=str, keep_default_na=False)


def _first(f: pd.DataFrame, mask: pd.Series, used: set[str]) -> int:
    rows = f.index[mask & ~f["case"].isin(used)]
    assert len(rows), "the clean log lacks the event this injection needs"
    used.add(f.at[rows[0], "case"])
    return int(rows[0])


def inject_l01(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A request made 3+ days ahead marked late (A80)."""
    row = _first(f, (f["activity"] == "leave.requested") & (f["outcome"] == "on_time"), used)
    f.at[row, "outcome"] = "late"
    return f


def inject_l03(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A recall that reaches no absent person (A80 reachability)."""
    row = _first(f, f["activity"] == "absence.recall", used)
    f.at[row, "target"] = "GO"
    return f


def inject_l04(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """Back on post later than the logged return latency says (A80)."""
    row = _first(f, f["activity"] == "absence.on_post", used)
    f.at[row, "value"] = repr(float(f.at[row, "value"]) + 1.0)
    return f


def inject_l05(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A vice mayor other than the executive VM acts for the absent mayor (A6)."""
    acts = f["activity"].isin(["leader.approved", "leader.circle_read"])
    row = _first(f, acts & (f["on_behalf"] == "mayor"), used)
    f.at[row, "actor"] = "vm_2"
    return f


def inject_l06(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """Work for vm_1 done by someone who is not vm_1's substitute (A8)."""
    acts = f["activity"].isin(["leader.approved", "leader.circle_read"])
    row = _first(f, acts & (f["on_behalf"] == "vm_1"), used)
    f.at[row, "actor"] = "vm_3"
    return f


def inject_l07(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """vm_1 approves while out of the city (A8, A80)."""
    start = f.loc[(f["activity"] == "absence.start") & (f["actor"] == "vm_1")]
    case = start["case"].iat[0]
    back = f.loc[(f["case"] == case) & f["activity"].isin(["absence.end", "absence.on_post"])]
    t0, t1 = float(start["time"].iat[0]), float(back["time"].iat[0])
    t = pd.to_numeric(f["time"])
    acts = f["activity"].isin(["leader.approved", "leader.circle_read"])
    row = _first(
        f, acts & (f["on_behalf"] == "") & (f["actor"] != "vm_1") & (t > t0) & (t < t1), used
    )
    f.at[row, "actor"] = "vm_1"
    return f


def inject_l08(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """补位 that never ends (A6, A8)."""
    row = _first(f, f["activity"] == "substitution.end", used)
    return f.drop(index=row).reset_index(drop=True)


def inject_l10(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """Work for vm_1 begun by the substitute when vm_1 was on post (the Friday before the
    absence, 09:00): 补位 outside the absence (A8 「期间」)."""
    start = f.loc[(f["activity"] == "absence.start") & (f["actor"] == "vm_1"), "time"]
    acts = f["activity"].isin(["leader.approved", "leader.circle_read"])
    row = _first(f, acts & (f["on_behalf"] == "vm_1"), used)
    f.at[row, "start"] = repr(float(start.iat[0]) - 3 * 1440.0 + 30.0)
    return f


def inject_l11(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A leader's block away from the desk (K28) that began while the leader was approving:
    the block's start moved to one minute into the approval (A89)."""
    t, begun = pd.to_numeric(f["time"]), pd.to_numeric(f["start"])
    blocks = f.loc[f["activity"] == "leader.engaged"]
    acts = f["activity"].isin(["leader.approved", "leader.circle_read"]) & (t - begun > 2)
    later = blocks.groupby("actor")["time"].max().astype(float)
    acts &= f["actor"].isin(later.index) & (t < f["actor"].map(later).astype(float))
    row = _first(f, acts, used)
    mine = blocks.loc[blocks["actor"] == f.at[row, "actor"]]
    block = mine.index[pd.to_numeric(mine["time"]) > t[row]][0]
    f.at[block, "start"] = repr(float(begun[row]) + 1.0)
    return f


LEAVE_INJECTIONS: dict[str, Callable[[pd.DataFrame, set[str]], pd.DataFrame]] = {
    "INV-L01": inject_l01,
    "INV-L03": inject_l03,
    "INV-L04": inject_l04,
    "INV-L05": inject_l05,
    "INV-L06": inject_l06,
    "INV-L07": inject_l07,
    "INV-L08": inject_l08,
    "INV-L10": inject_l10,
    "INV-L11": inject_l11,
}


def test_clean_leave_log(leave_run: dict[str, Path]) -> None:
    assert_clean(invoke("check", leave_run["folder"]))
    assert_clean(invoke("check", leave_run["csv"], "--scenario", leave_run["scenario"]))
    events = pd.read_parquet(leave_run["folder"] / "events.parquet")
    assert {"absence.recall", "substitution.start", "leave.requested"} <= set(events["activity"])


@pytest.mark.parametrize("invariant", sorted(LEAVE_INJECTIONS))
def test_injected_leave_violation_is_reported(
    invariant: str, leave_run: dict[str, Path], leave_frame: pd.DataFrame, tmp_path: Path
) -> None:
    used: set[str] = set()
    bad = write(LEAVE_INJECTIONS[invariant](leave_frame, used), tmp_path / "bad.csv")
    result = invoke("check", bad, "--scenario", leave_run["scenario"])
    assert result.exit_code == 1, result.output
    found = reported(result.stdout)
    assert {inv for inv, _, _ in found} == {invariant}, result.stdout
    assert {case for _, _, case in found} <= used
    assert re.search(r"violation\(s\) of 1 invariant", result.stdout)
