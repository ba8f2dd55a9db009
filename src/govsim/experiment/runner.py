"""Running an experiment: every design point × replication, in parallel, written to disk.

Replication ``r`` of every design point uses the same seeds (common random numbers), and each
task is deterministic, so the results are bit for bit the same whatever the number of
workers or the order in which tasks finish (DESIGN: Randomness).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from govsim import __version__
from govsim.core.files import file_sha256, write_csv, write_json
from govsim.experiment.executors import open_executor
from govsim.experiment.parts import (
    RunLockedError,
    clear_temporary,
    consolidate,
    consolidate_rows,
    is_done,
    is_locked,
    lock_run,
    write_parts,
)
from govsim.experiment.summary import summary_table
from govsim.kpis import compute
from govsim.model.world import simulate
from govsim.scenario.expand import DesignPoint, expand
from govsim.scenario.limits import MAX_RUN_NAME
from govsim.scenario.models import Scenario

EventsMode = Literal["none", "sample", "all"]
MANIFEST = "manifest.json"


class RunDirError(ValueError):
    """A results folder that cannot be used (nothing to resume, a different experiment, a
    bad run name, a folder in use, or a file system that refuses the writes)."""


def check_run_name(name: str) -> None:
    """A ``--run`` name is one plain folder name: not empty, not ``.`` or ``..``, no path
    separator, printable, at most ``MAX_RUN_NAME`` characters — so that a run is written
    inside ``<out>/<scenario>/`` and nowhere else."""
    why = None
    if not name or name in (".", ".."):
        why = "must be a folder name"
    elif "/" in name or "\\" in name or (os.altsep and os.altsep in name):
        why = "must be a plain folder name, without a path separator"
    elif not name.isprintable() or name != name.strip():
        why = "must be printable, without leading or trailing blanks"
    elif len(name) > MAX_RUN_NAME:
        why = f"must be at most {MAX_RUN_NAME} characters (it has {len(name)})"
    if why:
        raise RunDirError(f"--run {json.dumps(name, ensure_ascii=False)[:120]}: {why}")


@dataclass(frozen=True)
class Task:
    """One replication of one design point, and where its parts go."""

    index: int
    point_index: int
    variant: str
    point: str
    replication: int
    seed: int
    scenario: Scenario
    keep_events: bool
    run_dir: Path


@dataclass
class TaskFailure:
    """A replication that raised; the others still finish."""

    task: Task
    error: str


@dataclass
class RunResult:
    """A finished (or partly failed) experiment."""

    out_dir: Path
    kpis: pd.DataFrame
    summary: pd.DataFrame
    failures: list[TaskFailure] = field(default_factory=list)
    skipped: int = 0


def make_tasks(
    points: list[DesignPoint], reps: int, seed: int, events: EventsMode, run_dir: Path
) -> list[Task]:
    """Design points × replications, in a fixed order (design point major).

    ``events="sample"`` keeps the event log of replication 0 of every design point.
    """
    tasks: list[Task] = []
    for p_index, point in enumerate(points):
        for rep in range(reps):
            keep = events == "all" or (events == "sample" and rep == 0)
            tasks.append(
                Task(
                    len(tasks),
                    p_index,
                    point.variant,
                    point.point,
                    rep,
                    seed,
                    point.scenario,
                    keep,
                    run_dir,
                )
            )
    return tasks


def _tag(frame: pd.DataFrame, task: Task) -> pd.DataFrame:
    frame.insert(0, "replication", task.replication)
    frame.insert(0, "point", task.point)
    frame.insert(0, "variant", task.variant)
    return frame


def replicate(task: Task) -> dict[str, pd.DataFrame]:
    """Simulate one replication and reduce its log to its frames: ``kpis`` (one row), every
    series that applies (tagged with variant, point and replication) and, when the task keeps
    them, ``events`` and ``cases``."""
    world = simulate(task.scenario, task.replication, task.seed)
    events, cases = world.log.to_frame(), world.log.cases_frame()
    # every KPI family and series that applies to the scenario (govsim.kpis registry)
    result = compute(events, cases, task.scenario, world.cal, world.org)
    kpis: dict[str, object] = {
        "variant": task.variant,
        "point": task.point,
        "replication": task.replication,
        "seed": task.seed,
        **result.kpis,
    }
    frames = {name: _tag(frame, task) for name, frame in result.series.items()}
    frames["kpis"] = pd.DataFrame([kpis])
    if task.keep_events:
        frames["events"] = _tag(events, task)
        frames["cases"] = _tag(cases, task)
    return frames


def run_task(task: Task) -> int:
    """Simulate one replication, reduce its log, and write its parts; returns the task index.

    Runs on the worker side (local process or Dask worker), so the parent never holds a
    replication's data: its memory stays flat in the number of replications.
    """
    write_parts(task.run_dir, task.point_index, task.replication, replicate(task))
    return task.index


def run_in_memory(
    scenario: Scenario,
    *,
    reps: int,
    seed: int,
    workers: int = 1,
    events: EventsMode = "none",
    progress: Callable[[int, int], Callable[[], None]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame], list[str]]:
    """Every design point × replication without writing anything: the KPI table, its
    summary, each series (and the event log with ``events``) concatenated in task order, and
    one line per failed replication. The numbers are those of :func:`run_experiment`."""
    tasks = make_tasks(expand(scenario), reps, seed, events, Path())
    tick = progress(len(tasks), 0) if progress else (lambda: None)
    parts: dict[str, list[pd.DataFrame]] = {}
    failures: list[str] = []
    with open_executor(workers) as executor:
        futures = [executor.submit(replicate, task) for task in tasks]
        for task, fut in zip(tasks, futures, strict=True):
            exc = fut.exception()
            if exc is not None:
                failures.append(
                    f"{task.variant} {task.point} rep {task.replication}: "
                    f"{type(exc).__name__}: {exc}"
                )
            else:
                for kind, frame in fut.result().items():
                    parts.setdefault(kind, []).append(frame)
            tick()
    frames = {k: pd.concat(v, ignore_index=True) for k, v in parts.items()}
    kpis = frames.pop("kpis", pd.DataFrame())
    summary = summary_table(kpis) if not kpis.empty else pd.DataFrame()
    return kpis, summary, frames, failures


def new_run_dir(base: Path, scenario_name: str) -> Path:
    """``base/<scenario>/<UTC timestamp>[-n]``, a fresh folder name for this run."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    root = base / scenario_name
    candidate, n = root / stamp, 1
    while candidate.exists():
        n += 1
        candidate = root / f"{stamp}-{n}"
    return candidate


