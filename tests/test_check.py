"""`govsim check`: a clean simulated log passes; injected violations are reported by invariant
id, article, case and line; malformed logs are refused with one line and exit code 2.

The clean log comes from a real ``govsim run --events all`` of the default scenario with a
shortened horizon, read back as a results folder, as its ``events.parquet`` and as the CSV
that ``govsim export --format csv`` writes.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from govsim.checks import INVARIANTS, NOT_YET_CHECKED
from govsim.cli import main
from govsim.log.read import LogError, load_log

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "jining.toml"
VIOLATION_LINE = re.compile(r"^(INV-[A-Z]\d+) \(([^)]+)\) case (\S+): .*")


def short_scenario(folder: Path, days: int = 45) -> Path:
    """The default scenario with a shorter horizon."""
    text = DEFAULT.read_text(encoding="utf-8").replace(
        "horizon_days = 365", f"horizon_days = {days}"
    )
    assert f"horizon_days = {days}" in text
    path = folder / "short.toml"
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A results folder of a real run, plus its log exported as CSV."""
    base = tmp_path_factory.mktemp("check")
    scenario = short_scenario(base)
    out = base / "results"
    result = invoke(
        "run", scenario, "--reps", "2", "--seed", "11", "--out", out, "--workers", "1",
        "--events", "all", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (scenario_dir,) = out.iterdir()
    (folder,) = (p for p in scenario_dir.iterdir() if p.is_dir())
    csv = base / "clean.csv"
    result = invoke("export", folder, "--format", "csv", "--out", csv)
    assert result.exit_code == 0, result.output
    return {"scenario": scenario, "folder": folder, "csv": csv, "base": base}


@pytest.fixture
def frame(run: dict[str, Path]) -> pd.DataFrame:
    """The clean CSV as text cells, ready to be tampered with."""
    return pd.read_csv(run["csv"], dtype=str, keep_default_na=False)


def write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def reported(output: str) -> list[tuple[str, str, str]]:
    """(invariant, article, case) of every violation line."""
    return [m.groups() for line in output.splitlines() if (m := VIOLATION_LINE.match(line))]


# -- clean logs ---------------------------------------------------------------------------------


def assert_clean(result) -> None:
    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == []
    assert "no violations" in result.stdout
    for invariant in INVARIANTS:
        assert invariant in result.stdout
    assert "not yet checked" in result.stdout
    for item in NOT_YET_CHECKED:
        assert item in result.stdout


def test_clean_results_folder(run: dict[str, Path]) -> None:
    result = invoke("check", run["folder"])
    assert_clean(result)
    assert "variant baseline" in result.stdout and "replication 0" in result.stdout
    # every replication of the run by default: 2 design points × 2 replications
    assert (
        ": 4 replication(s)" in result.stdout
        and "variant growth-30, replication 1" in result.stdout
    )


def test_clean_results_folder_other_replication(run: dict[str, Path]) -> None:
    result = invoke("check", run["folder"], "--variant", "growth-30", "--replication", "1")
    assert_clean(result)
    assert "variant growth-30" in result.stdout and "replication 1" in result.stdout


def test_clean_csv(run: dict[str, Path]) -> None:
    assert_clean(invoke("check", run["csv"], "--scenario", run["scenario"]))


def test_clean_parquet_events_file(run: dict[str, Path], tmp_path: Path) -> None:
    """A bare events.parquet finds its cases.parquet beside it; the first replication is read."""
    for name in ("events.parquet", "cases.parquet"):
        shutil.copy(run["folder"] / name, tmp_path / name)
    result = invoke("check", tmp_path / "events.parquet", "--scenario", run["scenario"])
    assert_clean(result)
    events = pd.read_parquet(tmp_path / "events.parquet")
    first = events.loc[(events["variant"] == "baseline") & (events["replication"] == 0)]
    assert f"{len(first)} events" in result.stdout


def test_loaded_csv_equals_loaded_parquet(run: dict[str, Path]) -> None:
    """The CSV layout loses nothing: the same frames, dtypes and floats, bit for bit."""
    a = load_log(run["folder"])
    b = load_log(run["csv"], scenario=run["scenario"])
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.cases, b.cases)


