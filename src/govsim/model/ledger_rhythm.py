"""The ledger's rhythm (A70 「政府部门周盘点、分管副市长旬推进、市长月调度」; RULES §7.5): the
weekly stocktake, the dekad push and the monthly dispatch, as the part of
:class:`govsim.model.ledger.LedgerModel` that keeps time (see its module for the rules).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from govsim.log import CASE_TYPES, NONE
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.model.routing import leader_work
from govsim.rules.ledger import (
    RED,
    YELLOW,
    dekads,
    expected_progress,
    push_multiplier,
    stocktake_days,
    working_days_left,
)
from govsim.rules.ledger import colour as colour_rule
from govsim.rules.substitution import ItemNeeds

if TYPE_CHECKING:
    from govsim.model.ledger import Item
    from govsim.model.ledger_desk import LedgerWork
    from govsim.model.world import World
    from govsim.scenario.ledger_models import Ledger

PUSH_NEEDS = ItemNeeds(decision=False, mayor_only=False, kind="dekad_push")
"""旬推进 (A70) is the vice mayor's own work a 补位 substitute does for them (A8, K59)."""
DISPATCH_NEEDS = ItemNeeds(decision=False, mayor_only=False, kind="monthly_dispatch")
"""月调度 (A70): the executive VM's while the mayor is away (A6, AMB-09)."""

LEDGER_CADENCE = CASE_TYPES.index("ledger_cadence")
_COLOUR_CODE = {"blue": O.BLUE, "yellow": O.YELLOW, "red": O.RED}


