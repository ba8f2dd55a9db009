"""The command line starts light: ``--version``, ``--help`` and ``validate`` load no heavy module.

pandas, pyarrow and matplotlib together cost about a second of CPU at import; a user asking
for the version or the help, or checking a scenario file, should not pay for them. Each case
runs the command in a fresh interpreter under ``python -X importtime``, which lists every
module the process imported, so a stray top-level import anywhere on the path is caught.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import govsim

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(govsim.__file__).resolve().parents[1]
HEAVY = {"pandas", "pyarrow", "matplotlib"}


def imported_packages(*args: str) -> set[str]:
    """Top-level packages imported by ``python -X importtime ARGS`` (which must exit 0)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    assert "govsim" in names, "importtime listed no govsim module: the probe is broken"
    return names


@pytest.mark.parametrize(
    "command",
    [["--version"], ["--help"], ["validate", "scenarios/jining.toml"]],
    ids=["version", "help", "validate"],
)
def test_light_commands_load_no_heavy_module(command: list[str]) -> None:
    loaded = imported_packages("-m", "govsim", *command)
    assert not loaded & HEAVY, f"govsim {' '.join(command)} imported {sorted(loaded & HEAVY)}"


def test_probe_sees_a_heavy_import() -> None:
    """The report module uses pandas: the probe must see it, or the test above proves nothing."""
    assert "pandas" in imported_packages("-c", "import govsim.report")
