"""``govsim compare`` and ``govsim fit``: distances between two event logs against the noise
floor, and a scenario fitted to a log.

Both read logs as ``govsim check`` does (a results folder, or a Parquet or CSV events file
with ``--scenario``). A malformed log or scenario prints one line and exits with code 2.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import click

from govsim.cli_logs import EXIT_BAD_INPUT, _describe, _load_or_exit

if TYPE_CHECKING:
    import pandas as pd

    from govsim.scenario.models import Scenario


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

    a = _load_or_exit(log_a, scenario_file, variant_a, None, replication_a, "compare")
    b = _load_or_exit(log_b, scenario_file, variant_b, None, replication_b, "compare")
    floor = None if no_floor else _floor(a.scenario)
    click.echo(f"A: {_describe(a)}")
    click.echo(f"B: {_describe(b)}")
    _echo_distances(compare_frames(a.events, b.events, floor))


__all__ = ["EXIT_BAD_INPUT", "compare", "distance_lines"]
