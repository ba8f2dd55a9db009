"""The rules' invariants (RULES.md §8.2) as checks over an event log.

Each check restates its article independently of the model's decision code in
:mod:`govsim.rules` — it reads only the log, the case table, the organisation and the
calendar — so a wrong rule function shows up here as a violation (DESIGN: Rules are written
once; invariants restate them).

Checked so far: INV-D01, INV-D13, INV-D14, INV-D16, INV-D17 (documents and instructions) and
the engineering invariants INV-E01 … INV-E04. Invariants of parts not yet modelled
(countersign, signing, meetings, leave, ledger) are listed in :data:`NOT_YET_CHECKED`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from govsim.calendar import WorkCalendar
from govsim.org import GO, Organisation

TERMINAL = ("doc.closed", "doc.withdrawn")
LEADER_ACTS = ("leader.approved", "leader.circle_read", "leader.instructed")
EPS = 1e-6


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


Check = Callable[[LogContext], list[Violation]]


def _acts(ev: pd.DataFrame, *names: str) -> pd.DataFrame:
    return ev.loc[ev["activity"].isin(names)]


def inv_d01(ctx: LogContext) -> list[Violation]:
    """A55 「公文一律送市政府办公室按规定程序统一办理，不得直接报送市政府领导同志个人」:
    a document reaches a leader only after the GO received it (no direct channel modelled)."""
    ev = ctx.events
    first_received = _acts(ev, "go.received").groupby("case", observed=True)["time"].min()
    reach = _acts(ev, "doc.routed", *LEADER_ACTS)
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
    submitted in poor quality is returned at its first review, never routed on it."""
    ev, cases = ctx.events, ctx.cases
    poor = set(cases.loc[cases["poor_quality"], "case"])
    first = _acts(ev, "go.reviewed").groupby("case", observed=True).head(1)
    bad = first.loc[first["case"].isin(poor) & (first["outcome"] != "return")]
    return [
        Violation("INV-D13", "A63", int(r["case"]), "poor-quality submission not returned", (i,))
        for i, r in bad.iterrows()
    ]


def inv_d14(ctx: LogContext) -> list[Violation]:
    """A57 「根据市政府领导同志分工呈送审批，重大事项报市长审批」: a routed document goes to
    the mayor when major, else to the leader whose portfolio holds the matter."""
    ev, cases, org = ctx.events, ctx.cases, ctx.org
    owner = org.portfolio_owner  # the static 分工 table, not the model's routing function
    info = cases.set_index("case")
    out = []
    for idx, row in _acts(ev, "doc.routed").iterrows():
        case = info.loc[row["case"]]
        expected = org.mayor if case["major"] else owner.get(str(case["matter"]))
        if row["target"] != expected:
            why = "major matter" if case["major"] else f"matter {case['matter']}"
            out.append(
                Violation(
                    "INV-D14",
                    "A57",
                    int(row["case"]),
                    f"routed to {row['target']}, but the {why} belongs to {expected}",
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
    """Conservation: every case ends at most once (closed or withdrawn), nothing follows its
    end, and every case has events (none lost)."""
    ev, cases = ctx.events, ctx.cases
    out = []
    ends = _acts(ev, *TERMINAL)
    for case, n in ends.groupby("case", observed=True).size().items():
        if n > 1:
            out.append(Violation("INV-E01", "engineering", int(case), f"{n} terminal events"))
    last_end = ends.groupby("case", observed=True)["time"].max()
    last_any = ev.groupby("case", observed=True)["time"].max()
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
    submissions and replies by units (A55–A57)."""
    ev, org = ctx.events, ctx.org
    leaders, units = set(org.leaders), set(org.units)
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
    }
    out = []
    for activity, allowed in expected.items():
        rows = _acts(ev, activity)
        bad = rows.loc[~rows["actor"].isin(allowed)]
        out += [
            Violation("INV-E03", "engineering", int(r["case"]), f"{activity} by {r['actor']}", (i,))
            for i, r in bad.iterrows()
        ]
    return out


def inv_e04(ctx: LogContext) -> list[Violation]:
    """Working-day deadlines fall at the close of office of a working day (AMB-45), and work
    is done in office hours: it starts at an open instant and ends open or at a block end."""
    ev, cal = ctx.events, ctx.cal
    out = []
    for idx, row in ev.loc[ev["deadline"].notna()].iterrows():
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


INVARIANTS: dict[str, Check] = {
    "INV-D01": inv_d01,
    "INV-D13": inv_d13,
    "INV-D14": inv_d14,
    "INV-D16": inv_d16,
    "INV-D17": inv_d17,
    "INV-E01": inv_e01,
    "INV-E02": inv_e02,
    "INV-E03": inv_e03,
    "INV-E04": inv_e04,
}

NOT_YET_CHECKED = (
    "INV-D02…D12, D15 (countersign, intake forms: not modelled yet)",
    "INV-O04…O09 (signing authority, A61: outgoing documents not modelled yet)",
    "INV-M01…M05, M07, M08 (meetings: not modelled yet)",
    "INV-L01, L03…L08 (leave and substitution: not modelled yet)",
    "INV-S01, S04, S05 (supervision ledger: not modelled yet)",
)


def check_log(
    events: pd.DataFrame,
    cases: pd.DataFrame,
    org: Organisation,
    cal: WorkCalendar,
    only: list[str] | None = None,
) -> list[Violation]:
    """Run every invariant (or those in ``only``) and return all violations found."""
    ctx = LogContext(events.reset_index(drop=True), cases, org, cal)
    out: list[Violation] = []
    for name, check in INVARIANTS.items():
        if only is None or name in only:
            out += check(ctx)
    return out
