"""Work handed to a leader, or to the leader's substitute while the leader is away (补位; A6,
A8; RULES §6.2).

One helper, :func:`leader_work`, for every kind of item a leader works on (documents,
signatures, topic steps, ledger pushes): the item goes to its owner or to whoever the 补位
policy names (:meth:`govsim.model.world.World.handler`), waits in that leader's inbox and is
worked on. Two things can move it while it waits:

* ``move_queued``: its handler's own absence starts (it is routed again);
* ``hand_back`` (default): it was handed to a substitute and the owner comes back before the
  substitute has started it — A8 hands work over 「副市长出市（出访）、休假期间」, *while* the
  leader is away, so what the substitute has not begun goes back to the owner at the minute
  the owner is on post. An item the substitute has begun stays with the substitute.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from simpy.events import AnyOf, Event

from govsim.model.agents import until
from govsim.rules.substitution import ItemNeeds

if TYPE_CHECKING:
    from govsim.model.world import World

Moved = Callable[[str], None]
"""Called with the new handler each time an item moves (to log the GO's re-routing)."""


def leader_work(
    w: World,
    owner: str,
    needs: ItemNeeds,
    priority: int,
    effort: float,
    *,
    routed: Moved | None = None,
    moved: Moved | None = None,
) -> Generator[Any, Any, tuple[str, float, float]]:
    """Hand an item of ``owner``'s to its handler (``routed`` is told whom), wait and work
    ``effort`` working minutes; returns ``(handler, start, office_minutes)``.

    The item moves (``moved`` is told to whom) when its handler's absence starts
    (``substitution.move_queued``) or, handed to a substitute, when the owner is back before
    the substitute starts it (``substitution.hand_back``, A8 「期间」)."""
    target = w.handler(owner, needs)
    if routed is not None:
        routed(target)
    office, req, back = _queue(w, owner, target, priority)
    while True:
        granted = yield from _wait(w, office, req, back)
        if granted:
            if not _starts_after(office, effort, back):
                break
            office.resource.release(req)  # granted, but it would begin after the owner is back
            nxt = owner
        else:
            nxt = owner if back is not None and w.env.now >= back else w.handler(owner, needs)
            if nxt == target:
                continue  # the handler's absence started but the policy keeps it there
            office.resource.cancel(req)
        if moved is not None:
            moved(nxt)
        target = nxt
        office, req, back = _queue(w, owner, target, priority)
    try:
        start, occupied = yield from office.perform(effort)
    finally:
        office.resource.release(req)
    return target, start, occupied


def _owner_back(w: World, owner: str, handler: str) -> float | None:
    """When an item handed to a substitute goes back to its owner (None: it stays)."""
    if handler == owner or w.availability is None or not w.sc.substitution.hand_back:
        return None
    return w.availability.next_present(owner, w.env.now)


def _starts_after(office: Any, effort: float, back: float | None) -> bool:
    """True if work granted now would begin (in the handler's office time, after the
    handler's absences and blocks away from the desk, A80, K28) only once the owner is back:
    it is not started yet, so it goes back (A8 「期间」)."""
    if back is None:
        return False
    begin, _ = office.when(office.env.now, effort / office.share)
    return begin >= back


def _queue(w: World, owner: str, handler: str, priority: int) -> tuple[Any, Event, float | None]:
    """Put the item in ``handler``'s inbox: the office, the request, when it goes back."""
    office = w.leaders[handler]
    return office, office.resource.request(priority), _owner_back(w, owner, handler)


def _wait(w: World, office: Any, req: Event, back: float | None) -> Generator[Any, Any, bool]:
    """Wait for the grant of ``req``; False if the item may have to move first (the
    handler's absence starts, with ``move_queued``; or the owner is back)."""
    wake: list[Event] = [req]
    if back is not None:
        wake.append(until(w.env, back))
    if w.sc.substitution.move_queued:
        wake.append(office.absence_signal)
    if len(wake) == 1:
        yield req
    else:
        yield AnyOf(w.env, wake)
    return req.triggered


Instead = Callable[[], "str | None"]
"""Who does a step its leader cannot begin in time (None: nobody yet, it keeps waiting)."""


def step_before(
    w: World, leader: str, priority: int, effort: float, by: float, instead: Instead | None
) -> Generator[Any, Any, tuple[str, float, float] | None]:
    """A meeting step queued for ``leader`` that is wanted by ``by`` (the opening for the
    agenda, A50; the adjournment for attending). The choice of who does it is not made once,
    when it is queued: while it waits, the leader's absence may start (A80), and if it starts
    before the leader has begun the step and the leader will not be back by ``by``, the step
    leaves the leader's inbox — ``instead()`` names who does it then (A45 「市长不能出席会议
    时」 委托: the entrusted stand-in, whose inbox it joins; None: nobody yet, it keeps
    waiting for the leader); with no ``instead`` it lapses (returns None). Otherwise the
    leader does it. Returns ``(who, start, office_minutes)``."""
    office = w.leaders[leader]
    req: Event | None = None
    moved = _away_past(w, leader, by)  # away past ``by`` already when it is queued
    while True:
        if moved:
            who = None if instead is None else instead()
            if instead is None or (who is not None and who != leader):
                _withdraw(office, req)
                if who is None:
                    return None  # it lapses
                start, occupied = yield from w.leaders[who].work(priority, effort)
                return who, start, occupied
        if req is None:
            req = office.resource.request(priority)
        elif req.triggered:
            break  # granted, and the leader's to do
        yield AnyOf(w.env, [req, office.absence_signal])
        moved = _away_past(w, leader, by)
        if req.triggered and not moved and _absent_before_begin(w, office, effort, by):
            office.resource.release(req)  # granted, but it would begin after the absence
            req = None
            yield office.absence_signal  # it moves when the absence starts
            moved = _away_past(w, leader, by)
    try:
        start, occupied = yield from office.perform(effort)
    finally:
        office.resource.release(req)
    return leader, start, occupied


def _withdraw(office: Any, req: Event | None) -> None:
    """Take the step out of the leader's inbox, granted or not."""
    if req is None:
        return
    if req.triggered:
        office.resource.release(req)
    else:
        office.resource.cancel(req)


def _away_past(w: World, leader: str, by: float) -> bool:
    """True if ``leader`` is away now and will not be back before ``by``."""
    avail = w.availability
    return (
        avail is not None
        and w.away(leader) is not None
        and (avail.next_present(leader, w.env.now) >= by)
    )


def _absent_before_begin(w: World, office: Any, effort: float, by: float) -> bool:
    """True if an absence starts between the grant of a step and the moment the leader would
    begin it (after blocks away from the desk, K28) and lasts past ``by``."""
    avail = w.availability
    if avail is None or office.availability is None:
        return False
    now = w.env.now
    a = avail.next_absence(office.name, now)
    if a is None or a.start <= now:
        return False  # none to come, or one under way the leader is back from in time
    if a.start >= by:
        return False  # it starts after the step is wanted: the leader does it, late or not
    begin, _ = office.when(now, effort / office.share)
    return begin >= a.start and avail.next_present(office.name, a.start) >= by
