"""``govsim export`` and ``govsim check``: an event log to XES / OCEL 2.0 / CSV, and an audit
of a log against the rules' invariants.

Both read a results folder (``govsim run --events all``) or an events file (Parquet or CSV in
the schema of ``docs/event-log.md``) and work on one replication at a time. A malformed log or
a bad scenario file prints one line per problem on stderr and exits with code 2; ``check``
exits with 1 when it finds a violation and 0 when the log keeps every checked invariant.
"""

from __future__ import annotations

import sys
from collections import Counter
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
) -> LoadedLog:
    from govsim.log.read import LogError, load_log
    from govsim.scenario.load import ScenarioError

    try:
        log = load_log(
            source,
            scenario=scenario_file,
            variant=variant,
            point=point,
            replication=replication,
        )
    except LogError as exc:
        click.echo(f"govsim {command}: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except ScenarioError as exc:
        for line in exc.problems:
            click.echo(line, err=True)
        sys.exit(EXIT_BAD_INPUT)
    for warning in log.warnings:
        click.echo(f"govsim {command}: warning: {warning}", err=True)
    return log


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
@click.option("--out", metavar="FILE", required=True, help="File to write (atomically).")
@_with_selection
def export(
    source: str,
    fmt: str,
    out: str,
    scenario_file: str | None,
    variant: str | None,
    point: str | None,
    replication: int | None,
) -> None:
    """Export one replication's event log for process-mining tools (XES, OCEL 2.0) or as CSV."""
    from govsim.export import export_log

    log = _load_or_exit(source, scenario_file, variant, point, replication, "export")
    try:
        path = export_log(log, fmt, out)
    except OSError as exc:
        click.echo(f"govsim export: {out}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"{_describe(log)} → {path} ({fmt})")


@click.command()
@click.argument("source", metavar="EVENTS")
@_with_selection
def check(
    source: str,
    scenario_file: str | None,
    variant: str | None,
    point: str | None,
    replication: int | None,
) -> None:
    """Audit an event log (simulated or from an OA system) against the rules' invariants.

    EVENTS is a results folder, or a Parquet or CSV events file (with --scenario). Prints every
    violation with its invariant, article, case and the events involved; exits 1 if any.
    """
    from govsim.checks import INVARIANTS, NOT_YET_CHECKED, audit, format_violation

    log = _load_or_exit(source, scenario_file, variant, point, replication, "check")
    click.echo(f"checking {_describe(log)}")
    violations = audit(log)
    for v in violations:
        click.echo(format_violation(v, log))
    checked = len(INVARIANTS)
    if violations:
        per = Counter(v.invariant for v in violations)
        detail = ", ".join(f"{k}: {n}" for k, n in sorted(per.items()))
        click.echo(
            f"{len(violations)} violation(s) of {len(per)} invariant(s) ({detail}); "
            f"{checked} invariants checked"
        )
    else:
        click.echo(f"no violations: {checked} invariants checked ({', '.join(INVARIANTS)})")
    click.echo("not yet checked:")
    for item in NOT_YET_CHECKED:
        click.echo(f"  {item}")
    if violations:
        sys.exit(EXIT_VIOLATIONS)
