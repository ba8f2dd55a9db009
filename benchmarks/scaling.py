"""Scaling of one replication with the horizon and with the load.

1. Horizon 1, 2 and 4 years of the default scenario from 2023-01-01 (``calendar.beyond_data =
   "estimate"`` is set so that a horizon past the last year of official 调休 data would run;
   2023–2026 all have official data, and the script prints any year that was estimated).
2. ``load.scale`` 0.5, 1 and 2 over the default year (2025).

For each: CPU seconds of ``simulate()`` (median of ``--repeats``), events, µs per event, and a
least-squares fit ``seconds = a + b·x`` with its R², plus the log-log slope (1 = linear).

Usage: ``python benchmarks/scaling.py [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tomllib
import warnings

import numpy as np
from _common import ROOT, machine, measure, table


def scenario(overrides: dict[str, object]):
    from govsim.scenario.load import apply_overrides
    from govsim.scenario.models import Scenario

    raw = tomllib.loads((ROOT / "scenarios" / "jining.toml").read_text(encoding="utf-8"))
    raw.pop("variants", None)
    return Scenario.model_validate(apply_overrides(raw, overrides))


def fit(x: list[float], y: list[float]) -> tuple[float, float, float, float]:
    """Intercept, slope and R² of y = a + b·x, and the slope of log y on log x."""
    xs, ys = np.asarray(x, float), np.asarray(y, float)
    b, a = np.polyfit(xs, ys, 1)
    r2 = 1 - float(((ys - (a + b * xs)) ** 2).sum()) / float(((ys - ys.mean()) ** 2).sum())
    elasticity = float(np.polyfit(np.log(xs), np.log(ys), 1)[0])
    return float(a), float(b), r2, elasticity


def sweep(name: str, unit: str, points: list[tuple[float, dict[str, object]]], repeats: int):
    from govsim.model.world import simulate

    rows, xs, ys, estimated = [], [], [], set()
    for x, overrides in points:
        sc = scenario(overrides)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = measure(lambda sc=sc: simulate(sc, 0), repeats)
        world = t.result
        estimated.update(world.cal.warnings)
        n = len(world.log)
        docs = world.log.n_cases
        rows.append([x, docs, n, t.cpu_median, t.cpu_median / docs * 1e6, t.cpu_median / n * 1e6])
        xs.append(x)
        ys.append(t.cpu_median)
    a, b, r2, el = fit(xs, ys)
    print(f"\n{name}")
    headers = [unit, "documents", "events", "CPU s (median)", "µs / document", "µs / event"]
    print(table(headers, rows))
    linear = "yes" if r2 > 0.99 and 0.85 <= el <= 1.15 else "no"
    print(
        f"least squares: seconds = {a:.4f} + {b:.4f} × {unit}  (R² = {r2:.4f}); "
        f"log-log slope {el:.3f}; linear: {linear}"
    )
    for message in sorted(estimated):
        print(f"estimated: {message}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(machine())
    start = dt.date(2023, 1, 1)
    horizon = [
        (
            float(years),
            {
                "scenario.start": start,
                "scenario.horizon_days": (dt.date(2023 + years, 1, 1) - start).days,
                "calendar.beyond_data": "estimate",
            },
        )
        for years in (1, 2, 4)
    ]
    sweep("Horizon (from 2023-01-01, load.scale 1)", "years", horizon, args.repeats)
    scale = [(s, {"load.scale": s}) for s in (0.5, 1.0, 2.0)]
    sweep("Load (2025, one year)", "load.scale", scale, args.repeats)


if __name__ == "__main__":
    main()
