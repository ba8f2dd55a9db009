"""Views of a log that several checks share, derived once per log and cached on the context.

Filtering the whole frame again for every row is what made the checks slow; each view here is
one grouped or vectorised pass (events by activity, per-case event lists, the case table as
records, the absence intervals per person, the meetings' kinds and conveners), and checks
look things up in it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from govsim.checks.context import LogContext
from govsim.checks.vocab import BACK_ON_POST
from govsim.core.org import GO, Organisation
from govsim.scenario.availability_models import SUBSTITUTION_TRIGGERS


def acts(ev: pd.DataFrame, *names: str) -> pd.DataFrame:
    """The rows of ``ev`` whose activity is one of ``names``."""
    return ev.loc[ev["activity"].isin(names)]


def _positions(ctx: LogContext) -> dict[str, np.ndarray]:
    return ctx.cached(
        "positions", lambda: ctx.events.groupby("activity", observed=True, sort=False).indices
    )


def rows(ctx: LogContext, *names: str) -> pd.DataFrame:
    """:func:`acts` over the context's events, from one grouping of the log by activity."""
    pos = _positions(ctx)
    found = [pos[n] for n in names if n in pos]
    take = np.sort(np.concatenate(found)) if found else np.empty(0, dtype=np.intp)
    return ctx.events.iloc[take]


def first_by_case(frame: pd.DataFrame, column: str, how: str = "min") -> pd.Series:
    """``column`` aggregated per case (``min``, ``first``, ``last``)."""
    return frame.groupby("case", observed=True)[column].agg(how)


def first_index_by_case(frame: pd.DataFrame) -> pd.Series:
    """The first event (log position) of ``frame`` per case."""
    return pd.Series(frame.index.to_numpy(), index=frame["case"].to_numpy()).groupby(level=0).min()


class Ev(NamedTuple):
    """One event, as the per-case checks read it (a named tuple: cheap to build by the
    thousand)."""

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


def decode(col: pd.Series, missing: Any = None) -> list[Any]:
    """A column's values as Python objects, ``missing`` for a missing value (categoricals
    decoded through their codes, without converting every cell)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        lookup = np.array([*col.cat.categories.tolist(), missing], dtype=object)
        return lookup[col.cat.codes.to_numpy()].tolist()
    if col.dtype == object:
        return [missing if v is None or v != v else v for v in col.tolist()]
    return col.tolist()


def group_events(sub: pd.DataFrame) -> dict[int, list[Ev]]:
    """The rows of ``sub`` as :class:`Ev` s grouped by case, in log order."""
    out: dict[int, list[Ev]] = defaultdict(list)
    n = len(sub)
    cols = zip(
        sub.index.tolist(),
        sub["time"].tolist(),
        sub["case"].tolist(),
        decode(sub["activity"]),
        decode(sub["actor"]),
        decode(sub["target"]),
        decode(sub["outcome"]),
        sub["deadline"].tolist(),
        decode(sub["reason"]) if "reason" in sub else [None] * n,
        decode(sub["on_behalf"]),
        strict=True,
    )
    for idx, t, case, *rest in cols:
        out[case].append(Ev(idx, t, *rest))
    return out


def per_case(ctx: LogContext, *names: str) -> dict[int, list[Ev]]:
    """Events of the named activities (all if none), grouped by case in log order (cached)."""
    key = "per_case:" + ",".join(names)
    return ctx.cached(key, lambda: group_events(rows(ctx, *names) if names else ctx.events))


def per_case_of(ctx: LogContext, cases: pd.Series | set[int], *names: str) -> dict[int, list[Ev]]:
    """:func:`per_case` restricted to some cases (not cached)."""
    sub = rows(ctx, *names) if names else ctx.events
    return group_events(sub.loc[sub["case"].isin(cases)])


def case_info(ctx: LogContext) -> dict[int, dict[str, Any]]:
    """The case table as one record per case (cached)."""

    def make() -> dict[int, dict[str, Any]]:
        cases = ctx.cases
        names = list(cases.columns)
        cols = [decode(cases[c], missing=math.nan) for c in names]
        return {int(r[0]): dict(zip(names, r, strict=True)) for r in zip(*cols, strict=True)}

    return ctx.cached("case_info", make)


def cases_of_type(ctx: LogContext, *types: str) -> pd.Series:
    """Ids of the cases of the given types."""
    cases = ctx.cases
    return cases.loc[cases["case_type"].isin(types), "case"]


def leader_in_charge(org: Organisation, unit: str) -> str | None:
    """分管 (A8, A57): the leader whose portfolio holds ``unit``; the GO's own work: the SG
    (A9 「负责安排处理市政府日常事务工作」)."""
    return org.secretary_general if unit == GO else org.portfolio_owner.get(unit)


# -- absences (A6, A8, A80) -----------------------------------------------------------------


@dataclass(frozen=True)
class Away:
    """One absence restated from the log."""

    case: int
    person: str
    reason: str
    start: float
    planned_end: float
    back: float


class Absences:
    """Absences restated from the log (``frame``: case, person, reason, start, planned end,
    back), with per-person lookups: who was away at an instant."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._of: dict[str, list[Away]] = defaultdict(list)
        for r in frame.itertuples(index=False):
            self._of[r.person].append(Away(*r))
        self._arrays = {
            p: (np.array([a.start for a in xs]), np.array([a.back for a in xs]))
            for p, xs in self._of.items()
        }

    def all(self) -> list[Away]:
        """Every absence, in log order."""
        return [Away(*r) for r in self.frame.itertuples(index=False)]

    def of(self, person: str) -> list[Away]:
        """``person``'s absences in log order."""
        return self._of.get(person, [])

    def at(self, person: str, t: float) -> Away | None:
        """The first absence (in log order) of ``person`` that holds at ``t``: start ≤ t < back."""
        for a in self._of.get(person, ()):
            if a.start <= t < a.back:
                return a
        return None

    def away_mask(self, person: str, times: np.ndarray) -> np.ndarray:
        """For each time, whether ``person`` is away then (vectorised :meth:`at`)."""
        if person not in self._arrays:
            return np.zeros(len(times), dtype=bool)
        start, back = self._arrays[person]
        t = np.asarray(times, dtype=float)[:, None]
        return ((start[None, :] <= t) & (t < back[None, :])).any(axis=1)


