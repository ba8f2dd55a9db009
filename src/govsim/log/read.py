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

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar, build_calendar
from govsim.core.org import Organisation
from govsim.log.cases import NOT_IN_ORG, case_attributes, case_source, case_table, finish
from govsim.log.columns import (
    TZ,
    Locator,
    LogError,
    case_id_column,
    clock_column,
    number_column,
    strings,
    vocab_column,
)
from govsim.log.schema import (
    ACTIVITIES,
    ACTIVITY_SPECS,
    CASE_ATTRIBUTES,
    CASE_COLUMNS,
    CASE_TYPES,
    EVENT_COLUMNS,
    OUTCOMES,
    REASONS,
    REQUIRED_CASE_COLUMNS,
    REQUIRED_EVENT_COLUMNS,
    SPEC,
    activities,
)
from govsim.log.tables import (
    drop_selection,
    is_parquet,
    read_table,
    select_cases,
    selections,
    sibling_cases,
)
from govsim.scenario.expand import expand
from govsim.scenario.load import load_scenario
from govsim.scenario.models import Scenario

__all__ = [
    "CASE_ATTRIBUTES",
    "CASE_COLUMNS",
    "EVENT_COLUMNS",
    "OBJECT_COLUMNS",
    "TZ",
    "LoadedLog",
    "LogError",
    "load_log",
    "load_logs",
    "normalise",
]


OBJECT_COLUMNS: dict[str, str] = {
    "countersign": "countersign",
    "meeting": "meeting",
    "ledger_item": "ledger item",
}
"""Optional event columns naming objects of parts of the model still to come (countersign
A56/A59, meetings A43–A54, the supervision ledger A69–A74): column → OCEL object type. They
are kept when present and absent otherwise."""


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
    loc = Locator(source, np.arange(len(events)) if rows is None else np.asarray(rows), csv)
    _require_columns(set(events.columns), joined=cases is None, loc=loc)
    fields = _event_fields(events, list(org.actors), cal, loc)
    ids, labels = case_id_column(events["case"], loc)
    _check_activity_rules(fields, loc)
    src = case_source(events, cases, ids, labels, loc, case_rows)
    attrs = case_attributes(src, list(org.actors), cal)
    case_frame = finish(case_table(attrs, events, src, loc), fields["time"], src.case_ids)
    case_type = case_frame.set_index("case")["case_type"].reindex(src.case_ids)
    out = pd.DataFrame(
        {
            "time": fields["time"],
            "case": src.case_ids.astype(np.int32),
            "case_type": pd.Categorical(
                case_type.astype(object).to_numpy(), categories=list(CASE_TYPES)
            ),
            **{name: fields[name] for name in EVENT_COLUMNS[3:]},
        }
    )
    for name in OBJECT_COLUMNS:
        if name in events.columns:
            out[name] = strings(events[name]).to_numpy(dtype=object)
    return out, case_frame, src.labels


def _require_columns(cols: set[str], *, joined: bool, loc: Locator) -> None:
    """The event columns a log must have, and for the joined layout the case columns."""
    for name in REQUIRED_EVENT_COLUMNS:
        if name not in cols:
            raise loc.fail(f"missing column '{name}'")
    if "time" not in cols and "timestamp" not in cols:
        raise loc.fail("missing column 'time' (clock minutes) or 'timestamp' (ISO-8601 date-time)")
    for name in REQUIRED_CASE_COLUMNS if joined else ():
        if name not in cols:
            raise loc.fail(
                f"missing column '{name}' (case attributes go on every row, or in a "
                "cases file next to the events file)"
            )


