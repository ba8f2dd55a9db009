"""The rules' invariants (RULES.md §8.2) as checks over an event log.

Each check restates its article independently of the model's decision code in
:mod:`govsim.rules` — it reads only the log, the case table, the organisation and the
calendar — so a wrong rule function shows up here as a violation (DESIGN: Rules are written
once; invariants restate them).

Checked so far: INV-D01 … INV-D17 (intake, countersign, routing, instructions), INV-O01 …
INV-O09 and INV-O11 (outgoing documents, the A61 signing matrix, contracts), INV-N01 and
INV-N03 (normative documents), INV-L01, INV-L03 … INV-L08 (leave and substitution), INV-M01 …
M09 and M12 (the four government meetings and their topics), INV-S01, INV-S04, INV-S05 (supervision
ledger) and the engineering invariants INV-E01 … INV-E04. Invariants of parts not yet
modelled (seals, department meetings, …) are listed in :data:`NOT_YET_CHECKED`.

Some invariants hold "given knobs" (RULES §8.2): the countersign limits and deemed consent
depend on the scenario's reading of the text (:class:`RuleParams`, from the scenario given to
:func:`check_log`; without one, the text's own numbers).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import itertools
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.core.org import GO, Organisation
from govsim.log.read import LoadedLog
from govsim.scenario.availability_models import SUBSTITUTION_TRIGGERS, Substitution
from govsim.scenario.models import Scenario

TERMINAL = ("doc.closed", "doc.withdrawn", "ledger.closed")
WORKING_DAY_DEADLINES = (
    "go.transferred",
    "instruction.overdue",
    "dept.replied",
    "cs.requested",  # A59 limits, counted in working days (AMB-45; 7 calendar days end on one)
    "cs.extension_agreed",
    "cs.deemed",
)
LEADER_ACTS = ("leader.approved", "leader.circle_read", "leader.instructed")
UPWARD = ("request", "report")
OUTGOING = ("draft", "normative")
EPS = 1e-6


@dataclass(frozen=True)
class RuleParams:
    """The scenario's reading of the text where the invariants depend on it ("given knobs").

    Defaults are the text (A59 「3个工作日」) and the RULES defaults (AMB-01 one week = 5
    working days; deemed consent on, also after an extension, AMB-19; the dissent version is
    countersigned again, K37; department matters are redirected, AMB-17). A scenario may also
    end upward documents at the GO's review (``general_office.close_after_review``, a model
    boundary rather than a reading of the text).
    """

    countersign_working_days: int = 3
    complex_limit: str = "5wd"
    deemed_consent: bool = True
    deemed_after_extension: bool = True
    recountersign_dissent: bool = True
    dept_scope_policy: str = "redirect"
    close_after_review: bool = False


def params_from_scenario(sc: Scenario) -> RuleParams:
    """The :class:`RuleParams` a scenario runs under."""
    cs = sc.countersign
    return RuleParams(
        countersign_working_days=cs.working_days,
        complex_limit=cs.complex_limit,
        deemed_consent=cs.deemed_consent,
        deemed_after_extension=cs.deemed_after_extension,
        recountersign_dissent=cs.recountersign_dissent,
        dept_scope_policy=sc.intake.dept_scope_policy,
        close_after_review=sc.general_office.close_after_review,
    )


@dataclass(frozen=True)
class Violation:
    """One breach of an invariant, with the events that show it."""

    invariant: str
    article: str
    case: int | None
    message: str
    events: tuple[int, ...] = ()

    def __str__(self) -> str:
        where = f"case {self.case}: " if self.case is not None else ""
        rows = f" [events {', '.join(map(str, self.events[:5]))}]" if self.events else ""
        return f"{self.invariant} ({self.article}): {where}{self.message}{rows}"


@dataclass(frozen=True)
class LogContext:
    """What a check may read: the log, its case table and the static context."""

    events: pd.DataFrame
    cases: pd.DataFrame
    org: Organisation
    cal: WorkCalendar
    colour_rule: Any = None  # the scenario's [ledger.colour] (K62); None: the K62 defaults
    sc: Scenario | None = None
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def substitution(self) -> Substitution:
        """The scenario's 补位 policy (the default policy when no scenario is given)."""
        return self.sc.substitution if self.sc is not None else Substitution()

    @property
    def params(self) -> RuleParams:
        """The scenario's countersign and intake knobs (the text's defaults without one)."""
        return params_from_scenario(self.sc) if self.sc is not None else RuleParams()


Check = Callable[[LogContext], list[Violation]]


def _acts(ev: pd.DataFrame, *names: str) -> pd.DataFrame:
    return ev.loc[ev["activity"].isin(names)]


def inv_d01(ctx: LogContext) -> list[Violation]:
    """A55 「除市政府领导同志直接交办事项和确需直接报送的涉密事项、重大突发事件以及部分涉外
    事项外，公文一律送市政府办公室按规定程序统一办理，不得直接报送市政府领导同志个人」: a
    document reaches a leader only after the GO received it, unless its case used one of the
    four direct channels (``channel`` in the case table)."""
    ev = ctx.events
    first_received = _acts(ev, "go.received").groupby("case", observed=True)["time"].min()
    reach = _acts(ev, "doc.routed", "doc.co_review_signed", *LEADER_ACTS)
    if "channel" in ctx.cases:
        direct = set(ctx.cases.loc[ctx.cases["channel"].astype(str) != "go", "case"])
        reach = reach.loc[~reach["case"].isin(direct)]
    out = []
    for idx, row in reach.iterrows():
        got = first_received.get(row["case"], math.inf)
        if not got <= row["time"]:
            out.append(
                Violation(
                    "INV-D01",
                    "A55",
                    int(row["case"]),
                    f"{row['activity']} before any go.received",
                    (idx,),
                )
            )
    return out


def inv_d13(ctx: LogContext) -> list[Violation]:
    """A63 「对文稿质量差、无实质性内容的报送文件，市政府办公室要一律退回」: a document
    submitted in poor quality is returned at its first review, never routed on it; so is
    every later submission still of poor quality."""
    ev, cases = ctx.events, ctx.cases
    poor = set(cases.loc[cases["poor_quality"], "case"])
    first = _acts(ev, "go.reviewed").groupby("case", observed=True).head(1)
    # A department matter is redirected before its quality matters (AMB-17): not passed either.
    passed = ~first["outcome"].isin(["return", "redirect"])
    bad = first.loc[first["case"].isin(poor) & passed]
    return [
        Violation("INV-D13", "A63", int(r["case"]), "poor-quality submission not returned", (i,))
        for i, r in bad.iterrows()
    ] + [v for v in _memo(ctx, _submission_findings) if v.invariant == "INV-D13"]


def inv_d14(ctx: LogContext) -> list[Violation]:
    """A57 「根据市政府领导同志分工呈送审批，重大事项报市长审批」: a routed document belongs to
    the mayor when major (or reserved to the mayor, A61(3)–(4)), else to the leader whose
    portfolio holds the matter; it goes to that leader or, on that leader's behalf, to a
    substitute (A8, A6 — whether the substitute is the right one is INV-L06)."""
    ev, cases, org = ctx.events, ctx.cases, ctx.org
    owner = org.portfolio_owner  # the static 分工 table, not the model's routing function
    info = cases.set_index("case")
    mayor_only = info["mayor_only"] if "mayor_only" in info else pd.Series(False, index=info.index)
    out = []
    for idx, row in _acts(ev, "doc.routed", "doc.rerouted").iterrows():
        case = info.loc[row["case"]]
        to_mayor = bool(case["major"]) or bool(mayor_only.loc[row["case"]])
        expected = org.mayor if to_mayor else owner.get(str(case["matter"]))
        belongs = row["on_behalf"] if pd.notna(row["on_behalf"]) else row["target"]
        if belongs != expected:
            why = "major or mayor-only matter" if to_mayor else f"matter {case['matter']}"
            out.append(
                Violation(
                    "INV-D14",
                    "A57",
                    int(row["case"]),
                    f"routed to {row['target']} for {belongs}, but the {why} belongs to {expected}",
                    (idx,),
                )
            )
    return out


def inv_d16(ctx: LogContext) -> list[Violation]:
    """A57 「由市政府办公室统一转办、处理」: only the GO transfers instructions, and every
    instruction is transferred unless its case is still open at the horizon."""
    ev = ctx.events
    out = []
    transfers = _acts(ev, "go.transferred")
    for idx, row in transfers.loc[transfers["actor"] != GO].iterrows():
        out.append(
            Violation("INV-D16", "A57", int(row["case"]), f"transfer by {row['actor']}", (idx,))
        )
    closed = set(_acts(ev, *TERMINAL)["case"])
    instructed = set(_acts(ev, "leader.instructed")["case"])
    for case in sorted(instructed - set(transfers["case"])):
        if case in closed:
            out.append(
                Violation("INV-D16", "A57", int(case), "instruction closed without a GO transfer")
            )
    return out


def inv_d17(ctx: LogContext) -> list[Violation]:
    """A57 「各部门应当在规定时限内办理完毕并以正式报告形式回复办理结果」: the department a
    transfer names replies; a reply is marked late exactly when it comes after the deadline."""
    ev = ctx.events
    out = []
    transfers = _acts(ev, "go.transferred").set_index("case")
    for idx, row in _acts(ev, "dept.replied").iterrows():
        case = row["case"]
        if case not in transfers.index:
            out.append(Violation("INV-D17", "A57", int(case), "reply without a transfer", (idx,)))
            continue
        t = transfers.loc[case]
        if row["actor"] != t["target"]:
            out.append(
                Violation(
                    "INV-D17",
                    "A57",
                    int(case),
                    f"reply by {row['actor']}, transferred to {t['target']}",
                    (idx,),
                )
            )
        late = row["time"] > t["deadline"] + EPS
        if late != (row["outcome"] == "late"):
            out.append(
                Violation(
                    "INV-D17",
                    "A57",
                    int(case),
                    f"reply marked {row['outcome']} but late={late}",
                    (idx,),
                )
            )
    return out


def inv_e01(ctx: LogContext) -> list[Violation]:
    """Conservation: every case ends at most once (closed or withdrawn), nothing but late
    countersign replies (AMB-19) follows its end, and every case has events (none lost)."""
    ev, cases = ctx.events, ctx.cases
    out = []
    ends = _acts(ev, *TERMINAL)
    for case, n in ends.groupby("case", observed=True).size().items():
        if n > 1:
            out.append(Violation("INV-E01", "engineering", int(case), f"{n} terminal events"))
    last_end = ends.groupby("case", observed=True)["time"].max()
    # A reply after deeming is logged whenever it comes, and ignored (AMB-19).
    in_case = ev.loc[ev["activity"] != "cs.replied_late"]
    last_any = in_case.groupby("case", observed=True)["time"].max()
    after = last_any.reindex(last_end.index) > last_end + EPS
    for case in last_end.index[after.to_numpy()]:
        out.append(Violation("INV-E01", "engineering", int(case), "events after the case ended"))
    missing = set(cases["case"]) - set(ev["case"])
    for case in sorted(missing):
        out.append(Violation("INV-E01", "engineering", int(case), "case has no events"))
    return out


def inv_e02(ctx: LogContext) -> list[Violation]:
    """Event times never go backwards."""
    t = ctx.events["time"].to_numpy()
    back = np.flatnonzero(np.diff(t) < 0)
    return [
        Violation(
            "INV-E02",
            "engineering",
            int(ctx.events["case"].iat[i + 1]),
            "time goes backwards",
            (int(i + 1),),
        )
        for i in back
    ]


