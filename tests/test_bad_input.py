"""Hostile scenario files and overrides: one ``FILE:LINE[:COL]: path: message`` line per problem
and exit code 2 — never a traceback, a hang, or a value silently coerced.

Each test is one of the examples a batch of about a thousand mutated inputs turned up: deep
nesting, a Unicode digit in an override path, a ``base`` that is a device or a FIFO, a
boolean or a string where a number belongs, magnitudes no simulation can honour, a byte-order
mark, a byte that is not UTF-8, and a sweep too large to validate.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from govsim.cli import main
from govsim.scenario.limits import MAX_BASE_CHAIN, MAX_DESIGN_POINTS, MAX_NESTING

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TEXT = (ROOT / "scenarios" / "jining.toml").read_text(encoding="utf-8")
SMALL_TEXT = (ROOT / "scenarios" / "mmc.toml").read_text(encoding="utf-8")
LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+)(?::(?P<col>\d+))?: (?P<path>TOML syntax|\S+): (?P<msg>.+)$"
)


def validate(path: Path, *args: str) -> list[str]:
    """``govsim validate``: the stderr lines of a failure (exit code 2, no traceback)."""
    result = CliRunner().invoke(main, ["validate", str(path), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines
    return lines


def one_problem(path: Path, *args: str) -> re.Match[str]:
    (line,) = validate(path, *args)
    match = LINE.match(line)
    assert match, line
    return match


def write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def in_scenario(text: str, extra: str) -> str:
    """``extra`` written as the first lines of the ``[scenario]`` table."""
    return text.replace("[scenario]\n", f"[scenario]\n{extra}\n", 1)


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# -- nesting and chains ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["[" * 500 + "]" * 500, "{a=" * 500 + "1" + "}" * 500],
    ids=["arrays", "inline-tables"],
)
def test_deep_nesting_is_one_line_not_a_recursion_error(tmp_path, value):
    text = in_scenario(DEFAULT_TEXT, f"x = {value}")
    m = one_problem(write(tmp_path, text))
    assert int(m["line"]) == line_of(text, "x = ")
    assert m["msg"] == f"nested more than {MAX_NESTING} deep"


def test_long_dotted_key_in_a_file_with_a_base(tmp_path):
    write(tmp_path, DEFAULT_TEXT, "jining.toml")
    key = ".".join(["a"] * 5000)
    text = in_scenario(DEFAULT_TEXT, f'base = "jining.toml"\n{key} = 1')
    m = one_problem(write(tmp_path, text))
    assert int(m["line"]) == line_of(text, "a.a.a")
    assert m["msg"] == f"nested more than {MAX_NESTING} deep"


def test_a_chain_of_1200_base_files(tmp_path):
    write(tmp_path, DEFAULT_TEXT, "c1200.toml")
    for i in range(1200):
        write(tmp_path, f'[scenario]\nbase = "c{i + 1}.toml"\n', f"c{i}.toml")
    m = one_problem(tmp_path / "c0.toml")
    assert m["file"] == str(tmp_path / f"c{MAX_BASE_CHAIN - 1}.toml")
    assert (m["line"], m["path"]) == ("2", "scenario.base")
    assert m["msg"] == f"a chain of more than {MAX_BASE_CHAIN} files"


# -- overrides ------------------------------------------------------------------------------------


def test_override_key_with_a_unicode_digit(tmp_path):
    text = SMALL_TEXT + '\n[[variants]]\nname = "odd"\nset = { "load.²" = 1 }\n'
    m = one_problem(write(tmp_path, text))
    assert int(m["line"]) == line_of(text, '"load.²"')
    assert m["path"] == 'load."²"' and m["msg"] == "unknown key (in variant 'odd')"


def test_override_path_too_long(tmp_path):
    key = ".".join(["load"] * 100)
    text = SMALL_TEXT + f'\n[[variants]]\nname = "deep"\nset = {{ "{key}" = 1 }}\n'
    m = one_problem(write(tmp_path, text))
    assert int(m["line"]) == line_of(text, key) and "parts" in m["msg"]


# -- what base may name ---------------------------------------------------------------------------


def test_base_on_a_device_is_refused_without_reading(tmp_path):
    text = in_scenario(DEFAULT_TEXT, 'base = "/dev/zero"')
    m = one_problem(write(tmp_path, text))
    assert m["path"] == "scenario.base" and m["msg"] == "/dev/zero: not a regular file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_base_on_a_fifo_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    text = in_scenario(DEFAULT_TEXT, 'base = "pipe"')
    m = one_problem(write(tmp_path, text))
    assert m["msg"] == f"{tmp_path / 'pipe'}: not a regular file"


def test_scenario_file_larger_than_the_limit(tmp_path):
    path = write(tmp_path, DEFAULT_TEXT + "#" * (5 * 1024 * 1024) + "\n")
    (line,) = validate(path)
    assert line.startswith(f"{path}: ") and "more than a scenario file may have" in line


# -- strict types ---------------------------------------------------------------------------------

COERCED = [
    ("reviewers = 6 ", "reviewers = true ", "general_office.reviewers", "a boolean"),
    ("replications = 5", 'replications = "7"', "experiment.replications", "a string"),
    ("cv = 0.6 ", "cv = true ", "general_office.review.cv", "a boolean"),
    ("horizon_days = 365", "horizon_days = 365.0", "scenario.horizon_days", "a float"),
    ("p_major = 0.1", 'p_major = "0.1"', "load.p_major", "a string"),
    ("poisson = true", "poisson = 1", "load.poisson", "an integer"),
]


@pytest.mark.parametrize(("old", "new", "path", "got"), COERCED, ids=[c[2] for c in COERCED])
def test_a_wrong_type_is_an_error_not_a_coercion(tmp_path, old, new, path, got):
    if old not in DEFAULT_TEXT:
        text = DEFAULT_TEXT.replace("[load]\n", f"[load]\n{new}\n", 1)
    else:
        text = DEFAULT_TEXT.replace(old, new, 1)
    m = one_problem(write(tmp_path, text))
    assert m["path"] == path and m["msg"].endswith(f", got {got}")
    assert int(m["line"]) == line_of(text, new.strip())


# -- magnitudes -----------------------------------------------------------------------------------

MAGNITUDES = [
    ("request_per_dept_per_week = 18000.0", "request_per_dept_per_week = 1e308", "≤"),
    ("scale = 1.0", "scale = 1e23", "≤"),
    ("horizon_days = 10", "horizon_days = 3000\n#", "documents expected"),
]


@pytest.mark.parametrize(("old", "new", "what"), MAGNITUDES, ids=["rate", "scale", "volume"])
def test_magnitudes_the_simulation_cannot_honour(tmp_path, old, new, what):
    text = SMALL_TEXT.replace(old, new, 1)
    m = one_problem(write(tmp_path, text))
    expected = "less than or equal to 1000000" if what == "≤" else what
    assert expected in m["msg"]


def test_cv_and_duration_bounds(tmp_path):
    text = DEFAULT_TEXT.replace("cv = 0.6 ", "cv = 1e308 ", 1).replace(
        "mean_hours = 0.5,", "mean_hours = 1e300,", 1
    )
    lines = validate(write(tmp_path, text))
    assert any("'cv' must be > 0 and at most 100, got 1e+308" in ln for ln in lines)
    assert any("'mean_hours' must be at most" in ln for ln in lines)


# -- encodings ------------------------------------------------------------------------------------


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL_TEXT.encode())
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_bad_byte_is_reported_by_line_and_column(tmp_path):
    path = tmp_path / "bad.toml"
    data = SMALL_TEXT.encode().replace(b'name = "mmc"', b'name = "m\xffmc"', 1)
    path.write_bytes(data)
    m = one_problem(path)
    assert int(m["line"]) == line_of(SMALL_TEXT, 'name = "mmc"')
    assert m["col"] == "10" and m["msg"] == "byte 0xff is not valid UTF-8"


# -- design points --------------------------------------------------------------------------------


def test_a_huge_sweep_is_refused_quickly_unless_allowed(tmp_path):
    values = ", ".join(str(1 + i / 1000) for i in range(200))
    probs = ", ".join(str(i / 1000) for i in range(200))
    text = SMALL_TEXT + f'\n[sweep]\n"load.scale" = [{values}]\n"load.p_major" = [{probs}]\n'
    m = one_problem(write(tmp_path, text))
    assert m["path"] == "sweep" and int(m["line"]) == line_of(text, "[sweep]")
    assert (
        f"40000 design points (variants × sweep points), more than {MAX_DESIGN_POINTS}" in m["msg"]
    )
    small = SMALL_TEXT + '\n[sweep]\n"load.scale" = [1.0, 1.1, 1.2]\n'
    m = one_problem(write(tmp_path, small), "--max-points", "2")
    assert "3 design points" in m["msg"]
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "bad.toml"), "--max-points", "3"])
    assert result.exit_code == 0, result.output
