"""Bound samplers (:func:`govsim.core.distributions.bound_sampler`) draw their stream in blocks and
must give exactly the numbers of one NumPy call per value (the same seed, the same results)."""

from __future__ import annotations

import numpy as np
import pytest

from govsim.core.distributions import Distribution, bound_sampler, make_sampler

SPECS = [
    {"dist": "exponential", "mean_minutes": 3.0},
    {"dist": "lognormal", "mean_hours": 1.5, "cv": 0.6},
    {"dist": "gamma", "mean_days": 2.0, "cv": 1.4},
    {"dist": "gamma", "mean_days": 2.0, "cv": 0.3},
    {"dist": "triangular", "low_hours": 1, "mode_hours": 2, "high_hours": 5},
    {"dist": "uniform", "low_minutes": 10, "high_minutes": 30},
    {"dist": "uniform", "low_minutes": 10, "high_minutes": 10},
    {"dist": "fixed", "value_days": 1.5},
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s["dist"])
def test_bound_sampler_draws_the_scalar_calls_numbers(spec: dict) -> None:
    dist = Distribution.model_validate(spec)
    scalar = make_sampler(dist, 450.0)
    one = np.random.Generator(np.random.PCG64(11))
    expected = [scalar(one) for _ in range(3000)]  # crosses several blocks (16, 32, … 1024)
    sample = bound_sampler(dist, 450.0, np.random.Generator(np.random.PCG64(11)))
    got = [sample() for _ in range(3000)]
    assert got == expected
    assert all(type(x) is float for x in got)
