"""Time per event against the load: one year of the default scenario at ``load.scale`` 1–16.

For each ``load.scale`` (default 1, 2, 4, 8, 16) simulates ``scenarios/jining.toml`` (or
``--scenario``; one replication, the scenario's seed) after one warm-up run, and prints
the documents and events logged, CPU seconds of ``simulate()`` (median of ``--repeats``), µs
per document and per event, and the ratio of µs per event to the first scale. Target: µs per
event at scale 16 within 1.5× of scale 1 — the work per event must not grow with the backlog
(queue lengths, open cases). Above about scale 2 the offices cannot keep up: documents wait
at the horizon, so each yields fewer events in the year (8.2 at scale 1, 3.3 at 16) and the
fixed work of a document's arrival weighs more per event; µs per document shows that part.

``--profile`` prints a cProfile of one replication at the first and the last scale instead
(functions with most own time), to compare where the extra time per event goes.

Usage: ``python benchmarks/load_scaling.py [--scenario scenarios/jining.toml]
[--scales 1 2 4 8 16] [--repeats 3] [--profile] [--top 20]``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import warnings

from _common import ROOT, machine, measure, table


def scenario(path: str, scale: float):
    """The scenario at ``path`` (its base applied, its variants not) with ``load.scale`` set."""
    from govsim.scenario.load import load_scenario

    sc = load_scenario(ROOT / path)
    return sc.model_copy(update={"load": sc.load.model_copy(update={"scale": scale})})


def sweep(path: str, scales: list[float], repeats: int) -> None:
    """The µs-per-event table over ``scales``."""
    from govsim.model.world import simulate

    rows, first = [], None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        simulate(scenario(path, scales[0]), 0)  # warm up: imports, calendar data, caches
        for scale in scales:
            sc = scenario(path, scale)
            t = measure(lambda sc=sc: simulate(sc, 0), repeats)
            n, docs = len(t.result.log), t.result.log.n_cases
            per_event = t.cpu_median / n * 1e6
            first = per_event if first is None else first
            per_doc = t.cpu_median / docs * 1e6
            rows.append([scale, docs, n, t.cpu_median, per_doc, per_event, per_event / first])
    headers = ["load.scale", "documents", "events", "CPU s", "µs / document", "µs / event"]
    headers.append("ratio to first (µs / event)")
    print(f"\n{path}, replication 0, median of {repeats}")
    print(table(headers, rows))


def profile(path: str, scale: float, top: int) -> None:
    """cProfile of one replication at ``scale``: the ``top`` functions by own time."""
    from govsim.model.world import simulate

    sc = scenario(path, scale)
    prof = cProfile.Profile()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        simulate(sc, 0)  # warm up: imports, calendar data, caches
        prof.enable()
        world = simulate(sc, 0)
        prof.disable()
    stats = pstats.Stats(prof)
    total = sum(v[2] for v in stats.stats.values())
    rows = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _) in stats.stats.items():
        where = f"{filename.split('site-packages/')[-1].split('src/')[-1]}:{line}({name})"
        per_event = tottime / len(world.log) * 1e6
        rows.append((tottime, per_event, ncalls, cumtime, where))
    rows.sort(reverse=True)
    print(f"\n{path}, load.scale {scale}: {len(world.log):,} events, {total:.3f} s profiled")
    headers = ["own s", "own µs / event", "calls", "cumulative s", "function"]
    print(table(headers, [list(r) for r in rows[:top]]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="scenarios/jining.toml")
    ap.add_argument("--scales", type=float, nargs="+", default=[1, 2, 4, 8, 16])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args()
    import govsim.scenario.models  # noqa: F401  (before the model: the scenario package first)

    print(machine())
    if args.profile:
        for scale in (args.scales[0], args.scales[-1]):
            profile(args.scenario, scale, args.top)
    else:
        sweep(args.scenario, args.scales, args.repeats)


if __name__ == "__main__":
    main()
