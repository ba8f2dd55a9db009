"""Auditing an event log read from disk: load it, validate its columns, run the invariants.

The log may come from a simulation (a results folder written by ``govsim run --events all``,
or its ``events.parquet``) or from an OA system converted to the documented schema
(``docs/event-log.md``): a CSV or Parquet file with one row per event and the case attributes
on each row (or in a ``cases`` file next to it). The scenario file supplies the organisation
(who may act, who is in charge of what) and the work calendar (dates, office hours, working
days) that the invariants need (DESIGN: the log is the contract; invariants read only the log
plus the static context).

A malformed log — a missing column, an unknown activity, an actor who is not in the
organisation, a time that is not a time — raises :class:`LogError` with a one-line message
naming the file and the line (CSV) or row (Parquet). A well-formed log is normalised to
exactly the dtypes of :meth:`govsim.log.EventLog.to_frame` and
:meth:`~govsim.log.EventLog.cases_frame`, so :func:`govsim.checks.check_log` and the
exporters read a loaded log and a simulated one alike.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.core.org import Organisation
from govsim.log.eventlog import (
    ACTIVITIES,
    CASE_TYPES,
    CHANNELS,
    LEDGER_SOURCES,
    OUTCOMES,
    REASONS,
    TOPICS,
)
from govsim.scenario.expand import expand
from govsim.scenario.load import load_scenario
from govsim.scenario.models import Scenario

__all__ = [
    "CASE_COLUMNS",
    "EVENT_COLUMNS",
    "OBJECT_COLUMNS",
    "TZ",
    "LoadedLog",
    "LogError",
    "load_log",
    "normalise",
]

TZ = ZoneInfo("Asia/Shanghai")
"""The clock is naive local time of the city (calendar module); exports carry this offset."""

EVENT_COLUMNS: tuple[str, ...] = (
    "time",
    "case",
    "case_type",
    "activity",
    "actor",
    "on_behalf",
    "target",
    "outcome",
    "deadline",
    "start",
    "value",
    "reason",
)
"""Columns of the events frame, in the order of :meth:`govsim.log.EventLog.to_frame`."""

CASE_COLUMNS: tuple[str, ...] = (
    "case",
    "case_type",
    "sender",
    "matter",
    "major",
    "poor_quality",
    "mayor_only",
    "created",
    "source",
    "parent",
    "channel",
    "complex",
    "lead_limit_wd",
    "topic",
    "meeting_decided",
    "urgent",
    "wide_ranging",
)
"""Columns of the case table, in the order of :meth:`govsim.log.EventLog.cases_frame`."""

CASE_ATTRIBUTES: tuple[str, ...] = (
    "sender",
    "matter",
    "major",
    "poor_quality",
    "mayor_only",
    "created",
    "source",
    "parent",
    "channel",
    "complex",
    "lead_limit_wd",
    "topic",
    "meeting_decided",
    "urgent",
    "wide_ranging",
)
"""Case columns that a joined (one-file) log repeats on every event row."""

SELECTION_COLUMNS: tuple[str, ...] = ("variant", "point", "replication")
"""Columns naming the design point and replication of each row in a results folder."""

OBJECT_COLUMNS: dict[str, str] = {
    "countersign": "countersign",
    "meeting": "meeting",
    "ledger_item": "ledger item",
}
"""Optional event columns naming objects of parts of the model still to come (countersign
A56/A59, meetings A43–A54, the supervision ledger A69–A74): column → OCEL object type. They
are kept when present and absent otherwise."""

REQUIRED_EVENT_COLUMNS = ("case", "activity", "actor")
REQUIRED_CASE_COLUMNS = ("case_type", "sender", "matter", "major")

NEEDS_TARGET = (
    "doc.routed",
    "go.transferred",
    "doc.involves",
    "cs.requested",
    "cs.deemed",
    "cs.negotiated",
    "doc.sent_for_review",
    "doc.sent_for_signature",
    "sign.authorized",
    "legality.submitted",
)
NEEDS_DEADLINE = ("go.transferred", "cs.requested", "cs.extension_agreed", "cs.deemed")
ALLOWED_OUTCOMES: dict[str, tuple[str, ...]] = {
    "go.reviewed": ("pass", "return", "redirect"),
    "dept.replied": ("on_time", "late"),
    "cs.replied": ("agree", "object"),
    "cs.negotiated": ("resolved", "unresolved"),
    "doc.countersigned": ("consensus", "dissent", "joint"),
    "justice.legality_reviewed": ("pass", "fail"),
}

_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0"})


class LogError(ValueError):
    """A log that cannot be read or does not follow the schema; the message is one line."""


@dataclass
class LoadedLog:
    """A validated log of one replication with the static context it is checked against."""

    events: pd.DataFrame
    cases: pd.DataFrame
    org: Organisation
    cal: WorkCalendar
    scenario: Scenario
    source: str
    variant: str | None = None
    point: str | None = None
    replication: int | None = None
    rows: np.ndarray | None = None
    """For each event, its row in the file (0-based, header excluded)."""
    line_numbers: bool = False
    """True for CSV: rows are shown as file lines (header = line 1)."""
    case_labels: list[str] | None = None
    """Original case ids when the file's ids were not integers (case ``i`` is ``labels[i]``)."""
    warnings: list[str] = field(default_factory=list)

    @property
    def names(self) -> dict[str, str]:
        """Display names of leaders and units from the scenario (ids without a name omitted)."""
        sc = self.scenario
        out = {ld.id: ld.name for ld in sc.leaders if ld.name}
        out.update({d.id: d.name for d in sc.departments if d.name})
        return out

    def case_label(self, case: int) -> str:
        """The case id as written in the file."""
        if self.case_labels is not None and 0 <= case < len(self.case_labels):
            return self.case_labels[case]
        return str(case)

    def where(self, positions: Sequence[int]) -> str:
        """``line 12, 13`` (CSV) or ``row 10, 11`` (Parquet) for event positions of the log."""
        rows = [int(self.rows[p]) if self.rows is not None else int(p) for p in positions]
        if self.line_numbers:
            return "line " + ", ".join(str(r + 2) for r in rows)
        return "row " + ", ".join(str(r) for r in rows)

    @property
    def selection(self) -> str:
        """``variant baseline, replication 0`` (empty when the file names none)."""
        parts = []
        if self.variant is not None:
            parts.append(f"variant {self.variant}")
        if self.point:
            parts.append(f"point {self.point}")
        if self.replication is not None:
            parts.append(f"replication {self.replication}")
        return ", ".join(parts)


