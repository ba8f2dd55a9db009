"""The four government meetings and their topics (A44–A53; RULES §5, §8.2 INV-M01 … M09,
INV-M12).

What differs by kind of meeting is the table :data:`govsim.checks.meeting_kinds.KINDS`, read
by every check here. Restated from the text over the log: none of this calls
:mod:`govsim.rules`.
"""

from __future__ import annotations

import datetime as dt
import math

from govsim.checks.context import EPS, LogContext, Violation
from govsim.checks.meeting_kinds import KINDS, MAYORS_MEETINGS, kind_of, roster, stand_in_allowed
from govsim.checks.registry import invariant
from govsim.checks.views import (
    Ev,
    absences,
    before_cut,
    case_info,
    conveners,
    first_index_by_case,
    meeting_kinds,
    opened,
    per_case,
    rows,
    triggers,
)
from govsim.checks.vocab import A48_STEPS, AGENDA_ACTS, DECISIONS_TO_SUPERVISE, MINUTES_BY_MAYOR
from govsim.core.calendar import WorkCalendar
from govsim.core.org import GO

FAMILY = "meetings"


def _idx_before(evs: list[Ev], idx: int) -> list[Ev]:
    return [e for e in evs if e.idx < idx]


@invariant("INV-M01", article="A45", family=FAMILY)
def inv_m01(ctx: LogContext) -> list[Violation]:
    """Who decides to convene (RULES §3.5): every opened meeting has a prior
    ``meeting.convene_decided`` — by the mayor for the plenary, executive and mayor's office
    meetings (A44, A46 「由市长召集和主持」, A45 「由市长决定召开」), by the mayor or a vice mayor
    for a special topic (A47 「由市长、副市长…召集」)."""
    org, kinds = ctx.org, meeting_kinds(ctx)
    vms = {org.mayor} | {
        ld for ld, r in org.leader_roles.items() if r in ("executive_vice_mayor", "vice_mayor")
    }
    decided = per_case(ctx, "meeting.convene_decided")
    found = opened(ctx)
    out = []
    for idx, case in zip(found.index.tolist(), found["case"].tolist(), strict=True):
        kind = kinds.get(case)
        spec = kind_of(kind)
        allowed = {org.mayor} if spec.mayors else vms
        if not any(e.owner in allowed for e in _idx_before(decided.get(case, []), idx)):
            msg = f"{kind} meeting opened without its convener's decision"
            out.append(Violation("INV-M01", spec.convene_article, case, msg, (idx,)))
    return out


def _chair_breach(ctx: LogContext, case: int, kind: str, chair: str, e: Ev) -> str | None:
    """What is wrong with ``chair`` opening meeting ``case`` (the opening ``e``)."""
    org, away = ctx.org, absences(ctx)
    convener = conveners(ctx).get(case, org.mayor)
    if away.at(chair, e.time) is not None:
        return f"chair {chair} is away"
    if chair == convener:
        return None
    allowed = org.leader_roles.get(chair) in kind_of(kind).stand_ins
    if not allowed or not stand_in_allowed(ctx.sc, kind):
        return f"{kind} meeting chaired by {chair}"
    if away.at(convener, e.time) is None:
        return f"{chair} chaired while the convener {convener} was on post"
    entrusted = _idx_before(per_case(ctx, "meeting.entrusted").get(case, []), e.idx)
    if not any(x.owner == convener and x.target == chair for x in entrusted):
        return f"{chair} chaired without {convener}'s entrustment"
    return None


@invariant("INV-M02", article="A45", family=FAMILY)
def inv_m02(ctx: LogContext) -> list[Violation]:
    """Chair validity (RULES §5.3, R52–R54): the convener chairs; a stand-in only while the
    convener is away and with a prior ``meeting.entrusted`` from the convener to them — the
    executive vice mayor for the mayor's meetings (A45 「市长不能出席会议时，可委托负责常务工作的
    副市长召集和主持」, AMB-40; the plenary and mayor's office meeting only under the AMB-26
    knob), the secretary-general or a deputy for a special topic (A47); a chair is never
    away."""
    kinds, out = meeting_kinds(ctx), []
    for case, evs in per_case(ctx, "meeting.opened").items():
        for e in evs:
            kind = kinds.get(case, "executive")
            msg = _chair_breach(ctx, case, kind, str(e.actor), e)
            if msg is not None:
                out.append(Violation("INV-M02", kind_of(kind).article, case, msg, (e.idx,)))
    return sorted(out, key=lambda v: v.events)


