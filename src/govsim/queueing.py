"""Closed-form results of classical queueing theory, for validating the simulator.

The document flow reduces to an M/M/c queue at the General Office when the calendar is
continuous (24/7), documents arrive as a Poisson stream, nothing is returned or transferred
and the GO's review time is exponential (see ``scenarios/mmc.toml`` and
``tests/test_validation_queueing.py``). These pure functions give the steady-state values the
simulation must reproduce.

Notation (Kleinrock, *Queueing Systems* vol. I, 1975, §3.5; Gross, Shortle, Thompson &
Harris, *Fundamentals of Queueing Theory*, 4th ed., 2008, §2.3):

* ``lam`` (λ) — arrival rate, ``mu`` (μ) — service rate of one server, both per the same
  time unit; ``c`` — number of servers;
* ``a = λ/μ`` — offered load in Erlangs; ``ρ = a/c`` — utilisation of each server.
  Steady state exists only for ``a < c``.

Erlang's C formula, the probability that an arrival has to wait (all ``c`` servers busy):

    C(c, a) = [aᶜ/c! · c/(c − a)] / [Σ_{k=0}^{c−1} aᵏ/k! + aᶜ/c! · c/(c − a)].

Evaluated as written it overflows (``aᶜ``, ``c!``) for a few hundred servers, so
:func:`erlang_c` uses the stable recursion for Erlang's B (loss) formula

    B(0, a) = 1,   B(k, a) = a·B(k−1, a) / (k + a·B(k−1, a)),

followed by the identity ``C = c·B / (c − a·(1 − B))`` (Cooper, *Introduction to Queueing
Theory*, 2nd ed., 1981, ch. 3). Every step stays in [0, 1], so it is exact to rounding for any
``c``.

With first-come-first-served service the waiting time ``W_q`` of M/M/c is 0 with probability
``1 − C`` and otherwise exponential with rate ``cμ − λ``, hence

    E[W_q] = C(c, a) / (cμ − λ),      P(W_q ≤ t) = 1 − C(c, a) · e^{−(cμ − λ)t}.

The last is the call centre's "service level" (e.g. 80 % of calls answered within 20 s).
"""

from __future__ import annotations

import math

__all__ = [
    "erlang_b",
    "erlang_c",
    "mmc_mean_queue",
    "mmc_mean_sojourn",
    "mmc_mean_wait",
    "mmc_p_wait",
    "mmc_service_level",
    "mmc_utilisation",
    "mminf_mean_in_system",
    "mminf_p_wait",
]


def _check_load(a: float, c: int) -> None:
    if not (isinstance(c, int) and c >= 1):
        raise ValueError(f"c must be a whole number of servers >= 1, got {c!r}")
    if not (math.isfinite(a) and a >= 0):
        raise ValueError(f"offered load a must be a finite number >= 0 Erlangs, got {a!r}")


def _check_rates(lam: float, mu: float) -> None:
    if not (math.isfinite(lam) and lam >= 0):
        raise ValueError(f"arrival rate lam must be a finite number >= 0, got {lam!r}")
    if not (math.isfinite(mu) and mu > 0):
        raise ValueError(f"service rate mu must be a finite number > 0, got {mu!r}")


def erlang_b(a: float, c: int) -> float:
    """Erlang's B formula: blocking probability of an M/M/c/c loss system with load ``a``.

    ``B(c, a) = (aᶜ/c!) / Σ_{k=0}^{c} aᵏ/k!``, computed by the recursion
    ``B(k) = a·B(k−1) / (k + a·B(k−1))``, ``B(0) = 1``, which is stable for any ``c``.
    Defined for every ``a >= 0``.
    """
    _check_load(a, c)
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(a: float, c: int) -> float:
    """Erlang's C formula: probability that an arrival waits in M/M/c with load ``a`` Erlangs.

    ``C(c, a) = c·B / (c − a·(1 − B))`` with ``B = erlang_b(a, c)``; equal to
    ``[aᶜ/c! · c/(c−a)] / [Σ_{k<c} aᵏ/k! + aᶜ/c! · c/(c−a)]`` (Kleinrock 1975, §3.5).
    Returns 1.0 when ``a >= c`` (no steady state: the queue grows without bound, so in the
    long run every arrival waits). ``a = 0`` gives 0.0.

    Reference value, the classic call-centre example (10 Erlangs offered to 14 agents):
    ``erlang_c(10, 14) = 0.1741``.
    """
    _check_load(a, c)
    if a >= c:
        return 1.0
    b = erlang_b(a, c)
    return c * b / (c - a * (1.0 - b))


def mmc_utilisation(lam: float, mu: float, c: int) -> float:
    """Server utilisation ``ρ = λ / (cμ)`` (must be < 1 for a steady state)."""
    _check_rates(lam, mu)
    _check_load(lam / mu, c)
    return lam / (c * mu)


def mmc_p_wait(lam: float, mu: float, c: int) -> float:
    """Probability that an arrival waits, ``C(c, λ/μ)`` (1.0 when ``λ >= cμ``)."""
    _check_rates(lam, mu)
    return erlang_c(lam / mu, c)


def mmc_mean_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue ``E[W_q] = C(c, a) / (cμ − λ)``, in the time unit of the rates.

    ``inf`` when ``λ >= cμ``. E.g. λ = 2.5, μ = 1, c = 3: ``0.7022 / 0.5 = 1.4045``.
    """
    _check_rates(lam, mu)
    _check_load(lam / mu, c)
    if lam >= c * mu:
        return math.inf
    return erlang_c(lam / mu, c) / (c * mu - lam)


def mmc_mean_queue(lam: float, mu: float, c: int) -> float:
    """Mean number waiting ``L_q = λ·E[W_q]`` (Little's law); ``inf`` when ``λ >= cμ``."""
    w = mmc_mean_wait(lam, mu, c)
    return math.inf if math.isinf(w) else lam * w


def mmc_mean_sojourn(lam: float, mu: float, c: int) -> float:
    """Mean time in system ``W = E[W_q] + 1/μ``; ``inf`` when ``λ >= cμ``."""
    return mmc_mean_wait(lam, mu, c) + 1.0 / mu


def mmc_service_level(lam: float, mu: float, c: int, t: float) -> float:
    """``P(W_q <= t) = 1 − C(c, a)·e^{−(cμ − λ)t}`` under first-come-first-served.

    ``t`` is in the time unit of the rates, ``t >= 0``. 0.0 when ``λ >= cμ`` (no steady
    state). E.g. the call centre with λ = 10/180 calls per second, μ = 1/180 (handling time
    180 s), c = 14 answers ``1 − 0.1741·e^{−4·20/180} = 0.888`` of calls within 20 s.
    """
    _check_rates(lam, mu)
    _check_load(lam / mu, c)
    if not (math.isfinite(t) and t >= 0):
        raise ValueError(f"t must be a finite number >= 0, got {t!r}")
    if lam >= c * mu:
        return 0.0
    return 1.0 - erlang_c(lam / mu, c) * math.exp(-(c * mu - lam) * t)


def mminf_p_wait(lam: float, mu: float) -> float:
    """M/M/∞: an arrival never waits (there is always a free server), so 0.0."""
    _check_rates(lam, mu)
    return 0.0


def mminf_mean_in_system(lam: float, mu: float) -> float:
    """M/M/∞: the number in system is Poisson with mean ``a = λ/μ`` (also for M/G/∞)."""
    _check_rates(lam, mu)
    return lam / mu
