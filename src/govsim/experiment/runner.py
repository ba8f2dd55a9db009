"""Running an experiment: every design point × replication, in parallel, written to disk.

Replication ``r`` of every design point uses the same seeds (common random numbers), and each
task is deterministic, so the results are bit for bit the same whatever the number of
workers or the order in which tasks finish (DESIGN: Randomness).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import platform
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from govsim import __version__
from govsim.experiment.storage import write_csv, write_json, write_parquet
from govsim.experiment.summary import summary_table
from govsim.metrics import backlog_series, replication_kpis
from govsim.model.world import simulate
from govsim.org import GO
from govsim.scenario.expand import DesignPoint, expand
from govsim.scenario.models import Scenario

EventsMode = Literal["none", "all"]


@dataclass(frozen=True)
class Task:
    """One replication of one design point."""

    index: int
    point_index: int
    variant: str
    point: str
    replication: int
    seed: int
    scenario: Scenario
    keep_events: bool


@dataclass
class TaskResult:
    """What one replication hands back: its KPI row, backlog series and (optionally) events."""

    index: int
    kpis: dict[str, object]
    backlog: pd.DataFrame
    events: pd.DataFrame | None = None
    cases: pd.DataFrame | None = None


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


def make_tasks(scenario: Scenario, reps: int, seed: int, keep_events: bool) -> list[Task]:
    """Design points × replications, in a fixed order (design point major)."""
    points = expand(scenario)
    tasks: list[Task] = []
    for p_index, point in enumerate(points):
        for rep in range(reps):
            tasks.append(
                Task(
                    len(tasks),
                    p_index,
                    point.variant,
                    point.point,
                    rep,
                    seed,
                    point.scenario,
                    keep_events,
                )
            )
    return tasks


def run_task(task: Task) -> TaskResult:
    """Simulate one replication and reduce its log to KPIs and the backlog series."""
    world = simulate(task.scenario, task.replication, task.seed)
    events, cases = world.log.to_frame(), world.log.cases_frame()
    sc = task.scenario
    leaders = list(world.org.leaders)
    kpis: dict[str, object] = {
        "variant": task.variant,
        "point": task.point,
        "replication": task.replication,
        "seed": task.seed,
    }
    kpis.update(
        replication_kpis(
            events, cases, world.cal, leaders, sc.general_office.reviewers, sc.scenario.warmup_days
        )
    )
    backlog = backlog_series(events, world.cal, [GO, *leaders])
    backlog.insert(0, "replication", task.replication)
    backlog.insert(0, "point", task.point)
    backlog.insert(0, "variant", task.variant)
    if task.keep_events:
        for frame in (events, cases):
            frame.insert(0, "replication", task.replication)
            frame.insert(0, "point", task.point)
            frame.insert(0, "variant", task.variant)
        return TaskResult(task.index, kpis, backlog, events, cases)
    return TaskResult(task.index, kpis, backlog)


def _execute(
    tasks: list[Task], workers: int, on_done: Callable[[], None]
) -> Iterator[TaskResult | TaskFailure]:
    if workers <= 1:
        for task in tasks:
            try:
                yield run_task(task)
            except Exception as exc:  # a failing replication must not stop the others
                yield TaskFailure(task, f"{type(exc).__name__}: {exc}")
            on_done()
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: dict[Future[TaskResult], Task] = {pool.submit(run_task, t): t for t in tasks}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                task = pending.pop(fut)
                exc = fut.exception()
                yield TaskFailure(task, f"{type(exc).__name__}: {exc}") if exc else fut.result()
                on_done()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (the scenario's fingerprint in the manifest)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def new_run_dir(base: Path, scenario_name: str) -> Path:
    """``base/<scenario>/<UTC timestamp>[-n]``, a fresh folder name for this run."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    root = base / scenario_name
    candidate, n = root / stamp, 1
    while candidate.exists():
        n += 1
        candidate = root / f"{stamp}-{n}"
    return candidate


def run_experiment(
    scenario: Scenario,
    *,
    scenario_path: Path | None,
    reps: int,
    seed: int,
    out: Path,
    workers: int = 1,
    events: EventsMode = "none",
    progress: Callable[[int], Callable[[], None]] | None = None,
) -> RunResult:
    """Run every task, then write ``manifest.json``, ``kpis.parquet``, ``backlog.parquet``,
    ``summary.csv`` and (``events="all"``) ``events.parquet`` + ``cases.parquet`` into a new
    folder under ``out``. Each file is written atomically.
    """
    started = dt.datetime.now(dt.UTC)
    tasks = make_tasks(scenario, reps, seed, keep_events=events == "all")
    on_done = progress(len(tasks)) if progress else (lambda: None)
    results: list[TaskResult] = []
    failures: list[TaskFailure] = []
    for item in _execute(tasks, max(1, min(workers, len(tasks))), on_done):
        (failures if isinstance(item, TaskFailure) else results).append(item)
    results.sort(key=lambda r: r.index)
    failures.sort(key=lambda f: f.task.index)

    out_dir = new_run_dir(out, scenario.scenario.name)
    out_dir.mkdir(parents=True)
    kpis = pd.DataFrame([r.kpis for r in results])
    if results:
        write_parquet(kpis, out_dir / "kpis.parquet")
        write_parquet(
            pd.concat([r.backlog for r in results], ignore_index=True), out_dir / "backlog.parquet"
        )
        if events == "all":
            write_parquet(
                pd.concat([r.events for r in results], ignore_index=True),
                out_dir / "events.parquet",
            )
            write_parquet(
                pd.concat([r.cases for r in results], ignore_index=True), out_dir / "cases.parquet"
            )
    summary = summary_table(kpis) if results else pd.DataFrame()
    if results:
        write_csv(summary, out_dir / "summary.csv")
    points = expand(scenario)
    manifest = {
        "govsim_version": __version__,
        "scenario": scenario.scenario.name,
        "scenario_file": str(scenario_path) if scenario_path else None,
        "scenario_sha256": file_sha256(scenario_path) if scenario_path else None,
        "seed": seed,
        "replications": reps,
        "seed_rule": "numpy.random.SeedSequence(seed, spawn_key=(replication, crc32(stream)))",
        "design_points": [_point_entry(p) for p in points],
        "events": events,
        "workers": workers,
        "started": started.isoformat(),
        "finished": dt.datetime.now(dt.UTC).isoformat(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "platform": platform.platform(),
        "argv": sys.argv,
        "pid": os.getpid(),
        "failures": [
            {
                "variant": f.task.variant,
                "point": f.task.point,
                "replication": f.task.replication,
                "seed": f.task.seed,
                "error": f.error,
            }
            for f in failures
        ],
    }
    write_json(manifest, out_dir / "manifest.json")
    return RunResult(out_dir, kpis, summary, failures)


def _point_entry(p: DesignPoint) -> dict[str, object]:
    return {"variant": p.variant, "point": p.point, "overrides": p.overrides}
