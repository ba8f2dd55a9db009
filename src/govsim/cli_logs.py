"""``govsim export`` and ``govsim check``: an event log to XES / OCEL 2.0 / CSV, and an audit
of a log against the rules' invariants.

Both read a results folder (``govsim run --events all`` or ``sample``) or an events file
(Parquet or CSV in the schema of ``docs/event-log.md``); ``check`` audits every replication
the log holds and ``export --all`` writes each to its own file (``govsim.cli_runs``). A
malformed log or a bad scenario file prints one line per problem on stderr and exits with
code 2; ``check`` exits with 1 when it finds a violation and 0 when the log keeps every
checked invariant.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from govsim.log.read import LoadedLog

EXIT_VIOLATIONS = 1
EXIT_BAD_INPUT = 2

_selection_options = [
    click.option(
        "--scenario",
        "scenario_file",
        metavar="FILE",
        help="Scenario file (organisation and calendar); default: the one the results "
        "folder's manifest names. Required for an events file.",
    ),
    click.option("--variant", metavar="NAME", help="Variant to select (default: the first)."),
    click.option("--point", metavar="P", help="Sweep point to select, e.g. 'load.scale=1.3'."),
    click.option(
        "--replication",
        metavar="N",
        type=click.IntRange(min=0),
        help="Replication to select (default: the first in the log).",
    ),
]


def _with_selection(func):  # type: ignore[no-untyped-def]
    for option in reversed(_selection_options):
        func = option(func)
    return func


def _load_or_exit(
    source: str,
    scenario_file: str | None,
    variant: str | None,
    point: str | None,
    replication: int | None,
    command: str,
    whole_run: bool = False,
) -> list[LoadedLog]:
    """The replications the options select (with ``whole_run``, all of them; else the first),
    each read and validated; a bad log or scenario ends in one line and exit 2."""
    from govsim.log.read import LogError, load_logs
    from govsim.scenario.load import ScenarioError

    try:
        logs = load_logs(
            source,
            scenario=scenario_file,
            variant=variant,
            point=point,
            replication=replication,
        )
        chosen = list(logs) if whole_run else [next(logs)]
    except LogError as exc:
        click.echo(f"govsim {command}: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except ScenarioError as exc:
        for line in exc.problems:
            click.echo(line, err=True)
        sys.exit(EXIT_BAD_INPUT)
    for warning in chosen[0].warnings:
        click.echo(f"govsim {command}: warning: {warning}", err=True)
    return chosen


def _describe(log: LoadedLog) -> str:
    selection = f" ({log.selection})" if log.selection else ""
    return (
        f"{log.source}{selection}: {len(log.events)} events, {len(log.cases)} cases, "
        f"scenario {log.scenario.scenario.name}"
    )


@click.command()
@click.argument("source", metavar="RESULTS_DIR_OR_EVENTS_FILE")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xes", "ocel", "csv"]),
    required=True,
    help="xes: IEEE 1849-2016; ocel: OCEL 2.0 JSON; csv: the govsim log schema.",
)
@click.option(
    "--out",
    metavar="FILE",
    required=True,
    help="File to write (atomically); with --all, the folder that receives one file per "
    "replication.",
)
@click.option(
    "--all",
    "whole_run",
    is_flag=True,
    help="Export every replication the options select (default: all of the log), one file "
    "each, named <variant>[@<point>]-rep<N>.<format>, into the folder --out.",
)
@_with_selection
def export(
    source: str,
    fmt: str,
    out: str,
    whole_run: bool,
    scenario_file: str | None,
    variant: str | None,
    point: str | None,
    replication: int | None,
) -> None:
    """Export an event log for process-mining tools (XES, OCEL 2.0) or as CSV: one
    replication, or with --all every replication of a run, one file each."""
    from pathlib import Path

    from govsim.cli_runs import export_name

    for log in _load_or_exit(
        source, scenario_file, variant, point, replication, "export", whole_run
    ):
        target = out
        if whole_run:
            try:
                Path(out).mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                click.echo(f"govsim export: {out}: cannot make the folder: {exc}", err=True)
                sys.exit(EXIT_BAD_INPUT)
            target = str(Path(out) / export_name(log, fmt))
        _export_one(log, fmt, target)


def _export_one(log: LoadedLog, fmt: str, out: str) -> None:
    from govsim.export import export_log

    try:
        path = export_log(log, fmt, out)
    except OSError as exc:
        click.echo(f"govsim export: {out}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"{_describe(log)} → {path} ({fmt})")


@click.command()
@click.argument("source", metavar="EVENTS")
@_with_selection
@click.option(
    "--max-violations",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Violations listed one per line after the grouped summary.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: one document (replications, summary per invariant, details) for pipelines.",
)
def check(
    source: str,
    scenario_file: str | None,
    variant: str | None,
    point: str | None,
    replication: int | None,
    max_violations: int,
    fmt: str,
) -> None:
    """Audit an event log (simulated or from an OA system) against the rules' invariants.

    EVENTS is a results folder, or a Parquet or CSV events file (with --scenario). Every
    replication in it is checked (or those --variant, --point, --replication select). Prints
    a summary per invariant (count, article, first cases), then each violation with its case
    and the events involved, up to --max-violations; exits 1 if any.
    """
    from govsim.checks import audit
    from govsim.cli_runs import Audited, report_json, report_lines

    logs = _load_or_exit(source, scenario_file, variant, point, replication, "check", True)
    audits = [Audited(log, audit(log)) for log in logs]
    if fmt == "json":
        click.echo(report_json(audits, max_violations))
    else:
        for line in report_lines(audits, max_violations):
            click.echo(line)
    if any(a.violations for a in audits):
        sys.exit(EXIT_VIOLATIONS)
