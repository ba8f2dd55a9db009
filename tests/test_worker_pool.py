"""The agents' worker pool serves exactly like ``simpy.PriorityResource``, withdrawals included,
and counts what an office holds without walking its line (DESIGN: Agents own their queues)."""

from __future__ import annotations

import random

import simpy

from govsim.model.agents import WorkerPool


def _script(seed: int, n: int = 60) -> list[tuple[float, int, float, float | None]]:
    """Customers: (arrival, priority, service, patience or None); ties in time on purpose."""
    rng = random.Random(seed)
    return [
        (
            float(rng.randint(0, 20)),
            rng.randint(0, 2),
            float(rng.randint(1, 6)),
            float(rng.randint(0, 8)) if rng.random() < 0.3 else None,
        )
        for _ in range(n)
    ]


def _served(seed: int, capacity: int, simpy_pool: bool) -> list[tuple[float, int]]:
    """(time, customer) of every grant; a customer out of patience withdraws its request."""
    env = simpy.Environment()
    pool = simpy.PriorityResource(env, capacity) if simpy_pool else WorkerPool(env, capacity)
    served: list[tuple[float, int]] = []

    def customer(i: int, at: float, priority: int, service: float, patience: float | None):
        yield env.timeout(at)
        req = pool.request(priority=priority) if simpy_pool else pool.request(priority)
        if patience is not None:
            yield req | env.timeout(patience)
            if not req.triggered:
                req.cancel() if simpy_pool else pool.cancel(req)
                return
        else:
            yield req
        served.append((env.now, i))
        yield env.timeout(service)
        pool.release(req)

    for i, (at, priority, service, patience) in enumerate(_script(seed)):
        env.process(customer(i, at, priority, service, patience))
    env.run()
    return served


def test_grants_as_priority_resource_with_withdrawals() -> None:
    for seed in range(30):
        for capacity in (1, 2, 3):
            mine = _served(seed, capacity, simpy_pool=False)
            assert mine == _served(seed, capacity, simpy_pool=True), (seed, capacity)
            assert len(mine) < len(_script(seed))  # some customers did withdraw


def test_waiting_counts_the_line_without_withdrawn_requests() -> None:
    env = simpy.Environment()
    pool = WorkerPool(env, 1)
    first, second, third = pool.request(1), pool.request(0), pool.request(1)
    assert first.triggered and pool.waiting == 2 and pool.queue == [second, third]
    pool.cancel(second)
    pool.cancel(second)  # withdrawing twice changes nothing
    pool.cancel(first)  # granted: not withdrawn
    assert pool.waiting == 1 and pool.queue == [third]
    pool.release(first)
    env.run()
    assert third.triggered and pool.users == [third] and pool.waiting == 0 and pool.queue == []
