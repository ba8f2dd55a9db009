"""Duration distributions written as data in scenario files.

A distribution is a TOML table such as ``{dist = "lognormal", mean_hours = 2.0, cv = 0.6}``:
the family is named by ``dist`` and every duration parameter names its unit in its suffix
(``_minutes``, ``_hours`` or ``_days``). Durations are *working* time: ``_days`` means working
days of the scenario's calendar (office minutes per working day), so an effort of one working
day spans a whole office day whatever the office hours are. Nothing in a scenario is ever
evaluated as code (DESIGN: "No code in data").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

Unit = Literal["minutes", "hours", "days"]
Family = Literal["exponential", "lognormal", "gamma", "triangular", "uniform", "fixed"]

_PARAMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # family: (duration parameters, dimensionless parameters)
    "exponential": (("mean",), ()),
    "lognormal": (("mean",), ("cv",)),
    "gamma": (("mean",), ("cv",)),
    "triangular": (("low", "mode", "high"), ()),
    "uniform": (("low", "high"), ()),
    "fixed": (("value",), ()),
}
# Bounds on what a simulation can honour: a cv of 1e308 overflows the lognormal's sigma, a
# duration of 1e308 minutes the clock. Both are far beyond any office's working time.
MAX_CV = 100.0
MAX_DURATION_MINUTES = 1e8  # about 190 years
_MINUTES_PER = {"minutes": 1.0, "hours": 60.0, "days": 1440.0}  # a working day is shorter
_DURATION_KEY = re.compile(r"^(mean|low|mode|high|value)_(minutes|hours|days)$")


class Distribution(BaseModel):
    """A non-negative duration distribution, its parameters in one named unit.

    Families: ``exponential`` (mean), ``lognormal`` and ``gamma`` (mean, cv — coefficient of
    variation, sd/mean), ``triangular`` (low, mode, high), ``uniform`` (low, high) and
    ``fixed`` (value).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    dist: Family
    unit: Unit
    mean: float | None = None
    cv: float | None = None
    low: float | None = None
    mode: float | None = None
    high: float | None = None
    value: float | None = None

    @model_validator(mode="before")
    @classmethod
    def _split_units(cls, data: Any) -> Any:
        """Turn ``mean_hours = 2`` into ``mean = 2, unit = "hours"``; one unit per table."""
        if not isinstance(data, dict) or "unit" in data:
            return data
        out: dict[str, Any] = {}
        units: set[str] = set()
        for key, val in data.items():
            m = _DURATION_KEY.match(key) if isinstance(key, str) else None
            if m:
                out[m.group(1)] = val
                units.add(m.group(2))
            elif isinstance(key, str) and key in {"mean", "low", "mode", "high", "value"}:
                raise ValueError(
                    f"'{key}' needs its unit in the name: {key}_minutes, {key}_hours or {key}_days"
                )
            else:
                out[key] = val
        if len(units) > 1:
            raise ValueError(f"mixes units {sorted(units)}; use one unit for all parameters")
        if not units:
            raise ValueError("no duration parameter (e.g. mean_hours = 2.0)")
        out["unit"] = units.pop()
        return out

    @model_validator(mode="after")
    def _check_family(self) -> Distribution:
        durations, shapes = _PARAMS[self.dist]
        allowed = set(durations) | set(shapes)
        for name in ("mean", "cv", "low", "mode", "high", "value"):
            given = getattr(self, name) is not None
            if given and name not in allowed:
                raise ValueError(f"'{name}' is not a parameter of dist = \"{self.dist}\"")
            if not given and name in allowed:
                suffix = "" if name in shapes else f"_{self.unit}"
                raise ValueError(f"dist = \"{self.dist}\" needs '{name}{suffix}'")
        for name in durations:
            v = getattr(self, name)
            if not math.isfinite(v) or v < 0:
                raise ValueError(f"'{name}_{self.unit}' must be a finite number >= 0, got {v}")
            limit = MAX_DURATION_MINUTES / _MINUTES_PER[self.unit]
            if v > limit:
                raise ValueError(f"'{name}_{self.unit}' must be at most {limit:g}, got {v:g}")
        if self.cv is not None and not (math.isfinite(self.cv) and 0 < self.cv <= MAX_CV):
            raise ValueError(f"'cv' must be > 0 and at most {MAX_CV:g}, got {self.cv:g}")
        if self.dist in {"exponential", "lognormal", "gamma"} and self.mean == 0:
            raise ValueError(f"'mean_{self.unit}' must be > 0")
        if self.dist == "triangular" and not (self.low <= self.mode <= self.high):  # type: ignore[operator]
            raise ValueError("triangular needs low <= mode <= high")
        if self.dist == "triangular" and self.low == self.high:
            raise ValueError("triangular needs low < high")
        if self.dist == "uniform" and not (self.low <= self.high):  # type: ignore[operator]
            raise ValueError("uniform needs low <= high")
        return self

    def mean_value(self) -> float:
        """The distribution's mean, in its own unit."""
        if self.dist in {"exponential", "lognormal", "gamma"}:
            return float(self.mean)  # type: ignore[arg-type]
        if self.dist == "triangular":
            return (self.low + self.mode + self.high) / 3  # type: ignore[operator]
        if self.dist == "uniform":
            return (self.low + self.high) / 2  # type: ignore[operator]
        return float(self.value)  # type: ignore[arg-type]


