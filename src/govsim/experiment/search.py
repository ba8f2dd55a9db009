"""The least setting of a knob that keeps a KPI under a target, with a stated confidence.

``[search]`` names an integer knob (GO reviewers, a department's staff, …), a range
[low, high], a KPI, a threshold and a confidence ``1 − α``. The KPI is assumed not to increase
as the knob grows (more staff, fewer breaches); the search looks for the smallest setting
whose *mean* KPI is at or below the threshold.

Procedure (bisection with sequential tests on common random numbers):

1. A setting is tested by replications ``0, 1, …``: first ``initial_replications``, then
   ``step`` more at a time up to ``max_replications`` — so at most ``L`` looks per setting.
   Replication ``r`` uses the same random streams at every setting (the runner's seeds), so
   settings are compared on common random numbers.
2. At each look, a Student-t interval of level ``1 − 2α′`` for the mean is formed, with
   ``α′ = α / (2 · L · M)`` and ``M = ⌈log₂(high − low + 1)⌉ + 1`` the most settings a
   bisection visits. The setting **meets** the target if the interval's upper end is at or
   below the threshold, **fails** if its lower end is above it, and otherwise — the decision
   is close — gets ``step`` more replications; at ``max_replications`` it is **undecided** and
   treated as failing (not shown to meet the target).
3. ``high`` is tested first (if it does not meet the target, no setting in range does); then
   bisection: the middle of the open range is tested and the range halves towards the side the
   decision points to. The answer is the lowest setting that met the target; the setting just
   below it was tested too (unless the answer is ``low``) and is reported as the evidence.

Guarantee: each look errs (a one-sided bound on the wrong side of the true mean) with
probability at most ``α′`` when replication means are normal (the t-interval's assumption,
good for means of several replications); there are at most ``2 · L · M`` such bounds, so by
Bonferroni's inequality every decision taken is right with probability at least ``1 − α``.
When all are right and the KPI is monotone, the reported setting meets the target and, if
the next lower one *failed* (rather than stayed undecided), it is the least that does.
Replications are spent only where the decision is close: a setting far from the threshold is
decided at its first look.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from govsim.experiment.executors import open_executor
from govsim.experiment.runner import Task, replicate
from govsim.scenario.design_models import Search
from govsim.scenario.load import apply_overrides
from govsim.scenario.models import Scenario
from govsim.stats import t_interval

Decision = Literal["meets", "fails", "undecided"]


class SearchError(ValueError):
    """A search that cannot run (no ``[search]``, an unknown or undefined KPI)."""


@dataclass
class Setting:
    """One tested setting: its KPI per replication (replication r at index r) and decision."""

    value: int
    samples: list[float] = field(default_factory=list)
    decision: Decision = "undecided"
    low: float = math.nan
    high: float = math.nan

    @property
    def mean(self) -> float:
        return float(np.mean(self.samples)) if self.samples else math.nan


@dataclass
class SearchResult:
    """The outcome: the least setting that met the target (None if none did) and evidence."""

    spec: Search
    alpha_per_bound: float
    settings: dict[int, Setting]
    best: int | None

    @property
    def replications(self) -> int:
        """Replications spent over all tested settings."""
        return sum(len(s.samples) for s in self.settings.values())

    @property
    def next_lower(self) -> Setting | None:
        """The tested setting just below the answer (None if the answer is ``low``)."""
        return None if self.best is None else self.settings.get(self.best - 1)

    def paired_difference(self) -> tuple[float, float, float] | None:
        """Mean and interval of KPI(next lower) − KPI(answer), replication by replication on
        common random numbers, at the search's confidence."""
        lower = self.next_lower
        if lower is None or self.best is None:
            return None
        best = self.settings[self.best].samples
        n = min(len(best), len(lower.samples))
        diff = np.asarray(lower.samples[:n]) - np.asarray(best[:n])
        ci = t_interval(diff, self.spec.confidence)
        return ci.mean, ci.low, ci.high

    def table(self) -> pd.DataFrame:
        """One row per tested setting, lowest first."""
        rows = [
            {
                "setting": s.value,
                "replications": len(s.samples),
                "mean": s.mean,
                "low": s.low,
                "high": s.high,
                "decision": s.decision,
            }
            for _, s in sorted(self.settings.items())
        ]
        return pd.DataFrame(rows).set_index("setting")

    def samples(self) -> pd.DataFrame:
        """Every replication's KPI: setting, replication, value."""
        return pd.DataFrame(
            [
                {"setting": s.value, "replication": r, self.spec.kpi: v}
                for s in self.settings.values()
                for r, v in enumerate(s.samples)
            ]
        )


