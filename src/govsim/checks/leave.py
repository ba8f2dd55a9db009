"""Leave, substitution and leaders' other time (A6, A8, A56, A80; K28: A41, A89, A90;
INV-L01, L03 … L08, L10, L11).

Absences are restated from the log once per log (:func:`govsim.checks.views.absences`) and
looked up per person; hand-overs are indexed by (case, handler). Restated from the text over
the log: none of this calls :mod:`govsim.rules`.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict

import numpy as np

from govsim.checks.context import EPS, LogContext, Violation
from govsim.checks.registry import invariant
from govsim.checks.views import Absences, absences, decode, rows, triggers
from govsim.checks.vocab import (
    ENGAGED,
    HAND_OVERS,
    LEADER_WORK,
    MAYOR_ONLY_ACTS,
    ON_BEHALF_ACTS,
    PERSONAL_ACTS,
    SUBSTITUTABLE_ACTS,
    SUBSTITUTION_MARKS,
)

FAMILY = "leave"


@invariant("INV-L01", article="A80", family=FAMILY)
def inv_l01(ctx: LogContext) -> list[Violation]:
    """A80 「须按规定提前3天履行请假报批手续」: a head's leave request comes at least 3
    calendar days (AMB-02) before the absence, or it is counted as late — and only then."""
    lead_days = ctx.sc.leave.head_lead_days if ctx.sc is not None and ctx.sc.leave else 3
    starts = rows(ctx, "absence.start").drop_duplicates("case", keep="last").set_index("case")
    asked = rows(ctx, "leave.requested")
    start = asked["case"].map(starts["time"])
    gap = ((start - asked["time"]) / 1440.0).to_numpy()
    out = []
    cols = zip(asked.index, asked["case"], asked["outcome"].astype(object), gap, strict=True)
    for idx, case, outcome, gap_days in cols:
        if math.isnan(gap_days):
            continue  # the absence starts after the horizon
        late = gap_days < lead_days - 1e-9
        if late != (outcome == "late"):
            msg = f"request {gap_days:.2f} days ahead marked {outcome}"
            out.append(Violation("INV-L01", "A80", int(case), msg, (idx,)))
    return out


@invariant("INV-L03", article="A80", family=FAMILY)
def inv_l03(ctx: LogContext) -> list[Violation]:
    """A80 「外出期间，必须保持通讯联络畅通」: a recall reaches a person who is away, at once —
    every recall falls inside the recalled person's absence."""
    by_case = {a.case: a for a in absences(ctx).all()}
    recalls = rows(ctx, "absence.recall")
    out = []
    for idx, case, target, t in zip(
        recalls.index, recalls["case"], recalls["target"], recalls["time"], strict=True
    ):
        a = by_case.get(int(case))
        if a is None or a.person != target or not a.start <= t < a.planned_end:
            out.append(Violation("INV-L03", "A80", int(case), "recall outside an absence", (idx,)))
    return out


@invariant("INV-L04", article="A80", family=FAMILY)
def inv_l04(ctx: LogContext) -> list[Violation]:
    """A80 「要第一时间返回工作岗位」: after a recall the person is on post after exactly the
    logged return latency, and takes no new absence in between."""
    on_post = rows(ctx, "absence.on_post").drop_duplicates("case", keep="last").set_index("case")
    away = absences(ctx)
    recalls = rows(ctx, "absence.recall")
    out = []
    for idx, case, target, t in zip(
        recalls.index, recalls["case"], recalls["target"], recalls["time"], strict=True
    ):
        if case not in on_post.index:
            continue  # still travelling back at the horizon
        back, latency = on_post.at[case, "time"], on_post.at[case, "value"]
        if abs((back - t) / 60.0 - latency) > 1e-6:
            msg = "return latency does not match"
            out.append(Violation("INV-L04", "A80", int(case), msg, (idx,)))
        if any(t < a.start < back for a in away.of(str(target))):
            msg = "new absence before back on post"
            out.append(Violation("INV-L04", "A80", int(case), msg, (idx,)))
    return out


