"""A department's work on its ledger items (A70 「说了算、定了干、按期完」; RULES §7.5).

With ``[desks]`` (:class:`SittingDesk`), the work is done at the department's desk
(:mod:`govsim.model.desks`), by the same staff who answer its countersign requests (A59) and
reply to instructions (A57), in *sittings*: desk jobs of kind ``ledger`` of at most
``[ledger] sitting_minutes`` working minutes each, an item's next sitting queued when the last
one ends, so the desk's other jobs come in between. An item's work ``W`` (the source's ``work``
distribution) takes ``W × effort_factor`` minutes of staff time; ``effort_factor`` defaults
to ``1 / dept_share``, and at most ``desk_staff`` (default 1: the department's ledger keeper,
ASSUMPTION) of the desk's staff sit on ledger items at once — so a department's ledger
throughput is that of its former share of office time, and an item alone at an idle desk
takes as long as it did. The items share the keeper's time in the desk's queue discipline
(round robin under ``fcfs`` and ``urgent_first``; the item due first under ``edf``).

督办 jumps the queue (A70 旬推进 「分管副市长旬推进」, 月调度 「市长月调度」; K63): an item a
leader pushes (yellow or red at a dekad push) or dispatches (red at the monthly dispatch) has
its sittings in the urgent class until the next session of that kind re-examines it — its
waiting sitting is promoted at once (:meth:`govsim.model.desks.Desk.promote`), so under the
default ``urgent_first`` discipline it is the next job the desk takes up, ahead of every
non-urgent one; ``fcfs`` and ``edf`` ignore the urgent class by definition (an overdue item
is already first under ``edf``). The K63 factors keep their meaning: a sitting on a pushed
item moves it ``push_multiplier`` times as far. Progress is counted when a sitting ends.

Without ``[desks]`` (:class:`DepartmentDesk`, the model before desks), departments are not
document queues, so their ledger work gets its own, explicit capacity: a share ``dept_share`` of the
department's office time (``[ledger] dept_share``; 0.3 = 30 % of each office minute). That
time is split among the items the department is undertaking (承办) — *processor sharing*:

* ``allocation = "pace"`` (default, ASSUMPTION): in proportion to each item's required pace,
  its remaining work ÷ the working time left to its deadline (at least one working day), so a
  department puts more into what is due soonest; the split is re-planned whenever an item
  starts or finishes, at every weekly stocktake (周盘点) and after every push.
* ``allocation = "equal"``: in equal parts.

An item's rate is then multiplied by its push multiplier (旬推进, 月调度; K63): a push brings
extra effort, it does not take time from the department's other items. Work is counted in
office minutes at the full office day: an item needing 3 working days of work, alone on a
desk with ``dept_share = 0.3``, is done after 10 working days.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from govsim.core.calendar import WorkCalendar
from govsim.model.desks import Desk, Job
from govsim.scenario.ledger_models import Ledger

if TYPE_CHECKING:
    from govsim.model.ledger import Item
    from govsim.model.world import World

WORK_EPS = 1e-6  # working minutes: an item this close to done is done


class DepartmentDesk:
    """One department's ledger items in 承办 and how fast each progresses."""

    def __init__(
        self, env: simpy.Environment, cal: WorkCalendar, share: float, allocation: str
    ) -> None:
        self.env, self.cal, self.share = env, cal, share
        self._weight: Callable[[Item, float], float] = (
            self._pace if allocation == "pace" else lambda item, w: 1.0
        )
        self.items: dict[int, Item] = {}
        self._done_events: dict[int, simpy.Event] = {}
        self._rates: dict[int, float] = {}
        self._w_last = cal.work_elapsed(env.now)
        self._generation = 0

    def start(self, item: Item) -> simpy.Event:
        """Put ``item`` on the desk; the event succeeds when its remaining work is done."""
        self.advance()
        done = self.env.event()
        self.items[item.case] = item
        self._done_events[item.case] = done
        self.replan()
        return done

    def advance(self) -> None:
        """Bring every item's work done up to now."""
        w = self.cal.work_elapsed(self.env.now)
        dw = w - self._w_last
        if dw > 0.0:
            for case, item in self.items.items():
                item.done = min(item.total, item.done + self._rates[case] * dw)
        self._w_last = w

    def _pace(self, item: Item, w_now: float) -> float:
        left = self.cal.work_elapsed(item.deadline) - w_now
        return (item.total - item.done) / max(left, self.cal.working_minutes_per_day)

    def replan(self) -> None:
        """Finish what is done, split the desk's time afresh, and time the next completion.

        Call :meth:`advance` first (every public entry point does).
        """
        finished = [c for c, it in self.items.items() if it.total - it.done <= WORK_EPS]
        for case in finished:
            item = self.items.pop(case)
            item.done = item.total
            self._rates.pop(case, None)
            self._done_events.pop(case).succeed()
        self._generation += 1
        if not self.items:
            self._rates = {}
            return
        w_now = self._w_last
        weights = {c: self._weight(it, w_now) for c, it in self.items.items()}
        total = sum(weights.values())
        n = len(weights)
        self._rates = {
            c: self.share * self.items[c].multiplier * (weights[c] / total if total > 0 else 1 / n)
            for c in weights
        }
        ahead = min((it.total - it.done) / self._rates[c] for c, it in self.items.items())
        try:
            at = self.cal.clock_at_work(w_now + ahead)
        except ValueError:  # beyond the calendar: nothing finishes within the run
            return
        generation = self._generation
        timer = self.env.timeout(max(0.0, at - self.env.now))
        timer.callbacks.append(lambda _: self._wake(generation))

    def _wake(self, generation: int) -> None:
        if generation == self._generation:  # a later re-plan supersedes this timer
            self.advance()
            self.replan()

    def refresh(self) -> None:
        """Advance and re-plan (after a stocktake or a change of push multipliers)."""
        self.advance()
        self.replan()

    def prioritise(self) -> None:
        """Nothing to do: a push acts through the items' multipliers (K63)."""


