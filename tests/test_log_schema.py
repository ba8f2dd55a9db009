"""The event-log schema (govsim.log.schema) against what the model logs and what the code names.

Every row the model logs on short runs of the shipped scenarios obeys its activity's
specification (actor role, target, deadline, outcome, value, start, on_behalf, reason); every
activity-like string literal in the package is an activity of the schema; and a broken
specification is caught.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govsim.core.org import GO, Organisation
from govsim.log import ACTIVITIES as LOG_ACTIVITIES
from govsim.log import OUTCOMES as LOG_OUTCOMES
from govsim.log import schema, schema_doc
from govsim.log.read import LogError, normalise
from govsim.log.schema import ACTIVITIES, ACTIVITY_PREFIXES, ACTIVITY_SPECS, ROLES, ActivitySpec
from govsim.model.world import World, simulate
from govsim.scenario.expand import expand
from govsim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "govsim"
SHIPPED = ("jining", "meetings", "ledger", "substitution")
DAYS = {"jining": 45, "meetings": 100, "ledger": 75, "substitution": 60}
"""Horizon of each short run: long enough for its parts (monthly meetings, dekad pushes,
monthly dispatches) to happen a few times."""


def _short_copy(folder: Path, name: str) -> Path:
    """The shipped scenario ``name`` (and the files it builds on, down to jining.toml) with a
    short horizon."""
    for file in ("jining.toml", "meetings.toml", f"{name}.toml"):
        shutil.copy(ROOT / "scenarios" / file, folder / file)
    base = folder / "jining.toml"
    text = base.read_text(encoding="utf-8")
    assert "horizon_days = 365" in text
    base.write_text(text.replace("horizon_days = 365", f"horizon_days = {DAYS[name]}"), "utf-8")
    return folder / f"{name}.toml"


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, World]:
    """One replication of each shipped scenario's baseline, on a short horizon."""
    out = {}
    for name in SHIPPED:
        path = _short_copy(tmp_path_factory.mktemp(name), name)
        out[name] = simulate(expand(load_scenario(path))[0].scenario, 0, seed=11)
    return out


@pytest.fixture(scope="module")
def runs(worlds: dict[str, World]) -> dict[str, tuple[pd.DataFrame, Organisation]]:
    """Events and organisation of each run."""
    return {name: (w.log.to_frame(), w.org) for name, w in worlds.items()}


def actor_kinds(org: Organisation) -> dict[str, str]:
    """Each actor's kind: ``GO``, the leader's role or the unit's kind."""
    return {GO: "GO", **org.leader_roles, **org.unit_kinds}


def _pairs(specs: Iterable[ActivitySpec], field: str) -> set[tuple[str, str]]:
    """(activity, allowed value) pairs of a tuple-valued field of the specifications."""
    return {(s.name, v) for s in specs for v in getattr(s, field)}


def _bad_pairs(events: pd.DataFrame, column: pd.Series, allowed: set[tuple[str, str]]) -> pd.Series:
    """Rows whose (activity, column) pair is not allowed; a missing column value is allowed."""
    pairs = pd.MultiIndex.from_arrays([events["activity"].astype(str), column.astype(object)])
    return pd.Series(~pairs.isin(list(allowed)) & column.notna().to_numpy(), index=events.index)


def spec_violations(
    events: pd.DataFrame, org: Organisation, specs: tuple[ActivitySpec, ...]
) -> list[str]:
    """Each way a simulated log departs from ``specs``: one line per activity and rule."""
    by_name = {s.name: s for s in specs}
    act = events["activity"].astype(str)
    field = {
        key: act.map({s.name: getattr(s, key) is not None and getattr(s, key) is not False
                      for s in specs})
        for key in ("target", "deadline", "value", "start", "on_behalf")
    }  # fmt: skip
    needs = {key: act.map({s.name: getattr(s, f"needs_{key}") for s in specs})
             for key in ("target", "deadline", "outcome")}  # fmt: skip
    present = {key: events[key].notna() for key in (*field, "outcome")}
    kinds = events["actor"].astype(object).map(actor_kinds(org))
    role_pairs = {(s.name, k) for s in specs for k in ROLES[s.actor].kinds}
    rules = {
        "unknown activity": ~act.isin(list(by_name)),
        "actor not of its role": _bad_pairs(events, kinds, role_pairs),
        "target missing": needs["target"] & ~present["target"],
        "deadline missing": needs["deadline"] & ~present["deadline"],
        "outcome missing": needs["outcome"] & ~present["outcome"],
        "outcome not allowed": _bad_pairs(events, events["outcome"], _pairs(specs, "outcomes")),
        "reason not allowed": _bad_pairs(events, events["reason"], _pairs(specs, "reasons")),
        **{f"{key} present but not in the spec": ~field[key] & present[key] for key in field},
        "value missing": field["value"] & ~present["value"],
        "start missing": field["start"] & ~present["start"],
    }
    found = []
    for rule, bad in rules.items():
        bad = bad.fillna(False).astype(bool)
        for name, n in act[bad.to_numpy()].value_counts().items():
            first = events.loc[bad & (act == name)].iloc[0]
            found.append(f"{name}: {rule} ({n} rows, e.g. {first.to_dict()})")
    return found


