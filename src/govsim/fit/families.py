"""Maximum-likelihood fits of working-time efforts among the scenario's duration families.

An effort sample (GO review, a leader's handling, an instruction reply …) is fitted by
maximum likelihood in each supported family — ``exponential``, ``lognormal``, ``gamma``
(:mod:`govsim.core.distributions`), all with origin 0 — with ``scipy.stats``' ``fit``; work
still under way when the log ends is right-censored (:class:`scipy.stats.CensoredData`): it
took at least as long as it has run, and the likelihood counts it so (its survival function)
rather than dropping it, which would bias the mean down. A length known only in whole
units (an absence in working days) is interval-censored, ``(n − 1, n]``, and its likelihood
maximised directly over the few distinct intervals. The family with the lowest Akaike
information criterion is chosen, or with ``criterion="bic"`` the one with the lowest
Bayesian information criterion (which penalises the extra shape parameter by ``log n``
rather than 2, so on small samples it prefers the one-parameter exponential sooner).

Intervals are Wald intervals from the observed information: the negative log-likelihood is
written in the scenario's own parameters on the log scale, ``(log mean, log cv)``, its Hessian
at the optimum taken by central differences, and ``estimate ± z·se`` mapped back with
``exp`` (so intervals stay positive and are asymmetric, like the parameters' sampling
distributions).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, stats

__all__ = ["CRITERIA", "FAMILIES", "FittedDuration", "fit_duration"]

FAMILIES: tuple[str, ...] = ("exponential", "lognormal", "gamma")
"""The families fitted, those of :mod:`govsim.core.distributions` with a likelihood."""

CRITERIA: tuple[str, ...] = ("aic", "bic")
"""Information criteria the family may be chosen by (Akaike's, the default; Bayesian)."""


class _Frozen:
    """A scipy family with its parameters bound — what ``stats.lognorm(s, scale=…)`` gives,
    without freezing, whose docstring formatting costs more than the likelihood itself on
    the few hundred evaluations of a fit."""

    def __init__(self, dist: stats.rv_continuous, *shape: float, scale: float) -> None:
        self.dist, self.shape, self.scale = dist, shape, scale

    def logpdf(self, x: np.ndarray) -> np.ndarray:
        return self.dist.logpdf(x, *self.shape, scale=self.scale)

    def logsf(self, x: np.ndarray) -> np.ndarray:
        return self.dist.logsf(x, *self.shape, scale=self.scale)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        return self.dist.cdf(x, *self.shape, scale=self.scale)


def _frozen(family: str, theta: np.ndarray) -> _Frozen:
    """The scipy distribution with mean ``exp(theta[0])`` and cv ``exp(theta[1])``, as
    :func:`govsim.core.distributions.make_sampler` parametrises it."""
    mean = math.exp(theta[0])
    if family == "exponential":
        return _Frozen(stats.expon, scale=mean)
    cv2 = math.exp(2 * theta[1])
    if family == "lognormal":
        sigma2 = math.log1p(cv2)
        return _Frozen(stats.lognorm, math.sqrt(sigma2), scale=mean * math.exp(-sigma2 / 2))
    return _Frozen(stats.gamma, 1.0 / cv2, scale=mean * cv2)


def _scipy_family(family: str) -> stats.rv_continuous:
    return {"exponential": stats.expon, "lognormal": stats.lognorm, "gamma": stats.gamma}[family]


def _theta(family: str, params: tuple[float, ...]) -> np.ndarray:
    """scipy's fitted ``(shape…, loc, scale)`` as ``(log mean, log cv)``."""
    if family == "exponential":
        return np.array([math.log(params[-1])])
    shape, scale = params[0], params[-1]
    if family == "lognormal":
        mean = scale * math.exp(shape**2 / 2)
        cv = math.sqrt(math.expm1(shape**2))
    else:
        mean, cv = shape * scale, 1.0 / math.sqrt(shape)
    return np.array([math.log(mean), math.log(cv)])


def _nll(
    family: str, x: np.ndarray, c: np.ndarray, iv: np.ndarray
) -> Callable[[np.ndarray], float]:
    """Negative log-likelihood in ``theta`` of observed ``x``, right-censored ``c`` and
    interval-censored ``iv`` (rows ``(low, high]``)."""

    rows, counts = np.unique(iv, axis=0, return_counts=True) if len(iv) else (iv, np.ones(0))

    def nll(theta: np.ndarray) -> float:
        d = _frozen(family, theta)
        inside = d.cdf(rows[:, 1]) - d.cdf(rows[:, 0]) if len(rows) else np.ones(0)
        with np.errstate(divide="ignore"):
            grouped = float((counts * np.log(inside)).sum())
            return -float(d.logpdf(x).sum() + d.logsf(c).sum() + grouped)

    return nll


def _fit_intervals(family: str, x: np.ndarray, c: np.ndarray, iv: np.ndarray) -> np.ndarray:
    """Maximum likelihood with interval-censored values: lengths known in whole units take
    few distinct intervals, so the likelihood is summed per distinct interval and optimised
    directly (Nelder–Mead from the moments of the midpoints), far faster than a generic fit
    of every value."""
    mid = np.concatenate([x, c, iv.mean(axis=1)])
    theta0 = np.array([math.log(mid.mean()), math.log(max(0.05, mid.std() / mid.mean()))])
    theta0 = theta0[:1] if family == "exponential" else theta0
    nll = _nll(family, x, c, iv)
    return optimize.minimize(nll, theta0, method="Nelder-Mead", options={"xatol": 1e-6}).x


def _censored(x: np.ndarray, c: np.ndarray) -> stats.CensoredData | np.ndarray:
    return stats.CensoredData(uncensored=x, right=c) if len(c) else x


def _hessian(f: Callable[[np.ndarray], float], theta: np.ndarray, h: float = 1e-3) -> np.ndarray:
    """Central-difference Hessian of ``f`` at ``theta``."""
    k = len(theta)
    out = np.empty((k, k))
    steps = np.eye(k) * h
    for i in range(k):
        for j in range(i, k):
            a, b = steps[i], steps[j]
            v = (f(theta + a + b) - f(theta + a - b) - f(theta - a + b) + f(theta - a - b)) / (
                4 * h * h
            )
            out[i, j] = out[j, i] = v
    return out


@dataclass(frozen=True)
class FamilyFit:
    """One family's maximum-likelihood fit."""

    family: str
    theta: np.ndarray
    nll: float
    aic: float
    bic: float


@dataclass(frozen=True)
class FittedDuration:
    """The chosen family's estimates (in the sample's unit), with their Wald intervals."""

    family: str
    mean: float
    mean_ci: tuple[float, float]
    cv: float | None
    cv_ci: tuple[float, float] | None
    n: int
    n_censored: int
    fits: dict[str, FamilyFit] = field(default_factory=dict)
    criterion: str = "aic"

    def criteria(self) -> str:
        """``AIC: lognormal; gamma +3.1, exponential +812`` — the ranking by the criterion
        the family was chosen by."""
        score = _score(self.criterion)
        best = score(self.fits[self.family])
        others = sorted((f for f in self.fits.values() if f.family != self.family), key=score)
        tail = ", ".join(f"{f.family} +{score(f) - best:.1f}" for f in others)
        return f"{self.criterion.upper()}: {self.family}" + (f"; {tail}" if tail else "")


def _score(criterion: str) -> Callable[[FamilyFit], float]:
    """A family fit's value of the information criterion (lower is better)."""
    if criterion not in CRITERIA:
        raise ValueError(f"unknown information criterion {criterion!r}")
    return lambda f: f.aic if criterion == "aic" else f.bic


def _fit_family(family: str, x: np.ndarray, c: np.ndarray, iv: np.ndarray) -> FamilyFit | None:
    try:
        with warnings.catch_warnings():  # log(0) on the way to the optimum is no news
            warnings.simplefilter("ignore", RuntimeWarning)
            if len(iv):
                theta = _fit_intervals(family, x, c, iv)
            else:
                theta = _theta(family, _scipy_family(family).fit(_censored(x, c), floc=0))
    except (ValueError, RuntimeError, FloatingPointError):
        return None
    value = _nll(family, x, c, iv)(theta)
    if not math.isfinite(value):
        return None
    n, k = len(x) + len(c) + len(iv), len(theta)
    return FamilyFit(family, theta, value, 2 * k + 2 * value, k * math.log(n) + 2 * value)


def _standard_errors(fit: FamilyFit, x: np.ndarray, c: np.ndarray, iv: np.ndarray) -> np.ndarray:
    """Standard errors of ``fit.theta`` from the observed information (for the chosen
    family only: the Hessian costs more than the fit)."""
    with np.errstate(all="ignore"):
        cov = np.linalg.pinv(_hessian(_nll(fit.family, x, c, iv), fit.theta))
    return np.sqrt(np.clip(np.diag(cov), 0.0, None))


def _interval(log_value: float, se: float, z: float) -> tuple[float, float]:
    return math.exp(log_value - z * se), math.exp(log_value + z * se)


def fit_duration(
    observed: np.ndarray,
    censored: np.ndarray | None = None,
    *,
    intervals: np.ndarray | None = None,
    confidence: float = 0.95,
    families: tuple[str, ...] = FAMILIES,
    criterion: str = "aic",
) -> FittedDuration | None:
    """Fit ``observed`` durations (> 0), right-censored ones (lower bounds) and
    interval-censored ones (rows ``(low, high]``, e.g. a length known in whole working days)
    in each family and keep the best by ``criterion`` (``aic`` or ``bic``); None when fewer
    than two values are known or the observed ones do not vary."""
    x = np.asarray(observed, dtype=float)
    x = x[np.isfinite(x) & (x > 0)]
    c = np.asarray(censored if censored is not None else [], dtype=float)
    c = c[np.isfinite(c) & (c > 0)]
    iv = np.asarray(intervals if intervals is not None else np.empty((0, 2)), dtype=float)
    iv = iv.reshape(-1, 2)
    if len(iv):
        if len(x) + len(iv) < 2 or len(np.unique(iv, axis=0)) + len(x) < 2:
            return None
    elif len(x) < 2 or np.ptp(x) <= 1e-9 * float(x.mean()):
        return None
    fits = {f: fit for f in families if (fit := _fit_family(f, x, c, iv)) is not None}
    if not fits:
        return None
    best = min(fits.values(), key=_score(criterion))
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    mean = math.exp(best.theta[0])
    se = _standard_errors(best, x, c, iv)
    mean_ci = _interval(best.theta[0], se[0], z)
    cv = math.exp(best.theta[1]) if len(best.theta) > 1 else None
    cv_ci = _interval(best.theta[1], se[1], z) if len(best.theta) > 1 else None
    n = len(x) + len(c) + len(iv)
    n_cens = len(c) + len(iv)
    return FittedDuration(best.family, mean, mean_ci, cv, cv_ci, n, n_cens, fits, criterion)