def _event_fields(
    events: pd.DataFrame, actors: list[str], cal: WorkCalendar, loc: Locator
) -> dict[str, object]:
    """Every event column but ``case`` and ``case_type`` parsed, in column order (so the
    first problem reported is the leftmost); absent optional columns are empty."""
    cols = set(events.columns)
    empty = pd.Series([None] * len(events), dtype=object)
    vocabularies: dict[str, tuple[Sequence[str], str]] = {
        "activity": (ACTIVITIES, f"is not a known activity ({', '.join(ACTIVITIES)})"),
        "actor": (actors, NOT_IN_ORG),
        "on_behalf": (actors, NOT_IN_ORG),
        "target": (actors, NOT_IN_ORG),
        "outcome": (OUTCOMES, f"is not a known outcome ({', '.join(OUTCOMES)})"),
        "reason": (REASONS, f"is not a known reason ({', '.join(REASONS)})"),
    }
    time_name = "time" if "time" in cols else "timestamp"
    fields: dict[str, object] = {
        "time": clock_column(events[time_name], time_name, cal, loc, required=True)
    }
    for name in EVENT_COLUMNS[3:]:
        values = events[name] if name in cols else empty
        if name in vocabularies:
            vocabulary, what = vocabularies[name]
            required = name in REQUIRED_EVENT_COLUMNS
            fields[name] = vocab_column(values, name, vocabulary, loc, required=required, what=what)
        elif name == "value":
            fields[name] = number_column(values, name, loc)
        else:
            fields[name] = clock_column(values, name, cal, loc, required=False)
    return fields


_NEEDS_TARGET = activities(needs_target=True)
_NEEDS_DEADLINE = activities(needs_deadline=True)
_NEEDS_OUTCOME = activities(needs_outcome=True)
_OUTCOME_PAIRS = frozenset(f"{s.name}\0{o}" for s in ACTIVITY_SPECS for o in s.outcomes)


def _check_activity_rules(fields: dict[str, object], loc: Locator) -> None:
    """What the schema requires of each activity: a target, a deadline, an outcome it allows
    (:data:`govsim.log.schema.ACTIVITY_SPECS`)."""
    act = np.asarray(fields["activity"].astype(object))
    no_target = np.asarray(pd.isna(fields["target"]))
    for i in np.flatnonzero(np.isin(act, _NEEDS_TARGET) & no_target)[:1]:
        raise loc.error(int(i), f"{act[i]} needs a target")
    for i in np.flatnonzero(np.isin(act, _NEEDS_DEADLINE) & np.isnan(fields["deadline"]))[:1]:
        raise loc.error(int(i), f"{act[i]} needs a deadline")
    outcome = fields["outcome"]
    given = np.asarray(pd.notna(outcome))
    shown = pd.Series(np.asarray(outcome.astype(object)), dtype=object).where(given, "")
    pairs = pd.Series(act.astype(str)) + "\0" + shown.astype(str)  # one string dtype for both
    wrong = given & ~pairs.isin(_OUTCOME_PAIRS).to_numpy()
    for i in np.flatnonzero(wrong | (~given & np.isin(act, _NEEDS_OUTCOME)))[:1]:
        allowed = SPEC[act[i]].outcomes
        shown = f"outcome {outcome[i]!r}" if given[i] else "no outcome"
        expected = " or ".join(allowed) if allowed else "no outcome"
        raise loc.error(int(i), f"{act[i]} has {shown}; expected {expected}")


# -- reading files ------------------------------------------------------------------------------


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


def _design_point(sc: Scenario, variant: str | None, point: str | None, where: str) -> Scenario:
    """The scenario of the design point (variant, sweep point) a log's rows name; the
    baseline by default. ``where`` (the log's file) starts an error's one line."""
    points = expand(sc)
    want_variant = variant if variant is not None else points[0].variant
    match = [p for p in points if p.variant == want_variant]
    if not match:
        names = ", ".join(dict.fromkeys(p.variant for p in points))
        raise LogError(f"{where}: variant {variant!r} is not in the scenario (it has {names})")
    if point is not None:
        at = [p for p in match if p.point == point]
        if not at:
            labels = ", ".join(repr(p.point) for p in match)
            raise LogError(
                f"{where}: sweep point {point!r} is not in the scenario (it has {labels})"
            )
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
    return next(
        load_logs(source, scenario=scenario, variant=variant, point=point, replication=replication)
    )


