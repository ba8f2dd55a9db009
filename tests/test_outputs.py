"""What a user reads: the compact summary (`govsim run`, `govsim summary`), `govsim check` and
`govsim export` over a whole run, the report's registry of figures, and Chinese labels."""

from __future__ import annotations

import itertools
import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure

from govsim import plots
from govsim.cli import main
from govsim.experiment.compact import CORE_KPIS, FOCUS_KPIS, fit_kpis, render
from govsim.experiment.runner import run_experiment
from govsim.experiment.summary import summary_table
from govsim.scenario.expand import BASELINE, design_or_sweep_points
from govsim.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
SCREEN = (40, 80)  # lines, columns of a terminal


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default scenario over 20 days: baseline and growth-30, two replications, all
    events."""
    tmp = tmp_path_factory.mktemp("outputs")
    text = (ROOT / "scenarios" / "jining.toml").read_text(encoding="utf-8")
    path = tmp / "short.toml"
    path.write_text(text.replace("horizon_days = 365", "horizon_days = 20"), encoding="utf-8")
    run = run_experiment(
        load_scenario(path), scenario_path=path, reps=2, seed=3, out=tmp / "out", events="all"
    )
    assert not run.failures
    return run.out_dir


# -- the compact summary ---------------------------------------------------------------------


def test_summary_rows_are_design_points_and_fit_a_terminal(run_dir: Path) -> None:
    result = invoke("summary", run_dir)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) <= SCREEN[0] and max(map(len, lines)) <= SCREEN[1]
    header, base, growth = lines[:3]
    assert header.split()[0] == "variant" and "GO backlog" in header
    assert base.split()[0] == "baseline" and growth.split()[0] == "growth-30"
    assert "Δ vs baseline (paired on replication):" in lines
    (delta,) = [s for s in lines[lines.index("Δ vs baseline (paired on replication):") :] if
                s.lstrip().startswith("growth-30")]  # fmt: skip
    assert "+" in delta or "-" in delta


def test_summary_numbers_are_the_summary_table(run_dir: Path) -> None:
    result = invoke(
        "summary", run_dir, "--kpi", "backlog_go_max,go_return_rate", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    summary = summary_table(pd.read_parquet(run_dir / "kpis.parquet")).set_index(
        ["variant", "metric"]
    )
    assert {(r["variant"], r["metric"]) for r in records} == {
        (v, m) for v in ("baseline", "growth-30") for m in ("backlog_go_max", "go_return_rate")
    }
    for r in records:
        row = summary.loc[(r["variant"], r["metric"])]
        assert r["mean"] == pytest.approx(row["mean"], rel=1e-12)
        assert r["half_width"] == pytest.approx(row["half_width"], rel=1e-12)
        assert (r["diff"] is None) == (r["variant"] == "baseline")
    csv = invoke("summary", run_dir, "--kpi", "backlog_go_max", "--format", "csv").stdout
    frame = pd.read_csv(pd.io.common.StringIO(csv))
    assert list(frame["variant"]) == ["baseline", "growth-30"]
    md = invoke("summary", run_dir, "--kpi", "go_return_rate", "--format", "markdown").stdout
    assert "| variant | GO returns |" in md and "|---|---|" in md


def test_summary_unknown_kpi_is_one_line_and_exit_2(run_dir: Path) -> None:
    result = invoke("summary", run_dir, "--kpi", "backlog_go_maxx")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "govsim: --kpi: 'backlog_go_maxx' is not a KPI of this run; did you mean "
        + result.stderr.split("did you mean ")[1].strip()
    ]
    assert "backlog_go_max" in result.stderr
    assert invoke("summary", run_dir.parent / "nope").exit_code == 2


def _fake_summary(path: Path) -> pd.DataFrame:
    """A summary of the scenario's real design points with wide-as-can-be cells."""
    rng = np.random.default_rng(1)
    metrics = [*CORE_KPIS, *(m for family in FOCUS_KPIS for m in family)]
    rows = []
    sc = load_scenario(path)
    variants = [BASELINE, *(v.name for v in sc.variants)]
    points = [label for label, _ in design_or_sweep_points(sc)]  # the labels expand() gives
    for variant, point in itertools.product(variants, points):
        for rep in range(2):
            values = {m: (rng.uniform(0.2, 0.9) if "share" in m or "rate" in m or "coverage" in m
                          else rng.uniform(100, 999)) for m in metrics}  # fmt: skip
            rows.append({"variant": variant, "point": point, "replication": rep, **values})
    return summary_table(pd.DataFrame(rows).assign(seed=0))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_shipped_scenario_summary_fits_a_screen(path: Path) -> None:
    summary = _fake_summary(path)
    focus = [family[0] for family in FOCUS_KPIS]
    text = render(summary, fit_kpis(summary, [*CORE_KPIS, *focus]))
    lines = text.splitlines()
    assert len(lines) + 1 <= SCREEN[0]  # + the "results:" line
    assert max(map(len, lines)) <= SCREEN[1], text