def resolve_run_dir(base: Path, scenario_name: str, name: str | None, resume: bool) -> Path:
    """The folder of this run: named, fresh, or (``resume``) the named or latest existing one."""
    root = base / scenario_name
    if name is not None:
        check_run_name(name)
    if not resume:
        if name is None:
            return new_run_dir(base, scenario_name)
        if (root / name).exists():
            raise RunDirError(f"{root / name} exists already; add --resume to continue it")
        return root / name
    if name is not None:
        if not (root / name / MANIFEST).exists():
            raise RunDirError(f"nothing to resume: {root / name} holds no run")
        return root / name
    runs = sorted(p.parent for p in root.glob(f"*/{MANIFEST}"))
    if not runs:
        raise RunDirError(f"nothing to resume: no run of '{scenario_name}' under {base}")
    return runs[-1]


def _check_resumable(run_dir: Path, identity: dict[str, object]) -> None:
    """The run to resume ran this experiment: the same seed, replications and event mode,
    and every file of the scenario (the file and its ``base`` chain) unchanged, byte for
    byte — else finished and new replications would mix two scenarios."""
    try:
        old = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunDirError(f"cannot resume {run_dir}: its {MANIFEST} is unreadable: {exc}") from None
    if not isinstance(old, dict):
        raise RunDirError(f"cannot resume {run_dir}: its {MANIFEST} is not a run's manifest")
    before, now = old.get("scenario_files") or {}, identity["scenario_files"]
    for path, sha in now.items():  # type: ignore[union-attr]
        if path in before and before[path] != sha:
            raise RunDirError(f"cannot resume {run_dir}: {path} has changed since the run")
    for path in before:
        if path not in now:  # type: ignore[operator]
            raise RunDirError(f"cannot resume {run_dir}: {path} is no longer in the scenario")
    for key, value in identity.items():
        if key != "scenario_files" and old.get(key) != value:
            raise RunDirError(
                f"cannot resume {run_dir}: its {key} is {old.get(key)!r}, this run's is {value!r}"
            )


def run_status(run_dir: Path) -> str | None:
    """The status of the run in ``run_dir`` as its manifest records it — ``running``,
    ``complete``, ``failed`` or ``interrupted`` — except that a ``running`` run whose folder
    nobody holds locked was killed: it is ``interrupted``. None without a readable manifest."""
    try:
        status = json.loads((run_dir / MANIFEST).read_text(encoding="utf-8")).get("status")
    except (OSError, ValueError, AttributeError):
        return None
    if status == "running" and not is_locked(run_dir):
        return "interrupted"
    return status if isinstance(status, str) else None


