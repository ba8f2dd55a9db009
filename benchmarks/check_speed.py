"""`govsim check` against simulating the year it audits: one year of ``scenarios/meetings.toml``
and of ``scenarios/jining.toml`` (replication 0).

Times the simulation (``simulate``), the whole check (``check_log``, every registered
invariant) and each rule family and invariant within one run of the check (CPU seconds,
median of ``--repeats``). The checks of a family run in registry order over one context, as
``check_log`` runs them, so views shared by several families (absences, per-case events …)
are charged to the first family that needs them. Target: the whole check no slower than
simulating the year.

Run against an older checkout (``PYTHONPATH=<checkout>/src``) that still has the single
``govsim.invariants`` module, the same script times that module, family by id.

Usage: ``python benchmarks/check_speed.py [--repeats 3] [--scenario meetings jining]
[--top 10]``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from _common import ROOT, machine, measure, table

# Families by id for a checkout without a registry (D07–D11 are the countersign family).
_PREFIX_FAMILY = {"D": "documents", "O": "signing", "N": "legality", "S": "ledger",
                  "E": "engineering", "L": "leave", "M": "meetings"}  # fmt: skip


def _checks() -> tuple[Any, dict[str, tuple[str, Callable[[Any], Any]]]]:
    """The check module and id → (family, check) of every invariant it runs."""
    try:
        import govsim.checks as mod

        return mod, {k: (s.family, s.check) for k, s in mod.INVARIANTS.items()}
    except ImportError:
        import govsim.invariants as mod  # an older checkout

        def family(inv: str) -> str:
            cs = inv[4] == "D" and 7 <= int(inv[5:]) <= 11
            return "countersign" if cs else _PREFIX_FAMILY[inv[4]]

        return mod, {k: (family(k), f) for k, f in mod.INVARIANTS.items()}


def _one_pass(mod: Any, checks: dict, events: Any, cases: Any, world: Any) -> dict[str, float]:
    """CPU seconds of each check in one registry-order pass over a fresh context."""
    colour = world.sc.ledger.colour if world.sc.ledger is not None else None
    ctx = mod.LogContext(
        events.reset_index(drop=True), cases, world.org, world.cal, colour_rule=colour,
        sc=world.sc,
    )  # fmt: skip
    out = {}
    gc.collect()
    with getattr(mod.audit, "_no_cyclic_gc", contextlib.nullcontext)():  # as check_log runs
        for inv, (_family, check) in checks.items():
            t0 = time.process_time()
            check(ctx)
            out[inv] = time.process_time() - t0
    return out


def bench(name: str, repeats: int, top: int) -> list[list[str]]:
    from govsim.scenario.load import load_scenario

    # the model only after the scenario package: their modules import each other
    simulate = importlib.import_module("govsim.model.world").simulate

    mod, checks = _checks()
    sc = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    sim = measure(lambda: simulate(sc, 0), repeats)
    world = sim.result
    events, cases = world.log.to_frame(), world.log.cases_frame()
    whole = measure(
        lambda: mod.check_log(events, cases, world.org, world.cal, scenario=world.sc), repeats
    )
    assert whole.result == [], whole.result[:5]
    passes = [_one_pass(mod, checks, events, cases, world) for _ in range(repeats)]
    per_check = {inv: statistics.median(p[inv] for p in passes) for inv in checks}
    per_family: dict[str, float] = defaultdict(float)
    for inv, (family, _check) in checks.items():
        per_family[family] += per_check[inv]
    ratio = whole.cpu_median / sim.cpu_median
    print(f"\n## {name}.toml: {len(events):,} events, {len(cases):,} cases ({mod.__name__})\n")
    rows = [
        ["simulate (one year)", f"{sim.cpu_median:.3f}", "1.00"],
        ["check_log (all invariants)", f"{whole.cpu_median:.3f}", f"{ratio:.2f}"],
    ]
    for family, t in sorted(per_family.items(), key=lambda kv: -kv[1]):
        rows.append([f"  family {family}", f"{t:.3f}", f"{t / sim.cpu_median:.2f}"])
    for inv, t in sorted(per_check.items(), key=lambda kv: -kv[1])[:top]:
        rows.append([f"    {inv}", f"{t:.3f}", f"{t / sim.cpu_median:.2f}"])
    print(table(["step", "CPU s (median)", "× simulate"], rows))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scenario", nargs="+", default=["meetings", "jining"])
    ap.add_argument("--top", type=int, default=10, help="slowest invariants listed")
    args = ap.parse_args()
    print(machine())
    for name in args.scenario:
        bench(name, args.repeats, args.top)


if __name__ == "__main__":
    main()
