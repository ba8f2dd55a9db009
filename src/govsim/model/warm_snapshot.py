"""Reading a warm start's snapshot: the cases open at a cut of a log, and where they were.

:func:`take_snapshot` finds every upward document (请示, 报告) open at the cut and its stage:
co-signed as a joint submission with the co-signers still owing (联合报, A56); in its first
countersign round with the co-departments still owing an answer, their limits and whether
they were extended (A59); negotiating objections or writing up the dissent, with the
negotiations held (A56); the version listing the dissent being countersigned, with its
pending limits (A56, K37); at the General Office awaiting review or returned for revision with its
returns so far (A55, A57, A63), with a leader to decide or read (A57), its 批示 awaiting the
GO's transfer, or the department's formal reply awaiting, due at its limit (A57). Open cases
of other kinds are counted by kind, not carried. :mod:`govsim.model.warm` puts the carried
ones back into a run.

Each family of cases carries itself: a *classifier* registered for its case types with
:func:`classifies` says where an open case was at the cut (or why it is not carried), and a
*starter* registered for the type of what it returns with :func:`starts` puts those cases back
into a run. The modules that register them are listed in :data:`FAMILIES` (data, read before
a snapshot is taken), so a new family is a new module and one line there.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

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
RHYTHMS = ("ledger_cadence", "go_reports", "engagement")
"""Case types that hold a rhythm, not work: never backlog (a leader's blocks of other time,
K28, are drawn afresh by the warm run, as its own random absences are)."""
AT_LEADER = ("doc.routed", "doc.rerouted", "doc.sent_for_review", "doc.co_review_signed")


class WarmStartError(ScenarioError):
    """A snapshot that cannot be taken (the log unreadable, the cut outside it)."""


# -- the families that carry themselves ----------------------------------------------------


class Carried(Protocol):
    """What a classifier returns for a case it carries: its case type and stage at the cut."""

    kind: str
    stage: str


Classifier = Callable[["pd.DataFrame", "pd.Series", float, float], "Carried | str"]
"""``(its events up to the cut, its case attributes, the cut, offset)`` → the case to carry,
or why it is not carried (a short text, counted in the manifest)."""
Starter = Callable[["World", "list[Any]", "Snapshot"], None]
"""``(world, the family's carried cases in case order, the snapshot)``: start their processes."""

CLASSIFIERS: dict[str, Classifier] = {}
STARTERS: dict[type, Starter] = {}
FAMILIES: tuple[str, ...] = (
    "govsim.model.warm",
    "govsim.model.warm_ledger",
    "govsim.model.warm_topics",
    "govsim.model.warm_outgoing",
)
"""Modules that register a family's classifier and starter."""


def classifies(*case_types: str) -> Callable[[Classifier], Classifier]:
    """Register a classifier for open cases of ``case_types``."""

    def register(fn: Classifier) -> Classifier:
        for t in case_types:
            CLASSIFIERS[t] = fn
        return fn

    return register


def starts(item_type: type) -> Callable[[Starter], Starter]:
    """Register the starter of the carried cases of ``item_type``."""

    def register(fn: Starter) -> Starter:
        STARTERS[item_type] = fn
        return fn

    return register


def load_families() -> None:
    """Import every module of :data:`FAMILIES` (each registers its family once)."""
    for name in FAMILIES:
        importlib.import_module(name)


@dataclass(frozen=True)
class CarriedCase:
    """One open upward document at the cut, and what it carries across the seam."""

    kind: str  # request | report
    stage: str  # see warm.RESUME: countersign … second_round, joint, go … closing
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
    answered: tuple[tuple[str, str], ...] = ()  # co-departments' first-round positions so far
    extended: tuple[str, ...] = ()  # of ``pending``: those whose limit was extended (A59)
    objected: tuple[tuple[str, float], ...] = ()  # objections awaiting negotiation, their limits
    talks: tuple[tuple[str, bool], ...] = ()  # negotiations held: resolved or not (A56)
    owing: tuple[str, ...] = ()  # a joint submission's co-signers still to sign (联合报, A56)
    involved: tuple[str, ...] = ()  # the departments whose powers it touches (A56)
    co_reviewed: tuple[str, ...] = ()  # leaders who co-reviewed it (AMB-43)
    routed: bool = False  # handed to its leader (A57)


@dataclass(frozen=True)
class Snapshot:
    """The open cases at a cut: those carried, and those not carried counted by kind."""

    reentry: float  # the new clock's minute the carried cases re-enter at
    offset: float  # source clock − new clock, in minutes
    carried: tuple[Any, ...]  # each a family's item (Carried), in case order
    not_carried: dict[str, int]

    def note(self) -> dict[str, object]:
        """The warm start, for a run's manifest: what was carried, what was not."""
        return {
            "carried": len(self.carried),
            "carried_by_stage": dict(Counter(c.stage for c in self.carried)),
            "carried_by_kind": dict(Counter(c.kind for c in self.carried)),
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
    stamp = _mtime(st.log)  # a log written again is read again
    snap = _snapshot(
        where, st.log, st.scenario, st.variant, st.replication, st.cut, sc.scenario.start, stamp
    )
    return _for_run(snap, sc)


def _for_run(snap: Snapshot, sc: Scenario) -> Snapshot:
    """The snapshot as ``sc``'s run can carry it: an item whose ``not_carried_in(sc)`` gives
    a reason (a meeting topic in a scenario without meetings) is counted, not carried."""
    keep: list[Any] = []
    why: Counter[str] = Counter(snap.not_carried)
    for c in snap.carried:
        reason = c.not_carried_in(sc) if hasattr(c, "not_carried_in") else None
        if reason is None:
            keep.append(c)
        else:
            why[reason] += 1
    if len(keep) == len(snap.carried):
        return snap
    return Snapshot(snap.reentry, snap.offset, tuple(keep), dict(sorted(why.items())))


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


@functools.lru_cache(maxsize=8)
def _snapshot(
    where: str,
    log: str,
    scenario: str | None,
    variant: str | None,
    replication: int | None,
    cut: int | dt.datetime,
    start: dt.date,
    stamp: int,
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
    load_families()
    before = events[events["time"] <= at]
    done = (*TERMINAL, *(a for acts in DONE_BY.values() for a in acts))
    ended = set(before.loc[before["activity"].isin(done), "case"].tolist())
    rhythm = set(cases.loc[cases["case_type"].isin(RHYTHMS), "case"].tolist())
    open_ids = set(before["case"].tolist()) - ended - rhythm
    info = cases.set_index("case")
    carried: list[Any] = []
    not_carried: Counter[str] = Counter()
    for case, rows in before[before["case"].isin(open_ids)].groupby("case", sort=True):
        attrs = info.loc[case]
        kind = str(attrs["case_type"])
        classify = CLASSIFIERS.get(kind)
        found = kind if classify is None else classify(rows, attrs, at, offset)
        if isinstance(found, str):
            not_carried[found] += 1
        else:
            carried.append(found)
    return Snapshot(at - offset, offset, tuple(carried), dict(sorted(not_carried.items())))


@classifies("desk")
def _desk_job(rows: pd.DataFrame, attrs: pd.Series, at: float, offset: float) -> str:
    """A desk's job is not carried by itself: a carried case queues its own job again. It
    is counted by job kind."""
    job = rows.loc[rows["activity"] == "desk.job_queued", "reason"].astype(str)
    return f"desk job: {job.iloc[0] if len(job) else 'unknown'}"


@classifies(*UPWARD)
def _classify(rows: pd.DataFrame, attrs: pd.Series, at: float, offset: float) -> CarriedCase | str:
    """Where one open upward document was at the cut, or why it is not carried."""
    acts = rows["activity"].astype(str).tolist()
    base = _base(attrs, at)
    if any(a.startswith("topic.") for a in acts):
        from govsim.model.warm_topics import classify_topic  # a request taken to a meeting

        return classify_topic(rows, attrs, at, offset)
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
    """Coordinating before submission (A56, A59): co-signing a joint submission (联合报), in
    the first round with co-departments owing an answer, negotiating objections, writing up
    the dissent, or in the second round on the version listing it (K37)."""
    if "doc.countersigned" in acts or "doc.involves" not in acts:
        return None
    if "cs.requested" not in acts:  # 联合报: no requests, co-signatures
        signed = set(rows.loc[rows["activity"] == "cs.joint_signed", "actor"].astype(str))
        return _with(base, stage="joint", owing=tuple(d for d in base.involved if d not in signed))
    second = (rows["reason"].astype(str) == "dissent_version").to_numpy()
    limits, answered, extended = _round_state(rows[~second], offset)
    held = rows.loc[rows["activity"] == "cs.negotiated"]
    talks = dict(zip(held["target"].astype(str), held["outcome"].astype(str), strict=True))
    objected = tuple(
        (d, limits[d]) for d, p in answered.items() if p == "object" and d not in talks
    )
    base = _with(
        base,
        answered=tuple(answered.items()),
        objected=objected,
        talks=tuple((d, o == "resolved") for d, o in talks.items()),
    )
    if "cs.handling_proposed" in acts:  # the dissent version's round (K37)
        limits, answered, extended = _round_state(rows[second], offset)
        stage = "second_round"
    elif set(limits) - set(answered):
        stage = "countersign"
    else:  # every answer in: objections to negotiate, or the dissent to write up (A56)
        stage = "negotiation" if objected else "dissent"
    pending = tuple((d, t) for d, t in limits.items() if d not in answered)
    return _with(
        base, stage=stage, pending=pending, extended=tuple(d for d, _ in pending if d in extended)
    )


def _round_state(
    rows: pd.DataFrame, offset: float
) -> tuple[dict[str, float], dict[str, str], set[str]]:
    """One countersign round's acts up to the cut: each co-department's limit on the new
    clock, its first answer (agree | object | deemed), and whose limit was extended (A59)."""
    limits: dict[str, float] = {}
    answered: dict[str, str] = {}
    extended: set[str] = set()
    for act, target, actor, outcome, deadline in rows[
        ["activity", "target", "actor", "outcome", "deadline"]
    ].itertuples(index=False):
        if act in ("cs.requested", "cs.extension_agreed"):
            limits[str(target)] = _on_new_clock(float(deadline), offset)
            if act == "cs.extension_agreed":
                extended.add(str(target))
        elif act == "cs.replied":
            answered.setdefault(str(actor), str(outcome))
        elif act == "cs.deemed":
            answered.setdefault(str(target), "deemed")
    return limits, answered, extended


STAGES = (_reply_stage, _leader_stage, _intake_stage, _countersign_stage)
"""Stage rules, latest stage first: the first that recognises a case places it."""
