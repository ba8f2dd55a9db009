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

from pathlib import Path
from typing import TYPE_CHECKING

from govsim import __version__
from govsim.export.columns import actor_role, iso_times
from govsim.export.csv_log import joined_frame, write_csv_log
from govsim.export.ocel import write_ocel
from govsim.export.xes import write_xes

if TYPE_CHECKING:
    from govsim.log.read import LoadedLog

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