def _quorum_base(ctx: LogContext) -> str:
    sc = ctx.sc
    if sc is not None and sc.meetings is not None:
        return sc.meetings.executive.quorum_base
    return "roster"


@invariant("INV-M03", article="A45", family=FAMILY)
def inv_m03(ctx: LogContext) -> list[Violation]:
    """A45 「出席人数须超过应到人数的二分之一」: at every executive meeting's opening, the
    members not away (from the log's absences) are strictly more than half of the roster (mayor,
    vice mayors, secretary-general; K46 ``roster_minus_leave``: of the members not on
    leave), and the logged ``value`` is that count (RULES §5.5)."""
    members, away = roster(ctx.org), absences(ctx)
    base = _quorum_base(ctx)
    found = opened(ctx, "executive")
    out = []
    for idx, case, t, value in zip(
        found.index, found["case"], found["time"], found["value"], strict=True
    ):
        present = sum(1 for m in members if away.at(m, t) is None)
        expected = present if base == "roster_minus_leave" else len(members)
        if not 2 * present > expected:
            msg = f"{present} of {expected} members present: no quorum"
            out.append(Violation("INV-M03", "A45", int(case), msg, (idx,)))
        elif value != present:
            msg = f"logged {value:g} present, the log's absences give {present}"
            out.append(Violation("INV-M03", "A45", int(case), msg, (idx,)))
    return out


def _lead_days(ctx: LogContext) -> tuple[int, bool]:
    sc = ctx.sc
    if sc is not None and sc.meetings is not None:
        return sc.meetings.topics.lead_working_days, sc.meetings.topics.merge_vm_steps
    return 5, False


def _close_of_nth_working_day_before(cal: WorkCalendar, day: dt.date, n: int) -> float:
    """AMB-45 restated: walk back from the meeting day (not counted) over ``n`` working days;
    the materials are due by the close of office of the last one (-inf before the calendar)."""
    d = day
    while n > 0:
        d -= dt.timedelta(days=1)
        if d < cal.start:
            return -math.inf
        if cal.is_working_day(d):
            n -= 1
    return cal.office_close(d)


def _agenda_items(ctx: LogContext, *kinds: str) -> list[tuple[int, int, int]]:
    """(event, topic, meeting) of each ``topic.on_agenda`` of a meeting of the given kinds
    (a meeting of unknown kind counts as an executive meeting)."""
    found, kind = rows(ctx, "topic.on_agenda"), meeting_kinds(ctx)
    items = zip(found.index.tolist(), found["case"].tolist(), found["value"].tolist(), strict=True)
    return [(i, int(t), int(m)) for i, t, m in items if kind.get(int(m), "executive") in kinds]


def _topic_a49(
    ctx: LogContext, topic: int, meeting: int, idx: int, planned: dict[int, float]
) -> list[str]:
    """A49 for one topic on an executive meeting's agenda (see :func:`inv_m04`)."""
    cal, org = ctx.cal, ctx.org
    lead, merged = _lead_days(ctx)
    sub = _idx_before(per_case(ctx, "topic.submitted").get(topic, []), idx)
    # materials submitted and signed off before a warm start's cut (then before any
    # cut-off in this log, or special: A49)
    prior = before_cut(ctx, topic, (e.act for e in sub), ("topic.submitted",))
    if meeting not in planned or not (sub or prior):
        return ["on an agenda without a planned meeting or submitted materials"]
    if not sub:
        return []
    out = []
    day = cal.date_of(planned[meeting])
    due = _close_of_nth_working_day_before(cal, day, lead)
    last = sub[-1]
    if not (last.time <= due + EPS or last.outcome == "special"):
        out.append(
            f"received {cal.datetime_of(last.time)}, due by the close of {lead} working "
            f"days before {day}, and not special"
        )
    info = case_info(ctx).get(topic)
    vm = org.portfolio_owner.get(str(info["matter"] if info is not None else None))
    proposed = ctx.cached(
        "agenda_proposed", lambda: first_index_by_case(rows(ctx, "go.arrangement_proposed"))
    )
    before = proposed.get(meeting, idx)
    sign = per_case(ctx, "topic.vm_confirmed" if merged else "topic.signed_off").get(topic, [])
    if not any(e.owner == vm and e.idx < before for e in sign):
        out.append(f"no sign-off by {vm} before the agenda was proposed")
    return out


