"""Global sensitivity (``govsim analyse RESULTS_DIR --sensitivity``): Sobol' indices and
Morris effects estimated from a design's KPI table.

Known test functions go through the same machinery as the model: the design's points (by
their labels, as in ``kpis.parquet``) get a KPI column, and the indices are read from that
table. The Ishigami function's indices are known in closed form; a linear function's Morris
effects are exact.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from factory import mmc_day
from govsim.cli import main
from govsim.experiment.sensitivity import SensitivityError, index_table, indices
from govsim.scenario.design_models import Design
from govsim.scenario.sampling import design_labels, design_values

KNOBS = ("load.scale", "load.request_per_dept_per_week", "load.report_per_dept_per_week")


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    """f = sin x1 + a sin² x2 + b x3⁴ sin x1 on [−π, π]³ (Ishigami & Homma 1990)."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[list[float], list[float]]:
    """Analytic first- and total-order indices (Sobol' & Levitan 1999)."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    var = v1 + v2 + v13
    return [v1 / var, v2 / var, 0.0], [(v1 + v13) / var, v2 / var, v13 / var]


def kpi_table(design: Design, model) -> pd.DataFrame:
    """The design's KPI table as the runner writes it: one row per point and replication."""
    x = np.array([list(v.values()) for v in design_values(design)], dtype=float)
    return pd.DataFrame(
        {"variant": "baseline", "point": design_labels(design), "replication": 0, "y": model(x)}
    )


def test_sobol_indices_of_ishigami_match_the_analytic_values() -> None:
    knobs = {k: {"low": 0.0, "high": 2 * math.pi} for k in KNOBS}  # shifted by −π below
    design = Design.model_validate({"kind": "sobol", "samples": 1024, "seed": 3, "knobs": knobs})
    frame = indices(kpi_table(design, lambda x: ishigami(x - math.pi)), design, ["y"])
    s1, st = ishigami_indices()
    assert [round(v, 4) for v in s1] == [0.3139, 0.4424, 0.0]
    assert [round(v, 4) for v in st] == [0.5576, 0.4424, 0.2437]
    for name, truth in (("S1", s1), ("ST", st)):
        rows = frame.loc[frame["index"] == name]
        assert rows["knob"].tolist() == list(KNOBS)
        assert (rows["low"].to_numpy() <= truth).all() and (truth <= rows["high"].to_numpy()).all()
        assert (rows["high"] - rows["low"]).max() < 0.25  # informative intervals
    # x3 acts only through its interaction with x1
    s1_x3, st_x3 = frame.loc[frame["knob"] == KNOBS[2], "value"]
    assert abs(s1_x3) < 0.06 < st_x3


def test_morris_effects_of_a_linear_function_are_exact() -> None:
    knobs = {KNOBS[0]: {"low": 1.0, "high": 3.0}, KNOBS[1]: {"low": 0.0, "high": 10.0}}
    design = Design.model_validate({"kind": "morris", "samples": 6, "knobs": knobs})
    frame = indices(kpi_table(design, lambda x: -4.0 * x[:, 0] + 0.0 * x[:, 1]), design, ["y"])
    mu = frame.loc[frame["index"] == "mu_star"].set_index("knob")
    sigma = frame.loc[frame["index"] == "sigma"].set_index("knob")
    # over a knob's whole range (2 units of load.scale) the KPI changes by 8 (up to the six
    # significant digits continuous knob values are kept to)
    assert mu.loc[KNOBS[0], "value"] == pytest.approx(8.0, rel=1e-5)
    assert mu.loc[KNOBS[1], "value"] == pytest.approx(0.0, abs=1e-12)
    assert sigma["value"].to_numpy() == pytest.approx([0.0, 0.0], abs=1e-4)
    assert "8.000 [8.000, 8.000]" in index_table(frame).to_string()


