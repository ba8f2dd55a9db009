"""Engine overhead: govsim's M/M/c configuration against a bare SimPy M/M/c model.

Both simulate the queue of ``scenarios/mmc.toml`` — Poisson arrivals at λ = 2.5 per minute,
exponential service at μ = 1 per minute, c = 3 servers, the GO's review the only stage
(``general_office.close_after_review``) — for the same number of customers (the number of
documents govsim generates over ``--days``).

* ``bare SimPy M/M/c``: the textbook SimPy program (a source process, one process per
  customer, ``simpy.Resource``, ``random.expovariate``), recording each wait.
* ``govsim simulate()``: building the World, generating the arrivals and running the
  lifecycles to the horizon, with the full event log (4 events per document: submitted,
  received, reviewed, closed) and the case table. Both schedule 6 SimPy events per customer.

Two times are reported: in-process (the simulation call only, CPU seconds, best and median of
``--repeats``) and whole process (a fresh interpreter per run: start-up, imports, loading the
scenario file, simulating; wall and CPU seconds, medians).

Usage: ``python benchmarks/engine_overhead.py [--days 20] [--repeats 5] [--processes 3]``.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import time
import tomllib

import simpy
from _common import ROOT, machine, measure, table

LAM, MU, C = 2.5, 1.0, 3


def bare_mmc(n: int, seed: int = 1) -> tuple[simpy.Environment, list]:
    """A bare SimPy M/M/c model of ``n`` customers; returns the environment and the waits."""
    rng = random.Random(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=C)
    waits: list[float] = []

    def customer():
        arrived = env.now
        with servers.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(MU))

    def source():
        for _ in range(n):
            yield env.timeout(rng.expovariate(LAM))
            env.process(customer())

    env.process(source())
    env.run()
    return env, waits


def mmc_scenario(days: int):
    from govsim.scenario.load import parse_scenario

    text = (ROOT / "scenarios" / "mmc.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    text = text.replace(
        f"horizon_days = {raw['scenario']['horizon_days']}", f"horizon_days = {days}"
    )
    return parse_scenario(text, "scenarios/mmc.toml")


def govsim_mmc(days: int):
    from govsim.model.world import simulate

    return simulate(mmc_scenario(days), 0)


def events_scheduled(env: simpy.Environment) -> int:
    """SimPy events scheduled so far (read from the environment's event-id counter)."""
    return next(env._eid)


def child(kind: str, days: int, n: int) -> None:
    """Run one model in this (fresh) interpreter, for the whole-process measurement."""
    if kind == "govsim":
        govsim_mmc(days)
    else:
        bare_mmc(n)


def whole_process(kind: str, days: int, n: int, processes: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of ``processes`` fresh interpreters."""
    walls, cpus = [], []
    for _ in range(processes):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        cmd = [sys.executable, __file__, "--child", kind, "--days", str(days), "--n", str(n)]
        subprocess.run(cmd, check=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=20, help="govsim horizon (sets the customers)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--processes", type=int, default=3, help="fresh interpreters per model")
    ap.add_argument("--child", choices=["govsim", "bare"], help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.days, args.n)
        return

    from govsim.queueing import mmc_mean_wait

    print(machine())
    gov = measure(lambda: govsim_mmc(args.days), args.repeats)
    world = gov.result
    n = world.log.n_cases
    bare = measure(lambda: bare_mmc(n), args.repeats)
    events = world.log.to_frame()
    reviewed = events.loc[events["activity"] == "go.reviewed", ["case", "start"]]
    received = events.loc[events["activity"] == "go.received", ["case", "time"]]
    pairs = received.merge(reviewed, on="case")
    waits = {
        "bare SimPy M/M/c": statistics.fmean(bare.result[1]),
        "govsim simulate()": float((pairs["start"] - pairs["time"]).mean()),
    }
    runs = {
        "bare SimPy M/M/c": (bare, events_scheduled(bare.result[0])),
        "govsim simulate()": (gov, events_scheduled(world.env)),
    }
    base = bare.cpu_min
    rows = []
    for name, (t, n_events) in runs.items():
        rows.append(
            [
                name,
                n,
                n_events / n,
                t.cpu_min,
                t.cpu_median,
                t.cpu_min / n * 1e6,
                t.cpu_min / base,
                waits[name],
            ]
        )
    print(
        f"\nIn-process: λ = {LAM}/min, μ = {MU}/min, c = {C}, {n:,} customers "
        f"({args.days} days); CPU seconds over {args.repeats} runs; "
        f"Erlang-C mean wait {mmc_mean_wait(LAM, MU, C):.3f} min"
    )
    print(
        table(
            [
                "model",
                "customers",
                "SimPy events / customer",
                "CPU s (best)",
                "CPU s (median)",
                "µs / customer",
                "ratio to bare",
                "mean wait (min)",
            ],
            rows,
        )
    )

    whole = {
        "bare SimPy M/M/c": whole_process("bare", args.days, n, args.processes),
        "govsim simulate()": whole_process("govsim", args.days, n, args.processes),
    }
    base_wall, base_cpu = whole["bare SimPy M/M/c"]
    print(f"\nWhole process (fresh interpreter, median of {args.processes}):")
    print(
        table(
            ["model", "wall s", "CPU s", "ratio to bare (wall)", "ratio to bare (CPU)"],
            [[k, w, c, w / base_wall, c / base_cpu] for k, (w, c) in whole.items()],
        )
    )


if __name__ == "__main__":
    main()