# -- check and export over a whole run ---------------------------------------------------------


@pytest.fixture(scope="module")
def faulty(run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run with five GO transfers of growth-30 replication 1 done by a vice mayor (A57:
    only the GO transfers documents), a systematic fault of one replication."""
    folder = tmp_path_factory.mktemp("faulty") / "run"
    shutil.copytree(run_dir, folder, ignore=shutil.ignore_patterns("report"))
    events = pd.read_parquet(folder / "events.parquet")
    rows = events.index[
        (events["activity"] == "go.transferred")
        & (events["variant"] == "growth-30")
        & (events["replication"] == 1)
    ][:5]
    assert len(rows) == 5
    events["actor"] = events["actor"].astype(object)
    events.loc[rows, "actor"] = "vm_2"
    events.to_parquet(folder / "events.parquet")
    return folder


def test_check_groups_violations_then_caps_details(faulty: Path) -> None:
    """A vice mayor doing the GO's transfer breaks A57 (INV-D16) and the actor's role
    (INV-E03): each invariant once in the summary with its first three cases."""
    result = invoke("check", faulty, "--variant", "growth-30", "--max-violations", "2")
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0].endswith(": 2 replication(s)")  # every replication the options select
    assert lines[1].startswith("  variant growth-30, replication 0: ") and lines[1].endswith(": ok")
    assert lines[2].endswith("cases: 10 violation(s)")
    at = lines.index("violations by invariant:")
    assert lines[at + 1] == "  INV-D16 (A57): 5 in 1 replication(s)"
    firsts = lines[at + 2 : at + 5]
    assert all(
        s.startswith("      variant growth-30, replication 1: INV-D16 (A57)") for s in firsts
    )
    assert lines[at + 5] == "  INV-E03 (engineering): 5 in 1 replication(s)"
    assert "details (first 2 of 10):" in lines
    assert "[variant growth-30, replication 1]" in lines
    assert len([s for s in lines if s.startswith("INV-D16 (A57) case ")]) == 2
    assert not any(s.startswith("INV-E03") for s in lines)
    assert any(s.startswith("10 violation(s) of 2 invariant(s)") for s in lines)


def test_check_json_for_pipelines(faulty: Path) -> None:
    args = ("--variant", "growth-30", "--format", "json", "--max-violations", "3")
    result = invoke("check", faulty, *args)
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert [r["replication"] for r in doc["replications"]] == [0, 1]
    assert doc["violations"] == 10
    group, _ = doc["summary"]
    assert (group["invariant"], group["article"], group["count"]) == ("INV-D16", "A57", 5)
    assert group["replications"] == ["variant growth-30, replication 1"]
    assert len(doc["details"]) == 3 and doc["details_truncated"] is True
    assert {d["replication"] for d in doc["details"]} == {1}


def test_export_all_writes_one_file_per_replication(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "logs"
    result = invoke(
        "export", run_dir, "--format", "csv", "--out", out, "--all", "--variant", "baseline"
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["baseline-rep0.csv", "baseline-rep1.csv"]
    events = pd.read_parquet(run_dir / "events.parquet", columns=["variant", "replication"])
    for rep in (0, 1):
        n = ((events["variant"] == "baseline") & (events["replication"] == rep)).sum()
        assert len(pd.read_csv(out / f"baseline-rep{rep}.csv")) == n
    a_file = out / "baseline-rep0.csv"
    bad = invoke("export", run_dir, "--format", "csv", "--out", a_file, "--all", "--variant",
                 "baseline", "--replication", "0")  # fmt: skip
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert bad.stderr.startswith(f"govsim export: {a_file}: cannot make the folder")


# -- the report's figures -------------------------------------------------------------------


def test_report_draws_a_registered_figure_and_says_once_that_chinese_is_missing(
    run_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    """A figure registered by name is drawn at its place without any change to the report;
    without a CJK font the command says so once and names the fix (one report for both)."""
    from govsim.plots import style
    from govsim.report import ReportFigure, providers, registry, report_figure

    def extra(results, plots_module):
        def draw() -> Figure:
            return plots_module.metric_bars(results.kpis, ["backlog_go_max"])

        return [ReportFigure("extra.png", "An extra figure", "Registered by a test.", draw)]

    monkeypatch.setattr(style, "cjk_font", lambda: None)
    # the drawable characters are cached per font set: computed afresh without the CJK font,
    # and forgotten afterwards so that later figures see the installed fonts again
    style._drawable.cache_clear()
    request.addfinalizer(style._drawable.cache_clear)
    providers()  # the built-in ones registered; keep one of them to draw little
    kept = {k: v for k, v in registry.REPORT_FIGURES.items() if k == "rates_utilisation"}
    monkeypatch.setattr(registry, "REPORT_FIGURES", kept)
    folder = tmp_path / "run"
    shutil.copytree(run_dir, folder, ignore=shutil.ignore_patterns("report"))
    report_figure("test_extra", order=15)(extra)
    try:
        with pytest.raises(ValueError, match="registered twice"):
            report_figure("test_extra", order=15)(lambda r, p: [])
        names = [p.name for p in providers()]
        assert names == ["test_extra", "rates_utilisation"]
        result = invoke("report", folder)
    finally:
        del registry.REPORT_FIGURES["test_extra"]
    assert result.exit_code == 0, result.output
    page = (folder / "report" / "report.html").read_text(encoding="utf-8")
    assert page.index('id="extra.png"') < page.index('id="rates.png"')
    assert "An extra figure" in page
    # the compact summary first, the full headline table folded below it
    assert page.index("<th>GO backlog</th>") < page.index("<summary>Every headline KPI</summary>")
    notices = [s for s in result.stderr.splitlines() if "Chinese" in s]
    assert len(notices) == 1 and "fonts-noto-cjk" in notices[0]
    assert plots.term("General Office", "市政府办公室") == "General Office"


def _glyph_warnings(fig: Figure, path: Path) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plots.save(fig, path)
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


def test_a_chinese_label_renders_with_every_glyph(tmp_path: Path) -> None:
    if plots.cjk_font() is None:
        pytest.skip(
            "no CJK font installed (Debian: apt-get install fonts-noto-cjk; .ci/run does it)"
        )
    from govsim.plots.style import new_figure, plot_style

    label = plots.term("General Office", "市政府办公室")
    assert label == "General Office (市政府办公室)"
    with plot_style():
        fig = new_figure(4, 2)
        fig.add_subplot().set_title(label + " 请示 批示")
    assert _glyph_warnings(fig, tmp_path / "zh.png") == []
    assert plots.style.cjk_notice() is None


# -- the rules catalogue -----------------------------------------------------------------------


def test_rules_doc_covers_every_article_and_every_checked_invariant() -> None:
    """docs/rules.md has a row for each of the 92 articles and names every registered
    invariant and every one not yet checked."""
    import re

    from govsim.checks import INVARIANTS, NOT_YET_CHECKED

    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    covered: set[int] = set()
    for cell in re.findall(r"^\| (A\d[^|]*) \|", text, re.M):
        for a, b in re.findall(r"A(\d+)(?:–A(\d+))?", cell):
            covered.update(range(int(a), int(b or a) + 1))
    assert covered == set(range(1, 93))
    for invariant in INVARIANTS:
        assert invariant in text, invariant
    for item in NOT_YET_CHECKED:
        first = re.match(r"INV-[A-Z]\d+", item)
        assert first and first.group() in text, item
    assert "/work/" not in text and "RULES.md" not in text


def test_many_design_points_are_summarised_by_their_spread() -> None:
    """A sampled design of hundreds of points prints one row per KPI (the spread of the
    points' means), not one row per point."""
    from govsim.experiment.compact import MAX_ROWS, render

    points = MAX_ROWS + 1
    summary = pd.DataFrame(
        {
            "variant": "baseline",
            "point": [f"#{i:04d} load.scale={1 + i / 100}" for i in range(points)],
            "metric": "go_wait_mean_hours",
            "n": 1,
            "mean": [float(i) for i in range(points)],
            "half_width": float("nan"),
        }
    )
    text = render(summary, ["go_wait_mean_hours"], "table")
    lines = text.splitlines()
    assert lines[0].startswith(f"{points} design points")
    row = next(line for line in lines if line.startswith("go_wait_mean_hours"))
    assert row.split() == ["go_wait_mean_hours", "0.000", "10.0", "20.0", "30.0", "40.0"]
    assert len(lines) < 10 and max(map(len, lines)) <= 80


def test_a_report_of_many_design_points_skips_the_per_point_figures(tmp_path) -> None:
    """Hundreds of sampled points: no figure draws one mark per point (unreadable and slow);
    each one skipped is named on the page."""
    from govsim.experiment.compact import MAX_ROWS
    from govsim.report import Results, providers
    from govsim.report import _figures as figures

    kpis = pd.DataFrame(
        {"variant": "baseline", "point": [f"#{i}" for i in range(MAX_ROWS + 1)], "replication": 0}
    )
    written, skipped = figures(Results(tmp_path, {}, kpis), tmp_path)
    per_point = [spec.name for spec in providers() if spec.per_point]
    assert written == [] and per_point
    assert [s.split(":")[0] for s in skipped] == per_point
    assert f"the run has {MAX_ROWS + 1}" in skipped[0]
