"""The experiment the desks exist for (slow): on the default scenario, load 1.6 against 1.0 on
common random numbers raises the instruction breach rate (A57) and the share of countersigns
deemed given (A59), with the paired 95% interval above zero. Run with ``pytest -m slow``.

At the default staffing (four per department, five for the two busiest) the desks are about
60% busy at load 1.6, so the instruction breach rate rises by only about 0.3 points (0.097 →
0.100): 20 pairs give an interval of ±0.0032 that still touches zero, 40 pairs resolve it.
The countersigns deemed and the desks' breaches rise far more."""

from __future__ import annotations

from pathlib import Path

import pytest

import govsim
from govsim.stats import paired_differences

ROOT = Path(__file__).resolve().parents[1]
METRICS = ["instr_breach_rate", "cs_deemed_share", "desk_breaches"]


@pytest.mark.slow
def test_heavier_load_breaches_more_department_deadlines() -> None:
    text = (ROOT / "scenarios" / "jining.toml").read_text(encoding="utf-8")
    text = text.split("[[variants]]")[0]
    text += '\n[[variants]]\nname = "load-16"\nset = { "load.scale" = 1.6 }\n'
    sc = govsim.parse_scenario(text, str(ROOT / "scenarios" / "load16.toml"))
    res = govsim.run(sc, reps=40, workers=2)
    diffs = paired_differences(
        res.kpis, "variant", "baseline", ["replication"], metrics=METRICS
    ).set_index("metric")
    assert (diffs["n_pairs"] == 40).all()
    for metric in METRICS:
        assert diffs.loc[metric, "low"] > 0, diffs.loc[metric]
