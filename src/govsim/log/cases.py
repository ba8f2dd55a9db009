"""The case table of a log read from disk: from a cases file or from the event rows.

A converted OA-system log gives its case attributes either on every event row (the joined
layout of a CSV export), where they must agree within a case, or in a cases file beside the
events file. Either way the result has the columns and dtypes of
:meth:`govsim.log.EventLog.cases_frame`, with the defaults of
:data:`govsim.log.schema.CASE_COLUMN_SPECS` for the optional columns (docs/event-log.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.log.columns import (
    Locator,
    bool_column,
    case_id_column,
    clock_column,
    number_column,
    show,
    strings,
    vocab_column,
)
from govsim.log.schema import (
    CASE_ATTRIBUTES,
    CASE_COLUMN_SPECS,
    CASE_COLUMNS,
    CASE_TYPES,
    CASE_VOCABULARIES,
    REQUIRED_CASE_COLUMNS,
    Column,
)

NOT_IN_ORG = "is not in the organisation of the scenario"
_WHAT = {
    "case_type": f"is not a case type ({', '.join(CASE_TYPES)})",
    "source": "is not a ledger source",
}
"""How an unknown name in a categorical case column is reported (``is not a <column>``
otherwise)."""


@dataclass
class CaseSource:
    """Where the case attributes are read: the table, its locator, and the case id of each of
    its rows (None for the joined layout, whose rows are the events)."""

    table: pd.DataFrame
    loc: Locator
    case_of_row: np.ndarray | None
    case_ids: np.ndarray
    labels: list[str] | None

    @property
    def joined(self) -> bool:
        return self.case_of_row is None


def label(labels: list[str] | None, case: int) -> str:
    """The case id as written in the file."""
    return labels[int(case)] if labels is not None else str(int(case))


def case_source(
    events: pd.DataFrame,
    cases: pd.DataFrame | None,
    ids: np.ndarray,
    labels: list[str] | None,
    loc: Locator,
    rows: np.ndarray | None,
) -> CaseSource:
    """The events themselves when ``cases`` is None; else the cases file, its ids matched to
    the events' (text ids numbered in the cases file's order)."""
    if cases is None:
        return CaseSource(events, loc, None, ids, labels)
    table = cases.reset_index(drop=True)
    positions = np.arange(len(table)) if rows is None else np.asarray(rows)
    cases_loc = Locator(loc.source + " (cases)", positions, loc.csv)
    for name in ("case", *REQUIRED_CASE_COLUMNS):
        if name not in table.columns:
            raise cases_loc.fail(f"missing column '{name}'")
    case_of_row, case_labels = case_id_column(table["case"], cases_loc)
    if labels is not None or case_labels is not None:
        ev_text = [str(x) for x in strings(events["case"])]
        cs_text = [str(x) for x in strings(table["case"])]
        number = {text: i for i, text in enumerate(dict.fromkeys(cs_text))}
        unknown = [i for i, text in enumerate(ev_text) if text not in number]
        if unknown:
            raise loc.error(unknown[0], f"case {ev_text[unknown[0]]!r} is not in the cases file")
        ids = np.asarray([number[t] for t in ev_text], dtype=np.int64)
        case_of_row = np.asarray([number[t] for t in cs_text], dtype=np.int64)
        labels = list(number)
    return CaseSource(table, cases_loc, case_of_row, ids, labels)


Parser = Callable[[pd.Series, Column, Locator, Sequence[str], WorkCalendar], object]


def _category(values: pd.Series, col: Column, loc: Locator, actors, cal) -> pd.Categorical:
    vocabulary = CASE_VOCABULARIES.get(col.name, actors)
    what = NOT_IN_ORG if col.name not in CASE_VOCABULARIES else _WHAT.get(col.name)
    got = vocab_column(
        values,
        col.name,
        vocabulary,
        loc,
        required=col.required,
        what=what or f"is not a {col.name}",
    )
    return got if col.default is None else got.fillna(col.default)


_LOWEST = {"parent": -1}  # -1: the case comes from no other case
"""The smallest value of an integer case column (else 0); the largest is its dtype's."""


def _integer(values: pd.Series, col: Column, loc: Locator, actors, cal) -> np.ndarray:
    """Whole numbers within the column's range (missing → default): a value that is not a
    number, not whole or out of range is an error, never cast silently (99999 would wrap
    around in an int16 column, ``inf`` cannot be cast at all)."""
    low, high = _LOWEST.get(col.name, 0), int(np.iinfo(col.dtype).max)
    if pd.api.types.is_bool_dtype(values.dtype):
        raise loc.fail(f"column '{col.name}' holds booleans, not whole numbers")
    numbers = number_column(values, col.name, loc)
    given = ~np.isnan(numbers)
    bad = np.flatnonzero(
        given & ((numbers != np.round(numbers)) | (numbers < low) | (numbers > high))
    )
    if bad.size:
        i = int(bad[0])
        raise loc.error(
            i, f"{col.name} {show(numbers[i])} is not a whole number from {low} to {high}"
        )
    return np.where(given, numbers, col.default).astype(col.dtype)