def absences(ctx: LogContext) -> Absences:
    """Absences restated from the log: person, reason, start, planned end, back (cached)."""

    def make() -> Absences:
        starts = rows(ctx, "absence.start")
        back = rows(ctx, *BACK_ON_POST).set_index("case")["time"]
        frame = pd.DataFrame(
            {
                "case": starts["case"].to_numpy().astype(int),
                "person": starts["actor"].astype(str).to_numpy(),
                "reason": starts["outcome"].astype(str).to_numpy(),
                "start": starts["time"].to_numpy(),
                "planned_end": starts["deadline"].to_numpy(),
                "back": starts["case"].map(back).fillna(math.inf).to_numpy(),
            }
        )
        return Absences(frame)

    return ctx.cached("absences", make)


def triggers(ctx: LogContext) -> set[str] | None:
    """Reasons that activate 补位 (None: every reason), per the scenario (A6, A8, K58)."""
    trig = ctx.substitution.triggers
    return None if trig == "any" else set(trig if trig is not None else SUBSTITUTION_TRIGGERS)


# -- meetings (A44–A52) --------------------------------------------------------------------


def meeting_kinds(ctx: LogContext) -> dict[int, str]:
    """Each meeting's kind, from ``meeting.planned`` (outcome) (cached)."""

    def make() -> dict[int, str]:
        planned = rows(ctx, "meeting.planned")
        return {int(c): str(k) for c, k in zip(planned["case"], planned["outcome"], strict=True)}

    return ctx.cached("meeting_kinds", make)


def conveners(ctx: LogContext) -> dict[int, str]:
    """Each meeting's convener, from ``meeting.convene_decided``: the leader it was decided
    for under 补位 (``on_behalf``, A6, A8), else its actor."""
    found = rows(ctx, "meeting.convene_decided")
    owner = found["on_behalf"].astype(object).where(found["on_behalf"].notna(), found["actor"])
    return {int(c): str(a) for c, a in zip(found["case"], owner.astype(object), strict=True)}


def by_case(ctx: LogContext, activity: str) -> dict[int, pd.DataFrame]:
    """The events of one activity, by case (cached)."""
    key = f"by_case:{activity}"
    return ctx.cached(
        key, lambda: {int(c): g for c, g in rows(ctx, activity).groupby("case", observed=True)}
    )


