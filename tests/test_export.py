"""`govsim export`: XES and OCEL 2.0 files valid against the published schemas, holding exactly
the log's cases and events with times that round-trip; CSV that reads back bit for bit.

The published schemas are kept in ``tests/schemas`` (their sources, versions and licences in
its README).
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from govsim.cli import main
from govsim.export import export_log, iso_times, write_ocel
from govsim.log import ACTIVITIES
from govsim.log.read import TZ, LoadedLog, load_log
from govsim.model.world import simulate

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "jining.toml"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
XES_SCHEMAS = ("xes-ieee-1849-2016.xsd", "xes-ieee-1849-2016-April-15-2020.xsd")
OCEL_SCHEMA = "ocel20-schema-json.json"
TIME_TOLERANCE = 1e-4  # minutes (6 ms); exports keep milliseconds


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A results folder of a real ``govsim run --events all`` (default scenario, 40 days)."""
    base = tmp_path_factory.mktemp("export")
    text = DEFAULT.read_text(encoding="utf-8").replace("horizon_days = 365", "horizon_days = 40")
    assert "horizon_days = 40" in text
    scenario = base / "short.toml"
    scenario.write_text(text, encoding="utf-8")
    out = base / "results"
    result = invoke(
        "run", scenario, "--reps", "2", "--seed", "5", "--out", out, "--workers", "1",
        "--events", "all", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (scenario_dir,) = out.iterdir()
    (folder,) = (p for p in scenario_dir.iterdir() if p.is_dir())
    return {"scenario": scenario, "folder": folder, "base": base}


@pytest.fixture(scope="module")
def log(run: dict[str, Path]) -> LoadedLog:
    return load_log(run["folder"])


@pytest.fixture(scope="module")
def xes(run: dict[str, Path]) -> Path:
    path = run["base"] / "log.xes"
    result = invoke("export", run["folder"], "--format", "xes", "--out", path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def ocel(run: dict[str, Path]) -> Path:
    path = run["base"] / "log.jsonocel"
    result = invoke("export", run["folder"], "--format", "ocel", "--out", path)
    assert result.exit_code == 0, result.output
    return path


def clock(log: LoadedLog, stamp: str) -> float:
    """Clock minutes of an exported time stamp (which must carry the +08:00 offset)."""
    when = dt.datetime.fromisoformat(stamp)
    assert when.utcoffset() == dt.timedelta(hours=8), stamp
    return log.cal.clock_of(when.astimezone(TZ).replace(tzinfo=None))


def attrs(elem: ET.Element) -> dict[str, str]:
    return {child.get("key"): child.get("value") for child in elem if child.get("key")}


# -- the log read back is the simulated log -----------------------------------------------------


def test_loaded_results_are_the_simulated_log(log: LoadedLog) -> None:
    """The first replication of the folder is replication 0 of the baseline, as simulated."""
    assert (log.variant, log.point, log.replication) == ("baseline", "", 0)
    world = simulate(log.scenario, 0, 5)
    pd.testing.assert_frame_equal(log.events, world.log.to_frame())
    pd.testing.assert_frame_equal(log.cases, world.log.cases_frame())


# -- XES ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("schema", XES_SCHEMAS)
def test_xes_is_valid(schema: str, xes: Path) -> None:
    import xmlschema

    xmlschema.XMLSchema(SCHEMAS / schema).validate(xes)


def test_xes_declares_extensions_globals_classifiers(xes: Path) -> None:
    root = ET.parse(xes).getroot()
    assert root.tag == "log" and root.get("xes.version") == "1849.2016"
    prefixes = {e.get("prefix"): e.get("uri") for e in root.findall("extension")}
    assert set(prefixes) == {"concept", "time", "org", "lifecycle"}
    assert all(uri.startswith("http://www.xes-standard.org/") for uri in prefixes.values())
    scopes = {g.get("scope"): attrs(g) for g in root.findall("global")}
    assert set(scopes["trace"]) == {"concept:name"}
    assert {"concept:name", "time:timestamp", "org:resource", "lifecycle:transition"} <= set(
        scopes["event"]
    )
    classifiers = {c.get("name"): c.get("keys") for c in root.findall("classifier")}
    assert classifiers["Activity"] == "concept:name"
    assert all(c.get("scope") == "event" for c in root.findall("classifier"))
    assert attrs(root)["concept:name"] == "jining"


def test_xes_holds_every_case_and_event(xes: Path, log: LoadedLog) -> None:
    root = ET.parse(xes).getroot()
    traces = root.findall("trace")
    assert len(traces) == len(log.cases)
    assert sum(len(t.findall("event")) for t in traces) == len(log.events)
    per_case = log.events.groupby("case").size()
    info = log.cases.set_index("case")
    for trace in traces:
        a = attrs(trace)
        case = int(a["concept:name"])
        assert len(trace.findall("event")) == per_case.get(case, 0)
        row = info.loc[case]
        assert a["case_type"] == row["case_type"]
        assert a["sender"] == row["sender"] and a["matter"] == row["matter"]
        assert a["major"] == str(bool(row["major"])).lower()
        assert a["poor_quality"] == str(bool(row["poor_quality"])).lower()
        assert abs(clock(log, a["created"]) - row["created"]) < TIME_TOLERANCE


def test_xes_events_carry_the_log(xes: Path, log: LoadedLog) -> None:
    """Activity, actor, target, outcome, deadline per event; times round-trip; log order kept."""
    root = ET.parse(xes).getroot()
    ev = log.events
    for trace in root.findall("trace"):
        case = int(attrs(trace)["concept:name"])
        rows = ev.loc[ev["case"] == case]
        for event, (_, row) in zip(trace.findall("event"), rows.iterrows(), strict=True):
            a = attrs(event)
            assert a["concept:name"] == row["activity"]
            assert a["org:resource"] == row["actor"]
            assert a["lifecycle:transition"] == "complete"
            assert abs(clock(log, a["time:timestamp"]) - row["time"]) < TIME_TOLERANCE
            assert a.get("target") == (None if pd.isna(row["target"]) else row["target"])
            assert a.get("outcome") == (None if pd.isna(row["outcome"]) else row["outcome"])
            if pd.isna(row["deadline"]):
                assert "deadline" not in a
            else:
                assert abs(clock(log, a["deadline"]) - row["deadline"]) < TIME_TOLERANCE
            if not pd.isna(row["value"]):
                assert float(a["effort"]) == row["value"]
    types = {child.tag for e in root.iter("event") for child in e if child.get("key") == "deadline"}
    assert types == {"date"}


def test_xes_role_of_actors(xes: Path, log: LoadedLog) -> None:
    org = log.org
    expected = {"GO": "general_office", **org.leader_roles, **org.unit_kinds}
    pairs = {
        (a["org:resource"], a["org:role"])
        for a in map(attrs, ET.parse(xes).getroot().iter("event"))
    }
    assert ("GO", "general_office") in pairs
    assert all(expected[actor] == role for actor, role in pairs)


# -- OCEL 2.0 -----------------------------------------------------------------------------------


def test_ocel_is_valid(ocel: Path) -> None:
    import jsonschema

    schema = json.loads((SCHEMAS / OCEL_SCHEMA).read_text(encoding="utf-8-sig"))
    validator = jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    data = json.loads(ocel.read_text(encoding="utf-8"))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert errors == [], errors[:3]
    for event in data["events"][:50]:  # the format checker may lack an RFC 3339 backend
        assert dt.datetime.fromisoformat(event["time"]).utcoffset() == dt.timedelta(hours=8)


def test_ocel_objects_and_events(ocel: Path, log: LoadedLog) -> None:
    data = json.loads(ocel.read_text(encoding="utf-8"))
    types = [t["name"] for t in data["objectTypes"]]
    assert types == ["document", "leader", "department", "general_office"]  # no future types
    objects = {o["id"]: o for o in data["objects"]}
    assert len(objects) == len(data["objects"])
    assert Counter(o["type"] for o in objects.values()) == {
        "document": len(log.cases),
        "leader": len(log.org.leaders),
        "department": len(log.org.units),
        "general_office": 1,
    }
    assert len(data["events"]) == len(log.events)
    assert [t["name"] for t in data["eventTypes"]] == [
        a for a in ACTIVITIES if a in set(log.events["activity"].astype(str))
    ]
    ev = log.events
    for i, event in enumerate(data["events"]):
        row = ev.iloc[i]
        assert event["id"] == f"e{i}" and event["type"] == row["activity"]
        assert abs(clock(log, event["time"]) - row["time"]) < TIME_TOLERANCE
        rels = {(r["objectId"], r["qualifier"]) for r in event["relationships"]}
        ids = {oid for oid, _ in rels}
        assert ids <= set(objects), ids - set(objects)
        assert (f"document:{row['case']}", "document") in rels
        assert any(oid.endswith(f":{row['actor']}") for oid in ids - {f"document:{row['case']}"})
        if not pd.isna(row["target"]):
            assert any(oid.endswith(f":{row['target']}") and q != "document" for oid, q in rels)
        values = {a["name"]: a["value"] for a in event["attributes"]}
        assert values.get("outcome") == (None if pd.isna(row["outcome"]) else row["outcome"])
        if not pd.isna(row["deadline"]):
            assert abs(clock(log, values["deadline"]) - row["deadline"]) < TIME_TOLERANCE


def test_ocel_organisation_relations(ocel: Path, log: LoadedLog) -> None:
    data = json.loads(ocel.read_text(encoding="utf-8"))
    objects = {o["id"]: o for o in data["objects"]}
    mayor = objects[f"leader:{log.org.mayor}"]
    assert {"name": "role", "value": "mayor"} in [
        {k: a[k] for k in ("name", "value")} for a in mayor["attributes"]
    ]
    in_charge = {r["objectId"] for r in mayor["relationships"] if r["qualifier"] == "in charge of"}
    owned = {d for d, ld in log.org.portfolio_owner.items() if ld == log.org.mayor}
    assert in_charge == {f"department:{d}" for d in owned}
    first = objects["document:0"]
    rels = {r["qualifier"]: r["objectId"] for r in first["relationships"]}
    row = log.cases.iloc[0]
    assert rels == {
        "sender": f"department:{row['sender']}",
        "matter": f"department:{row['matter']}",
    }


def test_ocel_declares_future_object_types_only_when_present(log: LoadedLog, tmp_path: Path):
    events = log.events.copy()
    events["meeting"] = None
    events.loc[events.index[:3], "meeting"] = "exec-2025-01"
    events.loc[events.index[3], "meeting"] = "exec-2025-02"
    events["ledger_item"] = None  # the column exists but holds nothing: not declared
    path = write_ocel(tmp_path / "x.jsonocel", events, log.cases, log.org, log.cal)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [t["name"] for t in data["objectTypes"]][-1] == "meeting"
    assert "ledger item" not in [t["name"] for t in data["objectTypes"]]
    meetings = [o["id"] for o in data["objects"] if o["type"] == "meeting"]
    assert meetings == ["meeting:exec-2025-01", "meeting:exec-2025-02"]
    linked = [
        r["objectId"]
        for e in data["events"]
        for r in e["relationships"]
        if r["qualifier"] == "meeting"
    ]
    assert linked == ["meeting:exec-2025-01"] * 3 + ["meeting:exec-2025-02"]
    if SCHEMAS.is_dir():
        import jsonschema

        schema = json.loads((SCHEMAS / OCEL_SCHEMA).read_text(encoding="utf-8-sig"))
        jsonschema.validate(data, schema)


# -- CSV and selection --------------------------------------------------------------------------


def test_csv_round_trips_bit_for_bit(run: dict[str, Path], log: LoadedLog) -> None:
    path = run["base"] / "log.csv"
    result = invoke("export", run["folder"], "--format", "csv", "--out", path)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(path)
    assert len(frame) == len(log.events)
    assert list(frame.columns[:3]) == ["variant", "point", "replication"]
    back = load_log(path, scenario=run["scenario"])
    pd.testing.assert_frame_equal(back.events, log.events)
    pd.testing.assert_frame_equal(back.cases, log.cases)
    stamps = [clock(log, s) for s in frame["timestamp"]]
    assert np.allclose(stamps, log.events["time"], atol=TIME_TOLERANCE, rtol=0)


def test_export_selects_the_requested_replication(run: dict[str, Path]) -> None:
    events = pd.read_parquet(run["folder"] / "events.parquet")
    cases = pd.read_parquet(run["folder"] / "cases.parquet")
    pick = (events["variant"] == "growth-30") & (events["replication"] == 1)
    n_cases = ((cases["variant"] == "growth-30") & (cases["replication"] == 1)).sum()
    path = run["base"] / "growth.xes"
    result = invoke(
        "export", run["folder"], "--format", "xes", "--out", path,
        "--variant", "growth-30", "--replication", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    root = ET.parse(path).getroot()
    assert len(root.findall("trace")) == n_cases
    assert sum(1 for _ in root.iter("event")) == pick.sum()
    log_attrs = attrs(root)
    assert (log_attrs["variant"], log_attrs["replication"]) == ("growth-30", "1")


def test_export_from_an_events_file(run: dict[str, Path], tmp_path: Path) -> None:
    """A Parquet events file with its cases file beside it, and the scenario given."""
    for name in ("events.parquet", "cases.parquet"):
        (tmp_path / name).write_bytes((run["folder"] / name).read_bytes())
    out = tmp_path / "e.jsonocel"
    result = invoke(
        "export", tmp_path / "events.parquet", "--format", "ocel", "--out", out,
        "--scenario", run["scenario"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["events"]
    result = invoke("export", tmp_path / "events.parquet", "--format", "ocel", "--out", out)
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "--scenario" in result.stderr


def test_text_case_ids_name_traces_and_documents(run: dict[str, Path], tmp_path: Path) -> None:
    csv = tmp_path / "log.csv"
    assert invoke("export", run["folder"], "--format", "csv", "--out", csv).exit_code == 0
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    frame["case"] = "QS-" + frame["case"]
    frame.to_csv(csv, index=False)
    log = load_log(csv, scenario=run["scenario"])
    assert log.case_labels is not None
    xes, ocel = tmp_path / "t.xes", tmp_path / "t.jsonocel"
    export_log(log, "xes", xes)
    export_log(log, "ocel", ocel)
    names = [attrs(t)["concept:name"] for t in ET.parse(xes).getroot().findall("trace")]
    assert names == log.case_labels and names[0] == "QS-0"
    docs = [o["id"] for o in json.loads(ocel.read_text("utf-8"))["objects"]]
    assert "document:QS-0" in docs


def test_writes_are_atomic(run: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "sub" / "log.xes"
    result = invoke("export", run["folder"], "--format", "xes", "--out", out)
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.parent.iterdir()] == ["log.xes"]  # no temporary left behind
    result = invoke("export", run["folder"], "--format", "xes", "--out", tmp_path)  # a folder
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]


def test_iso_times_have_the_city_offset_and_milliseconds(log: LoadedLog) -> None:
    stamps = iso_times(log.cal, [0.0, 570.25, float("nan")])
    assert stamps[0] == f"{log.cal.start.isoformat()}T00:00:00.000+08:00"
    assert stamps[1] == f"{log.cal.start.isoformat()}T09:30:15.000+08:00"
    assert stamps[2] is None