def inv_e03(ctx: LogContext) -> list[Violation]:
    """Every actor holds the role its act claims: GO acts by the GO, leader acts by leaders,
    submissions, replies and countersigns by units, legality reviews by a department
    (A20, A21, A55–A61, A70–A74, A80)."""
    ev, org = ctx.events, ctx.org
    leaders, units, departments = set(org.leaders), set(org.units), set(org.departments)
    expected = {
        "go.received": {GO},
        "go.reviewed": {GO},
        "doc.routed": {GO},
        "go.transferred": {GO},
        "doc.closed": {GO},
        "instruction.overdue": {GO},
        "leader.approved": leaders,
        "leader.circle_read": leaders,
        "leader.instructed": leaders,
        "doc.submitted": units,
        "doc.withdrawn": units,
        "dept.replied": units,
        # Supervision ledger (A70, A73, A74): the GO registers, assigns, verifies, closes and
        # criticises; the owner department undertakes, reports and takes stock; leaders push;
        # the mayor dispatches.
        "doc.rerouted": {GO},
        "leave.requested": units,
        "leave.reported": leaders - {org.mayor},
        "leave.filed": leaders - {org.mayor},
        "leave.approved": leaders,
        "absence.start": leaders | units,
        "absence.end": leaders | units,
        "absence.on_post": leaders | units,
        "absence.recall": {org.mayor, org.executive_vice_mayor},
        "substitution.start": {GO},
        "substitution.end": {GO},
        "ledger.registered": {GO},
        "ledger.assigned": {GO},
        "ledger.verified": {GO},
        "ledger.closed": {GO},
        "outcome.criticise": {GO},
        "ledger.undertaken": departments,
        "ledger.feedback": departments,
        "ledger.colour": departments,
        "cadence.stocktake": departments,
        "ledger.pushed": leaders,
        "cadence.dekad_push": leaders,
        "cadence.monthly_dispatch": {org.mayor},
        "outcome.supervise": {org.mayor},
        "outcome.admonish": {org.mayor},
        # Meetings (A44–A52): the GO plans, arranges, records and issues; the mayor (a VM for
        # a special topic, A47) decides to convene and entrusts; the mayor agrees and fixes the
        # agenda; the SG reviews it; leaders refer, confirm, sign off, chair and sign (who
        # exactly: INV-M01, M02, M04, M08); departments research, coordinate and (the justice
        # bureau or the lead) review compliance (A48).
        "meeting.planned": {GO},
        "meeting.convene_decided": leaders,
        "meeting.entrusted": leaders,
        "topic.coordinated": departments,
        "topic.compliance_reviewed": departments,
        "topic.returned": leaders,
        "topic.escalated": leaders,
        "go.leave_summary": {GO},
        "go.implementation_report": {GO},
        "meeting.standing_item": leaders,
        "minutes.reviewed": {org.mayor},
        "topic.referred": leaders,
        "topic.researched": departments,
        "topic.vm_confirmed": leaders,
        "topic.mayor_agreed": {org.mayor},
        "topic.submitted": departments,
        "topic.signed_off": leaders,
        "topic.deferred": {GO},
        "topic.on_agenda": {GO},
        "go.arrangement_proposed": {GO},
        "sg.arrangement_reviewed": {org.secretary_general},
        "mayor.agenda_fixed": {org.mayor, org.executive_vice_mayor},
        "meeting_leave.requested": leaders | units,
        "meeting.postponed": {GO},
        "meeting.opened": leaders,
        "meeting.decision": leaders,
        "meeting.adjourned": leaders,
        "minutes.drafted": {GO},
        "minutes.signed": leaders,
        "minutes.issued": {GO},
        # A56, A59: countersigns are between the lead and departments, by principal heads.
        "doc.involves": units,
        "cs.requested": units,
        "cs.cannot_meet": departments,
        "cs.extension_agreed": units,
        "cs.extension_refused": units,
        "cs.replied": departments,
        "cs.deemed": units,
        "cs.replied_late": departments,
        "cs.negotiated": units,
        "cs.dissent_documented": units,
        "cs.handling_proposed": units,
        "cs.joint_signed": departments,
        "doc.countersigned": units,
        # A58–A61: drafted by departments (the GO for its own daily work), vetted, sent for
        # review and signature, issued by the GO; reviewed, authorised, signed by leaders.
        "doc.drafted": departments | {GO},
        "doc.principal_signed": departments,
        "doc.sent_for_review": {GO},
        "doc.co_review_signed": leaders,
        "sign.authorized": leaders,
        "doc.sent_for_signature": {GO},
        "doc.signed": leaders,
        "doc.issued": {GO},
        # A20, A21, A60: legality review by the justice bureau (a department).
        "norm.evaluated": departments,
        "norm.consulted": departments,
        "legality.submitted": departments,
        "justice.legality_reviewed": departments,
        "meeting.deliberated": leaders,
        "norm.registered": departments,
        "doc.published": {GO},
        "norm.filed": {GO},
        "gov.consented": leaders,
        "contract.signed": departments,
    }
    out = []
    for activity, allowed in expected.items():
        rows = _acts(ev, activity)
        bad = rows.loc[~rows["actor"].isin(allowed)]
        out += [
            Violation("INV-E03", "engineering", int(r["case"]), f"{activity} by {r['actor']}", (i,))
            for i, r in bad.iterrows()
        ]
    # A ledger item's 承办, 反馈 and colours come from its owner, its push from the owner's
    # leader in charge (分管, A8).
    owner = ctx.cases.set_index("case")["matter"]
    for activity in ("ledger.undertaken", "ledger.feedback", "ledger.colour", "ledger.pushed"):
        rows = _acts(ev, activity)
        for idx, row in rows.iterrows():
            dept = str(owner.get(row["case"]))
            who = org.portfolio_owner.get(dept) if activity == "ledger.pushed" else dept
            if row["actor"] != who:
                out.append(
                    Violation(
                        "INV-E03",
                        "A8, A73",
                        int(row["case"]),
                        f"{activity} by {row['actor']}, the item's is {who}",
                        (idx,),
                    )
                )
    return out


def inv_e04(ctx: LogContext) -> list[Violation]:
    """Working-day deadlines fall at the close of office of a working day (AMB-45), and work
    is done in office hours: it starts at an open instant and ends open or at a block end."""
    ev, cal = ctx.events, ctx.cal
    out = []
    timed = _acts(ev, *WORKING_DAY_DEADLINES)
    for idx, row in timed.loc[timed["deadline"].notna()].iterrows():
        d = cal.date_of(row["deadline"] - EPS)
        if not cal.is_working_day(d) or abs(cal.office_close(d) - row["deadline"]) > EPS:
            out.append(
                Violation(
                    "INV-E04",
                    "AMB-45",
                    int(row["case"]),
                    "deadline not at a working day's close",
                    (idx,),
                )
            )
    work = ev.loc[ev["start"].notna() & (ev["value"] > 0)]
    for idx, row in work.iterrows():
        if not cal.is_open(row["start"]) or not (
            cal.is_open(row["time"]) or cal.is_open(row["time"] - 1e-3)
        ):
            out.append(
                Violation(
                    "INV-E04", "calendar", int(row["case"]), "work outside office hours", (idx,)
                )
            )
    return out


# -- supervision ledger (A70, A73; RULES §7, §8.2 INV-S01, S04, S05) ------------------------

LEDGER_STEPS = (
    "ledger.registered",
    "ledger.assigned",
    "ledger.undertaken",
    "ledger.feedback",
    "ledger.verified",
    "ledger.closed",
)
LEDGER_MARKS = (
    "ledger.colour",
    "ledger.pushed",
    "outcome.supervise",
    "outcome.admonish",
    "outcome.criticise",
)
# 立项 → 交办 → 承办 → 反馈 → 核查 → 销号, with 核查 failing back to 承办 (A73, AMB-16).
_LEDGER_NEXT: dict[str | None, tuple[str, ...]] = {
    None: ("ledger.registered",),
    "ledger.registered": ("ledger.assigned",),
    "ledger.assigned": ("ledger.undertaken",),
    "ledger.undertaken": ("ledger.feedback",),
    "ledger.feedback": ("ledger.verified",),
    "verified:fail": ("ledger.undertaken",),
    "verified:pass": ("ledger.closed",),
    "ledger.closed": (),
}


def _ledger_items(ctx: LogContext) -> set[int]:
    cases = ctx.cases
    return set(cases.loc[cases["case_type"] == "ledger_item", "case"].astype(int))


def inv_s01(ctx: LogContext) -> list[Violation]:
    """A73 「完善“立项—交办—承办—反馈—核查—销号”流程」: every ledger item's steps come in
    that order, a failed 核查 returning it to 承办 (AMB-16); 销号 only right after a passing
    核查, once, and nothing after it; colours, pushes and escalations only while it is open.
    A70 「按期完」: 销号 is marked late exactly when it comes after the deadline set at 立项.
    Ledger events belong to ledger items only."""
    ev = ctx.events
    items = _ledger_items(ctx)
    out: list[Violation] = []
    ledger_acts = (*LEDGER_STEPS, *LEDGER_MARKS)
    rows = _acts(ev, *ledger_acts)
    stray = rows.loc[~rows["case"].isin(items)]
    for idx, row in stray.iterrows():
        out.append(
            Violation(
                "INV-S01", "A73", int(row["case"]), f"{row['activity']} on a non-item", (idx,)
            )
        )
    mine = ev.loc[ev["case"].isin(items)]
    for case, group in mine.groupby("case", observed=True, sort=True):
        state: str | None = None
        deadline = math.nan
        for idx, activity, outcome, time, dl in zip(
            group.index,
            group["activity"].astype(str),
            group["outcome"].astype(object),
            group["time"],
            group["deadline"],
            strict=True,
        ):
            if activity not in ledger_acts:
                out.append(Violation("INV-S01", "A73", int(case), f"{activity} on an item", (idx,)))
                continue
            if activity in LEDGER_MARKS:
                if state is None or state == "ledger.closed":
                    where = "after 销号" if state else "before 立项"
                    out.append(
                        Violation("INV-S01", "A73", int(case), f"{activity} {where}", (idx,))
                    )
                continue
            if activity not in _LEDGER_NEXT[state]:
                out.append(
                    Violation(
                        "INV-S01",
                        "A73",
                        int(case),
                        f"{activity} after {state or 'nothing'}",
                        (idx,),
                    )
                )
            if activity == "ledger.registered":
                deadline = dl
            if activity == "ledger.verified":
                if outcome not in ("pass", "fail"):
                    out.append(
                        Violation("INV-S01", "A73", int(case), f"核查 outcome {outcome}", (idx,))
                    )
                state = f"verified:{outcome}"
                continue
            if activity == "ledger.closed":
                late = time > deadline + EPS
                if outcome != ("late" if late else "on_time"):
                    out.append(
                        Violation(
                            "INV-S01",
                            "A70",
                            int(case),
                            f"销号 marked {outcome} but late={late}",
                            (idx,),
                        )
                    )
            state = activity
    return out


@dataclass(frozen=True)
class _K62:
    behind_yellow: float = 0.10
    behind_red: float = 0.25
    warn_working_days: int = 5


def _stated_colour(progress: float, planned: float, overdue: bool, near: bool, rule: Any) -> str:
    """RULES §7.4 as written: red when overdue or behind by more than Δ; yellow when behind by
    more than δ, or not done with the deadline near; blue otherwise."""
    if overdue:
        return "red"
    behind = planned - progress
    if behind > rule.behind_red:
        return "red"
    if behind > rule.behind_yellow or (progress < 1 and near):
        return "yellow"
    return "blue"


def inv_s04(ctx: LogContext) -> list[Violation]:
    """A70 「“蓝黄红”标识」 with the K62 rule (AMB-14): every colour logged at a stocktake is the
    one RULES §7.4 gives for the logged progress. The planned progress is restated from the log:
    the share of working time elapsed from 立项 to the deadline; the deadline is near when it
    falls no later than the close of office of the ``warn_working_days``-th working day after
    the stocktake's day; overdue means after the deadline."""
    ev, cal = ctx.events, ctx.cal
    rule = ctx.colour_rule or _K62()
    reg = _acts(ev, "ledger.registered").groupby("case", observed=True).first()
    out: list[Violation] = []
    for idx, row in _acts(ev, "ledger.colour").iterrows():
        case, t, progress = row["case"], row["time"], row["value"]
        if case not in reg.index:
            continue  # INV-S01 reports it
        t0, deadline = reg.at[case, "time"], reg.at[case, "deadline"]
        w0, w1 = cal.work_elapsed(t0), cal.work_elapsed(deadline)
        planned = 1.0 if w1 <= w0 else min(1.0, max(0.0, (cal.work_elapsed(t) - w0) / (w1 - w0)))
        day = cal.date_of(t - EPS)
        w = rule.warn_working_days
        if w == 0:
            near = deadline <= cal.office_close(day) + EPS
        else:
            try:
                near = deadline <= cal.add_working_days(t - EPS, w) + EPS
            except ValueError:  # the w-th working day is past the calendar: the deadline is not
                near = True
        allowed = {
            _stated_colour(p, planned, over, near, rule)
            for p in (progress - 1e-9, progress, progress + 1e-9)
            for over in (t > deadline + EPS, t > deadline - EPS)
        }
        if row["outcome"] not in allowed:
            out.append(
                Violation(
                    "INV-S04",
                    "A70",
                    int(case),
                    f"colour {row['outcome']} at progress {progress:.4f} (planned {planned:.4f}, "
                    f"overdue={t > deadline}, near={near}); the rule gives {sorted(allowed)}",
                    (idx,),
                )
            )
    return out


def _last_workday(cal: WorkCalendar, first: dt.date, last: dt.date) -> dt.date | None:
    """The last working day in [first, last] inside the calendar (None if none is)."""
    day = last
    while day >= max(first, cal.start):
        if cal.is_working_day(day):
            return day
        day -= dt.timedelta(days=1)
    return None


