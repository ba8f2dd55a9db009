"""The event log as OCEL 2.0 JSON (object-centric), event by event; see :mod:`govsim.export`."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.core.files import atomic_write
from govsim.core.org import GO, Organisation
from govsim.export.columns import EventColumns, case_label, event_columns, iso_times
from govsim.log import ACTIVITIES
from govsim.log.read import OBJECT_COLUMNS
from govsim.log.schema import ACTIVITY_SPECS

OCEL_STATIC_TIME = "1970-01-01T00:00:00+00:00"
"""Time stamp of attributes that hold for the whole log (the organisation), by the
convention of OCEL 2.0 tools: the epoch."""

ACTOR_QUALIFIER: dict[str, str] = {
    s.name: s.actor_qualifier for s in ACTIVITY_SPECS if s.actor_qualifier
}
"""OCEL qualifier of the actor's link, per activity (``actor`` otherwise), from the schema."""

TARGET_QUALIFIER: dict[str, str] = {
    s.name: s.target_qualifier for s in ACTIVITY_SPECS if s.target_qualifier
}
"""OCEL qualifier of the target's link, per activity (``target`` otherwise), from the schema."""


OCEL_OPTIONAL_EVENT_ATTRIBUTES = (
    ("outcome", "string"),
    ("deadline", "time"),
    ("start", "time"),
    ("effort", "float"),
)
"""Event attributes an OCEL event carries only where the log has a value, with their type."""

OCEL_ORG_OBJECT_TYPES: list[dict[str, Any]] = [
    {
        "name": "document",
        "attributes": [
            {"name": "case_type", "type": "string"},
            {"name": "major", "type": "boolean"},
            {"name": "poor_quality", "type": "boolean"},
        ],
    },
    {
        "name": "leader",
        "attributes": [{"name": "role", "type": "string"}, {"name": "name", "type": "string"}],
    },
    {
        "name": "department",
        "attributes": [{"name": "kind", "type": "string"}, {"name": "name", "type": "string"}],
    },
    {"name": "general_office", "attributes": [{"name": "name", "type": "string"}]},
]
"""The object types every OCEL export has: documents (cases) and the organisation."""


def _object_type(org: Organisation, actor: str) -> str:
    if actor == GO:
        return "general_office"
    if actor in org.leader_roles:
        return "leader"
    return "department"


def _obj(org: Organisation, actor: str) -> str:
    """The OCEL object id of an actor: ``leader:mayor``, ``department:fgw``, …"""
    return f"{_object_type(org, actor)}:{actor}"


def _doc(case: int, labels: Sequence[str] | None) -> str:
    """The OCEL object id of a case: ``document:<label>``."""
    return f"document:{case_label(case, labels)}"


def _ocel_event_types(cols: EventColumns) -> list[dict[str, Any]]:
    """Event types (the documented activities first, in their order), each with the optional
    attributes that occur for it (effort only where it is finite)."""
    activity = cols.text["activity"]
    present = [a for a in ACTIVITIES if a in set(activity)]
    extra = sorted(set(activity) - set(ACTIVITIES) - {None})  # type: ignore[arg-type]
    act_arr = np.asarray(activity, dtype=object)
    event_types = []
    for name in present + extra:
        rows = np.flatnonzero(act_arr == name)
        attrs = [
            {"name": key, "type": kind}
            for key, kind in OCEL_OPTIONAL_EVENT_ATTRIBUTES
            if key != "effort" and any(cols.text[key][i] is not None for i in rows)
        ]
        if np.isfinite(cols.value[rows]).any():
            attrs.append({"name": "effort", "type": "float"})
        event_types.append({"name": name, "attributes": attrs})
    return event_types


