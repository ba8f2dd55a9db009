"""The default scenario: one year of the Jining city government (replication 0).

Reports seconds per replication (median of ``--repeats``) for the simulation alone and for
what a worker of ``govsim run`` does with it before writing — the log's frames, then the
KPIs and series (``govsim.kpis.compute``: every registered family and series that applies) —
for ``jining.toml`` and ``meetings.toml`` (whose meetings, leave and ledger add families),
with the KPI time as a share of the simulation time (target ≤ 0.25); then, for
``jining.toml``, events per second, peak memory (``tracemalloc`` during one simulation, and
the process's peak resident set, ``ru_maxrss``) and bytes per logged event
(``EventLog.nbytes / len(log)``). Targets: ≤ 1 s per replication, ≤ 100 bytes per event.

Usage: ``python benchmarks/jining_year.py [--repeats 7] [--replication 0]``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import resource
import tracemalloc

from _common import ROOT, machine, measure, table

SCENARIOS = ("jining.toml", "meetings.toml")


def reduction_rows(name: str, repeats: int, rep: int) -> tuple[list[list[object]], object]:
    """Simulation, frames and KPI+series times of one scenario (CPU medians)."""
    from govsim.kpis import compute
    from govsim.model.world import simulate
    from govsim.scenario.load import load_scenario

    sc = load_scenario(ROOT / "scenarios" / name)
    sim = measure(lambda: simulate(sc, rep), repeats)
    world = sim.result
    frames = measure(lambda: (world.log.to_frame(), world.log.cases_frame()), repeats)
    events, cases = frames.result
    kpis = measure(lambda: compute(events, cases, sc, world.cal, world.org), repeats)
    rows = [
        [name, "events logged", len(world.log)],
        [name, "simulate(): s per replication (CPU)", sim.cpu_median],
        [name, "log frames: s per replication (CPU)", frames.cpu_median],
        [name, "KPIs and series: s per replication (CPU)", kpis.cpu_median],
        [name, "KPIs and series / simulate() (target <= 0.25)", kpis.cpu_median / sim.cpu_median],
        [name, "events per second (simulate, CPU)", len(world.log) / sim.cpu_median],
    ]
    return rows, sc


def memory_rows(sc: object, rep: int, rss_imports: float) -> list[list[object]]:
    """Peak and retained memory of one simulation, and bytes per logged event."""
    from govsim.model.world import simulate

    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    world = simulate(sc, rep)  # type: ignore[arg-type]
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    name = SCENARIOS[0]
    return [
        [name, "documents", world.log.n_cases],
        [name, "peak traced memory during simulate() (MB, tracemalloc)", (peak - base) / 2**20],
        [name, "memory held by the World after it (MB, tracemalloc)", (retained - base) / 2**20],
        [name, "peak RSS after imports (MB, ru_maxrss)", rss_imports],
        [name, "peak RSS at the end (MB, ru_maxrss)", rss_end],
        [name, "bytes per logged event (EventLog.nbytes / len)", world.log.nbytes / len(world.log)],
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--replication", type=int, default=0)
    args = ap.parse_args()

    # the scenario package before govsim.model: importing the model first is an import cycle
    for module in ("govsim.scenario.load", "govsim.kpis", "govsim.model.world"):
        importlib.import_module(module)
    print(machine())
    rss_imports = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows: list[list[object]] = []
    first = None
    for name in SCENARIOS:
        more, sc = reduction_rows(name, args.repeats, args.replication)
        rows += more
        first = first or sc
        gc.collect()
    rows += memory_rows(first, args.replication, rss_imports)
    print(f"\nreplication {args.replication}, median of {args.repeats} runs")
    print(table(["scenario", "measure", "value"], rows))


if __name__ == "__main__":
    main()
