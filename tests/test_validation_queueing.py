"""Validation against queueing theory: the document flow reduced to an M/M/c queue at the GO.

``scenarios/mmc.toml`` runs on the 24/7 calendar, with one unit sending only requests as a
Poisson stream, no returns (``p_poor_quality = 0``), no instructions (so no transfers share
the GO's queue), no urgent documents (one priority class) and exponential reviews. The GO is
then an M/M/c queue with λ = ``request_per_dept_per_week`` / (5 × 1440) per minute,
μ = 1 / review mean and c = ``general_office.reviewers``; leaders act after it.

Each replication estimates, for the documents received in a window after a warm-up and
before a cool-down, the share that waited (``start`` of ``go.reviewed`` after ``go.received``)
and their mean wait. The replications give a 99 % Student-t interval
(:func:`govsim.stats.t_interval`) that must contain the Erlang-C value, and its half-width
must be below a stated fraction of that value, so that a model with noisy estimates cannot
pass by having a wide interval. With one reviewer fewer (c − 1) the same design must exclude
the Erlang-C value of c: the test has the power to see a wrong model.

The seeds are fixed (the scenario's), so the test is deterministic; the run length was chosen
from the variance of the estimates so that the interval is a few times narrower than the gap
between c and c − 1 (see the comments at ``SIZES``). The default size runs in seconds; the
``slow`` variant (``pytest -m slow``) runs about twenty times as many documents.
"""

from __future__ import annotations

import copy
import functools
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from factory import make_scenario, scenario_dicts
from govsim.core.calendar import build_calendar
from govsim.kpis import pair_visits
from govsim.model.arrivals import WORKING_DAYS_PER_WEEK, generate_arrivals
from govsim.model.rng import Streams
from govsim.model.world import simulate
from govsim.queueing import (
    erlang_b,
    erlang_c,
    mmc_mean_queue,
    mmc_mean_sojourn,
    mmc_mean_wait,
    mmc_p_wait,
    mmc_service_level,
    mmc_utilisation,
    mminf_mean_in_system,
    mminf_p_wait,
)
from govsim.scenario.models import Scenario
from govsim.stats import t_interval

MMC_FILE = Path(__file__).resolve().parents[1] / "scenarios" / "mmc.toml"
CONFIDENCE = 0.99

# --------------------------------------------------------------------------- formulas


def test_published_call_centre_example() -> None:
    """10 Erlangs offered to 14 agents, 180 s handling time, answer within 20 s.

    P(wait) = 0.1741 and service level = 1 − 0.1741·e^{−(14 − 10)·20/180} = 0.8884; the
    published figures are 0.174 and 0.888 (88.8 %).
    """
    assert erlang_c(10.0, 14) == pytest.approx(0.17413, abs=5e-6)
    lam, mu = 10.0 / 180.0, 1.0 / 180.0  # per second
    assert mmc_p_wait(lam, mu, 14) == pytest.approx(0.17413, abs=5e-6)
    assert round(mmc_service_level(lam, mu, 14, 20.0), 3) == 0.888
    assert mmc_service_level(lam, mu, 14, 20.0) == pytest.approx(0.88835, abs=5e-6)
    # the same in minutes: the formulas only need consistent units
    assert mmc_service_level(10 / 3, 1 / 3, 14, 1 / 3) == pytest.approx(0.88835, abs=5e-6)


def test_published_mean_wait_example() -> None:
    """λ = 3.5 calls per minute, 3 minutes mean service, 13 servers → mean wait 26.56 s."""
    wq_minutes = mmc_mean_wait(3.5, 1 / 3, 13)
    assert wq_minutes * 60 == pytest.approx(26.56, abs=0.005)
    assert erlang_c(10.5, 13) == pytest.approx(0.36885, abs=5e-6)


def test_textbook_example() -> None:
    """λ = 2.5, μ = 1, c = 3: P(wait) = 0.7022, W_q = 1.4045 (ρ = 5/6)."""
    assert mmc_p_wait(2.5, 1.0, 3) == pytest.approx(0.7022, abs=5e-5)
    assert mmc_mean_wait(2.5, 1.0, 3) == pytest.approx(1.4045, abs=5e-5)
    # exact: C = (2.5³/3! · 3/0.5) / (1 + 2.5 + 2.5²/2 + 2.5³/3! · 3/0.5) = 125/178
    assert erlang_c(2.5, 3) == pytest.approx(125 / 178, rel=1e-14)
    assert mmc_utilisation(2.5, 1.0, 3) == pytest.approx(5 / 6, rel=1e-15)
    assert mmc_mean_queue(2.5, 1.0, 3) == pytest.approx(2.5 * 125 / 89, rel=1e-14)
    assert mmc_mean_sojourn(2.5, 1.0, 3) == pytest.approx(125 / 89 + 1, rel=1e-14)