# -- small parsers ------------------------------------------------------------------------------


class _Locator:
    """Names a row of the file in error messages."""

    def __init__(self, source: str, rows: np.ndarray, csv: bool) -> None:
        self.source, self.rows, self.csv = source, rows, csv

    def __call__(self, position: int) -> str:
        row = int(self.rows[position])
        return f"line {row + 2}" if self.csv else f"row {row}"

    def error(self, position: int, message: str) -> LogError:
        return LogError(f"{self.source}: {self(position)}: {message}")

    def fail(self, message: str) -> LogError:
        return LogError(f"{self.source}: {message}")


def _missing(values: pd.Series) -> np.ndarray:
    """Missing cells: NA/NaN, or an empty (whitespace-only) string."""
    miss = np.asarray(values.isna(), dtype=bool)
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        raw = values.to_numpy(dtype=object)
        blank = [isinstance(v, str) and not v.strip() for v in raw]
        miss = miss | np.asarray(blank, dtype=bool)
    return miss


def _strings(values: pd.Series) -> pd.Series:
    """Values as stripped strings (object dtype), missing cells as None."""
    miss = _missing(values)
    raw = values.to_numpy(dtype=object)
    out = np.empty(len(raw), dtype=object)
    for i, (v, m) in enumerate(zip(raw, miss, strict=True)):
        out[i] = None if m else str(v).strip()
    return pd.Series(out, dtype=object)


def _clock_of_iso(text: str, cal: WorkCalendar) -> float:
    """Clock minutes of an ISO-8601 date-time: with an offset it is converted to the city's
    local time; without one it is already local time. Raises ValueError."""
    stamp = dt.datetime.fromisoformat(text)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(TZ).replace(tzinfo=None)
    return cal.clock_of(stamp)


