"""Bad scenario files: one clear ``FILE:LINE: dotted.path: message`` line per mistake.

Each bad file is the default scenario (or a small valid one written here) with one edit. The
edited line carries a ``#!`` marker comment, so every expected line number is computed from
the text the test wrote, never typed in. Every case goes through the CLI: exit code 2, nothing
on stdout, every stderr line in the one-line format, no traceback; ``govsim run`` on a bad file
writes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tomllib
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from govsim.cli import main
from govsim.core.calendar import WorkCalendar
from govsim.scenario.load import ScenarioError, parse_scenario

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TEXT = (ROOT / "scenarios" / "jining.toml").read_text(encoding="utf-8")
DEFAULT_RAW = tomllib.loads(DEFAULT_TEXT)
LEADER = {ld["id"]: i for i, ld in enumerate(DEFAULT_RAW["leaders"])}
N_DEPARTMENTS = len(DEFAULT_RAW["departments"])
# The first year the holidays package has no official 调休 data for.
NO_DATA_YEAR = WorkCalendar(dt.date(2025, 1, 1), 1).last_official_year + 1
LAST_DEPARTMENT = (
    '{ id = "qfwh", name = "曲阜文化建设示范区推进办公室", kind = "dispatched_agency" },'
)

# A path is TOML keys and [indexes], a non-bare key quoted; a syntax error has no path.
PATH = r'(?:TOML syntax|[\w\.\[\]"-]+)'

SMALL = """\
[scenario]
name = "small"
start = 2025-03-03
horizon_days = 20

[[leaders]]
id = "mayor"
role = "mayor"
portfolio = ["fin"]

[[leaders]]
id = "exec"
role = "executive_vice_mayor"
portfolio = ["edu"]
substitute = "mayor"

[[leaders]]
id = "sg"
role = "secretary_general"

[[departments]]
id = "fin"

[[departments]]
id = "edu"

[general_office]
reviewers = 2
review = { dist = "fixed", value_hours = 2 }
transfer = { dist = "fixed", value_minutes = 30 }
revise = { dist = "fixed", value_days = 1 }

[leader_work]
approve = { dist = "fixed", value_minutes = 60 }
read = { dist = "fixed", value_minutes = 30 }

[instructions]
p_request = 0.5
p_report = 0.0
reply = { dist = "fixed", value_days = 2 }