_PARSERS: dict[str, Parser] = {
    "category": _category,
    "bool": lambda v, col, loc, actors, cal: bool_column(v, col.name, loc, col.default),
    "float64": lambda v, col, loc, actors, cal: clock_column(v, col.name, cal, loc, required=False),
    "int32": _integer,
    "int16": _integer,
}
"""How a case column present in the file is parsed, by its dtype."""


def _absent(col: Column, n: int) -> object:
    """A case column the file does not give: its default on every row."""
    if col.dtype == "category":
        return pd.Categorical([col.default] * n, categories=list(CASE_VOCABULARIES[col.name]))
    if col.dtype == "float64":
        return np.full(n, np.nan)
    return np.full(n, col.default, dtype=col.dtype)


def case_attributes(src: CaseSource, actors: Sequence[str], cal: WorkCalendar) -> pd.DataFrame:
    """One row per row of the case source, every case column parsed (defaults when absent).

    ``parent`` is read only for integer case ids (a text id's number is not in the file)."""
    table, n = src.table, len(src.table)
    skip = {"parent"} if src.labels is not None else set()
    out: dict[str, object] = {"case": src.case_ids if src.joined else src.case_of_row}
    for col in CASE_COLUMN_SPECS[1:]:
        if col.name in table.columns and col.name not in skip:
            out[col.name] = _PARSERS[col.dtype](table[col.name], col, src.loc, actors, cal)
        else:
            out[col.name] = _absent(col, n)
    return pd.DataFrame(out)


def case_table(attrs: pd.DataFrame, events: pd.DataFrame, src: CaseSource, loc: Locator):
    """The case table, one row per case in case order, checked against the events."""
    if src.joined:
        frame = _cases_from_rows(attrs, loc, src.labels)
    else:
        frame = _cases_from_file(attrs, src, loc)
        if "case_type" in events.columns:
            _check_case_types(events["case_type"], frame, src, loc)
    return frame


def finish(frame: pd.DataFrame, time: np.ndarray, ids: np.ndarray) -> pd.DataFrame:
    """``created`` defaults to the case's first event; the dtypes of ``cases_frame``."""
    first = pd.Series(time).groupby(ids).min()
    missing_created = frame["created"].isna()
    if missing_created.any():
        filled = frame.loc[missing_created, "case"].map(first)
        frame.loc[missing_created, "created"] = filled.fillna(0.0).to_numpy()
    frame["case"] = frame["case"].astype(np.int32)
    frame["major"] = frame["major"].astype(bool)
    frame["poor_quality"] = frame["poor_quality"].astype(bool)
    frame["created"] = frame["created"].astype(float)
    return frame[list(CASE_COLUMNS)]


def _cases_from_file(attrs: pd.DataFrame, src: CaseSource, loc: Locator) -> pd.DataFrame:
    """The cases file's rows: each case once, and every event's case among them."""
    dup = attrs["case"].duplicated().to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise src.loc.error(i, f"case {label(src.labels, attrs['case'].iat[i])} appears twice")
    unknown = ~np.isin(src.case_ids, attrs["case"].to_numpy())
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise loc.error(i, f"case {label(src.labels, src.case_ids[i])} is not in the cases file")
    return attrs.sort_values("case", kind="stable").reset_index(drop=True)


def _check_case_types(
    given_col: pd.Series, frame: pd.DataFrame, src: CaseSource, loc: Locator
) -> None:
    """A ``case_type`` on the event rows must be the cases file's."""
    given = vocab_column(
        given_col, "case_type", CASE_TYPES, loc, required=False, what=_WHAT["case_type"]
    )
    ids = src.case_ids
    expect = frame.set_index("case")["case_type"].reindex(ids).to_numpy()
    given_arr = np.asarray(given.astype(object))
    differs = np.flatnonzero(pd.notna(given_arr) & (given_arr != expect.astype(object)))
    if differs.size:
        i = int(differs[0])
        raise loc.error(
            i,
            f"case_type {show(given_arr[i])} differs from the cases file "
            f"({show(expect[i])}) for case {label(src.labels, ids[i])}",
        )


def _cases_from_rows(attrs: pd.DataFrame, loc: Locator, labels: list[str] | None) -> pd.DataFrame:
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
                f"{name} of case {label(labels, attrs['case'].iat[i])} differs from its "
                f"value on "
                f"{loc(first)}",
            )
    return attrs.drop_duplicates("case").sort_values("case", kind="stable").reset_index(drop=True)