def pushed(item: Item) -> bool:
    """Whether the item is under a push: 旬推进 (yellow/red) or 月调度 (red) (A70, K63)."""
    return item.dekad_boost or item.dispatch_boost


class SittingDesk:
    """One department's ledger items worked in sittings at its desk (module docstring)."""

    def __init__(self, env: simpy.Environment, desk: Desk, cfg: Ledger) -> None:
        self.env, self.desk = env, desk
        self.factor = cfg.effort_per_work()
        self.sitting = cfg.sitting_minutes
        desk.limit("ledger", min(cfg.desk_staff, desk.staff))
        self.waiting: dict[int, tuple[Item, Job]] = {}  # each item's current sitting

    def start(self, item: Item) -> simpy.Process:
        """Put ``item`` to the desk; the event succeeds when its remaining work is done."""
        return self.env.process(self._sittings(item))

    def _sittings(self, item: Item) -> Generator[Any, Any, None]:
        while item.total - item.done > WORK_EPS:
            m = item.multiplier
            left = (item.total - item.done) * self.factor / m
            effort = min(self.sitting, left)
            job = self.desk.queue("ledger", effort, deadline=item.deadline, urgent=pushed(item))
            self.waiting[item.case] = (item, job)
            yield job.done
            del self.waiting[item.case]
            last = effort >= left
            item.done = item.total if last else item.done + effort * m / self.factor

    def advance(self) -> None:
        """Nothing to do: progress is counted when a sitting ends."""

    def replan(self) -> None:
        """Nothing to do: the desk's discipline orders the sittings."""

    def refresh(self) -> None:
        """Nothing to do: a sitting's progress is fixed when it is queued."""

    def prioritise(self) -> None:
        """督办 jumps the queue: the waiting sitting of every pushed item becomes urgent."""
        for item, job in list(self.waiting.values()):
            if pushed(item):
                self.desk.promote(job)


LedgerWork = DepartmentDesk | SittingDesk


def ledger_desks(w: World, cfg: Ledger) -> dict[str, LedgerWork]:
    """Each department's ledger work: at its desk with ``[desks]``, else its share of time."""
    if w.desks:
        return {d: SittingDesk(w.env, w.desks[d], cfg) for d in w.org.departments}
    return {
        d: DepartmentDesk(w.env, w.cal, cfg.dept_share, cfg.allocation) for d in w.org.departments
    }
