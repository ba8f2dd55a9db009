"""Figures from a small real experiment: files, series counts, values and fonts."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.figure import Figure

from govsim import plots
from govsim.experiment.runner import run_experiment
from govsim.scenario.load import load_scenario
from govsim.stats import paired_differences, t_interval

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "jining.toml"
DAYS, WARMUP, REPS = 40, 5, 2
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The default scenario shortened to 40 days (5 of warm-up), baseline + growth-30, two
    replications, with the event log."""
    tmp = tmp_path_factory.mktemp("plots")
    text = DEFAULT.read_text(encoding="utf-8")
    text = text.replace("horizon_days = 365", f"horizon_days = {DAYS}")
    text = text.replace("warmup_days = 0", f"warmup_days = {WARMUP}")
    path = tmp / "short.toml"
    path.write_text(text, encoding="utf-8")
    run = run_experiment(
        load_scenario(path), scenario_path=path, reps=REPS, seed=11, out=tmp, events="all"
    )
    assert not run.failures
    return {
        name: pd.read_parquet(run.out_dir / f"{name}.parquet")
        for name in ("kpis", "backlog", "events", "cases")
    }


def written(fig: Figure, tmp_path: Path, name: str = "fig.png") -> Path:
    path = plots.save(fig, tmp_path / name)
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert path.stat().st_size > 5_000
    assert [p.name for p in tmp_path.iterdir() if p.name != name] == []  # no temporary left
    return path


def visible_axes(fig: Figure) -> list:
    return [ax for ax in fig.axes if ax.get_visible()]


def labelled_lines(ax) -> list:
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def errorbars(ax) -> list[ErrorbarContainer]:
    return [c for c in ax.containers if isinstance(c, ErrorbarContainer)]


def test_backlog_by_design_one_line_and_band_per_design(results, tmp_path):
    fig = plots.backlog_by_design(results["backlog"])
    written(fig, tmp_path)
    (ax,) = fig.axes
    lines = labelled_lines(ax)
    assert [line.get_label() for line in lines] == ["baseline", "growth-30"]
    assert len(ax.collections) == 2  # one 10–90% band each
    go = results["backlog"].query("holder == 'GO' and variant == 'baseline'")
    median = go.groupby("day")["backlog"].median().to_numpy()
    assert np.allclose(lines[0].get_ydata(), median)
    assert len(lines[0].get_xdata()) == DAYS


def test_backlog_by_design_unknown_holder(results):
    with pytest.raises(ValueError, match="nobody"):
        plots.backlog_by_design(results["backlog"], holder="nobody")


def test_backlog_by_holder_one_panel_per_design_one_line_per_leader(results, tmp_path):
    fig = plots.backlog_by_holder(results["backlog"])
    written(fig, tmp_path)
    axes = visible_axes(fig)
    assert [ax.get_title() for ax in axes] == ["baseline", "growth-30"]
    backlog = results["backlog"]
    # The default scenario's units' desks are in the backlog too, as holders of kind "unit".
    leaders = backlog.loc[backlog["holder_kind"] == "leader", "holder"].astype(str).unique()
    assert len(leaders) == 9
    leaders = list(leaders)
    for ax in axes:
        assert [line.get_label() for line in labelled_lines(ax)] == leaders
    fig = plots.backlog_by_holder(results["backlog"], holders=["GO", "mayor"])
    assert all(len(labelled_lines(ax)) == 2 for ax in visible_axes(fig))


def test_cycle_time_percentiles_per_type_and_statistic(results, tmp_path):
    kpis = results["kpis"]
    fig = plots.cycle_time_percentiles(kpis)
    written(fig, tmp_path)
    axes = visible_axes(fig)
    # requests, reports, then the other document types with a cycle time (drafts, contracts…)
    typed = [c for c in kpis.columns if c.endswith("_p50_days") and kpis[c].notna().any()]
    assert len(axes) == len(typed) >= 2
    assert [ax.get_title().split(" (")[0] for ax in axes[:2]] == ["requests", "reports"]
    for ax in axes:
        bars = errorbars(ax)
        assert [c.get_label() for c in bars] == ["mean", "p50", "p90", "p95"]
        assert all(len(c.lines[0].get_xdata()) == 2 for c in bars)  # one per design point
    p90 = errorbars(axes[0])[2].lines[0].get_xdata()
    expected = kpis.groupby("variant", sort=False)["cycle_request_p90_days"].mean()
    assert np.allclose(p90, expected.to_numpy())


