"""Countersign lifecycle: the lead department coordinates with the departments whose powers a
document touches before it is submitted (A56, A59; RULES §4.3 and its aggregation table).

Per co-department (RULES §4.3 rows 1–8): requested → replied (agree | object) by its
principal head, or, unable to reply in time, it negotiates an extension before the deadline;
with no reply by the (extended) deadline the countersign is deemed given at exactly the
deadline, and a later reply is logged and ignored (A59, AMB-19).

Per document (rows A1–A7): consensus when every co-department agreed or was deemed to;
objections are negotiated by the lead's principal head; what stays unresolved is written up
with each side's grounds and a proposed handling, and the version listing the dissent is
countersigned again (K37) — the city government then decides. Or the lead submits jointly
with the co-departments (联合报, A56, K38).

What each document will meet is drawn when it arrives (:func:`draw_plan`), so variants that
differ only in policy see the same departments, the same response times and the same
positions (common random numbers).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from govsim.core.distributions import bound_sampler
from govsim.log import NONE
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.log import Reason as R
from govsim.model.agents import until
from govsim.model.desks import desk_work
from govsim.rules.countersign import countersign_deadline, deemed_no_objection, extended_deadline
from govsim.scenario.models import Countersign

if TYPE_CHECKING:
    from govsim.model.world import World


@dataclass(frozen=True)
class CoDeptPlan:
    """What one co-department will do in the first round."""

    dept: str
    response: float  # working minutes it needs to reply
    objects: bool  # its position: objection (部门之间有分歧) or agreement
    asks_extension: bool  # if it would be late: asks the lead for more time first (A59)
    extension_agreed: bool  # … and the lead agrees
    resolved: bool  # if it objects: the lead's negotiation resolves it (A56)


@dataclass(frozen=True)
class CountersignPlan:
    """The coordination a document needs: whom, how complex, under whose limit, or joint."""

    codepts: tuple[CoDeptPlan, ...]
    complex_: bool  # 特别复杂的事项 (A59, AMB-18)
    lead_limit_wd: int  # the lead's own limit in working days, 0 = none (A59, K33)
    joint: bool  # submitted jointly instead of countersigned (A56, K38)

    @property
    def involved(self) -> tuple[str, ...]:
        """The departments whose powers the document touches (A56)."""
        return tuple(c.dept for c in self.codepts)


class PlanDrawer:
    """Draws :class:`CountersignPlan` s from their own named streams (DESIGN: Randomness).

    The attributes, positions and response times come from streams that serve the drawer
    alone, so they are drawn ahead in blocks: the same numbers in the same order as one NumPy
    call per document, for less work per document (a backlog's documents are all drawn).
    """

    def __init__(
        self,
        cfg: Countersign,
        streams: Callable[[str], np.random.Generator],
        working_minutes_per_day: float,
    ) -> None:
        self.cfg = cfg
        self.involve = streams("countersign/involve")
        self.attrs = _uniform_rows(streams("countersign/attributes"), 4)
        self.positions = _uniform_rows(streams("countersign/position"), 4)
        self.response = bound_sampler(
            cfg.response, working_minutes_per_day, streams("countersign/response")
        )
        w = np.asarray(cfg.n_codepts_weights, dtype=float)
        self.n_cumulative = np.cumsum(w / w.sum()).tolist()
        self._others: dict[str, list[str]] = {}

    def draw(self, p_cross: float, lead: str, candidates: Sequence[str]) -> CountersignPlan | None:
        """The plan of one document led by ``lead`` (None: it touches no other department).

        The same number of numbers is drawn whatever the probabilities, so a policy variant
        keeps every later document's draws aligned.
        """
        cfg = self.cfg
        u_touch, u_n = self.involve.random(2)
        n = 1 + bisect_right(self.n_cumulative, float(u_n))
        others = self._others.get(lead)
        if others is None:
            others = self._others[lead] = [c for c in candidates if c != lead]
        picks = self.involve.permutation(len(others))[:n].tolist() if others else []
        u_complex, u_lead, u_joint, u_limit = self.attrs()
        lo, hi = cfg.lead_limit_working_days
        limit = min(hi, lo + int(u_limit * (hi - lo + 1)))
        codepts = []
        for i in picks:
            u = self.positions()
            codepts.append(
                CoDeptPlan(
                    dept=others[i],
                    response=self.response(),
                    objects=u[0] < cfg.p_object,
                    asks_extension=u[1] < cfg.p_extension,
                    extension_agreed=u[2] < cfg.p_extension_agreed,
                    resolved=u[3] < cfg.p_resolved,
                )
            )
        touches = u_touch < p_cross
        if not touches or not codepts:
            return None
        return CountersignPlan(
            codepts=tuple(codepts),
            complex_=u_complex < cfg.p_complex,
            lead_limit_wd=limit if u_lead < cfg.p_lead_limit else 0,
            joint=u_joint < cfg.p_joint,
        )


def _uniform_rows(rng: np.random.Generator, width: int) -> Callable[[], list[float]]:
    """Successive ``rng.random(width).tolist()``, drawn in blocks of up to 1,024 rows: a
    block fills its rows one double after another from the same generator state, as the
    calls would. ``rng`` must serve this function alone (it draws ahead)."""

    def rows() -> Iterator[list[float]]:
        n = 16
        while True:
            yield from rng.random((n, width)).tolist()
            n = min(2 * n, 1024)

    return rows().__next__


def log_involvement(w: World, case: int, lead: str, plan: CountersignPlan | None) -> None:
    """Record, when the case is created, which departments' powers it touches (A56)."""
    if plan is None:
        return
    code = w.org.code
    for dept in plan.involved:
        w.log.add(w.env.now, case, A.DOC_INVOLVES, code[lead], target=code[dept])


def coordinate(
    w: World, case: int, lead: str, plan: CountersignPlan, allow_joint: bool = True
) -> Generator[Any, Any, str]:
    """The lead's coordination before submission; returns consensus | dissent | joint.

    A56 「凡涉及其他部门职权的，主办部门必须主动与相关部门充分协调，由主办部门主要负责人与相关
    部门主要负责人会签或联合报市政府审批」 (RULES §4.3 rows A1–A7).
    """
    if allow_joint and plan.joint:
        return (yield from joint_submission(w, case, lead, plan.codepts))
    positions = yield from _round(w, case, lead, plan, plan.codepts, second=False)
    return (yield from settle(w, case, lead, plan, positions))


def joint_submission(
    w: World, case: int, lead: str, cosigners: Sequence[CoDeptPlan]
) -> Generator[Any, Any, str]:
    """A56 「或联合报市政府审批」: each of ``cosigners`` (the co-departments still owing their
    signature; a warm start carries those who signed before its cut) co-signs as a sender,
    by its principal head; then the joint submission is ready. Returns "joint"."""
    env = w.env
    yield env.all_of([env.process(_joint_sign(w, case, lead, c)) for c in cosigners])
    w.log.add(env.now, case, A.DOC_COUNTERSIGNED, w.org.code[lead], outcome=O.JOINT)
    return "joint"


def settle(
    w: World,
    case: int,
    lead: str,
    plan: CountersignPlan,
    positions: dict[str, str],
    talks: dict[str, bool] | None = None,
) -> Generator[Any, Any, str]:
    """After the first round's ``positions`` (agree | object | deemed per co-department):
    negotiate the objections, document what stays unresolved (A56); consensus | dissent.
    ``talks``: the negotiations already held, resolved or not (a warm start carries them)."""
    env, log, code = w.env, w.log, w.org.code
    talks = {} if talks is None else talks
    objecting = [c for c in plan.codepts if positions[c.dept] == "object"]
    if not objecting:
        log.add(env.now, case, A.DOC_COUNTERSIGNED, code[lead], outcome=O.CONSENSUS)
        return "consensus"
    # A56 「部门之间有分歧的，主办部门主要负责人要主动协商」: one by one (one principal head).
    unresolved = []
    for c in objecting:
        if c.dept in talks:  # held before a warm start's cut
            unresolved += [] if talks[c.dept] else [c]
            continue
        # The lead's desk prepares it; both principal heads take part: it ends when both are
        # on post (A56, A80).
        done = yield from desk_work(w, lead, "negotiation", w.sample_cs_negotiation())
        yield until(env, heads_back(w, (lead, c.dept), done))
        outcome = O.RESOLVED if c.resolved else O.UNRESOLVED
        log.add(env.now, case, A.CS_NEGOTIATED, code[lead], target=code[c.dept], outcome=outcome)
        if c.resolved:
            # The agreement is countersigned by the co-department's principal head (A59).
            log.add(env.now, case, A.CS_REPLIED, code[c.dept], target=code[lead], outcome=O.AGREE)
        else:
            unresolved.append(c)
    if not unresolved:
        log.add(env.now, case, A.DOC_COUNTERSIGNED, code[lead], outcome=O.CONSENSUS)
        return "consensus"
    # A56 「协商后仍不能取得一致意见的，主办部门应列明各方理据，提出办理意见，与相关部门会签后
    # 报市政府决定」.
    yield from desk_work(w, lead, "dissent", w.sample_cs_dissent())
    for c in unresolved:
        log.add(env.now, case, A.CS_DISSENT_DOCUMENTED, code[lead], target=code[c.dept])
    log.add(env.now, case, A.CS_HANDLING_PROPOSED, code[lead])
    if w.sc.countersign.recountersign_dissent:
        second = tuple(dissent_version_plan(w, c.dept) for c in plan.codepts)
        yield from _round(w, case, lead, plan, second, second=True)
    return dissent_countersigned(w, case, lead)


def dissent_version_plan(w: World, dept: str) -> CoDeptPlan:
    """What a co-department does with the version listing the dissent (K37): it countersigns
    it, after its own working time for it."""
    return CoDeptPlan(dept, float(w.sample_cs_round2()), False, False, False, True)


def dissent_countersigned(w: World, case: int, lead: str) -> str:
    """The version listing the dissent is countersigned: the city government decides (A56)."""
    w.log.add(w.env.now, case, A.DOC_COUNTERSIGNED, w.org.code[lead], outcome=O.DISSENT)
    return "dissent"


def _round(
    w: World,
    case: int,
    lead: str,
    plan: CountersignPlan,
    codepts: Sequence[CoDeptPlan],
    second: bool,
) -> Generator[Any, Any, dict[str, str]]:
    """One countersign round with every co-department in parallel; their final positions."""
    env, cfg = w.env, w.sc.countersign
    t0 = env.now
    deadline = countersign_deadline(
        w.cal,
        t0,
        complex_=plan.complex_,
        lead_limit_wd=plan.lead_limit_wd,
        working_days=cfg.working_days,
        complex_limit=cfg.complex_limit,
    )
    return (yield from pending_round(w, case, lead, {c: deadline for c in codepts}, second))


def pending_round(
    w: World,
    case: int,
    lead: str,
    due: dict[CoDeptPlan, float],
    second: bool,
    asked: bool = True,
    extended: frozenset[str] = frozenset(),
) -> Generator[Any, Any, dict[str, str]]:
    """Every co-department of ``due`` answers by its deadline, in parallel; their positions.
    ``asked=False``: the requests were made before (a warm start carries them, with the
    departments whose limit was already ``extended``, A59)."""
    env = w.env
    procs = {
        c.dept: env.process(_one(w, case, lead, c, deadline, second, asked, c.dept in extended))
        for c, deadline in due.items()
    }
    yield env.all_of(list(procs.values()))
    return {dept: p.value for dept, p in procs.items()}


def _one(
    w: World,
    case: int,
    lead: str,
    c: CoDeptPlan,
    deadline: float,
    second: bool,
    asked: bool = True,
    extended: bool = False,
) -> Generator[Any, Any, str]:
    """One co-department's countersign (RULES §4.3 rows 1–8); agree | object | deemed.

    The co-department's desk prepares the answer (``c.response`` working minutes, after the
    jobs ahead of it); its principal head signs it, on post (A59 「由主要负责人会签」, A80).
    ``extended``: its limit was extended already (once per round, A59).
    """
    env, log, cal, cfg = w.env, w.log, w.cal, w.sc.countersign
    me, them = w.org.code[lead], w.org.code[c.dept]
    tag = R.DISSENT_VERSION if second else NONE
    t0 = env.now
    if asked:
        log.add(t0, case, A.CS_REQUESTED, me, target=them, deadline=deadline, reason=tag)
    desk = w.desks.get(c.dept)
    if desk is None:
        answer = None
        reply_at = w.head_back(c.dept, cal.finish_time(t0, c.response))
    else:
        answer = desk.submit("countersign", c.response, deadline=deadline)
        reply_at = math.inf  # not known until the desk has done it
    if c.asks_extension and not extended and reply_at > deadline:
        # A59 「特殊情况不能按期回复的，应主动与主办部门沟通并商定回复时限及方式」: it speaks up
        # halfway to the deadline in working time (ASSUMPTION), before the deadline, if its
        # answer could not be signed by the deadline even if work on it started now.
        half = (cal.work_elapsed(deadline) - cal.work_elapsed(t0)) / 2
        half_at = cal.finish_time(t0, half)
        reply_at = yield from _known_by(w, c, answer, reply_at, half_at)
        if reply_at > deadline and _late_from_now(w, c, answer, reply_at, deadline):
            yield until(env, half_at)
            deadline, extended = _cannot_meet(w, case, me, them, c, deadline, tag)
    position = O.OBJECT if c.objects else O.AGREE
    deemed = _deemed(cfg, extended)
    if deemed:
        reply_at = yield from _known_by(w, c, answer, reply_at, deadline)
    else:
        reply_at = yield from _known_by(w, c, answer, reply_at, math.inf)
    if not deemed_no_objection(
        reply_at,
        deadline,
        deemed_consent=cfg.deemed_consent,
        extended=extended,
        deemed_after_extension=cfg.deemed_after_extension,
    ):
        yield until(env, reply_at)
        log.add(env.now, case, A.CS_REPLIED, them, target=me, outcome=position, reason=tag)
        return "object" if c.objects else "agree"
    # A59 「逾期不回复视为无不同意见」: at exactly the deadline.
    yield until(env, deadline)
    log.add(env.now, case, A.CS_DEEMED, me, target=them, deadline=deadline, reason=tag)
    env.process(_late_reply(w, case, c, answer, them, me, reply_at, position, tag))
    return "deemed"


def _deemed(cfg: Countersign, extended: bool) -> bool:
    """Whether a reply after the deadline would be deemed given (A59; AMB-19)."""
    return deemed_no_objection(
        math.inf,
        0.0,
        deemed_consent=cfg.deemed_consent,
        extended=extended,
        deemed_after_extension=cfg.deemed_after_extension,
    )


def _known_by(
    w: World, c: CoDeptPlan, answer: Any, reply_at: float, t: float
) -> Generator[Any, Any, float]:
    """Wait until the desk's answer is done or clock ``t`` (whichever first, not past ``t``
    if the answer is not done); returns when the head signs it, or ``inf`` if not yet known."""
    if answer is None or math.isfinite(reply_at):
        return reply_at
    if not answer.triggered:
        if math.isfinite(t):
            yield answer | until(w.env, t)
        else:
            yield answer
    if answer.triggered:
        return w.head_back(c.dept, answer.value)
    return math.inf


def _late_from_now(w: World, c: CoDeptPlan, answer: Any, reply_at: float, deadline: float) -> bool:
    """Whether the answer would be late: known, or (still at the desk) even if work on it
    started now."""
    if answer is None or math.isfinite(reply_at):
        return reply_at > deadline
    return w.head_back(c.dept, w.cal.finish_time(w.env.now, c.response)) > deadline


def _cannot_meet(
    w: World, case: int, me: int, them: int, c: CoDeptPlan, deadline: float, tag: int
) -> tuple[float, bool]:
    """The co-department says it cannot meet the deadline; the lead agrees a new one or not
    (A59). Called at the moment it speaks up; returns ``(deadline, extended)``."""
    env, log, cfg = w.env, w.log, w.sc.countersign
    log.add(env.now, case, A.CS_CANNOT_MEET, them, target=me, reason=tag)
    if not c.extension_agreed:
        log.add(env.now, case, A.CS_EXTENSION_REFUSED, me, target=them, reason=tag)
        return deadline, False
    deadline = extended_deadline(w.cal, deadline, cfg.extension_working_days)
    log.add(env.now, case, A.CS_EXTENSION_AGREED, me, target=them, deadline=deadline, reason=tag)
    return deadline, True


def _late_reply(
    w: World,
    case: int,
    c: CoDeptPlan,
    answer: Any,
    them: int,
    me: int,
    at: float,
    position: int,
    tag: int,
) -> Generator[Any, Any, None]:
    """A reply after deeming: logged and ignored (AMB-19, K35)."""
    at = yield from _known_by(w, c, answer, at, math.inf)
    yield until(w.env, at)
    w.log.add(w.env.now, case, A.CS_REPLIED_LATE, them, target=me, outcome=position, reason=tag)


def _joint_sign(w: World, case: int, lead: str, c: CoDeptPlan) -> Generator[Any, Any, None]:
    """A co-department's principal head co-signs a joint submission (联合报, A56)."""
    env, code = w.env, w.org.code
    ready = yield from desk_work(w, c.dept, "countersign", c.response)
    yield until(env, w.head_back(c.dept, ready))
    w.log.add(env.now, case, A.CS_JOINT_SIGNED, code[c.dept], target=code[lead])


def heads_back(w: World, units: Sequence[str], t: float) -> float:
    """The first moment at or after ``t`` when every unit's principal head is on post."""
    while True:
        later = t
        for unit in units:
            later = w.head_back(unit, later)
        if later == t:
            return t
        t = later