IN_FLIGHT_PER_WORKER = 4


def _run_bounded(
    executor: Executor, tasks: list[Task], in_flight: int
) -> Iterator[tuple[Task, BaseException | None]]:
    """Submit ``tasks`` keeping at most ``in_flight`` of them queued or running, and yield each
    with its exception (None on success) as it finishes.

    Each submission carries its scenario; submitting thousands at once would hold every
    pickled payload in the parent, so memory would grow with the number of replications.
    """
    pending = iter(tasks)
    running: dict[Future[int], Task] = {}
    for task in islice(pending, in_flight):
        running[executor.submit(run_task, task)] = task
    while running:
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for fut in done:
            task = running.pop(fut)
            nxt = next(pending, None)
            if nxt is not None:
                running[executor.submit(run_task, nxt)] = nxt
            yield task, fut.exception()


def run_experiment(
    scenario: Scenario,
    *,
    scenario_path: Path | None,
    reps: int,
    seed: int,
    out: Path,
    workers: int = 1,
    events: EventsMode = "none",
    progress: Callable[[int, int], Callable[[], None]] | None = None,
    scheduler: str | None = None,
    run_name: str | None = None,
    resume: bool = False,
) -> RunResult:
    """Run every task not yet done and write the run folder (see :mod:`.parts`).

    Files: ``manifest.json`` (written at the start and rewritten at the end),
    ``parts/`` (one set per replication, written by the workers), and the consolidated
    ``kpis.parquet``, ``backlog.parquet``, ``summary.csv``, with the supervision ledger
    ``ledger_daily.parquet`` and ``ledger_year.parquet``, and — with ``events`` — the
    ``events.parquet`` and ``cases.parquet``. Every file is written atomically.
    ``progress(total, already_done)`` returns a callback ticked once per finished task.
    """
    started = dt.datetime.now(dt.UTC)
    points = expand(scenario)
    try:
        identity: dict[str, object] = {
            "scenario": scenario.scenario.name,
            "scenario_sha256": file_sha256(scenario_path) if scenario_path else None,
            "scenario_files": _fingerprints(scenario, scenario_path),
            "seed": seed,
            "replications": reps,
            "events": events,
        }
        run_dir = resolve_run_dir(out, scenario.scenario.name, run_name, resume)
        run_dir.mkdir(parents=True, exist_ok=True)
        with lock_run(run_dir):
            if resume:
                _check_resumable(run_dir, identity)
            manifest = _first_manifest(identity, scenario_path, points, started)
            how = _Execution(workers, scheduler, progress)
            return _run_locked(run_dir, manifest, points, reps, seed, events, resume, how)
    except RunLockedError as exc:
        raise RunDirError(str(exc)) from None
    except OSError as exc:
        raise RunDirError(_os_message(exc)) from None


@dataclass(frozen=True)
class _Execution:
    """Where and how the tasks of a run are executed."""

    workers: int
    scheduler: str | None
    progress: Callable[[int, int], Callable[[], None]] | None


def _run_locked(
    run_dir: Path,
    manifest: dict[str, object],
    points: list[DesignPoint],
    reps: int,
    seed: int,
    events: EventsMode,
    resume: bool,
    how: _Execution,
) -> RunResult:
    """The run itself, in a locked folder. The manifest says ``running`` while it works,
    then ``complete`` or ``failed``; an interruption (Ctrl-C, SIGTERM) leaves
    ``interrupted`` and an error of the file system ``failed`` with the error."""
    clear_temporary(run_dir)
    tasks = make_tasks(points, reps, seed, events, run_dir)
    todo = [t for t in tasks if not is_done(run_dir, t.point_index, t.replication)]
    write_json(manifest, run_dir / MANIFEST)
    try:
        tick = how.progress(len(tasks), len(tasks) - len(todo)) if how.progress else _no_tick
        failures = _run_tasks(todo, how.workers, how.scheduler, tick)
        kpis, summary = _consolidate_run(run_dir, tasks)
    except BaseException as exc:
        _record_stop(run_dir, manifest, exc)
        raise
    manifest.update(
        status="failed" if failures else "complete",
        resumed=resume,
        workers=how.workers if not how.scheduler else None,
        scheduler=how.scheduler,
        finished=dt.datetime.now(dt.UTC).isoformat(),
        tasks=_task_entries(tasks, failures),
    )
    write_json(manifest, run_dir / MANIFEST)
    return RunResult(run_dir, kpis, summary, failures, skipped=len(tasks) - len(todo))


def _no_tick() -> None:
    pass


