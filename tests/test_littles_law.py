"""Little's law on the event log, exactly, over generated scenarios.

For any sample path (Little 1961; Stidham 1974; El-Taha & Stidham, *Sample-Path Analysis of
Queueing Systems*, 1999, ch. 1): if every item that entered a system before time T has left
it by T, then

    ∫₀ᵀ N(t) dt = Σᵢ (exitᵢ − entryᵢ),

N(t) the number of items in the system — that is L̄ = λ̄·W̄ with L̄ = ∫N/T, λ̄ = n/T and
W̄ = Σ/n. Without that condition the identity still holds with every time cut at T:
Σᵢ (min(exitᵢ, T) − min(entryᵢ, T)).

The two sides are computed from the log independently: the left by walking the events in
log order and counting +1 at each entry and −1 at each exit (the count must never go below
zero); the right by pairing each item's entry with its own exit. A document logged as closed
twice, an exit without an entry, events out of time order or a wrong pairing all break it.

Systems checked: the city government (a document is in it from its first ``doc.submitted`` to
``doc.closed`` or ``doc.withdrawn``), the GO's review desk (each visit from ``go.received`` to
``go.reviewed``; a returned document visits again) and the GO's whole holding including
instruction transfers, as :func:`govsim.kpis.holding_intervals` reports it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factory import make_scenario, scenario_dicts
from govsim.core.org import GO
from govsim.kpis import holding_intervals
from govsim.model.world import simulate

REL = 1e-6


def scenarios() -> st.SearchStrategy[dict[str, Any]]:
    """Small complete scenarios, light enough to empty out."""
    return scenario_dicts(
        name="little",
        max_vm=3,
        max_dept=6,
        max_county=2,
        revise_days=2.0,
        reply_days=4.0,
        max_rate=3.0,
        max_scale=2.0,
    )


# --------------------------------------------------------------------------- the two sides


def walk(times: np.ndarray, steps: np.ndarray, horizon: float) -> tuple[float, np.ndarray]:
    """Work in progress from a stream of +1/−1 ``steps`` at ``times`` (in log order).

    Returns the last time ≤ ``horizon`` at which the system is empty after a departure (0.0
    if there is none) and the cumulative integral ``∫₀ᵗ N`` just after each step, so that the
    integral up to any step's time can be read off. The count never goes negative.
    """
    n, area, last, empty_at = 0, 0.0, 0.0, 0.0
    areas = np.empty(len(times))
    for i, (t, d) in enumerate(zip(times.tolist(), steps.tolist(), strict=True)):
        assert t >= last, "log out of time order"
        area += n * (t - last)
        last = t
        n += d
        assert n >= 0, f"more exits than entries at {t}"
        if n == 0 and d < 0:
            empty_at = t
        areas[i] = area
    assert last <= horizon
    return empty_at, areas


def integral_to(times: np.ndarray, steps: np.ndarray, areas: np.ndarray, t_end: float) -> float:
    """``∫₀^t_end N`` from the walk (``t_end`` ≥ the time of the last step before it)."""
    k = int(np.searchsorted(times, t_end, side="right"))
    if k == 0:
        return 0.0
    n_after = int(steps[:k].sum())
    return float(areas[k - 1] + n_after * (t_end - times[k - 1]))


def stream(events: pd.DataFrame, enter: pd.Series, leave: pd.Series) -> tuple[np.ndarray, ...]:
    """Times and ±1 steps of the entries and exits selected by two masks, in log order."""
    mask = (enter | leave).to_numpy()
    times = events["time"].to_numpy()[mask]
    steps = np.where(enter.to_numpy()[mask], 1, -1)
    return times, steps


def visits(entries: pd.DataFrame, exits: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Pair each case's k-th entry with its k-th exit (``inf`` if it has not left)."""
    t_in: list[float] = []
    t_out: list[float] = []
    out_by_case: dict[int, list[float]] = {}
    for case, t in zip(exits["case"].tolist(), exits["time"].tolist(), strict=True):
        out_by_case.setdefault(case, []).append(t)
    seen: dict[int, int] = {}
    for case, t in zip(entries["case"].tolist(), entries["time"].tolist(), strict=True):
        k = seen.get(case, 0)
        seen[case] = k + 1
        outs = out_by_case.get(case, [])
        t_in.append(t)
        t_out.append(outs[k] if k < len(outs) else math.inf)
    n_out = sum(len(v) for v in out_by_case.values())
    assert n_out == sum(1 for x in t_out if x != math.inf), "an exit without its entry"
    return np.array(t_in), np.array(t_out)


def check_little(
    t_in: np.ndarray, t_out: np.ndarray, times: np.ndarray, steps: np.ndarray, horizon: float
) -> float:
    """Assert the identity at the last empty time and at the horizon; return that time."""
    empty_at, areas = walk(times, steps, horizon)
    # The system is empty at T: whatever entered before T has left by T.
    before = t_in < empty_at
    assert (t_out[before] <= empty_at).all()
    time_in_system = float((t_out[before] - t_in[before]).sum())
    assert math.isclose(
        integral_to(times, steps, areas, empty_at), time_in_system, rel_tol=REL, abs_tol=1e-9
    )
    # L̄ = λ̄ · W̄ over [0, T], the same identity divided by T
    if empty_at > 0 and before.any():
        n = int(before.sum())
        lbar = integral_to(times, steps, areas, empty_at) / empty_at
        assert math.isclose(lbar, (n / empty_at) * (time_in_system / n), rel_tol=REL)
    # Cut at the horizon, open items included.
    cut = np.minimum(t_out, horizon) - np.minimum(t_in, horizon)
    assert math.isclose(
        integral_to(times, steps, areas, horizon), float(cut.sum()), rel_tol=REL, abs_tol=1e-9
    )
    return empty_at