def _ocel_org_objects(org: Organisation, names: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """Leaders (role, portfolio, substitute), units (kind) and the GO, each with its name."""
    portfolio: dict[str, list[str]] = {}
    for dept, leader in org.portfolio_owner.items():
        portfolio.setdefault(leader, []).append(dept)
    for a in org.actors:
        kind = _object_type(org, a)
        attrs: list[dict[str, str]] = []
        rels: list[dict[str, str]] = []
        if kind == "leader":
            attrs.append({"name": "role", "value": org.leader_roles[a]})
            rels += [
                {"objectId": _obj(org, d), "qualifier": "in charge of"}
                for d in portfolio.get(a, [])
                if d in org.code
            ]
            if a in org.substitute:
                rels.append({"objectId": _obj(org, org.substitute[a]), "qualifier": "substitute"})
        elif kind == "department":
            attrs.append({"name": "kind", "value": org.unit_kinds[a]})
        attrs.append({"name": "name", "value": names.get(a, "市政府办公室" if a == GO else a)})
        for at in attrs:
            at["time"] = OCEL_STATIC_TIME
        yield {"id": _obj(org, a), "type": kind, "attributes": attrs, "relationships": rels}


def _ocel_documents(
    cases: pd.DataFrame, org: Organisation, cal: WorkCalendar, labels: Sequence[str] | None
) -> Iterator[dict[str, Any]]:
    """One document object per case, linked to its sender and matter."""
    created = iso_times(cal, cases["created"].to_numpy())
    for k, row in enumerate(cases.itertuples(index=False)):
        at = created[k] or OCEL_STATIC_TIME
        flags = {"major": row.major, "poor_quality": row.poor_quality}
        yield {
            "id": _doc(int(row.case), labels),
            "type": "document",
            "attributes": [
                {"name": "case_type", "value": str(row.case_type), "time": at},
                *(
                    {"name": key, "value": "true" if flag else "false", "time": at}
                    for key, flag in flags.items()
                ),
            ],
            "relationships": [
                {"objectId": _obj(org, str(row.sender)), "qualifier": "sender"},
                {"objectId": _obj(org, str(row.matter)), "qualifier": "matter"},
            ],
        }


def _ocel_column_objects(cols: EventColumns) -> Iterator[dict[str, Any]]:
    """Objects named in the object columns (countersign, meeting, ledger item), once each."""
    for col, ids in cols.objects.items():
        for oid in dict.fromkeys(i for i in ids if i is not None):
            yield {"id": f"{col}:{oid}", "type": OBJECT_COLUMNS[col], "attributes": []}


def _ocel_events(
    cols: EventColumns, org: Organisation, labels: Sequence[str] | None
) -> Iterator[dict[str, Any]]:
    """Every event of the log, ``e<row>``, with its optional attributes and its links: its
    document, actor, target, the leader acted for and the objects of the object columns."""
    text = cols.text
    activity, actor, target, on_behalf = (
        text[k] for k in ("activity", "actor", "target", "on_behalf")
    )
    optional = [(key, text[key]) for key, _ in OCEL_OPTIONAL_EVENT_ATTRIBUTES]
    objects = [(col, ids, OBJECT_COLUMNS[col]) for col, ids in cols.objects.items()]
    cases_arr = cols.events["case"].to_numpy()
    for i in range(len(cols.events)):
        act = activity[i] or ""
        linked = (
            (actor[i], ACTOR_QUALIFIER.get(act, "actor")),
            (target[i], TARGET_QUALIFIER.get(act, "target")),
            (on_behalf[i], "on behalf of"),
        )
        rels = [{"objectId": _doc(int(cases_arr[i]), labels), "qualifier": "document"}]
        rels += [{"objectId": _obj(org, a), "qualifier": q} for a, q in linked if a is not None]
        rels += [
            {"objectId": f"{col}:{ids[i]}", "qualifier": q}
            for col, ids, q in objects
            if ids[i] is not None
        ]
        yield {
            "id": f"e{i}",
            "type": act,
            "time": text["time"][i],
            "attributes": [{"name": key, "value": c[i]} for key, c in optional if c[i] is not None],
            "relationships": rels,
        }


def _dump_array(fh: IO[str], items: Iterator[dict[str, Any]]) -> None:
    """A JSON array written item by item, one compact item a line."""
    fh.write("[")
    for n, item in enumerate(items):
        fh.write(",\n  " if n else "\n  ")
        fh.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
    fh.write("\n]")


def write_ocel(
    path: str | Path,
    events: pd.DataFrame,
    cases: pd.DataFrame,
    org: Organisation,
    cal: WorkCalendar,
    *,
    names: Mapping[str, str] | None = None,
    case_labels: Sequence[str] | None = None,
) -> Path:
    """Write the log as OCEL 2.0 JSON (object-centric: documents, leaders, units, the GO).

    Event ids are ``e<row>`` (the event's position in the log); object ids are
    ``<type>:<id>`` (``document:12``, ``leader:mayor``, ``department:fgw``,
    ``general_office:GO``). Attribute values are strings, as the published schema requires.
    """
    cols = event_columns(events, cal)
    object_types = OCEL_ORG_OBJECT_TYPES + [
        {"name": OBJECT_COLUMNS[col], "attributes": []}
        for col in OBJECT_COLUMNS
        if col in cols.objects
    ]

    def all_objects() -> Iterator[dict[str, Any]]:
        yield from _ocel_org_objects(org, names or {})
        yield from _ocel_documents(cases, org, cal, case_labels)
        yield from _ocel_column_objects(cols)

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write('{\n"objectTypes": ')
            fh.write(json.dumps(object_types, ensure_ascii=False))
            fh.write(',\n"eventTypes": ')
            fh.write(json.dumps(_ocel_event_types(cols), ensure_ascii=False))
            fh.write(',\n"objects": ')
            _dump_array(fh, all_objects())
            fh.write(',\n"events": ')
            _dump_array(fh, _ocel_events(cols, org, case_labels))
            fh.write("\n}\n")

    return atomic_write(Path(path), write)
