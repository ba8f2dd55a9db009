"""House style that a linter can hold: ``ruff check`` is clean and no function is too long.

``pyproject.toml`` selects the rules, including mccabe complexity (C901) at most 15; a
function over :data:`MAX_FUNCTION_LINES` lines is split into named pieces whatever its
complexity, because a reader must be able to hold it whole.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_FUNCTION_LINES = 100


def ruff_binary() -> str | None:
    """The ruff executable of the installed ``ruff`` package, else one on PATH, else None."""
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff")


def test_ruff_check_is_clean() -> None:
    ruff = ruff_binary()
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]' brings it)")
    proc = subprocess.run(
        [ruff, "check", "--no-cache", "--output-format", "concise", "src", "tests"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]


def long_functions(root: Path, limit: int) -> list[str]:
    """``path:line name (N lines)`` for every function under ``root`` longer than ``limit``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    where = path.relative_to(root.parent)
                    found.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_is_over_the_limit() -> None:
    offenders = long_functions(ROOT / "src", MAX_FUNCTION_LINES)
    assert not offenders, "functions to split:\n" + "\n".join(offenders)


def test_long_functions_finds_a_long_one(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(5))
    (tmp_path / "m.py").write_text(f"def short():\n    pass\n\n\ndef long():\n{body}\n")
    assert long_functions(tmp_path, 5) == [f"{tmp_path.name}/m.py:5 long (6 lines)"]
