"""`govsim check` on a log with the government's meetings: clean, then one injected violation
per meeting invariant (INV-M01…M09, M12; A44–A53) reported exactly."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from test_check import DEFAULT, assert_clean, invoke, write

ROOT = Path(__file__).resolve().parents[1]


def meetings_text() -> str:
    """scenarios/meetings.toml without its variants, with vice mayors always on post (so an
    act moved to a vice mayor breaks only the invariant under test)."""
    text = (ROOT / "scenarios" / "meetings.toml").read_text(encoding="utf-8")
    text = text.split("[experiment]")[0]
    return re.sub(r"\[leave\.profiles\.vice_mayor\].*?(?=\n\[)", "", text, flags=re.S)


@pytest.fixture(scope="module")
def meetings_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("check_meetings")
    text = DEFAULT.read_text(encoding="utf-8").replace("horizon_days = 365", "horizon_days = 150")
    (base / "jining.toml").write_text(text.split("[[variants]]")[0], encoding="utf-8")
    scenario = base / "meetings.toml"
    scenario.write_text(meetings_text(), encoding="utf-8")
    out = base / "results"
    args = ["--reps", "1", "--seed", "7", "--out", out, "--workers", "1", "--events", "all"]
    result = invoke("run", scenario, *args, "--quiet")
    assert result.exit_code == 0, result.output
    (folder,) = (p for p in (out / "meetings").iterdir() if p.is_dir())
    csv = base / "clean.csv"
    assert invoke("export", folder, "--format", "csv", "--out", csv).exit_code == 0
    return {"scenario": scenario, "folder": folder, "csv": csv}


@pytest.fixture
def meetings_frame(meetings_run: dict[str, Path]) -> pd.DataFrame:
    return pd.read_csv(meetings_run["csv"], dtype=str, keep_default_na=False)


def _kind(f: pd.DataFrame) -> pd.Series:
    """Each meeting case's kind (``meeting.planned`` outcome)."""
    planned = f.loc[f["activity"] == "meeting.planned"]
    return planned.set_index("case")["outcome"]


def _opened(f: pd.DataFrame, kind: str = "executive", **where: str) -> pd.DataFrame:
    rows = f.loc[f["activity"] == "meeting.opened"]
    rows = rows.loc[rows["case"].map(_kind(f)) == kind]
    for col, value in where.items():
        rows = rows.loc[rows[col] == value]
    assert len(rows), f"the clean log needs an opened meeting with {where}"
    return rows


def _full(f: pd.DataFrame) -> int:
    """The row of a meeting opened by the mayor with no member on leave."""
    asked = set(f.loc[f["activity"] == "meeting_leave.requested", "case"])
    rows = _opened(f, actor="mayor")
    rows = rows.loc[~rows["case"].isin(asked)]
    assert len(rows), "the clean log needs a meeting with every member present"
    return int(rows.index[0])


def _drop(f: pd.DataFrame, case: str, activity: str, used: set[str]) -> pd.DataFrame:
    rows = f.index[(f["case"] == case) & (f["activity"] == activity)]
    assert len(rows), (case, activity)
    used.add(case)
    return f.drop(index=rows[:1]).reset_index(drop=True)


