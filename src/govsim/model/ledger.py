"""The supervision ledger (督查工作台帐): items, their lifecycle, and the A70 rhythm.

An item's life reads next to RULES §7.3 (A73 「完善“立项—交办—承办—反馈—核查—销号”流程」)::

    立项 registered by the GO, with owner department, deadline (AMB-50) and work
    交办 the GO assigns it to the department                (GO working time)
    承办 the department takes it up and works on it       (at its desk, model.ledger_desk)
    反馈 the department reports the work done
    核查 the GO verifies — a failure sends it back to 承办 with rework (AMB-16, K64)
    销号 the GO closes it, on time or late (A70 「按期完」); very late → 通报批评 (A74)

Sources (RULES §7.3): instructions put under supervision when issued (A57, A69(六), §4.6 row
8), the key tasks of the year in batches and as a stream (A70), audit findings (A69(五)) and
meeting decisions (A53, :func:`register_meeting_decision`).

The rhythm (A70 「政府部门周盘点、分管副市长旬推进、市长月调度」; RULES §7.5):

* 周盘点 — at the close of office of the last working day of each week (K07), each department
  with open items takes stock: every open item gets its colour from
  :func:`govsim.rules.ledger.colour` (K62), logged with its progress.
* 旬推进 — on each dekad's push day (K06, AMB-15), each leader in charge of a department with
  open items (the vice mayor of the portfolio; the mayor or the secretary-general for their own
  portfolios) convenes a session that reviews the yellow and red items; it takes the leader's
  time through the leader's queue, like a document, and speeds the items up (K63).
* 月调度 — on the month's last push day the mayor convenes a session on the red items: 督办
  (speed-up, K63) and, for items red at several dispatches in a row, 约谈 (A74).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govsim.core.distributions import Distribution, bound_sampler
from govsim.core.org import GO
from govsim.log import CASE_TYPES, LEDGER_SOURCES
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.model.agents import NORMAL, URGENT
from govsim.model.arrivals import stream_times
from govsim.model.ledger_desk import ledger_desks
from govsim.model.ledger_rhythm import LedgerRhythm
from govsim.rules.ledger import (
    ledger_deadline,
)
from govsim.scenario.ledger_models import MAX_DEADLINE_WORKING_DAYS, Ledger

if TYPE_CHECKING:
    from govsim.model.world import World

LEDGER_ITEM = CASE_TYPES.index("ledger_item")


@dataclass(eq=False)
class Item:
    """A ledger item's state in the simulation (the log is what the outside sees)."""

    case: int
    source: str
    owner: str  # the department that undertakes it
    leader: str  # the leader in charge of the owner (分管, A8): who pushes it (旬推进)
    registered: float
    deadline: float
    work: float  # working minutes at 立项
    total: float  # work including rework after failed verifications
    done: float = 0.0
    state: str = "registered"
    colour: str | None = None  # at the last stocktake; None before the first
    dekad_boost: bool = False
    dispatch_boost: bool = False
    red_dispatches: int = 0  # consecutive monthly dispatches at which it was red
    multiplier: float = 1.0
    work_before: float = 0.0  # carried across a warm start: working minutes 立项 → minute 0

    @property
    def progress(self) -> float:
        """Share of the work done (1 when there is no work)."""
        return 1.0 if self.total <= 0.0 else self.done / self.total


