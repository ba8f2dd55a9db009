"""`govsim run` end to end on the default scenario (shortened), and reproducibility."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from govsim.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "jining.toml"


def short_copy(tmp_path: Path, days: int = 45, extra: str = "") -> Path:
    """The default scenario with a shorter horizon (and optional extra TOML at the end)."""
    text = DEFAULT.read_text(encoding="utf-8").replace(
        "horizon_days = 365", f"horizon_days = {days}"
    )
    path = tmp_path / "short.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def run_dir(out: Path) -> Path:
    (scenario_dir,) = out.iterdir()
    (run,) = scenario_dir.iterdir()
    return run


def test_validate_default_scenario():
    result = CliRunner().invoke(main, ["validate", str(DEFAULT)])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output and "55 units" in result.output


def test_run_writes_complete_results(tmp_path):
    out = tmp_path / "res"
    result = CliRunner().invoke(
        main,
        [
            "run",
            str(short_copy(tmp_path)),
            "--reps",
            "2",
            "--seed",
            "7",
            "--out",
            str(out),
            "--workers",
            "1",
            "--events",
            "all",
        ],
    )
    assert result.exit_code == 0, result.output
    # the compact summary: design points as rows, headline KPIs as columns, then Δ
    assert "GO backlog" in result.output and "Δ vs baseline" in result.output
    assert "growth-30" in result.output
    run = run_dir(out)
    # … then the five units that breach most (the default scenario's [desks]), as a table
    # whose numbers are those of desks.parquet.
    from govsim.kpis.desks import top_breaching_units

    lines = result.output.splitlines()
    at = lines.index("Units that breach most (mean per replication over every design point):")
    rows = [line.split() for line in lines[at + 3 : at + 8]]
    top = top_breaching_units(pd.read_parquet(run / "desks.parquet"), 5)
    assert [r[0] for r in rows] == list(top["unit"])
    assert [float(r[-1]) for r in rows] == [round(b, 1) for b in top["breaches"]]
    assert max(len(line) for line in lines[at : at + 8]) <= 80
    names = {p.name for p in run.iterdir()}
    assert names == {
        "manifest.json",
        "kpis.parquet",
        "backlog.parquet",
        "desks.parquet",  # the default scenario's [desks]
        "summary.csv",
        "events.parquet",
        "cases.parquet",
        "parts",
    }
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["replications"] == 2
    assert [p["variant"] for p in manifest["design_points"]] == ["baseline", "growth-30"]
    assert len(manifest["scenario_sha256"]) == 64 and manifest["status"] == "complete"
    assert [(t["replication"], t["seed"], t["status"]) for t in manifest["tasks"]] == [
        (0, 7, "done"),
        (1, 7, "done"),
        (0, 7, "done"),
        (1, 7, "done"),
    ]
    kpis = pd.read_parquet(run / "kpis.parquet")
    assert list(kpis["variant"]) == ["baseline", "baseline", "growth-30", "growth-30"]
    assert list(kpis["replication"]) == [0, 1, 0, 1]
    events = pd.read_parquet(run / "events.parquet")
    assert set(events["variant"]) == {"baseline", "growth-30"}
    backlog = pd.read_parquet(run / "backlog.parquet")
    offices = backlog.loc[backlog["holder_kind"] != "unit"]
    assert len(offices) == 4 * 45 * 10  # 4 replications × 45 days × (GO + 9 leaders)
    # … then every unit's desk (the default scenario's [desks]: 55 units).
    units = backlog.loc[backlog["holder_kind"] == "unit"]
    assert len(units) == 4 * 45 * 55
    summary = pd.read_csv(run / "summary.csv")
    growth = summary.loc[
        (summary["variant"] == "growth-30") & (summary["metric"] == "arrived_request")
    ]
    assert growth["diff"].iloc[0] > 0  # common random numbers: more load, more arrivals
    assert not list(run.glob(".*tmp"))


def test_common_random_numbers_pair_replications(tmp_path):
    """A variant that only changes GO staffing sees exactly the baseline's arrivals."""
    extra = '\n[[variants]]\nname = "more-staff"\nset = { "general_office.reviewers" = 8 }\n'
    out = tmp_path / "res"
    result = CliRunner().invoke(
        main,
        [
            "run",
            str(short_copy(tmp_path, extra=extra)),
            "--reps",
            "2",
            "--out",
            str(out),
            "--workers",
            "1",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    kpis = pd.read_parquet(run_dir(out) / "kpis.parquet").set_index(["variant", "replication"])
    base, staff = kpis.loc["baseline"], kpis.loc["more-staff"]
    pd.testing.assert_series_equal(base["arrived_request"], staff["arrived_request"])
    pd.testing.assert_series_equal(base["arrived_report"], staff["arrived_report"])
    assert (staff["backlog_go_mean"] <= base["backlog_go_mean"]).all()


def test_results_identical_across_worker_counts(tmp_path):
    scenario = short_copy(tmp_path, days=30)
    digests = []
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        result = CliRunner().invoke(
            main,
            [
                "run",
                str(scenario),
                "--reps",
                "3",
                "--out",
                str(out),
                "--workers",
                workers,
                "--quiet",
            ],
        )
        assert result.exit_code == 0, result.output
        run = run_dir(out)
        digests.append(
            [(run / n).read_bytes() for n in ("kpis.parquet", "backlog.parquet", "summary.csv")]
        )
    assert digests[0] == digests[1]


@pytest.mark.parametrize("args", [["run"], ["validate"]])
def test_missing_file_is_a_one_line_error(tmp_path, args):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "govsim",
            *args,
            str(tmp_path / "nope.toml"),
            *(["--out", str(tmp_path / "o")] if args == ["run"] else []),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"{tmp_path / 'nope.toml'}: no such file"
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "o").exists()
