"""``govsim analyse`` (sensitivity indices of a finished design run) and ``govsim search``
(the least setting of a knob that meets a KPI target).

Like every command, bad input prints one line and exits with code 2; heavy libraries are
imported inside the commands so ``govsim --help`` stays light.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    import pandas as pd

    from govsim.experiment.search import SearchResult
    from govsim.scenario.models import Scenario

EXIT_BAD_INPUT = 2


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_BAD_INPUT)


def _scenario_of(manifest: dict[str, object], given: str | None) -> Scenario:
    """The scenario a run was made from: ``given``, or the manifest's file if unchanged."""
    from govsim.core.files import file_sha256
    from govsim.scenario.load import ScenarioError, load_scenario

    path = given or manifest.get("scenario_file")
    if not isinstance(path, str):
        _fail("the run names no scenario file: give it with --scenario FILE")
    try:
        scenario = load_scenario(str(path))
    except ScenarioError as exc:
        _fail(exc.problems[0])
    if given is None and file_sha256(Path(str(path))) != manifest.get("scenario_sha256"):
        _fail(f"{path}: changed since the run; give the run's design with --scenario FILE")
    return scenario


def _print_table(frame: pd.DataFrame) -> None:
    """One block per variant and KPI, a row per knob: fits 80 columns."""
    import pandas as pd

    from govsim.experiment.sensitivity import index_table

    table = index_table(frame)
    with pd.option_context("display.width", 200, "display.max_colwidth", 40):
        for (variant, kpi), block in table.groupby(level=["variant", "kpi"], sort=False):
            click.echo(f"\n{kpi} ({variant})")
            click.echo(block.droplevel(["variant", "kpi"]).to_string())


@click.command()
@click.argument("results_dir", metavar="RESULTS_DIR")
@click.option("--sensitivity", is_flag=True, help="Sobol' indices or Morris effects per knob.")
@click.option("--kpi", "kpis", multiple=True, help="KPI to analyse (repeatable; default: all).")
@click.option("--scenario", default=None, help="The run's scenario file (default: manifest's).")
def analyse(
    results_dir: str, sensitivity: bool, kpis: tuple[str, ...], scenario: str | None
) -> None:
    """Analyse a finished run of a [design]: writes sensitivity.parquet and figures."""
    from govsim.core.files import write_parquet
    from govsim.experiment.sensitivity import SensitivityError, indices, varying_kpis
    from govsim.experiment.summary import ID_COLUMNS
    from govsim.plots import save, sensitivity_bars
    from govsim.plots.sensitivity import default_kpis, figure_name
    from govsim.report import ReportError, load_results

    if not sensitivity:
        _fail("govsim analyse: nothing to do: add --sensitivity")
    try:
        results = load_results(results_dir)
    except ReportError as exc:
        _fail(str(exc))
    sc = _scenario_of(results.manifest, scenario)
    if sc.design is None:
        _fail(f"{results_dir}: the run has no [design]; sensitivity needs a sobol or morris one")
    metrics = list(kpis) or varying_kpis(results.kpis, ID_COLUMNS)
    try:
        frame = indices(results.kpis, sc.design, metrics, seed=sc.design.seed)
    except SensitivityError as exc:
        _fail(f"govsim analyse: {exc}")
    write_parquet(frame, results.path / "sensitivity.parquet")
    shown = metrics if kpis else default_kpis(frame)
    _print_table(frame.loc[frame["kpi"].isin(shown)])
    for kpi in shown:
        for variant in frame["variant"].drop_duplicates():
            figure = sensitivity_bars(frame, kpi, variant)
            save(figure, results.path / "report" / figure_name(kpi, variant))
    click.echo(f"indices: {results.path / 'sensitivity.parquet'}")


def _describe(result: SearchResult) -> list[str]:
    """The search's outcome in a few lines: answer, its interval, cost, lower evidence."""
    spec = result.spec
    lines = [f"{spec.kpi} ≤ {spec.threshold:g} with confidence {spec.confidence:g}"]
    if result.best is None:
        return [*lines, f"no {spec.knob} in [{spec.low}, {spec.high}] meets the target"]
    best = result.settings[result.best]
    lines.append(
        f"least {spec.knob}: {result.best}\n  mean {best.mean:.4g}, interval "
        f"[{best.low:.4g}, {best.high:.4g}], {len(best.samples)} replications"
    )
    lower, diff = result.next_lower, result.paired_difference()
    if lower is None or diff is None:
        lines.append(f"{result.best} is the lowest setting searched")
    else:
        lines += [
            f"next lower, {lower.value}: {lower.decision} (mean {lower.mean:.4g}, interval "
            f"[{lower.low:.4g}, {lower.high:.4g}])",
            f"  {lower.value} − {result.best}, paired on common random numbers: "
            f"{diff[0]:+.4g} [{diff[1]:+.4g}, {diff[2]:+.4g}]",
        ]
    lines.append(
        f"replications spent: {result.replications} over {len(result.settings)} settings "
        f"(each bound at level {result.alpha_per_bound:.2g})"
    )
    return lines


@click.command()
@click.argument("scenario_file", metavar="FILE")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Master seed.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes.")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Write search files.")
@click.option("--quiet", "-q", is_flag=True, help="No progress counter.")
def search(
    scenario_file: str, seed: int | None, workers: int | None, out: str | None, quiet: bool
) -> None:
    """Find the least setting of [search].knob that keeps the KPI under the threshold."""
    import os

    from tqdm import tqdm

    from govsim.cli import _load_or_exit
    from govsim.experiment.search import SearchError, target_search

    sc = _load_or_exit(scenario_file)
    if sc.search is None:
        _fail(f"{scenario_file}: no [search] section")
    # the number of replications is not known in advance: a counter, not a bar
    with tqdm(unit="rep", desc="replications", file=sys.stderr, disable=quiet) as bar:
        try:
            result = target_search(
                sc, seed=seed, workers=workers or os.cpu_count() or 1, tick=lambda: bar.update()
            )
        except SearchError as exc:
            bar.close()
            _fail(f"{scenario_file}: {exc}")
    with_table = result.table().to_string(float_format=lambda x: f"{x:.4g}")
    click.echo(with_table)
    for line in _describe(result):
        click.echo(line)
    if out is not None:
        _write_search(result, Path(out))


def _write_search(result: SearchResult, folder: Path) -> None:
    from govsim.core.files import atomic_write, write_parquet

    folder.mkdir(parents=True, exist_ok=True)
    write_parquet(result.table().reset_index(), folder / "search.parquet")
    write_parquet(result.samples(), folder / "search_replications.parquet")
    text = "\n".join(_describe(result)) + "\n"
    atomic_write(folder / "search.txt", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    click.echo(f"search: {folder}")
