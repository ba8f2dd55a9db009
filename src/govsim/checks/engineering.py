"""Engineering invariants of any log (RULES §8.2 INV-E01 … E04): conservation, time order,
who does what (A20, A21, A44–A61, A70–A74, A80), and office hours (AMB-45)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from govsim.checks.context import EPS, LogContext, Violation
from govsim.checks.registry import invariant
from govsim.checks.views import rows, set_before_cut
from govsim.checks.vocab import ACTOR_ROLES, ITEM_OWNER_ACTS, TERMINAL, WORKING_DAY_DEADLINES
from govsim.core.org import GO, Organisation

FAMILY = "engineering"

# Role key of ACTOR_ROLES → who holds it in an organisation.
_ROLE_HOLDERS: dict[str, Callable[[Organisation], set[str]]] = {
    "go": lambda org: {GO},
    "leaders": lambda org: set(org.leaders),
    "leaders_but_mayor": lambda org: set(org.leaders) - {org.mayor},
    "units": lambda org: set(org.units),
    "departments": lambda org: set(org.departments),
    "departments_and_go": lambda org: set(org.departments) | {GO},
    "people": lambda org: set(org.leaders) | set(org.units),
    "mayor": lambda org: {org.mayor},
    "mayor_or_evm": lambda org: {org.mayor, org.executive_vice_mayor},
    "mayor_evm_or_sg": lambda org: {org.mayor, org.executive_vice_mayor, org.secretary_general},
    "sg": lambda org: {org.secretary_general},
}


@invariant("INV-E01", article="engineering", family=FAMILY)
def inv_e01(ctx: LogContext) -> list[Violation]:
    """Conservation: every case ends at most once (closed or withdrawn), nothing but late
    countersign replies (AMB-19) follows its end, and every case has events (none lost)."""
    ev, cases = ctx.events, ctx.cases
    out = []
    ends = rows(ctx, *TERMINAL)
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


@invariant("INV-E02", article="engineering", family=FAMILY)
def inv_e02(ctx: LogContext) -> list[Violation]:
    """Event times never go backwards."""
    t = ctx.events["time"].to_numpy()
    back = np.flatnonzero(np.diff(t) < 0)
    case = ctx.events["case"].to_numpy()
    return [
        Violation("INV-E02", "engineering", int(case[i + 1]), "time goes backwards", (int(i + 1),))
        for i in back
    ]


def _allowed_table(ctx: LogContext) -> np.ndarray:
    """ok[activity code, actor code (the last column: no actor)]: whether that actor may do
    that activity (activities without a role: anyone)."""
    ev, org = ctx.events, ctx.org
    acts, actors = ev["activity"].cat.categories, ev["actor"].cat.categories
    holders = {role: make(org) for role, make in _ROLE_HOLDERS.items()}
    ok = np.ones((len(acts), len(actors) + 1), dtype=bool)
    for i, act in enumerate(acts):
        if act in ACTOR_ROLES:
            ok[i, :-1] = actors.isin(holders[ACTOR_ROLES[act]])
            ok[i, -1] = False
    return ok


def _item_actors(ctx: LogContext) -> list[Violation]:
    """A ledger item's 承办, 反馈 and colours come from its owner, its push from the owner's
    leader in charge (分管, A8) or the substitute holding it for them (补位, A8)."""
    org = ctx.org
    owner = ctx.cases.set_index("case")["matter"].astype(str)
    found = rows(ctx, *ITEM_OWNER_ACTS)
    dept = found["case"].map(owner).astype(object).fillna("None")
    pushed = (found["activity"] == "ledger.pushed").to_numpy()
    who = np.where(pushed, dept.map(lambda d: org.portfolio_owner.get(d)), dept)
    # a push held by a substitute counts for the leader it was held for (on_behalf, A8)
    actor = found["on_behalf"].astype(object).where(found["on_behalf"].notna(), found["actor"])
    actor = actor.astype(object).to_numpy()
    out = []
    for i, c, act, a, w in zip(
        found.index, found["case"], found["activity"], actor, who, strict=True
    ):
        if a != w:
            msg = f"{act} by {a}, the item's is {w}"
            out.append(Violation("INV-E03", "A8, A73", int(c), msg, (i,)))
    return out


@invariant("INV-E03", article="engineering", family=FAMILY)
def inv_e03(ctx: LogContext) -> list[Violation]:
    """Every actor holds the role its act claims: GO acts by the GO, leader acts by leaders,
    submissions, replies and countersigns by units, legality reviews by a department
    (A20, A21, A55–A61, A70–A74, A80; the table is :data:`govsim.checks.vocab.ACTOR_ROLES`)."""
    ev = ctx.events
    act_code = ev["activity"].cat.codes.to_numpy()
    actor_code = ev["actor"].cat.codes.to_numpy().astype(np.intp)
    actor_code[actor_code < 0] = len(ev["actor"].cat.categories)
    bad = np.flatnonzero(~_allowed_table(ctx)[act_code, actor_code])
    rank = {a: i for i, a in enumerate(ACTOR_ROLES)}
    acts = ev["activity"].to_numpy()[bad]
    bad = bad[np.lexsort((bad, [rank[a] for a in acts]))] if len(bad) else bad
    actors, cases, acts = ev["actor"].to_numpy(), ev["case"].to_numpy(), ev["activity"].to_numpy()
    out = [
        Violation("INV-E03", "engineering", int(cases[i]), f"{acts[i]} by {actors[i]}", (int(i),))
        for i in bad
    ]
    return out + _item_actors(ctx)


def _deadline_ok(ctx: LogContext, deadline: float) -> bool:
    """A working-day deadline falls at the close of office of a working day (AMB-45)."""
    cal = ctx.cal
    d = cal.date_of(deadline - EPS)
    return cal.is_working_day(d) and abs(cal.office_close(d) - deadline) <= EPS


@invariant("INV-E04", article="AMB-45", family=FAMILY)
def inv_e04(ctx: LogContext) -> list[Violation]:
    """Working-day deadlines fall at the close of office of a working day (AMB-45), and work
    is done in office hours: it starts at an open instant and ends open or at a block end."""
    ev, cal = ctx.events, ctx.cal
    out = []
    timed = rows(ctx, *WORKING_DAY_DEADLINES)
    timed = timed.loc[timed["deadline"].notna()]
    timed = timed.loc[~set_before_cut(ctx, timed)]  # a warm start's: the earlier calendar's
    values, inverse = np.unique(timed["deadline"].to_numpy(), return_inverse=True)
    ok = np.array([_deadline_ok(ctx, float(v)) for v in values], dtype=bool)
    late = timed.loc[~ok[inverse.reshape(-1)]] if len(timed) else timed
    for i, c in zip(late.index, late["case"], strict=True):
        msg = "deadline not at a working day's close"
        out.append(Violation("INV-E04", "AMB-45", int(c), msg, (i,)))
    work = ev.loc[ev["start"].notna() & (ev["value"] > 0)]
    for i, c, s, t in zip(
        work.index, work["case"], work["start"].tolist(), work["time"].tolist(), strict=True
    ):
        if not cal.is_open(s) or not (cal.is_open(t) or cal.is_open(t - 1e-3)):
            msg = "work outside office hours"
            out.append(Violation("INV-E04", "calendar", int(c), msg, (i,)))
    return out
