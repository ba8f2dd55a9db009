"""Countersign shares that only the deadlines and the requests' fates reveal (A56, A59).

* ``countersign.p_extension_agreed`` — extensions the lead agrees (``cs.extension_agreed``)
  among the co-departments that said they cannot reply in time (``cs.cannot_meet``);
* ``countersign.p_extension`` — the share of co-departments that, unable to reply in time,
  speak up (A59 「特殊情况不能按期回复的，应主动与主办部门沟通」). The model decides it for
  every co-department but it shows only for those that *would be late*: halfway to the
  deadline in working time, the answer not yet done and its effort, started then, ending
  past the deadline (at a desk: the job's logged effort; without desks: a reply, or deemed
  consent, after the deadline). The share is counted among those alone, over requests whose
  halfway point and desk job (when the co-department has a desk) fall inside the log —
  neither depends on whether the co-department speaks up, so the selection is fair;
* ``countersign.p_complex`` and ``p_lead_limit`` — a request's reply limit (its ``deadline``)
  is the lead's own limit (``lead_limit_working_days``, uniform), else one week for an
  especially complex matter, else ``working_days``: a mixture, since the lead's limit may
  fall on the same day as the other two. Both shares are fitted jointly by maximum
  likelihood over the first request of each countersigned document, with profile-likelihood
  intervals (the other share maximised out; χ² with one degree of freedom).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import optimize, stats

from govsim.fit.estimate import LogView
from govsim.fit.intervals import Estimate
from govsim.fit.work import desk_jobs
from govsim.rules.countersign import countersign_deadline

__all__ = ["COUNTERSIGN_SHARES", "complex_shares", "extension_agreed", "extension_count"]

SECOND_ROUND = "dissent_version"
EDGE = 1e-9
"""How near 0 or 1 a share's profile is evaluated (at the bound itself it may be -inf)."""
KEY = ["case", "dept"]


def _pairs(view: LogView, activity: str, who: str) -> pd.DataFrame:
    """First-round rows of a countersign act, one per (case, co-department named by ``who``)."""
    ev = view.events
    rows = ev.loc[(ev["activity"] == activity) & (ev["reason"].astype(str) != SECOND_ROUND)]
    frame = pd.DataFrame(
        {
            "case": rows["case"].to_numpy(),
            "dept": rows[who].astype(str).to_numpy(),
            "time": rows["time"].to_numpy(dtype=float),
            "deadline": rows["deadline"].to_numpy(dtype=float),
        }
    )
    return frame.drop_duplicates(KEY, keep="first")


def extension_agreed(view: LogView) -> tuple[int, int]:
    """Extensions agreed among those asked for (A59 「商定回复时限」)."""
    asked = _pairs(view, "cs.cannot_meet", "actor")
    agreed = _pairs(view, "cs.extension_agreed", "target")
    return int(asked.merge(agreed[KEY], on=KEY).shape[0]), len(asked)


def _desk_answers(view: LogView) -> pd.DataFrame:
    """Countersign jobs at the co-departments' desks, keyed as their requests (a job is
    queued with the request: same unit, clock and deadline), with when each was done and
    its effort."""
    jobs = desk_jobs(view, "countersign").drop(columns="job")
    return jobs.rename(columns={"unit": "dept", "queued": "time"})


