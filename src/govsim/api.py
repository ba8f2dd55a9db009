"""The public Python API: what a notebook or a script needs, without the command line.

Each function is a thin front to one layer of the package, so a notebook never reaches into
internal modules::

    import govsim

    sc = govsim.load_scenario("scenarios/jining.toml")
    sim = govsim.simulate(sc)                     # one replication, in memory
    sim.kpis["instr_breach_rate"], sim.events.head()
    govsim.check(sim)                             # the rules' invariants on its log
    res = govsim.run(sc, reps=5)                  # every design point × replication, in memory
    res.summary                                   # mean, 95% interval, paired differences
    res = govsim.run(sc, reps=5, out="results")   # the same, written to a results folder
    res = govsim.load_results(res.path)           # … and read back later
    govsim.export_log(sim, "log.xes", format="xes")   # for process-mining tools

Heavy libraries (pandas, pyarrow) are imported when a function needs them, so ``import
govsim`` stays light.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

    from govsim.checks import Violation
    from govsim.core.calendar import WorkCalendar
    from govsim.core.org import Organisation
    from govsim.experiment.search import SearchResult
    from govsim.log.read import LoadedLog
    from govsim.model.warm import Snapshot
    from govsim.report import Report, Results
    from govsim.scenario.expand import DesignPoint
    from govsim.scenario.models import Scenario

EventsMode = Literal["none", "sample", "all"]


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (with its ``base`` files); raises
    :class:`govsim.scenario.load.ScenarioError`, whose ``problems`` are one line each."""
    from govsim.scenario.load import load_scenario as _load

    return _load(path)


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """Validate a scenario given as TOML text (``base`` paths are relative to the current
    folder)."""
    from govsim.scenario.load import parse_scenario as _parse

    return _parse(text, source)


def design_points(scenario: Scenario) -> list[DesignPoint]:
    """The scenario's variants × sweep points, each with its own :class:`Scenario`."""
    from govsim.scenario.expand import expand

    return expand(scenario)


@dataclass
class Simulation:
    """One replication simulated in memory: its event log, case table, KPIs and series."""

    scenario: Scenario
    replication: int
    seed: int
    events: pd.DataFrame
    cases: pd.DataFrame
    kpis: dict[str, Any]
    series: dict[str, pd.DataFrame]
    calendar: WorkCalendar
    org: Organisation

    def check(self) -> list[Violation]:
        """The rules' invariants over this replication's log."""
        return check(self)


def _scenario(scenario: Scenario | str | Path) -> Scenario:
    return load_scenario(scenario) if isinstance(scenario, str | Path) else scenario


def simulate(
    scenario: Scenario | str | Path, replication: int = 0, seed: int | None = None
) -> Simulation:
    """Simulate one replication of ``scenario`` (its baseline design point; pick another
    with :func:`design_points`) and compute its KPIs, all in memory.

    ``seed`` defaults to the scenario's ``[experiment] seed``; replication ``r`` draws from
    ``SeedSequence(seed, spawn_key=(r, stream))``, as in :func:`run`."""
    from govsim.kpis import compute
    from govsim.model.world import simulate as _simulate

    sc = _scenario(scenario)
    world = _simulate(sc, replication, seed)
    events, cases = world.log.to_frame(), world.log.cases_frame()
    result = compute(events, cases, sc, world.cal, world.org)
    return Simulation(
        sc,
        replication,
        world.seed,
        events,
        cases,
        result.kpis,
        result.series,
        world.cal,
        world.org,
    )


@dataclass
class RunOutcome:
    """A finished experiment: the KPI table (one row per replication), the summary, the
    series (in memory only; on disk they are the folder's Parquet files), and the results
    folder when it was written to disk."""

    kpis: pd.DataFrame
    summary: pd.DataFrame
    series: dict[str, pd.DataFrame] = field(default_factory=dict)
    path: Path | None = None
    failures: list[str] = field(default_factory=list)


