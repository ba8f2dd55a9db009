"""Process-wide settings a run may change for its duration and must give back."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block; the caller's setting comes
    back afterwards (reference counting still frees objects at once).

    In the simulation (``World.run``): reference counting still frees every object the
    moment it is no longer used.

    Why: a backlog is long-lived. Every document waiting in a queue is a SimPy process, its
    lifecycle's generators, its request and its arrival record (about ten tracked objects).
    The collector scans each new object at least twice before it is old, and a full
    collection — run each time the old heap has grown by a quarter — rescans all of them.
    When the load exceeds what the offices can serve, the backlog grows all year and the
    work per simulated event grew with it: at ``load.scale`` 16 on ``jining.toml`` about
    two thirds of the run was the collector's, and µs per event was 2.5–3.5× scale 1
    (``benchmarks/load_scaling.py``). The model leaves no cyclic garbage while it runs
    (``tests/test_collector.py`` checks it): a waiting process and its request form a
    cycle only until the request is granted, and whatever is still waiting at the horizon
    belongs to the World. So the collector has nothing to find during a run, and the
    caller's setting is restored when the run ends. Nothing simulated depends on when
    garbage is collected: results are the same.

    The checks (``check_log``) build many small acyclic objects (per-case event tuples),
    whose collection passes are wasted time as well.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
