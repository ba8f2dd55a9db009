"""The vectorised KPI helpers give exactly what the row-by-row pandas definitions give: per-case
reductions, k-th entry/exit matching, the next row of a case, working days, and the view's
activity slices (same rows, same order as filtering the whole log)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from govsim.core.calendar import WorkCalendar
from govsim.kpis.helpers import by_case, lookup, next_in_case, pair_visits, working_days
from govsim.kpis.view import LogView, Setting

cases = st.lists(st.integers(0, 6), max_size=40)


def _frame(case: list[int], seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "case": np.asarray(case, dtype=np.int32),
            "time": np.sort(rng.uniform(0, 1000, len(case))),
            "start": rng.uniform(0, 1000, len(case)),
        }
    )


@given(cases, st.integers(0, 99))
def test_by_case_is_groupby(case: list[int], seed: int) -> None:
    frame = _frame(case, seed)
    grouped = frame.groupby("case")["time"]
    for how, expected in (
        ("first", grouped.first()),
        ("last", grouped.last()),
        ("min", grouped.min()),
    ):
        keys, values = by_case(frame["case"].to_numpy(), frame["time"].to_numpy(), how)
        assert keys.tolist() == expected.index.tolist()
        assert values.tolist() == expected.tolist()
        query = np.arange(-1, 8)
        np.testing.assert_array_equal(
            lookup(keys, values, query), expected.reindex(query).to_numpy()
        )


@given(cases, st.integers(0, 99))
def test_next_in_case_is_groupby_shift(case: list[int], seed: int) -> None:
    frame = _frame(case, seed)
    expected = frame.groupby("case")["time"].shift(-1).to_numpy()
    np.testing.assert_array_equal(
        next_in_case(frame["case"].to_numpy(), frame["time"].to_numpy()), expected
    )


@given(cases, cases, st.integers(0, 99))
def test_pair_visits_is_the_kth_merge(enter: list[int], leave: list[int], seed: int) -> None:
    a, b = _frame(enter, seed), _frame(leave, seed + 1)
    left = a[["case", "time"]].assign(k=a.groupby("case").cumcount())
    right = b[["case", "time", "start"]].assign(k=b.groupby("case").cumcount())
    expected = left.merge(right, on=["case", "k"], how="left", suffixes=("_in", "_out"))
    pd.testing.assert_frame_equal(pair_visits(a, b), expected, check_exact=True)


@settings(max_examples=50)
@given(st.lists(st.floats(0, 60 * 1440), min_size=1, max_size=20), st.floats(0, 60 * 1440))
def test_working_days_match_the_calendar(t0: list[float], t1: float) -> None:
    cal = WorkCalendar(dt.date(2025, 1, 1), 60)
    ends = [t1] * len(t0)
    expected = [cal.working_days_between(a, b) for a, b in zip(t0, ends, strict=True)]
    assert working_days(cal, t0, ends).tolist() == expected


@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=30), st.integers(0, 99))
def test_view_slices_are_the_filtered_log(acts: list[str], seed: int) -> None:
    events = _frame([i % 4 for i in range(len(acts))], seed)
    events["activity"] = pd.Categorical(acts, categories=["a", "b", "c", "d"])
    cases_ = pd.DataFrame(
        {"case": np.arange(4, dtype=np.int32), "created": [0.0, 2000.0, 1439.0, 1440.0]}
    )
    events["time"] *= 3.0  # up to two days and more
    view = LogView(events, cases_, setting=Setting(warmup_days=1))
    for names in (("a",), ("b", "a"), ("d",), ("a", "c")):
        chosen = events["activity"].isin(names).to_numpy()
        for where, mask in (
            ("all", chosen),
            ("after", chosen & (events["time"] >= 1440.0).to_numpy()),
            ("kept", chosen & events["case"].isin([1, 3]).to_numpy()),
        ):
            assert view.positions(names, where).tolist() == np.flatnonzero(mask).tolist()
