"""Fitting a scenario to an event log: estimates with intervals, and what stays as it was.

:func:`fit_view` estimates, from a log and the base scenario it was read with,

* arrival rates per sender and kind (请示, 报告; A55, A56) per working week, with monthly
  seasonality: the counts ``n[u, m]`` of unit ``u`` in month ``m`` are Poisson with mean
  ``rate[u] · season[m] · weeks[m]`` (the model's arrival process, thinned by month); the
  maximum-likelihood estimates of this product model are the margins,
  ``season[m] ∝ n[·, m] / weeks[m]`` and ``rate[u] = n[u, ·] / Σ season[m] · weeks[m]``, with
  the seasonality's level taken from the base over the months the log covers (rates and
  seasonality are only identified together). Intervals are exact Poisson (Garwood) ones,
  each conditional on the other factor;
* routing and outcome shares (:data:`govsim.fit.estimate.SHARES`), with exact binomial
  (Clopper–Pearson) intervals;
* countersign shares (:mod:`govsim.fit.countersign`): extensions asked and agreed
  (Clopper–Pearson), complex matters and the lead's own limits read from the requests'
  deadlines (a mixture, profile-likelihood intervals);
* efforts in working time (:data:`govsim.fit.estimate.EFFORTS`,
  :data:`govsim.fit.work.WORK_EFFORTS`), by maximum likelihood among the duration families
  with censoring (:mod:`govsim.fit.families`), the family chosen by AIC (or BIC), Wald
  intervals;
* arrival rates of outgoing documents — drafts, normative documents, contracts
  (:mod:`govsim.fit.outgoing`), exact Poisson intervals;
* the supervision ledger's streams, shares and efforts where the log holds its items
  (:mod:`govsim.fit.ledger`), and the meetings' referral and topic shares where it holds
  meetings (:mod:`govsim.fit.meetings`).

Whatever has too little data (fewer than :data:`MIN_SAMPLE` observations, or no variation)
keeps the base's value and is listed in :attr:`Fit.kept`, as is every parameter the fit does
not estimate (:data:`NOT_ESTIMATED`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from govsim.fit.countersign import COUNTERSIGN_SHARES, complex_shares
from govsim.fit.estimate import (
    EFFORTS,
    OPTIONAL_ATTRIBUTES,
    SHARES,
    LogView,
    arrival_counts,
    month_exposure,
)
from govsim.fit.families import FittedDuration, fit_duration
from govsim.fit.intervals import Estimate, clopper_pearson, garwood
from govsim.fit.leave import fit_leave
from govsim.fit.ledger import LEDGER_EFFORTS, LEDGER_SHARES, ledger_rates
from govsim.fit.meetings import MEETING_SHARES, has_meetings
from govsim.fit.outgoing import OUTGOING_SHARES, outgoing_rates
from govsim.fit.work import WORK_EFFORTS

__all__ = [
    "MIN_SAMPLE",
    "NOT_ESTIMATED",
    "Estimate",
    "Fit",
    "clopper_pearson",
    "fit_view",
    "garwood",
]

MIN_SAMPLE = 10
"""Fewest observations an effort is fitted from (fewer: the base's value is kept)."""

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

NOT_ESTIMATED: tuple[str, ...] = (
    "general_office.reviewers (capacity)",
    "load.p_poor_after_revision, load.p_mayor_only, load.portfolio_scale",
    "instructions deadlines (set by the rules, A57)",
    "intake.dept_scope_policy; [countersign] limits, lengths of extensions, joint "
    "submissions, numbers of co-departments, negotiation and drafting times (A56, A59)",
    "[drafts] shares and topics; [legality] p_gov_rule, revisions of normative documents "
    "(A58-A61, A20, A21, A60)",
    "[leave] notice, late requests, holiday affinity, return latency, dated absences (A80)",
    "[meetings] calendars, lengths, quorums, topics' pipeline efforts, minutes (A43-A54); "
    "[ledger] deadlines, batches, colour rule, rhythm, dept_share, "
    "effort_factor, rework_share, meeting items (A53, A69-A74)",
)
"""Parameters ``govsim fit`` does not estimate: they are always kept from the base."""


@dataclass
class Fit:
    """Everything fitted from one log, and what was kept from the base."""

    estimates: list[Estimate] = field(default_factory=list)
    durations: dict[str, FittedDuration] = field(default_factory=dict)
    rates: dict[tuple[str, str], Estimate] = field(default_factory=dict)
    replaced: set[str] = field(default_factory=set)
    """Tables written whole from the estimates (a profile's reasons): the base's keys go."""
    seasonality: list[Estimate | None] = field(default_factory=list)
    season: np.ndarray | None = None
    """The fitted monthly multipliers (the base's where the log has none)."""
    kept: list[str] = field(default_factory=list)
    criterion: str = "aic"
    """The information criterion the efforts' families were chosen by."""

    def table(self) -> list[Estimate]:
        """Every estimate, shares and efforts first, then seasonality and rates."""
        season = [e for e in self.seasonality if e is not None]
        return [*self.estimates, *season, *self.rates.values()]


def _has_ledger(view: LogView) -> bool:
    """Whether the ledger's parameters are read: the base has one and the log holds items."""
    ledger = view.scenario.ledger
    items = view.cases["case_type"].astype(str) == "ledger_item"
    return ledger is not None and ledger.enabled and bool(items.any())


def _shares(view: LogView, fit: Fit, confidence: float) -> None:
    ledger = LEDGER_SHARES if _has_ledger(view) else {}
    meetings = MEETING_SHARES if has_meetings(view) else {}
    if not meetings:
        fit.kept.append("[meetings] referral and topic shares (no meetings in the log)")
    tables = {**SHARES, **COUNTERSIGN_SHARES, **OUTGOING_SHARES, **ledger, **meetings}
    for key, count in tables.items():
        k, n = count(view)
        if n == 0:
            fit.kept.append(f"{key} (no cases in the log)")
            continue
        if k == 0 and key in OPTIONAL_ATTRIBUTES:
            fit.kept.append(f"{key} (never set in the log: taken as not recorded)")
            continue
        low, high = clopper_pearson(k, n, confidence)
        fit.estimates.append(Estimate(key, k / n, low, high, n, "Clopper-Pearson"))
    limits = complex_shares(view, confidence)
    fit.estimates.extend(limits)
    fitted = {e.key for e in limits}
    for key in ("countersign.p_lead_limit", "countersign.p_complex"):
        if key not in fitted:
            fit.kept.append(f"{key} (no reply limit in the log tells it)")


def _add_duration(fit: Fit, key: str, fitted: FittedDuration) -> None:
    fit.durations[key] = fitted
    method = f"Wald, {fitted.family}"
    fit.estimates.append(
        Estimate(f"{key}.mean_minutes", fitted.mean, *fitted.mean_ci, fitted.n, method)
    )
    if fitted.cv is not None and fitted.cv_ci is not None:
        fit.estimates.append(Estimate(f"{key}.cv", fitted.cv, *fitted.cv_ci, fitted.n, method))


def _efforts(view: LogView, fit: Fit, confidence: float, criterion: str) -> None:
    ledger = LEDGER_EFFORTS if _has_ledger(view) else {}
    for key, sample in {**EFFORTS, **WORK_EFFORTS, **ledger}.items():
        observed, censored = sample(view)
        fitted = None
        if len(observed) >= MIN_SAMPLE:
            fitted = fit_duration(observed, censored, confidence=confidence, criterion=criterion)
        if fitted is None:
            fit.kept.append(f"{key} ({len(observed)} observations, too few or all equal)")
            continue
        _add_duration(fit, key, fitted)


def _leave(view: LogView, fit: Fit, confidence: float, criterion: str) -> None:
    """Absence profiles of the roles with enough absences in the log (A80)."""
    roles = fit_leave(view, confidence, MIN_SAMPLE)
    fitted = {role.role for role in roles}
    base = view.scenario.leave.profiles if view.scenario.leave else {}
    for name in sorted(set(base) - fitted):
        fit.kept.append(f"leave.profiles.{name} (fewer than {MIN_SAMPLE} absences in the log)")
    for role in roles:
        fit.estimates.append(role.per_year(confidence))
        fit.estimates.extend(role.shares(confidence))
        fit.replaced.add(f"leave.profiles.{role.role}.reasons")
        fitted = role.duration(confidence, criterion)
        if fitted is not None:
            _add_duration(fit, f"leave.profiles.{role.role}.duration", fitted)


def _seasonality(view: LogView, totals: np.ndarray, weeks: np.ndarray, fit: Fit) -> np.ndarray:
    """Fitted monthly multipliers (the base's where the log has no working week), their
    level the base's mean over the months the log covers."""
    base = np.array(view.scenario.load.seasonality or [1.0] * 12, dtype=float)
    seen = weeks > 0
    raw = np.zeros(12)
    raw[seen] = totals[seen] / weeks[seen]
    level = base[seen].mean() / raw[seen].mean() if raw[seen].mean() > 0 else 0.0
    season = np.where(seen, raw * level, base)
    fit.season = season
    low, high = garwood(totals)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(seen, level / weeks, 0.0)
    fit.seasonality = [None] * 12
    for m in np.flatnonzero(seen):
        fit.seasonality[m] = Estimate(
            f"load.seasonality.{MONTHS[m]}", float(season[m]), float(low[m] * factor[m]),
            float(high[m] * factor[m]), int(totals[m]), "Garwood",
        )  # fmt: skip
    if not seen.all():
        fit.kept.append("load.seasonality of months the log does not cover")
    return season


def _arrivals(view: LogView, fit: Fit, confidence: float) -> None:
    counts = arrival_counts(view)
    weeks = month_exposure(view)
    totals = np.zeros(12)
    np.add.at(totals, counts["month"].to_numpy() - 1, counts["n"].to_numpy())
    if totals.sum() == 0 or not (weeks > 0).any():
        fit.kept.append("arrival rates and load.seasonality (no 请示 or 报告 in the log)")
        return
    season = _seasonality(view, totals, weeks, fit)
    exposure = float((season * weeks).sum())
    per_unit = counts.groupby(["sender", "kind"])["n"].sum()
    units = [d.id for d in view.scenario.departments]
    for unit in units:
        for kind in ("request", "report"):
            n = int(per_unit.get((unit, kind), 0))
            low, high = garwood(np.array([n]), confidence)
            fit.rates[unit, kind] = Estimate(
                f"departments.{unit}.{kind}_per_week", n / exposure,
                float(low[0]) / exposure, float(high[0]) / exposure, n, "Garwood",
            )  # fmt: skip


def fit_view(view: LogView, confidence: float = 0.95, criterion: str = "aic") -> Fit:
    """Every estimate of :mod:`govsim.fit` from one log (module docstring); efforts' families
    are chosen by ``criterion``, ``aic`` or ``bic``."""
    fit = Fit(criterion=criterion)
    _arrivals(view, fit, confidence)
    _shares(view, fit, confidence)
    _efforts(view, fit, confidence, criterion)
    _leave(view, fit, confidence, criterion)
    estimates, kept = outgoing_rates(view, fit.season, confidence)
    fit.estimates.extend(estimates)
    fit.kept.extend(kept)
    if _has_ledger(view):
        fit.estimates.extend(ledger_rates(view, fit.season, confidence))
    else:
        fit.kept.append("[ledger] streams, shares and efforts (no ledger items in the log)")
    fit.kept.extend(NOT_ESTIMATED)
    return fit
