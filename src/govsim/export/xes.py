"""The event log as XES (IEEE Std 1849-2016), trace by trace; see :mod:`govsim.export`."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.core.files import atomic_write
from govsim.core.org import Organisation
from govsim.export.columns import (
    EventColumns,
    actor_role,
    case_label,
    event_columns,
    events_by_case,
    iso_times,
)

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

XES_OPTIONAL_EVENT_ATTRIBUTES = (
    ("on_behalf", "string"),
    ("target", "string"),
    ("outcome", "string"),
    ("deadline", "date"),
    ("start", "date"),
    ("effort", "float"),
)
"""Event attributes an XES event carries only where the log has a value, with their XES type."""


# Characters XML 1.0 cannot carry at all, even escaped (control characters but tab, newline
# and carriage return; lone surrogates; U+FFFE and U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` with each character XML cannot hold written as ``\\xNN`` / ``\\uNNNN``, so
    the file stays well-formed whatever text a log holds (a case id with a control
    character from an OA system); ElementTree escapes ``<``, ``&`` and quotes itself."""
    return _NOT_XML.sub(lambda m: repr(m.group())[1:-1], value)


def _xes_attr(parent: ET.Element, kind: str, key: str, value: str) -> None:
    ET.SubElement(parent, kind, key=xml_text(key), value=xml_text(value))


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
    log_name = ET.Element("string", key="concept:name", value=xml_text(name))
    yield log_name
    for key, value in attributes.items():
        yield ET.Element("string", key=xml_text(key), value=xml_text(value))


def _write_element(fh: IO[str], elem: ET.Element, level: int) -> None:
    ET.indent(elem, space="  ", level=level)
    fh.write("  " * level + ET.tostring(elem, encoding="unicode") + "\n")


def _xes_event(trace: ET.Element, cols: EventColumns, i: int, roles: Mapping[str, str]) -> None:
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
    cols = event_columns(events, cal)
    roles = {a: actor_role(org, a) for a in org.actors}
    by_case = events_by_case(cols.events)
    created = iso_times(cal, cases["created"].to_numpy())
    empty = np.zeros(0, dtype=np.int64)

    def trace(k: int, row: Any) -> ET.Element:
        case = int(row.case)
        tr = _xes_trace(row, created[k], case_label(case, case_labels))
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