[load]
poisson = false
"""


def edit(text: str, *changes: tuple[str, str]) -> str:
    """Apply ``(old, new)`` replacements, each of which must match exactly once."""
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def line_of(text: str, needle: str) -> int:
    """The 1-based line on which ``needle`` (which must be unique) is written."""
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    return text[: text.index(needle)].count("\n") + 1


def runner() -> CliRunner:
    try:  # Click < 8.2 mixes stderr into stdout unless told not to
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def assert_clean_failure(stdout: str, stderr: str, file: str) -> list[str]:
    """Exit-code-2 output: nothing on stdout, only well-formed problem lines on stderr."""
    assert "Traceback" not in stdout + stderr
    assert stdout == ""
    lines = stderr.splitlines()
    assert lines, "no problem reported"
    pattern = re.compile(rf"^{re.escape(file)}:\d+: {PATH}: .+$")
    for line in lines:
        assert pattern.match(line), line
    return lines


def validate_cli(path: Path) -> list[str]:
    result = runner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    return assert_clean_failure(result.stdout, result.stderr, str(path))


@dataclass(frozen=True)
class Case:
    """One mistake: edits to a base text, the problem's path, a piece of its message, and the
    text that marks the line it must be reported on (default: the ``#!`` marker)."""

    name: str
    changes: tuple[tuple[str, str], ...]
    path: str
    message: str
    at: str = "#!"
    base: str = DEFAULT_TEXT

    def text(self) -> str:
        return edit(self.base, *self.changes)


DIST = 'review = { dist = "lognormal", mean_hours = 1.2, cv = 0.6 }'
OFFICE_HOURS = 'office_hours = [["08:30", "12:00"], ["13:30", "17:30"]]'
VARIANT_SET = 'set = { "load.scale" = 1.3 }'
VM6 = LEADER["vm_6"]

CASES = [
    Case(
        "toml-syntax",
        (("reviewers = 6 ", "reviewers = = 6  #!"),),
        "TOML syntax",
        "",
    ),
    Case(
        "unknown-top-level-key",
        (("\n[scenario]\n", '\ncolour = "red"  #!\n\n[scenario]\n'),),
        "colour",
        "unknown key",
    ),
    Case(
        "unknown-key-in-table",
        (("max_resubmissions = 3", "max_resubmisions = 3  #!"),),
        "general_office.max_resubmisions",
        "unknown key",
    ),
    Case(
        "unknown-key-in-inline-distribution",
        ((DIST, DIST.replace(" }", ", sd = 0.4 }  #!")),),
        "general_office.review.sd",
        "unknown key",
    ),
    Case(
        "missing-required-field",
        (("[general_office]\nreviewers = 6 ", "[general_office]  #!\n# reviewers = 6 "),),
        "general_office.reviewers",
        "missing required field",
    ),
    Case(
        "string-for-int",
        (("reviewers = 6 ", 'reviewers = "six"  #!'),),
        "general_office.reviewers",
        "valid integer",
    ),
    Case(
        "negative-reviewers",
        (("reviewers = 6 ", "reviewers = -2  #!"),),
        "general_office.reviewers",
        "greater than or equal to 1",
    ),
    Case(
        "probability-above-one",
        (("p_major = 0.1 ", "p_major = 1.5  #!"),),
        "load.p_major",
        "less than or equal to 1",
    ),
    Case(
        "distribution-bad-unit-suffix",
        ((DIST, DIST.replace("mean_hours", "mean_hrs") + "  #!"),),
        "general_office.review",
        "no duration parameter",
    ),
    Case(
        "distribution-bad-unit-suffix-next-to-good-ones",
        (
            (
                DIST,
                'review = { dist = "triangular", low_hours = 1, mode_hrs = 2, high_hours = 3 }  #!',
            ),
        ),
        "general_office.review.mode_hrs",
        "unknown key",
    ),
    Case(
        "distribution-missing-unit",
        ((DIST, DIST.replace("mean_hours", "mean") + "  #!"),),
        "general_office.review",
        "'mean' needs its unit in the name",
    ),
    Case(
        "distribution-mixed-units",
        ((DIST, 'review = { dist = "uniform", low_hours = 1, high_minutes = 90 }  #!'),),
        "general_office.review",
        "mixes units",
    ),
    Case(
        "distribution-negative-mean",
        ((DIST, DIST.replace("1.2", "-1.2") + "  #!"),),
        "general_office.review.mean_hours",
        "must be a finite number >= 0",
    ),
    Case(
        "portfolio-names-unknown-department",
        (('portfolio = ["sjj"]', 'portfolio = ["sjj", "nosuch"]  #!'),),
        f"leaders[{LEADER['mayor']}].portfolio[1]",
        "'nosuch' is not a department",
    ),
    Case(
        "substitute-not-a-leader",
        (
            (
                'portfolio = ["mzhj", "rsj"]\nsubstitute = "vm_5"',
                'portfolio = ["mzhj", "rsj"]\nsubstitute = "vm_9"  #!',
            ),
        ),
        f"leaders[{VM6}].substitute",
        "'vm_9' is not a leader",
    ),
    Case(
        "substitute-self",
        (
            (
                'portfolio = ["mzhj", "rsj"]\nsubstitute = "vm_5"',
                'portfolio = ["mzhj", "rsj"]\nsubstitute = "vm_6"  #!',
            ),
        ),
        f"leaders[{VM6}].substitute",
        "cannot substitute for themself",
    ),
    Case(  # reported once, at the role of the first mayor in the file
        "two-mayors",
        (
            ('name = "市长"\nrole = "mayor"', 'name = "市长"\nrole = "mayor"  #!'),
            (
                'id = "vm_6"\nname = "副市长（民政、人社）"\nrole = "vice_mayor"',
                'id = "vm_6"\nrole = "mayor"',
            ),
        ),
        f"leaders[{LEADER['mayor']}].role",
        "exactly one mayor, found 2",
    ),
    Case(
        "duplicate-department-id",
        ((LAST_DEPARTMENT, LAST_DEPARTMENT + '\n  { id = "fgw", name = "again" },  #!'),),
        f"departments[{N_DEPARTMENTS}].id",
        "duplicate id 'fgw'",
    ),
    Case(
        "department-in-no-portfolio",
        ((LAST_DEPARTMENT, LAST_DEPARTMENT + '\n  { id = "newdept", name = "新局" },  #!'),),
        f"departments[{N_DEPARTMENTS}].id",
        "'newdept' is in no leader's portfolio",
    ),
    Case(
        "department-in-two-portfolios",
        (('portfolio = ["jgsw"]', 'portfolio = ["jgsw", "fgw"]  #!'),),
        f"leaders[{LEADER['sg']}].portfolio[1]",
        "'fgw' is already in the portfolio of 'vm_exec'",
    ),
    Case(
        "office-hours-overlap",
        ((OFFICE_HOURS, OFFICE_HOURS.replace("13:30", "11:30") + "  #!"),),
        "calendar.office_hours",
        "overlaps",
    ),
    Case(
        "office-hours-backwards",
        ((OFFICE_HOURS, OFFICE_HOURS.replace('"08:30", "12:00"', '"12:30", "12:00"') + "  #!"),),
        "calendar.office_hours",
        "ends (12:00) before it starts (12:30)",
    ),
    Case(
        "office-hours-not-a-time",
        ((OFFICE_HOURS, OFFICE_HOURS.replace("08:30", "8h30") + "  #!"),),
        "calendar.office_hours",
        "'8h30' is not a time HH:MM",
    ),
    Case(
        "office-hours-three-times-in-a-block",
        ((OFFICE_HOURS, OFFICE_HOURS.replace('"12:00"]', '"12:00", "13:00"]') + "  #!"),),
        "calendar.office_hours[0]",
        "at most 2 items",
    ),
    Case(
        "warmup-not-shorter-than-horizon",
        (("warmup_days = 0", "warmup_days = 365  #!"),),
        "scenario.warmup_days",
        "warmup_days must be smaller than horizon_days",
    ),
    Case(
        "variant-override-path-typo",
        ((VARIANT_SET, 'set = { "load.scael" = 1.3 }  #!'),),
        "load.scael",
        "unknown key (in variant 'growth-30')",
    ),
    Case(
        "variant-override-typo-in-second-key",
        (
            (
                VARIANT_SET,
                '[variants.set]\n"load.scale" = 1.3\n"general_ofice.reviewers" = 7  #!',
            ),
        ),
        "general_ofice",
        "unknown key (in variant 'growth-30')",
    ),
    Case(
        "variant-override-out-of-range",
        ((VARIANT_SET, 'set = { "load.scale" = -1.3 }  #!'),),
        "load.scale",
        "greater than or equal to 0 (in variant 'growth-30')",
    ),
    Case(
        "variant-override-of-experiment",
        ((VARIANT_SET, 'set = { "experiment.seed" = 1 }  #!'),),
        'variants[0].set."experiment.seed"',
        "'experiment' cannot be overridden",
    ),
    Case(
        "variant-override-index-out-of-range",
        ((VARIANT_SET, 'set = { "leaders.99.substitute" = "mayor" }  #!'),),
        'variants[0].set."leaders.99.substitute"',
        "no element 99 in 'leaders'",
    ),
    Case(
        "sweep-empty-list",
        (("[[variants]]", '[sweep]\n"load.scale" = []  #!\n\n[[variants]]'),),
        'sweep."load.scale"',
        "has no values",
    ),
    Case(
        "sweep-value-out-of-range",
        (("[[variants]]", '[sweep]\n"load.scale" = [\n  1.0,\n  -0.5,  #!\n]\n\n[[variants]]'),),
        "load.scale",
        "greater than or equal to 0 (in sweep)",
    ),
    Case(
        "variant-and-sweep-only-bad-together",
        (
            ("warmup_days = 0", "warmup_days = 30"),
            (VARIANT_SET, 'set = { "scenario.warmup_days" = 200 }'),
            ("[[variants]]", '[sweep]\n"scenario.horizon_days" = [365, 150]  #!\n\n[[variants]]'),
        ),
        "scenario.warmup_days",
        "(in variant 'growth-30' @ scenario.horizon_days=150)",
        at='"scenario.warmup_days" = 200',
    ),
    Case(
        "scheduled-arrival-unknown-sender",
        (
            (
                "[load]\npoisson = false\n",
                "[load]\npoisson = false\n\n[[load.scheduled]]\nat = 2025-03-04T09:00:00\n"
                'kind = "request"\nsender = "nobody"  #!\n',
            ),
        ),
        "load.scheduled[0].sender",
        "'nobody' is not a unit",
        base=SMALL,
    ),
    Case(
        "scheduled-arrival-outside-horizon",
        (
            (
                "[load]\npoisson = false\n",
                "[load]\npoisson = false\nscheduled = [\n"
                '  { at = 2025-03-04T09:00:00, kind = "report", sender = "fin" },\n'
                '  { at = 2025-05-04T09:00:00, kind = "report", sender = "fin" },  #!\n]\n',
            ),
        ),
        "load.scheduled[1].at",
        "falls outside the simulated horizon",
        base=SMALL,
    ),
    Case(
        "horizon-beyond-calendar-data",
        (("start = 2025-01-01", f"start = {NO_DATA_YEAR}-01-01"),),
        "scenario.horizon_days",
        f"no official PRC working-day data for {NO_DATA_YEAR}",
        at="horizon_days = 365",
    ),
    Case(
        "horizon-runs-into-year-without-data",
        (("start = 2025-01-01", f"start = {NO_DATA_YEAR - 1}-06-01"),),
        "scenario.horizon_days",
        f"for {NO_DATA_YEAR} ",
        at="horizon_days = 365",
    ),
]


def test_small_scenario_is_valid() -> None:
    assert parse_scenario(SMALL).scenario.name == "small"


def test_default_scenario_is_valid() -> None:
    assert len(parse_scenario(DEFAULT_TEXT).leaders) == len(LEADER)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_one_mistake_one_line(case: Case, tmp_path: Path) -> None:
    text = case.text()
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    lines = validate_cli(path)
    assert len(lines) == 1, lines
    prefix = f"{path}:{line_of(text, case.at)}: {case.path}: "
    assert lines[0].startswith(prefix), (lines[0], prefix)
    assert case.message in lines[0][len(prefix) :]


def test_the_message_names_the_year_without_data(tmp_path: Path) -> None:
    text = edit(DEFAULT_TEXT, ("start = 2025-01-01", f"start = {NO_DATA_YEAR}-01-01"))
    path = tmp_path / "no_data.toml"
    path.write_text(text, encoding="utf-8")
    (line,) = validate_cli(path)
    assert str(NO_DATA_YEAR) in line and 'beyond_data = "estimate"' in line
    # The same file validates once the user accepts estimated holidays.
    ok = edit(text, ('beyond_data = "error"', 'beyond_data = "estimate"'))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the calendar says the year is estimated
        parse_scenario(ok)


def test_several_mistakes_are_all_reported(tmp_path: Path) -> None:
    text = edit(
        DEFAULT_TEXT,
        ("reviewers = 6 ", "reviewers = 0  #!1"),
        ("p_major = 0.1 ", "p_major = 1.5  #!2"),
        (DIST, DIST.replace(" }", ", sd = 0.4 }  #!3")),
        ("\n[scenario]\n", '\ncolour = "red"  #!4\n\n[scenario]\n'),
    )
    path = tmp_path / "many.toml"
    path.write_text(text, encoding="utf-8")
    lines = validate_cli(path)
    expected = {
        ("#!1", "general_office.reviewers"),
        ("#!2", "load.p_major"),
        ("#!3", "general_office.review.sd"),
        ("#!4", "colour"),
    }
    assert len(lines) == len(expected), lines
    for marker, dotted in expected:
        prefix = f"{path}:{line_of(text, marker)}: {dotted}: "
        assert sum(line.startswith(prefix) for line in lines) == 1, (prefix, lines)


def test_several_cross_reference_mistakes_are_all_reported(tmp_path: Path) -> None:
    text = edit(
        DEFAULT_TEXT,
        ('portfolio = ["sjj"]', 'portfolio = ["sjj", "nosuch"]  #!1'),
        ('portfolio = ["jgsw"]', 'portfolio = ["jgsw", "fgw"]  #!2'),
        (
            'portfolio = ["mzhj", "rsj"]\nsubstitute = "vm_5"',
            'portfolio = ["mzhj", "rsj"]\nsubstitute = "vm_6"  #!3',
        ),
    )
    path = tmp_path / "refs.toml"
    path.write_text(text, encoding="utf-8")
    lines = validate_cli(path)
    assert len(lines) == 3, lines
    for marker in ("#!1", "#!2", "#!3"):
        assert any(line.startswith(f"{path}:{line_of(text, marker)}: ") for line in lines)


def test_a_value_with_a_newline_stays_on_one_line(tmp_path: Path) -> None:
    text = edit(DEFAULT_TEXT, (OFFICE_HOURS, OFFICE_HOURS.replace("08:30", "08\\n30") + "  #!"))
    path = tmp_path / "newline.toml"
    path.write_text(text, encoding="utf-8")
    (line,) = validate_cli(path)
    assert line.startswith(f"{path}:{line_of(text, '#!')}: calendar.office_hours: ")


def test_empty_file_names_every_missing_section(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text("", encoding="utf-8")
    lines = validate_cli(path)
    required = ["scenario", "leaders", "departments", "general_office", "leader_work"]
    for section in [*required, "instructions"]:
        assert f"{path}:1: {section}: missing required field" in lines


# --------------------------------------------------------------------------- unreadable files


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    result = runner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"{path}: no such file"]


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    result = runner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"{tmp_path}: cannot read: ")


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.toml"
    path.write_text(DEFAULT_TEXT, encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):  # root (and some file systems) read it anyway
            pytest.skip("this user can read a file with mode 000")
        result = runner().invoke(main, ["validate", str(path)])
    finally:
        path.chmod(0o600)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"{path}: cannot read: Permission denied"]


