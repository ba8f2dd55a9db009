"""Fitted numbers with their intervals, and the exact intervals of counts and shares."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["Estimate", "clopper_pearson", "garwood"]


@dataclass(frozen=True)
class Estimate:
    """One fitted number: its dotted scenario key, value, interval, sample size and method."""

    key: str
    value: float
    low: float
    high: float
    n: int
    method: str

    def comment(self) -> str:
        """``n=2406, 95% CI [0.089, 0.114] (Clopper-Pearson)`` for the fitted file."""
        return f"n={self.n}, 95% CI [{self.low:.4g}, {self.high:.4g}] ({self.method})"


def clopper_pearson(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Exact binomial interval for ``k`` successes in ``n`` trials."""
    a = 1 - confidence
    low = float(stats.beta.ppf(a / 2, k, n - k + 1)) if k > 0 else 0.0
    high = float(stats.beta.ppf(1 - a / 2, k + 1, n - k)) if k < n else 1.0
    return low, high


def garwood(n: np.ndarray, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact Poisson interval for counts ``n`` (vectorised)."""
    a = 1 - confidence
    n = np.asarray(n, dtype=float)
    low = np.where(n > 0, stats.chi2.ppf(a / 2, 2 * n) / 2, 0.0)
    high = stats.chi2.ppf(1 - a / 2, 2 * n + 2) / 2
    return low, high
