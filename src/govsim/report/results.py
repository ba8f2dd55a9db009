"""Reading a results folder written by ``govsim run``: its manifest, KPI table, backlog series
and, when written, the event log's closing events, the case table and the units' desks."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd


class ReportError(Exception):
    """A results folder that cannot be reported on; the message is one line."""


@dataclass
class Results:
    """The frames and manifest of one results folder."""

    path: Path
    manifest: dict[str, Any]
    kpis: pd.DataFrame
    backlog: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    cases: pd.DataFrame | None = None
    desks: pd.DataFrame | None = None  # desks.parquet, with [desks]


_EVENT_COLUMNS = ["variant", "point", "replication", "time", "case", "case_type", "activity"]


def load_results(path: str | Path) -> Results:
    """Read a results folder; raise :class:`ReportError` (one line) if it is not one."""
    folder = Path(path)
    if not folder.exists():
        raise ReportError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise ReportError(f"{folder}: not a folder")
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ReportError(f"{folder}: not a govsim results folder (no manifest.json)")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{manifest_path}: unreadable manifest: {exc}") from None
    if not isinstance(manifest, dict):
        raise ReportError(f"{manifest_path}: unreadable manifest: not a JSON object")
    manifest = {**manifest, "status": _status(folder, manifest)}
    kpis_path = folder / "kpis.parquet"
    if not kpis_path.is_file():
        status = manifest.get("status")
        why = f"the run's status is '{status}'" if status else "did every replication fail?"
        raise ReportError(f"{folder}: no kpis.parquet ({why})")
    try:
        kpis = pd.read_parquet(kpis_path)
        backlog = _read_optional(folder / "backlog.parquet")
        cases = _read_optional(
            folder / "cases.parquet",
            ["variant", "point", "replication", "case", "case_type", "created"],
        )
        # With the case table, only the closing events are needed for cycle times.
        closed_only = [("activity", "==", "doc.closed")] if cases is not None else None
        events = _read_optional(folder / "events.parquet", _EVENT_COLUMNS, closed_only)
        desks = _read_optional(folder / "desks.parquet")
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise ReportError(f"{folder}: cannot read results: {type(exc).__name__}: {exc}") from None
    for col in ("variant", "replication"):
        if col not in kpis.columns:
            raise ReportError(f"{kpis_path}: no '{col}' column; not a govsim KPI table")
    if kpis.empty:
        raise ReportError(f"{kpis_path}: no replications")
    if "point" not in kpis.columns:
        kpis["point"] = ""
    kpis["point"] = kpis["point"].fillna("").astype(str)
    return Results(folder, manifest, kpis, backlog, events, cases, desks)


def _status(folder: Path, manifest: dict[str, Any]) -> Any:
    """The run's status: a ``running`` run whose folder nobody holds locked was killed, and
    is reported as ``interrupted``."""
    from govsim.experiment.runner import run_status

    return run_status(folder) or manifest.get("status")


def _read_optional(
    path: Path, columns: list[str] | None = None, filters: list[tuple[str, str, str]] | None = None
) -> pd.DataFrame | None:
    if not path.is_file():
        return None
    if columns is not None:
        import pyarrow.parquet as pq

        present = set(pq.read_schema(path).names)
        columns = [c for c in columns if c in present]
    return pd.read_parquet(path, columns=columns, filters=filters)


def _warmup_days(results: Results) -> float | None:
    """The scenario's warm-up, if its file still exists unchanged (the event log starts at 0)."""
    from govsim.scenario.load import ScenarioError, load_scenario

    name, sha = results.manifest.get("scenario_file"), results.manifest.get("scenario_sha256")
    if not name or not sha:
        return None
    path = Path(name)
    if not path.is_absolute() and not path.exists():
        path = results.path / name
    try:
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            return None
        return float(load_scenario(path).scenario.warmup_days)
    except (OSError, ScenarioError):
        return None