def run(
    scenario: Scenario | str | Path,
    *,
    reps: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    out: str | Path | None = None,
    events: EventsMode = "none",
    progress: Callable[[int, int], Callable[[], None]] | None = None,
) -> RunOutcome:
    """Run every design point × replication of ``scenario``.

    With ``out`` the results folder is written exactly as ``govsim run`` writes it (and
    ``path`` names it); without, everything stays in memory and nothing is written.
    Same seed, same numbers, whatever ``workers``."""
    from govsim.experiment.runner import run_experiment, run_in_memory

    sc = _scenario(scenario)
    path = Path(scenario) if isinstance(scenario, str | Path) else None
    reps = sc.experiment.replications if reps is None else reps
    seed = sc.experiment.seed if seed is None else seed
    if out is None:
        kpis, summary, series, failures = run_in_memory(
            sc, reps=reps, seed=seed, workers=workers, events=events, progress=progress
        )
        return RunOutcome(kpis, summary, series, None, failures)
    result = run_experiment(
        sc,
        scenario_path=path,
        reps=reps,
        seed=seed,
        out=Path(out),
        workers=workers,
        events=events,
        progress=progress,
    )
    failures = [
        f"{f.task.variant} {f.task.point} rep {f.task.replication}: {f.error}"
        for f in result.failures
    ]
    return RunOutcome(result.kpis, result.summary, {}, result.out_dir, failures)


def load_results(path: str | Path) -> Results:
    """Read a results folder written by ``govsim run`` (manifest, KPIs, backlog, and the
    event log when it was kept); raises :class:`govsim.report.ReportError` with one line if
    it is not one."""
    from govsim.report import load_results as _load

    return _load(path)


def load_log(source: str | Path, **selection: Any) -> LoadedLog:
    """Read and validate an event log from disk — a results folder or an events file,
    simulated or converted from an OA system — as ``govsim check`` does; ``selection``:
    ``scenario``, ``variant``, ``point``, ``replication``."""
    from govsim.log.read import load_log as _load

    return _load(source, **selection)


def check(log: Simulation | LoadedLog | str | Path, **selection: Any) -> list[Violation]:
    """The rules' invariants over a log: a :class:`Simulation`, a loaded log, or a path
    (read with :func:`load_log`). An empty list means every checked rule holds."""
    from govsim.checks import audit, check_log

    if isinstance(log, Simulation):
        return check_log(log.events, log.cases, log.org, log.calendar, scenario=log.scenario)
    loaded = load_log(log, **selection) if isinstance(log, str | Path) else log
    return audit(loaded)


def export_log(
    log: Simulation | LoadedLog | str | Path,
    path: str | Path,
    format: Literal["xes", "ocel", "csv"] = "xes",  # the command's option name
    **selection: Any,
) -> Path:
    """Write a log for process-mining tools: XES (IEEE 1849-2016), OCEL 2.0 JSON or CSV."""
    from govsim.export import export_log as _export
    from govsim.log.read import LoadedLog

    if isinstance(log, Simulation):
        loaded = LoadedLog(
            log.events, log.cases, log.org, log.calendar, log.scenario, "<simulation>"
        )
    else:
        loaded = load_log(log, **selection) if isinstance(log, str | Path) else log
    return _export(loaded, format, path)


def read_snapshot(scenario: Scenario | str | Path) -> Snapshot:
    """The backlog a warm-started scenario (``[initial_state]``) carries: the documents open
    at the cut, by stage, and the open cases it does not carry, counted by kind."""
    from govsim.model.warm import read_snapshot as snapshot

    return snapshot(_scenario(scenario))


def work_calendar(scenario: Scenario) -> WorkCalendar:
    """The scenario's work calendar: clock minutes to local date-times (``datetime_of``),
    working days and office hours, as the simulation used them."""
    from govsim.core.calendar import build_calendar

    return build_calendar(scenario)