def _clock_column(
    values: pd.Series, name: str, cal: WorkCalendar, loc: _Locator, *, required: bool
) -> np.ndarray:
    """A time column as clock minutes: numbers are clock minutes, strings may also be ISO-8601
    date-times (converted with the scenario's calendar). Missing → NaN (an error if required)."""
    miss = _missing(values)
    if pd.api.types.is_bool_dtype(values.dtype):
        raise loc.fail(f"column '{name}' holds booleans, not times")
    if pd.api.types.is_numeric_dtype(values.dtype):
        out = np.array(values.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    else:
        text = _strings(values)
        out = np.array(pd.to_numeric(text, errors="coerce"), dtype=float)
        cache: dict[str, float] = {}
        for i in np.flatnonzero(np.isnan(out) & ~miss):
            raw = text.iat[i]
            if raw not in cache:
                try:
                    cache[raw] = _clock_of_iso(raw, cal)
                except ValueError:
                    if _is_iso(raw):
                        raise loc.error(
                            i,
                            f"{name} {raw!r} is outside the scenario's calendar "
                            f"({cal.start.isoformat()} to {cal.end.isoformat()})",
                        ) from None
                    raise loc.error(
                        i,
                        f"{name} {raw!r} is neither clock minutes nor an ISO-8601 date-time",
                    ) from None
            out[i] = cache[raw]
    bad = np.flatnonzero(~np.isfinite(out) & ~miss)
    if bad.size:
        raise loc.error(int(bad[0]), f"{name} {_show(values.iat[bad[0]])} is not a finite time")
    if required and miss.any():
        raise loc.error(int(np.flatnonzero(miss)[0]), f"{name} is missing")
    outside = np.flatnonzero(~miss & ((out < 0.0) | (out > cal.end_clock)))
    if outside.size:
        i = int(outside[0])
        raise loc.error(
            i,
            f"{name} {_show(out[i])} is outside the scenario's calendar: clock minutes from 0 "
            f"({cal.start.isoformat()} 00:00) to {cal.end_clock:g} ({cal.end.isoformat()})",
        )
    out[miss] = np.nan
    return out


def _show(value: object) -> str:
    """A cell for a message: numbers plainly (``-5``, ``1999.5``), text quoted."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return f"{float(value):.12g}"
    return repr(str(value))


def _is_iso(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _number_column(values: pd.Series, name: str, loc: _Locator) -> np.ndarray:
    """A numeric column, missing → NaN."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        out = np.array(values.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    else:
        miss = _missing(values)
        out = np.array(pd.to_numeric(_strings(values), errors="coerce"), dtype=float)
        bad = np.flatnonzero(np.isnan(out) & ~miss)
        if bad.size:
            raise loc.error(int(bad[0]), f"{name} {_show(values.iat[bad[0]])} is not a number")
    bad = np.flatnonzero(np.isinf(out))
    if bad.size:
        raise loc.error(int(bad[0]), f"{name} {_show(out[bad[0]])} is not a finite number")
    return out


def _bool_column(values: pd.Series, name: str, loc: _Locator, default: bool | None) -> np.ndarray:
    """``true``/``false`` (also ``1``/``0``, ``yes``/``no``); missing → ``default`` or error."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype=bool)
    text = _strings(values)
    out = np.zeros(len(values), dtype=bool)
    for i, raw in enumerate(text):
        if raw is None:
            if default is None:
                raise loc.error(i, f"{name} is missing")
            out[i] = default
            continue
        low = raw.lower()
        if low in _TRUE:
            out[i] = True
        elif low not in _FALSE:
            raise loc.error(i, f"{name} {raw!r} is not true or false")
    return out


def _vocab_column(
    values: pd.Series,
    name: str,
    vocabulary: Sequence[str],
    loc: _Locator,
    *,
    required: bool,
    what: str,
) -> pd.Categorical:
    """Names from a fixed vocabulary as a Categorical with exactly those categories."""
    text = _strings(values)
    known = set(vocabulary)
    for i, raw in enumerate(text):
        if raw is None:
            if required:
                raise loc.error(i, f"{name} is missing")
        elif raw not in known:
            raise loc.error(i, f"{name} {raw!r} {what}")
    return pd.Categorical(text, categories=list(vocabulary))


def _case_ids(values: pd.Series, loc: _Locator) -> tuple[np.ndarray, list[str] | None]:
    """Integer case ids, or labels numbered 0, 1, … in order of first appearance."""
    miss = _missing(values)
    if miss.any():
        raise loc.error(int(np.flatnonzero(miss)[0]), "case is missing")
    if pd.api.types.is_integer_dtype(values.dtype):
        ids = values.to_numpy(dtype=np.int64)
        labels = None
    else:
        text = _strings(values)
        num = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
        if np.isfinite(num).all() and (num == np.round(num)).all():
            ids, labels = num.astype(np.int64), None
        else:
            codes, uniques = pd.factorize(text, sort=False)
            return codes.astype(np.int64), [str(u) for u in uniques]
    if ids.size and (ids.min() < 0 or ids.max() > np.iinfo(np.int32).max):
        bad = int(np.flatnonzero((ids < 0) | (ids > np.iinfo(np.int32).max))[0])
        raise loc.error(bad, f"case {ids[bad]} is not a case id between 0 and 2^31-1")
    return ids, labels


# -- normalisation ------------------------------------------------------------------------------


def normalise(
    events: pd.DataFrame,
    cases: pd.DataFrame | None,
    org: Organisation,
    cal: WorkCalendar,
    *,
    source: str = "<log>",
    rows: np.ndarray | None = None,
    case_rows: np.ndarray | None = None,
    csv: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame, list[str] | None]:
    """Validate a log against the schema and return ``(events, cases, case_labels)`` in the
    dtypes of :class:`govsim.log.EventLog`.

    ``cases`` is the case table; when None, the case attributes are read from the event rows
    (the joined layout of a CSV export). ``rows``/``case_rows`` give each row's position in
    its file for messages (default 0, 1, …). Raises :class:`LogError` on the first problem.
    """
    events = events.reset_index(drop=True)
    loc = _Locator(source, np.arange(len(events)) if rows is None else np.asarray(rows), csv)
    cols = set(events.columns)
    for name in REQUIRED_EVENT_COLUMNS:
        if name not in cols:
            raise loc.fail(f"missing column '{name}'")
    if "time" not in cols and "timestamp" not in cols:
        raise loc.fail("missing column 'time' (clock minutes) or 'timestamp' (ISO-8601 date-time)")
    joined = cases is None
    if joined:
        for name in REQUIRED_CASE_COLUMNS:
            if name not in cols:
                raise loc.fail(
                    f"missing column '{name}' (case attributes go on every row, or in a "
                    "cases file next to the events file)"
                )

    time_col = events["time"] if "time" in cols else events["timestamp"]
    time_name = "time" if "time" in cols else "timestamp"
    time = _clock_column(time_col, time_name, cal, loc, required=True)
    case_ids, labels = _case_ids(events["case"], loc)
    activity = _vocab_column(
        events["activity"],
        "activity",
        ACTIVITIES,
        loc,
        required=True,
        what=f"is not a known activity ({', '.join(ACTIVITIES)})",
    )
    actors = list(org.actors)
    not_in_org = "is not in the organisation of the scenario"
    actor = _vocab_column(events["actor"], "actor", actors, loc, required=True, what=not_in_org)
    empty = pd.Series([None] * len(events), dtype=object)

    def optional(name: str) -> pd.Series:
        return events[name] if name in cols else empty

    on_behalf = _vocab_column(
        optional("on_behalf"), "on_behalf", actors, loc, required=False, what=not_in_org
    )
    target = _vocab_column(
        optional("target"), "target", actors, loc, required=False, what=not_in_org
    )
    outcome = _vocab_column(
        optional("outcome"),
        "outcome",
        OUTCOMES,
        loc,
        required=False,
        what=f"is not a known outcome ({', '.join(OUTCOMES)})",
    )
    deadline = _clock_column(optional("deadline"), "deadline", cal, loc, required=False)
    start = _clock_column(optional("start"), "start", cal, loc, required=False)
    value = _number_column(optional("value"), "value", loc)
    reason = _vocab_column(
        optional("reason"),
        "reason",
        REASONS,
        loc,
        required=False,
        what=f"is not a known reason ({', '.join(REASONS)})",
    )

    act = np.asarray(activity.astype(object))
    out_text = np.asarray(outcome.astype(object), dtype=object)
    out_text[np.asarray(pd.isna(outcome))] = None
    target_missing = np.asarray(pd.isna(target))
    for i in np.flatnonzero(np.isin(act, NEEDS_TARGET) & target_missing):
        raise loc.error(int(i), f"{act[i]} needs a target")
    for i in np.flatnonzero(np.isin(act, NEEDS_DEADLINE) & np.isnan(deadline)):
        raise loc.error(int(i), f"{act[i]} needs a deadline")
    for name, allowed in ALLOWED_OUTCOMES.items():
        rows_of = np.flatnonzero(act == name)
        for i in rows_of:
            if out_text[i] not in allowed:
                shown = "no outcome" if out_text[i] is None else f"outcome {out_text[i]!r}"
                raise loc.error(int(i), f"{name} has {shown}; expected {' or '.join(allowed)}")

    if joined:
        table, cases_loc, case_of_row = events, loc, None
    else:
        assert cases is not None
        table = cases.reset_index(drop=True)
        cases_loc = _Locator(
            source + " (cases)",
            np.arange(len(table)) if case_rows is None else np.asarray(case_rows),
            csv,
        )
        for name in ("case", *REQUIRED_CASE_COLUMNS):
            if name not in table.columns:
                raise cases_loc.fail(f"missing column '{name}'")
        case_of_row, case_labels = _case_ids(table["case"], cases_loc)
        if labels is not None or case_labels is not None:
            # Match the events' labels to the case table's, numbered in case-table order.
            ev_text = [str(x) for x in _strings(events["case"])]
            cs_text = [str(x) for x in _strings(table["case"])]
            number = {label: i for i, label in enumerate(dict.fromkeys(cs_text))}
            unknown = [i for i, label in enumerate(ev_text) if label not in number]
            if unknown:
                raise loc.error(
                    unknown[0], f"case {ev_text[unknown[0]]!r} is not in the cases file"
                )
            case_ids = np.asarray([number[t] for t in ev_text], dtype=np.int64)
            case_of_row = np.asarray([number[t] for t in cs_text], dtype=np.int64)
            labels = list(number)

    case_type = _vocab_column(
        table["case_type"],
        "case_type",
        CASE_TYPES,
        cases_loc,
        required=True,
        what=f"is not a case type ({', '.join(CASE_TYPES)})",
    )
    sender = _vocab_column(
        table["sender"], "sender", actors, cases_loc, required=True, what=not_in_org
    )
    matter = _vocab_column(
        table["matter"], "matter", actors, cases_loc, required=True, what=not_in_org
    )
    major = _bool_column(table["major"], "major", cases_loc, None)
    poor = (
        _bool_column(table["poor_quality"], "poor_quality", cases_loc, False)
        if "poor_quality" in table.columns
        else np.zeros(len(table), dtype=bool)
    )
    mayor_only = (
        _bool_column(table["mayor_only"], "mayor_only", cases_loc, False)
        if "mayor_only" in table.columns
        else np.zeros(len(table), dtype=bool)
    )
    created = (
        _clock_column(table["created"], "created", cal, cases_loc, required=False)
        if "created" in table.columns
        else np.full(len(table), np.nan)
    )
    source = (
        _vocab_column(
            table["source"],
            "source",
            LEDGER_SOURCES,
            cases_loc,
            required=False,
            what="is not a ledger source",
        )
        if "source" in table.columns
        else pd.Categorical([None] * len(table), categories=list(LEDGER_SOURCES))
    )
    parent = (
        pd.to_numeric(table["parent"], errors="coerce").fillna(-1).astype(np.int32).to_numpy()
        if "parent" in table.columns and labels is None
        else np.full(len(table), -1, dtype=np.int32)
    )

    def flag(name: str) -> np.ndarray:
        if name not in table.columns:
            return np.zeros(len(table), dtype=bool)
        return _bool_column(table[name], name, cases_loc, False)

    def vocab(name: str, vocabulary: Sequence[str], default: str) -> pd.Categorical:
        if name not in table.columns:
            return pd.Categorical([default] * len(table), categories=list(vocabulary))
        got = _vocab_column(
            table[name], name, vocabulary, cases_loc, required=False, what=f"is not a {name}"
        )
        return got.fillna(default)

    lead_limit = (
        pd.to_numeric(table["lead_limit_wd"], errors="coerce").fillna(0).astype(np.int16).to_numpy()
        if "lead_limit_wd" in table.columns
        else np.zeros(len(table), dtype=np.int16)
    )
    attrs = pd.DataFrame(
        {
            "case": case_ids if joined else case_of_row,
            "case_type": case_type,
            "sender": sender,
            "matter": matter,
            "major": major,
            "poor_quality": poor,
            "mayor_only": mayor_only,
            "created": created,
            "source": source,
            "parent": parent,
            "channel": vocab("channel", CHANNELS, "go"),
            "complex": flag("complex"),
            "lead_limit_wd": lead_limit,
            "topic": vocab("topic", TOPICS, "none"),
            "meeting_decided": flag("meeting_decided"),
            "urgent": flag("urgent"),
            "wide_ranging": flag("wide_ranging"),
        }
    )
    if joined:
        case_frame = _cases_from_rows(attrs, loc, labels)
    else:
        dup = attrs["case"].duplicated().to_numpy()
        if dup.any():
            i = int(np.flatnonzero(dup)[0])
            raise cases_loc.error(i, f"case {_label(labels, attrs['case'].iat[i])} appears twice")
        unknown = ~np.isin(case_ids, attrs["case"].to_numpy())
        if unknown.any():
            i = int(np.flatnonzero(unknown)[0])
            raise loc.error(i, f"case {_label(labels, case_ids[i])} is not in the cases file")
        case_frame = attrs.sort_values("case", kind="stable").reset_index(drop=True)
        if "case_type" in cols:
            given = _vocab_column(
                events["case_type"],
                "case_type",
                CASE_TYPES,
                loc,
                required=False,
                what=f"is not a case type ({', '.join(CASE_TYPES)})",
            )
            expect = case_frame.set_index("case")["case_type"].reindex(case_ids).to_numpy()
            given_arr = np.asarray(given.astype(object))
            differs = np.flatnonzero(pd.notna(given_arr) & (given_arr != expect.astype(object)))
            if differs.size:
                i = int(differs[0])
                raise loc.error(
                    i,
                    f"case_type {_show(given_arr[i])} differs from the cases file "
                    f"({_show(expect[i])}) for case {_label(labels, case_ids[i])}",
                )

    # created defaults to the case's first event.
    first = pd.Series(time).groupby(case_ids).min()
    missing_created = case_frame["created"].isna()
    if missing_created.any():
        filled = case_frame.loc[missing_created, "case"].map(first)
        case_frame.loc[missing_created, "created"] = filled.fillna(0.0).to_numpy()

    case_type_of = case_frame.set_index("case")["case_type"]
    ev_case_type = pd.Categorical(
        case_type_of.reindex(case_ids).astype(object).to_numpy(), categories=list(CASE_TYPES)
    )
    out = pd.DataFrame(
        {
            "time": time,
            "case": case_ids.astype(np.int32),
            "case_type": ev_case_type,
            "activity": activity,
            "actor": actor,
            "on_behalf": on_behalf,
            "target": target,
            "outcome": outcome,
            "deadline": deadline,
            "start": start,
            "value": value,
            "reason": reason,
        }
    )
    for name in OBJECT_COLUMNS:
        if name in cols:
            out[name] = _strings(events[name]).to_numpy(dtype=object)
    case_frame["case"] = case_frame["case"].astype(np.int32)
    case_frame["major"] = case_frame["major"].astype(bool)
    case_frame["poor_quality"] = case_frame["poor_quality"].astype(bool)
    case_frame["created"] = case_frame["created"].astype(float)
    return out, case_frame[list(CASE_COLUMNS)], labels


def _label(labels: list[str] | None, case: int) -> str:
    return labels[int(case)] if labels is not None else str(int(case))


def _cases_from_rows(attrs: pd.DataFrame, loc: _Locator, labels: list[str] | None) -> pd.DataFrame:
    """One row per case from a joined log, whose case attributes must agree on every row."""
    for name in ("case_type", *CASE_ATTRIBUTES):
        col = attrs[name]
        key = col.astype(object).where(col.notna(), "\0")
        per_case = key.groupby(attrs["case"]).transform("first")
        differs = np.flatnonzero((key != per_case).to_numpy())
        if differs.size:
            i = int(differs[0])
            first = int(np.flatnonzero((attrs["case"] == attrs["case"].iat[i]).to_numpy())[0])
            raise loc.error(
                i,
                f"{name} of case {_label(labels, attrs['case'].iat[i])} differs from its "
                f"value on "
                f"{loc(first)}",
            )
    return attrs.drop_duplicates("case").sort_values("case", kind="stable").reset_index(drop=True)


# -- reading files ------------------------------------------------------------------------------


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


def _read_table(path: Path) -> pd.DataFrame:
    """A Parquet file as is, or a CSV file with every cell as text (parsed per column later)."""
    try:
        if _is_parquet(path):
            return pd.read_parquet(path)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise LogError(f"{path}: no such file") from None
    except pd.errors.EmptyDataError:
        raise LogError(f"{path}: empty file (no header line)") from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        kind = "Parquet" if _is_parquet(path) else "CSV"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LogError(f"{path}: cannot read as {kind}: {first}") from None


def _sibling_cases(path: Path) -> Path | None:
    """``…/events.parquet`` → ``…/cases.parquet`` (also ``x_events.csv`` → ``x_cases.csv``)."""
    name = path.name
    pos = name.rfind("events")
    if pos < 0:
        return None
    candidate = path.with_name(name[:pos] + "cases" + name[pos + len("events") :])
    return candidate if candidate.exists() else None


def _find_scenario(manifest: dict[str, object], folder: Path) -> Path:
    """The scenario file a manifest names: as written, or relative to a parent of the folder."""
    named = manifest.get("scenario_file")
    if not named:
        raise LogError(f"{folder}: the manifest names no scenario file; give --scenario FILE")
    path = Path(str(named))
    candidates = [path] if path.is_absolute() else [path, *(p / path for p in folder.parents)]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise LogError(
        f"{folder}: scenario file {named} named in the manifest was not found; give --scenario FILE"
    )


def _select(
    frame: pd.DataFrame,
    where: str,
    variant: str | None,
    point: str | None,
    replication: int | None,
) -> tuple[np.ndarray, tuple[str | None, str | None, int | None]]:
    """Rows of one replication: the first (in file order) matching the options."""
    present = [c for c in SELECTION_COLUMNS if c in frame.columns]
    if not present:
        if replication is not None:
            raise LogError(f"{where}: --replication given, but the log has no replication column")
        return np.arange(len(frame)), (variant, point, None)
    keys = pd.DataFrame(index=frame.index)
    for c in present:
        col = frame[c]
        if c == "replication":
            keys[c] = pd.to_numeric(col.astype(object), errors="coerce")
        else:
            keys[c] = col.astype(object).where(col.notna(), "").map(str)
    groups = keys.drop_duplicates()
    chosen = groups
    if variant is not None and "variant" in present:
        chosen = chosen.loc[chosen["variant"] == variant]
    if point is not None and "point" in present:
        chosen = chosen.loc[chosen["point"] == point]
    if replication is not None and "replication" in present:
        chosen = chosen.loc[chosen["replication"] == replication]
    if chosen.empty:
        held = ", ".join(
            "/".join(str(v) for v in row if v != "") for row in groups.itertuples(index=False)
        )
        wanted = ", ".join(
            f"--{k} {v}"
            for k, v in (("variant", variant), ("point", point), ("replication", replication))
            if v is not None
        )
        if len(held) > 200:
            held = held[:200] + "…"
        raise LogError(f"{where}: no replication matches {wanted}; the log holds {held}")
    first = chosen.iloc[0]
    mask = np.ones(len(frame), dtype=bool)
    for c in present:
        mask &= (keys[c] == first[c]).to_numpy()
    rep = first.get("replication")
    return np.flatnonzero(mask), (
        str(first["variant"]) if "variant" in present else variant,
        str(first["point"]) if "point" in present else point,
        int(rep) if rep is not None and not math.isnan(rep) else None,
    )


def _design_point(sc: Scenario, variant: str | None, point: str | None) -> Scenario:
    """The scenario of the design point (variant, sweep point); the baseline by default."""
    points = expand(sc)
    want_variant = variant if variant is not None else points[0].variant
    match = [p for p in points if p.variant == want_variant]
    if not match:
        names = ", ".join(dict.fromkeys(p.variant for p in points))
        raise LogError(f"variant {variant!r} is not in the scenario (it has {names})")
    if point is not None:
        at = [p for p in match if p.point == point]
        if not at:
            labels = ", ".join(repr(p.point) for p in match)
            raise LogError(f"sweep point {point!r} is not in the scenario (it has {labels})")
        match = at
    return match[0].scenario


def load_log(
    source: str | Path,
    *,
    scenario: str | Path | None = None,
    variant: str | None = None,
    point: str | None = None,
    replication: int | None = None,
) -> LoadedLog:
    """Read, select and validate a log.

    ``source`` is a results folder (``manifest.json`` + ``events.parquet`` +
    ``cases.parquet``; the manifest names the scenario file unless ``scenario`` is given),
    or an events file: Parquet or CSV, with the case attributes on every row or in a
    ``cases`` file beside it (``events.csv`` → ``cases.csv``); then ``scenario`` is required.
    Files holding several replications (columns ``variant``, ``point``, ``replication``) are
    narrowed to the first one matching the options. Raises :class:`LogError` (one line) or
    :class:`govsim.scenario.load.ScenarioError` (a bad scenario file).
    """
    from govsim.core.calendar import build_calendar
    from govsim.core.files import file_sha256

    path = Path(source)
    warnings: list[str] = []
    if not path.exists():
        raise LogError(f"{path}: no such file or folder")
    if path.is_dir():
        manifest_path = path / "manifest.json"
        if not manifest_path.is_file():
            raise LogError(f"{path}: not a results folder (no manifest.json)")
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LogError(f"{manifest_path}: cannot read: {exc}") from None
        events_path = path / "events.parquet"
        if not events_path.is_file():
            raise LogError(
                f"{path}: no events.parquet in this results folder; run with --events all"
            )
        cases_path: Path | None = path / "cases.parquet"
        if not cases_path.is_file():
            raise LogError(f"{path}: no cases.parquet in this results folder")
        if scenario is None:
            scenario_path = _find_scenario(manifest, path)
            sha = manifest.get("scenario_sha256")
            if sha and file_sha256(scenario_path) != sha:
                warnings.append(
                    f"{scenario_path} has changed since the run (its SHA-256 differs from the "
                    "manifest's); checking against the file as it is now"
                )
        else:
            scenario_path = Path(scenario)
    else:
        if scenario is None:
            raise LogError(f"{path}: a scenario file is needed for an events file: --scenario FILE")
        scenario_path = Path(scenario)
        events_path = path
        cases_path = None

    sc = load_scenario(scenario_path)
    raw_events = _read_table(events_path)
    csv = not _is_parquet(events_path)
    if cases_path is None and "sender" not in raw_events.columns:
        cases_path = _sibling_cases(events_path)
    raw_cases = _read_table(cases_path) if cases_path is not None else None

    where = str(events_path)
    ev_rows, (variant_sel, point_sel, rep_sel) = _select(
        raw_events, where, variant, point, replication
    )
    case_rows: np.ndarray | None = None
    if raw_cases is not None:
        present = [c for c in SELECTION_COLUMNS if c in raw_cases.columns]
        if present:
            case_rows, _ = _select(
                raw_cases,
                str(cases_path),
                variant_sel if "variant" in present else None,
                point_sel if "point" in present else None,
                rep_sel if "replication" in present else None,
            )
        else:
            case_rows = np.arange(len(raw_cases))
    design = _design_point(sc, variant_sel, point_sel)
    org = Organisation.from_scenario(design)
    cal = build_calendar(design)

    drop = [c for c in SELECTION_COLUMNS if c in raw_events.columns]
    ev = raw_events.iloc[ev_rows].drop(columns=drop)
    cs = None
    if raw_cases is not None and case_rows is not None:
        cs = raw_cases.iloc[case_rows].drop(
            columns=[c for c in SELECTION_COLUMNS if c in raw_cases.columns]
        )
    events, cases, labels = normalise(
        ev,
        cs,
        org,
        cal,
        source=where,
        rows=ev_rows,
        case_rows=case_rows,
        csv=csv,
    )
    return LoadedLog(
        events=events,
        cases=cases,
        org=org,
        cal=cal,
        scenario=design,
        source=where,
        variant=variant_sel,
        point=point_sel,
        replication=rep_sel,
        rows=ev_rows,
        line_numbers=csv,
        case_labels=labels,
        warnings=warnings,
    )