@invariant("INV-M04", article="A49", family=FAMILY)
def inv_m04(ctx: LogContext) -> list[Violation]:
    """A49 「除特殊情况外，应于会前5个工作日报送市政府办公室运转，报分管副市长签批」: every topic
    on a meeting's agenda reached the GO by the close of office of the 5th working day before
    the planned meeting day (AMB-45) or is special (AMB-12), and the vice mayor in charge of its
    matter signed it off (with merged steps, K52: confirmed) before the GO proposed the agenda.
    A49 applies to the executive meeting only (RULES §5.1 notes)."""
    planned = rows(ctx, "meeting.planned").groupby("case", observed=True)["deadline"].first()
    plan = {int(c): float(t) for c, t in planned.items()}
    return [
        Violation("INV-M04", "A49", topic, msg, (idx,))
        for idx, topic, meeting in _agenda_items(ctx, "executive")
        for msg in _topic_a49(ctx, topic, meeting, idx, plan)
    ]


def _agenda_steps(ctx: LogContext, kind: str) -> tuple[tuple[str, str], ...]:
    """A50: the GO proposes, the SG reviews (the executive meeting), the mayor fixes."""
    org = ctx.org
    proposed, reviewed, fixed = AGENDA_ACTS
    review = ((reviewed, org.secretary_general),)
    return (
        (proposed, GO),
        *(review if kind_of(kind).sg_reviews_agenda else ()),
        (fixed, org.mayor),
    )


def _fixed_by_stand_in(ctx: LogContext, case: int, kind: str, fixes: list[Ev]) -> set[int]:
    """Agenda fixings by the executive VM after the mayor, away, entrusted them (A45)."""
    org, away = ctx.org, absences(ctx)
    evm = org.executive_vice_mayor
    entrusted = [
        e.idx
        for e in per_case(ctx, "meeting.entrusted").get(case, [])
        if e.owner == org.mayor and e.target == evm
        and away.at(org.mayor, e.time) is not None and stand_in_allowed(ctx.sc, kind)
    ]  # fmt: skip
    return {e.idx for e in fixes if e.actor == evm and any(j < e.idx for j in entrusted)}


def _agenda_breach(ctx: LogContext, case: int, kind: str, idx: int) -> str | None:
    """The first A50 step missing or out of order before the opening ``idx``."""
    mine = _idx_before(per_case(ctx, *AGENDA_ACTS).get(case, []), idx)
    last = -1
    for activity, who in _agenda_steps(ctx, kind):
        done = [e for e in mine if e.act == activity]
        fixing = activity == AGENDA_ACTS[-1]  # the mayor's, or a stand-in's by entrustment
        ok = _fixed_by_stand_in(ctx, case, kind, done) if fixing else set()
        done = [e for e in done if e.actor == who or e.idx in ok]
        if not done or done[0].idx < last:
            return f"{kind} meeting: {activity} by {who} missing or out of order"
        last = done[0].idx
    return None


@invariant("INV-M05", article="A50", family=FAMILY)
def inv_m05(ctx: LogContext) -> list[Violation]:
    """A50 「市政府常务会议由市政府办公室提出安排意见，经市政府秘书长审定后报市长确定」: before
    every opening, in this order: ``go.arrangement_proposed`` (GO), ``sg.arrangement_reviewed``
    (the secretary-general), ``mayor.agenda_fixed`` (the mayor) — for every executive meeting;
    for the plenary and the mayor's office meeting, whose procedure is not stated (AMB-24), the
    GO's proposal and the mayor's fixing. The agenda is fixed by the executive vice mayor only
    after the mayor, away, entrusted them with the meeting (A45 「委托…召集和主持」), and for
    the plenary and the mayor's office meeting only when the AMB-26 knob allows a stand-in."""
    kinds, out = meeting_kinds(ctx), []
    found = opened(ctx, *MAYORS_MEETINGS)
    for idx, case in zip(found.index.tolist(), found["case"].tolist(), strict=True):
        kind = kinds.get(case, "executive")
        msg = _agenda_breach(ctx, case, kind, idx)
        if msg is not None:
            out.append(Violation("INV-M05", kind_of(kind).agenda_article, case, msg, (idx,)))
    return out