def _erlang_c_direct(a: float, c: int) -> float:
    """The textbook sum, in log space (lgamma) so that it does not overflow."""
    log_top = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a))
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)] + [log_top]
    m = max(logs)
    return math.exp(log_top - m) / sum(math.exp(x - m) for x in logs)


@pytest.mark.parametrize(
    ("a", "c"), [(0.5, 1), (2.5, 3), (10.0, 14), (10.5, 13), (45.3, 50), (950.0, 1000)]
)
def test_erlang_c_recursion_matches_the_sum(a: float, c: int) -> None:
    assert erlang_c(a, c) == pytest.approx(_erlang_c_direct(a, c), rel=1e-9)


def test_erlang_edge_cases() -> None:
    assert erlang_c(0.0, 3) == 0.0
    assert erlang_c(3.0, 3) == 1.0  # no steady state
    assert erlang_c(0.5, 1) == pytest.approx(0.5)  # M/M/1: P(wait) = ρ
    assert erlang_b(1.0, 1) == pytest.approx(0.5)
    assert mmc_mean_wait(3.0, 1.0, 3) == math.inf
    assert mmc_service_level(3.0, 1.0, 2, 5.0) == 0.0
    assert mmc_mean_wait(0.5, 1.0, 1) == pytest.approx(1.0)  # M/M/1: ρ / (μ − λ)
    assert mminf_p_wait(7.0, 0.1) == 0.0
    assert mminf_mean_in_system(7.0, 0.1) == pytest.approx(70.0)
    for bad in (lambda: erlang_c(-1.0, 2), lambda: erlang_c(1.0, 0), lambda: erlang_c(1.0, 2.0)):
        with pytest.raises(ValueError):
            bad()  # type: ignore[no-untyped-call]
    with pytest.raises(ValueError):
        mmc_mean_wait(1.0, 0.0, 2)
    with pytest.raises(ValueError):
        mmc_service_level(1.0, 1.0, 2, -1.0)


# --------------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class Case:
    """An M/M/c case; rates per minute."""

    name: str
    lam: float
    mean_service: float
    c: int
    sl_minutes: float | None = None  # a service-level threshold to check too

    @property
    def mu(self) -> float:
        return 1.0 / self.mean_service


CASES = (
    Case("call-centre", lam=10 / 3, mean_service=3.0, c=14, sl_minutes=1 / 3),  # a = 10
    Case("c13", lam=3.5, mean_service=3.0, c=13),  # a = 10.5
    Case("textbook", lam=2.5, mean_service=1.0, c=3),  # a = 2.5
)


@dataclass(frozen=True)
class Size:
    """Run length of one design: replications × horizon, and the precision demanded."""

    replications: int
    days: int
    # max 99 % half-width as a fraction of the Erlang-C value
    max_rel_hw_p_wait: float
    max_rel_hw_mean_wait: float


# The queue starts empty. Its relaxation time, roughly 1 / (cμ(1 − √ρ)²) (Morse's M/M/1 value
# with the pooled rate cμ), is 44 minutes in the slowest case (textbook: ρ = 5/6, c = 3) and
# 9–23 minutes in the others, so after 120 minutes the initial bias is well under 1 % of the
# mean wait.
WARMUP_MINUTES = 120.0
# Documents received in the last hour are not counted: the ones before it have all been
# reviewed by the horizon (asserted), so no wait is cut short.
COOLDOWN_MINUTES = 60.0
# The run length. Over a 1-day replication the standard deviation of a replication's mean
# wait is 0.15–0.30 of its value (0.03–0.08 for the share that waits); ten replications give
# 99 % half-widths of 0.16–0.31 (0.03–0.08) of the target, while one reviewer fewer raises
# the targets by a factor of 1.5–2.5 or makes the queue unstable. The slow size runs 20 × 10
# days (22 times as many documents counted): half-widths about five times smaller.
SIZES = {
    "ci": Size(replications=10, days=1, max_rel_hw_p_wait=0.2, max_rel_hw_mean_wait=0.4),
    "long": Size(replications=20, days=10, max_rel_hw_p_wait=0.05, max_rel_hw_mean_wait=0.1),
}


