"""Exporting an event log for process-mining tools: XES, OCEL 2.0 (JSON) and CSV.

* **XES** (IEEE Std 1849-2016): one trace per case (a document) with the case attributes,
  one event per log row with ``concept:name`` (activity), ``time:timestamp`` (with the
  city's UTC offset, +08:00), ``org:resource`` (actor), ``org:role``,
  ``lifecycle:transition`` (``complete``) and, where present, ``on_behalf``, ``target``,
  ``outcome``, ``deadline``, ``start`` and ``effort``. The standard extensions (concept, time,
  org, lifecycle), globals and classifiers are declared. Valid against both published log
  schemas (2016 and the April 2020 revision).
* **OCEL 2.0 JSON**: object types ``document`` (a case), ``leader``, ``department`` (every
  unit: department, county, dispatched zone) and ``general_office``, plus ``countersign``,
  ``meeting`` and ``ledger item`` only when the log has such objects; every event is linked
  to every object it touches (its document, the actor, the target, the leader acted for)
  with a qualifier; documents are linked to their sender and matter, leaders to the
  departments in their portfolio and their substitute. Valid against the published JSON
  schema, which types every attribute value as a string (so numbers are written as strings).
* **CSV**: the documented log schema, events with the case attributes joined, readable back
  by ``govsim check`` (``docs/event-log.md``).

All three are written with the standard library, trace by trace or event by event (so a
large log is never held twice as a document tree), to a temporary name renamed over the
target (:func:`govsim.core.files.atomic_write`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from govsim import __version__
from govsim.core.calendar import WorkCalendar
from govsim.core.files import atomic_write
from govsim.core.org import GO, Organisation
from govsim.log import ACTIVITIES
from govsim.log.read import CASE_ATTRIBUTES, EVENT_COLUMNS, OBJECT_COLUMNS, TZ, LoadedLog

__all__ = [
    "FORMATS",
    "actor_role",
    "export_log",
    "iso_times",
    "joined_frame",
    "write_csv_log",
    "write_ocel",
    "write_xes",
]

FORMATS = ("xes", "ocel", "csv")

XES_VERSION = "1849.2016"
"""``xes.version`` is an ``xs:decimal`` in the published schema, so IEEE 1849-2016 is
written as the decimal ``1849.2016``."""

XES_EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
    ("Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"),
)
XES_CLASSIFIERS = (
    ("Activity", "concept:name"),
    ("Resource", "org:resource"),
    ("ActivityLifecycle", "concept:name lifecycle:transition"),
)

OCEL_STATIC_TIME = "1970-01-01T00:00:00+00:00"
"""Time stamp of attributes that hold for the whole log (the organisation), by the
convention of OCEL 2.0 tools: the epoch."""

ACTOR_QUALIFIER: dict[str, str] = {
    "doc.submitted": "submitted by",
    "go.received": "received by",
    "go.reviewed": "reviewed by",
    "doc.withdrawn": "withdrawn by",
    "doc.routed": "routed by",
    "leader.approved": "approved by",
    "leader.circle_read": "read by",
    "leader.instructed": "instructed by",
    "go.transferred": "transferred by",
    "dept.replied": "replied by",
    "instruction.overdue": "recorded by",
    "doc.closed": "closed by",
}
"""OCEL qualifier of the actor's link, per activity (``actor`` otherwise)."""

TARGET_QUALIFIER: dict[str, str] = {
    "doc.submitted": "addressed to",
    "go.reviewed": "returned to",
    "doc.routed": "routed to",
    "go.transferred": "transferred to",
    "dept.replied": "replied to",
    "instruction.overdue": "overdue at",
}
"""OCEL qualifier of the target's link, per activity (``target`` otherwise)."""


def actor_role(org: Organisation, actor: str) -> str:
    """``general_office``, a leader's role (``mayor``, ``vice_mayor``, …) or a unit's kind."""
    if actor == GO:
        return "general_office"
    if actor in org.leader_roles:
        return org.leader_roles[actor]
    return org.unit_kinds.get(actor, "unknown")


def iso_times(cal: WorkCalendar, minutes: Sequence[float] | np.ndarray) -> list[str | None]:
    """Clock minutes → ISO-8601 local date-times with offset, to the millisecond
    (``2025-01-02T09:15:30.250+08:00``); NaN → None."""
    epoch = cal.datetime_of(0.0)
    out: list[str | None] = []
    for t in np.asarray(minutes, dtype=float):
        if math.isnan(t):
            out.append(None)
            continue
        local = epoch + dt.timedelta(milliseconds=round(float(t) * 60_000.0))
        out.append(local.replace(tzinfo=TZ).isoformat(timespec="milliseconds"))
    return out


def _text(values: pd.Series) -> list[str | None]:
    """A column as strings, missing as None."""
    return [None if pd.isna(v) else str(v) for v in values.astype(object)]


def _float_text(x: float) -> str:
    return repr(float(x))


def _case_label(case: int, labels: Sequence[str] | None) -> str:
    return labels[case] if labels is not None else str(case)