def inject_m01(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A meeting opened without the mayor deciding to convene it (A45 「由市长决定召开」)."""
    return _drop(f, f.at[_full(f), "case"], "meeting.convene_decided", used)


def inject_m02(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """The executive VM chairs while the mayor is on post, without entrustment (A45)."""
    row = _full(f)
    used.add(f.at[row, "case"])
    f.at[row, "actor"] = "vm_exec"
    return f


def inject_m03(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """An opening whose logged attendance is not what the absences give (A45 quorum)."""
    row = _full(f)
    used.add(f.at[row, "case"])
    f.at[row, "value"] = "4.0"
    return f


def _executive_topic(f: pd.DataFrame) -> str:
    """The case of the first topic on an executive meeting's agenda."""
    rows = f.loc[f["activity"] == "topic.on_agenda"]
    meeting = rows["value"].astype(float).astype(int).astype(str)
    rows = rows.loc[meeting.map(_kind(f)) == "executive"]
    assert len(rows), "the clean log needs a topic on an executive agenda"
    return str(rows["case"].iat[0])


def inject_m04(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A topic on the agenda without the VM's sign-off (A49 「报分管副市长签批」)."""
    return _drop(f, _executive_topic(f), "topic.signed_off", used)


def inject_m06(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A topic on an executive agenda without its compliance review (A48 「经合法合规性审查后」)."""
    return _drop(f, _executive_topic(f), "topic.compliance_reviewed", used)


def inject_m05(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """The SG's review of the arrangement skipped (A50 「经市政府秘书长审定」)."""
    return _drop(f, f.at[_full(f), "case"], "sg.arrangement_reviewed", used)


def inject_m07(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A member absent from the opening who did not ask the mayor for leave (A51)."""
    opened = _opened(f).set_index("case")["time"]
    asked = f.loc[(f["activity"] == "meeting_leave.requested") & (f["actor"] != "mayor")]
    same = asked.loc[asked["case"].map(opened) == asked["time"]]
    assert len(same), "the clean log needs a member on leave at an opening"
    row = same.index[0]
    used.add(f.at[row, "case"])
    return f.drop(index=row).reset_index(drop=True)


def inject_m08(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """Minutes signed by a vice mayor (A52 「由市长签发」)."""
    rows = f.index[(f["activity"] == "minutes.signed") & (f["actor"] == "mayor")]
    row = rows[0]
    used.add(f.at[row, "case"])
    f.at[row, "actor"] = "vm_1"
    return f


def inject_m09(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A meeting decision whose ledger item names another parent: nothing supervises it (A53
    「由市政府办公室负责督办」)."""
    decided = set(f.loc[f["activity"] == "meeting.decision", "case"])
    items = f.loc[(f["activity"] == "ledger.registered") & (f["source"] == "meeting")]
    items = items.loc[items["parent"].isin(decided)]
    assert len(items), "the clean log needs a meeting decision on the ledger"
    item, parent = items["case"].iat[0], items["parent"].iat[0]
    if (items["parent"] == parent).sum() > 1:
        pytest.skip("a topic decided twice")
    used.add(parent)
    f.loc[f["case"] == item, "parent"] = "-1"
    return f


def inject_m12(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A mayor's office meeting that counts the secretary-general, an observer (A46), among
    the members present."""
    row = int(_opened(f, "mayor_office").index[0])
    used.add(f.at[row, "case"])
    f.at[row, "value"] = str(float(f.at[row, "value"]) + 1)
    return f


def inject_m10(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A second executive meeting opening the same day (A45: one a month, INV-M10)."""
    row = _full(f)
    used.add(f.at[row, "case"])
    return pd.concat([f.loc[:row], f.loc[[row]], f.loc[row + 1 :]], ignore_index=True)


MEETING_INJECTIONS: dict[str, Callable[[pd.DataFrame, set[str]], pd.DataFrame]] = {
    "INV-M01": inject_m01,
    "INV-M02": inject_m02,
    "INV-M03": inject_m03,
    "INV-M10": inject_m10,
    "INV-M04": inject_m04,
    "INV-M05": inject_m05,
    "INV-M06": inject_m06,
    "INV-M07": inject_m07,
    "INV-M08": inject_m08,
    "INV-M09": inject_m09,
    "INV-M12": inject_m12,
}


def test_clean_meetings_log(meetings_run: dict[str, Path]) -> None:
    assert_clean(invoke("check", meetings_run["folder"]))
    assert_clean(invoke("check", meetings_run["csv"], "--scenario", meetings_run["scenario"]))


@pytest.mark.parametrize("invariant", sorted(MEETING_INJECTIONS))
def test_injected_meeting_violation_is_reported(
    invariant: str, meetings_run: dict[str, Path], meetings_frame: pd.DataFrame, tmp_path: Path
) -> None:
    used: set[str] = set()
    bad = write(MEETING_INJECTIONS[invariant](meetings_frame, used), tmp_path / "bad.csv")
    result = invoke("check", bad, "--scenario", meetings_run["scenario"])
    assert result.exit_code == 1, result.output
    found = re.findall(r"^(INV-[A-Z]\d+) \([^)]+\) case (\S+):", result.stdout, flags=re.M)
    assert {inv for inv, _ in found} == {invariant}, result.stdout
    assert {case for _, case in found} <= used, result.stdout
    assert re.search(r"violation\(s\) of 1 invariant", result.stdout)