class LedgerRhythm:
    """The rhythm's sessions; the state they read (open items, the scenario's ledger
    settings, the effort samplers) is :class:`~govsim.model.ledger.LedgerModel`'s."""

    w: World
    cfg: Ledger
    open: dict[int, Item]
    desks: dict[str, LedgerWork]
    priority: int
    end_date: dt.date
    _cadence_case: dict[str, int]
    sample_dekad: Callable[[], float]
    sample_dispatch: Callable[[], float]

    def _cadence(self, actor: str) -> int:
        """The case holding ``actor``'s 周盘点 / 旬推进 / 月调度 events."""
        case = self._cadence_case.get(actor)
        if case is None:
            c = self.w.org.code[actor]
            case = self.w.log.new_case(LEDGER_CADENCE, self.w.env.now, c, c, False, False)
            self._cadence_case[actor] = case
        return case

    def _stocktakes(self) -> Generator[Any, Any, None]:
        """周盘点 at the close of office of each week's last working day (K07)."""
        env, cal = self.w.env, self.w.cal
        for day in stocktake_days(cal, cal.start, self.end_date):
            t = cal.office_close(day)
            if t >= cal.horizon_minutes:
                return
            yield env.timeout(t - env.now)
            self.stocktake(day)

    def stocktake(self, day: dt.date) -> None:
        """Each department with open items colours them (A70 「“蓝黄红”标识」; K62)."""
        w, env, cal, log, code = self.w, self.w.env, self.w.cal, self.w.log, self.w.org.code
        t, rule = env.now, self.cfg.colour
        by_owner: dict[str, list[Item]] = {}
        for item in self.open.values():
            by_owner.setdefault(item.owner, []).append(item)
        for dept in w.org.departments:
            items = by_owner.get(dept)
            if not items:
                continue
            desk = self.desks[dept]
            desk.advance()
            log.add(t, self._cadence(dept), A.CADENCE_STOCKTAKE, code[dept], value=len(items))
            for item in items:
                progress = item.progress
                expected = expected_progress(
                    cal, item.registered, item.deadline, t, item.work_before
                )
                left = working_days_left(cal, day, item.deadline)
                item.colour = colour_rule(progress, expected, t > item.deadline, left, rule)
                log.add(
                    t,
                    item.case,
                    A.LEDGER_COLOUR,
                    code[dept],
                    outcome=_COLOUR_CODE[item.colour],
                    deadline=item.deadline,
                    value=progress,
                )
            desk.replan()  # the weekly re-plan of the department's ledger time

    def _dekads(self) -> Generator[Any, Any, None]:
        """旬推进 on each dekad's push day; 月调度 on the month's last (K06, AMB-15)."""
        w, env, cal = self.w, self.w.env, self.w.cal
        for dekad in dekads(cal, cal.start, self.end_date):
            t = cal.office_open(dekad.push_day)
            if t >= cal.horizon_minutes:
                return
            yield env.timeout(t - env.now)
            close = cal.office_close(dekad.push_day)
            for leader in w.org.leaders:
                items = [it for it in self.open.values() if it.leader == leader]
                if items:
                    self._convene_push(leader, items, close)
            if dekad.month_end and self.open:
                self._convene_dispatch(list(self.open.values()), close)

    def _session_effort(self, base: float, flagged: int) -> float:
        return base + self.cfg.rhythm.minutes_per_item * flagged

    def _convene_push(self, leader: str, items: list[Item], close: float) -> None:
        """A leader's 旬推进 on the portfolio's open items (A70).

        A leader away hands it to the 补位 substitute (A8, K59 ``scope.dekad_push``), who
        convenes it for them (``on_behalf``); otherwise it waits until the leader is back (an
        absent leader does not act, A80)."""
        self.w.env.process(self._push(leader, close))

    def _push(self, leader: str, close: float) -> Generator[Any, Any, None]:
        w, code = self.w, self.w.org.code
        who = yield from w.when_can_act(leader, PUSH_NEEDS)
        items = [it for it in self.open.values() if it.leader == leader]
        if not items:
            return
        flagged = [it for it in items if it.colour in (YELLOW, RED)]
        effort = self._session_effort(self.sample_dekad(), len(flagged))
        w.log.add(
            w.env.now,
            self._cadence(leader),
            A.CADENCE_DEKAD_PUSH,
            code[who],
            deadline=max(close, w.cal.office_close(w.cal.date_of(w.env.now))),
            value=effort,
            on_behalf=code[leader] if who != leader else NONE,
        )
        yield from self._push_session(leader, items, flagged, effort)

    def _push_session(
        self, leader: str, items: list[Item], flagged: list[Item], effort: float
    ) -> Generator[Any, Any, None]:
        """The push itself, in the time of whoever holds it (handed back to the leader who
        returns before a substitute began it, A8 「期间」)."""
        w, code = self.w, self.w.org.code
        share = w.leaders[leader].share
        who, start, _ = yield from leader_work(w, leader, PUSH_NEEDS, self.priority, effort * share)
        # the items flagged when it was convened and still yellow or red when it is held (a
        # stocktake in between may have turned one blue: it needs no push)
        pushed = {it.case for it in flagged if it.colour in (YELLOW, RED)}
        on_behalf = code[leader] if who != leader else NONE
        for item in items:
            if item.state == "closed":
                continue
            item.dekad_boost = item.case in pushed
            if item.dekad_boost:
                w.log.add(
                    w.env.now,
                    item.case,
                    A.LEDGER_PUSHED,
                    code[who],
                    target=code[item.owner],
                    outcome=_COLOUR_CODE[item.colour],
                    start=start,
                    on_behalf=on_behalf,
                )
        self._apply_boosts(items)

    def _convene_dispatch(self, items: list[Item], close: float) -> None:
        """The mayor's 月调度 on every open item; red ones are put under 督办 (A70, A74). A
        mayor away hands it to the executive vice mayor, who presides over the government's
        work (A6; AMB-09, K59 ``scope.monthly_dispatch``); otherwise it waits for the mayor."""
        self.w.env.process(self._dispatch(close))

    def _dispatch(self, close: float) -> Generator[Any, Any, None]:
        w, mayor = self.w, self.w.org.mayor
        who = yield from w.when_can_act(mayor, DISPATCH_NEEDS)
        items = list(self.open.values())
        if not items:
            return
        red = [it for it in items if it.colour == RED]
        effort = self._session_effort(self.sample_dispatch(), len(red))
        code = w.org.code
        w.log.add(
            w.env.now,
            self._cadence(mayor),
            A.CADENCE_MONTHLY_DISPATCH,
            code[who],
            deadline=max(close, w.cal.office_close(w.cal.date_of(w.env.now))),
            value=effort,
            on_behalf=code[mayor] if who != mayor else NONE,
        )
        yield from self._dispatch_session(items, red, effort)

    def _dispatch_session(
        self, items: list[Item], red: list[Item], effort: float
    ) -> Generator[Any, Any, None]:
        w, code, rhythm = self.w, self.w.org.code, self.cfg.rhythm
        mayor = w.org.mayor
        share = w.leaders[mayor].share
        who, _, _ = yield from leader_work(w, mayor, DISPATCH_NEEDS, self.priority, effort * share)
        on_behalf = code[mayor] if who != mayor else NONE
        dispatched = {it.case for it in red}
        for item in items:
            if item.state == "closed":
                continue
            item.dispatch_boost = item.case in dispatched
            if not item.dispatch_boost:
                item.red_dispatches = 0
                continue
            item.red_dispatches += 1
            dept = code[item.owner]
            w.log.add(
                w.env.now, item.case, A.OUTCOME_SUPERVISE, code[who], target=dept,
                on_behalf=on_behalf,
            )  # fmt: skip
            if item.red_dispatches == rhythm.admonish_after:
                w.log.add(
                    w.env.now, item.case, A.OUTCOME_ADMONISH, code[who], target=dept,
                    on_behalf=on_behalf,
                )  # fmt: skip
        self._apply_boosts(items)

    def _apply_boosts(self, items: list[Item]) -> None:
        rhythm = self.cfg.rhythm
        touched, urged = set(), set()
        for item in items:
            if item.state == "closed":
                continue
            m = push_multiplier(
                item.dekad_boost,
                item.dispatch_boost,
                rhythm.dekad_push_factor,
                rhythm.monthly_dispatch_factor,
            )
            if m != item.multiplier:
                touched.add(item.owner)
                desk = self.desks[item.owner]
                desk.advance()  # progress so far at the old rate
                item.multiplier = m
            if item.dekad_boost or item.dispatch_boost:
                urged.add(item.owner)
        for owner in sorted(touched):
            self.desks[owner].refresh()
        for owner in sorted(urged):
            self.desks[owner].prioritise()  # 督办 jumps the desk's queue (A70)
