"""Where one replication spends its time: cProfile of ``simulate()``.

Profiles the default Jining year and the M/M/c scenario, prints the functions with the most
own time, and the share of own time by component (SimPy's core and events, govsim's model,
event log, calendar, NumPy draws, other). cProfile slows small Python functions more than C
calls, so the shares are indicative.

Usage: ``python benchmarks/profile_hot_path.py [--top 15] [--mmc-days 10]``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tomllib

from _common import ROOT, machine, table

COMPONENTS = (
    ("SimPy core and events", ("simpy/core.py", "simpy/events.py", "simpy/resources")),
    ("arrival generation", ("govsim/model/arrivals.py", "<string>")),
    ("govsim lifecycles, agents, world", ("govsim/model/",)),
    ("event log", ("govsim/log/eventlog.py",)),
    ("calendar", ("govsim/core/calendar.py",)),
    # NumPy's Generator methods are Cython: cProfile counts their time in the caller
    ("duration samplers incl. NumPy draws", ("govsim/core/distributions.py",)),
    ("built-in calls (list, array, heapq, tuple …)", ("~",)),
)


def component(filename: str) -> str:
    for label, parts in COMPONENTS:
        if any(p in filename for p in parts):
            return label
    return "other"


def profile(label: str, sc, top: int) -> None:
    from govsim.model.world import simulate

    simulate(sc, 0)  # warm caches (calendar data, imports)
    prof = cProfile.Profile()
    prof.enable()
    world = simulate(sc, 0)
    prof.disable()
    stats = pstats.Stats(prof)
    total = sum(v[2] for v in stats.stats.values())
    rows, shares = [], {}
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _) in stats.stats.items():
        comp = component(filename)
        shares[comp] = shares.get(comp, 0.0) + tottime
        where = f"{filename.split('site-packages/')[-1]}:{line}({name})"
        rows.append((tottime, ncalls, cumtime, where))
    rows.sort(reverse=True)
    docs = world.log.n_cases
    print(f"\n{label}: {docs:,} documents, {len(world.log):,} events, {total:.3f} s profiled")
    print(
        table(
            ["own s", "calls", "cumulative s", "function"],
            [[t, n, c, f.replace(str(ROOT) + "/", "")] for t, n, c, f in rows[:top]],
        )
    )
    print(
        table(
            ["component", "own time share"],
            [[k, f"{v / total:.0%}"] for k, v in sorted(shares.items(), key=lambda kv: -kv[1])],
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--mmc-days", type=int, default=10)
    args = ap.parse_args()
    from govsim.scenario.load import apply_overrides, load_scenario
    from govsim.scenario.models import Scenario

    print(machine())
    profile("scenarios/jining.toml", load_scenario(ROOT / "scenarios" / "jining.toml"), args.top)
    raw = tomllib.loads((ROOT / "scenarios" / "mmc.toml").read_text(encoding="utf-8"))
    mmc = Scenario.model_validate(apply_overrides(raw, {"scenario.horizon_days": args.mmc_days}))
    profile("scenarios/mmc.toml", mmc, args.top)


if __name__ == "__main__":
    main()