def bound_count(spec: Search) -> tuple[int, int]:
    """``(L, M)``: looks per setting and the most settings a bisection tests."""
    looks = 1 + math.ceil((spec.max_replications - spec.initial_replications) / spec.step)
    settings = math.ceil(math.log2(spec.high - spec.low + 1)) + 1
    return looks, settings


def setting_scenario(scenario: Scenario, spec: Search, value: int) -> Scenario:
    """The scenario with the search's fixed overrides and the knob at ``value``."""
    raw = apply_overrides(scenario.raw, {**spec.set, spec.knob: value})
    for key in ("design", "search", "sweep", "variants"):
        raw.pop(key, None)
    patched = Scenario.model_validate(raw)
    patched._raw = raw
    return patched


class _Tester:
    """Runs replications of settings on one executor and takes the sequential decisions."""

    def __init__(
        self, scenario: Scenario, seed: int, executor: Executor, tick: Callable[[], None]
    ) -> None:
        self.scenario, self.seed, self.executor, self.tick = scenario, seed, executor, tick
        self.spec: Search = scenario.search  # type: ignore[assignment]
        looks, settings = bound_count(self.spec)
        self.alpha = (1.0 - self.spec.confidence) / (2 * looks * settings)
        self.settings: dict[int, Setting] = {}

    def _run(self, setting: Setting, count: int) -> None:
        sc = setting_scenario(self.scenario, self.spec, setting.value)
        first = len(setting.samples)
        point = f"{self.spec.knob}={setting.value}"
        tasks = [
            Task(r, 0, "search", point, r, self.seed, sc, False, Path())
            for r in range(first, first + count)
        ]
        futures = [self.executor.submit(replicate, t) for t in tasks]
        for fut in futures:
            kpis = fut.result()["kpis"]
            if self.spec.kpi not in kpis.columns:
                raise SearchError(f"search.kpi: '{self.spec.kpi}' is not a KPI of this scenario")
            value = float(kpis[self.spec.kpi].iloc[0])
            if math.isnan(value):
                raise SearchError(
                    f"search.kpi: '{self.spec.kpi}' is undefined at "
                    f"{self.spec.knob}={setting.value}"
                )
            setting.samples.append(value)
            self.tick()

    def test(self, value: int) -> Decision:
        """The sequential decision for ``value`` (replications added while it is close)."""
        spec = self.spec
        setting = self.settings.setdefault(value, Setting(value))
        if not setting.samples:
            self._run(setting, spec.initial_replications)
        while True:
            ci = t_interval(setting.samples, 1.0 - 2.0 * self.alpha)
            setting.low, setting.high = ci.low, ci.high
            n = len(setting.samples)
            if ci.high <= spec.threshold:
                setting.decision = "meets"
            elif ci.low > spec.threshold:
                setting.decision = "fails"
            elif n < spec.max_replications:
                self._run(setting, min(spec.step, spec.max_replications - n))
                continue
            else:
                setting.decision = "undecided"
            return setting.decision


def target_search(
    scenario: Scenario,
    *,
    seed: int | None = None,
    workers: int = 1,
    tick: Callable[[], None] = lambda: None,
) -> SearchResult:
    """Find the least setting of ``[search].knob`` whose mean KPI is at or below the threshold
    with the stated confidence (procedure and guarantee in the module's docstring)."""
    spec = scenario.search
    if spec is None:
        raise SearchError("the scenario has no [search] section")
    seed = scenario.experiment.seed if seed is None else seed
    with open_executor(workers) as executor:
        tester = _Tester(scenario, seed, executor, tick)
        best: int | None = None
        if tester.test(spec.high) == "meets":
            lo, best = spec.low, spec.high
            while lo < best:
                mid = (lo + best) // 2
                if tester.test(mid) == "meets":
                    best = mid
                else:
                    lo = mid + 1
    return SearchResult(spec, tester.alpha, tester.settings, best)
