"""`govsim report` end to end on a small real run; bad folders; committed notebooks."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from govsim.cli import main
from govsim.experiment.runner import run_experiment
from govsim.experiment.summary import headline_metrics, headline_table, summary_table
from govsim.report import _warmup_days, build_report, load_results
from govsim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "jining.toml"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default scenario shortened to 30 days (3 of warm-up), baseline + growth-30, two
    replications, with the event log."""
    tmp = tmp_path_factory.mktemp("report")
    text = DEFAULT.read_text(encoding="utf-8")
    text = text.replace("horizon_days = 365", "horizon_days = 30")
    text = text.replace("warmup_days = 0", "warmup_days = 3")
    path = tmp / "short.toml"
    path.write_text(text, encoding="utf-8")
    run = run_experiment(
        load_scenario(path), scenario_path=path, reps=2, seed=5, out=tmp / "out", events="all"
    )
    assert not run.failures
    return run.out_dir


def copy_without(run_dir: Path, dest: Path, *names: str) -> Path:
    shutil.copytree(run_dir, dest, ignore=shutil.ignore_patterns("report", *names))
    return dest


def invoke(*args: str):
    return CliRunner().invoke(main, ["report", *args])


def test_report_end_to_end(run_dir):
    result = invoke(str(run_dir))
    assert result.exit_code == 0, result.output
    html_path = Path(result.stdout.strip())
    assert html_path == run_dir / "report" / "report.html" and html_path.is_file()
    page = html_path.read_text(encoding="utf-8")
    pngs = sorted(p.name for p in (run_dir / "report").glob("*.png"))
    assert pngs == [
        "backlog_go.png",
        "backlog_leaders.png",
        "cycle_times.png",
        "desk_breaches.png",  # the default scenario's [desks]
        "paired_differences.png",
        "rates.png",
        "utilisation.png",
    ]
    assert "Units that breach most" in page
    for name in pngs:
        assert f'href="{name}"' in page
        assert (run_dir / "report" / name).stat().st_size > 5_000
    # self-contained: every figure is embedded as well as linked
    assert page.count('src="data:image/png;base64,') == len(pngs)
    assert not re.search(r'src="(?!data:)', page)

    kpis = pd.read_parquet(run_dir / "kpis.parquet")
    summary = summary_table(kpis)
    headline = headline_table(summary)
    for label in headline.index:
        assert f"<th>{html.escape(label, quote=False)}</th>" in page
    for cell in headline.to_numpy().ravel():
        assert cell in page
    shown = set(headline.index)
    for metric, label in headline_metrics(summary):  # every informative headline KPI is shown
        values = summary.loc[summary["metric"] == metric, "mean"].fillna(0)
        assert (label in shown) == bool((values != 0).any()), metric
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["scenario_sha256"] in page
    assert "<td>seed</td><td>5</td>" in page
    assert "<td>replications per design point</td><td>2</td>" in page
    assert "growth-30" in page and "load.scale = 1.3" in page
    assert "Paired differences against the baseline" in page
    assert "documents created in the warm-up (3 days) are left out" in page
    leftovers = [p.name for p in (run_dir / "report").iterdir() if p.name.startswith(".")]
    assert leftovers == []  # every file written atomically


def test_report_without_events_uses_kpi_percentiles(run_dir, tmp_path):
    folder = copy_without(run_dir, tmp_path / "run", "events.parquet", "cases.parquet")
    report = build_report(folder)
    page = report.html.read_text(encoding="utf-8")
    assert "Cycle-time percentiles" in page and "--events all" in page
    assert (folder / "report" / "cycle_times.png").is_file()


def test_report_baseline_only_has_no_comparison(run_dir, tmp_path):
    folder = copy_without(run_dir, tmp_path / "run")
    for name in ("kpis", "backlog", "events", "cases"):
        frame = pd.read_parquet(folder / f"{name}.parquet")
        frame.loc[frame["variant"] == "baseline"].to_parquet(folder / f"{name}.parquet")
    report = build_report(folder)
    assert not (folder / "report" / "paired_differences.png").exists()
    page = report.html.read_text(encoding="utf-8")
    assert "Paired differences against the baseline" not in page
    assert "growth-30 @" not in page and "(Δ" not in page


def test_warm_up_is_read_only_from_the_unchanged_scenario_file(run_dir, tmp_path):
    assert _warmup_days(load_results(run_dir)) == 3.0
    folder = copy_without(run_dir, tmp_path / "run")
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    scenario_file = Path(manifest["scenario_file"])
    changed = tmp_path / "changed.toml"
    changed.write_text(scenario_file.read_text() + "\n# edited after the run\n")
    for name in (str(changed), str(tmp_path / "gone.toml"), None):
        manifest["scenario_file"] = name
        manifest_path.write_text(json.dumps(manifest))
        assert _warmup_days(load_results(folder)) is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "nope", "no such folder"),
        (lambda tmp: _file(tmp / "a.txt"), "not a folder"),
        (lambda tmp: _folder(tmp / "empty"), "not a govsim results folder (no manifest.json)"),
        (lambda tmp: _folder(tmp / "bad", manifest="{not json"), "unreadable manifest"),
        (lambda tmp: _folder(tmp / "running", manifest='{"status": "running"}'), "no kpis"),
    ],
)
def test_bad_results_folder_is_one_line_and_exit_2(tmp_path, make, message):
    path = make(tmp_path)
    result = invoke(str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(path) in lines[0]
    assert "Traceback" not in result.output


def _file(path: Path) -> Path:
    path.write_text("x")
    return path


def _folder(path: Path, manifest: str | None = None) -> Path:
    path.mkdir()
    if manifest is not None:
        (path / "manifest.json").write_text(manifest)
    return path


def test_report_needs_exactly_one_argument():
    assert invoke().exit_code == 2


# --------------------------------------------------------------------------- notebooks


def test_notebooks_exist():
    assert {p.name for p in NOTEBOOKS} >= {"analysis.ipynb", "build_your_scenario.ipynb"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebooks_have_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell.get("outputs") == [], f"cell with outputs: {''.join(cell['source'])[:60]}"
        assert cell.get("execution_count") is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_have_a_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and tagged[0]["cell_type"] == "code"


def test_report_of_a_meetings_run_draws_the_meeting_figures(tmp_path):
    """With the meeting KPIs (A44–A53), the report adds topic waits and leader hours by
    meeting, and the headline table lists the executive meetings held."""
    base = tmp_path / "jining.toml"
    base.write_text(DEFAULT.read_text(encoding="utf-8").split("[[variants]]")[0], "utf-8")
    text = (ROOT / "scenarios" / "meetings.toml").read_text(encoding="utf-8")
    text = text.split("[experiment]")[0]  # no variants: the baseline, 120 days
    path = tmp_path / "meetings.toml"
    path.write_text(text.replace('name = "meetings"', 'name = "meetings"\nhorizon_days = 120'))
    run = run_experiment(load_scenario(path), scenario_path=path, reps=2, seed=3, out=tmp_path)
    assert not run.failures
    assert invoke(str(run.out_dir)).exit_code == 0
    pngs = {p.name for p in (run.out_dir / "report").glob("*.png")}
    assert {"meeting_waits.png", "meeting_hours.png"} <= pngs
    summary = summary_table(pd.read_parquet(run.out_dir / "kpis.parquet"))
    assert "executive meetings held" in headline_table(summary).to_string()