def test_read_permission_error_as_root_would_see_it(tmp_path: Path, monkeypatch) -> None:
    """The same path as above for users whom mode 000 does not stop: a refused read."""
    path = tmp_path / "secret.toml"
    path.write_text(DEFAULT_TEXT, encoding="utf-8")

    def refuse(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    result = runner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [f"{path}: cannot read: Permission denied"]


def test_file_not_in_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes('[scenario]\nname = "济宁"\n'.encode("gbk"))
    result = runner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    # The first byte that is not UTF-8, by line and column (name = "济 in GBK).
    assert result.stderr.splitlines() == [f"{path}:2:9: encoding: byte 0xbc is not valid UTF-8"]


def test_library_raises_scenario_error_with_the_same_lines() -> None:
    text = edit(DEFAULT_TEXT, ("reviewers = 6 ", "reviewers = -2  #!"))
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "x.toml")
    assert info.value.problems == [
        f"x.toml:{line_of(text, '#!')}: general_office.reviewers: "
        "input should be greater than or equal to 1"
    ]


# --------------------------------------------------------------------------- govsim run


def _bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text(edit(DEFAULT_TEXT, ("reviewers = 6 ", "reviewers = -2  #!")), encoding="utf-8")
    return path


def test_run_on_a_bad_file_writes_nothing(tmp_path: Path) -> None:
    path = _bad_file(tmp_path)
    fresh, existing = tmp_path / "fresh", tmp_path / "existing"
    existing.mkdir()
    for out in (fresh, existing):
        result = runner().invoke(main, ["run", str(path), "--out", str(out), "--workers", "1"])
        assert result.exit_code == 2, result.output
        assert_clean_failure(result.stdout, result.stderr, str(path))
    assert not fresh.exists()
    assert list(existing.iterdir()) == []