def _late_at_half(view: LogView, pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """For each request: whether its answer would be late at the halfway point (what makes
    a co-department speak up), and whether that is decided within the log."""
    cal, end = view.cal, view.end
    t0, deadline = pairs["time"].to_numpy(), pairs["deadline"].to_numpy()
    half = (view.work(deadline) - view.work(t0)) / 2
    half_at = np.array([cal.finish_time(float(t), float(h)) for t, h in zip(t0, half, strict=True)])
    if "effort" in pairs:  # at a desk: not done by then, and too long to finish if begun then
        done, effort = pairs["done"].to_numpy(), pairs["effort"].to_numpy()
        known = np.isfinite(done)
        finish = np.array(
            [cal.finish_time(float(h), float(e)) if k else np.inf
             for h, e, k in zip(half_at, effort, known, strict=True)]
        )  # fmt: skip
        late = known & (done > half_at) & (finish > deadline)
        return late, known & (half_at <= end)
    reply = pairs["reply"].fillna(np.inf).to_numpy()  # no desks: the reply itself is late
    return reply > deadline, (half_at <= end) & (deadline <= end)


def extension_count(view: LogView) -> tuple[int, int]:
    """Co-departments that speak up among those whose answer would be late (module text)."""
    asked = _pairs(view, "cs.requested", "target")
    spoke = _pairs(view, "cs.cannot_meet", "actor")
    asked["spoke"] = pd.MultiIndex.from_frame(asked[KEY]).isin(pd.MultiIndex.from_frame(spoke[KEY]))
    answers = _desk_answers(view)
    if answers["effort"].notna().any():
        pairs = asked.merge(answers, on=["dept", "time", "deadline"], how="left")
    else:
        pairs = asked.merge(_first_replies(view), on=KEY, how="left")
    late, decided = _late_at_half(view, pairs)
    spoke_mask = pairs["spoke"].to_numpy(dtype=bool)
    eligible = decided & (late | spoke_mask)
    return int((eligible & spoke_mask).sum()), int(eligible.sum())


def _first_replies(view: LogView) -> pd.DataFrame:
    """Each co-department's first answer of the first round: a reply (on time or late) or
    deemed consent (an answer later than the limit) — either way its lateness is known."""
    replies = [_pairs(view, "cs.replied", "actor"), _pairs(view, "cs.replied_late", "actor")]
    deemed = _pairs(view, "cs.deemed", "target").assign(time=np.inf)  # late, reply or not
    frame = pd.concat([*replies, deemed]).sort_values("time", kind="stable")
    frame = frame.drop_duplicates(KEY, keep="first")
    return frame[[*KEY, "time"]].rename(columns={"time": "reply"})


COUNTERSIGN_SHARES: dict[str, Callable[[LogView], tuple[int, int]]] = {
    "countersign.p_extension": extension_count,
    "countersign.p_extension_agreed": extension_agreed,
}
"""Countersign shares counted from the log (Clopper–Pearson intervals)."""


# -- the reply limit: complex matters and the lead's own limits (A59) ---------------------


def _limit_indicators(view: LogView) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """For the first request of each countersigned document: whether its deadline is the
    ordinary limit, one week (complex), and how many of the lead's possible limits give it;
    and how many possible lead limits there are."""
    cfg, cal = view.scenario.countersign, view.cal
    first = _pairs(view, "cs.requested", "target").drop_duplicates("case", keep="first")
    t0, d = first["time"].to_numpy(), first["deadline"].to_numpy()
    lo, hi = cfg.lead_limit_working_days

    def limit(**kw: object) -> np.ndarray:
        return np.array([countersign_deadline(cal, float(t), working_days=cfg.working_days,
                                              complex_limit=cfg.complex_limit, **kw)
                         for t in t0])  # fmt: skip

    same = lambda x: np.isclose(x, d, rtol=0.0, atol=1e-6)  # noqa: E731
    ordinary, week = same(limit()), same(limit(complex_=True))
    lead = sum(same(limit(lead_limit_wd=n)).astype(int) for n in range(lo, hi + 1))
    return ordinary, week, np.asarray(lead, dtype=float), hi - lo + 1


def _loglik(ordinary: np.ndarray, week: np.ndarray, lead: np.ndarray, n_lead: int):  # type: ignore[no-untyped-def]
    def ll(q: float, c: float) -> float:
        p = (1 - q) * ((1 - c) * ordinary + c * week) + q * lead / n_lead
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.log(p).sum())

    return ll


def _profile(ll, which: int, best: np.ndarray, confidence: float) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Profile-likelihood interval of parameter ``which`` (0: q, 1: c) in [0, 1]."""
    cut = float(stats.chi2.ppf(confidence, 1)) / 2
    top = ll(*best)

    def drop(x: float) -> float:
        other = optimize.minimize_scalar(
            lambda y: -ll(*((x, y) if which == 0 else (y, x))), bounds=(0.0, 1.0),
            method="bounded", options={"xatol": 1e-7},
        )  # fmt: skip
        return top + other.fun - cut  # > 0 outside the interval

    est = float(np.clip(best[which], EDGE, 1 - EDGE))
    low = 0.0 if drop(EDGE) <= 0 else optimize.brentq(drop, EDGE, est, xtol=1e-7)
    high = 1.0 if drop(1 - EDGE) <= 0 else optimize.brentq(drop, est, 1 - EDGE, xtol=1e-7)
    return float(low), float(high)


def complex_shares(view: LogView, confidence: float = 0.95) -> list[Estimate]:
    """``countersign.p_lead_limit`` and ``p_complex`` from the requests' deadlines (module
    text); empty when no document was countersigned, and ``p_complex`` left out when no
    deadline tells a complex matter from an ordinary one."""
    ordinary, week, lead, n_lead = _limit_indicators(view)
    explained = ordinary | week | (lead > 0)
    ordinary, week, lead = ordinary[explained], week[explained], lead[explained]
    n = len(ordinary)
    if n == 0:
        return []
    ll = _loglik(ordinary, week, lead, n_lead)
    # Nelder–Mead: a share of 0 can make the likelihood 0 (a deadline only the lead's limit
    # explains), which a gradient method's step onto the bound does not survive.
    fit = optimize.minimize(
        lambda v: -ll(*v), x0=np.array([0.1, 0.2]), bounds=[(0.0, 1.0), (0.0, 1.0)],
        method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-9},
    )  # fmt: skip
    best = np.clip(fit.x, 0.0, 1.0)
    keys = ["countersign.p_lead_limit", "countersign.p_complex"]
    told = bool((ordinary != week).any())
    return [
        Estimate(keys[i], float(best[i]), *_profile(ll, i, best, confidence), n,
                 "profile likelihood")
        for i in range(2) if i == 0 or told
    ]  # fmt: skip
