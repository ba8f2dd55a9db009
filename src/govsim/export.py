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
from govsim.log.schema import ACTIVITY_SPECS

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
    s.name: s.actor_qualifier for s in ACTIVITY_SPECS if s.actor_qualifier
}
"""OCEL qualifier of the actor's link, per activity (``actor`` otherwise), from the schema."""

TARGET_QUALIFIER: dict[str, str] = {
    s.name: s.target_qualifier for s in ACTIVITY_SPECS if s.target_qualifier
}
"""OCEL qualifier of the target's link, per activity (``target`` otherwise), from the schema."""


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


# -- XES ----------------------------------------------------------------------------------------


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
    ev = events.reset_index(drop=True)
    times = iso_times(cal, ev["time"].to_numpy())
    deadlines = iso_times(cal, ev["deadline"].to_numpy())
    starts = iso_times(cal, ev["start"].to_numpy())
    activity = _text(ev["activity"])
    actor = _text(ev["actor"])
    on_behalf = _text(ev["on_behalf"])
    target = _text(ev["target"])
    outcome = _text(ev["outcome"])
    value = ev["value"].to_numpy(dtype=float)
    objects = {col: _text(ev[col]) for col in OBJECT_COLUMNS if col in ev.columns}
    roles = {a: actor_role(org, a) for a in org.actors}
    by_case = _events_by_case(ev)
    created = iso_times(cal, cases["created"].to_numpy())
    empty = np.zeros(0, dtype=np.int64)

    def trace(k: int, row: Any) -> ET.Element:
        tr = ET.Element("trace")
        case = int(row.case)
        _xes_attr(tr, "string", "concept:name", _case_label(case, case_labels))
        _xes_attr(tr, "string", "case_type", str(row.case_type))
        _xes_attr(tr, "string", "sender", str(row.sender))
        _xes_attr(tr, "string", "matter", str(row.matter))
        _xes_attr(tr, "boolean", "major", "true" if row.major else "false")
        _xes_attr(tr, "boolean", "poor_quality", "true" if row.poor_quality else "false")
        if created[k] is not None:
            _xes_attr(tr, "date", "created", created[k])
        for i in by_case.get(case, empty):
            e = ET.SubElement(tr, "event")
            _xes_attr(e, "string", "concept:name", activity[i] or "")
            _xes_attr(e, "date", "time:timestamp", times[i] or "")
            _xes_attr(e, "string", "org:resource", actor[i] or "")
            _xes_attr(e, "string", "org:role", roles.get(actor[i] or "", "unknown"))
            _xes_attr(e, "string", "lifecycle:transition", "complete")
            if on_behalf[i] is not None:
                _xes_attr(e, "string", "on_behalf", on_behalf[i])
            if target[i] is not None:
                _xes_attr(e, "string", "target", target[i])
            if outcome[i] is not None:
                _xes_attr(e, "string", "outcome", outcome[i])
            if deadlines[i] is not None:
                _xes_attr(e, "date", "deadline", deadlines[i])
            if starts[i] is not None:
                _xes_attr(e, "date", "start", starts[i])
            if not math.isnan(value[i]):
                _xes_attr(e, "float", "effort", _float_text(value[i]))
            for col, ids in objects.items():
                if ids[i] is not None:
                    _xes_attr(e, "string", col, ids[i])
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


def _object_type(org: Organisation, actor: str) -> str:
    if actor == GO:
        return "general_office"
    if actor in org.leader_roles:
        return "leader"
    return "department"