def mmc_raw(lam: float, mean_service: float, c: int, days: int) -> dict[str, Any]:
    """``scenarios/mmc.toml`` with λ per minute, the mean review time, c and the horizon."""
    raw = tomllib.loads(MMC_FILE.read_text(encoding="utf-8"))
    raw["scenario"]["horizon_days"] = days
    raw["scenario"]["warmup_days"] = 0
    # arrivals are generated per working minute at weekly / (5 × minutes per working day)
    raw["load"]["request_per_dept_per_week"] = lam * WORKING_DAYS_PER_WEEK * 1440
    raw["general_office"]["reviewers"] = c
    raw["general_office"]["review"] = {"dist": "exponential", "mean_minutes": mean_service}
    return raw


def test_mmc_file_is_the_textbook_case() -> None:
    sc = make_scenario(tomllib.loads(MMC_FILE.read_text(encoding="utf-8")))
    assert sc.calendar.kind == "continuous"
    lam = sc.load.request_per_dept_per_week / (WORKING_DAYS_PER_WEEK * 1440)
    assert lam == pytest.approx(2.5)
    assert sc.general_office.review.dist == "exponential"
    assert sc.general_office.review.mean_value() == pytest.approx(1.0)
    assert sc.general_office.reviewers == 3
    assert sc.load.p_poor_quality == sc.instructions.p_request == sc.instructions.p_report == 0
    assert sc.instructions.p_urgent == 0


def go_waits(sc: Scenario, replication: int, lo: float, hi: float) -> np.ndarray:
    """Queue waits at the GO of the documents received in ``[lo, hi)`` (NaN: not started).

    The wait is ``start`` of ``go.reviewed`` minus the time of ``go.received`` (the documents
    are never returned, so each has one visit).
    """
    events = simulate(sc, replication).log.to_frame()
    received = events.loc[events["activity"] == "go.received"]
    reviewed = events.loc[events["activity"] == "go.reviewed"]
    visits = pair_visits(received, reviewed)
    visits = visits.loc[(visits["time_in"] >= lo) & (visits["time_in"] < hi)]
    return (visits["start"] - visits["time_in"]).to_numpy()


@dataclass(frozen=True)
class Estimates:
    """Per-replication estimates (one value per replication)."""

    p_wait: np.ndarray
    mean_wait: np.ndarray
    service_level: np.ndarray  # share with wait <= case.sl_minutes (NaN if none)
    unfinished: int  # documents of the windows whose review had not started by the horizon


@functools.cache
def estimates(case: Case, c: int, size_name: str) -> Estimates:
    size = SIZES[size_name]
    sc = make_scenario(mmc_raw(case.lam, case.mean_service, c, size.days))
    hi = size.days * 1440.0 - COOLDOWN_MINUTES
    p, w, sl, unfinished = [], [], [], 0
    for r in range(size.replications):
        waits = go_waits(sc, r, WARMUP_MINUTES, hi)
        started = waits[~np.isnan(waits)]
        unfinished += waits.size - started.size
        p.append(np.mean(started > 0))
        w.append(np.mean(started))
        sl.append(np.mean(started <= case.sl_minutes) if case.sl_minutes else math.nan)
    return Estimates(np.array(p), np.array(w), np.array(sl), unfinished)


def _check_matches(case: Case, size_name: str) -> None:
    size = SIZES[size_name]
    est = estimates(case, case.c, size_name)
    assert est.unfinished == 0  # every document of the windows was reviewed: no censoring
    targets = [
        ("P(wait > 0)", est.p_wait, mmc_p_wait(case.lam, case.mu, case.c), size.max_rel_hw_p_wait),
        (
            "mean wait",
            est.mean_wait,
            mmc_mean_wait(case.lam, case.mu, case.c),
            size.max_rel_hw_mean_wait,
        ),
    ]
    if case.sl_minutes is not None:
        sl = mmc_service_level(case.lam, case.mu, case.c, case.sl_minutes)
        # the service level is near 1: demand the half-width of P(wait > 0) on 1 − SL
        targets.append(("service level", est.service_level, sl, size.max_rel_hw_p_wait))
    for what, values, target, max_rel in targets:
        ci = t_interval(values, CONFIDENCE)
        width = ci.half_width / (1 - target if what == "service level" else target)
        assert ci.low <= target <= ci.high, f"{case.name}: {what} {target:.5f} not in {ci}"
        assert width < max_rel, f"{case.name}: {what} interval too wide ({width:.3f})"