def test_vocabularies_of_the_writer_come_from_the_schema() -> None:
    """Same names in the same order: codes, and so results, are unchanged."""
    assert LOG_ACTIVITIES is ACTIVITIES
    assert LOG_OUTCOMES is schema.OUTCOMES
    assert len(set(ACTIVITIES)) == len(ACTIVITIES) == len(ACTIVITY_SPECS)
    every_outcome = {o for s in ACTIVITY_SPECS for o in s.outcomes}
    assert every_outcome <= set(schema.OUTCOMES)
    assert {r for s in ACTIVITY_SPECS for r in s.reasons} <= set(schema.REASONS)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_logged_row_obeys_its_activity_spec(runs, name: str) -> None:
    events, org = runs[name]
    assert len(events) > 1000
    assert spec_violations(events, org, ACTIVITY_SPECS) == []


def test_the_short_runs_exercise_most_of_the_schema(runs) -> None:
    """The conformance test means something only for activities the runs log."""
    logged = set().union(*(set(f["activity"].astype(str)) for f, _ in runs.values()))
    assert len(logged) >= 85, sorted(set(ACTIVITIES) - logged)


def _broken(name: str, **change: object) -> tuple[ActivitySpec, ...]:
    """A copy of the specifications with one activity's fields changed."""
    return tuple(dataclasses.replace(s, **change) if s.name == name else s for s in ACTIVITY_SPECS)


@pytest.mark.parametrize(
    ("name", "change", "rule"),
    [
        ("go.reviewed", {"outcomes": ("pass", "return")}, "outcome not allowed"),
        ("doc.routed", {"actor": "unit"}, "actor not of its role"),
        ("doc.involves", {"target": None, "needs_target": False}, "target present"),
        ("leader.instructed", {"target": "someone", "needs_target": True}, "target missing"),
        ("go.received", {"value": "effort"}, "value missing"),
        ("doc.signed", {"reasons": ()}, "reason not allowed"),
        ("leader.approved", {"on_behalf": False}, "on_behalf present"),
    ],
)
def test_a_broken_spec_fails_conformance(runs, name: str, change: dict, rule: str) -> None:
    events, org = runs["substitution"]
    found = spec_violations(events, org, _broken(name, **change))
    assert found and all(line.startswith(f"{name}: {rule}") for line in found), found


# -- activity names in the code -----------------------------------------------------------------

