"""What the XES and OCEL writers share: actor roles, ISO time stamps (+08:00) and the log's
columns as Python lists, the form both walk event by event."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.core.org import GO, Organisation
from govsim.log.read import OBJECT_COLUMNS, TZ


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


def text_column(values: pd.Series) -> list[str | None]:
    """A column as strings, missing as None."""
    return [None if pd.isna(v) else str(v) for v in values.astype(object)]


def float_text(x: float) -> str:
    """A float written so that it reads back bit for bit."""
    return repr(float(x))


def case_label(case: int, labels: Sequence[str] | None) -> str:
    """A case's label in the source log (an OA system's document id), else its number."""
    return labels[case] if labels is not None else str(case)


def events_by_case(events: pd.DataFrame) -> dict[int, np.ndarray]:
    """Row positions of each case's events, in log order."""
    if events.empty:
        return {}
    return {int(k): v for k, v in events.groupby("case", sort=False).indices.items()}


@dataclass(frozen=True)
class EventColumns:
    """An event log's columns as Python lists of strings (None where missing), the form both
    the XES and the OCEL writer walk event by event; times are ISO-8601 local (+08:00)."""

    events: pd.DataFrame  # the log with a fresh 0..n-1 index
    text: dict[str, list[str | None]]  # time, activity, actor, …, effort (as text)
    value: np.ndarray  # effort in minutes, NaN where missing
    objects: dict[str, list[str | None]]  # object columns that hold at least one id


def event_columns(events: pd.DataFrame, cal: WorkCalendar) -> EventColumns:
    """The log's columns as strings: times as ISO local, effort as exact float text."""
    ev = events.reset_index(drop=True)
    value = ev["value"].to_numpy(dtype=float)
    text = {col: iso_times(cal, ev[col].to_numpy()) for col in ("time", "deadline", "start")}
    for col in ("activity", "actor", "on_behalf", "target", "outcome"):
        text[col] = text_column(ev[col])
    text["effort"] = [None if math.isnan(v) else float_text(v) for v in value]
    held = [col for col in OBJECT_COLUMNS if col in ev.columns and ev[col].notna().any()]
    objects = {col: text_column(ev[col]) for col in held}
    return EventColumns(ev, text, value, objects)
