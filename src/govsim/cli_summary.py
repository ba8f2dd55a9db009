"""``govsim summary RESULTS_DIR``: the compact summary of a finished run, printed again with
other KPIs (``--kpi``) or in another format (``--format table|markdown|csv|json``).

``govsim run`` prints the same table (:func:`echo_summary`) at the end of a run.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

EXIT_BAD_INPUT = 2

kpi_option = click.option(
    "--kpi",
    "kpis",
    metavar="NAME[,NAME…]",
    multiple=True,
    help="KPI columns to show (names as in kpis.parquet, e.g. backlog_go_max); 'all' for "
    "every headline KPI. Default: a few headline KPIs that fit 80 columns.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown", "csv", "json"]),
    default="table",
    show_default=True,
    help="table: text for a terminal; markdown; csv and json: the numbers, one record per "
    "design point and KPI.",
)


def summary_text(summary: pd.DataFrame, kpis: Sequence[str], fmt: str) -> str:
    """The compact summary as text; raises ``KpiError`` for an unknown KPI name."""
    from govsim.api import compact_summary

    return compact_summary(summary, list(kpis), fmt)


def echo_summary(summary: pd.DataFrame, kpis: Sequence[str], fmt: str) -> None:
    """Print the compact summary, or one line and exit 2 for an unknown KPI."""
    from govsim.experiment.compact import KpiError

    try:
        click.echo(summary_text(summary, kpis, fmt), nl=False)
    except KpiError as exc:
        click.echo(f"govsim: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


@click.command()
@click.argument("results_dir", metavar="RESULTS_DIR")
@kpi_option
@format_option
def summary(results_dir: str, kpis: tuple[str, ...], fmt: str) -> None:
    """Print the summary of a finished run: design points as rows, KPIs as columns."""
    from govsim.experiment.summary import summary_table
    from govsim.report import ReportError, load_results

    try:
        results = load_results(results_dir)
    except ReportError as exc:
        click.echo(f"govsim summary: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    echo_summary(summary_table(results.kpis), kpis, fmt)
    echo_top_units(results.path, fmt)


TOP_UNITS = 5


def top_units_text(desks: pd.DataFrame, n: int = TOP_UNITS) -> str:
    """The ``n`` units whose deadlines are breached most, per replication over every design
    point: staff, utilisation and breaches by kind (A57 replies overdue, A59 countersign
    answers deemed or late, A70 ledger items overdue), in 80 columns."""
    from govsim.kpis.desks import top_breaching_units

    top = top_breaching_units(desks, n)
    heads = {
        "staff": "staff",
        "utilisation": "busy",
        "instr_overdue": "reply",
        "cs_deemed": "cs deemed",
        "cs_late": "cs late",
        "ledger_overdue": "ledger",
        "breaches": "all",
    }
    shown = top.set_index("unit")[[c for c in heads if c in top.columns]].rename(columns=heads)
    shown["busy"] = [f"{100 * u:.0f}%" for u in shown["busy"]]
    for col in shown.columns.difference(["staff", "busy"]):
        shown[col] = [f"{v:.1f}" for v in shown[col]]
    title = "Units that breach most (mean per replication over every design point):"
    return title + "\n" + shown.to_string() + "\n"


def echo_top_units(folder: Path, fmt: str) -> None:
    """After a run's table summary: the units that breach most, when the run had desks."""
    import pandas as pd

    path = folder / "desks.parquet"
    if fmt != "table" or not path.is_file():
        return
    desks = pd.read_parquet(path)
    if not desks.empty:
        click.echo("\n" + top_units_text(desks), nl=False)
