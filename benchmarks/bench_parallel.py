"""Experiment throughput and parent memory.

1. Replications per second of the default scenario with 1 and 2 worker processes, and the
   parallel efficiency (rate with 2 workers / (2 × rate with 1)).
2. Peak resident memory of the parent process (the one that runs ``run_experiment``) for a
   growing number of replications with ``--events none``: it should stay flat, because the
   workers write their own parts and the parent streams them into the consolidated files.

Usage: ``python benchmarks/bench_parallel.py [--reps 8] [--memory 100,300,1000] [--days 365]``.
Each measurement runs in a fresh interpreter so that peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, resource, sys, time
from pathlib import Path
from govsim.scenario.load import parse_scenario
from govsim.experiment.runner import run_experiment
text = Path(sys.argv[1]).read_text(encoding="utf-8")
text = text.replace("horizon_days = 365", "horizon_days = " + sys.argv[5])
text = text.split("[[variants]]")[0]  # the baseline only
path = Path(sys.argv[2]) / "sc.toml"
path.write_text(text, encoding="utf-8")
sc = parse_scenario(text, str(path))
t = time.perf_counter()
run_experiment(sc, scenario_path=path, reps=int(sys.argv[3]), seed=1, out=Path(sys.argv[2]),
               workers=int(sys.argv[4]))
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed,
                  "parent_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(reps: int, workers: int, days: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [
                sys.executable,
                "-c",
                CHILD,
                str(ROOT / "scenarios" / "jining.toml"),
                tmp,
                str(reps),
                str(workers),
                str(days),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=8, help="replications for the throughput test")
    parser.add_argument("--memory", default="100,300,1000", help="replication counts for memory")
    parser.add_argument("--days", type=int, default=365, help="horizon of each replication")
    parser.add_argument("--memory-days", type=int, default=30, help="horizon for the memory runs")
    args = parser.parse_args()

    print(f"throughput: default scenario, {args.days} days, {args.reps} replications")
    rates = {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        r = measure(args.reps, workers, args.days)
        rates[workers] = args.reps / r["seconds"]
        print(
            f"  workers={workers}: {r['seconds']:.2f} s, {rates[workers]:.2f} rep/s "
            f"(process total {time.perf_counter() - t0:.2f} s)"
        )
    print(f"  parallel efficiency on 2 workers: {rates[2] / (2 * rates[1]):.2f}")

    print(f"parent memory: {args.memory_days}-day replications, --events none, 2 workers")
    for reps in (int(x) for x in args.memory.split(",")):
        r = measure(reps, 2, args.memory_days)
        print(
            f"  reps={reps:5d}: {r['seconds']:.1f} s, "
            f"parent peak RSS {r['parent_maxrss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