def _substitute_acts(ctx: LogContext):  # type: ignore[no-untyped-def]
    found = rows(ctx, *SUBSTITUTABLE_ACTS)
    return found.loc[found["on_behalf"].notna()]


@invariant("INV-L05", article="A6", family=FAMILY)
def inv_l05(ctx: LogContext) -> list[Violation]:
    """A6 「市长因公出市（出访）、休假期间，由负责常务工作的副市长主持市政府全面工作」: work
    done for the absent mayor is done by the executive vice mayor; items reserved to the
    mayor (A61(2)–(4)) are never handled by anyone else (AMB-09, K60)."""
    org, cases = ctx.org, ctx.cases
    acts = _substitute_acts(ctx)
    bad = acts.loc[(acts["on_behalf"] == org.mayor) & (acts["actor"] != org.executive_vice_mayor)]
    out = [
        Violation("INV-L05", "A6", int(c), f"{a} acted for the mayor", (i,))
        for i, c, a in zip(bad.index, bad["case"], bad["actor"], strict=True)
    ]
    if "mayor_only" in cases:
        reserved = cases.loc[cases["mayor_only"], "case"]
        done = rows(ctx, *MAYOR_ONLY_ACTS)
        bad = done.loc[done["case"].isin(reserved) & (done["actor"] != org.mayor)]
        out += [
            Violation("INV-L05", "A61", int(c), f"mayor-only item decided by {a}", (i,))
            for i, c, a in zip(bad.index, bad["case"], bad["actor"], strict=True)
        ]
    return out


def _designated(ctx: LogContext, owner: str) -> set[str] | None:
    """The owner's designated substitute (A8), and the policy's fallback."""
    org, fallback = ctx.org, ctx.substitution.fallback
    allowed = {org.substitute[owner]} if owner in org.substitute else set()
    extra = {"executive_vice_mayor": org.executive_vice_mayor, "mayor": org.mayor}.get(fallback)
    return allowed | ({extra} if extra else set())


def _chain(ctx: LogContext, owner: str) -> set[str] | None:
    """The owner's chain of substitutes, in the scenario."""
    return set(ctx.substitution.chains.get(owner, []))


def _any_vice_mayor(ctx: LogContext, owner: str) -> set[str] | None:
    """Any vice mayor (least-loaded: whoever has the shortest queue)."""
    roles = ctx.org.leader_roles.items()
    return {ld for ld, r in roles if r in ("vice_mayor", "executive_vice_mayor")}


# 补位 policy → who may act for an owner under it (A8); least_loaded: any vice mayor.
_HANDLERS = {"designated": _designated, "chain": _chain}


def allowed_handlers(ctx: LogContext, owner: str) -> set[str] | None:
    """Who may act for ``owner`` under the policy."""
    return _HANDLERS.get(ctx.substitution.policy, _any_vice_mayor)(ctx, owner)


class _HandOvers:
    """The GO's hand-overs (routing, sending for review or signature) by (case, handler), in
    log order, to find the one an act followed."""

    def __init__(self, ctx: LogContext) -> None:
        found = rows(ctx, *HAND_OVERS)
        self._at: dict[tuple[int, str], tuple[list[int], list[float]]] = defaultdict(
            lambda: ([], [])
        )
        for i, c, target, t in zip(
            found.index.tolist(), found["case"].tolist(), found["target"].astype(object),
            found["time"].tolist(), strict=True,
        ):  # fmt: skip
            idx, times = self._at[(c, target)]
            idx.append(i)
            times.append(t)

    def time_before(self, case: int, handler: str, idx: int, default: float) -> float:
        """When the item was last handed to ``handler`` before event ``idx`` in log order
        (another hand-over may follow it at the same instant); ``default`` if never."""
        found = self._at.get((case, handler))
        if not found:
            return default
        k = bisect_left(found[0], idx)
        return found[1][k - 1] if k else default


