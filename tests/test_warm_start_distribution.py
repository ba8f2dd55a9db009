"""A run warm-started at a cut of a run matches, in distribution, that run after the cut.

Paired on the cut state: replication ``r`` of the default scenario is simulated up to
``cut + window`` days; a second run starts from its log at ``cut`` (``[initial_state]``) with
other random numbers and simulates ``window`` days. Over the window, the General Office's
backlog (documents received and not yet reviewed, A57) and the upward documents open (the
carried backlog and the new ones) must agree: the paired differences' 99 % confidence
interval holds 0. A small default (cut at day 30, 20 days, 3 pairs) runs with the suite; the
study the text asks for (day 180, the next 60 days, 20 pairs) is marked slow.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from factory import short_default_scenario
from govsim.model.warm import read_snapshot
from govsim.model.world import simulate
from govsim.scenario.load import load_scenario

HOUR = 60.0
UPWARD_NOT_CARRIED = (
    "meeting topic",
    "countersign past its first round",
    "joint submission being co-signed",
)


def _level(up: np.ndarray, down: np.ndarray, t0: float, t1: float) -> float:
    """Time-average over [t0, t1) (hourly) of #up − #down events at or before each instant."""
    grid = np.arange(t0, t1, HOUR)
    return float(
        (
            np.searchsorted(np.sort(up), grid, "right")
            - np.searchsorted(np.sort(down), grid, "right")
        ).mean()
    )


def go_backlog(ev: pd.DataFrame, t0: float, t1: float) -> float:
    """Documents at the GO: received and not yet reviewed (A57)."""
    act, t = ev["activity"].astype(str), ev["time"].to_numpy()
    return _level(t[act == "go.received"], t[act == "go.reviewed"], t0, t1)


def open_documents(ev: pd.DataFrame, cases: pd.DataFrame, t0: float, t1: float) -> float:
    """Requests and reports open: from their case's first event to their closure."""
    upward = cases.loc[cases["case_type"].astype(str).isin(["request", "report"]), "case"]
    e = ev.loc[ev["case"].isin(upward)]
    first = e.groupby("case", observed=True)["time"].min()
    ends = e.loc[e["activity"].astype(str).isin(["doc.closed", "doc.withdrawn"])]
    closed = ends.groupby("case", observed=True)["time"].min()
    return _level(first.to_numpy(), closed.to_numpy(), t0, t1)


def _pairs(tmp: Path, cut: int, window: int, n: int) -> np.ndarray:
    """Per pair: (warm − source) GO backlog and open documents over the window."""
    source = short_default_scenario(tmp, cut + window)
    sc = load_scenario(source)
    start = sc.scenario.start + dt.timedelta(days=cut)
    out = []
    for r in range(n):
        world = simulate(sc, r)
        ev, cases = world.log.to_frame(), world.log.cases_frame()
        folder = tmp / f"r{r}"
        folder.mkdir()
        ev.to_parquet(folder / "events.parquet")
        cases.to_parquet(folder / "cases.parquet")
        text = source.read_text(encoding="utf-8")
        text = text.replace(f"horizon_days = {cut + window}", f"horizon_days = {window}")
        text = text.replace(f"start = {sc.scenario.start}", f"start = {start}")
        text += (
            f'\n[initial_state]\nlog = "r{r}/events.parquet"\n'
            f'scenario = "{source.name}"\ncut = {cut}\n'
        )
        path = tmp / f"warm{r}.toml"
        path.write_text(text, encoding="utf-8")
        warm_sc = load_scenario(path)
        warm = simulate(warm_sc, r + 10_000)  # other random numbers after the cut
        wev, wcases = warm.log.to_frame(), warm.log.cases_frame()
        a, b = cut * 1440.0, (cut + window) * 1440.0
        # The backlog itself crosses the seam: every document open at the cut is carried
        # or counted as not carried (the manifest's warm_start note).
        missed = read_snapshot(warm_sc).not_carried
        upward = sum(n for kind, n in missed.items() if kind in UPWARD_NOT_CARRIED)
        # (outgoing documents are carried too: only the upward ones are counted here)
        is_upward = wcases["case_type"].astype(str).isin(["request", "report"])
        carried = int(wcases.loc[is_upward, "carried"].sum())
        assert carried + upward == open_documents(ev, cases, a, a + 1.0) > 0
        assert carried >= 0.8 * (carried + upward)
        out.append(
            (
                go_backlog(wev, 0.0, b - a) - go_backlog(ev, a, b),
                open_documents(wev, wcases, 0.0, b - a) - open_documents(ev, cases, a, b),
            )
        )
    return np.array(out)


def _assert_ci_holds_zero(diffs: np.ndarray) -> None:
    n = len(diffs)
    half = stats.t.ppf(0.995, n - 1) * diffs.std(axis=0, ddof=1) / math.sqrt(n)
    mean = diffs.mean(axis=0)
    for name, m, h in zip(("GO backlog", "open documents"), mean, half, strict=True):
        assert abs(m) <= h, f"{name}: warm − source {m:.2f} ± {h:.2f} (99 %, {n} pairs)"


def test_warm_start_matches_the_run_after_the_cut(tmp_path) -> None:
    _assert_ci_holds_zero(_pairs(tmp_path, cut=30, window=20, n=3))


@pytest.mark.slow
def test_warm_start_from_day_180_matches_the_next_60_days(tmp_path) -> None:
    _assert_ci_holds_zero(_pairs(tmp_path, cut=180, window=60, n=20))