def _check_wrong_c_detected(case: Case, size_name: str) -> None:
    est = estimates(case, case.c - 1, size_name)
    for what, values, target in (
        ("P(wait > 0)", est.p_wait, mmc_p_wait(case.lam, case.mu, case.c)),
        ("mean wait", est.mean_wait, mmc_mean_wait(case.lam, case.mu, case.c)),
    ):
        ci = t_interval(values, CONFIDENCE)
        assert not ci.low <= target <= ci.high, f"{case.name}, c − 1: {what} {target} in {ci}"
        assert ci.low > target  # one reviewer fewer: more waiting, never less


def _long_runs_selected(request: pytest.FixtureRequest) -> None:
    """Run the ``slow`` size only when asked for (``pytest -m slow``)."""
    if "slow" not in (request.config.getoption("-m") or ""):
        pytest.skip("long run: select it with pytest -m slow")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_simulated_mmc_matches_erlang_c(case: Case) -> None:
    _check_matches(case, "ci")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_one_reviewer_fewer_is_detected(case: Case) -> None:
    _check_wrong_c_detected(case, "ci")


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_simulated_mmc_matches_erlang_c_long(case: Case, request: pytest.FixtureRequest) -> None:
    _long_runs_selected(request)
    _check_matches(case, "long")
    _check_wrong_c_detected(case, "long")


# --------------------------------------------------------------------------- M/M/∞


def _with_reviewers_for_everyone(raw: dict[str, Any], replication: int) -> dict[str, Any] | None:
    """``raw`` with as many reviewers as documents arrive (None if that exceeds 1000).

    A document is in the GO's hands at most once at a time, so the GO then never has more
    work items than reviewers: it is an M/G/∞ station (M/M/∞ with exponential reviews).
    """
    sc = make_scenario(raw)
    n = len(generate_arrivals(sc, build_calendar(sc), Streams(sc.experiment.seed, replication)))
    if n > 1000:
        return None
    out = copy.deepcopy(raw)
    out["general_office"]["reviewers"] = max(1, n)
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lam=st.floats(0.001, 0.3),
    mean_service=st.floats(0.1, 600.0),
    days=st.integers(1, 2),
    seed=st.integers(0, 2**32),
)
def test_mminf_no_document_ever_waits(
    lam: float, mean_service: float, days: int, seed: int
) -> None:
    raw = mmc_raw(lam, mean_service, 1, days)
    raw["experiment"]["seed"] = seed
    raw = _with_reviewers_for_everyone(raw, 0)
    assume(raw is not None)
    world = simulate(make_scenario(raw), 0)
    events = world.log.to_frame()
    received = events.loc[events["activity"] == "go.received"]
    reviewed = events.loc[events["activity"] == "go.reviewed"]
    visits = pair_visits(received, reviewed).dropna(subset=["start"])
    assert (visits["start"] == visits["time_in"]).all()  # exactly, not approximately
    # and the time at the GO is the review itself
    effort = reviewed.set_index("case").loc[visits["case"], "value"].to_numpy()
    np.testing.assert_allclose(
        visits["time_out"].to_numpy() - visits["time_in"].to_numpy(), effort, rtol=1e-9, atol=1e-9
    )


def scenarios() -> st.SearchStrategy[dict[str, Any]]:
    """Any calendar, returns, transfers, urgent documents; a few units, one reviewer."""
    return scenario_dicts(
        max_vm=1,
        max_dept=5,
        max_county=2,
        horizon=(5, 40),
        reviewers=(1, 1),
        review_hours=8.0,
        transfer_minutes=120.0,
        max_rate=6.0,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=scenarios(), replication=st.integers(0, 3))
def test_mginf_go_work_starts_when_it_arrives(raw: dict[str, Any], replication: int) -> None:
    """Any scenario, as many reviewers as documents: every GO review and transfer starts as
    soon as it reaches the GO — at once if the office is open, else at its next opening."""
    raw = _with_reviewers_for_everyone(raw, replication)
    assume(raw is not None)
    world = simulate(make_scenario(raw), replication)
    events, cal = world.log.to_frame(), world.cal
    for enter, leave in (("go.received", "go.reviewed"), ("leader.instructed", "go.transferred")):
        visits = pair_visits(
            events.loc[events["activity"] == enter], events.loc[events["activity"] == leave]
        ).dropna(subset=["start"])
        expected = [cal.next_open(t) for t in visits["time_in"]]
        assert visits["start"].tolist() == expected