_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _stream_names(tree: ast.AST) -> set[int]:
    """ids of string constants naming a random stream (``streams["go.review"]``, ``bind(
    "go.review", …)``): another namespace, which shares prefixes with activities."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
            out.update([id(node.slice)] if node.value.attr == "streams" else [])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
            out.update([id(node.args[0])] if node.func.id == "bind" else [])
    return out


def activity_like_literals(files: Iterable[Path]) -> list[tuple[Path, int, str]]:
    """String constants shaped like an activity (``prefix.name``) whose prefix is an
    activity prefix, random-stream names excepted."""
    found = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        streams = _stream_names(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            text = node.value
            prefix = text.split(".")[0]
            if _NAME.match(text) and prefix in ACTIVITY_PREFIXES and id(node) not in streams:
                found.append((path, node.lineno, text))
    return found


def test_every_activity_named_in_the_code_is_in_the_schema() -> None:
    """Checks, KPIs and exports name activities as strings: a typo or a renamed activity would
    silently match nothing. Covers every module of the package (checks/, kpis/, export/ …)."""
    files = sorted(SRC.rglob("*.py"))
    assert SRC / "checks" / "documents.py" in files and SRC / "kpis" / "documents.py" in files
    literals = activity_like_literals(files)
    assert len(literals) > 300  # the scan sees the checks' hundreds of names
    unknown = [f"{p.relative_to(ROOT)}:{line}: {text}" for p, line, text in literals
               if text not in ACTIVITIES]  # fmt: skip
    assert unknown == []


def test_the_literal_scan_catches_a_misspelt_activity(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        'ACTS = ("doc.routed", "doc.rooted", "general_office.reviewers")\n'
        'x = w.streams["go.review"]\ny = bind("justice.review", spec)\n',
        encoding="utf-8",
    )
    found = [text for _, _, text in activity_like_literals([module])]
    assert found == ["doc.routed", "doc.rooted"]
    assert [t for t in found if t not in ACTIVITIES] == ["doc.rooted"]


def test_named_groups_are_activities_of_the_schema() -> None:
    groups = {
        k: v
        for k, v in vars(schema).items()
        if k.endswith(("_ACTS", "_STEPS", "_MARKS")) and isinstance(v, tuple)
    }
    assert len(groups) >= 10
    for name, group in groups.items():
        assert group and set(group) <= set(ACTIVITIES), name
    assert schema.HANDOVER_ACTS == (
        "doc.routed",
        "doc.rerouted",
        "doc.sent_for_review",
        "doc.sent_for_signature",
    )
    assert schema.TERMINAL_ACTS == ("doc.withdrawn", "doc.closed", "ledger.closed")
    assert np.all([schema.SPEC[a].needs_deadline for a in schema.WORKING_DAY_DEADLINE_ACTS])


# -- the reader takes its rules from the schema -------------------------------------------------


@pytest.mark.parametrize("name", SHIPPED)
def test_the_reader_reads_a_simulated_log_back_unchanged(worlds, name: str) -> None:
    w = worlds[name]
    events, cases = w.log.to_frame(), w.log.cases_frame()
    got_events, got_cases, labels = normalise(events, cases, w.org, w.cal)
    assert labels is None
    pd.testing.assert_frame_equal(got_events, events)
    pd.testing.assert_frame_equal(got_cases, cases)


def _tamper(w: World, activity: str, **cells: object) -> pd.DataFrame:
    """The events as text cells with the first row of ``activity`` changed."""
    events = w.log.to_frame().astype(object)
    row = events.index[events["activity"] == activity][0]
    for column, value in cells.items():
        events.at[row, column] = value
    return events


@pytest.mark.parametrize(
    ("activity", "cells", "message"),
    [
        ("go.reviewed", {"outcome": "agree"}, "go.reviewed has outcome 'agree'; expected pass or "
         "return or redirect"),
        ("doc.routed", {"outcome": "pass"}, "doc.routed has outcome 'pass'; expected no outcome"),
        ("cs.replied", {"outcome": None}, "cs.replied has no outcome; expected agree or object"),
        ("dept.replied", {"target": None}, "dept.replied needs a target"),
        ("dept.replied", {"deadline": np.nan}, "dept.replied needs a deadline"),
        ("doc.submitted", {"target": ""}, "doc.submitted needs a target"),
    ],
)  # fmt: skip
def test_the_reader_refuses_what_the_schema_does_not_allow(
    worlds, activity: str, cells: dict, message: str
) -> None:
    w = worlds["jining"]
    events = _tamper(w, activity, **cells)
    line = int(events.index[events["activity"] == activity][0]) + 2
    with pytest.raises(LogError) as err:
        normalise(events, w.log.cases_frame(), w.org, w.cal, source="oa.csv", csv=True)
    assert str(err.value) == f"oa.csv: line {line}: {message}"


# -- the documentation --------------------------------------------------------------------------


def test_the_documented_activity_table_is_the_schema() -> None:
    """docs/event-log.md's activity table is generated from the schema (regenerate it with
    ``python -m govsim.log.schema_doc docs/event-log.md``)."""
    text = (ROOT / "docs" / "event-log.md").read_text(encoding="utf-8")
    table = schema_doc.current_table(text)
    assert table, "docs/event-log.md lost its activity table markers"
    assert table == schema_doc.activity_table()
    for spec in ACTIVITY_SPECS:
        assert f"| `{spec.name}` |" in table


def test_a_changed_spec_shows_in_the_table(tmp_path: Path, monkeypatch) -> None:
    doc = tmp_path / "event-log.md"
    doc.write_text(f"prose\n\n{schema_doc.activity_table()}\n\nmore prose\n", encoding="utf-8")
    assert not schema_doc.update(doc)
    broken = _broken("go.reviewed", outcomes=("pass", "return"))
    monkeypatch.setattr(schema_doc, "ACTIVITY_SPECS", broken)
    assert schema_doc.update(doc)
    text = doc.read_text(encoding="utf-8")
    assert "`pass` / `return` |" in text and "`redirect`" not in text
    assert text.startswith("prose\n") and text.endswith("\n\nmore prose\n")
