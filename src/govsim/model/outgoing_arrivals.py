"""When outgoing documents arrive and what each carries: drafts (代拟文稿, A59), normative
documents (A21) and contracts (A60) as Poisson streams over working time, each with its
attributes and countersign plan drawn from named streams of its own. Their lifecycles are in
:mod:`govsim.model.drafts`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from govsim.core.calendar import WorkCalendar
from govsim.core.org import GO
from govsim.model.arrivals import stream_times
from govsim.model.countersign import PlanDrawer
from govsim.model.drafts import Outgoing
from govsim.model.rng import Streams
from govsim.rules.intake import VETTING_CHECKS
from govsim.scenario.models import Scenario

__all__ = ["generate_outgoing"]


def generate_outgoing(sc: Scenario, cal: WorkCalendar, streams: Streams) -> list[Outgoing]:
    """All outgoing documents of one replication, in time order; empty when none arrive.

    Drafts (A59), normative documents (A21) and contracts (A60) each arrive as a Poisson
    stream over working time (times ``load.scale``) with their attributes from their own
    named streams, so that one kind's rate leaves the others' documents unchanged.
    """
    departments = [d.id for d in sc.departments if d.kind == "department"]
    out = [
        *_drafts(sc, cal, streams, departments),
        *_normatives(sc, cal, streams, departments),
        *_contracts(sc, cal, streams, departments),
    ]
    out.sort(key=lambda o: o.time)
    return out


def _plan_drawer(sc: Scenario, cal: WorkCalendar, streams: Streams, kind: str) -> PlanDrawer:
    """The countersign plans of ``kind`` from streams of their own (``countersign/<kind>/…``)."""
    return PlanDrawer(
        sc.countersign,
        lambda name: streams[name.replace("countersign/", f"countersign/{kind}/")],
        cal.working_minutes_per_day,
    )


def _arrival_times(
    sc: Scenario, cal: WorkCalendar, streams: Streams, kind: str, per_week: float
) -> np.ndarray:
    """Poisson times over working time at ``per_week × load.scale`` (:func:`stream_times`)."""
    return stream_times(sc, cal, streams[f"arrivals/{kind}"], per_week)


def _drafts(
    sc: Scenario, cal: WorkCalendar, streams: Streams, departments: list[str]
) -> list[Outgoing]:
    """代拟文稿 (A59): a topic, the drafting department (the GO for its own daily work), and
    what the GO's vetting finds; A61(6) concerns government-name documents only."""
    dr, out = sc.drafts, list[Outgoing]()
    if dr.per_dept_per_week <= 0:
        return out
    times = _arrival_times(sc, cal, streams, "draft", dr.per_dept_per_week * len(departments))
    topics = list(dr.topics)
    weights = np.array([dr.topics[t] for t in topics], dtype=float)
    rng, plans = streams["attributes/draft"], _plan_drawer(sc, cal, streams, "draft")
    for t in times:
        topic = topics[int(rng.choice(len(topics), p=weights / weights.sum()))]
        pick = departments[int(rng.integers(len(departments)))]
        u = rng.random(6)
        lead = GO if topic == "go_daily" else pick
        plan = plans.draw(sc.countersign.p_cross_dept_draft, pick, departments)
        out.append(
            Outgoing(
                time=float(t),
                kind="draft",
                lead=lead,
                topic=topic,
                meeting_decided=bool(u[0] < dr.p_meeting_decided)
                and lead != GO
                and topic not in ("go_business", "go_daily"),
                urgent=bool(u[1] < dr.p_urgent),
                wide_ranging=bool(u[2] < dr.p_wide_ranging),
                problem=None if lead == GO else _vetting_problem(dr, u[3]),
                major=False,
                mayor_authorises=bool(u[4] < dr.p_mayor_authorises),
                cs=None if lead == GO else plan,
            )
        )
    return out


def _normatives(
    sc: Scenario, cal: WorkCalendar, streams: Streams, departments: list[str]
) -> list[Outgoing]:
    """规章 and 行政规范性文件 (A21): always deliberated at a meeting, countersigned like drafts."""
    dr, lg, out = sc.drafts, sc.legality, list[Outgoing]()
    if lg.normative_per_week <= 0:
        return out
    times = _arrival_times(sc, cal, streams, "normative", lg.normative_per_week)
    rng, plans = streams["attributes/normative"], _plan_drawer(sc, cal, streams, "normative")
    for t in times:
        lead = departments[int(rng.integers(len(departments)))]
        u = rng.random(4)
        out.append(
            Outgoing(
                time=float(t),
                kind="normative",
                lead=lead,
                topic="gov_rule" if u[0] < lg.p_gov_rule else "normative_doc",
                meeting_decided=True,  # A21: deliberated at a plenary or executive meeting
                urgent=False,
                wide_ranging=bool(u[1] < dr.p_wide_ranging),
                problem="poor_quality" if u[2] < dr.p_poor_quality else None,
                major=False,
                mayor_authorises=bool(u[3] < dr.p_mayor_authorises),
                cs=plans.draw(sc.countersign.p_cross_dept_draft, lead, departments),
            )
        )
    return out


def _contracts(
    sc: Scenario, cal: WorkCalendar, streams: Streams, departments: list[str]
) -> list[Outgoing]:
    """Contracts in the government's name (A60); a major one is consented to by the mayor."""
    out: list[Outgoing] = []
    if sc.legality.contract_per_week <= 0:
        return out
    times = _arrival_times(sc, cal, streams, "contract", sc.legality.contract_per_week)
    rng = streams["attributes/contract"]
    for t in times:
        lead = departments[int(rng.integers(len(departments)))]
        major = bool(rng.random() < sc.load.p_major)
        out.append(
            Outgoing(
                float(t), "contract", lead, "contract", False, False, False, None, major, False
            )
        )
    return out


def _vetting_problem(dr: Any, u: float) -> str | None:
    """What the GO's vetting will find first, from one uniform number (A59, A63)."""
    shares = {
        "dept_scope": dr.p_dept_scope,
        "redundant": dr.p_redundant,
        "poor_quality": dr.p_poor_quality,
    }
    acc = 0.0
    for name in VETTING_CHECKS:
        acc += shares[name]
        if u < acc:
            return name
    return None