def inv_s05(ctx: LogContext) -> list[Violation]:
    """A70 「政府部门周盘点、分管副市长旬推进、市长月调度」 (RULES §7.5; K06, K07, AMB-15):

    * every calendar week, at the close of office of its last working day, each department with
      open items holds a ``cadence.stocktake`` — and stocktakes happen on no other day;
    * every dekad (1–10, 11–20, 21–end of month), on its last working day up to the 10th, 20th
      or month end, each leader in charge of a department with open items convenes a
      ``cadence.dekad_push`` — and pushes happen on no other day;
    * on the month's last such day, if any item is open, the mayor convenes the
      ``cadence.monthly_dispatch``.

    Open at a moment means registered before it and not closed by it. Days before the start
    of the calendar are unknown: a week or dekad whose day would fall before it is not checked.
    """
    ev, cal, org = ctx.events, ctx.cal, ctx.org
    horizon = cal.horizon_minutes
    items = sorted(_ledger_items(ctx))
    cases = ctx.cases.set_index("case")
    reg = _acts(ev, "ledger.registered").groupby("case", observed=True)["time"].min()
    closed = _acts(ev, "ledger.closed").groupby("case", observed=True)["time"].min()
    t_in = np.array([reg.get(c, math.inf) for c in items])
    t_out = np.array([closed.get(c, math.inf) for c in items])
    owners = np.array([str(cases.at[c, "matter"]) for c in items], dtype=object)
    leaders = np.array([org.portfolio_owner.get(o) for o in owners], dtype=object)

    def open_at(t: float) -> np.ndarray:
        return (t_in < t) & (t_out > t)

    def held(activity: str) -> set[tuple[str, dt.date]]:
        rows = _acts(ev, activity)
        return {
            (str(a), cal.date_of(t - EPS if activity == "cadence.stocktake" else t))
            for a, t in zip(rows["actor"], rows["time"], strict=True)
        }

    out: list[Violation] = []
    last_day = cal.start + dt.timedelta(days=cal.days)

    # Weekly stocktakes.
    stocktakes = held("cadence.stocktake")
    due_days: set[dt.date] = set()
    monday = cal.start - dt.timedelta(days=cal.start.weekday())
    while monday < last_day:
        day = _last_workday(cal, monday, monday + dt.timedelta(days=6))
        monday += dt.timedelta(days=7)
        if day is None or cal.office_close(day) >= horizon:
            continue
        due_days.add(day)
        for dept in sorted(set(owners[open_at(cal.office_close(day))])):
            if (dept, day) not in stocktakes:
                out.append(
                    Violation("INV-S05", "A70", None, f"no stocktake by {dept} on {day} (周盘点)")
                )
    for actor, day in sorted(stocktakes - {(a, d) for a, d in stocktakes if d in due_days}):
        out.append(Violation("INV-S05", "A70", None, f"stocktake by {actor} on {day}, not due"))

    # Dekad pushes and monthly dispatches.
    pushes, dispatches = held("cadence.dekad_push"), held("cadence.monthly_dispatch")
    push_days: set[dt.date] = set()
    year, month = cal.start.year, cal.start.month
    while dt.date(year, month, 1) < last_day:
        end = _calendar.monthrange(year, month)[1]
        for a, b in ((1, 10), (11, 20), (21, end)):
            day = _last_workday(cal, dt.date(year, month, a), dt.date(year, month, b))
            if day is None or cal.office_open(day) >= horizon:
                continue
            push_days.add(day)
            mask = open_at(cal.office_open(day))
            for leader in sorted(set(leaders[mask])):
                if (leader, day) not in pushes:
                    out.append(
                        Violation("INV-S05", "A70", None, f"no dekad push by {leader} on {day}")
                    )
            if b == end and mask.any() and (org.mayor, day) not in dispatches:
                out.append(Violation("INV-S05", "A70", None, f"no monthly dispatch on {day}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for actor, day in sorted(pushes | dispatches):
        if day not in push_days:
            out.append(Violation("INV-S05", "A70", None, f"session by {actor} on {day}, not due"))
    return out


# -- leave and substitution (A6, A8, A56, A80) ---------------------------------------------


def _absences(ev: pd.DataFrame) -> pd.DataFrame:
    """Absences restated from the log: person, reason, start, planned end, back."""
    starts = _acts(ev, "absence.start")
    back = _acts(ev, "absence.end", "absence.on_post").set_index("case")["time"]
    return pd.DataFrame(
        {
            "case": starts["case"].to_numpy(),
            "person": starts["actor"].astype(str).to_numpy(),
            "reason": starts["outcome"].astype(str).to_numpy(),
            "start": starts["time"].to_numpy(),
            "planned_end": starts["deadline"].to_numpy(),
            "back": starts["case"].map(back).fillna(math.inf).to_numpy(),
        }
    )


def _away_at(absences: pd.DataFrame, person: str, t: float) -> pd.Series | None:
    rows = absences.loc[
        (absences["person"] == person) & (absences["start"] <= t) & (t < absences["back"])
    ]
    return None if rows.empty else rows.iloc[0]


def _triggers(ctx: LogContext) -> set[str] | None:
    """Reasons that activate 补位 (None: every reason), per the scenario (A6, A8, K58)."""
    trig = ctx.substitution.triggers
    return None if trig == "any" else set(trig if trig is not None else SUBSTITUTION_TRIGGERS)


def inv_l01(ctx: LogContext) -> list[Violation]:
    """A80 「须按规定提前3天履行请假报批手续」: a head's leave request comes at least 3
    calendar days (AMB-02) before the absence, or it is counted as late — and only then."""
    ev = ctx.events
    lead_days = ctx.sc.leave.head_lead_days if ctx.sc is not None and ctx.sc.leave else 3
    starts = _acts(ev, "absence.start").set_index("case")["time"]
    out = []
    for idx, row in _acts(ev, "leave.requested").iterrows():
        start = starts.get(row["case"])
        if start is None:
            continue  # the absence starts after the horizon
        gap_days = (start - row["time"]) / 1440.0
        late = gap_days < lead_days - 1e-9
        if late != (row["outcome"] == "late"):
            out.append(
                Violation(
                    "INV-L01",
                    "A80",
                    int(row["case"]),
                    f"request {gap_days:.2f} days ahead marked {row['outcome']}",
                    (idx,),
                )
            )
    return out


def inv_l03(ctx: LogContext) -> list[Violation]:
    """A80 「外出期间，必须保持通讯联络畅通」: a recall reaches a person who is away, at once —
    every recall falls inside the recalled person's absence."""
    ev = ctx.events
    absences = _absences(ev).set_index("case")
    out = []
    for idx, row in _acts(ev, "absence.recall").iterrows():
        a = absences.loc[row["case"]] if row["case"] in absences.index else None
        if (
            a is None
            or a["person"] != row["target"]
            or not a["start"] <= row["time"] < a["planned_end"]
        ):
            out.append(
                Violation("INV-L03", "A80", int(row["case"]), "recall outside an absence", (idx,))
            )
    return out


def inv_l04(ctx: LogContext) -> list[Violation]:
    """A80 「要第一时间返回工作岗位」: after a recall the person is on post after exactly the
    logged return latency, and takes no new absence in between."""
    ev = ctx.events
    on_post = _acts(ev, "absence.on_post").set_index("case")
    starts = _acts(ev, "absence.start")
    out = []
    for idx, row in _acts(ev, "absence.recall").iterrows():
        if row["case"] not in on_post.index:
            continue  # still travelling back at the horizon
        back = on_post.loc[row["case"]]
        if abs((back["time"] - row["time"]) / 60.0 - back["value"]) > 1e-6:
            out.append(
                Violation(
                    "INV-L04", "A80", int(row["case"]), "return latency does not match", (idx,)
                )
            )
        between = starts.loc[
            (starts["actor"] == row["target"])
            & (starts["time"] > row["time"])
            & (starts["time"] < back["time"])
        ]
        if not between.empty:
            out.append(
                Violation(
                    "INV-L04", "A80", int(row["case"]), "new absence before back on post", (idx,)
                )
            )
    return out


SUBSTITUTABLE_ACTS = (
    "leader.approved",
    "leader.circle_read",
    "doc.co_review_signed",  # 审签 (A61(5), AMB-43)
    "doc.signed",  # A61(5) and A61(8) business signatures (K59)
    "gov.consented",  # consent to a contract (A60)
)
HAND_OVERS = ("doc.routed", "doc.rerouted", "doc.sent_for_review", "doc.sent_for_signature")


def _substitute_acts(ev: pd.DataFrame) -> pd.DataFrame:
    acts = _acts(ev, *SUBSTITUTABLE_ACTS)
    return acts.loc[acts["on_behalf"].notna()]


def inv_l05(ctx: LogContext) -> list[Violation]:
    """A6 「市长因公出市（出访）、休假期间，由负责常务工作的副市长主持市政府全面工作」: work
    done for the absent mayor is done by the executive vice mayor; items reserved to the
    mayor (A61(2)–(4)) are never handled by anyone else (AMB-09, K60)."""
    ev, org, cases = ctx.events, ctx.org, ctx.cases
    out = []
    acts = _substitute_acts(ev)
    for idx, row in acts.loc[acts["on_behalf"] == org.mayor].iterrows():
        if row["actor"] != org.executive_vice_mayor:
            out.append(
                Violation(
                    "INV-L05", "A6", int(row["case"]), f"{row['actor']} acted for the mayor", (idx,)
                )
            )
    if "mayor_only" in cases:
        reserved = set(cases.loc[cases["mayor_only"], "case"])
        done = _acts(ev, "leader.approved", "leader.circle_read")
        for idx, row in done.loc[
            done["case"].isin(reserved) & (done["actor"] != org.mayor)
        ].iterrows():
            out.append(
                Violation(
                    "INV-L05",
                    "A61",
                    int(row["case"]),
                    f"mayor-only item decided by {row['actor']}",
                    (idx,),
                )
            )
    return out


def inv_l06(ctx: LogContext) -> list[Violation]:
    """A8 「副市长出市（出访）、休假期间，由补位的副市长代为处理有关工作」: every act done for
    another leader falls in that leader's absence for a reason that triggers 补位, by a
    handler on post whom the policy allows (designated substitute or fallback, the chain,
    any vice mayor for least-loaded; the executive VM for the mayor)."""
    ev, org = ctx.events, ctx.org
    policy = ctx.substitution
    triggers = _triggers(ctx)
    absences = _absences(ev)
    out = []
    for idx, row in _substitute_acts(ev).iterrows():
        owner, handler = str(row["on_behalf"]), str(row["actor"])
        routed = _acts(ev.loc[ev["case"] == row["case"]], *HAND_OVERS)
        # the hand-over before the act in log order (another may follow it at the same instant)
        routed = routed.loc[(routed["target"] == handler) & (routed.index < idx)]
        t_route = routed["time"].iloc[-1] if len(routed) else row["time"]
        away = _away_at(absences, owner, t_route)

        def bad(msg: str, idx: int = idx, case: int = int(row["case"])) -> None:
            out.append(Violation("INV-L06", "A8", case, msg, (idx,)))

        if policy.policy == "none":
            bad(f"{handler} acted for {owner} under policy none")
        elif away is None:
            bad(f"{handler} acted for {owner}, who was on post when the item was routed")
        elif triggers is not None and away["reason"] not in triggers:
            bad(f"{owner}'s absence ({away['reason']}) does not trigger substitution")
        elif _away_at(absences, handler, t_route) is not None:
            bad(f"handler {handler} was away too")
        elif owner != org.mayor:
            allowed = _allowed_handlers(ctx, owner)
            if allowed is not None and handler not in allowed:
                bad(f"{handler} is not a substitute for {owner} under policy {policy.policy}")
    return out


def _allowed_handlers(ctx: LogContext, owner: str) -> set[str] | None:
    """Who may act for ``owner`` under the policy (None: any vice mayor, least-loaded)."""
    org, policy = ctx.org, ctx.substitution
    if policy.policy == "designated":
        allowed = {org.substitute[owner]} if owner in org.substitute else set()
        if policy.fallback == "executive_vice_mayor":
            allowed.add(org.executive_vice_mayor)
        elif policy.fallback == "mayor":
            allowed.add(org.mayor)
        return allowed
    if policy.policy == "chain":
        return set(policy.chains.get(owner, []))
    return {ld for ld, r in org.leader_roles.items() if r in ("vice_mayor", "executive_vice_mayor")}


def inv_l07(ctx: LogContext) -> list[Violation]:
    """A6, A8, A80: an absent person does not act — no decisions or readings by an absent
    leader, no submissions or replies signed by an absent principal head (A56)."""
    ev = ctx.events
    absences = _absences(ev)
    out = []
    acts = _acts(
        ev,
        "leader.approved",
        "leader.circle_read",
        "leader.instructed",
        "doc.submitted",
        "dept.replied",
        "topic.vm_confirmed",
        "topic.mayor_agreed",
        "topic.signed_off",
        "sg.arrangement_reviewed",
        "mayor.agenda_fixed",
        "meeting.opened",
        "minutes.signed",
        # principal heads' countersigns and sign-off sheets (A56, A59); leaders' co-reviews,
        # signatures and consents (A60, A61)
        "cs.replied",
        "cs.joint_signed",
        "cs.negotiated",
        "doc.principal_signed",
        "doc.co_review_signed",
        "doc.signed",
        "gov.consented",
    )
    for person, grp in absences.groupby("person"):
        mine = acts.loc[acts["actor"] == person]
        for a in grp.itertuples():
            inside = mine.loc[(mine["time"] > a.start + EPS) & (mine["time"] < a.back - EPS)]
            out += [
                Violation(
                    "INV-L07",
                    "A80",
                    int(r["case"]),
                    f"{person} acted ({r['activity']}) while away",
                    (i,),
                )
                for i, r in inside.iterrows()
            ]
    return out


def inv_l08(ctx: LogContext) -> list[Violation]:
    """A6, A8: 补位 starts exactly when an absence with a triggering reason starts and ends
    exactly when the person is back (planned end or back on post after a recall)."""
    ev, org = ctx.events, ctx.org
    triggers = _triggers(ctx)
    absences = _absences(ev).set_index("case")
    subs = _acts(ev, "substitution.start", "substitution.end")
    out = []
    for case, a in absences.iterrows():
        expected = (
            a["person"] in org.leader_roles
            and ctx.substitution.policy != "none"
            and (triggers is None or a["reason"] in triggers)
        )
        mine = subs.loc[subs["case"] == case]
        start = mine.loc[mine["activity"] == "substitution.start", "time"].tolist()
        end = mine.loc[mine["activity"] == "substitution.end", "time"].tolist()
        if not expected:
            if start or end:
                out.append(
                    Violation(
                        "INV-L08", "A8", int(case), "substitution without a triggering absence"
                    )
                )
            continue
        if start != [a["start"]]:
            out.append(
                Violation(
                    "INV-L08", "A8", int(case), "substitution does not start with the absence"
                )
            )
        if math.isfinite(a["back"]) and end != [a["back"]]:
            out.append(
                Violation(
                    "INV-L08", "A8", int(case), "substitution does not end when the person is back"
                )
            )
    return out


# -- meetings (A44–A52; RULES §5, §8.2 INV-M01…M08) -----------------------------------------

_MEMBER_ROLES = ("mayor", "executive_vice_mayor", "vice_mayor", "secretary_general")
_MAYORS_MEETINGS = ("executive", "plenary", "mayor_office")


def _roster(org: Organisation) -> set[str]:
    """A45 「由市长、副市长、市政府秘书长组成」 — deputies are not members (AMB-11)."""
    return {ld for ld, role in org.leader_roles.items() if role in _MEMBER_ROLES}


def _members(org: Organisation, kind: str) -> set[str]:
    """Members by meeting (RULES §3.5): A44, A45 the roster; A46 「由市长、副市长组成」; none
    for a special topic."""
    if kind in ("executive", "plenary"):
        return _roster(org)
    if kind == "mayor_office":
        return _roster(org) - {org.secretary_general}
    return set()


def _observers(org: Organisation, kind: str) -> set[str]:
    """Who attends without being a member and asks the GO for leave (A51; RULES §3.5): DSGs
    at the executive meeting and plenary, the SG and DSGs at the mayor's office meeting, and
    the constituent departments' heads (units of kind department) at the plenary."""
    dsgs = {ld for ld, role in org.leader_roles.items() if role == "deputy_secretary_general"}
    if kind == "mayor_office":
        return dsgs | {org.secretary_general}
    if kind == "plenary":
        return dsgs | set(org.departments)
    return dsgs if kind == "executive" else set()


def _meeting_cases(ctx: LogContext) -> list[int]:
    cases = ctx.cases
    return sorted(cases.loc[cases["case_type"] == "meeting", "case"].astype(int))


def _meeting_kinds(ev: pd.DataFrame) -> dict[int, str]:
    """Each meeting's kind, from ``meeting.planned`` (outcome)."""
    planned = _acts(ev, "meeting.planned")
    return {int(c): str(k) for c, k in zip(planned["case"], planned["outcome"], strict=True)}


def _conveners(ev: pd.DataFrame) -> dict[int, str]:
    """Each meeting's convener, from ``meeting.convene_decided`` (actor)."""
    rows = _acts(ev, "meeting.convene_decided")
    return {int(c): str(a) for c, a in zip(rows["case"], rows["actor"], strict=True)}


def _by_case(ev: pd.DataFrame, activity: str) -> dict[int, pd.DataFrame]:
    rows = _acts(ev, activity)
    return {int(c): g for c, g in rows.groupby("case", observed=True)}


def _meeting_ref(rows: pd.DataFrame) -> dict[int, pd.DataFrame]:
    """Topic events naming a meeting (``value`` = the meeting's case), by meeting."""
    return {int(m): g for m, g in rows.groupby(rows["value"].astype(int))} if len(rows) else {}


def _opened(ctx: LogContext, *kinds: str) -> pd.DataFrame:
    """``meeting.opened`` events, of the given kinds only if any are named."""
    rows = _acts(ctx.events, "meeting.opened")
    if not kinds:
        return rows
    kind = _meeting_kinds(ctx.events)
    return rows.loc[[kind.get(int(c)) in kinds for c in rows["case"]]]


def inv_m01(ctx: LogContext) -> list[Violation]:
    """Who decides to convene (RULES §3.5): every opened meeting has a prior
    ``meeting.convene_decided`` — by the mayor for the plenary, executive and mayor's office
    meetings (A44, A46 「由市长召集和主持」, A45 「由市长决定召开」), by the mayor or a vice mayor
    for a special topic (A47 「由市长、副市长…召集」)."""
    ev, org = ctx.events, ctx.org
    kinds = _meeting_kinds(ev)
    vms = {org.mayor} | {
        ld for ld, r in org.leader_roles.items() if r in ("executive_vice_mayor", "vice_mayor")
    }
    decided = _by_case(ev, "meeting.convene_decided")
    out = []
    for idx, row in _opened(ctx).iterrows():
        case = int(row["case"])
        allowed = {org.mayor} if kinds.get(case) in _MAYORS_MEETINGS else vms
        d = decided.get(case)
        ok = d is not None and ((d["actor"].isin(allowed)) & (d.index < idx)).any()
        if not ok:
            out.append(
                Violation(
                    "INV-M01",
                    "A45" if kinds.get(case) != "special_topic" else "A47",
                    case,
                    f"{kinds.get(case)} meeting opened without its convener's decision",
                    (idx,),
                )
            )
    return out


def _stand_in_allowed(ctx: LogContext, kind: str) -> bool:
    """Whether a stand-in may chair a ``kind`` meeting: always by entrustment for the executive
    meeting (A45) and a special topic (A47); for the plenary and the mayor's office meeting
    only if the scenario's AMB-26 knob says so (R53: the text names none)."""
    if kind in ("executive", "special_topic"):
        return True
    sc = ctx.sc
    if sc is None or sc.meetings is None:
        return False
    part = sc.meetings.plenary if kind == "plenary" else sc.meetings.mayor_office
    return part.entrust_when_mayor_away


def inv_m02(ctx: LogContext) -> list[Violation]:
    """Chair validity (RULES §5.3, R52–R54): the convener chairs; a stand-in only while the
    convener is away and with a prior ``meeting.entrusted`` from the convener to them — the
    executive vice mayor for the mayor's meetings (A45 「市长不能出席会议时，可委托负责常务工作的
    副市长召集和主持」, AMB-40; the plenary and mayor's office meeting only under the AMB-26
    knob), the secretary-general or a deputy for a special topic (A47); a chair is never
    away."""
    ev, org = ctx.events, ctx.org
    absences = _absences(ev)
    kinds, conveners = _meeting_kinds(ev), _conveners(ev)
    entrusted = _by_case(ev, "meeting.entrusted")
    out = []
    for idx, row in _opened(ctx).iterrows():
        case, chair, t = int(row["case"]), str(row["actor"]), row["time"]
        kind = kinds.get(case, "executive")
        convener = conveners.get(case, org.mayor)

        def bad(msg: str, idx: int = idx, case: int = case, kind: str = kind) -> None:
            art = {"executive": "A45", "plenary": "A44", "mayor_office": "A46"}.get(kind, "A47")
            out.append(Violation("INV-M02", art, case, msg, (idx,)))

        if _away_at(absences, chair, t) is not None:
            bad(f"chair {chair} is away")
            continue
        if chair == convener:
            continue
        if kind in _MAYORS_MEETINGS:
            allowed = chair == org.executive_vice_mayor
        else:
            allowed = org.leader_roles.get(chair) in (
                "secretary_general",
                "deputy_secretary_general",
            )
        if not allowed or not _stand_in_allowed(ctx, kind):
            bad(f"{kind} meeting chaired by {chair}")
        elif _away_at(absences, convener, t) is None:
            bad(f"{chair} chaired while the convener {convener} was on post")
        else:
            e = entrusted.get(case)
            ok = (
                e is not None
                and ((e["actor"] == convener) & (e["target"] == chair) & (e.index < idx)).any()
            )
            if not ok:
                bad(f"{chair} chaired without {convener}'s entrustment")
    return out


def _quorum_base(ctx: LogContext) -> str:
    sc = ctx.sc
    if sc is not None and sc.meetings is not None:
        return sc.meetings.executive.quorum_base
    return "roster"


def inv_m03(ctx: LogContext) -> list[Violation]:
    """A45 「出席人数须超过应到人数的二分之一」: at every executive meeting's opening, the
    members not away (from the log's absences) are strictly more than half of the roster (mayor,
    vice mayors, secretary-general; K46 ``roster_minus_leave``: of the members not on
    leave), and the logged ``value`` is that count (RULES §5.5)."""
    ev, org = ctx.events, ctx.org
    roster = _roster(org)
    absences = _absences(ev)
    base = _quorum_base(ctx)
    out = []
    for idx, row in _opened(ctx, "executive").iterrows():
        away = {m for m in roster if _away_at(absences, m, row["time"]) is not None}
        present = len(roster) - len(away)
        expected = len(roster) - len(away) if base == "roster_minus_leave" else len(roster)
        if not 2 * present > expected:
            out.append(
                Violation(
                    "INV-M03",
                    "A45",
                    int(row["case"]),
                    f"{present} of {expected} members present: no quorum",
                    (idx,),
                )
            )
        elif row["value"] != present:
            out.append(
                Violation(
                    "INV-M03",
                    "A45",
                    int(row["case"]),
                    f"logged {row['value']:g} present, the log's absences give {present}",
                    (idx,),
                )
            )
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


def inv_m04(ctx: LogContext) -> list[Violation]:
    """A49 「除特殊情况外，应于会前5个工作日报送市政府办公室运转，报分管副市长签批」: every topic
    on a meeting's agenda reached the GO by the close of office of the 5th working day before
    the planned meeting day (AMB-45) or is special (AMB-12), and the vice mayor in charge of its
    matter signed it off (with merged steps, K52: confirmed) before the GO proposed the agenda."""
    ev, cal, org = ctx.events, ctx.cal, ctx.org
    lead, merged = _lead_days(ctx)
    matter = ctx.cases.set_index("case")["matter"]
    planned = _acts(ev, "meeting.planned").groupby("case", observed=True)["deadline"].first()
    proposed = _acts(ev, "go.arrangement_proposed").groupby("case", observed=True)
    proposed_at = {int(c): g.index.min() for c, g in proposed}
    submitted = _acts(ev, "topic.submitted")
    sign = _acts(ev, "topic.vm_confirmed" if merged else "topic.signed_off")
    kinds = _meeting_kinds(ev)
    out = []
    for idx, row in _acts(ev, "topic.on_agenda").iterrows():
        topic, meeting = int(row["case"]), int(row["value"])
        if kinds.get(meeting, "executive") != "executive":
            continue  # A49 applies to the executive meeting only (RULES §5.1 notes)

        def bad(msg: str, idx: int = idx, topic: int = topic) -> None:
            out.append(Violation("INV-M04", "A49", topic, msg, (idx,)))

        sub = submitted.loc[(submitted["case"] == topic) & (submitted.index < idx)]
        if meeting not in planned.index or sub.empty:
            bad("on an agenda without a planned meeting or submitted materials")
            continue
        day = cal.date_of(planned.loc[meeting])
        due = _close_of_nth_working_day_before(cal, day, lead)
        last = sub.iloc[-1]
        if not (last["time"] <= due + EPS or last["outcome"] == "special"):
            bad(
                f"received {cal.datetime_of(last['time'])}, due by the close of {lead} working "
                f"days before {day}, and not special"
            )
        vm = org.portfolio_owner.get(str(matter.get(topic)))
        before = proposed_at.get(meeting, idx)
        ok = sign.loc[(sign["case"] == topic) & (sign["actor"] == vm) & (sign.index < before)]
        if ok.empty:
            bad(f"no sign-off by {vm} before the agenda was proposed")
    return out


def inv_m05(ctx: LogContext) -> list[Violation]:
    """A50 「市政府常务会议由市政府办公室提出安排意见，经市政府秘书长审定后报市长确定」: before
    every opening, in this order: ``go.arrangement_proposed`` (GO), ``sg.arrangement_reviewed``
    (the secretary-general), ``mayor.agenda_fixed`` (the mayor) — for every executive meeting;
    for the plenary and the mayor's office meeting, whose procedure is not stated (AMB-24), the
    GO's proposal and the mayor's fixing. The agenda is fixed by the executive vice mayor only
    after the mayor, away, entrusted them with the meeting (A45 「委托…召集和主持」), and for
    the plenary and the mayor's office meeting only when the AMB-26 knob allows a stand-in."""
    ev, org = ctx.events, ctx.org
    absences = _absences(ev)
    entrusted = _by_case(ev, "meeting.entrusted")
    kinds = _meeting_kinds(ev)
    evm = org.executive_vice_mayor
    out = []
    for idx, row in _opened(ctx, *_MAYORS_MEETINGS).iterrows():
        case = int(row["case"])
        kind = kinds.get(case, "executive")
        steps = (
            ("go.arrangement_proposed", GO),
            *((("sg.arrangement_reviewed", org.secretary_general),) if kind == "executive" else ()),
            ("mayor.agenda_fixed", org.mayor),
        )
        mine = ev.loc[(ev["case"] == case) & (ev.index < idx)]
        e = entrusted.get(case, ev.iloc[0:0])
        e = e.loc[(e["actor"] == org.mayor) & (e["target"] == evm)]
        last = -1
        for activity, who in steps:
            rows = mine.loc[mine["activity"] == activity]
            if activity == "mayor.agenda_fixed":
                ok = [
                    i
                    for i, t in zip(e.index, e["time"], strict=True)
                    if _away_at(absences, org.mayor, t) is not None and _stand_in_allowed(ctx, kind)
                ]
                by_evm = [i for i in rows.index[rows["actor"] == evm] if any(j < i for j in ok)]
                rows = rows.loc[(rows["actor"] == who) | rows.index.isin(by_evm)]
            else:
                rows = rows.loc[rows["actor"] == who]
            if rows.empty or rows.index[0] < last:
                out.append(
                    Violation(
                        "INV-M05",
                        "A50" if kind == "executive" else "A44" if kind == "plenary" else "A46",
                        case,
                        f"{kind} meeting: {activity} by {who} missing or out of order",
                        (idx,),
                    )
                )
                break
            last = rows.index[0]
    return out


_A48_STEPS = (
    "topic.researched",
    "topic.coordinated",
    "topic.compliance_reviewed",
    "topic.vm_confirmed",
    "topic.mayor_agreed",
)


def inv_m06(ctx: LogContext) -> list[Violation]:
    """A48 「主办部门应提前充分研究论证，与相关部门协调一致，经合法合规性审查后，按程序报送分管
    副市长确定，并报市长同意。属于副市长、市政府部门职责权限范围内决定的事项，或会前未经沟通协商
    的事项，不提交会议讨论研究」: every topic on a plenary or executive agenda has, in this order
    and before it went on the agenda, ``topic.researched``, ``topic.coordinated``,
    ``topic.compliance_reviewed``, ``topic.vm_confirmed`` by the vice mayor in charge of its
    matter and ``topic.mayor_agreed`` by the mayor; and it is not within a vice mayor's or a
    department's authority: a major request, a document the government must deliberate (A21,
    A61(6)), or a matter a mayor's office or special-topic meeting sent up (A46(二), A47(三))."""
    ev, org = ctx.events, ctx.org
    kinds = _meeting_kinds(ev)
    cases = ctx.cases.set_index("case")
    topics = ev.loc[ev["activity"].isin((*_A48_STEPS, "topic.escalated"))]
    by_case = {int(c): g for c, g in topics.groupby("case", observed=True)}
    out = []
    for idx, row in _acts(ev, "topic.on_agenda").iterrows():
        topic, meeting = int(row["case"]), int(row["value"])
        if kinds.get(meeting, "executive") not in ("executive", "plenary"):
            continue

        def bad(msg: str, idx: int = idx, topic: int = topic) -> None:
            out.append(Violation("INV-M06", "A48", topic, msg, (idx,)))

        mine = by_case.get(topic, ev.iloc[0:0])
        mine = mine.loc[mine.index < idx]
        c = cases.loc[topic] if topic in cases.index else None
        in_scope = c is not None and (
            bool(c["major"])
            or str(c["case_type"]) in ("draft", "normative")
            or (mine["activity"] == "topic.escalated").any()
        )
        if not in_scope:
            bad("a matter within a vice mayor's or department's authority put to the meeting")
        vm = org.portfolio_owner.get(str(c["matter"])) if c is not None else None
        who = {"topic.vm_confirmed": vm, "topic.mayor_agreed": org.mayor}
        before = idx
        for act in reversed(_A48_STEPS):
            rows = mine.loc[(mine["activity"] == act) & (mine.index < before)]
            if act in who:
                rows = rows.loc[rows["actor"] == who[act]]
            if rows.empty:
                bad(f"no {act} (by {who[act]})" if act in who else f"no {act} in order")
                break
            before = rows.index.max()
    return out


def inv_m07(ctx: LogContext) -> list[Violation]:
    """A51 「市政府领导同志不能出席市政府全体会议、常务会议和市长办公会议，须向市长请假；市政府
    全体会议其他与会人员或市政府常务会议、市长办公会议列席人员请假，由市政府办公室汇总后向市长报告」:
    at every opening of those meetings, each member away has asked the mayor for leave for that
    meeting before it (the mayor's own absence needs no request), and each observer (other
    participant) away has asked the GO, with a ``go.leave_summary`` to the mayor after that
    request and before the opening (RULES §6.3). While the mayor is away, the executive vice
    mayor acting for the mayor may take them instead (A6; K60, AMB-09)."""
    ev, org = ctx.events, ctx.org
    kinds = _meeting_kinds(ev)
    absences = _absences(ev)
    asked = _by_case(ev, "meeting_leave.requested")
    summaries = _by_case(ev, "go.leave_summary")

    triggers = _triggers(ctx)
    acting = ctx.substitution.policy != "none" and ctx.substitution.substitute_may_approve

    def _to_mayor(target: object, t: float) -> bool:
        """To the mayor, or to the executive VM acting for the mayor — on post, while the
        mayor is away for a reason that triggers A6 under the policy (K58, K60)."""
        if target == org.mayor:
            return True
        evm = org.executive_vice_mayor
        if target != evm or not acting or _away_at(absences, evm, t) is not None:
            return False
        away = _away_at(absences, org.mayor, t)
        return away is not None and (triggers is None or away["reason"] in triggers)

    out = []
    for idx, row in _opened(ctx, *_MAYORS_MEETINGS).iterrows():
        case = int(row["case"])
        kind = kinds.get(case, "executive")
        req = asked.get(case, ev.iloc[0:0])
        summ = summaries.get(case, ev.iloc[0:0])
        summ = summ.loc[[_to_mayor(r["target"], r["time"]) for _, r in summ.iterrows()]]
        summ = summ.loc[summ.index < idx]

        def bad(msg: str, idx: int = idx, case: int = case) -> None:
            out.append(Violation("INV-M07", "A51", case, msg, (idx,)))

        for m in sorted(_members(org, kind) - {org.mayor}):
            if _away_at(absences, m, row["time"]) is None:
                continue
            mine = req.loc[(req["actor"] == m) & (req.index < idx)]
            if not any(_to_mayor(r["target"], r["time"]) for _, r in mine.iterrows()):
                bad(f"{m} absent from the {kind} meeting without asking the mayor")
        for o in sorted(_observers(org, kind)):
            if _away_at(absences, o, row["time"]) is None:
                continue
            mine = req.loc[(req["actor"] == o) & (req["target"] == GO) & (req.index < idx)]
            if mine.empty:
                bad(f"{o} absent from the {kind} meeting without asking the GO")
            elif not (summ.index > mine.index.min()).any():
                bad(f"{o}'s leave not in a GO summary to the mayor before the opening")
    return out


def inv_m09(ctx: LogContext) -> list[Violation]:
    """A53 「市政府全体会议、常务会议、市长办公会议和专题会议决定事项，由市政府办公室负责督办」:
    when the scenario keeps the supervision ledger, every ``meeting.decision`` (and standing
    item, ``meeting.standing_item``, whose parent is the meeting's case) of a meeting
    whose minutes were issued (A52 「印发」: the decision is known to those who carry it out)
    has a ledger item of source ``meeting`` whose parent is the topic's case, registered by
    the GO at or after the minutes were issued (RULES §5.7). Decisions whose minutes are still
    unsigned at the end of the log are not due yet. Without the ledger (or without a
    scenario) there is nothing to check."""
    sc = ctx.sc
    if sc is None or sc.ledger is None or not sc.ledger.enabled:
        return []
    ev, cases = ctx.events, ctx.cases
    if "source" not in cases.columns:
        return []
    items = cases.loc[cases["source"].astype(str) == "meeting", ["case", "parent"]]
    registered = _acts(ev, "ledger.registered")
    registered = registered.loc[registered["actor"] == GO].groupby("case", observed=True)["time"]
    reg_time = registered.min()
    times: dict[int, list[float]] = {}
    for item, parent in zip(items["case"].astype(int), items["parent"].astype(int), strict=True):
        if item in reg_time.index:
            times.setdefault(parent, []).append(float(reg_time.loc[item]))
    issued = _acts(ev, "minutes.issued").groupby("case", observed=True)["time"].min()
    out = []
    # a topic's decision is on the topic's case (value: the meeting); a standing item's on
    # the meeting's case, whose ledger item has the meeting as parent (A45(七))
    decisions = _acts(ev, "meeting.decision", "meeting.standing_item")
    for idx, row in decisions.iterrows():
        standing = row["activity"] == "meeting.standing_item"
        meeting = int(row["case"]) if standing else int(row["value"])
        topic = meeting if standing else int(row["case"])
        if meeting not in issued.index:
            continue
        if not any(t >= issued.loc[meeting] - EPS for t in times.get(topic, ())):
            out.append(
                Violation(
                    "INV-M09", "A53", topic, "a decision with no ledger item after it", (idx,)
                )
            )
    return out


def inv_m08(ctx: LogContext) -> list[Violation]:
    """A52 「市政府全体会议、常务会议、市长办公会议的纪要，由市长签发。市政府专题会议纪要由市长或
    分管有关工作的副市长签发。涉及重要事项的专题会议纪要，须经市长审定后印发」: the mayor signs
    the mayor's meetings' minutes — the executive vice mayor an executive meeting's only if
    they chaired by entrustment and the scenario's K49 knob allows it (AMB-10) — and the mayor
    or the vice mayor who convened a special topic signs its minutes; important special-topic
    minutes (``minutes.drafted`` outcome ``important``) are reviewed (or signed) by the mayor
    before being issued; minutes are issued only after being signed."""
    ev, org = ctx.events, ctx.org
    sc = ctx.sc
    k49 = (
        sc is not None
        and sc.meetings is not None
        and sc.meetings.minutes.exec_vm_may_sign_when_entrusted
    )
    kinds, conveners = _meeting_kinds(ev), _conveners(ev)
    chairs = _opened(ctx).groupby("case", observed=True)["actor"].last()
    signed = _acts(ev, "minutes.signed")
    out = []
    for idx, row in signed.iterrows():
        case, who = int(row["case"]), str(row["actor"])
        kind = kinds.get(case, "executive")
        allowed = {org.mayor}
        if kind == "special_topic":
            convener = conveners.get(case)
            if convener is not None and org.leader_roles.get(convener) != "secretary_general":
                allowed.add(convener)
        elif kind == "executive" and k49 and str(chairs.get(case)) == org.executive_vice_mayor:
            allowed.add(org.executive_vice_mayor)
        if who not in allowed:
            art = "A52"
            out.append(Violation("INV-M08", art, case, f"{kind} minutes signed by {who}", (idx,)))
    signed_first = {int(c): g.index.min() for c, g in signed.groupby("case", observed=True)}
    mayor_ok = ev.loc[
        ev["activity"].isin(("minutes.reviewed", "minutes.signed")) & (ev["actor"] == org.mayor)
    ]
    mayor_first = {int(c): g.index.min() for c, g in mayor_ok.groupby("case", observed=True)}
    drafted = _acts(ev, "minutes.drafted")
    important = set(drafted.loc[drafted["outcome"] == "important", "case"].astype(int))
    for idx, row in _acts(ev, "minutes.issued").iterrows():
        case = int(row["case"])
        first = signed_first.get(case)
        if first is None or first > idx:
            out.append(Violation("INV-M08", "A52", case, "minutes issued unsigned", (idx,)))
        if case in important and not mayor_first.get(case, idx + 1) < idx:
            out.append(
                Violation(
                    "INV-M08", "A52", case, "important minutes issued without the mayor", (idx,)
                )
            )
    return out


def inv_m12(ctx: LogContext) -> list[Violation]:
    """Roles at meetings (A44, A46; RULES §3.5): the members present logged at the opening of
    a plenary or mayor's office meeting are that meeting's members not away — observers never
    count: deputy secretaries-general anywhere, the secretary-general at the mayor's office
    meeting (A46 「由市长、副市长组成，市政府秘书长和市政府副秘书长列席」). The executive
    meeting's count is INV-M03's; a special topic logs its chair alone."""
    ev, org = ctx.events, ctx.org
    kinds = _meeting_kinds(ev)
    absences = _absences(ev)
    out = []
    for idx, row in _opened(ctx, "plenary", "mayor_office", "special_topic").iterrows():
        case = int(row["case"])
        kind = kinds[case]
        members = _members(org, kind)
        present = sum(1 for m in members if _away_at(absences, m, row["time"]) is None)
        expected = present if members else 1
        if row["value"] != expected:
            out.append(
                Violation(
                    "INV-M12",
                    {"plenary": "A44", "mayor_office": "A46"}.get(kind, "A47"),
                    case,
                    f"{kind} meeting logged {row['value']:g} members present, not {expected}",
                    (idx,),
                )
            )
    return out


# ------------------------------------------------------------------------------------------
# Intake, countersign, outgoing documents and signing (A55–A61; RULES §8.2 INV-D02…D15,
# INV-O01…O11, INV-N01, INV-N03). Restated from the text over the log: none of these calls
# govsim.rules.


@dataclass(frozen=True)
class _Ev:
    """One event, as the checks below read it."""

    idx: int
    time: float
    act: str
    actor: str | None
    target: str | None
    outcome: str | None
    deadline: float
    reason: str | None
    on_behalf: str | None = None

    @property
    def owner(self) -> str | None:
        """Whose act it is in law: the leader it was done for under 补位 (A8), else the actor."""
        return self.on_behalf or self.actor


def _name(x: Any) -> str | None:
    return x if isinstance(x, str) else None


def _per_case(ev: pd.DataFrame, *names: str) -> dict[int, list[_Ev]]:
    """Events of the named activities (all if none), grouped by case in log order."""
    sub = _acts(ev, *names) if names else ev
    out: dict[int, list[_Ev]] = defaultdict(list)
    cols = zip(
        sub.index,
        sub["time"],
        sub["case"],
        sub["activity"].astype(object),
        sub["actor"].astype(object),
        sub["target"].astype(object),
        sub["outcome"].astype(object),
        sub["deadline"],
        sub["reason"].astype(object) if "reason" in sub else [None] * len(sub),
        sub["on_behalf"].astype(object),
        strict=True,
    )
    for idx, t, case, act, actor, target, outcome, deadline, reason, behalf in cols:
        out[int(case)].append(
            _Ev(
                int(idx),
                float(t),
                str(act),
                _name(actor),
                _name(target),
                _name(outcome),
                float(deadline),
                _name(reason),
                _name(behalf),
            )
        )
    return out


def _case_info(ctx: LogContext) -> dict[int, dict[str, Any]]:
    cases = ctx.cases.copy()
    for col in ("case_type", "sender", "matter", "channel", "topic"):
        if col in cases:
            cases[col] = cases[col].astype(object)
    return {int(r["case"]): r for r in cases.to_dict("records")}


def _leader_in_charge(org: Organisation, unit: str) -> str | None:
    """分管 (A8, A57): the leader whose portfolio holds ``unit``; the GO's own work: the SG
    (A9 「负责安排处理市政府日常事务工作」)."""
    return org.secretary_general if unit == GO else org.portfolio_owner.get(unit)


# What each submission problem breaches (RULES R02–R11, R15, R28, R29).
_PROBLEM_RULE = {
    "multi_addressee": ("INV-D02", "A55"),
    "non_submitting_body": ("INV-D03", "A56"),
    "skip_level": ("INV-D03", "A55"),
    "informal_form": ("INV-D04", "A56"),
    "unsigned": ("INV-D04", "A56"),
    "multi_matter": ("INV-D05", "A56"),
    "embedded_request": ("INV-D05", "A56"),
    "dept_scope": ("INV-D06", "A55"),
    "poor_quality": ("INV-D13", "A63"),
    "redundant": ("INV-O03", "A63"),
}


def _submission_findings(ctx: LogContext) -> list[Violation]:
    """Every submission the GO received is judged on what it carried (``reason`` of its
    ``doc.submitted``): a problem is never passed and is named as the review's reason.

    A55 「不得直接报送市政府领导同志个人，更不得多头主送、越级行文」 and 「凡属市政府部门职责
    范围内的事项 … 不得报市政府」; A56 「必须以正式公文形式报送，须由报送单位主要负责人签发」,
    「请示性公文必须一文一事」, 「报告性公文不得夹带请示事项」, 「议事协调机构、临时机构、行业
    协会和部门内设、管理机构等，不得直接向市政府报送公文」; A59 「属部门职权范围内事务 … 不得
    申请以市政府或市政府办公室名义发文」; A63 「要一律退回」, 「一律不制发文件」. The text does
    not say what the GO does (AMB-17): department matters are redirected (or returned, per
    ``dept_scope_policy``), everything else returned; a redirect ends the case.
    """
    info = _case_info(ctx)
    out = []
    groups = _per_case(ctx.events, "doc.submitted", "go.received", "go.reviewed", "doc.closed")
    for case, evs in groups.items():
        kind = info[case]["case_type"]
        carried: str | None = None
        pending: list[str | None] = []
        for i, e in enumerate(evs):
            if e.act == "doc.submitted" and e.target == GO:
                carried = e.reason
            elif e.act == "go.received":
                pending.append(carried)
                carried = None
            elif e.act == "go.reviewed" and pending:
                problem = pending.pop(0)
                if problem is None:
                    continue
                inv, art = _PROBLEM_RULE.get(problem, ("INV-D13", "A63"))
                if problem == "dept_scope" and kind in OUTGOING:
                    inv, art = "INV-O03", "A59"
                if problem == "dept_scope":
                    redirect = kind in OUTGOING or ctx.params.dept_scope_policy == "redirect"
                    allowed = {"redirect"} if redirect else {"return"}
                else:
                    allowed = {"return"}
                if e.outcome not in allowed:
                    out.append(
                        Violation(inv, art, case, f"{problem} submission: GO {e.outcome}", (e.idx,))
                    )
                elif e.reason != problem:
                    out.append(
                        Violation(
                            inv,
                            art,
                            case,
                            f"{problem} submission given reason {e.reason}",
                            (e.idx,),
                        )
                    )
                if e.outcome == "redirect":
                    nxt = evs[i + 1] if i + 1 < len(evs) else None
                    if nxt is None or nxt.act != "doc.closed" or nxt.reason != "redirected":
                        out.append(
                            Violation(inv, art, case, "a redirect does not end the case", (e.idx,))
                        )
    return out


def _memo(ctx: LogContext, finder: Callable[[LogContext], list[Violation]]) -> list[Violation]:
    """``finder(ctx)``, computed once per context (several invariants share one pass)."""
    if finder.__name__ not in ctx.memo:
        ctx.memo[finder.__name__] = finder(ctx)
    return ctx.memo[finder.__name__]


def _findings_of(invariant: str) -> Check:
    def check(ctx: LogContext) -> list[Violation]:
        return [v for v in _memo(ctx, _submission_findings) if v.invariant == invariant]

    check.__doc__ = f"{invariant}: see :func:`_submission_findings`."
    return check


inv_d02 = _findings_of("INV-D02")
inv_d03 = _findings_of("INV-D03")
inv_d04 = _findings_of("INV-D04")
inv_d05 = _findings_of("INV-D05")
inv_d06 = _findings_of("INV-D06")
inv_o03 = _findings_of("INV-O03")


def _expected_deadline(ctx: LogContext, case: dict[str, Any], t0: float) -> float:
    """A59 「除主办部门另有时限要求外，一般应在3个工作日内回复，特别复杂的事项不得超过一周」,
    counted from the day after the request to the close of office (AMB-45); 「一周」 is five
    working days, or seven calendar days ending on a working day (AMB-01)."""
    cal, p = ctx.cal, ctx.params
    if case["lead_limit_wd"] > 0:
        return cal.add_working_days(t0, int(case["lead_limit_wd"]))
    if not case["complex"]:
        return cal.add_working_days(t0, p.countersign_working_days)
    if p.complex_limit == "5wd":
        return cal.add_working_days(t0, 5)
    day = cal.date_of(t0) + dt.timedelta(days=7)
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return cal.office_close(day)


CS_ACTS = (
    "doc.involves",
    "cs.requested",
    "cs.cannot_meet",
    "cs.extension_agreed",
    "cs.extension_refused",
    "cs.replied",
    "cs.deemed",
    "cs.replied_late",
    "cs.negotiated",
    "cs.dissent_documented",
    "cs.handling_proposed",
    "cs.joint_signed",
    "doc.countersigned",
    "doc.submitted",
)


def _countersign_findings(ctx: LogContext) -> list[Violation]:
    """INV-D07 … INV-D11 over each (document, co-department, round)."""
    info = _case_info(ctx)
    p, horizon = ctx.params, ctx.cal.horizon_minutes
    out: list[Violation] = []

    def bad(inv: str, case: int, msg: str, *idx: int) -> None:
        out.append(
            Violation(
                inv, "A59" if inv in ("INV-D08", "INV-D09", "INV-D10") else "A56", case, msg, idx
            )
        )

    for case, evs in _per_case(ctx.events, *CS_ACTS).items():
        lead = info[case]["sender"]
        involved = {e.target for e in evs if e.act == "doc.involves"}
        sub = next((e for e in evs if e.act == "doc.submitted"), None)
        # --- per (co-department, round): limits, extensions, deeming (INV-D08 … D10)
        rounds: dict[tuple[str | None, int], list[_Ev]] = defaultdict(list)
        for e in evs:
            if e.act.startswith("cs.") and e.act not in (
                "cs.negotiated",
                "cs.dissent_documented",
                "cs.handling_proposed",
                "cs.joint_signed",
            ):
                who = (
                    e.target
                    if e.act
                    in ("cs.requested", "cs.extension_agreed", "cs.extension_refused", "cs.deemed")
                    else e.actor
                )
                rounds[(who, 2 if e.reason == "dissent_version" else 1)].append(e)
        for (c, _round), es in rounds.items():
            req = next((e for e in es if e.act == "cs.requested"), None)
            if req is None:
                bad("INV-D10", case, f"countersign acts of {c} without a request", es[0].idx)
                continue
            if req.actor != lead:
                bad("INV-D10", case, f"countersign requested by {req.actor}, not the lead", req.idx)
            expected = _expected_deadline(ctx, info[case], req.time)
            if abs(req.deadline - expected) > EPS:
                bad(
                    "INV-D10",
                    case,
                    f"deadline {req.deadline} for {c}, expected {expected}",
                    req.idx,
                )
            current, extended, asked = req.deadline, False, None
            first_reply: _Ev | None = None
            deemed: _Ev | None = None
            for e in es:
                if e.act == "cs.cannot_meet":
                    if e.time >= current - EPS:
                        bad("INV-D10", case, f"{c} spoke up at or after the deadline", e.idx)
                    asked = e
                elif e.act == "cs.extension_agreed":
                    if asked is None:
                        bad("INV-D10", case, f"extension for {c} without cs.cannot_meet", e.idx)
                    elif e.time > current + EPS or not e.deadline > current:
                        bad(
                            "INV-D10",
                            case,
                            f"extension for {c} after or not beyond the limit",
                            e.idx,
                        )
                    current, extended, asked = e.deadline, True, None
                elif e.act == "cs.replied" and first_reply is None:
                    first_reply = e
                elif e.act == "cs.deemed":
                    deemed = e
                    applies = p.deemed_consent and (p.deemed_after_extension or not extended)
                    if not applies:
                        bad("INV-D08", case, f"{c} deemed although deeming does not apply", e.idx)
                    if e.time < current - EPS:
                        bad("INV-D08", case, f"{c} deemed before its deadline", e.idx)
                    if e.time > current + EPS:
                        bad("INV-D09", case, f"{c} deemed after its deadline", e.idx)
                    if first_reply is not None and first_reply.time <= current + EPS:
                        bad("INV-D08", case, f"{c} deemed although it replied in time", e.idx)
                elif e.act == "cs.replied_late":
                    if deemed is None:
                        bad("INV-D08", case, f"late reply of {c} without deeming", e.idx)
                    elif e.time <= current:
                        bad("INV-D08", case, f"{c} replied by its deadline yet was deemed", e.idx)
            applies = p.deemed_consent and (p.deemed_after_extension or not extended)
            replied_in_time = first_reply is not None and first_reply.time <= current + EPS
            if applies and not replied_in_time and deemed is None and current < horizon - EPS:
                bad("INV-D09", case, f"no reply from {c} by the deadline and no deeming", req.idx)
            if applies and first_reply is not None and not replied_in_time:
                bad(
                    "INV-D09",
                    case,
                    f"{c}'s reply after its deadline taken instead of deeming",
                    first_reply.idx,
                )
        if sub is None:
            continue
        before = [e for e in evs if e.idx < sub.idx]
        # --- INV-D07: every involved department countersigned, was deemed to, or co-signed.
        for c in sorted(x for x in involved if x is not None):
            last = None
            for e in before:
                if e.act in ("cs.replied", "cs.joint_signed") and e.actor == c:
                    last = "joint" if e.act == "cs.joint_signed" else e.outcome
                elif e.act == "cs.deemed" and e.target == c:
                    last = "deemed"
            documented = any(e.act == "cs.dissent_documented" and e.target == c for e in before)
            if last in ("agree", "deemed", "joint"):
                continue
            if last == "object" and documented and not p.recountersign_dissent:
                continue
            bad("INV-D07", case, f"submitted without the countersign of {c} ({last})", sub.idx)
        # --- INV-D11: objections negotiated by the lead, then resolved or documented.
        objections = [e for e in before if e.act == "cs.replied" and e.outcome == "object"]
        dissent = False
        for o in objections:
            talks = [
                e
                for e in before
                if e.act == "cs.negotiated" and e.target == o.actor and e.idx > o.idx
            ]
            if not talks or any(t.actor != lead for t in talks):
                bad("INV-D11", case, f"objection of {o.actor} not negotiated by the lead", o.idx)
                continue
            if talks[-1].outcome == "resolved":
                agreed = any(
                    e.act == "cs.replied"
                    and e.actor == o.actor
                    and e.outcome == "agree"
                    and e.idx > talks[-1].idx
                    for e in before
                )
                if not agreed:
                    bad("INV-D11", case, f"{o.actor} resolved but never countersigned", o.idx)
                continue
            dissent = True
            if not any(e.act == "cs.dissent_documented" and e.target == o.actor for e in before):
                bad("INV-D11", case, f"grounds of {o.actor} not listed", o.idx)
        if dissent:
            handling = [e for e in before if e.act == "cs.handling_proposed"]
            if not handling:
                bad("INV-D11", case, "dissent without a proposed handling", sub.idx)
            if p.recountersign_dissent:
                asked = {
                    e.target
                    for e in before
                    if e.act == "cs.requested" and e.reason == "dissent_version"
                }
                if not involved <= asked:
                    bad(
                        "INV-D11", case, "dissent version not countersigned by every party", sub.idx
                    )
    return out


def _cs_findings_of(invariant: str) -> Check:
    def check(ctx: LogContext) -> list[Violation]:
        return [v for v in _memo(ctx, _countersign_findings) if v.invariant == invariant]

    check.__doc__ = f"{invariant}: see :func:`_countersign_findings`."
    return check


inv_d07 = _cs_findings_of("INV-D07")
inv_d08 = _cs_findings_of("INV-D08")
inv_d09 = _cs_findings_of("INV-D09")
inv_d10 = _cs_findings_of("INV-D10")
inv_d11 = _cs_findings_of("INV-D11")
inv_d07.__doc__ = """A56 「由主办部门主要负责人与相关部门主要负责人会签或联合报市政府审批」,
A59 「协办部门要积极配合并由主要负责人会签」: before a document touching other departments' powers
is submitted, each of them countersigned (its last act agrees), was deemed to (A59), or
co-signed a joint submission; an objection stands only on a documented dissent version that
was not countersigned again when the scenario says so (K37)."""
inv_d08.__doc__ = """A59 「逾期不回复视为无不同意见」: deemed consent comes at or after the
(extended) deadline, only where it applies (deeming on; after an extension only if AMB-19
says so), never for a department that replied in time, and only a deemed department replies
late."""
inv_d09.__doc__ = """A59 (liveness): with no reply by the (extended) deadline before the horizon,
the countersign is deemed exactly at the deadline; a reply after it is not taken instead."""
inv_d10.__doc__ = """A59 「除主办部门另有时限要求外，一般应在3个工作日内回复，特别复杂的事项不得超过
一周；特殊情况不能按期回复的，应主动与主办部门沟通并商定回复时限及方式」: the lead asks, the
deadline is the lead's own limit, else one week for complex matters, else 3 working days
(AMB-01, AMB-45); an extension follows the department's own request, made before the
deadline, and moves the deadline later."""
inv_d11.__doc__ = """A56 「部门之间有分歧的，主办部门主要负责人要主动协商；协商后仍不能取得一致意见
的，主办部门应列明各方理据，提出办理意见，与相关部门会签后报市政府决定」: every objection is
negotiated by the lead; a resolved one ends in the department's countersign; otherwise its
grounds are listed, a handling is proposed and the version is countersigned by every party."""


def inv_d12(ctx: LogContext) -> list[Violation]:
    """A56 「与相关部门会签后报市政府决定」: a document countersigned with a dissent is decided
    by the city government — a leader's approval (requests) or signature (drafts), or the
    decision of a government meeting chaired by a leader — and is never closed on the GO's or
    the lead department's own act."""
    info, org, out = _case_info(ctx), ctx.org, []
    boundary = _review_boundary(ctx)[0]
    for case, evs in _per_case(ctx.events).items():
        if not any(e.act == "doc.countersigned" and e.outcome == "dissent" for e in evs):
            continue
        # A leader's approval (requests) or signature (drafts), or a government meeting's
        # decision (RULES §4.4; A7, A27).
        decisive = "leader.approved" if info[case]["case_type"] == "request" else "doc.signed"
        decisions = [e for e in evs if e.act in (decisive, "meeting.decision")]
        for e in decisions:
            if not org.is_leader(e.actor or ""):
                out.append(Violation("INV-D12", "A56", case, f"decided by {e.actor}", (e.idx,)))
        closed = [e for e in evs if e.act == "doc.closed" and e.reason != "redirected"]
        if closed and closed[0].idx == boundary.get(case):
            continue  # the model ends at the GO's review; the decision lies beyond it
        if closed and not decisions:
            out.append(
                Violation(
                    "INV-D12", "A56", case, "closed with no leader's decision", (closed[0].idx,)
                )
            )
    return out


def _review_boundary(ctx: LogContext) -> tuple[dict[int, int], list[Violation]]:
    """Upward documents closed at their passed GO review, when the scenario makes that review
    the end of every upward document (``general_office.close_after_review``): case → the
    closing event. And the breaches of that boundary: a review passed (A57 「由市政府办公室
    审核」) whose case's next event is not its closure by the GO at the same moment (so it went
    on to a leader, or stayed open). Nothing to find when the knob is off."""
    if "_review_boundary" in ctx.memo:
        return ctx.memo["_review_boundary"]
    closures: dict[int, int] = {}
    out: list[Violation] = []
    if ctx.params.close_after_review:
        info = _case_info(ctx)
        for case, evs in _per_case(ctx.events).items():
            if info[case]["case_type"] not in UPWARD:
                continue
            for i, e in enumerate(evs):
                if e.act != "go.reviewed" or e.outcome != "pass":
                    continue
                nxt = evs[i + 1] if i + 1 < len(evs) else None
                if (
                    nxt is not None
                    and nxt.act == "doc.closed"
                    and nxt.actor == GO
                    and nxt.reason is None
                    and abs(nxt.time - e.time) <= EPS
                ):
                    closures[case] = nxt.idx
                else:
                    out.append(
                        Violation(
                            "INV-D15",
                            "A57",
                            case,
                            "passed the GO's review but not closed at it "
                            "(general_office.close_after_review)",
                            (e.idx,) if nxt is None else (e.idx, nxt.idx),
                        )
                    )
    ctx.memo["_review_boundary"] = closures, out
    return closures, out


def inv_d15(ctx: LogContext) -> list[Violation]:
    """A57 「对有具体请示事项的，应签署明确意见、姓名和日期。对一般报告性公文，圈阅表示“已阅
    知”」: approvals (the opinion; the actor is the name, the time the date) are by leaders on
    requests; every closed request was approved (or decided by a government meeting it was
    referred to, A7) and every closed report circle-read or instructed on.

    When the scenario ends upward documents at the GO's review
    (``general_office.close_after_review``), a request or report may instead close at its
    passed review — and must: see :func:`_review_boundary`."""
    info, org = _case_info(ctx), ctx.org
    boundary, out = _review_boundary(ctx)
    out = list(out)
    for case, evs in _per_case(
        ctx.events,
        "leader.approved",
        "leader.circle_read",
        "leader.instructed",
        "meeting.decision",
        "doc.closed",
    ).items():
        kind = info[case]["case_type"]
        acts = {e.act for e in evs}
        for e in evs:
            if e.act == "leader.approved" and (
                kind != "request" or not org.is_leader(e.actor or "")
            ):
                out.append(
                    Violation(
                        "INV-D15", "A57", case, f"approval by {e.actor} on a {kind}", (e.idx,)
                    )
                )
        done = [e for e in evs if e.act == "doc.closed" and e.reason != "redirected"]
        if not done or done[0].idx == boundary.get(case):
            continue
        if kind == "request" and not acts & {"leader.approved", "meeting.decision"}:
            out.append(
                Violation("INV-D15", "A57", case, "request closed unapproved", (done[0].idx,))
            )
        if kind == "report" and not acts & {"leader.circle_read", "leader.instructed"}:
            out.append(Violation("INV-D15", "A57", case, "report closed unread", (done[0].idx,)))
    return out


def inv_o01(ctx: LogContext) -> list[Violation]:
    """A59 「市政府领导同志不直接签批未经市政府办公室审理的公文文稿」: a leader signs a draft
    only after the GO's vetting passed it."""
    out = []
    for case, evs in _per_case(ctx.events, "go.reviewed", "doc.signed").items():
        vetted = math.inf
        for e in evs:
            if e.act == "go.reviewed" and e.outcome == "pass":
                vetted = min(vetted, e.time)
            elif e.act == "doc.signed" and not vetted <= e.time:
                out.append(Violation("INV-O01", "A59", case, "signed before GO vetting", (e.idx,)))
    return out


def inv_o02(ctx: LogContext) -> list[Violation]:
    """A59 「部门主要负责人要对代拟文稿认真审核把关，并在公文签批单上签名同意」: every time a
    department's draft reaches the GO, its principal head signed the sign-off sheet first."""
    info, out = _case_info(ctx), []
    for case, evs in _per_case(ctx.events, "doc.principal_signed", "go.received").items():
        c = info[case]
        if c["case_type"] not in OUTGOING or c["sender"] == GO:
            continue
        signed = 0
        for e in evs:
            if e.act == "doc.principal_signed" and e.actor == c["sender"]:
                signed += 1
            elif e.act == "go.received":
                if signed < 1:
                    out.append(
                        Violation("INV-O02", "A59", case, "received without 签批单", (e.idx,))
                    )
                signed = 0
    return out


def _a61_class(topic: str, meeting_decided: bool, urgent: bool) -> tuple[str, int]:
    """The A61 class of an outgoing document and its item, trying the items in the order
    (2), (3), (4), (1), (6), (7), (8), (5) (AMB-29, K75)."""
    go_name = topic in ("go_business", "go_daily")
    if topic in ("motion_to_npc", "gov_rule"):
        return topic, 2
    if topic == "personnel":
        return topic, 3
    if topic == "overseas_approval":
        return topic, 4
    if topic in ("to_province", "major_policy"):
        return topic, 1
    if not go_name and meeting_decided:
        return "meeting_decided", 6
    if topic == "routine_approval":
        return topic, 6
    if not go_name and urgent:
        return "special_urgent", 7
    if go_name:
        return topic, 8
    return "other_gov", 5


_ITEM_INVARIANT = {
    1: "INV-O05",
    2: "INV-O04",
    3: "INV-O04",
    4: "INV-O04",
    5: "INV-O06",
    6: "INV-O07",
    7: "INV-O08",
    8: "INV-O09",
}


def _signing_findings(ctx: LogContext) -> list[Violation]:
    """A61 item by item, for every ``doc.signed`` (see the INV-O04 … O09 docstrings)."""
    info, org, out = _case_info(ctx), ctx.org, []
    mayor, exec_vm, sg = org.mayor, org.executive_vice_mayor, org.secretary_general
    vms = {ld for ld, r in org.leader_roles.items() if r in ("vice_mayor", "executive_vice_mayor")}
    acts = (
        "doc.involves",
        "doc.co_review_signed",
        "sign.authorized",
        "meeting.deliberated",
        "meeting.decision",
        "doc.signed",
    )
    for case, evs in _per_case(ctx.events, *acts).items():
        c = info[case]
        for s in (e for e in evs if e.act == "doc.signed"):
            cls, item = _a61_class(str(c["topic"]), bool(c["meeting_decided"]), bool(c["urgent"]))
            inv = _ITEM_INVARIANT[item]
            art = f"A61 item {item}"

            def bad(msg: str, inv: str = inv, art: str = art, s: _Ev = s, case: int = case) -> None:
                out.append(Violation(inv, art, case, msg, (s.idx,)))

            signer = s.owner  # the leader who signs in law; a substitute signs for them (A8)
            before = [e for e in evs if e.idx < s.idx]
            owner = _leader_in_charge(org, str(c["matter"]))
            auth_by = {e.actor for e in before if e.act == "sign.authorized" and e.target == signer}
            if s.reason != cls:
                bad(f"signed as {s.reason}, but the document is {cls} (AMB-29)")
            if item in (2, 3, 4) and signer != mayor:
                bad(f"{cls} signed by {signer}, not the mayor")
            elif item == 1 and signer not in (mayor, exec_vm):
                bad(f"{cls} signed by {signer}, not the mayor or executive VM")
            elif item == 5:
                touched = {owner} | {
                    _leader_in_charge(org, e.target)
                    for e in evs
                    if e.act == "doc.involves" and e.target
                }
                reviewed = {e.owner for e in before if e.act == "doc.co_review_signed"}
                for ld in sorted(x for x in touched - {signer} - reviewed if x):
                    bad(f"not co-reviewed by {ld}, whose portfolio it touches (审签)")
                if c["wide_ranging"]:
                    if signer not in (mayor, exec_vm):
                        bad(f"wide-ranging document signed by {signer}")
                elif signer != (mayor if owner == sg else owner):
                    bad(f"signed by {signer}, the leader in charge is {owner}")
            elif item == 6:
                if cls == "meeting_decided" and not any(
                    e.act in ("meeting.deliberated", "meeting.decision") for e in before
                ):
                    bad("no prior government meeting decision")
                if signer != mayor and not ((signer in vms or signer == sg) and mayor in auth_by):
                    bad(f"signed by {signer} without the mayor's authorisation")
            elif item == 7:
                allowed_by = {mayor} | ({owner} if owner in vms else set())
                if signer != sg or not c["urgent"]:
                    bad(f"A61(7) document signed by {signer}")
                elif not auth_by & allowed_by:
                    bad(f"SG signed without authorisation by the mayor or {owner}")
            elif item == 8:
                if cls == "go_daily" and signer != sg:
                    bad(f"GO daily-work document signed by {signer}, not the SG")
                if cls == "go_business" and signer not in {mayor} | (
                    {owner} & vms if owner else set()
                ):
                    bad(f"GO business document signed by {signer}")
            if signer == sg and item not in (6, 7, 8):
                out.append(
                    Violation(
                        "INV-O08", "A61 item 7", case, f"SG signed a {cls} document", (s.idx,)
                    )
                )
    return out


def _sign_findings_of(invariant: str, doc: str) -> Check:
    def check(ctx: LogContext) -> list[Violation]:
        return [v for v in _memo(ctx, _signing_findings) if v.invariant == invariant]

    check.__doc__ = doc
    return check


inv_o04 = _sign_findings_of(
    "INV-O04",
    """A61(2)–(4) 「由市长签发」: motions to the People's Congress, government rules, personnel
    documents and heads' trips abroad are signed by the mayor (class as per AMB-29).""",
)
inv_o05 = _sign_findings_of(
    "INV-O05",
    """A61(1) 「由市长或常务副市长签发」: documents to the province and on major policy.""",
)
inv_o06 = _sign_findings_of(
    "INV-O06",
    """A61(5): other government-name documents are signed by the leader in charge (一般);
    every other leader whose portfolio they touch co-reviews (审签) first; wide-ranging ones
    are signed by the mayor or the executive VM. ASSUMPTION with INV-O08: where the SG holds
    the portfolio, the mayor signs.""",
)
inv_o07 = _sign_findings_of(
    "INV-O07",
    """A61(6): matters decided at a government meeting (the meeting came first) and routine
    approvals are signed by the mayor, or by a VM or the SG the mayor authorised.""",
)
inv_o08 = _sign_findings_of(
    "INV-O08",
    """A61(7) 「特殊、紧急情况下，经市长或副市长授权 … 可由市政府秘书长签发」: the SG signs a
    government-name document outside A61(6) only when it is special or urgent and the mayor or
    the VM in charge (AMB-30, K76) authorised it.""",
)
inv_o09 = _sign_findings_of(
    "INV-O09",
    """A61(8): GO-name business documents are signed by the mayor or the VM in charge, the GO's
    daily-work documents by the SG.""",
)


def inv_o11(ctx: LogContext) -> list[Violation]:
    """A60 「以市政府名义对外签订合同、协议、备忘录、意向书等，需事先经市司法局合法性审查，并报
    市政府同意」: a contract is signed only after a passed legality review and a leader's
    consent for the city government."""
    org, out = ctx.org, []
    acts = ("justice.legality_reviewed", "gov.consented", "contract.signed")
    for case, evs in _per_case(ctx.events, *acts).items():
        for s in (e for e in evs if e.act == "contract.signed"):
            before = [e for e in evs if e.idx < s.idx]
            if not any(
                e.act == "justice.legality_reviewed" and e.outcome == "pass" for e in before
            ):
                out.append(
                    Violation("INV-O11", "A60", case, "signed before legality review", (s.idx,))
                )
            if not any(e.act == "gov.consented" and org.is_leader(e.actor or "") for e in before):
                out.append(Violation("INV-O11", "A60", case, "signed without consent", (s.idx,)))
    return out


def inv_n01(ctx: LogContext) -> list[Violation]:
    """A21 「进行评估论证、公开征求意见，经市司法局合法性审核后，由起草部门提请市政府全体会议或
    常务会议审议，并予以公布和备案」: for a normative document, evaluation and public comment
    come before a passed legality review requested by the drafting department, which comes
    before deliberation, which comes before publication; a published one is also filed."""
    info, out = _case_info(ctx), []
    for case, evs in _per_case(ctx.events).items():
        c = info[case]
        if c["case_type"] != "normative":
            continue
        first = {}
        for e in evs:
            first.setdefault((e.act, e.outcome if e.act.startswith("justice") else None), e)
        ev_ = first.get(("norm.evaluated", None))
        co = first.get(("norm.consulted", None))
        lr = first.get(("justice.legality_reviewed", "pass"))
        de = first.get(("meeting.deliberated", None)) or first.get(("meeting.decision", None))
        pu = first.get(("doc.published", None))
        chain = [
            ("evaluation", ev_),
            ("public comment", co),
            ("legality review", lr),
            ("deliberation", de),
            ("publication", pu),
        ]
        reached = [(n, e) for n, e in chain if e is not None]
        for (n1, e1), (n2, e2) in itertools.pairwise(reached):
            if e1.idx > e2.idx:
                out.append(Violation("INV-N01", "A21", case, f"{n2} before {n1}", (e2.idx,)))
        last = reached[-1][0] if reached else None
        seen = [n for n, _ in reached]
        if last is not None and seen != [n for n, _ in chain[: len(seen)]]:
            missing = next(n for n, e in chain if e is None)
            out.append(
                Violation(
                    "INV-N01", "A21", case, f"{last} without {missing}", (reached[-1][1].idx,)
                )
            )
        if pu is not None and not any(e.act == "norm.filed" for e in evs):
            out.append(Violation("INV-N01", "A21", case, "published but not filed", (pu.idx,)))
        for e in evs:
            if e.act == "legality.submitted" and e.actor != c["sender"]:
                out.append(
                    Violation("INV-N01", "A21", case, "not requested by the drafter", (e.idx,))
                )
    return out


def inv_n03(ctx: LogContext) -> list[Violation]:
    """A20 「审议的市政府规章草案由市司法局审查或组织起草」: a government rule is deliberated
    only after the justice bureau reviewed it."""
    info, out = _case_info(ctx), []
    acts = ("justice.legality_reviewed", "meeting.deliberated", "meeting.decision")
    for case, evs in _per_case(ctx.events, *acts).items():
        if info[case]["topic"] != "gov_rule":
            continue
        reviewed = math.inf
        for e in evs:
            if e.act == "justice.legality_reviewed" and e.outcome == "pass":
                reviewed = min(reviewed, e.time)
            elif e.act in ("meeting.deliberated", "meeting.decision") and not reviewed <= e.time:
                out.append(
                    Violation("INV-N03", "A20", case, "rule deliberated unreviewed", (e.idx,))
                )
    return out


INVARIANTS: dict[str, Check] = {
    "INV-D01": inv_d01,
    "INV-D02": inv_d02,
    "INV-D03": inv_d03,
    "INV-D04": inv_d04,
    "INV-D05": inv_d05,
    "INV-D06": inv_d06,
    "INV-D07": inv_d07,
    "INV-D08": inv_d08,
    "INV-D09": inv_d09,
    "INV-D10": inv_d10,
    "INV-D11": inv_d11,
    "INV-D12": inv_d12,
    "INV-D13": inv_d13,
    "INV-D14": inv_d14,
    "INV-D15": inv_d15,
    "INV-D16": inv_d16,
    "INV-D17": inv_d17,
    "INV-O01": inv_o01,
    "INV-O02": inv_o02,
    "INV-O03": inv_o03,
    "INV-O04": inv_o04,
    "INV-O05": inv_o05,
    "INV-O06": inv_o06,
    "INV-O07": inv_o07,
    "INV-O08": inv_o08,
    "INV-O09": inv_o09,
    "INV-O11": inv_o11,
    "INV-N01": inv_n01,
    "INV-N03": inv_n03,
    "INV-S01": inv_s01,
    "INV-S04": inv_s04,
    "INV-S05": inv_s05,
    "INV-E01": inv_e01,
    "INV-E02": inv_e02,
    "INV-E03": inv_e03,
    "INV-E04": inv_e04,
    "INV-L01": inv_l01,
    "INV-L03": inv_l03,
    "INV-L04": inv_l04,
    "INV-L05": inv_l05,
    "INV-L06": inv_l06,
    "INV-L07": inv_l07,
    "INV-L08": inv_l08,
    "INV-M01": inv_m01,
    "INV-M02": inv_m02,
    "INV-M03": inv_m03,
    "INV-M04": inv_m04,
    "INV-M05": inv_m05,
    "INV-M06": inv_m06,
    "INV-M07": inv_m07,
    "INV-M08": inv_m08,
    "INV-M09": inv_m09,
    "INV-M12": inv_m12,
}

NOT_YET_CHECKED = (
    "INV-O10 (seals, A64), INV-O12…O15 (publication, interpretation, A62 documents)",
    "INV-N02, N04…N07 (registry uniqueness and validity, major decisions)",
    "INV-M10, M11 (meeting cadence per month and year; department meetings, A54: not modelled)",
    "INV-S02, S03 (supervision activities, A71–A72: not modelled yet)",
    "INV-S06, S07 (instruction and meeting items; commendation and criticism: partly modelled)",
)


def check_log(
    events: pd.DataFrame,
    cases: pd.DataFrame,
    org: Organisation,
    cal: WorkCalendar,
    only: list[str] | None = None,
    scenario: Scenario | None = None,
    colour_rule: Any = None,
) -> list[Violation]:
    """Run every invariant (or those in ``only``) and return all violations found.

    ``scenario`` supplies the knobs some checks depend on (the 补位 policy, the A80 lead, the
    ledger's colour thresholds); without it their defaults are assumed. ``colour_rule``
    overrides the scenario's ``[ledger.colour]`` (K62) for INV-S04."""
    if colour_rule is None and scenario is not None and scenario.ledger is not None:
        colour_rule = scenario.ledger.colour
    ctx = LogContext(
        events.reset_index(drop=True), cases, org, cal, colour_rule=colour_rule, sc=scenario
    )
    out: list[Violation] = []
    for name, check in INVARIANTS.items():
        if only is None or name in only:
            out += check(ctx)
    return out


def audit(log: LoadedLog) -> list[Violation]:
    """Every invariant of :data:`govsim.invariants.INVARIANTS` over the log."""
    return check_log(log.events, log.cases, log.org, log.cal, scenario=log.scenario)


def format_violation(v: Violation, log: LoadedLog) -> str:
    """``INV-D14 (A57) case 12: routed to vm_2, but … [line 45]`` — one line per violation."""
    case = f" case {log.case_label(v.case)}" if v.case is not None else ""
    where = f" [{log.where(v.events)}]" if v.events else ""
    return f"{v.invariant} ({v.article}){case}: {v.message}{where}"