def opened(ctx: LogContext, *kinds: str) -> pd.DataFrame:
    """``meeting.opened`` events, of the given kinds only if any are named."""
    found = rows(ctx, "meeting.opened")
    if not kinds:
        return found
    kind = meeting_kinds(ctx)
    return found.loc[[kind.get(int(c)) in kinds for c in found["case"]]]


def carried_deadlines(ctx: LogContext) -> pd.DataFrame:
    """``case``, ``target``, ``deadline``, ``outcome``, ``reason`` of each ``case.carried`` row
    that states a limit: a deadline set before a warm start's cut (a countersign's, A59, in
    the first round or on the dissent version, reason ``dissent_version``; a reply's, A57), on
    the run's clock — minute 0 when it passed before the cut's day. ``outcome``: ``object``
    when the co-department objected before the cut, ``extended`` when its limit was."""

    def make() -> pd.DataFrame:
        found = rows(ctx, "case.carried")
        columns = ["case", "target", "deadline", "outcome", "reason"]
        return found.loc[found["deadline"].notna(), columns]

    return ctx.cached("carried_deadlines", make)


def set_before_cut(ctx: LogContext, frame: pd.DataFrame) -> np.ndarray:
    """Per row of ``frame`` (with ``case`` and ``deadline``): True when its deadline is one a
    ``case.carried`` row of the case carries (set before the cut, under the earlier log's
    calendar; its own rules were checked there)."""
    carried = carried_deadlines(ctx)
    if carried.empty or frame.empty:
        return np.zeros(len(frame), dtype=bool)
    keys = set(zip(carried["case"].tolist(), carried["deadline"].tolist(), strict=True))
    pairs = zip(frame["case"].tolist(), frame["deadline"].tolist(), strict=True)
    return np.array([p in keys for p in pairs], dtype=bool)


def carried_cases(ctx: LogContext) -> set[int]:
    """Cases carried across a warm start's cut (``carried`` in the case table): what they
    went through before the cut is in the earlier log, not in this one."""

    def make() -> set[int]:
        if "carried" not in ctx.cases:
            return set()
        return set(ctx.cases.loc[ctx.cases["carried"].astype(bool), "case"].tolist())

    return ctx.cached("carried_cases", make)


def decided_before_cut(ctx: LogContext) -> set[int]:
    """Carried cases whose leader's decision came before the cut: in this log they are never
    submitted, received or routed (they re-enter at the instruction or the reply, A57)."""

    def make() -> set[int]:
        carried = carried_cases(ctx)
        steps = rows(ctx, "doc.submitted", "go.received", "doc.routed", "doc.rerouted")
        return carried - set(steps["case"].tolist())

    return ctx.cached("decided_before_cut", make)


def reviewed_before_cut(ctx: LogContext) -> set[int]:
    """Carried cases this log never shows reaching the GO: they passed its review before the
    cut (A57, A59) — a case carried at the GO or back with its sender reaches it again here."""

    def make() -> set[int]:
        return carried_cases(ctx) - set(rows(ctx, "go.received")["case"].tolist())

    return ctx.cached("reviewed_before_cut", make)


def before_cut(
    ctx: LogContext, case: int, present: Iterable[str], chain: Sequence[str]
) -> set[str]:
    """The steps of ``chain`` (in its order) a carried case went through before the cut:
    those before the first of ``chain`` among the ``present`` acts of the case in this log
    (all of them when none is present); none for a case not carried."""
    if case not in carried_cases(ctx):
        return set()
    have = set(present)
    first = next((i for i, act in enumerate(chain) if act in have), len(chain))
    return set(chain[:first])


def carried_request(
    ctx: LogContext, case: int, dept: str | None, second: bool = False
) -> Ev | None:
    """The ``case.carried`` row standing for a countersign request to ``dept`` made before
    the cut (A59; ``second``: on the version listing the dissent, A56), as an event whose
    outcome says what else came before the cut (``object``, ``extended``); None if none."""
    found = carried_deadlines(ctx)
    hit = found.loc[
        (found["case"] == case)
        & (found["target"].astype(object) == dept)
        & ((found["reason"].astype(object) == "dissent_version") == second)
    ]
    if hit.empty:
        return None
    i = int(hit.index[0])
    row = ctx.events.loc[i]
    outcome = hit["outcome"].iloc[0]
    return Ev(
        i,
        float(row["time"]),
        "case.carried",
        str(row["actor"]),
        dept,
        None if pd.isna(outcome) else str(outcome),
        float(row["deadline"]),
        "dissent_version" if second else None,
    )