def test_cycle_time_ecdf_counts_the_closed_documents_of_the_kpis(results, tmp_path):
    fig = plots.cycle_time_ecdf(results["events"], results["cases"], warmup_days=WARMUP)
    written(fig, tmp_path)
    axes = visible_axes(fig)
    assert [ax.get_title().split()[0] for ax in axes[:2]] == ["requests", "reports"]
    kpis = results["kpis"]
    for ax, doc_type in zip(axes[:2], ("request", "report"), strict=True):
        lines = labelled_lines(ax)
        assert len(lines) == 2
        done = kpis.groupby("variant", sort=False)[f"done_{doc_type}"].sum()
        for line, (variant, n) in zip(lines, done.items(), strict=True):
            assert line.get_label() == f"{variant} (n={n})"
            assert line.get_ydata()[-1] == pytest.approx(1.0)


def test_cycle_time_distribution_uses_events_when_present(results):
    kpis, events = results["kpis"], results["events"]
    from_events = plots.cycle_time_distribution(kpis, events, results["cases"])
    assert "empirical CDF" in from_events.get_suptitle()
    from_kpis = plots.cycle_time_distribution(kpis)
    assert "mean of 2 replications" in from_kpis.get_suptitle()


def test_rates_by_design_bars_and_t_intervals(results, tmp_path):
    kpis = results["kpis"]
    fig = plots.rates_by_design(kpis)
    written(fig, tmp_path)
    (ax,) = fig.axes
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(bars) == 2 and all(len(b.patches) == 2 for b in bars)  # 2 designs × 2 rates
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["GO return rate", "instruction reply breach rate"]
    growth = kpis.loc[kpis["variant"] == "growth-30"]
    ci = t_interval(growth["go_return_rate"])
    assert bars[1].patches[0].get_height() == pytest.approx(100 * ci.mean)
    (segment,) = bars[1].errorbar.lines[2][0].get_segments()[:1]
    assert segment[1, 1] - segment[0, 1] == pytest.approx(200 * ci.half_width)


def test_utilisation_by_design_one_group_per_holder(results, tmp_path):
    fig = plots.utilisation_by_design(results["kpis"])
    written(fig, tmp_path)
    (ax,) = fig.axes
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(bars) == 2 and all(len(b.patches) == 10 for b in bars)
    assert [t.get_text() for t in ax.get_xticklabels()][:3] == ["GO", "mayor", "vm_exec"]
    assert "%" in ax.get_ylabel()


def test_metric_bars_takes_any_kpi_column(results):
    kpis = results["kpis"].assign(substitution_coverage_share=0.5, topic_wait_mean_wd=2.0)
    fig = plots.metric_bars(kpis, ["substitution_coverage_share"])
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_xticklabels()] == ["substitution coverage share"]
    (bars, _) = (c for c in ax.containers if isinstance(c, BarContainer))
    assert bars.patches[0].get_height() == pytest.approx(50.0)  # a share, shown in %
    fig = plots.metric_bars(kpis, ["topic_wait_mean_wd"])
    assert fig.axes[0].get_ylabel() == "mean (working days)"
    with pytest.raises(ValueError, match="not in the KPI frame"):
        plots.metric_bars(kpis, ["no_such_kpi"])


def test_paired_forest_one_interval_per_variant_and_metric(results, tmp_path):
    kpis = results["kpis"]
    metrics = ["backlog_go_mean", "go_wait_mean_hours", "util_go"]
    fig = plots.paired_forest(kpis, metrics)
    written(fig, tmp_path)
    axes = visible_axes(fig)
    assert len(axes) == 3
    diffs = paired_differences(kpis, "variant", "baseline", ["replication"], metrics)
    for ax, metric in zip(axes, metrics, strict=True):
        (bar,) = errorbars(ax)
        assert [t.get_text() for t in ax.get_yticklabels()] == ["growth-30"]
        row = diffs.set_index("metric").loc[metric]
        scale = 100 if metric == "util_go" else 1
        assert bar.lines[0].get_xdata()[0] == pytest.approx(scale * row["mean_diff"])
        low, high = bar.lines[2][0].get_segments()[0][:, 0]
        assert (low, high) == pytest.approx((scale * row["low"], scale * row["high"]))
    default = plots.paired_forest(kpis)
    assert len(visible_axes(default)) == len(plots.FOREST_DEFAULT)


def test_paired_forest_pairs_a_sweep_point_by_point(results):
    kpis = results["kpis"]
    swept = pd.concat(
        [
            kpis.assign(point="general_office.reviewers=6"),
            kpis.assign(point="general_office.reviewers=7"),
        ],
        ignore_index=True,
    )
    fig = plots.paired_forest(swept, ["util_go"])
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "growth-30 @ general_office.reviewers=6",
        "growth-30 @ general_office.reviewers=7",
    ]
    x = [bar.lines[0].get_xdata()[0] for bar in errorbars(ax)]
    assert x[0] == pytest.approx(x[1])  # the same pairs at both points


def test_paired_forest_needs_a_variant(results):
    baseline_only = results["kpis"].query("variant == 'baseline'")
    with pytest.raises(ValueError, match="nothing to compare"):
        plots.paired_forest(baseline_only)