def _in_scope(ctx: LogContext, topic: int, mine: list[Ev]) -> bool:
    """Not within a vice mayor's or a department's authority (A48): a major request, a
    document the government must deliberate (A21, A61(6)), or a matter sent up (A46, A47)."""
    c = case_info(ctx).get(topic)
    return c is not None and (
        bool(c["major"])
        or str(c["case_type"]) in ("draft", "normative")
        or any(e.act == "topic.escalated" for e in mine)
    )


def _a48_breach(ctx: LogContext, topic: int, mine: list[Ev], idx: int) -> str | None:
    """The last A48 step missing (walking back from the agenda entry ``idx``)."""
    c = case_info(ctx).get(topic)
    vm = ctx.org.portfolio_owner.get(str(c["matter"])) if c is not None else None
    who = {"topic.vm_confirmed": vm, "topic.mayor_agreed": ctx.org.mayor}
    before = idx
    prior = before_cut(ctx, topic, (e.act for e in mine), A48_STEPS)  # a warm start's cut
    for act in reversed(A48_STEPS):
        done = [e for e in mine if e.act == act and e.idx < before]
        if act in who:
            done = [e for e in done if e.owner == who[act]]
        if not done and act in prior:
            return None
        if not done:
            return f"no {act} (by {who[act]})" if act in who else f"no {act} in order"
        before = max(e.idx for e in done)
    return None


@invariant("INV-M06", article="A48", family=FAMILY)
def inv_m06(ctx: LogContext) -> list[Violation]:
    """A48 「主办部门应提前充分研究论证，与相关部门协调一致，经合法合规性审查后，按程序报送分管
    副市长确定，并报市长同意。属于副市长、市政府部门职责权限范围内决定的事项，或会前未经沟通协商
    的事项，不提交会议讨论研究」: every topic on a plenary or executive agenda has, in this order
    and before it went on the agenda, ``topic.researched``, ``topic.coordinated``,
    ``topic.compliance_reviewed``, ``topic.vm_confirmed`` by the vice mayor in charge of its
    matter and ``topic.mayor_agreed`` by the mayor; and it is not within a vice mayor's or a
    department's authority: a major request, a document the government must deliberate (A21,
    A61(6)), or a matter a mayor's office or special-topic meeting sent up (A46(二), A47(三))."""
    steps = per_case(ctx, *A48_STEPS, "topic.escalated")
    out = []
    for idx, topic, _meeting in _agenda_items(ctx, "executive", "plenary"):
        mine = _idx_before(steps.get(topic, []), idx)
        if not _in_scope(ctx, topic, mine):
            msg = "a matter within a vice mayor's or department's authority put to the meeting"
            out.append(Violation("INV-M06", "A48", topic, msg, (idx,)))
        msg = _a48_breach(ctx, topic, mine, idx)
        if msg is not None:
            out.append(Violation("INV-M06", "A48", topic, msg, (idx,)))
    return out


class _ToMayor:
    """Whether a leave request or summary went to the mayor, or to the executive VM acting
    for the mayor — on post, while the mayor is away for a reason that triggers A6 under the
    policy (K58, K60)."""

    def __init__(self, ctx: LogContext) -> None:
        self.org, self.away, self.triggers = ctx.org, absences(ctx), triggers(ctx)
        sub = ctx.substitution
        self.acting = sub.policy != "none" and sub.substitute_may_approve

    def __call__(self, target: object, t: float) -> bool:
        org = self.org
        if target == org.mayor:
            return True
        evm = org.executive_vice_mayor
        if target != evm or not self.acting or self.away.at(evm, t) is not None:
            return False
        away = self.away.at(org.mayor, t)
        return away is not None and (self.triggers is None or away.reason in self.triggers)