def test_run_on_a_bad_variant_sweep_combination_writes_nothing(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "variant-and-sweep-only-bad-together")
    path = tmp_path / "combo.toml"
    path.write_text(case.text(), encoding="utf-8")
    out = tmp_path / "out"
    result = runner().invoke(main, ["run", str(path), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert_clean_failure(result.stdout, result.stderr, str(path))
    assert not out.exists()


# --------------------------------------------------------------------------- real processes


def _govsim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govsim", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_subprocess_validate_reports_every_mistake(tmp_path: Path) -> None:
    text = edit(
        DEFAULT_TEXT,
        ("reviewers = 6 ", 'reviewers = "six"  #!1'),
        ('portfolio = ["sjj"]', 'portfolio = ["sjj", "nosuch"]  #!2'),
    )
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    proc = _govsim("validate", str(path), cwd=tmp_path)
    assert proc.returncode == 2
    lines = assert_clean_failure(proc.stdout, proc.stderr, str(path))
    # Type errors stop validation before cross-references are checked.
    assert lines == [
        f"{path}:{line_of(text, '#!1')}: general_office.reviewers: "
        "input should be a valid integer, got a string"
    ]
    fixed = edit(text, ('reviewers = "six"', "reviewers = 6"))
    path.write_text(fixed, encoding="utf-8")
    proc = _govsim("validate", str(path), cwd=tmp_path)
    assert proc.returncode == 2
    (line,) = assert_clean_failure(proc.stdout, proc.stderr, str(path))
    assert line.startswith(f"{path}:{line_of(fixed, '#!2')}: leaders[0].portfolio[1]: ")


def test_subprocess_syntax_error_and_missing_file(tmp_path: Path) -> None:
    text = edit(DEFAULT_TEXT, ("reviewers = 6 ", "reviewers = = 6  #!"))
    path = tmp_path / "syntax.toml"
    path.write_text(text, encoding="utf-8")
    proc = _govsim("validate", str(path), cwd=tmp_path)
    assert proc.returncode == 2
    (line,) = assert_clean_failure(proc.stdout, proc.stderr, str(path))
    assert line.startswith(f"{path}:{line_of(text, '#!')}: TOML syntax: ")

    missing = tmp_path / "missing.toml"
    proc = _govsim("validate", str(missing), cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [f"{missing}: no such file"]


def test_subprocess_run_on_a_bad_file_writes_nothing(tmp_path: Path) -> None:
    path = _bad_file(tmp_path)
    out = tmp_path / "results"
    proc = _govsim("run", str(path), "--out", str(out), "--quiet", cwd=tmp_path)
    assert proc.returncode == 2
    assert_clean_failure(proc.stdout, proc.stderr, str(path))
    assert not out.exists()
    # Nor anything in the working directory (the default --out is ./results).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]