def test_metric_labels_and_units():
    assert plots.metric_label("cycle_request_p90_days") == "request cycle p90"
    assert plots.metric_unit("cycle_request_p90_days") == "days"
    assert plots.metric_unit("cycle_report_mean_wd") == "working days"
    assert plots.metric_label("util_vm_2") == "vm_2 utilisation"
    assert plots.metric_unit("instr_breach_rate") == "%"
    assert plots.metric_label("meeting_topic_wait_mean_wd") == "meeting topic wait mean"


# --------------------------------------------------------------------------- fonts


def all_figures(data: dict[str, pd.DataFrame]) -> list[Figure]:
    kpis, backlog = data["kpis"], data["backlog"]
    return [
        plots.backlog_by_design(backlog),
        plots.backlog_by_holder(backlog),
        plots.backlog_heatmap(backlog),
        plots.cycle_time_percentiles(kpis),
        plots.cycle_time_ecdf(data["events"], data["cases"]),
        plots.rates_by_design(kpis),
        plots.utilisation_by_design(kpis),
        plots.paired_forest(kpis),
    ]


def texts(fig: Figure) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text)]


def render_capturing_glyph_warnings(figs: list[Figure], tmp_path: Path) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i, fig in enumerate(figs):
            plots.save(fig, tmp_path / f"f{i}.png")
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


def test_no_missing_glyphs_in_any_figure(results, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figs = all_figures(results)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    missing += render_capturing_glyph_warnings(figs, tmp_path)
    assert missing == []


def test_the_glyph_check_would_see_boxes(tmp_path):
    """The warning the font tests look for is what matplotlib says when it draws a box."""
    if plots.cjk_font() is not None:
        pytest.skip("a CJK font is installed: nothing is drawn as a box")
    fig = Figure()
    fig.add_subplot().set_title("济宁")
    assert render_capturing_glyph_warnings([fig], tmp_path)


def test_chinese_names_never_drawn_as_boxes(results, tmp_path):
    """Variant and holder names in Chinese: drawn when a CJK font exists, else left out."""
    renamed = {"baseline": "baseline", "growth-30": "增长三成"}
    data = dict(results)
    for key in ("kpis", "backlog", "events", "cases"):
        data[key] = results[key].assign(variant=results[key]["variant"].map(renamed))
    backlog = data["backlog"]
    data["backlog"] = backlog.assign(
        holder=backlog["holder"].astype(str).replace({"mayor": "市长"})
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figs = all_figures(data)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    missing += render_capturing_glyph_warnings(figs, tmp_path)
    assert missing == []
    drawn = "".join(t for fig in figs for t in texts(fig))
    if plots.cjk_font() is None:
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in drawn)
        assert "design 2" in drawn  # the all-Chinese variant name falls back to its position
    else:
        assert "增长三成" in drawn and "市长" in drawn


def test_cjk_font_really_has_the_glyphs():
    name = plots.cjk_font()
    if name is None:
        assert plots.term("General Office", "市政府办公室") == "General Office"
    else:
        from matplotlib import font_manager

        path = font_manager.findfont(name, fallback_to_default=False)
        charmap = plots.style._charmap(path)
        assert all(ord(ch) in charmap for ch in plots.CJK_PROBE)
        assert plots.term("General Office", "市政府办公室") == "General Office (市政府办公室)"


def test_dollar_signs_are_not_mathtext(results, tmp_path):
    kpis = results["kpis"].assign(variant=results["kpis"]["variant"].replace("growth-30", "$5"))
    fig = plots.rates_by_design(kpis)
    written(fig, tmp_path)
    assert r"\$5" in texts(fig)


def test_cycle_time_ecdf_leaves_carried_cases_out_as_the_kpis_do(results):
    """A case carried across a warm start's cut has no cycle time of the run (its creation is
    before the cut): the figure leaves it out, as the KPIs' populations do."""
    events, cases = results["events"], results["cases"].copy()
    keys = ["variant", "replication", "case"]
    closed = events.loc[events["activity"] == "doc.closed", keys]
    kept = (cases["case_type"] == "request") & (cases["created"] >= WARMUP * 1440.0)
    hit = cases.loc[kept, keys].merge(closed, on=keys).groupby("variant").head(3)
    marked = cases[keys].merge(hit.assign(carried=True), on=keys, how="left")["carried"]
    cases["carried"] = marked.fillna(False).astype(bool).to_numpy()
    before = plots.cycle_time_ecdf(events, results["cases"], ["request"], warmup_days=WARMUP)
    after = plots.cycle_time_ecdf(events, cases, ["request"], warmup_days=WARMUP)

    def counts(fig: Figure) -> list[int]:
        lines = labelled_lines(visible_axes(fig)[0])
        return [int(line.get_label().split("n=")[1].rstrip(")")) for line in lines]

    assert [b - a for b, a in zip(counts(before), counts(after), strict=True)] == [3, 3]