def test_user_log_with_timestamps_and_text_case_ids(
    run: dict[str, Path], frame: pd.DataFrame, tmp_path: Path
) -> None:
    """An OA-system log: ISO-8601 times in another offset, text case ids, minimal columns."""
    keep = ["case", "timestamp", "case_type", "activity", "actor", "target", "outcome"]
    keep += ["deadline", "sender", "matter", "major"]
    # What the document checks need to know of each case and act (A55 direct channels, A59
    # countersign limits, A61 signing classes; docs/event-log.md).
    keep += ["reason", "channel", "complex", "lead_limit_wd", "topic", "meeting_decided"]
    keep += ["urgent", "wide_ranging"]
    user = frame[keep].copy()
    user["case"] = "请示-2025-" + user["case"].str.zfill(5)
    utc = pd.to_datetime(frame["timestamp"], format="ISO8601").dt.tz_convert("UTC")
    user["timestamp"] = utc.map(lambda t: t.isoformat().replace("+00:00", "Z"))
    log = load_log(run["csv"], scenario=run["scenario"])
    deadline = pd.to_numeric(frame["deadline"], errors="coerce")
    stamps = log.cal.datetime_of(0.0) + pd.to_timedelta(deadline, unit="min")
    user["deadline"] = [s.isoformat() if pd.notna(s) else "" for s in stamps]
    path = write(user, tmp_path / "oa.csv")

    loaded = load_log(path, scenario=run["scenario"])
    assert np.allclose(loaded.events["time"], log.events["time"], atol=1e-4, rtol=0)
    assert loaded.case_labels is not None and loaded.case_labels[0].startswith("请示-2025-")
    assert_clean(invoke("check", path, "--scenario", run["scenario"]))

    routed = user.index[user["activity"] == "doc.routed"][0]
    user.loc[routed, "target"] = "vm_6" if user.loc[routed, "target"] != "vm_6" else "vm_5"
    result = invoke("check", write(user, path), "--scenario", run["scenario"])
    assert result.exit_code == 1
    ((invariant, article, case),) = reported(result.stdout)
    assert (invariant, article, case) == ("INV-D14", "A57", user.loc[routed, "case"])
    assert f"[line {routed + 2}]" in result.stdout


# -- injected violations ------------------------------------------------------------------------