def _attr_types(columns: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": n, "type": t} for n, t in columns]


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
    names = names or {}
    ev = events.reset_index(drop=True)
    times = iso_times(cal, ev["time"].to_numpy())
    deadlines = iso_times(cal, ev["deadline"].to_numpy())
    starts = iso_times(cal, ev["start"].to_numpy())
    activity = _text(ev["activity"])
    actor = _text(ev["actor"])
    on_behalf = _text(ev["on_behalf"])
    target = _text(ev["target"])
    outcome = _text(ev["outcome"])
    value = ev["value"].to_numpy(dtype=float)
    future = {
        col: _text(ev[col]) for col in OBJECT_COLUMNS if col in ev.columns and ev[col].notna().any()
    }

    def obj(actor_id: str) -> str:
        return f"{_object_type(org, actor_id)}:{actor_id}"

    def doc(case: int) -> str:
        return f"document:{_case_label(case, case_labels)}"

    # Event types with the attributes that occur for each activity.
    present = [a for a in ACTIVITIES if a in set(activity)]
    extra = sorted(set(activity) - set(ACTIVITIES) - {None})  # type: ignore[arg-type]
    act_arr = np.asarray(activity, dtype=object)
    event_types = []
    for name in present + extra:
        rows = act_arr == name
        attrs = []
        if any(outcome[i] is not None for i in np.flatnonzero(rows)):
            attrs.append(("outcome", "string"))
        if any(deadlines[i] is not None for i in np.flatnonzero(rows)):
            attrs.append(("deadline", "time"))
        if any(starts[i] is not None for i in np.flatnonzero(rows)):
            attrs.append(("start", "time"))
        if np.isfinite(value[rows]).any():
            attrs.append(("effort", "float"))
        event_types.append({"name": name, "attributes": _attr_types(attrs)})

    object_types = [
        {
            "name": "document",
            "attributes": _attr_types(
                [("case_type", "string"), ("major", "boolean"), ("poor_quality", "boolean")]
            ),
        },
        {"name": "leader", "attributes": _attr_types([("role", "string"), ("name", "string")])},
        {
            "name": "department",
            "attributes": _attr_types([("kind", "string"), ("name", "string")]),
        },
        {"name": "general_office", "attributes": _attr_types([("name", "string")])},
    ]
    object_types += [
        {"name": OBJECT_COLUMNS[col], "attributes": []} for col in OBJECT_COLUMNS if col in future
    ]

    def org_objects() -> Iterator[dict[str, Any]]:
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
                    {"objectId": obj(d), "qualifier": "in charge of"}
                    for d in portfolio.get(a, [])
                    if d in org.code
                ]
                if a in org.substitute:
                    rels.append({"objectId": obj(org.substitute[a]), "qualifier": "substitute"})
            elif kind == "department":
                attrs.append({"name": "kind", "value": org.unit_kinds[a]})
            attrs.append({"name": "name", "value": names.get(a, "市政府办公室" if a == GO else a)})
            for at in attrs:
                at["time"] = OCEL_STATIC_TIME
            yield {"id": obj(a), "type": kind, "attributes": attrs, "relationships": rels}

    def documents() -> Iterator[dict[str, Any]]:
        created = iso_times(cal, cases["created"].to_numpy())
        for k, row in enumerate(cases.itertuples(index=False)):
            at = created[k] or OCEL_STATIC_TIME
            yield {
                "id": doc(int(row.case)),
                "type": "document",
                "attributes": [
                    {"name": "case_type", "value": str(row.case_type), "time": at},
                    {"name": "major", "value": "true" if row.major else "false", "time": at},
                    {
                        "name": "poor_quality",
                        "value": "true" if row.poor_quality else "false",
                        "time": at,
                    },
                ],
                "relationships": [
                    {"objectId": obj(str(row.sender)), "qualifier": "sender"},
                    {"objectId": obj(str(row.matter)), "qualifier": "matter"},
                ],
            }

    def future_objects() -> Iterator[dict[str, Any]]:
        for col, ids in future.items():
            for oid in dict.fromkeys(i for i in ids if i is not None):
                yield {"id": f"{col}:{oid}", "type": OBJECT_COLUMNS[col], "attributes": []}

    def ocel_events() -> Iterator[dict[str, Any]]:
        cases_arr = ev["case"].to_numpy()
        for i in range(len(ev)):
            act = activity[i] or ""
            attrs = []
            if outcome[i] is not None:
                attrs.append({"name": "outcome", "value": outcome[i]})
            if deadlines[i] is not None:
                attrs.append({"name": "deadline", "value": deadlines[i]})
            if starts[i] is not None:
                attrs.append({"name": "start", "value": starts[i]})
            if not math.isnan(value[i]):
                attrs.append({"name": "effort", "value": _float_text(value[i])})
            rels = [{"objectId": doc(int(cases_arr[i])), "qualifier": "document"}]
            if actor[i] is not None:
                rels.append(
                    {"objectId": obj(actor[i]), "qualifier": ACTOR_QUALIFIER.get(act, "actor")}
                )
            if target[i] is not None:
                rels.append(
                    {"objectId": obj(target[i]), "qualifier": TARGET_QUALIFIER.get(act, "target")}
                )
            if on_behalf[i] is not None:
                rels.append({"objectId": obj(on_behalf[i]), "qualifier": "on behalf of"})
            for col, ids in future.items():
                if ids[i] is not None:
                    rels.append({"objectId": f"{col}:{ids[i]}", "qualifier": OBJECT_COLUMNS[col]})
            yield {
                "id": f"e{i}",
                "type": act,
                "time": times[i],
                "attributes": attrs,
                "relationships": rels,
            }

    def dump_array(fh: IO[str], items: Iterator[dict[str, Any]]) -> None:
        fh.write("[")
        for n, item in enumerate(items):
            fh.write(",\n  " if n else "\n  ")
            fh.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        fh.write("\n]")

    def write(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write('{\n"objectTypes": ')
            fh.write(json.dumps(object_types, ensure_ascii=False))
            fh.write(',\n"eventTypes": ')
            fh.write(json.dumps(event_types, ensure_ascii=False))
            fh.write(',\n"objects": ')

            def all_objects() -> Iterator[dict[str, Any]]:
                yield from org_objects()
                yield from documents()
                yield from future_objects()

            dump_array(fh, all_objects())
            fh.write(',\n"events": ')
            dump_array(fh, ocel_events())
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