Sampler = Callable[[np.random.Generator], float]


def unit_minutes(unit: Unit, working_minutes_per_day: float) -> float:
    """Working minutes in one ``unit`` (a working day is one office day of the calendar)."""
    return {"minutes": 1.0, "hours": 60.0, "days": working_minutes_per_day}[unit]


def make_sampler(spec: Distribution, working_minutes_per_day: float) -> Sampler:
    """Compile ``spec`` into a function ``rng -> working minutes`` (never negative)."""
    k = unit_minutes(spec.unit, working_minutes_per_day)
    if spec.dist == "fixed":
        v = float(spec.value) * k  # type: ignore[arg-type]
        return lambda rng: v
    if spec.dist == "exponential":
        m = float(spec.mean) * k  # type: ignore[arg-type]
        return lambda rng: rng.exponential(m)
    if spec.dist == "lognormal":
        m = float(spec.mean) * k  # type: ignore[arg-type]
        sigma2 = math.log1p(spec.cv**2)  # type: ignore[operator]
        mu, sigma = math.log(m) - sigma2 / 2, math.sqrt(sigma2)
        return lambda rng: rng.lognormal(mu, sigma)
    if spec.dist == "gamma":
        m = float(spec.mean) * k  # type: ignore[arg-type]
        shape = 1.0 / spec.cv**2  # type: ignore[operator]
        scale = m / shape
        return lambda rng: rng.gamma(shape, scale)
    if spec.dist == "triangular":
        lo, mo, hi = spec.low * k, spec.mode * k, spec.high * k  # type: ignore[operator]
        return lambda rng: rng.triangular(lo, mo, hi)
    lo, hi = spec.low * k, spec.high * k  # type: ignore[operator]
    if lo == hi:
        return lambda rng: lo
    return lambda rng: rng.uniform(lo, hi)


_BLOCK_DRAWS = 1024  # largest block a bound sampler draws at once


def _block_sampler(
    spec: Distribution, working_minutes_per_day: float
) -> Callable[[np.random.Generator, int], np.ndarray] | None:
    """``make_sampler(spec, …)`` as a vectorised draw of ``n`` values; None for a constant."""
    k = unit_minutes(spec.unit, working_minutes_per_day)
    if spec.dist == "fixed":
        return None
    if spec.dist == "exponential":
        m = float(spec.mean) * k  # type: ignore[arg-type]
        return lambda rng, n: rng.exponential(m, n)
    if spec.dist == "lognormal":
        m = float(spec.mean) * k  # type: ignore[arg-type]
        sigma2 = math.log1p(spec.cv**2)  # type: ignore[operator]
        mu, sigma = math.log(m) - sigma2 / 2, math.sqrt(sigma2)
        return lambda rng, n: rng.lognormal(mu, sigma, n)
    if spec.dist == "gamma":
        m = float(spec.mean) * k  # type: ignore[arg-type]
        shape = 1.0 / spec.cv**2  # type: ignore[operator]
        scale = m / shape
        return lambda rng, n: rng.gamma(shape, scale, n)
    if spec.dist == "triangular":
        lo, mo, hi = spec.low * k, spec.mode * k, spec.high * k  # type: ignore[operator]
        return lambda rng, n: rng.triangular(lo, mo, hi, n)
    lo, hi = spec.low * k, spec.high * k  # type: ignore[operator]
    if lo == hi:
        return None
    return lambda rng, n: rng.uniform(lo, hi, n)


def bound_sampler(
    spec: Distribution, working_minutes_per_day: float, rng: np.random.Generator
) -> Callable[[], float]:
    """``make_sampler(spec, …)`` bound to its own stream ``rng``: a function of no argument
    giving the same numbers in the same order as successive calls ``sampler(rng)``.

    The numbers are drawn from NumPy in blocks (16, 32, … up to 1,024): a vectorised draw
    draws each element exactly as the scalar call does, from the same generator state, so
    only the cost changes (a step through a list instead of a NumPy call per value). The
    blocks draw ahead of use, so ``rng`` must serve this sampler alone (DESIGN: one named
    stream per random source).
    """
    block = _block_sampler(spec, working_minutes_per_day)
    if block is None:
        value = make_sampler(spec, working_minutes_per_day)(rng)
        return lambda: value

    def draws() -> Iterator[float]:
        n = 16
        while True:
            yield from block(rng, n).tolist()
            n = min(2 * n, _BLOCK_DRAWS)

    return draws().__next__
