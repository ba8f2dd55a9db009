"""Parsing the columns of a log read from disk: times, numbers, booleans, names from a
vocabulary and case ids, each into the dtype of :class:`govsim.log.EventLog`'s frames.

A cell that does not parse raises :class:`LogError` with a one-line message naming the file
and the line (CSV, header = line 1) or row (Parquet), so a converted OA-system log can be
fixed where it is wrong (docs/event-log.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")
"""The clock is naive local time of the city (calendar module); exports carry this offset."""

_TRUE = frozenset({"true", "t", "yes", "y", "1", "1.0"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "0.0"})


class LogError(ValueError):
    """A log that cannot be read or does not follow the schema; the message is one line."""


# -- parsers ------------------------------------------------------------------------------


class Locator:
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


def missing(values: pd.Series) -> np.ndarray:
    """Missing cells: NA/NaN, or an empty (whitespace-only) string."""
    miss = np.asarray(values.isna(), dtype=bool)
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        raw = values.to_numpy(dtype=object)
        blank = [isinstance(v, str) and not v.strip() for v in raw]
        miss = miss | np.asarray(blank, dtype=bool)
    return miss


def strings(values: pd.Series) -> pd.Series:
    """Values as stripped strings (object dtype), missing cells as None."""
    miss = missing(values)
    raw = values.to_numpy(dtype=object)
    out = np.empty(len(raw), dtype=object)
    for i, (v, m) in enumerate(zip(raw, miss, strict=True)):
        out[i] = None if m else str(v).strip()
    return pd.Series(out, dtype=object)


def clock_of_iso(text: str, cal: WorkCalendar) -> float:
    """Clock minutes of an ISO-8601 date-time: with an offset it is converted to the city's
    local time; without one it is already local time. Raises ValueError."""
    stamp = dt.datetime.fromisoformat(text)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(TZ).replace(tzinfo=None)
    return cal.clock_of(stamp)


def clock_column(
    values: pd.Series, name: str, cal: WorkCalendar, loc: Locator, *, required: bool
) -> np.ndarray:
    """A time column as clock minutes: numbers are clock minutes, strings may also be ISO-8601
    date-times (converted with the scenario's calendar). Missing → NaN (an error if required)."""
    miss = missing(values)
    if pd.api.types.is_bool_dtype(values.dtype):
        raise loc.fail(f"column '{name}' holds booleans, not times")
    if pd.api.types.is_numeric_dtype(values.dtype):
        out = np.array(values.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    else:
        text = strings(values)
        out = np.array(pd.to_numeric(text, errors="coerce"), dtype=float)
        cache: dict[str, float] = {}
        for i in np.flatnonzero(np.isnan(out) & ~miss):
            raw = text.iat[i]
            if raw not in cache:
                try:
                    cache[raw] = clock_of_iso(raw, cal)
                except ValueError:
                    if is_iso(raw):
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
        raise loc.error(int(bad[0]), f"{name} {show(values.iat[bad[0]])} is not a finite time")
    if required and miss.any():
        raise loc.error(int(np.flatnonzero(miss)[0]), f"{name} is missing")
    outside = np.flatnonzero(~miss & ((out < 0.0) | (out > cal.end_clock)))
    if outside.size:
        i = int(outside[0])
        raise loc.error(
            i,
            f"{name} {show(out[i])} is outside the scenario's calendar: clock minutes from 0 "
            f"({cal.start.isoformat()} 00:00) to {cal.end_clock:g} ({cal.end.isoformat()})",
        )
    out[miss] = np.nan
    return out


def show(value: object) -> str:
    """A cell for a message: numbers plainly (``-5``, ``1999.5``), text quoted."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return f"{float(value):.12g}"
    return repr(str(value))


def is_iso(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def number_column(values: pd.Series, name: str, loc: Locator) -> np.ndarray:
    """A numeric column, missing → NaN."""
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        out = np.array(values.to_numpy(dtype=float, na_value=np.nan), dtype=float)
    else:
        miss = missing(values)
        out = np.array(pd.to_numeric(strings(values), errors="coerce"), dtype=float)
        bad = np.flatnonzero(np.isnan(out) & ~miss)
        if bad.size:
            raise loc.error(int(bad[0]), f"{name} {show(values.iat[bad[0]])} is not a number")
    bad = np.flatnonzero(np.isinf(out))
    if bad.size:
        raise loc.error(int(bad[0]), f"{name} {show(out[bad[0]])} is not a finite number")
    return out


def bool_column(values: pd.Series, name: str, loc: Locator, default: bool | None) -> np.ndarray:
    """``true``/``false`` (also ``1``/``0``, ``yes``/``no``); missing → ``default`` or error."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.to_numpy(dtype=bool)
    text = strings(values)
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


def vocab_column(
    values: pd.Series,
    name: str,
    vocabulary: Sequence[str],
    loc: Locator,
    *,
    required: bool,
    what: str,
) -> pd.Categorical:
    """Names from a fixed vocabulary as a Categorical with exactly those categories."""
    text = strings(values)
    absent = text.isna().to_numpy()
    unknown = ~absent & ~text.isin(list(vocabulary)).to_numpy()
    bad = np.flatnonzero(unknown | (absent & required))
    if bad.size:
        i = int(bad[0])
        raise loc.error(i, f"{name} is missing" if absent[i] else f"{name} {text.iat[i]!r} {what}")
    return pd.Categorical(text, categories=list(vocabulary))


def case_id_column(values: pd.Series, loc: Locator) -> tuple[np.ndarray, list[str] | None]:
    """Integer case ids, or labels numbered 0, 1, … in order of first appearance."""
    miss = missing(values)
    if miss.any():
        raise loc.error(int(np.flatnonzero(miss)[0]), "case is missing")
    if pd.api.types.is_integer_dtype(values.dtype):
        ids = values.to_numpy(dtype=np.int64)
        labels = None
    else:
        text = strings(values)
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