def _substitution_breach(
    ctx: LogContext, away: Absences, owner: str, handler: str, t_route: float
) -> str | None:
    """What is wrong with ``handler`` acting for ``owner`` on an item routed at ``t_route``."""
    policy, trig = ctx.substitution, triggers(ctx)
    absent = away.at(owner, t_route)
    if policy.policy == "none":
        return f"{handler} acted for {owner} under policy none"
    if absent is None:
        return f"{handler} acted for {owner}, who was on post when the item was routed"
    if trig is not None and absent.reason not in trig:
        return f"{owner}'s absence ({absent.reason}) does not trigger substitution"
    if away.at(handler, t_route) is not None:
        return f"handler {handler} was away too"
    if owner != ctx.org.mayor:
        allowed = allowed_handlers(ctx, owner)
        if allowed is not None and handler not in allowed:
            return f"{handler} is not a substitute for {owner} under policy {policy.policy}"
    return None


@invariant("INV-L06", article="A8", family=FAMILY)
def inv_l06(ctx: LogContext) -> list[Violation]:
    """A8 「副市长出市（出访）、休假期间，由补位的副市长代为处理有关工作」: every act done for
    another leader falls in that leader's absence for a reason that triggers 补位, by a
    handler on post whom the policy allows (designated substitute or fallback, the chain,
    any vice mayor for least-loaded; the executive VM for the mayor). The absence is judged
    when the item was handed to the handler (the last hand-over before the act)."""
    away, hand_overs = absences(ctx), _HandOvers(ctx)
    acts = _substitute_acts(ctx)
    out = []
    for idx, case, owner, handler, t in zip(
        acts.index.tolist(), acts["case"].tolist(), decode(acts["on_behalf"], math.nan),
        decode(acts["actor"], math.nan), acts["time"].tolist(), strict=True,
    ):  # fmt: skip
        owner, handler = str(owner), str(handler)
        t_route = hand_overs.time_before(case, handler, idx, t)
        msg = _substitution_breach(ctx, away, owner, handler, t_route)
        if msg is not None:
            out.append(Violation("INV-L06", "A8", int(case), msg, (idx,)))
    return out


@invariant("INV-L07", article="A80", family=FAMILY)
def inv_l07(ctx: LogContext) -> list[Violation]:
    """A6, A8, A80: an absent person does not act, whatever the act — every activity the
    log's schema marks as done in person (its actor is a leader or a principal head, less the
    leave bookkeeping the text expects from someone away: reporting leave, asking for meeting
    leave, A51, A80), so a new activity is covered as soon as it is in the schema. Unless
    remote acts are allowed (K61, AMB-46)."""
    if ctx.substitution.remote_acts != "none":
        return []
    away = absences(ctx)
    acts = rows(ctx, *PERSONAL_ACTS)
    by_actor = acts.groupby(acts["actor"].astype(object), sort=False).indices
    index, times = acts.index.to_numpy(), acts["time"].to_numpy()
    cases, names = acts["case"].to_numpy(), acts["activity"].to_numpy()
    out = []
    for person in sorted(set(away.frame["person"])):
        pos = by_actor.get(person)
        if pos is None:
            continue
        spans = away.of(person)
        start = np.array([a.start for a in spans])[:, None]
        back = np.array([a.back for a in spans])[:, None]
        inside = (times[pos][None, :] > start + EPS) & (times[pos][None, :] < back - EPS)
        for _a, k in zip(*np.nonzero(inside), strict=True):
            i = pos[k]
            msg = f"{person} acted ({names[i]}) while away"
            out.append(Violation("INV-L07", "A80", int(cases[i]), msg, (int(index[i]),)))
    return out


