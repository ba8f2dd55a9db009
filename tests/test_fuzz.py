"""Fuzzing the inputs: mutated shipped scenarios through ``govsim validate`` and mutated event
logs through ``govsim check`` end in exit 0 (or 1: violations found), or exit 2 with well-formed
one-line messages whose line numbers fall inside the file — never a traceback or a hang.

Mutations: delete, duplicate or swap lines (rows), change numbers (cells) to extreme values,
rename keys (columns), truncate, insert bad bytes, deepen nesting. Hypothesis draws the seed of each
example's mutations (uniform choices), derandomized with a fixed number of examples and a
deadline per example, so the suite stays reproducible and short.
"""

from __future__ import annotations

import io
import random
import re
import shutil
import tempfile
import traceback
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
FUZZ = settings(
    max_examples=40,
    deadline=timedelta(seconds=10),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
EXTREMES = [
    b"1e308", b"-1e308", b"inf", b"nan", b"-0", b"0", b"-1", b"99999999999999999999999",
    b"1e-320", b"true", b'"7"', b"2147483648", b"[]", b"{}", b"1979-05-27",
]  # fmt: skip
BAD_BYTES = [b"\xff", b"\x00", b"\xc3(", b"\xef\xbb\xbf", b"\r", b"\x1b", b"\xe2\x80"]
NUMBER = re.compile(rb"(?<![\w.\"])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\w\"])")
KEY = re.compile(rb"^(\s*)([A-Za-z_][\w-]*)(\s*=)")
# FILE:LINE[:COL]: path: message, or FILE: message for a file that cannot be read at all.
PROBLEM = re.compile(r"^(?P<file>[^:]+?)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: (?P<msg>\S.*)$")


def _mutate(rnd: random.Random, lines: list[bytes]) -> list[bytes]:
    """One mutation of the lines of a file."""
    if not lines:
        return [rnd.choice(BAD_BYTES)]
    i = rnd.randint(0, len(lines) - 1)
    j = rnd.randint(0, len(lines) - 1)
    kind = rnd.choice(["delete", "duplicate", "swap", "number", "rename", "bytes", "deepen"])
    values = [k for k, text in enumerate(lines) if b"=" in text.split(b"#")[0]]
    if kind in ("number", "rename", "deepen") and values:
        i = rnd.choice(values)  # a line that writes a value
    line = lines[i]
    if kind == "delete":
        return lines[:i] + lines[i + 1 :]
    if kind == "duplicate":
        return [*lines[: i + 1], line, *lines[i + 1 :]]
    if kind == "swap":
        out = list(lines)
        out[i], out[j] = out[j], out[i]
        return out
    if kind == "number":
        line = NUMBER.sub(lambda m: rnd.choice(EXTREMES), line, count=1)
    elif kind == "rename":
        line = KEY.sub(rb"\1\2_x\3", line, count=1)
    elif kind == "bytes":
        at = rnd.randint(0, len(line))
        line = line[:at] + rnd.choice(BAD_BYTES) + line[at:]
    else:
        depth = rnd.choice([1, 3, 40, 1000])
        line = re.sub(
            rb"=\s*(.*)$", lambda m: b"= " + b"[" * depth + m.group(1) + b"]" * depth, line
        )
    return [*lines[:i], line, *lines[i + 1 :]]


def _line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n") + 1


def _assert_clean_exit(result, folder: Path, codes: tuple[int, ...]) -> list[str]:
    """Exit 0, or exit 2 with one well-formed line per problem; never a traceback."""
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), "".join(
        traceback.format_exception(*result.exc_info)
    )
    assert "Traceback" not in result.output
    assert result.exit_code in codes, result.output
    return result.stderr.splitlines() if result.exit_code == 2 else []


