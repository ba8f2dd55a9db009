"""``govsim fit``: from a log and a base scenario to a fitted scenario file, and how close the
fitted scenario's simulated log comes to the source log.

The fitted file is written atomically and read back with the scenario loader, so what is
written always validates; a fitted value the loader refuses is a bug, reported as such.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.core.files import atomic_write
from govsim.fit.distances import compare_frames
from govsim.fit.estimate import LogView
from govsim.fit.fitting import Fit, fit_view
from govsim.fit.floor import floor_logs, simulated_events
from govsim.fit.write import fitted_toml
from govsim.scenario.limits import MAX_SEED
from govsim.scenario.load import load_scenario
from govsim.scenario.models import Scenario

__all__ = ["FitOutcome", "fit_frames"]


@dataclass
class FitOutcome:
    """A fitted scenario: the estimates, the file written, and the distances between a
    replication of the fitted scenario and the source log (with the noise floor)."""

    fit: Fit
    path: Path
    scenario: Scenario
    distances: pd.DataFrame | None = None

    def estimates(self) -> pd.DataFrame:
        """One row per fitted number: key, value, low, high, n, method."""
        rows = [vars(e) for e in self.fit.table()]
        return pd.DataFrame(rows, columns=["key", "value", "low", "high", "n", "method"])


def _relative(base: Path, out: Path) -> str:
    """``base`` as the fitted file at ``out`` names it (relative when it can be)."""
    try:
        return Path(os.path.relpath(base.resolve(), out.resolve().parent)).as_posix()
    except ValueError:  # another drive (Windows)
        return base.resolve().as_posix()


def fit_frames(
    events: pd.DataFrame,
    cases: pd.DataFrame,
    cal: WorkCalendar,
    scenario: Scenario,
    base_file: str | Path,
    out: str | Path,
    *,
    source: str = "<log>",
    compare: bool = True,
    criterion: str = "aic",
) -> FitOutcome:
    """Fit a scenario to a log (``events``/``cases`` read with ``scenario`` and ``cal``),
    write ``base_file``'s scenario with the fitted values to ``out`` and, with ``compare``,
    simulate it and measure its distance from the log against the noise floor. Efforts'
    families are chosen by ``criterion`` (``aic`` or ``bic``)."""
    base_file, out = Path(base_file), Path(out)
    fit = fit_view(LogView(events, cases, cal, scenario), criterion=criterion)
    base = load_scenario(base_file)
    name = f"{base.scenario.name}-fitted"
    text = fitted_toml(
        fit, base, cal.working_minutes_per_day, _relative(base_file, out), source, name
    )
    atomic_write(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    fitted = load_scenario(out)
    outcome = FitOutcome(fit, out, fitted)
    if compare:
        # Another seed than the scenario's: a log simulated from the base with its own seed
        # is not compared on common random numbers.
        seed = (fitted.experiment.seed + 1) % (MAX_SEED + 1)
        simulated = simulated_events(fitted, 0, seed)
        outcome.distances = compare_frames(events, simulated, floor_logs(fitted, seed))
    return outcome
