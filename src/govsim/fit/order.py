"""What fitting needs of a log beyond the reader's validation: time order within each case.

Efforts and waits are differences of timestamps, so a case whose events go back in time in
the file (an OA export sorted by another column, a clock mix-up) would give negative or
misplaced durations. The reader (:mod:`govsim.log.read`) accepts such a log, since its
invariants report order problems as violations; fitting refuses it with one line naming
the row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govsim.log.columns import LogError
from govsim.log.read import LoadedLog

__all__ = ["first_out_of_order", "require_time_order"]


def first_out_of_order(events: pd.DataFrame) -> int | None:
    """Position of the first event (in file order) earlier than an event before it in the
    same case, or None."""
    if events.empty:
        return None
    latest = events.groupby("case", observed=True)["time"].cummax()
    before = latest.groupby(events["case"], observed=True).shift()
    bad = np.flatnonzero((events["time"] < before).to_numpy())
    return int(bad[0]) if len(bad) else None


def require_time_order(log: LoadedLog) -> None:
    """Raise :class:`LogError` (one line naming the file's line or row) if a case's events
    go back in time."""
    pos = first_out_of_order(log.events)
    if pos is None:
        return
    case = log.case_label(int(log.events["case"].iloc[pos]))
    raise LogError(
        f"{log.source}: {log.where([pos])}: time: timestamps out of order: earlier than a "
        f"previous event of case {case}"
    )