def _record_stop(run_dir: Path, manifest: dict[str, object], exc: BaseException) -> None:
    """Mark the manifest ``interrupted`` (KeyboardInterrupt, SystemExit) or ``failed`` with
    the error; if the file system refuses even that, the caller's error is reported."""
    stopped = isinstance(exc, (KeyboardInterrupt, SystemExit))
    manifest.update(
        status="interrupted" if stopped else "failed",
        finished=dt.datetime.now(dt.UTC).isoformat(),
    )
    if not stopped:
        manifest["error"] = _os_message(exc) if isinstance(exc, OSError) else repr(exc)
    with contextlib.suppress(OSError):
        write_json(manifest, run_dir / MANIFEST)


def _os_message(exc: OSError) -> str:
    """``results/x: cannot write: No space left on device`` — one line for a write error."""
    where = exc.filename or "results folder"
    return f"{where}: cannot write: {exc.strerror or exc}"


def _fingerprints(scenario: Scenario, scenario_path: Path | None) -> dict[str, str]:
    """SHA-256 of every file the scenario was read from (its ``base`` chain included), by
    absolute path."""
    files = [Path(f).resolve() for f in scenario.files]
    if scenario_path is not None and scenario_path.resolve() not in files:
        files.insert(0, scenario_path.resolve())  # the file a scenario parsed from text names
    return {str(f): file_sha256(f) for f in files}


def _warm_note(points: list[DesignPoint]) -> dict[str, object]:
    """``warm_start``: where a warm-started run's backlog comes from, what it carried and what
    not; its KPIs count only what happens after the cut (none for a cold start)."""
    sc = points[0].scenario if points else None
    state = sc.initial_state if sc is not None else None
    if state is None:
        return {}
    from govsim.model.warm import read_snapshot

    cut = state.cut if isinstance(state.cut, int) else state.cut.isoformat()
    return {"warm_start": {"log": state.log, "cut": cut, **read_snapshot(sc).note()}}


def _first_manifest(
    identity: dict[str, object],
    scenario_path: Path | None,
    points: list[DesignPoint],
    started: dt.datetime,
) -> dict[str, object]:
    """The manifest written before any task runs: what is run, with which software, where."""
    return {
        "govsim_version": __version__,
        **identity,
        "scenario_file": str(scenario_path) if scenario_path else None,
        "seed_rule": "numpy.random.SeedSequence(seed, spawn_key=(replication, crc32(stream)))",
        "design_points": [_point_entry(i, p) for i, p in enumerate(points)],
        **_warm_note(points),
        "status": "running",
        "started": started.isoformat(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "platform": platform.platform(),
        "argv": sys.argv,
    }


def _run_tasks(
    todo: list[Task], workers: int, scheduler: str | None, tick: Callable[[], None]
) -> list[TaskFailure]:
    """Run ``todo`` on the executor, ticking once per finished task; the failures by task."""
    failures: list[TaskFailure] = []
    if todo:
        with open_executor(workers, scheduler) as executor:
            for task, exc in _run_bounded(executor, todo, IN_FLIGHT_PER_WORKER * max(1, workers)):
                if isinstance(exc, OSError):  # the results folder refuses writes: stop
                    raise exc
                if exc is not None:
                    failures.append(TaskFailure(task, f"{type(exc).__name__}: {exc}"))
                tick()
    failures.sort(key=lambda f: f.task.index)
    return failures


def _consolidate_run(run_dir: Path, tasks: list[Task]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Join every task's parts into the run's files; the KPI table and its summary."""
    clear_temporary(run_dir)
    keys = [(t.point_index, t.replication) for t in tasks]
    for kind in ("backlog", "ledger_daily", "ledger_year", "desks", "events", "cases"):
        consolidate(run_dir, keys, kind)
    kpis = consolidate_rows(run_dir, keys, "kpis")
    summary = summary_table(kpis) if not kpis.empty else pd.DataFrame()
    if not summary.empty:
        write_csv(summary, run_dir / "summary.csv")
    return kpis, summary


def _task_entries(tasks: list[Task], failures: list[TaskFailure]) -> list[dict[str, object]]:
    """The manifest's line per task: its design point, replication, seed and status."""
    failed = {f.task.index: f.error for f in failures}
    return [
        {
            "point": t.point_index,
            "variant": t.variant,
            "sweep": t.point,
            "replication": t.replication,
            "seed": t.seed,
            "status": "failed" if t.index in failed else "done",
            **({"error": failed[t.index]} if t.index in failed else {}),
        }
        for t in tasks
    ]


def _point_entry(index: int, p: DesignPoint) -> dict[str, object]:
    return {"index": index, "variant": p.variant, "point": p.point, "overrides": p.overrides}