def load_logs(
    source: str | Path,
    *,
    scenario: str | Path | None = None,
    variant: str | None = None,
    point: str | None = None,
    replication: int | None = None,
) -> Iterator[LoadedLog]:
    """Every replication of a log that matches the options, in file order, each read,
    selected and validated as :func:`load_log` does — the files are read once, so a whole
    run costs one read however many replications it holds."""
    files = _locate(Path(source), scenario)
    sc = load_scenario(files.scenario)
    raw_events = read_table(files.events)
    cases_path = files.cases
    if cases_path is None and "sender" not in raw_events.columns:
        cases_path = sibling_cases(files.events)  # else the case attributes are on the rows
    raw_cases = read_table(cases_path) if cases_path is not None else None
    where = str(files.events)
    for ev_rows, selection in selections(raw_events, where, variant, point, replication):
        yield _loaded(files, sc, raw_events, raw_cases, cases_path, ev_rows, selection)


def _loaded(
    files: _Files,
    sc: Scenario,
    raw_events: pd.DataFrame,
    raw_cases: pd.DataFrame | None,
    cases_path: Path | None,
    ev_rows: np.ndarray,
    selection: tuple[str | None, str | None, int | None],
) -> LoadedLog:
    """One replication's rows of the tables, normalised against its design point."""
    variant_sel, point_sel, rep_sel = selection
    where = str(files.events)
    case_rows = None
    if raw_cases is not None:
        case_rows = select_cases(raw_cases, str(cases_path), variant_sel, point_sel, rep_sel)
    design = _design_point(sc, variant_sel, point_sel, where)
    org, cal = Organisation.from_scenario(design), build_calendar(design)
    csv = not is_parquet(files.events)
    events, cases, labels = normalise(
        drop_selection(raw_events.iloc[ev_rows]),
        None if raw_cases is None else drop_selection(raw_cases.iloc[case_rows]),
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
        warnings=files.warnings,
    )


@dataclass
class _Files:
    """The files a log is read from."""

    events: Path
    cases: Path | None
    scenario: Path
    warnings: list[str] = field(default_factory=list)


def _locate(path: Path, scenario: str | Path | None) -> _Files:
    """The events file, the cases file (None: on the event rows or beside them) and the
    scenario file of a results folder or an events file."""
    if not path.exists():
        raise LogError(f"{path}: no such file or folder")
    if not path.is_dir():
        if scenario is None:
            raise LogError(f"{path}: a scenario file is needed for an events file: --scenario FILE")
        return _Files(path, None, Path(scenario))
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise LogError(f"{path}: not a results folder (no manifest.json)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LogError(f"{manifest_path}: cannot read: {exc}") from None
    files = _Files(path / "events.parquet", path / "cases.parquet", Path(scenario or "."))
    if not files.events.is_file():
        raise LogError(f"{path}: no events.parquet in this results folder; run with --events all")
    if not files.cases.is_file():
        raise LogError(f"{path}: no cases.parquet in this results folder")
    if scenario is None:
        files.scenario = _find_scenario(manifest, path)
        files.warnings.extend(_changed_since_run(files.scenario, manifest))
    return files


def _changed_since_run(scenario: Path, manifest: dict[str, object]) -> list[str]:
    """A warning for each file of the scenario (the file, and its ``base`` chain when the
    manifest lists it) whose SHA-256 is not the one the manifest recorded."""
    from govsim.core.files import file_sha256

    recorded = manifest.get("scenario_files")
    files = dict(recorded) if isinstance(recorded, dict) else {}
    if not files and manifest.get("scenario_sha256"):
        files = {str(scenario): manifest["scenario_sha256"]}
    changed = []
    for name, sha in files.items():
        path = Path(str(name))
        try:
            same = file_sha256(path) == sha
        except OSError:
            same = False
        if not same:
            changed.append(
                f"{path} has changed since the run (its SHA-256 differs from the "
                "manifest's); checking against the file as it is now"
            )
    return changed