def _leave_breaches(ctx: LogContext, case: int, kind: str, idx: int, t: float) -> list[str]:
    """A51 for one opening (see :func:`inv_m07`)."""
    org, away, to_mayor = ctx.org, absences(ctx), _ToMayor(ctx)
    req = _idx_before(per_case(ctx, "meeting_leave.requested").get(case, []), idx)
    summaries = _idx_before(per_case(ctx, "go.leave_summary").get(case, []), idx)
    summ = [e.idx for e in summaries if to_mayor(e.target, e.time)]
    spec, out = kind_of(kind), []
    for m in sorted(spec.members(org) - {org.mayor}):
        if away.at(m, t) is None:
            continue
        if not any(to_mayor(e.target, e.time) for e in req if e.actor == m):
            out.append(f"{m} absent from the {kind} meeting without asking the mayor")
    for o in sorted(spec.observers(org)):
        if away.at(o, t) is None:
            continue
        mine = [e.idx for e in req if e.actor == o and e.target == GO]
        if not mine:
            out.append(f"{o} absent from the {kind} meeting without asking the GO")
        elif not any(i > min(mine) for i in summ):
            out.append(f"{o}'s leave not in a GO summary to the mayor before the opening")
    return out


@invariant("INV-M07", article="A51", family=FAMILY)
def inv_m07(ctx: LogContext) -> list[Violation]:
    """A51 「市政府领导同志不能出席市政府全体会议、常务会议和市长办公会议，须向市长请假；市政府
    全体会议其他与会人员或市政府常务会议、市长办公会议列席人员请假，由市政府办公室汇总后向市长报告」:
    at every opening of those meetings, each member away has asked the mayor for leave for that
    meeting before it (the mayor's own absence needs no request), and each observer (other
    participant) away has asked the GO, with a ``go.leave_summary`` to the mayor after that
    request and before the opening (RULES §6.3). While the mayor is away, the executive vice
    mayor acting for the mayor may take them instead (A6; K60, AMB-09)."""
    kinds = meeting_kinds(ctx)
    found = opened(ctx, *MAYORS_MEETINGS)
    return [
        Violation("INV-M07", "A51", case, msg, (idx,))
        for idx, case, t in zip(
            found.index.tolist(), found["case"].tolist(), found["time"].tolist(), strict=True
        )
        for msg in _leave_breaches(ctx, case, kinds.get(case, "executive"), idx, t)
    ]


@invariant("INV-M09", article="A53", family=FAMILY)
def inv_m09(ctx: LogContext) -> list[Violation]:
    """A53 「市政府全体会议、常务会议、市长办公会议和专题会议决定事项，由市政府办公室负责督办」:
    when the scenario keeps the supervision ledger, every ``meeting.decision`` (and standing
    item, ``meeting.standing_item``, whose parent is the meeting's case) of a meeting
    whose minutes were issued (A52 「印发」: the decision is known to those who carry it out)
    has a ledger item of source ``meeting`` whose parent is the topic's case, registered by
    the GO at or after the minutes were issued (RULES §5.7). Decisions whose minutes are still
    unsigned at the end of the log are not due yet. Without the ledger (or without a
    scenario) there is nothing to check."""
    sc, cases = ctx.sc, ctx.cases
    if sc is None or sc.ledger is None or not sc.ledger.enabled or "source" not in cases.columns:
        return []
    items = cases.loc[cases["source"].astype(str) == "meeting", ["case", "parent"]]
    registered = rows(ctx, "ledger.registered")
    reg_time = (
        registered.loc[registered["actor"] == GO].groupby("case", observed=True)["time"].min()
    )
    latest: dict[int, float] = {}
    for item, parent in zip(items["case"].astype(int), items["parent"].astype(int), strict=True):
        if item in reg_time.index:
            latest[parent] = max(latest.get(parent, -math.inf), float(reg_time.loc[item]))
    issued = rows(ctx, "minutes.issued").groupby("case", observed=True)["time"].min()
    out = []
    # a topic's decision is on the topic's case (value: the meeting); a standing item's on
    # the meeting's case, whose ledger item has the meeting as parent (A45(七))
    decisions = rows(ctx, *DECISIONS_TO_SUPERVISE)
    for idx, act, case, value in zip(
        decisions.index, decisions["activity"], decisions["case"], decisions["value"], strict=True
    ):
        standing = act == "meeting.standing_item"
        meeting = int(case) if standing else int(value)
        topic = meeting if standing else int(case)
        if meeting not in issued.index:
            continue
        if not latest.get(topic, -math.inf) >= issued.loc[meeting] - EPS:
            msg = "a decision with no ledger item after it"
            out.append(Violation("INV-M09", "A53", topic, msg, (idx,)))
    return out


