"""The event log as CSV in the documented schema, readable back by ``govsim check``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.core.files import atomic_write
from govsim.export.columns import iso_times
from govsim.log.read import CASE_ATTRIBUTES, EVENT_COLUMNS, OBJECT_COLUMNS


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
