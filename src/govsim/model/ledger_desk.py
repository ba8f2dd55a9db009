"""A department's work on its ledger items (A70 「说了算、定了干、按期完」; RULES §7.5).

Departments are not modelled as document queues (their replies to instructions are delays),
so their ledger work gets its own, explicit capacity: a share ``dept_share`` of the
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

from collections.abc import Callable
from typing import TYPE_CHECKING

import simpy

from govsim.core.calendar import WorkCalendar

if TYPE_CHECKING:
    from govsim.model.ledger import Item

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