def check_log(events: pd.DataFrame, cases: pd.DataFrame, horizon: float) -> None:
    """Little's law for the city government, the GO's review desk and the GO's holding."""
    act = events["activity"]

    # The city government: first submission to closure or withdrawal.
    submitted = act == "doc.submitted"
    first = submitted & ~events["case"].where(submitted).duplicated()
    left = act.isin(["doc.closed", "doc.withdrawn"])
    times, steps = stream(events, first, left)
    t_in, t_out = visits(events.loc[first], events.loc[left])
    # the case table's creation time is the first submission
    assert len(t_in) == len(cases)
    assert np.array_equal(t_in, cases.set_index("case").loc[events.loc[first, "case"], "created"])
    check_little(t_in, t_out, times, steps, horizon)

    # The GO's review desk: every visit, returns included.
    received, reviewed = act == "go.received", act == "go.reviewed"
    times, steps = stream(events, received, reviewed)
    t_in, t_out = visits(events.loc[received], events.loc[reviewed])
    check_little(t_in, t_out, times, steps, horizon)

    # The GO's whole holding (reviews and transfers), as metrics reports it.
    instructed, transferred = act == "leader.instructed", act == "go.transferred"
    times, steps = stream(events, received | instructed, reviewed | transferred)
    t_in, t_out = holding_intervals(events, GO)
    check_little(t_in, t_out, times, steps, horizon)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(raw=scenarios(), replication=st.integers(0, 3))
def test_littles_law_holds_exactly_on_the_log(raw: dict[str, Any], replication: int) -> None:
    world = simulate(make_scenario(raw), replication)
    check_log(world.log.to_frame(), world.log.cases_frame(), world.cal.horizon_minutes)


def _busy_world():
    raw = {
        "scenario": {"name": "little", "start": "2025-03-03", "horizon_days": 30},
        "leaders": [
            {"id": "mayor", "role": "mayor", "portfolio": ["d0"]},
            {"id": "vm_exec", "role": "executive_vice_mayor", "portfolio": ["d1"]},
            {"id": "sg", "role": "secretary_general"},
        ],
        "departments": [{"id": "d0"}, {"id": "d1"}],
        "general_office": {
            "reviewers": 1,
            "review": {"dist": "exponential", "mean_hours": 1.0},
            "transfer": {"dist": "fixed", "value_minutes": 20},
            "revise": {"dist": "fixed", "value_days": 1},
        },
        "leader_work": {
            "approve": {"dist": "exponential", "mean_minutes": 30},
            "read": {"dist": "exponential", "mean_minutes": 15},
        },
        "instructions": {
            "p_request": 0.5,
            "p_report": 0.2,
            "reply": {"dist": "fixed", "value_days": 2},
        },
        "load": {
            "request_per_dept_per_week": 4,
            "report_per_dept_per_week": 4,
            "p_poor_quality": 0.3,
        },
    }
    return simulate(make_scenario(raw), 0)


def test_a_broken_log_breaks_the_identity() -> None:
    """The check has teeth: a document closed twice, or reviewed before it was received."""
    world = _busy_world()
    events, cases = world.log.to_frame(), world.log.cases_frame()
    horizon = world.cal.horizon_minutes
    check_log(events, cases, horizon)  # the real log passes

    closed = events.index[events["activity"] == "doc.closed"]
    twice = pd.concat([events, events.loc[[closed[0]]]]).sort_values("time", kind="stable")
    with pytest.raises(AssertionError):
        check_log(twice.reset_index(drop=True), cases, horizon)

    reviewed = events.index[events["activity"] == "go.reviewed"]
    early = events.copy()
    received = early.index[
        (early["activity"] == "go.received") & (early["case"] == early.at[reviewed[0], "case"])
    ][0]
    early.loc[[received, reviewed[0]], "activity"] = ["go.reviewed", "go.received"]
    with pytest.raises(AssertionError):
        check_log(early, cases, horizon)


def test_little_on_a_hand_made_stream() -> None:
    """Three items: [0, 2), [1, 4), [5, 6) → ∫N over [0, 4] = 2 + 3 = 5, empty at 4 and 6."""
    t_in, t_out = np.array([0.0, 1.0, 5.0]), np.array([2.0, 4.0, 6.0])
    times = np.array([0.0, 1.0, 2.0, 4.0, 5.0, 6.0])
    steps = np.array([1, 1, -1, -1, 1, -1])
    empty_at, areas = walk(times, steps, 10.0)
    assert empty_at == 6.0
    assert integral_to(times, steps, areas, 4.0) == 5.0
    assert integral_to(times, steps, areas, 10.0) == 6.0
    assert check_little(t_in, t_out, times, steps, 10.0) == 6.0
    # an item still inside at the horizon is cut there
    assert check_little(t_in[:2], np.array([2.0, np.inf]), times[:3], steps[:3], 10.0) == 0.0
