"""Scenario files that build on another one (``scenario.base``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govsim.scenario.expand import expand
from govsim.scenario.load import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]


def test_substitution_scenario_builds_on_jining():
    """substitution.toml builds on meetings.toml, which builds on jining.toml."""
    sc = load_scenario(ROOT / "scenarios" / "substitution.toml")
    base = load_scenario(ROOT / "scenarios" / "jining.toml")
    assert sc.scenario.name == "substitution" and sc.scenario.start == base.scenario.start
    assert sc.leaders == base.leaders and sc.departments == base.departments
    assert sc.load.p_mayor_only == 0.02 and sc.load.scale == base.load.scale  # merged key by key
    assert [v.name for v in sc.variants][:2] == ["none", "designated-exec"]  # own variants only
    assert "growth-30" not in [v.name for v in sc.variants]
    assert len(expand(sc)) == 9 * 2
    assert sc.meetings is not None and sc.meetings.enabled


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_error_in_an_inherited_value_names_the_base_file(tmp_path):
    text = (ROOT / "scenarios" / "jining.toml").read_text(encoding="utf-8")
    lines = text.splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith("reviewers = ")) + 1
    lines[n - 1] = "reviewers = 0"
    base = write(tmp_path, "base.toml", "\n".join(lines) + "\n")
    child = write(tmp_path, "child.toml", '[scenario]\nbase = "base.toml"\nname = "child"\n')
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    assert exc.value.problems == [
        f"{base}:{n}: general_office.reviewers: input should be greater than or equal to 1"
    ]


def test_error_in_the_child_names_the_child(tmp_path):
    write(tmp_path, "base.toml", (ROOT / "scenarios" / "jining.toml").read_text(encoding="utf-8"))
    child = write(tmp_path, "child.toml", '[scenario]\nbase = "base.toml"\n\n[load]\nscale = -1\n')
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    assert exc.value.problems == [
        f"{child}:5: load.scale: input should be greater than or equal to 0"
    ]


def test_missing_base_and_cycles(tmp_path):
    child = write(tmp_path, "child.toml", '[scenario]\nname = "c"\nbase = "nope.toml"\n')
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    assert exc.value.problems == [
        f"{child}:3: scenario.base: {tmp_path / 'nope.toml'}: no such file"
    ]
    a = write(tmp_path, "a.toml", '[scenario]\nbase = "b.toml"\n')
    write(tmp_path, "b.toml", '[scenario]\nbase = "a.toml"\n')
    with pytest.raises(ScenarioError, match="includes itself"):
        load_scenario(a)
