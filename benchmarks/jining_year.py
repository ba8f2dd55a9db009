"""The default scenario: one year of the Jining city government (replication 0).

Reports seconds per replication (median of ``--repeats``) for the simulation alone and for
what a worker of ``govsim run`` does with it before writing (the log's frames, the KPIs and
the backlog series), events per second, peak memory (``tracemalloc`` during one simulation,
and the process's peak resident set, ``ru_maxrss``) and bytes per logged event
(``EventLog.nbytes / len(log)``). Targets: ≤ 1 s per replication, ≤ 100 bytes per event.

Usage: ``python benchmarks/jining_year.py [--repeats 7] [--replication 0]``.
"""

from __future__ import annotations

import argparse
import gc
import resource
import tracemalloc

from _common import ROOT, machine, measure, table


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--replication", type=int, default=0)
    args = ap.parse_args()

    from govsim.metrics import backlog_series, replication_kpis
    from govsim.model.world import simulate
    from govsim.core.org import GO
    from govsim.scenario.load import load_scenario

    print(machine())
    rss_imports = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sc = load_scenario(ROOT / "scenarios" / "jining.toml")
    rep = args.replication

    def reduce(world):
        events, cases = world.log.to_frame(), world.log.cases_frame()
        leaders = list(world.org.leaders)
        replication_kpis(
            events, cases, world.cal, leaders, sc.general_office.reviewers, sc.scenario.warmup_days
        )
        backlog_series(events, world.cal, [GO, *leaders])

    sim = measure(lambda: simulate(sc, rep), args.repeats)
    full = measure(lambda: reduce(simulate(sc, rep)), args.repeats)
    n_events, n_docs = len(sim.result.log), sim.result.log.n_cases
    cpu, wall = sim.cpu_median, sim.wall_median

    del sim
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    world = simulate(sc, rep)
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_end = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    rows = [
        ["documents", n_docs],
        ["events logged", n_events],
        ["simulate(): s per replication, median (CPU)", cpu],
        ["simulate(): s per replication, median (wall)", wall],
        ["+ frames, KPIs, backlog: s per replication, median (CPU)", full.cpu_median],
        ["events per second (simulate, CPU)", n_events / cpu],
        ["peak traced memory during simulate() (MB, tracemalloc)", (peak - base) / 2**20],
        ["memory held by the World after it (MB, tracemalloc)", (retained - base) / 2**20],
        ["peak RSS after imports (MB, ru_maxrss)", rss_imports],
        ["peak RSS at the end (MB, ru_maxrss)", rss_end],
        ["bytes per logged event (EventLog.nbytes / len)", world.log.nbytes / len(world.log)],
    ]
    print(f"\nscenarios/jining.toml, replication {rep}, median of {args.repeats} runs")
    print(table(["measure", "value"], rows))


if __name__ == "__main__":
    main()