def _events_by_case(events: pd.DataFrame) -> dict[int, np.ndarray]:
    """Row positions of each case's events, in log order."""
    if events.empty:
        return {}
    return {int(k): v for k, v in events.groupby("case", sort=False).indices.items()}


@dataclass(frozen=True)
class _Columns:
    """An event log's columns as Python lists of strings (None where missing), the form both
    the XES and the OCEL writer walk event by event; times are ISO-8601 local (+08:00)."""

    events: pd.DataFrame  # the log with a fresh 0..n-1 index
    text: dict[str, list[str | None]]  # time, activity, actor, …, effort (as text)
    value: np.ndarray  # effort in minutes, NaN where missing
    objects: dict[str, list[str | None]]  # object columns that hold at least one id


def _columns(events: pd.DataFrame, cal: WorkCalendar) -> _Columns:
    ev = events.reset_index(drop=True)
    value = ev["value"].to_numpy(dtype=float)
    text = {col: iso_times(cal, ev[col].to_numpy()) for col in ("time", "deadline", "start")}
    for col in ("activity", "actor", "on_behalf", "target", "outcome"):
        text[col] = _text(ev[col])
    text["effort"] = [None if math.isnan(v) else _float_text(v) for v in value]
    objects = {
        col: _text(ev[col]) for col in OBJECT_COLUMNS if col in ev.columns and ev[col].notna().any()
    }
    return _Columns(ev, text, value, objects)


# -- XES ----------------------------------------------------------------------------------------

XES_OPTIONAL_EVENT_ATTRIBUTES = (
    ("on_behalf", "string"),
    ("target", "string"),
    ("outcome", "string"),
    ("deadline", "date"),
    ("start", "date"),
    ("effort", "float"),
)
"""Event attributes an XES event carries only where the log has a value, with their XES type."""


def _xes_attr(parent: ET.Element, kind: str, key: str, value: str) -> None:
    ET.SubElement(parent, kind, key=key, value=value)


def _xes_header(name: str, attributes: Mapping[str, str]) -> Iterator[ET.Element]:
    for ext_name, prefix, uri in XES_EXTENSIONS:
        yield ET.Element("extension", name=ext_name, prefix=prefix, uri=uri)
    trace_global = ET.Element("global", scope="trace")
    _xes_attr(trace_global, "string", "concept:name", "__INVALID__")
    yield trace_global
    event_global = ET.Element("global", scope="event")
    _xes_attr(event_global, "string", "concept:name", "__INVALID__")
    _xes_attr(event_global, "date", "time:timestamp", "1970-01-01T00:00:00.000+00:00")
    _xes_attr(event_global, "string", "org:resource", "__INVALID__")
    _xes_attr(event_global, "string", "lifecycle:transition", "complete")
    yield event_global
    for cls_name, keys in XES_CLASSIFIERS:
        yield ET.Element("classifier", name=cls_name, scope="event", keys=keys)
    log_name = ET.Element("string", key="concept:name", value=name)
    yield log_name
    for key, value in attributes.items():
        yield ET.Element("string", key=key, value=value)


def _write_element(fh: IO[str], elem: ET.Element, level: int) -> None:
    ET.indent(elem, space="  ", level=level)
    fh.write("  " * level + ET.tostring(elem, encoding="unicode") + "\n")


def _xes_event(trace: ET.Element, cols: _Columns, i: int, roles: Mapping[str, str]) -> None:
    """Append event ``i`` of the log to ``trace``: the standard attributes, then those present."""
    text = cols.text
    e = ET.SubElement(trace, "event")
    _xes_attr(e, "string", "concept:name", text["activity"][i] or "")
    _xes_attr(e, "date", "time:timestamp", text["time"][i] or "")
    _xes_attr(e, "string", "org:resource", text["actor"][i] or "")
    _xes_attr(e, "string", "org:role", roles.get(text["actor"][i] or "", "unknown"))
    _xes_attr(e, "string", "lifecycle:transition", "complete")
    for key, kind in XES_OPTIONAL_EVENT_ATTRIBUTES:
        if text[key][i] is not None:
            _xes_attr(e, kind, key, text[key][i])  # type: ignore[arg-type]
    for col, ids in cols.objects.items():
        if ids[i] is not None:
            _xes_attr(e, "string", col, ids[i])


def _xes_trace(row: Any, created: str | None, label: str) -> ET.Element:
    """A trace element with the case attributes of ``row`` (a row of the cases frame)."""
    tr = ET.Element("trace")
    _xes_attr(tr, "string", "concept:name", label)
    _xes_attr(tr, "string", "case_type", str(row.case_type))
    _xes_attr(tr, "string", "sender", str(row.sender))
    _xes_attr(tr, "string", "matter", str(row.matter))
    _xes_attr(tr, "boolean", "major", "true" if row.major else "false")
    _xes_attr(tr, "boolean", "poor_quality", "true" if row.poor_quality else "false")
    if created is not None:
        _xes_attr(tr, "date", "created", created)
    return tr