def test_a_latin_hypercube_or_a_missing_point_gives_no_indices() -> None:
    knobs = {KNOBS[0]: {"low": 1.0, "high": 3.0}}
    lhs = Design.model_validate({"kind": "lhs", "samples": 8, "knobs": knobs})
    with pytest.raises(SensitivityError, match="'lhs' design gives no sensitivity indices"):
        indices(kpi_table(lhs, lambda x: x[:, 0]), lhs, ["y"])
    sobol = Design.model_validate({"kind": "sobol", "samples": 8, "knobs": knobs})
    table = kpi_table(sobol, lambda x: x[:, 0]).iloc[1:]
    with pytest.raises(SensitivityError, match="missing at 1 of 24 design points"):
        indices(table, sobol, ["y"])
    with pytest.raises(SensitivityError, match="unknown KPI"):
        indices(table, sobol, ["z"])


MORRIS_RUN = (
    mmc_day("mmc-morris")
    + """

[load]
request_per_dept_per_week = 720.0

[design]
kind = "morris"
samples = 2
knobs."general_office.reviewers" = { type = "integer", low = 4, high = 7 }
knobs."load.p_major" = { low = 0.0, high = 1.0 }
"""
)


def test_analyse_a_morris_run_end_to_end(tmp_path: Path) -> None:
    """``govsim run`` of a design, then ``govsim analyse --sensitivity``: the table, the
    Parquet file and a figure; p_major plays no part at the GO alone, reviewers do."""
    scenario = tmp_path / "morris.toml"
    scenario.write_text(MORRIS_RUN, encoding="utf-8")
    runner = CliRunner()
    args = ["run", str(scenario), "--reps", "2", "--workers", "1", "--out", str(tmp_path)]
    assert runner.invoke(main, [*args, "--run", "r", "-q"]).exit_code == 0
    run_dir = tmp_path / "mmc-morris" / "r"
    out = runner.invoke(main, ["analyse", str(run_dir), "--sensitivity", "--kpi", "util_go"])
    assert out.exit_code == 0, out.output
    assert "mu_star" in out.output and "general_office.reviewers" in out.output
    frame = pd.read_parquet(run_dir / "sensitivity.parquet")
    mu = frame.loc[frame["index"] == "mu_star"].set_index("knob")["value"]
    # utilisation a/c with a = 0.1 Erlang: a Morris step of 2 reviewers out of 4…7 (Δ = 2/3
    # of the range) changes it by 0.1/4 − 0.1/6 or 0.1/5 − 0.1/7, an effect of 0.0125 or
    # 0.0086 per range; p_major plays no part at the GO alone
    assert 0.0086 * 0.8 < mu["general_office.reviewers"] < 0.0125 * 1.2
    assert mu["load.p_major"] == 0.0
    assert (run_dir / "report" / "sensitivity_util_go.png").stat().st_size > 10_000
    # the public API gives the same table
    import govsim
    from govsim import plots, report

    kpis = pd.read_parquet(run_dir / "kpis.parquet")
    same = govsim.sensitivity_indices(kpis, govsim.load_scenario(scenario), ["util_go"])
    pd.testing.assert_frame_equal(same, frame)
    # the HTML report draws the same figure once the indices are written

    provider = report.REPORT_FIGURES["sensitivity"].provide if report.providers() else None
    assert provider is not None
    (entry,) = provider(report.load_results(run_dir), plots)
    assert entry.file == "sensitivity_util_go.png" and "μ*" in entry.caption
    assert entry.draw().axes[0].get_yticklabels()[-1].get_text() == "general_office.reviewers"
    bad = runner.invoke(main, ["analyse", str(run_dir), "--sensitivity", "--kpi", "nope"])
    assert bad.exit_code == 2 and bad.output.strip() == "govsim analyse: unknown KPI(s): nope"
    scenario.write_text(MORRIS_RUN + "\n# edited\n", encoding="utf-8")
    changed = runner.invoke(main, ["analyse", str(run_dir), "--sensitivity"])
    assert changed.exit_code == 2 and "changed since the run" in changed.output
