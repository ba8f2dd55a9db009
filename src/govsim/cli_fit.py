"""``govsim compare`` and ``govsim fit``: distances between two event logs against the noise
floor, and a scenario fitted to a log.

Both read logs as ``govsim check`` does (a results folder, or a Parquet or CSV events file
with ``--scenario``). A malformed log or scenario prints one line and exits with code 2.
"""

from __future__ import annotations

import math
import sys
import textwrap
from typing import TYPE_CHECKING

import click

from govsim.cli_logs import EXIT_BAD_INPUT, _describe, _load_or_exit

if TYPE_CHECKING:
    import pandas as pd

    from govsim.fit.scenario_fit import FitOutcome
    from govsim.scenario.models import Scenario


def _log_selection(func):  # type: ignore[no-untyped-def]
    """``--variant`` and ``--replication`` of the log to read."""
    func = click.option("--replication", type=click.IntRange(min=0), help="Replication.")(func)
    return click.option("--variant", metavar="NAME", help="Variant (default: the first).")(func)


def _number(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.3f}" if abs(x) < 1000 else f"{x:.0f}"


def distance_lines(table: pd.DataFrame) -> list[str]:
    """The distance table as lines of at most 80 characters."""
    has_floor = "floor" in table.columns
    head = f"{'case type':<12} {'measure':<19} {'distance':>9}"
    head += f" {'floor':>9} {'ratio':>6}" if has_floor else ""
    lines = [head + f" {'n_a':>7} {'n_b':>7}"]
    for row in table.itertuples(index=False):
        line = f"{row.case_type:<12} {row.measure:<19} {_number(row.distance):>9}"
        if has_floor:
            line += f" {_number(row.floor):>9} {_number(row.ratio):>6}"
        lines.append(line + f" {row.n_a:>7} {row.n_b:>7}")
    return lines


def _echo_distances(table: pd.DataFrame) -> None:
    from govsim.fit import MEASURES

    for line in distance_lines(table):
        click.echo(line)
    for name, meaning in MEASURES.items():
        click.echo(f"  {name}: {meaning}")
    if "floor" in table.columns:
        click.echo("  floor: the same distance between two replications of the scenario")


def _floor(sc: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    from govsim.fit.floor import floor_logs

    click.echo(f"noise floor: two replications of scenario {sc.scenario.name} …", err=True)
    return floor_logs(sc)


@click.command()
@click.argument("log_a", metavar="LOG_A")
@click.argument("log_b", metavar="LOG_B")
@click.option(
    "--scenario",
    "scenario_file",
    metavar="FILE",
    help="Scenario file: reads events files, and its two replications give the noise floor "
    "(default: the scenario of LOG_A).",
)
@click.option("--variant-a", metavar="NAME", help="Variant of LOG_A (default: the first).")
@click.option("--variant-b", metavar="NAME", help="Variant of LOG_B (default: the first).")
@click.option("--replication-a", type=click.IntRange(min=0), help="Replication of LOG_A.")
@click.option("--replication-b", type=click.IntRange(min=0), help="Replication of LOG_B.")
@click.option("--no-floor", is_flag=True, help="Do not simulate the noise floor.")
def compare(
    log_a: str,
    log_b: str,
    scenario_file: str | None,
    variant_a: str | None,
    variant_b: str | None,
    replication_a: int | None,
    replication_b: int | None,
    no_floor: bool,
) -> None:
    """Distances between two event logs, per case type: cycle times (Wasserstein, KS),
    weekly arrivals, activity frequencies and directly-follows orderings, printed against
    the noise floor (the same distances between two replications of one scenario)."""
    from govsim.fit import compare_frames

    a = _load_or_exit(log_a, scenario_file, variant_a, None, replication_a, "compare")[0]
    b = _load_or_exit(log_b, scenario_file, variant_b, None, replication_b, "compare")[0]
    floor = None if no_floor else _floor(a.scenario)
    click.echo(f"A: {_describe(a)}")
    click.echo(f"B: {_describe(b)}")
    _echo_distances(compare_frames(a.events, b.events, floor))


def estimate_lines(outcome: FitOutcome) -> list[str]:
    """The fitted numbers, one a line, at most 80 characters (rates summed by kind)."""
    lines = [f"{'parameter':<38} {'estimate':>10} {'95% interval':>21} {'n':>7}"]
    for e in outcome.fit.table():
        if e.key.startswith("departments."):
            continue
        interval = f"[{e.low:.4g}, {e.high:.4g}]"
        lines.append(f"{e.key:<38.38} {e.value:>10.4g} {interval:>21} {e.n:>7}")
    n_units = len({unit for unit, _ in outcome.fit.rates})
    if n_units:
        lines.append(
            f"rates per sender and kind: {n_units} units, written in the departments array"
        )
    return lines


@click.command()
@click.argument("log", metavar="LOG")
@click.option(
    "--scenario",
    "scenario_file",
    metavar="BASE",
    required=True,
    help="The base scenario: reads the log, and gives every value the log cannot.",
)
@click.option("--out", metavar="FITTED", required=True, help="Scenario file to write.")
@click.option("--no-compare", is_flag=True, help="Do not simulate the fitted scenario.")
@click.option(
    "--criterion",
    type=click.Choice(["aic", "bic"]),
    default="aic",
    show_default=True,
    help="Information criterion choosing each effort's family (BIC prefers fewer parameters).",
)
@_log_selection
def fit(
    log: str,
    scenario_file: str,
    out: str,
    no_compare: bool,
    criterion: str,
    variant: str | None,
    replication: int | None,
) -> None:
    """Fit a scenario to an event log: arrival rates per sender and kind with monthly
    seasonality and of outgoing documents, routing, outcome and countersign shares, and
    efforts in working time (maximum likelihood, family by AIC or BIC, censored work
    counted), each with its interval; write BASE with the fitted values, and compare a
    replication of it with the log against the noise floor."""
    from govsim.fit.order import require_time_order
    from govsim.fit.scenario_fit import fit_frames
    from govsim.log.read import LogError
    from govsim.scenario.load import ScenarioError

    loaded = _load_or_exit(log, scenario_file, variant, None, replication, "fit")[0]
    try:
        require_time_order(loaded)
    except LogError as exc:
        click.echo(f"govsim fit: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    click.echo(f"fitting {_describe(loaded)}")
    try:
        outcome = fit_frames(
            loaded.events, loaded.cases, loaded.cal, loaded.scenario, scenario_file, out,
            source=loaded.source, compare=not no_compare, criterion=criterion,
        )  # fmt: skip
    except OSError as exc:
        click.echo(f"govsim fit: {out}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    except ScenarioError as exc:
        for line in exc.problems:
            click.echo(f"govsim fit: the fitted scenario does not validate: {line}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    for line in estimate_lines(outcome):
        click.echo(line)
    click.echo("kept from the base (not estimated):")
    for item in outcome.fit.kept:
        click.echo(textwrap.fill(item, 80, initial_indent="  ", subsequent_indent="    "))
    if outcome.distances is not None:
        click.echo("a replication of the fitted scenario against the log:")
        _echo_distances(outcome.distances)
    click.echo(f"written: {outcome.path}")


__all__ = ["EXIT_BAD_INPUT", "compare", "distance_lines", "estimate_lines", "fit"]
