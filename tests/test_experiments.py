"""Batch experiments: design expansion, streaming parts, resume after SIGKILL, failures, Dask."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import govsim.experiment.runner as runner
from govsim.cli import main
from govsim.experiment.runner import RunDirError, run_experiment
from govsim.scenario.expand import expand
from govsim.scenario.load import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "jining.toml"

DESIGN = """
[[variants]]
name = "more-staff"
set = { "general_office.reviewers" = 8, "load.p_major" = 0.3 }

[sweep]
"load.scale" = [0.8, 1.2]
"instructions.deadline_working_days" = [5, 10, 15]
"""


def scenario_text(days: int = 30, extra: str = "") -> str:
    text = DEFAULT.read_text(encoding="utf-8").replace(
        "horizon_days = 365", f"horizon_days = {days}"
    )
    return text + extra


def write_scenario(tmp_path: Path, days: int = 30, extra: str = "") -> Path:
    path = tmp_path / "sc.toml"
    path.write_text(scenario_text(days, extra), encoding="utf-8")
    return path


def test_expansion_counts_names_and_overrides():
    sc = parse_scenario(scenario_text(extra=DESIGN))
    points = expand(sc)
    # baseline + growth-30 + more-staff, each at 2 × 3 sweep points
    assert len(points) == 3 * 6
    assert [p.variant for p in points[::6]] == ["baseline", "growth-30", "more-staff"]
    assert points[0].point == "load.scale=0.8,instructions.deadline_working_days=5"
    staff = [p for p in points if p.variant == "more-staff"]
    assert {p.scenario.general_office.reviewers for p in staff} == {8}
    assert {p.scenario.load.p_major for p in staff} == {0.3}
    # the sweep value sits on top of the variant's own override
    assert {p.scenario.load.scale for p in points if p.variant == "growth-30"} == {0.8, 1.2}
    assert {p.scenario.instructions.deadline_working_days for p in points} == {5, 10, 15}
    base = [p for p in points if p.variant == "baseline"]
    assert {p.scenario.general_office.reviewers for p in base} == {6}


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_identical_results_for_one_and_four_workers(tmp_path):
    scenario = write_scenario(tmp_path, days=20)
    blobs = []
    for workers in ("1", "4"):
        out = tmp_path / f"w{workers}"
        code, output = run_cli(
            "run",
            str(scenario),
            "--reps",
            "4",
            "--workers",
            workers,
            "--out",
            str(out),
            "--run",
            "r",
            "--quiet",
        )
        assert code == 0, output
        run = out / "jining" / "r"
        blobs.append(
            [(run / n).read_bytes() for n in ("kpis.parquet", "backlog.parquet", "summary.csv")]
        )
    assert blobs[0] == blobs[1]


def test_events_sample_keeps_replication_zero(tmp_path):
    out = tmp_path / "o"
    code, output = run_cli(
        "run",
        str(write_scenario(tmp_path, days=15)),
        "--reps",
        "3",
        "--workers",
        "1",
        "--out",
        str(out),
        "--run",
        "r",
        "--events",
        "sample",
        "--quiet",
    )
    assert code == 0, output
    events = pd.read_parquet(out / "jining" / "r" / "events.parquet")
    assert set(events["replication"]) == {0}
    assert set(events["variant"]) == {"baseline", "growth-30"}


def test_failing_replication_is_reported_and_others_finish(tmp_path, monkeypatch):
    real = runner.simulate

    def flaky(sc, replication, seed):
        if replication == 1:
            raise RuntimeError("boom")
        return real(sc, replication, seed)

    monkeypatch.setattr(runner, "simulate", flaky)
    out = tmp_path / "o"
    result = CliRunner().invoke(
        main,
        [
            "run",
            str(write_scenario(tmp_path, days=10)),
            "--reps",
            "3",
            "--workers",
            "1",
            "--out",
            str(out),
            "--run",
            "r",
            "--quiet",
        ],
    )
    assert result.exit_code == 1
    assert "replication 1 of baseline (seed 20250101) failed: RuntimeError: boom" in result.output
    assert "replication 1 of growth-30 (seed 20250101) failed" in result.output
    kpis = pd.read_parquet(out / "jining" / "r" / "kpis.parquet")
    assert list(zip(kpis["variant"], kpis["replication"], strict=True)) == [
        ("baseline", 0),
        ("baseline", 2),
        ("growth-30", 0),
        ("growth-30", 2),
    ]


def test_resume_requires_matching_run(tmp_path):
    scenario = write_scenario(tmp_path, days=10)
    out = tmp_path / "o"
    assert (
        run_cli(
            "run",
            str(scenario),
            "--reps",
            "1",
            "--workers",
            "1",
            "--out",
            str(out),
            "--run",
            "r",
            "--quiet",
        )[0]
        == 0
    )
    code, output = run_cli(
        "run", str(scenario), "--reps", "1", "--out", str(out), "--run", "r", "--quiet"
    )
    assert code == 2 and "exists already; add --resume" in output
    code, output = run_cli(
        "run", str(scenario), "--reps", "2", "--out", str(out), "--run", "r", "--resume", "--quiet"
    )
    assert code == 2 and "its replications is 1, this run's is 2" in output
    with pytest.raises(RunDirError, match="nothing to resume"):
        run_experiment(
            parse_scenario(scenario.read_text()),
            scenario_path=scenario,
            reps=1,
            seed=1,
            out=tmp_path / "empty",
            resume=True,
        )


def test_resume_after_sigkill_loses_nothing(tmp_path):
    """Kill a running experiment (and its workers) with SIGKILL, check every part on disk is
    complete, resume, and compare with an uninterrupted run byte for byte."""
    scenario = write_scenario(tmp_path, days=30)
    out = tmp_path / "o"
    cmd = [
        sys.executable,
        "-m",
        "govsim",
        "run",
        str(scenario),
        "--reps",
        "8",
        "--workers",
        "2",
        "--out",
        str(out),
        "--quiet",
    ]
    proc = subprocess.Popen(
        [*cmd, "--run", "killed"],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    parts = out / "jining" / "killed" / "parts"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(parts.glob("*/*.kpis.parquet"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = sorted(parts.glob("*/*.kpis.parquet"))
    assert 3 <= len(done_before) < 16, "the run must be killed part-way"
    for part in parts.glob("*/*.parquet"):
        pq.read_table(part)  # every file in parts/ is complete
    assert not list(parts.glob("**/*.tmp"))

    resumed = subprocess.run(
        [*cmd, "--run", "killed", "--resume"], capture_output=True, text=True, check=False
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"resumed: {len(done_before)} replication(s) were already done" in resumed.stderr
    clean = subprocess.run([*cmd, "--run", "clean"], capture_output=True, text=True, check=False)
    assert clean.returncode == 0, clean.stderr
    for name in ("kpis.parquet", "backlog.parquet", "summary.csv"):
        assert (out / "jining" / "killed" / name).read_bytes() == (
            out / "jining" / "clean" / name
        ).read_bytes()


def test_dask_cluster_gives_the_process_pool_results(tmp_path):
    distributed = pytest.importorskip("distributed")
    scenario = write_scenario(tmp_path, days=20)
    sc = parse_scenario(scenario.read_text(), str(scenario))
    local = run_experiment(
        sc, scenario_path=scenario, reps=3, seed=5, out=tmp_path / "pool", workers=2, run_name="r"
    )
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        remote = run_experiment(
            sc,
            scenario_path=scenario,
            reps=3,
            seed=5,
            out=tmp_path / "dask",
            scheduler=cluster.scheduler_address,
            run_name="r",
        )
    for name in ("kpis.parquet", "backlog.parquet", "summary.csv"):
        assert (local.out_dir / name).read_bytes() == (remote.out_dir / name).read_bytes()