def num(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce")


def rows_of(frame: pd.DataFrame, activity: str, used: set[str]) -> pd.DataFrame:
    return frame.loc[(frame["activity"] == activity) & ~frame["case"].isin(used)]


def inject_d01(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A leader acts on a document the GO never received (A55)."""
    case = rows_of(f, "leader.approved", used)["case"].iat[0]
    used.add(case)
    return f.loc[~((f["case"] == case) & (f["activity"] == "go.received"))]


def inject_d13(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A poor-quality submission passes review and is routed (A63)."""
    case = rows_of(f, "doc.routed", used)["case"].iat[0]
    assert not (f.loc[f["case"] == case, "outcome"] == "return").any()
    used.add(case)
    f.loc[f["case"] == case, "poor_quality"] = "True"
    return f


def inject_d14(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A document routed to a leader who is not in charge of its matter (A57)."""
    row = rows_of(f, "doc.routed", used).index[0]
    used.add(f.at[row, "case"])
    f.at[row, "target"] = "vm_6" if f.at[row, "target"] != "vm_6" else "vm_5"
    return f


def inject_d16(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """An instruction transferred by a leader instead of the GO (A57)."""
    row = rows_of(f, "go.transferred", used).index[0]
    used.add(f.at[row, "case"])
    f.at[row, "actor"] = "mayor"
    return f


def inject_d17(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A reply after its deadline marked on time (A57)."""
    late = rows_of(f, "dept.replied", used)
    late = late.loc[late["outcome"] == "late"]
    assert not late.empty, "the clean log needs a late reply for this injection"
    row = late.index[0]
    used.add(f.at[row, "case"])
    f.at[row, "outcome"] = "on_time"
    return f


def inject_e01(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A resubmission after the case was closed (conservation)."""
    closed = rows_of(f, "doc.closed", used)
    row = closed.index[0]
    case = f.at[row, "case"]
    used.add(case)
    extra = f.loc[[row]].copy()
    extra["activity"], extra["actor"], extra["target"] = "doc.submitted", extra["sender"], "GO"
    extra["time"] = f["time"].iat[-1]  # the last time of the log: still in order
    assert float(extra["time"].iat[0]) > float(f.at[row, "time"])
    return pd.concat([f, extra], ignore_index=True)


def inject_e02(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """Two events of different cases swapped: time goes backwards, each case stays in order."""
    t = num(f, "time").to_numpy()
    cases = f["case"].to_numpy()
    for i in range(len(f) - 1):
        if (
            t[i] < t[i + 1]
            and cases[i] != cases[i + 1]
            and cases[i] not in used
            and cases[i + 1] not in used
        ):
            used.update({cases[i], cases[i + 1]})
            order = np.arange(len(f))
            order[[i, i + 1]] = [i + 1, i]
            return f.iloc[order].reset_index(drop=True)
    raise AssertionError("no adjacent events to swap")


def inject_e03(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A GO act (registration) done by a department."""
    row = rows_of(f, "go.received", used).index[0]
    used.add(f.at[row, "case"])
    f.at[row, "actor"] = f.at[row, "sender"]
    return f


def inject_e04(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A reply deadline an hour before the close of office (AMB-45)."""
    transfers = rows_of(f, "go.transferred", used)
    for row in transfers.index:
        case = f.at[row, "case"]
        deadline = float(f.at[row, "deadline"])
        replies = f.loc[(f["case"] == case) & (f["activity"] == "dept.replied")]
        overdue = f.loc[(f["case"] == case) & (f["activity"] == "instruction.overdue")]
        if overdue.empty and (num(replies, "time") < deadline - 120).all():
            used.add(case)
            f.at[row, "deadline"] = repr(deadline - 60.0)
            return f
    raise AssertionError("no transfer whose deadline can move")


def inject_u01(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A unit whose desk worked two jobs at once claims one staff member (A59)."""
    jobs = rows_of(f, "desk.job_done", used)
    for unit, mine in jobs.groupby("actor"):
        start, end = num(mine, "start").to_numpy(), num(mine, "time").to_numpy()
        if any(((start < e) & (end > s)).sum() > 1 for s, e in zip(start, end, strict=True)):
            used.update(mine["case"])
            row = f.index[(f["activity"] == "desk.staffed") & (f["actor"] == unit)][0]
            used.add(f.at[row, "case"])
            f.at[row, "value"] = "1.0"
            return f
    raise AssertionError("no unit worked two jobs at once")


def inject_u02(f: pd.DataFrame, used: set[str]) -> pd.DataFrame:
    """A job whose effort is twice the office minutes between its start and its end (A57)."""
    jobs = rows_of(f, "desk.job_done", used)
    row = jobs.index[num(jobs, "value") > 60][0]
    used.add(f.at[row, "case"])
    f.at[row, "value"] = repr(2 * float(f.at[row, "value"]))
    return f


INJECTIONS: dict[str, tuple[Callable[[pd.DataFrame, set[str]], pd.DataFrame], set[str]]] = {
    "INV-D01": (inject_d01, {"INV-D01"}),
    "INV-D13": (inject_d13, {"INV-D13"}),
    "INV-D14": (inject_d14, {"INV-D14"}),
    # A transfer by a leader also breaks the role its act claims (INV-E03).
    "INV-D16": (inject_d16, {"INV-D16", "INV-E03"}),
    "INV-D17": (inject_d17, {"INV-D17"}),
    "INV-E01": (inject_e01, {"INV-E01"}),
    "INV-E02": (inject_e02, {"INV-E02"}),
    "INV-E03": (inject_e03, {"INV-E03"}),
    "INV-E04": (inject_e04, {"INV-E04"}),
    "INV-U01": (inject_u01, {"INV-U01"}),
    "INV-U02": (inject_u02, {"INV-U02"}),
}


def test_every_checked_invariant_has_an_injection() -> None:
    from test_check_documents import DOCUMENT_INJECTIONS
    from test_check_leave import LEAVE_INJECTIONS
    from test_check_ledger import LEDGER_INJECTIONS
    from test_check_meetings import MEETING_INJECTIONS

    checked = set(INJECTIONS) | set(LEAVE_INJECTIONS) | set(LEDGER_INJECTIONS)
    assert checked | set(MEETING_INJECTIONS) | set(DOCUMENT_INJECTIONS) == set(INVARIANTS)


@pytest.mark.parametrize("invariant", sorted(INJECTIONS))
def test_injected_violation_is_reported(
    invariant: str, run: dict[str, Path], frame: pd.DataFrame, tmp_path: Path
) -> None:
    inject, expected = INJECTIONS[invariant]
    used: set[str] = set()
    path = write(inject(frame, used), tmp_path / "bad.csv")
    result = invoke("check", path, "--scenario", run["scenario"])
    assert result.exit_code == 1, result.output
    found = reported(result.stdout)
    assert found, result.stdout
    assert {inv for inv, _, _ in found} == expected, result.stdout
    assert {case for _, _, case in found} <= used
    assert re.search(
        rf"^{len(found)} violation\(s\) of {len(expected)} invariant", result.stdout, re.M
    )
    assert "not yet checked" in result.stdout


def test_injected_d14_names_its_line(
    run: dict[str, Path], frame: pd.DataFrame, tmp_path: Path
) -> None:
    row = frame.index[frame["activity"] == "doc.routed"][3]
    frame.at[row, "target"] = "vm_6" if frame.at[row, "target"] != "vm_6" else "vm_5"
    result = invoke("check", write(frame, tmp_path / "bad.csv"), "--scenario", run["scenario"])
    (line,) = [s for s in result.stdout.splitlines() if s.startswith("INV-")]
    assert line.startswith(f"INV-D14 (A57) case {frame.at[row, 'case']}: routed to ")
    assert line.endswith(f"[line {row + 2}]")


def test_all_injections_together_report_exactly_their_invariants(
    run: dict[str, Path], frame: pd.DataFrame, tmp_path: Path
) -> None:
    used: set[str] = set()
    order = ["INV-D13", "INV-D14", "INV-D16", "INV-D17", "INV-E03", "INV-E04", "INV-D01"]
    order += ["INV-U01", "INV-U02", "INV-E02", "INV-E01"]
    for invariant in order:
        frame = INJECTIONS[invariant][0](frame, used)
    result = invoke("check", write(frame, tmp_path / "bad.csv"), "--scenario", run["scenario"])
    assert result.exit_code == 1
    assert {inv for inv, _, _ in reported(result.stdout)} == set(INJECTIONS)


def test_injected_violation_in_parquet_names_its_row(run: dict[str, Path], tmp_path: Path) -> None:
    events = pd.read_parquet(run["folder"] / "events.parquet")
    row = events.index[events["activity"] == "go.transferred"][0]
    events["actor"] = events["actor"].astype(object)
    events.at[row, "actor"] = "vm_2"
    events.to_parquet(tmp_path / "events.parquet")
    shutil.copy(run["folder"] / "cases.parquet", tmp_path / "cases.parquet")
    result = invoke("check", tmp_path / "events.parquet", "--scenario", run["scenario"])
    assert result.exit_code == 1
    lines = [s for s in result.stdout.splitlines() if s.startswith("INV-")]
    assert any(s.startswith("INV-D16 (A57)") and s.endswith(f"[row {row}]") for s in lines)


# -- malformed logs -----------------------------------------------------------------------------


def set_cell(column: str, value: str, activity: str | None = None):
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        row = f.index[f["activity"] == activity][0] if activity else f.index[5]
        f.at[row, column] = value
        return f

    return edit


def differing_sender(f: pd.DataFrame) -> pd.DataFrame:
    case = f["case"].iat[0]
    rows = f.index[f["case"] == case]
    f.at[rows[-1], "sender"] = "fgw" if f.at[rows[-1], "sender"] != "fgw" else "czj"
    return f


def only_timestamp(value: str):
    def edit(f: pd.DataFrame) -> pd.DataFrame:
        f = f.drop(columns=["time"])
        f.at[3, "timestamp"] = value
        return f

    return edit


MALFORMED: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], str]] = {
    "missing actor column": (lambda f: f.drop(columns=["actor"]), "missing column 'actor'"),
    "missing time": (
        lambda f: f.drop(columns=["time", "timestamp"]),
        "missing column 'time'",
    ),
    "missing case attributes": (lambda f: f.drop(columns=["sender"]), "missing column 'sender'"),
    "unknown activity": (
        set_cell("activity", "doc.teleported"),
        "line 7: activity 'doc.teleported' is not a known activity",
    ),
    "actor not in the organisation": (
        set_cell("actor", "vm_nobody"),
        "line 7: actor 'vm_nobody' is not in the organisation",
    ),
    "target not in the organisation": (
        set_cell("target", "nobody", "doc.routed"),
        "target 'nobody' is not in the organisation",
    ),
    "time not a number": (set_cell("time", "soon"), "line 7: time 'soon' is neither"),
    "time missing": (set_cell("time", ""), "line 7: time is missing"),
    "time before the start": (set_cell("time", "-5"), "line 7: time -5 is outside"),
    "bad timestamp": (only_timestamp("2025-13-45T99:00"), "line 5: timestamp '2025-13-45T99:00'"),
    "timestamp outside the calendar": (
        only_timestamp("1999-01-01T09:00:00+08:00"),
        "line 5: timestamp '1999-01-01T09:00:00+08:00' is outside the scenario's calendar",
    ),
    "bad deadline": (set_cell("deadline", "tomorrow", "go.transferred"), "deadline 'tomorrow'"),
    "unknown outcome": (set_cell("outcome", "maybe", "go.reviewed"), "outcome 'maybe'"),
    "review without outcome": (
        set_cell("outcome", "", "go.reviewed"),
        "go.reviewed has no outcome",
    ),
    "transfer without deadline": (
        set_cell("deadline", "", "go.transferred"),
        "go.transferred needs a deadline",
    ),
    "bad boolean": (set_cell("major", "perhaps"), "line 7: major 'perhaps' is not true or false"),
    "case attribute differs within a case": (differing_sender, "sender of case 0 differs"),
    "unknown case type": (set_cell("case_type", "memo"), "case_type 'memo' is not a case type"),
    "missing case id": (set_cell("case", ""), "line 7: case is missing"),
}


def assert_one_line_error(result, expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("govsim check: ")
    assert expected in lines[0], lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_log_exits_2_with_one_line(
    name: str, run: dict[str, Path], frame: pd.DataFrame, tmp_path: Path
) -> None:
    edit, expected = MALFORMED[name]
    path = write(edit(frame), tmp_path / "bad.csv")
    assert_one_line_error(invoke("check", path, "--scenario", run["scenario"]), expected)


def test_malformed_log_raises_log_error(run: dict[str, Path], frame: pd.DataFrame, tmp_path: Path):
    path = write(frame.drop(columns=["activity"]), tmp_path / "bad.csv")
    with pytest.raises(LogError, match="missing column 'activity'"):
        load_log(path, scenario=run["scenario"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["{csv}"], "a scenario file is needed"),
        (["{base}/nope.csv", "--scenario", "{scenario}"], "no such file"),
        (["{base}"], "not a results folder"),
        (["{folder}", "--replication", "7"], "no replication matches --replication 7"),
        (["{folder}", "--variant", "shrink"], "no replication matches --variant shrink"),
        (["{empty}", "--scenario", "{scenario}"], "empty file"),
    ],
)
def test_bad_sources_exit_2_with_one_line(
    args: list[str], expected: str, run: dict[str, Path]
) -> None:
    empty = run["base"] / "empty.csv"
    empty.write_text("", encoding="utf-8")
    values = {k: str(v) for k, v in run.items()} | {"empty": str(empty)}
    assert_one_line_error(invoke("check", *[a.format(**values) for a in args]), expected)


def test_log_from_another_scenario_variant_is_refused(
    run: dict[str, Path], frame: pd.DataFrame, tmp_path: Path
):
    frame["variant"] = "no-such-variant"
    path = write(frame, tmp_path / "bad.csv")
    result = invoke("check", path, "--scenario", run["scenario"])
    assert_one_line_error(result, "variant 'no-such-variant' is not in the scenario")