def _may_sign(ctx: LogContext, case: int, kind: str, chair: object) -> set[str]:
    """Who may sign a meeting's minutes (A52, AMB-10/K49; see :func:`inv_m08`)."""
    org, sc = ctx.org, ctx.sc
    allowed, spec = {org.mayor}, kind_of(kind)
    if spec.convener_signs:
        convener = conveners(ctx).get(case)
        if convener is not None and org.leader_roles.get(convener) != "secretary_general":
            allowed.add(convener)
    elif spec.entrusted_signs and sc is not None and sc.meetings is not None:
        k49 = sc.meetings.minutes.exec_vm_may_sign_when_entrusted
        if k49 and str(chair) == org.executive_vice_mayor:
            allowed.add(org.executive_vice_mayor)
    return allowed


@invariant("INV-M08", article="A52", family=FAMILY)
def inv_m08(ctx: LogContext) -> list[Violation]:
    """A52 「市政府全体会议、常务会议、市长办公会议的纪要，由市长签发。市政府专题会议纪要由市长或
    分管有关工作的副市长签发。涉及重要事项的专题会议纪要，须经市长审定后印发」: the mayor signs
    the mayor's meetings' minutes — the executive vice mayor an executive meeting's only if
    they chaired by entrustment and the scenario's K49 knob allows it (AMB-10) — and the mayor
    or the vice mayor who convened a special topic signs its minutes; important special-topic
    minutes (``minutes.drafted`` outcome ``important``) are reviewed (or signed) by the mayor
    before being issued; minutes are issued only after being signed."""
    org, kinds = ctx.org, meeting_kinds(ctx)
    chairs = opened(ctx).groupby("case", observed=True)["actor"].last()
    signed = rows(ctx, "minutes.signed")
    out = []
    for idx, case, who in zip(
        signed.index, signed["case"].tolist(), signed["actor"].astype(str), strict=True
    ):
        kind = kinds.get(case, "executive")
        if who not in _may_sign(ctx, case, kind, chairs.get(case)):
            out.append(Violation("INV-M08", "A52", case, f"{kind} minutes signed by {who}", (idx,)))
    signed_first = first_index_by_case(signed)
    by_mayor = rows(ctx, *MINUTES_BY_MAYOR)
    mayor_first = first_index_by_case(by_mayor.loc[by_mayor["actor"] == org.mayor])
    drafted = rows(ctx, "minutes.drafted")
    important = set(drafted.loc[drafted["outcome"] == "important", "case"].astype(int))
    issued = rows(ctx, "minutes.issued")
    for idx, case in zip(issued.index.tolist(), issued["case"].tolist(), strict=True):
        first = signed_first.get(case)
        if first is None or first > idx:
            out.append(Violation("INV-M08", "A52", case, "minutes issued unsigned", (idx,)))
        if case in important and not mayor_first.get(case, idx + 1) < idx:
            msg = "important minutes issued without the mayor"
            out.append(Violation("INV-M08", "A52", case, msg, (idx,)))
    return out


@invariant("INV-M12", article="A44", family=FAMILY)
def inv_m12(ctx: LogContext) -> list[Violation]:
    """Roles at meetings (A44, A46; RULES §3.5): the members present logged at the opening of
    a plenary or mayor's office meeting are that meeting's members not away — observers never
    count: deputy secretaries-general anywhere, the secretary-general at the mayor's office
    meeting (A46 「由市长、副市长组成，市政府秘书长和市政府副秘书长列席」). The executive
    meeting's count is INV-M03's; a special topic logs its chair alone."""
    org, kinds, away = ctx.org, meeting_kinds(ctx), absences(ctx)
    found = opened(ctx, "plenary", "mayor_office", "special_topic")
    out = []
    for idx, case, t, value in zip(
        found.index, found["case"].tolist(), found["time"], found["value"], strict=True
    ):
        spec = KINDS[kinds[case]]
        members = spec.members(org)
        present = sum(1 for m in members if away.at(m, t) is None)
        expected = present if members else 1
        if value != expected:
            msg = f"{kinds[case]} meeting logged {value:g} members present, not {expected}"
            out.append(Violation("INV-M12", spec.article, case, msg, (idx,)))
    return out
