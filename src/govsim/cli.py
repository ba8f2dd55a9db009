"""The ``govsim`` command line.

Bad input of any kind — a missing file, TOML syntax, a wrong field — prints one line per
problem (``FILE:LINE: dotted.path: message``) on stderr and exits with code 2, without a
traceback and without writing any result.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from govsim import __version__
from govsim.cli_analyse import analyse, search
from govsim.cli_fit import compare, fit
from govsim.cli_logs import check, export
from govsim.cli_summary import echo_summary, echo_top_units, format_option, kpi_option, summary
from govsim.scenario.limits import MAX_DESIGN_POINTS, MAX_SEED

if TYPE_CHECKING:
    from govsim.scenario.models import Scenario

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # the shell's code for a process ended by Ctrl-C (128 + SIGINT)

# Start-up stays light: ``govsim --version``, ``--help`` and ``validate`` load neither pandas,
# pyarrow nor matplotlib. Every command imports what it needs inside its own body, and the
# modules that define commands (``cli_logs``) do the same.


def _load_or_exit(path: str, max_points: int = MAX_DESIGN_POINTS) -> Scenario:
    from govsim.scenario.load import ScenarioError, load_scenario

    try:
        sc = load_scenario(path, max_points=max_points)
        if sc.initial_state is not None:  # a warm start: its snapshot must be readable
            from govsim.model.warm import read_snapshot

            read_snapshot(sc)
        return sc
    except ScenarioError as exc:
        for line in exc.problems:
            click.echo(line, err=True)
        sys.exit(EXIT_BAD_INPUT)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="govsim")
def main() -> None:
    """Simulate a city government's administrative flow under the 济宁市人民政府工作规则."""


_max_points_option = click.option(
    "--max-points",
    type=click.IntRange(min=1),
    default=MAX_DESIGN_POINTS,
    show_default=True,
    help="Most design points (variants × sweep points) accepted; raise it for a large design.",
)


@main.command()
@click.argument("scenario_file", metavar="FILE")
@_max_points_option
def validate(scenario_file: str, max_points: int) -> None:
    """Check a scenario file without running it."""
    from govsim.scenario.expand import expand

    sc = _load_or_exit(scenario_file, max_points)
    points = expand(sc)
    click.echo(
        f"{scenario_file}: ok — scenario '{sc.scenario.name}', {len(sc.leaders)} leaders, "
        f"{len(sc.departments)} units, {len(points)} design point(s) × "
        f"{sc.experiment.replications} replication(s)"
    )


def _progress_bar(quiet: bool) -> Callable[[int, int], Callable[[], None]]:
    """A tqdm bar (completed / total, rate, ETA) on stderr, or nothing when quiet."""

    def start(total: int, done: int) -> Callable[[], None]:
        if quiet or done >= total:
            return lambda: None
        from tqdm import tqdm

        bar = tqdm(
            total=total,
            initial=done,
            unit="rep",
            desc="replications",
            file=sys.stderr,
            dynamic_ncols=True,
        )

        def tick() -> None:
            bar.update(1)
            if bar.n >= total:
                bar.close()

        return tick

    return start


@main.command()
@click.argument("scenario_file", metavar="FILE")
@click.option("--reps", type=click.IntRange(min=1), help="Replications per design point.")
@click.option("--seed", type=click.IntRange(min=0, max=MAX_SEED), help="Master seed.")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default="results",
    show_default=True,
    help="Folder that receives <scenario>/<run>/.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: number of CPUs).",
)
@click.option(
    "--events",
    type=click.Choice(["none", "sample", "all"]),
    default="none",
    show_default=True,
    help="Write the per-event log of every replication (all) or of replication 0 of each "
    "design point (sample).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Run on a Dask cluster, e.g. tcp://10.0.0.5:8786 (default: $DASK_SCHEDULER_ADDRESS "
    "if set, else local processes).",
)
@click.option(
    "--run", "run_name", metavar="NAME", default=None, help="Run folder name (default: UTC time)."
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue the named run (or the latest of this scenario), skipping finished replications.",
)
@_max_points_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary table.")
@kpi_option
@format_option
def run(
    scenario_file: str,
    reps: int | None,
    seed: int | None,
    out: str,
    workers: int | None,
    events: str,
    scheduler: str | None,
    run_name: str | None,
    resume: bool,
    max_points: int,
    quiet: bool,
    kpis: tuple[str, ...],
    fmt: str,
) -> None:
    """Run every variant × sweep point × replication of a scenario and write the results."""
    import os

    from govsim.experiment.executors import SchedulerError
    from govsim.experiment.runner import RunDirError, run_experiment

    sc = _load_or_exit(scenario_file, max_points)
    reps = reps or sc.experiment.replications
    seed = sc.experiment.seed if seed is None else seed
    try:
        _terminate_as_interrupt()
        result = run_experiment(
            sc,
            scenario_path=Path(scenario_file),
            reps=reps,
            seed=seed,
            out=Path(out),
            workers=workers or os.cpu_count() or 1,
            events=events,  # type: ignore[arg-type]
            progress=_progress_bar(quiet),
            scheduler=scheduler,
            run_name=run_name,
            resume=resume,
        )
    except (RunDirError, SchedulerError) as exc:
        click.echo(f"govsim run: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except KeyboardInterrupt:
        click.echo("govsim run: interrupted; continue it with --resume", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if not quiet and not result.summary.empty:
        echo_summary(result.summary, kpis, fmt)
        echo_top_units(Path(result.out_dir), fmt)
    for failure in result.failures:
        t = failure.task
        click.echo(
            f"replication {t.replication} of {t.variant}{' @ ' + t.point if t.point else ''} "
            f"(seed {t.seed}) failed: {failure.error}",
            err=True,
        )
    if result.skipped:
        click.echo(f"resumed: {result.skipped} replication(s) were already done", err=True)
    if sc.initial_state is not None:
        _echo_warm_start(sc, err=fmt in ("csv", "json"))
    click.echo(f"results: {result.out_dir}", err=fmt in ("csv", "json"))
    if result.failures:
        sys.exit(1)


def _echo_warm_start(sc: Scenario, err: bool) -> None:
    """What a warm start carried; its KPIs count only what happens after the cut."""
    from govsim.model.warm import read_snapshot

    snap = read_snapshot(sc)
    jobs = sum(n for k, n in snap.not_carried.items() if k.startswith("desk job"))
    missed = sum(snap.not_carried.values()) - jobs
    click.echo(
        f"warm start: {len(snap.carried)} open case(s) carried, {missed} not (manifest: "
        f"warm_start)\n  {jobs} desk job(s) open at the cut: a carried case queues its own "
        "again\n  the KPIs count only what happens after the cut",
        err=err,
    )


def _terminate_as_interrupt() -> None:
    """SIGTERM (``kill``, a batch system's time limit) stops a run as Ctrl-C does, so its
    manifest says ``interrupted`` and the run can be resumed."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


@main.command()
@click.argument("results_dir", metavar="RESULTS_DIR")
def report(results_dir: str) -> None:
    """Write figures and a one-page HTML summary of a finished run into RESULTS_DIR/report/."""
    from govsim.report import ReportError, build_report

    try:
        written = build_report(results_dir)
    except ReportError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_BAD_INPUT)
    for notice in written.notices:
        click.echo(f"govsim report: {notice}", err=True)
    click.echo(str(written.html))


# Commands defined in their own modules are registered here, one line each.
main.add_command(export)
main.add_command(check)
main.add_command(summary)
main.add_command(compare)
main.add_command(fit)
main.add_command(analyse)
main.add_command(search)

if __name__ == "__main__":  # pragma: no cover
    main()