@settings(FUZZ, max_examples=60)
@given(rnd=st.randoms(use_true_random=False), scenario=st.sampled_from(SCENARIOS))
def test_mutated_scenarios_fail_cleanly(rnd: random.Random, scenario: Path) -> None:
    lines = scenario.read_bytes().split(b"\n")
    for _ in range(rnd.randint(1, 3)):
        lines = _mutate(rnd, lines)
    text = b"\n".join(lines)
    if rnd.random() < 0.2:
        text = text[: rnd.randint(0, len(text))]  # truncated
    with tempfile.TemporaryDirectory(prefix="govsim-fuzz-") as tmp:
        folder = Path(tmp)
        for other in SCENARIOS:  # the bases a mutated file names, unmutated
            shutil.copy(other, folder / other.name)
        path = folder / scenario.name
        path.write_bytes(text)
        result = CliRunner().invoke(main, ["validate", str(path)])
        problems = _assert_clean_exit(result, folder, (0, 2))
        for problem in problems:
            m = PROBLEM.match(problem)
            assert m, problem
            named = Path(m["file"])
            assert named.parent == folder, problem
            if m["line"]:
                assert 1 <= int(m["line"]) <= _line_count(named), problem
                assert re.match(r"(TOML syntax|encoding|[^\s:]+): \S", m["msg"]), problem


@pytest.fixture(scope="module")
def small_log(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """A short simulated log as the CSV ``govsim export`` writes, and its scenario."""
    base = tmp_path_factory.mktemp("fuzzlog")
    text = (ROOT / "scenarios" / "jining.toml").read_text(encoding="utf-8")
    text = text.replace("horizon_days = 365", "horizon_days = 5")
    scenario = base / "short.toml"
    scenario.write_text(text[: text.index("[[variants]]")], encoding="utf-8")
    out, csv = base / "o", base / "clean.csv"
    for args in (
        [
            "run",
            scenario,
            "--reps",
            "1",
            "--workers",
            "1",
            "--out",
            out,
            "--run",
            "r",
            "--events",
            "all",
            "--quiet",
        ],
        ["export", out / "jining" / "r", "--format", "csv", "--out", csv],
    ):
        result = CliRunner().invoke(main, [str(a) for a in args])
        assert result.exit_code == 0, result.output
    return scenario, pd.read_csv(csv, dtype=str, keep_default_na=False)


CELLS = ["", "inf", "-inf", "nan", "-1", "1e308", "99999", "true", "x\x01y", "0", "-0.001",
         "2025-13-01T00:00", "1e20", "中文"]  # fmt: skip


def _mutate_log(rnd: random.Random, frame: pd.DataFrame) -> pd.DataFrame:
    """One mutation of a log's rows, cells or columns."""
    kind = rnd.choice(["delete", "duplicate", "swap", "cell", "rename", "drop"])
    i = rnd.randint(0, len(frame) - 1)
    j = rnd.randint(0, len(frame) - 1)
    col = rnd.choice(list(frame.columns))
    if kind == "delete":
        return frame.drop(index=frame.index[i])
    if kind == "duplicate":
        return pd.concat([frame.iloc[: i + 1], frame.iloc[i : i + 1], frame.iloc[i + 1 :]])
    if kind == "swap":
        rows = list(range(len(frame)))
        rows[i], rows[j] = rows[j], rows[i]
        return frame.iloc[rows]
    if kind == "cell":
        out = frame.copy()
        out.iloc[i, list(frame.columns).index(col)] = rnd.choice(CELLS)
        return out
    if kind == "rename":
        return frame.rename(columns={col: col + "_x"})
    return frame.drop(columns=[col])


@settings(FUZZ, max_examples=15)
@given(rnd=st.randoms(use_true_random=False))
def test_mutated_logs_are_checked_or_refused_cleanly(
    rnd: random.Random, small_log: tuple[Path, pd.DataFrame]
) -> None:
    scenario, frame = small_log
    for _ in range(rnd.randint(1, 2)):
        frame = _mutate_log(rnd, frame.reset_index(drop=True))
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    raw = buffer.getvalue().encode("utf-8")
    if rnd.random() < 0.5:
        at = rnd.randint(0, len(raw))
        cut = rnd.random() < 0.5
        raw = raw[:at] if cut else raw[:at] + rnd.choice(BAD_BYTES) + raw[at:]
    with tempfile.TemporaryDirectory(prefix="govsim-fuzz-") as tmp:
        path = Path(tmp) / "events.csv"
        path.write_bytes(raw)
        result = CliRunner().invoke(main, ["check", str(path), "--scenario", str(scenario)])
        problems = _assert_clean_exit(result, Path(tmp), (0, 1, 2))
        if problems:
            (line,) = problems
            assert line.startswith(f"govsim check: {path}"), line