@invariant("INV-L08", article="A8", family=FAMILY)
def inv_l08(ctx: LogContext) -> list[Violation]:
    """A6, A8: 补位 starts exactly when an absence with a triggering reason starts and ends
    exactly when the person is back (planned end or back on post after a recall)."""
    org, trig = ctx.org, triggers(ctx)
    marks: dict[tuple[int, str], list[float]] = defaultdict(list)
    subs = rows(ctx, *SUBSTITUTION_MARKS)
    for c, act, t in zip(
        subs["case"].tolist(), subs["activity"].astype(str), subs["time"].tolist(), strict=True
    ):
        marks[(c, act)].append(t)
    out = []
    for a in absences(ctx).all():
        expected = (
            a.person in org.leader_roles
            and ctx.substitution.policy != "none"
            and (trig is None or a.reason in trig)
        )
        start, end = marks[(a.case, "substitution.start")], marks[(a.case, "substitution.end")]
        if not expected:
            if start or end:
                msg = "substitution without a triggering absence"
                out.append(Violation("INV-L08", "A8", a.case, msg))
            continue
        if start != [a.start]:
            msg = "substitution does not start with the absence"
            out.append(Violation("INV-L08", "A8", a.case, msg))
        if math.isfinite(a.back) and end != [a.back]:
            msg = "substitution does not end when the person is back"
            out.append(Violation("INV-L08", "A8", a.case, msg))
    return out


@invariant("INV-L10", article="A8", family=FAMILY)
def inv_l10(ctx: LogContext) -> list[Violation]:
    """A8 「副市长出市（出访）、休假期间，由补位的副市长代为处理有关工作」: 补位 lasts while the
    absence lasts — a substitute starts work for a leader (an act done ``on_behalf`` with a
    ``start``) only while that leader is away; what the substitute had not started when the
    leader came back went back to the leader. Unless the scenario lets substitutes keep it
    (``substitution.hand_back = false``)."""
    if not ctx.substitution.hand_back:
        return []
    away = absences(ctx)
    acts = rows(ctx, *ON_BEHALF_ACTS)
    acts = acts.loc[acts["on_behalf"].notna() & acts["start"].notna()]
    out = []
    for idx, case, owner, begun in zip(
        acts.index.tolist(), acts["case"].tolist(), decode(acts["on_behalf"], math.nan),
        acts["start"].tolist(), strict=True,
    ):  # fmt: skip
        if away.at(str(owner), begun + EPS) is None and away.at(str(owner), begun) is None:
            msg = f"work for {owner} begun at {begun:.1f}, when {owner} was on post"
            out.append(Violation("INV-L10", "A8", int(case), msg, (idx,)))
    return out


@invariant("INV-L11", article="A89", family=FAMILY)
def inv_l11(ctx: LogContext) -> list[Violation]:
    """K28 (A41, A89, A90): a leader busy away from the desk — 调研, receiving visitors, an
    external meeting, an event — does no document work meanwhile: no act of the leader's own
    desk work (``start`` to its time) overlaps one of the leader's ``leader.engaged`` blocks."""
    blocks = rows(ctx, *ENGAGED)
    if blocks.empty:
        return []
    work = rows(ctx, *LEADER_WORK)
    by_actor = work.groupby(work["actor"].astype(object), sort=False).indices
    index, cases = work.index.to_numpy(), work["case"].to_numpy()
    begun, done = work["start"].to_numpy(), work["time"].to_numpy()
    names = work["activity"].astype(str).to_numpy()
    out = []
    for person, frame in blocks.groupby(blocks["actor"].astype(object), sort=True):
        pos = by_actor.get(person)
        if pos is None:
            continue
        b0 = frame["start"].to_numpy()[:, None]
        b1 = frame["time"].to_numpy()[:, None]
        hit = (begun[pos][None, :] < b1 - EPS) & (done[pos][None, :] > b0 + EPS)
        for k in np.unique(np.nonzero(hit)[1]):
            i = pos[k]
            msg = f"{person} worked ({names[i]}) during a block away from the desk"
            out.append(Violation("INV-L11", "A89", int(cases[i]), msg, (int(index[i]),)))
    return out