class LedgerModel(LedgerRhythm):
    """The ledger of one replication: sources, item lifecycles, desks and rhythm sessions."""

    def __init__(self, w: World, cfg: Ledger) -> None:
        self.w, self.cfg = w, cfg
        cal = w.cal
        self.open: dict[int, Item] = {}  # open items in registration order
        self.desks = ledger_desks(w, cfg)
        self._cadence_case: dict[str, int] = {}
        self.priority = URGENT if cfg.rhythm.priority == "urgent" else NORMAL
        self.end_date = cal.start + dt.timedelta(days=cal.days)
        wmpd = cal.working_minutes_per_day

        def bind(name: str, spec: Distribution) -> Callable[[], float]:
            return bound_sampler(spec, wmpd, w.streams[f"ledger.{name}"])

        self.sample_assign = bind("assign", cfg.assign)
        self.sample_accept = bind("accept", cfg.accept)
        self.sample_verify = bind("verify", cfg.verify)
        self.sample_dekad = bind("dekad_push", cfg.rhythm.dekad_push)
        self.sample_dispatch = bind("monthly_dispatch", cfg.rhythm.monthly_dispatch)
        self.sources = {
            "instruction": cfg.instructions,
            "key_task": cfg.key_tasks,
            "audit": cfg.audit,
            "meeting": cfg.meetings,
        }
        self.sample_deadline = {
            s: bind(f"deadline/{s}", c.deadline) for s, c in self.sources.items()
        }
        self.sample_work = {s: bind(f"work/{s}", c.work) for s, c in self.sources.items()}
        self._verify_outcome = w.streams["ledger.verify_outcome"]
        self._supervise = w.streams["ledger.supervise"]

    # -- sources ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the exogenous sources and the rhythm (called when the run starts)."""
        env = self.w.env
        env.process(self._feed(self._exogenous()))
        env.process(self._stocktakes())
        env.process(self._dekads())

    def _exogenous(self) -> list[tuple[float, str, str]]:
        """(time, source, owner) of every key task and audit finding, in time order."""
        w, cal = self.w, self.w.cal
        departments = list(w.org.departments)
        out: list[tuple[float, str, str]] = []
        kt = self.cfg.key_tasks
        owners = w.streams["ledger.owner/key_task_batch"]
        for day in kt.batch_dates:
            t = cal.next_open(cal.clock_of(day))
            picks = owners.integers(0, len(departments), size=kt.batch_size)
            if t < cal.horizon_minutes:
                out += [(t, "key_task", departments[int(i)]) for i in picks]
        for source, per_week in (("key_task", kt.per_week), ("audit", self.cfg.audit.per_week)):
            # One arrival helper for every stream: load.scale and seasonality apply (A70).
            times = stream_times(w.sc, cal, w.streams[f"ledger.arrivals/{source}"], per_week)
            n = len(times)
            picks = w.streams[f"ledger.owner/{source}"].integers(0, len(departments), size=n)
            out += [
                (float(t), source, departments[int(i)]) for t, i in zip(times, picks, strict=True)
            ]
        out.sort(key=lambda x: x[0])  # stable: batch order kept at equal times
        return out

    def _feed(self, arrivals: list[tuple[float, str, str]]) -> Generator[Any, Any, None]:
        env = self.w.env
        for t, source, owner in arrivals:
            if t > env.now:
                yield env.timeout(t - env.now)
            self.register(source, owner)

    def instruction_issued(self, doc_case: int, leader: str, dept: str) -> int | None:
        """A leader's 批示 on ``dept``'s matter: put under supervision with ``p_supervise``.

        A69(六) 「市政府负责承办的各级领导的批示件」 are supervised by the GO; RULES §4.6 row 8
        registers the item when the instruction is issued. Returns the item's case, or None.
        """
        if self._supervise.random() >= self.cfg.instructions.p_supervise:
            return None
        return self.register("instruction", dept, sender=leader, parent=doc_case)

    def register(
        self,
        source: str,
        owner: str,
        *,
        sender: str = GO,
        parent: int = -1,
        deadline_working_days: int | None = None,
        work_minutes: float | None = None,
    ) -> int:
        """立项 (A70, A73): register an item now and start its lifecycle; returns its case.

        The deadline (AMB-50) and the work are drawn from the source's distributions unless
        given. The leader in charge is the owner's portfolio leader (分管, A8).
        """
        w, env, log, code = self.w, self.w.env, self.w.log, self.w.org.code
        if owner not in self.desks:
            raise ValueError(f"a ledger item's owner must be a department, not {owner!r}")
        if source not in self.sources:
            raise ValueError(f"unknown ledger source {source!r}; one of {LEDGER_SOURCES}")
        wmpd = w.cal.working_minutes_per_day
        days = deadline_working_days
        if days is None:
            days = math.ceil(self.sample_deadline[source]() / wmpd - 1e-9)
        days = min(max(1, int(days)), MAX_DEADLINE_WORKING_DAYS)
        work = self.sample_work[source]() if work_minutes is None else float(work_minutes)
        case = log.new_case(
            LEDGER_ITEM,
            env.now,
            code[sender],
            code[owner],
            False,
            False,
            source=LEDGER_SOURCES.index(source),
            parent=parent,
        )
        deadline = ledger_deadline(w.cal, env.now, days)
        item = Item(
            case, source, owner, w.org.portfolio_owner[owner], env.now, deadline, work, work
        )
        log.add(
            env.now,
            case,
            A.LEDGER_REGISTERED,
            code[GO],
            target=code[owner],
            deadline=deadline,
            value=work,
        )
        self.open[case] = item
        env.process(self._lifecycle(item))
        return case

    # -- the item's life (A73) -------------------------------------------------------------

    def carry(self, item: Item, stage: str, sender: str, before: float) -> int:
        """An item open at a warm start's cut re-enters now at ``stage`` (A70, A73).

        Its case is created again (marked ``carried``); ``item`` brings its owner, deadline,
        work, progress, colour and push flags from before the cut, ``item.case`` is set here.
        A ``case.carried`` row states the deadline and ``before``, the working minutes from
        its 立项 to the run's minute 0 (its plan is linear from 立项, K62). Returns the case.
        """
        w, env, code = self.w, self.w.env, self.w.org.code
        item.case = w.log.new_case(
            LEDGER_ITEM, env.now, code[sender], code[item.owner], False, False,
            source=LEDGER_SOURCES.index(item.source), carried=True,
        )  # fmt: skip
        w.log.add(
            env.now, item.case, A.CASE_CARRIED, code[GO], target=code[item.owner],
            deadline=item.deadline, value=before,
        )  # fmt: skip
        self.open[item.case] = item
        env.process(self._lifecycle(item, stage))
        return item.case

    def _lifecycle(self, item: Item, stage: str = "registered") -> Generator[Any, Any, None]:
        """立项 → 交办 → 承办 → 反馈 → 核查 (→ 承办 …) → 销号 (RULES §7.3), from ``stage``
        (``registered``, ``assigned``, ``undertaking`` or ``feedback``: where a carried item
        was at a warm start's cut)."""
        if stage == "registered":
            yield from self._assign(item)
        if stage in ("registered", "assigned"):
            # 承办: the department takes it up after its acceptance delay.
            cal, env = self.w.cal, self.w.env
            yield env.timeout(cal.finish_time(env.now, self.sample_accept()) - env.now)
        while True:
            if stage != "feedback":
                yield from self._undertake(item, logged=stage == "undertaking")
            stage = "undertaken"
            if (yield from self._verify(item)):
                break
        self._close(item)

    def _assign(self, item: Item) -> Generator[Any, Any, None]:
        """交办: the GO assigns the item to the department that owns it."""
        w, code = self.w, self.w.org.code
        start, effort = yield from w.go.work(NORMAL, self.sample_assign())
        item.state = "assigned"
        w.log.add(
            w.env.now, item.case, A.LEDGER_ASSIGNED, code[GO], target=code[item.owner],
            start=start, value=effort,
        )  # fmt: skip

    def _undertake(self, item: Item, logged: bool = False) -> Generator[Any, Any, None]:
        """承办 at the department's desk, then 反馈 (``logged``: taken up before the cut)."""
        w, code = self.w, self.w.org.code
        dept = code[item.owner]
        item.state = "undertaking"
        if not logged:
            w.log.add(w.env.now, item.case, A.LEDGER_UNDERTAKEN, dept)
        yield self.desks[item.owner].start(item)
        # 反馈: the department reports the work done to the GO.
        item.state = "feedback"
        w.log.add(w.env.now, item.case, A.LEDGER_FEEDBACK, dept, target=code[GO], value=item.total)

    def _verify(self, item: Item) -> Generator[Any, Any, bool]:
        """核查: the GO verifies; a failure sends the item back to 承办 with rework (AMB-16)."""
        w, cfg, code = self.w, self.cfg, self.w.org.code
        start, effort = yield from w.go.work(NORMAL, self.sample_verify())
        failed = bool(self._verify_outcome.random() < cfg.p_verify_fail)
        w.log.add(
            w.env.now, item.case, A.LEDGER_VERIFIED, code[GO], target=code[item.owner],
            outcome=O.FAIL if failed else O.PASS, start=start, value=effort,
        )  # fmt: skip
        if failed:
            item.total += cfg.rework_share * item.work
        return not failed

    def _close(self, item: Item) -> None:
        """销号, on time or late (A70 「按期完」); very late → 通报批评 (A74)."""
        w, rhythm = self.w, self.cfg.rhythm
        env, log, cal, code = w.env, w.log, w.cal, w.org.code
        go, dept = code[GO], code[item.owner]
        late = env.now > item.deadline
        if (
            late
            and rhythm.criticise
            and cal.working_days_between(item.deadline, env.now)
            > rhythm.criticise_late_working_days
        ):
            log.add(env.now, item.case, A.OUTCOME_CRITICISE, go, target=dept)
        log.add(
            env.now, item.case, A.LEDGER_CLOSED, go, target=dept,
            outcome=O.LATE if late else O.ON_TIME, deadline=item.deadline,
        )  # fmt: skip
        item.state = "closed"
        del self.open[item.case]

    # -- rhythm (A70) ----------------------------------------------------------------------


def register_meeting_decision(
    w: World,
    owner: str,
    *,
    parent: int = -1,
    deadline_working_days: int | None = None,
    work_minutes: float | None = None,
) -> int | None:
    """Hook for the meetings module: a meeting decision to implement becomes a ledger item.

    A53 「市政府全体会议、常务会议、市长办公会议和专题会议决定事项，由市政府办公室负责督办」
    (RULES §5.7, INV-M09): the GO registers it, owned by the department ``owner`` that carries
    it out; ``parent`` is the meeting's (or topic's) case. Deadline and work come from
    ``[ledger.meetings]`` unless given. Returns the item's case, or None when the ledger is off.
    """
    if w.ledger is None:
        return None
    return w.ledger.register(
        "meeting",
        owner,
        parent=parent,
        deadline_working_days=deadline_working_days,
        work_minutes=work_minutes,
    )
