"""The noise floor of the log distances: two replications of one scenario, simulated.

Two replications of the same scenario differ only by chance, so the distances between their
logs (:func:`govsim.fit.distances.log_distances`) say how far apart two logs of one process
are expected to be; a fitted scenario is as good as the data allow when its log is no
farther from the real one than that.
"""

from __future__ import annotations

import pandas as pd

from govsim.model.world import simulate
from govsim.scenario.models import Scenario

__all__ = ["floor_logs", "simulated_events"]


def simulated_events(sc: Scenario, replication: int = 0, seed: int | None = None) -> pd.DataFrame:
    """The event log of one replication of ``sc`` (its baseline design point)."""
    return simulate(sc, replication, seed).log.to_frame()


def floor_logs(
    sc: Scenario, seed: int | None = None, replications: tuple[int, int] = (1, 2)
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The logs of two replications of ``sc`` whose distances are the noise floor.

    Replications 1 and 2 by default, so that replication 0 (the one ``govsim fit`` compares
    with the source log) is not one of them."""
    first, second = replications
    return simulated_events(sc, first, seed), simulated_events(sc, second, seed)
