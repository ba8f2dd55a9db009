"""Warm start (``[initial_state]``): the cases open at a cut of a log, put back into a run.

A snapshot (:func:`read_snapshot`) finds every upward document (请示, 报告) open at the cut
and where it was: in countersign with the co-departments that still owe an answer and their
limits (A56, A59), at the General Office awaiting review or returned for revision with the
count of returns so far (A55, A57, A63), with a leader to decide or read (A57), its 批示
awaiting the GO's transfer, or the department's formal reply awaiting, due at its limit (A57).
:func:`start_carried` puts each back at the re-entry moment (the cut's time of day on the new
clock, whose day 0 is the cut's date) through the model's own lifecycles — so deadlines set
before the cut hold to the minute — and logs ``case.carried`` rows that state what the
invariants need from before the cut (a limit and who owes it).

A carried case is created again at its re-entry, marked ``carried`` in the case table: the
KPIs, which count the cases created after the warm-up and not carried, leave it out — they
count what happens after the cut — while backlog series and the invariants see it. Open
cases of the kinds not carried (meeting topics, outgoing documents, normative documents,
ledger items, desk jobs of those, a countersign past its first round, a joint submission)
are counted in :attr:`Snapshot.not_carried`.
ASSUMPTION: work in progress at the cut restarts with a fresh effort drawn from the scenario's
distribution (a log does not say how much of it was done); a leader's 批示 on a document not
yet decided is drawn as for a new one.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govsim.core.distributions import bound_sampler
from govsim.core.org import GO
from govsim.log import Activity as A
from govsim.model.agents import NORMAL, URGENT
from govsim.model.arrivals import Arrival
from govsim.model.countersign import CoDeptPlan, CountersignPlan, pending_round, settle
from govsim.model.desks import desk_work
from govsim.model.documents import (
    await_reply,
    co_review,
    decided,
    instruction,
    leader_handles,
    new_upward_case,
    submitted,
)
from govsim.rules.routing import route_upward, upward_co_reviewers
from govsim.rules.substitution import ItemNeeds
from govsim.scenario.load import ScenarioError, located
from govsim.scenario.models import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from govsim.model.world import World

UPWARD = ("request", "report")
TERMINAL = ("doc.closed", "doc.withdrawn", "ledger.closed")
DONE_BY: dict[str, tuple[str, ...]] = {
    "desk": ("desk.job_done",),
    "absence": ("absence.end", "absence.on_post"),
    "meeting": ("meeting.adjourned",),
}
"""What ends a case of a type without a terminal act (a desk's job, an absence, a meeting)."""
RHYTHMS = ("ledger_cadence", "go_reports")
"""Case types that hold a rhythm, not work: never backlog."""
PAST_FIRST_ROUND = ("cs.negotiated", "cs.dissent_documented", "cs.handling_proposed")
AT_LEADER = ("doc.routed", "doc.rerouted", "doc.sent_for_review", "doc.co_review_signed")


class WarmStartError(ScenarioError):
    """A snapshot that cannot be taken (the log unreadable, the cut outside it)."""


@dataclass(frozen=True)
class CarriedCase:
    """One open upward document at the cut, and what it carries across the seam."""

    kind: str  # request | report
    stage: str  # countersign | go | revision | leader | transfer | reply | closing
    sender: str
    matter: str
    major: bool
    poor_quality: bool
    mayor_only: bool
    urgent: bool
    channel: str
    complex_: bool
    lead_limit_wd: int
    age_days: float  # calendar days since it was created, at the cut
    returns: int = 0  # the GO's returns so far (A63)
    defect: str | None = None  # what the pending submission carries (A55, A56)
    agreed: str = "consensus"  # the countersign's outcome, when done (A56)
    deadline: float | None = None  # the reply limit on the new clock (A57)
    overdue: bool = False  # the reply's breach already recorded
    pending: tuple[tuple[str, float], ...] = ()  # co-departments owing an answer, their limits
    answered: tuple[tuple[str, str], ...] = ()  # co-departments' positions so far
    involved: tuple[str, ...] = ()  # the departments whose powers it touches (A56)
    co_reviewed: tuple[str, ...] = ()  # leaders who co-reviewed it (AMB-43)
    routed: bool = False  # handed to its leader (A57)


@dataclass(frozen=True)
class Snapshot:
    """The open cases at a cut: those carried, and those not carried counted by kind."""

    reentry: float  # the new clock's minute the carried cases re-enter at
    offset: float  # source clock − new clock, in minutes
    carried: tuple[CarriedCase, ...]
    not_carried: dict[str, int]

    def note(self) -> dict[str, object]:
        """The warm start, for a run's manifest: what was carried, what was not."""
        return {
            "carried": len(self.carried),
            "carried_by_stage": dict(Counter(c.stage for c in self.carried)),
            "not_carried": dict(self.not_carried),
            "kpis": "count only what happens after the cut: carried cases (marked carried "
            "in the case table) are left out of the KPIs' populations",
        }


# -- reading the snapshot -----------------------------------------------------------------


def read_snapshot(sc: Scenario) -> Snapshot:
    """The snapshot ``sc.initial_state`` names (read once per process and options)."""
    st = sc.initial_state
    if st is None:
        raise ValueError("the scenario has no [initial_state]")
    where = sc.files[0] if sc.files else "<scenario>"
    return _snapshot(
        where, st.log, st.scenario, st.variant, st.replication, st.cut, sc.scenario.start
    )


@functools.lru_cache(maxsize=8)
def _snapshot(
    where: str,
    log: str,
    scenario: str | None,
    variant: str | None,
    replication: int | None,
    cut: int | dt.datetime,
    start: dt.date,
) -> Snapshot:
    from govsim.log.columns import LogError
    from govsim.log.read import load_log

    try:
        loaded = load_log(log, scenario=scenario, variant=variant, replication=replication)
    except (LogError, ScenarioError, OSError) as exc:
        text = "; ".join(exc.problems) if isinstance(exc, ScenarioError) else str(exc)
        raise WarmStartError([located(where, ("initial_state", "log"), text)]) from None
    src_start = loaded.scenario.scenario.start
    at = cut * 1440.0 if isinstance(cut, int) else _minutes(cut, src_start)
    end = loaded.cal.horizon_minutes
    if not 0 <= at <= end:
        msg = f"the cut is outside the log ({src_start} + {end / 1440:g} days)"
        raise WarmStartError([located(where, ("initial_state", "cut"), msg)])
    offset = (start - src_start).days * 1440.0
    if not 0 <= at - offset < 1440:
        day = src_start + dt.timedelta(days=int(at // 1440))
        msg = f"must be the cut's date {day} for a warm start (initial_state.cut), not {start}"
        raise WarmStartError([located(where, ("scenario", "start"), msg)])
    return take_snapshot(loaded.events, loaded.cases, at, offset)


def _minutes(t: dt.datetime, start: dt.date) -> float:
    return (t - dt.datetime.combine(start, dt.time())).total_seconds() / 60.0


def take_snapshot(events: pd.DataFrame, cases: pd.DataFrame, at: float, offset: float) -> Snapshot:
    """The cases open at source clock ``at`` (events at ``at`` included); ``offset`` maps the
    source clock onto the new one (``new = source − offset``)."""
    before = events[events["time"] <= at]
    done = (*TERMINAL, *(a for acts in DONE_BY.values() for a in acts))
    ended = set(before.loc[before["activity"].isin(done), "case"].tolist())
    rhythm = set(cases.loc[cases["case_type"].isin(RHYTHMS), "case"].tolist())
    open_ids = set(before["case"].tolist()) - ended - rhythm
    info = cases.set_index("case")
    carried: list[CarriedCase] = []
    not_carried: Counter[str] = Counter()
    for case, rows in before[before["case"].isin(open_ids)].groupby("case", sort=True):
        attrs = info.loc[case]
        kind = str(attrs["case_type"])
        if kind == "desk":  # by job kind; a carried document queues its own job again
            job = rows.loc[rows["activity"] == "desk.job_queued", "reason"].astype(str)
            not_carried[f"desk job: {job.iloc[0] if len(job) else 'unknown'}"] += 1
            continue
        if kind not in UPWARD:
            not_carried[kind] += 1
            continue
        found = _classify(rows, attrs, at, offset)
        if isinstance(found, str):
            not_carried[found] += 1
        else:
            carried.append(found)
    return Snapshot(at - offset, offset, tuple(carried), dict(sorted(not_carried.items())))


def _classify(rows: pd.DataFrame, attrs: pd.Series, at: float, offset: float) -> CarriedCase | str:
    """Where one open upward document was at the cut, or why it is not carried."""
    acts = rows["activity"].astype(str).tolist()
    base = _base(attrs, at)
    if any(a.startswith("topic.") for a in acts):
        return "meeting topic"
    if "cs.joint_signed" in acts or (rows["reason"].astype(str) == "dissent_version").any():
        return "countersign past its first round"
    if any(a in PAST_FIRST_ROUND for a in acts):
        return "countersign past its first round"
    base = _with(
        base,
        agreed=_last(rows, "doc.countersigned", "outcome") or "consensus",
        involved=tuple(rows.loc[rows["activity"] == "doc.involves", "target"].astype(str)),
        co_reviewed=_co_reviewers(rows),
        routed="doc.routed" in acts,
    )
    for stage in STAGES:
        found = stage(rows, acts, base, offset)
        if found is not None:
            return found  # a carried case, or why it is not carried
    return base


def _co_reviewers(rows: pd.DataFrame) -> tuple[str, ...]:
    """The leaders a document was co-reviewed for (the absent one under 补位, A8)."""
    signed = rows.loc[rows["activity"] == "doc.co_review_signed"]
    behalf = signed["on_behalf"].astype(object)
    return tuple(str(x) for x in behalf.where(behalf.notna(), signed["actor"].astype(object)))


def _base(attrs: pd.Series, at: float) -> CarriedCase:
    return CarriedCase(
        kind=str(attrs["case_type"]),
        stage="go",
        sender=str(attrs["sender"]),
        matter=str(attrs["matter"]),
        major=bool(attrs["major"]),
        poor_quality=bool(attrs["poor_quality"]),
        mayor_only=bool(attrs["mayor_only"]),
        urgent=bool(attrs["urgent"]),
        channel=str(attrs["channel"]),
        complex_=bool(attrs["complex"]),
        lead_limit_wd=int(attrs["lead_limit_wd"]),
        age_days=(at - float(attrs["created"])) / 1440.0,
    )


def _with(c: CarriedCase, **changes: Any) -> CarriedCase:
    return CarriedCase(**{**c.__dict__, **changes})


def _on_new_clock(t: float, offset: float) -> float:
    """A limit on the new clock; one that passed before the cut's day is carried as minute 0
    (the new calendar starts there; the breach is already in the source log)."""
    return max(t - offset, 0.0)


def _last(rows: pd.DataFrame, activity: str, column: str) -> Any:
    hit = rows.loc[rows["activity"] == activity, column]
    return None if hit.empty else hit.iloc[-1]


def _reply_stage(rows, acts, base, offset) -> CarriedCase | None:
    """A 批示: transferred and awaiting the reply (A57), or awaiting the transfer."""
    if "dept.replied" in acts:
        return _with(base, stage="closing")
    if "go.transferred" in acts:
        deadline = _on_new_clock(float(_last(rows, "go.transferred", "deadline")), offset)
        return _with(base, stage="reply", deadline=deadline, overdue="instruction.overdue" in acts)
    if "leader.instructed" in acts:
        return _with(base, stage="transfer")
    if "leader.approved" in acts or "leader.circle_read" in acts:
        return _with(base, stage="closing")
    return None


def _leader_stage(rows, acts, base, offset) -> CarriedCase | None:
    """Passed the GO's review (or sent by a direct channel): with a leader (A55, A57)."""
    direct = base.channel != "go" and "doc.submitted" in acts
    passed = _last(rows, "go.reviewed", "outcome") == "pass"
    if direct or passed or any(a in AT_LEADER for a in acts):
        return _with(base, stage="leader")
    return None


def _intake_stage(rows, acts, base, offset) -> CarriedCase | None:
    """At the GO awaiting review, or returned and being revised (A55, A57, A63)."""
    reviews = rows[rows["activity"] == "go.reviewed"]
    returns = int((reviews["outcome"].astype(str) == "return").sum())
    if "doc.submitted" not in acts:
        return None
    last_submitted = len(acts) - 1 - acts[::-1].index("doc.submitted")
    if "go.reviewed" in acts and len(acts) - 1 - acts[::-1].index("go.reviewed") > last_submitted:
        return _with(base, stage="revision", returns=returns)  # its last review returned it
    carried = str(_last(rows, "doc.submitted", "reason"))
    poor = carried == "poor_quality"
    defect = None if poor or carried in ("none", "nan", "None") else carried
    return _with(base, stage="go", returns=returns, defect=defect, poor_quality=poor)


def _countersign_stage(rows, acts, base, offset) -> CarriedCase | str | None:
    """In its first countersign round: who owes an answer, by when (A59)."""
    if "doc.countersigned" in acts or "doc.involves" not in acts:
        return None
    limits: dict[str, float] = {}
    answered: dict[str, str] = {}
    for act, target, actor, outcome, deadline in rows[
        ["activity", "target", "actor", "outcome", "deadline"]
    ].itertuples(index=False):
        if act in ("cs.requested", "cs.extension_agreed"):
            limits[str(target)] = _on_new_clock(float(deadline), offset)
        elif act == "cs.replied":
            answered[str(actor)] = str(outcome)
        elif act == "cs.deemed":
            answered[str(target)] = "deemed"
    if set(base.involved) - set(limits):
        return "joint submission being co-signed"  # 联合报 (A56): no requests to carry
    pending = tuple((d, t) for d, t in limits.items() if d not in answered)
    return _with(base, stage="countersign", pending=pending, answered=tuple(answered.items()))


STAGES = (_reply_stage, _leader_stage, _intake_stage, _countersign_stage)
"""Stage rules, latest stage first: the first that recognises a case places it."""


# -- re-entering the run -------------------------------------------------------------------


def start_carried(w: World, snap: Snapshot | None = None) -> Snapshot:
    """Start a process per carried case of ``snap`` (default: the snapshot ``w``'s scenario
    names); returns the snapshot."""
    snap = read_snapshot(w.sc) if snap is None else snap
    draws = w.streams["warm/instruction"]
    cs = w.sc.countersign
    response = bound_sampler(cs.response, w.cal.working_minutes_per_day, w.streams["warm/cs"])
    positions = w.streams["warm/cs_position"]

    def plan(dept: str) -> CoDeptPlan:
        u = positions.random(4)
        return CoDeptPlan(
            dept,
            float(response()),
            bool(u[0] < cs.p_object),
            bool(u[1] < cs.p_extension),
            bool(u[2] < cs.p_extension_agreed),
            bool(u[3] < cs.p_resolved),
        )

    ins = w.sc.instructions
    for c in snap.carried:
        p = ins.p_request if c.kind == "request" else ins.p_report
        instructs = c.stage in ("transfer", "reply") or bool(draws.random() < p)
        plans = {d: plan(d) for d in dict.fromkeys((*c.involved, *dict(c.pending)))}
        w.env.process(_reenter(w, c, snap.reentry, instructs, plans))
    return snap


def _reenter(
    w: World, c: CarriedCase, at: float, instructs: bool, plans: dict[str, CoDeptPlan]
) -> Generator[Any, Any, None]:
    """One carried case: its case opens again at ``at`` and continues from its stage."""
    if at > 0:
        yield w.env.timeout(at)
    doc = Arrival(
        w.env.now,
        c.kind,
        c.sender,
        c.matter,
        c.major,
        c.poor_quality,
        instructs,
        c.urgent,
        c.mayor_only,
        c.defect,
        c.channel,
        CountersignPlan(tuple(plans.values()), c.complex_, c.lead_limit_wd, False)
        if plans
        else None,
    )
    case = new_upward_case(w, doc, c.complex_, c.lead_limit_wd, carried=True)
    _carried_row(w, case, c, _holder(w, c), c.deadline)
    yield from RESUME[c.stage](w, case, c, doc, plans)


def _carried_row(w: World, case: int, c: CarriedCase, holder: str, deadline: float | None) -> None:
    """Log ``case.carried``: who holds the case, the limit it carries, the GO's returns."""
    code = w.org.code
    w.log.add(
        w.env.now,
        case,
        A.CASE_CARRIED,
        code[GO],
        target=code[holder],
        deadline=float("nan") if deadline is None else deadline,
        value=float(c.returns),
    )


def _holder(w: World, c: CarriedCase) -> str:
    """Who holds the case at the cut (the ``target`` of its ``case.carried``)."""
    if c.stage == "reply":
        return c.matter
    if c.stage == "leader":
        return route_upward(w.org, c.matter, c.major, c.mayor_only)
    if c.stage in ("countersign", "revision"):
        return c.sender
    return GO


def _priority(c: CarriedCase) -> int:
    return URGENT if c.urgent else NORMAL


def _resume_countersign(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """The first round goes on: each co-department still owing an answer answers by its
    carried limit, or is deemed to agree at it (A59); then the objections are settled (A56)."""
    for dept, limit in c.pending:
        _carried_row(w, case, c, dept, limit)
    due = {plans[d]: limit for d, limit in c.pending}
    positions = dict(c.answered)
    positions.update((yield from pending_round(w, case, c.sender, due, False, asked=False)))
    agreed = yield from settle(w, case, c.sender, doc.cs, positions)
    yield from submitted(w, case, doc, _priority(c), agreed, c.returns)


def _resume_go(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """Submitted again to the GO's queue, its returns so far counted (A57, A63)."""
    yield from submitted(w, case, doc, _priority(c), c.agreed, c.returns)


def _resume_revision(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """The sender revises the returned submission, then resubmits it (A63)."""
    yield from desk_work(w, c.sender, "revision", w.sample_revise(), urgent=c.urgent)
    doc = doc._replace(defect=None, poor_quality=w.draw_still_poor())
    yield from submitted(w, case, doc, _priority(c), c.agreed, c.returns)


def _resume_leader(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """With the leader in charge (or the mayor) to decide or read (A57)."""
    owner = _holder(w, c)
    effort = w.sample_approve() if c.kind == "request" else w.sample_read()
    priority = _priority(c)
    if c.channel != "go":  # an A55 direct channel: the leader in person
        start, occupied = yield from w.leaders[owner].work(priority, effort)
        handled = (owner, start, occupied)
    else:
        involved = doc.cs.involved if doc.cs is not None else ()
        if involved and not c.routed and w.sc.leader_work.co_review_upward:
            # the co-reviews not yet done (AMB-43)
            others = upward_co_reviewers(w.org, owner, c.matter, involved)
            yield from co_review(
                w, case, tuple(o for o in others if o not in c.co_reviewed), priority
            )
        needs = ItemNeeds(decision=c.kind == "request", mayor_only=c.mayor_only)
        handled = yield from leader_handles(w, case, owner, needs, priority, effort)
    yield from decided(w, case, doc, owner, handled, priority, c.agreed)


def _resume_transfer(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """The 批示 awaits the GO's transfer (A57)."""
    yield from instruction(w, case, doc, _priority(c))
    w.log.add(w.env.now, case, A.DOC_CLOSED, w.org.code[GO])


def _resume_reply(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """The department's formal reply, due at the limit set before the cut (A57)."""
    assert c.deadline is not None
    yield from await_reply(w, case, doc, c.deadline, c.overdue)
    w.log.add(w.env.now, case, A.DOC_CLOSED, w.org.code[GO])


def _resume_closing(w, case, c, doc, plans) -> Generator[Any, Any, None]:
    """Done at the cut's minute; the case closes."""
    w.log.add(w.env.now, case, A.DOC_CLOSED, w.org.code[GO])
    yield from ()


RESUME = {
    "countersign": _resume_countersign,
    "go": _resume_go,
    "revision": _resume_revision,
    "leader": _resume_leader,
    "transfer": _resume_transfer,
    "reply": _resume_reply,
    "closing": _resume_closing,
}
"""How each stage continues, through the model's own lifecycles."""

__all__ = [
    "CarriedCase",
    "Snapshot",
    "WarmStartError",
    "read_snapshot",
    "start_carried",
    "take_snapshot",
]