def write_xes(
    path: str | Path,
    events: pd.DataFrame,
    cases: pd.DataFrame,
    org: Organisation,
    cal: WorkCalendar,
    *,
    name: str = "govsim",
    attributes: Mapping[str, str] | None = None,
    case_labels: Sequence[str] | None = None,
) -> Path:
    """Write the log as an XES file: one trace per row of ``cases`` (in its order), its events
    in log order. ``attributes`` are extra log-level string attributes (source, variant…)."""
    cols = _columns(events, cal)
    roles = {a: actor_role(org, a) for a in org.actors}
    by_case = _events_by_case(cols.events)
    created = iso_times(cal, cases["created"].to_numpy())
    empty = np.zeros(0, dtype=np.int64)

    def trace(k: int, row: Any) -> ET.Element:
        case = int(row.case)
        tr = _xes_trace(row, created[k], _case_label(case, case_labels))
        for i in by_case.get(case, empty):
            _xes_event(tr, cols, i, roles)
        return tr

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            fh.write(f'<log xes.version="{XES_VERSION}">\n')
            for elem in _xes_header(name, attributes or {}):
                _write_element(fh, elem, 1)
            for k, row in enumerate(cases.itertuples(index=False)):
                _write_element(fh, trace(k, row), 1)
            fh.write("</log>\n")

    return atomic_write(Path(path), write)


# -- OCEL 2.0 -----------------------------------------------------------------------------------

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
    return f"document:{_case_label(case, labels)}"


def _ocel_event_types(cols: _Columns) -> list[dict[str, Any]]:
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


def _ocel_column_objects(cols: _Columns) -> Iterator[dict[str, Any]]:
    """Objects named in the object columns (countersign, meeting, ledger item), once each."""
    for col, ids in cols.objects.items():
        for oid in dict.fromkeys(i for i in ids if i is not None):
            yield {"id": f"{col}:{oid}", "type": OBJECT_COLUMNS[col], "attributes": []}


def _ocel_events(
    cols: _Columns, org: Organisation, labels: Sequence[str] | None
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
    cols = _columns(events, cal)
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


# -- CSV ----------------------------------------------------------------------------------------


def joined_frame(
    events: pd.DataFrame,
    cases: pd.DataFrame,
    cal: WorkCalendar,
    *,
    selection: Mapping[str, object] | None = None,
    case_labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The CSV layout: optional ``variant``/``point``/``replication``, the event columns, the
    case attributes of each event's case, object columns if any, and ``timestamp`` (the
    ``time`` as an ISO-8601 local date-time, for reading; ``time`` is authoritative)."""
    ev = events.reset_index(drop=True)
    info = cases.set_index("case")
    out = pd.DataFrame(index=ev.index)
    for key, val in (selection or {}).items():
        out[key] = val
    for col in EVENT_COLUMNS:
        out[col] = ev[col]
    for col in CASE_ATTRIBUTES:
        out[col] = info[col].reindex(ev["case"].to_numpy()).to_numpy()
    for col in OBJECT_COLUMNS:
        if col in ev.columns:
            out[col] = ev[col]
    if case_labels is not None:
        out["case"] = [case_labels[c] for c in ev["case"]]
    out["timestamp"] = iso_times(cal, ev["time"].to_numpy())
    return out


def write_csv_log(
    path: str | Path,
    events: pd.DataFrame,
    cases: pd.DataFrame,
    cal: WorkCalendar,
    *,
    selection: Mapping[str, object] | None = None,
    case_labels: Sequence[str] | None = None,
) -> Path:
    """Write the joined CSV (UTF-8, exact floats: every clock value reads back bit for bit)."""
    frame = joined_frame(events, cases, cal, selection=selection, case_labels=case_labels)
    return atomic_write(
        Path(path),
        lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n"),
    )


# -- from a loaded log --------------------------------------------------------------------------


def export_log(log: LoadedLog, fmt: str, out: str | Path) -> Path:
    """Write a loaded log (:func:`govsim.log.read.load_log`) as ``xes``, ``ocel`` or ``csv``."""
    selection: dict[str, object] = {}
    if log.variant is not None:
        selection["variant"] = log.variant
    if log.point is not None:
        selection["point"] = log.point
    if log.replication is not None:
        selection["replication"] = log.replication
    if fmt == "xes":
        attrs = {"source": log.source, "generator": f"govsim {__version__}"}
        attrs.update({k: str(v) for k, v in selection.items()})
        attrs["calendar_start"] = log.cal.start.isoformat()
        return write_xes(
            out,
            log.events,
            log.cases,
            log.org,
            log.cal,
            name=log.scenario.scenario.name,
            attributes=attrs,
            case_labels=log.case_labels,
        )
    if fmt == "ocel":
        return write_ocel(
            out,
            log.events,
            log.cases,
            log.org,
            log.cal,
            names=log.names,
            case_labels=log.case_labels,
        )
    if fmt == "csv":
        return write_csv_log(
            out, log.events, log.cases, log.cal, selection=selection, case_labels=log.case_labels
        )
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