def summary_table(kpis: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Per design point and KPI: n, mean, sd and the Student-t interval (``summary.csv``)."""
    from govsim.experiment.summary import summary_table as _summary

    return _summary(kpis, confidence)


def headline_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The few headline KPIs of a summary, as ``govsim run`` prints them."""
    from govsim.experiment.summary import headline_table as _headline

    return _headline(summary)


def compact_summary(
    summary: pd.DataFrame, kpis: list[str] | None = None, fmt: str = "table"
) -> str:
    """The compact summary ``govsim run`` and ``govsim summary`` print: design points as rows,
    a few headline KPIs (or ``kpis``) as columns, mean ± 95% half-width and Δ against the
    baseline; ``fmt`` is ``table`` (80 columns), ``markdown``, ``csv`` or ``json``. Raises
    ``KpiError`` for a KPI the summary does not hold."""
    from govsim.experiment.compact import default_kpis, fit_kpis, render, resolve_kpis

    chosen = resolve_kpis(summary, kpis) if kpis else fit_kpis(summary, default_kpis(summary))
    return render(summary, chosen, fmt)


def paired_differences(kpis: pd.DataFrame, *args: Any, **kwargs: Any) -> pd.DataFrame:
    """Each variant against the baseline, replication by replication on common random
    numbers (:func:`govsim.stats.paired_differences`)."""
    from govsim.stats import paired_differences as _paired

    return _paired(kpis, *args, **kwargs)


def build_report(results_dir: str | Path) -> Report:
    """Write the figures and the one-page HTML summary of a results folder into its
    ``report/`` folder (as ``govsim report``); returns the page (``html``) and the
    ``figures`` written."""
    from govsim.report import build_report as _build

    return _build(results_dir)


def _events_of(log: Simulation | LoadedLog | str | Path, **selection: Any) -> pd.DataFrame:
    if isinstance(log, Simulation):
        return log.events
    return (load_log(log, **selection) if isinstance(log, str | Path) else log).events


def compare_logs(
    a: Simulation | LoadedLog | str | Path,
    b: Simulation | LoadedLog | str | Path,
    *,
    floor: Scenario | str | Path | None = None,
    **selection: Any,
) -> pd.DataFrame:
    """Distances between two event logs per case type — cycle times (Wasserstein, KS),
    weekly arrivals, activity frequencies, directly-follows orderings — as ``govsim compare``
    prints them; with ``floor`` (a scenario), also the same distances between two of its
    replications (the noise floor) and each distance's ratio to it. ``selection``
    (``scenario``, …) reads logs given as paths (:func:`load_log`)."""
    from govsim.fit import compare_frames
    from govsim.fit.floor import floor_logs

    pair = None if floor is None else floor_logs(_scenario(floor))
    return compare_frames(_events_of(a, **selection), _events_of(b, **selection), pair)


def fit_log(
    log: Simulation | LoadedLog | str | Path,
    base: str | Path,
    out: str | Path,
    *,
    compare: bool = True,
    criterion: Literal["aic", "bic"] = "aic",
    **selection: Any,
) -> Any:
    """Fit a scenario to an event log, as ``govsim fit``: arrival rates per sender and kind
    with monthly seasonality, routing and outcome shares, efforts in working time; writes
    the ``base`` file's scenario with the fitted values to ``out`` and returns a
    :class:`govsim.fit.scenario_fit.FitOutcome` (``estimates()``, ``fit.kept``, ``path``,
    ``scenario``, and with ``compare`` the ``distances`` of a replication of the fitted
    scenario from the log against the noise floor). ``criterion`` chooses each effort's
    family (Akaike's or the Bayesian information criterion). A log given as a path is read
    with ``base`` as its scenario unless ``selection`` names another."""
    from govsim.fit.order import require_time_order
    from govsim.fit.scenario_fit import fit_frames

    if isinstance(log, str | Path):
        log = load_log(log, **{"scenario": base, **selection})
    if not isinstance(log, Simulation):
        require_time_order(log)
    cal = log.calendar if isinstance(log, Simulation) else log.cal
    source = "<simulation>" if isinstance(log, Simulation) else log.source
    return fit_frames(
        log.events,
        log.cases,
        cal,
        log.scenario,
        base,
        out,
        source=source,
        compare=compare,
        criterion=criterion,
    )


def sensitivity_indices(
    kpis: pd.DataFrame, scenario: Scenario, metrics: list[str], seed: int | None = None
) -> pd.DataFrame:
    """Sobol' indices (S1, ST) or Morris effects (μ*, σ) of each KPI in ``metrics`` for the
    knobs of the scenario's ``[design]``, from the KPI table of its run, with 95% bootstrap
    intervals (as ``govsim analyse --sensitivity``)."""
    from govsim.experiment.sensitivity import SensitivityError, indices

    if scenario.design is None:
        raise SensitivityError("the scenario has no [design]")
    seed = scenario.design.seed if seed is None else seed
    return indices(kpis, scenario.design, metrics, seed=seed)


def target_search(
    scenario: Scenario | str | Path, *, seed: int | None = None, workers: int = 1
) -> SearchResult:
    """The least setting of ``[search].knob`` whose mean KPI is under the threshold with the
    stated confidence (as ``govsim search``): ``best``, ``table()``, ``next_lower``,
    ``paired_difference()``, ``replications``."""
    from govsim.experiment.search import target_search as _search

    return _search(_scenario(scenario), seed=seed, workers=workers)
